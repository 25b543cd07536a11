"""Networks from the knowledge graph and their exports: built by SPARQL, filtered, measured, and every
file format read back with the same nodes, edges and attributes."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from phoihop import cli as cli_module
from phoihop import export as ex
from phoihop import network as nw
from phoihop import page, picture, style
from phoihop.cli import cli
from phoihop.infer import infer
from phoihop.node_attributes import years
from phoihop.resources import data_dir, ontology_files
from phoihop.store import load_files

NETWORK = Path(__file__).parent / "fixtures" / "network"
FIXTURE_FILES = [*ontology_files(), NETWORK / "data.ttl"]  # the real ontology and schemes, our data
INPUT_OPTIONS = [arg for path in FIXTURE_FILES for arg in ("--input", str(path))]
ID = "https://w3id.org/phoihop/id/"
LDLD_HN, UBND_HN = ID + "actor/ha-noi/lien-doan-lao-dong", ID + "actor/ha-noi/uy-ban-nhan-dan"
BHXH_HN = ID + "actor/ha-noi/bao-hiem-xa-hoi"
PROGRAMME_HN = ID + "instrument/ha-noi-ubnd-ldld/2021/21-ctr"
PROGRAMME_HN_OLD = ID + "instrument/ha-noi-ubnd-ldld/2016/09-ctr"


@pytest.fixture(scope="module")
def store():
    """The fixture as the build leaves it: ontology + data, inferred."""
    store = load_files(FIXTURE_FILES)
    infer(store)
    return store


@pytest.fixture(scope="module")
def raw_store():
    """The fixture without inference: levels must then come through the actor's area."""
    return load_files(FIXTURE_FILES)


@pytest.fixture(scope="module")
def networks(store) -> dict[str, nw.Network]:
    return {name: nw.build_network(store, name, details=True) for name in nw.GRAPH_NAMES}


# --- the networks -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, nodes, edges, directed", [
    ("coordination", 14, 9, False),
    ("citation", 8, 8, True),
    ("hierarchy", 22, 28, True),
    ("bipartite", 25, 24, False),
])
def test_network_sizes(networks, name, nodes, edges, directed):
    graph = networks[name].graph
    assert (graph.number_of_nodes(), graph.number_of_edges(), graph.is_directed()) == (nodes, edges, directed)
    for node, data in graph.nodes(data=True):
        assert data["iri"] == node and data["label"]


def test_coordination_edge_attributes(networks):
    """Two agreements and three commitments bind the Hà Nội UBND and LĐLĐ, in both directions."""
    edge = networks["coordination"].graph.edges[LDLD_HN, UBND_HN]
    assert edge == {
        "weight": 5, "agreements": 2, "commitments": 3,
        "programmes": [PROGRAMME_HN_OLD, PROGRAMME_HN],
        "topics": ["inspection", "legal-propaganda", "reporting-and-review", "training-and-jobs",
                   "worker-welfare"],
        "years": list(range(2016, 2026)),
        "source_leads": 1, "target_leads": 1, "co_leads": 1,
    }


def test_two_partners_without_a_lead_are_not_tied(networks):
    """LĐLĐ and BHXH are both partners of commitment II.2: like ph:coordinatesWith, that is no tie."""
    graph = networks["coordination"].graph
    assert graph.has_edge(UBND_HN, BHXH_HN) and not graph.has_edge(LDLD_HN, BHXH_HN)


@pytest.mark.parametrize("actor, area, level", [
    ("ha-noi/lien-doan-lao-dong", "Hà Nội", "province"),
    ("da-nang/lien-doan-lao-dong", "Đà Nẵng", "province"),
    ("ha-noi/quan-hoan-kiem/lien-doan-lao-dong", "quận Hoàn Kiếm", "district"),
    ("ha-noi/quan-hoan-kiem/cong-doan-co-so-cong-ty-thu-nghiem", "quận Hoàn Kiếm", "grassroots"),  # ph:level
    ("viet-nam/chinh-phu", "Việt Nam", "national"),
])
@pytest.mark.parametrize("inferred", [True, False])
def test_actor_area_and_level(store, raw_store, inferred, actor, area, level):
    """Area = dct:spatial; level = ph:level, stated or inferred, else the area's ph:areaLevel."""
    iri = ID + "actor/" + actor
    data = nw.node_attributes(store if inferred else raw_store, [iri])[iri]
    assert (data["area"], data["level"]) == (area, level)


def reference_attributes(store, iris) -> dict[str, dict]:
    """node-attributes.rq, the attributes' definition in SPARQL, turned into the same dicts."""
    out = {}
    for row in nw.select(store, "node-attributes", iris):
        attrs = {
            "label": row["label_vi"] or row["label_en"] or row["number"] or nw.local_name(row["node"]),
            "label_vi": row["label_vi"], "label_en": row["label_en"],
            "type": nw.local_name(row["type"]) if row["type"] else None,
            "level": nw.local_name(row["level"]) if row["level"] else None,
            "area": row["area"], "area_en": row["area_en"], "iri": row["node"], "number": row["number"],
            "clause": row["clause"], "date": row["date"],
            "topics": sorted(nw.local_name(t) for t in (row["topics"] or "").split()),
            "years": years(*(int(row[k]) if row[k] else None for k in ("year_from", "year_to"))),
        }
        out[row["node"]] = {k: v for k, v in attrs.items() if v not in (None, "", [])}
    return out


@pytest.fixture(scope="module")
def curated_store():
    """The project's own curated graph (data/), built and inferred."""
    store = load_files([data_dir()], sources=True)
    infer(store)
    return store


@pytest.mark.parametrize("which", ["store", "raw_store", "curated_store"])
def test_node_attributes_agree_with_their_sparql_definition(request, which):
    """One pass over node-facts.rq gives what node-attributes.rq gives node by node, for every node of
    every network and every item a page lists."""
    store = request.getfixturevalue(which)
    attributes = nw.all_node_attributes(store)
    nodes = set()
    for name in nw.GRAPH_NAMES:
        net = nw.build_network(store, name, details=True, attributes=attributes)
        nodes |= set(net.graph) | set(net.items)
    expected = reference_attributes(store, nodes)
    assert len(expected) > 20
    bare = {n: {"label": nw.local_name(n), "iri": n} for n in expected}  # a dangling reference
    assert {n: attributes.get(n, bare[n]) for n in expected} == expected


def test_instruments_take_the_level_and_area_of_their_issuer(networks):
    data = networks["citation"].graph.nodes[ID + "instrument/tw/37-ct"]
    assert (data["area"], data["level"]) == ("Việt Nam", "national")


def test_node_attributes_of_instruments_and_commitments(networks):
    programme = networks["citation"].graph.nodes[PROGRAMME_HN]
    assert programme["type"] == "CoordinationProgramme" and programme["number"] == "21/CTr-UBND-LĐLĐ"
    assert programme["label_en"].startswith("Coordination programme") and programme["years"][0] == 2021
    commitment = networks["bipartite"].graph.nodes[PROGRAMME_HN + "/commitment/ii-1"]
    assert commitment["type"] == "Commitment" and commitment["topics"] == ["worker-welfare"]
    assert commitment["years"] == list(range(2021, 2026))  # the programme's period


def test_citation_relations(networks):
    graph = networks["citation"].graph
    assert graph.edges[PROGRAMME_HN, ID + "instrument/cp/2018/149-nd"]["relations"] == ["based_on"]
    assert graph.edges[ID + "instrument/quan-hoan-kiem-ubnd-ldld/2021/07-ctr", PROGRAMME_HN]["relations"] == [
        "implements"]


def test_hierarchy_keeps_direct_links_only(store, networks):
    graph = networks["hierarchy"].graph
    district = ID + "area/ha-noi/quan-hoan-kiem"
    closure = f"ASK {{ <{district}> <https://w3id.org/phoihop/ontology#withinArea> <{ID}area/viet-nam> }}"
    assert store.query(closure, use_default_graph_as_union=True)  # the build's transitive closure
    assert graph.has_edge(district, ID + "area/ha-noi") and not graph.has_edge(district, ID + "area/viet-nam")
    assert graph.edges[ID + "actor/ha-noi/quan-hoan-kiem/lien-doan-lao-dong", LDLD_HN]["relations"] == [
        "subOrganizationOf"]


def test_bipartite_is_two_mode(networks):
    graph = networks["bipartite"].graph
    actors = {n for n, side in graph.nodes(data="bipartite") if side == 0}
    assert nx.is_bipartite(graph) and LDLD_HN in actors
    assert all(graph.nodes[n]["type"] == "Commitment" for n in set(graph) - actors)


@pytest.mark.parametrize("filters, nodes, edges", [
    (nw.Filters(topic="inspection"), {LDLD_HN, UBND_HN, BHXH_HN}, 2),
    (nw.Filters(year=2023), 9, 6),
    (nw.Filters(level="district"), 2, 1),
    (nw.Filters(level="province", year=2018), {LDLD_HN, UBND_HN}, 1),
    (nw.Filters(topic="no-such-topic"), 0, 0),
])
def test_filters(store, filters, nodes, edges):
    graph = nw.build_network(store, "coordination", filters).graph
    assert (set(graph) if isinstance(nodes, set) else len(graph)) == nodes
    assert graph.number_of_edges() == edges


def test_filters_recount_weights(store):
    """A year filter drops the 2016 programme from the Hà Nội tie before weights are counted."""
    edge = nw.build_network(store, "coordination", nw.Filters(year=2023)).graph.edges[LDLD_HN, UBND_HN]
    assert (edge["weight"], edge["agreements"], edge["programmes"]) == (3, 1, [PROGRAMME_HN])


def test_topic_filter_does_not_apply_to_hierarchy(store, caplog):
    graph = nw.build_network(store, "hierarchy", nw.Filters(topic="inspection")).graph
    assert graph.number_of_edges() == 28 and "do not apply" in caplog.text


def test_details_of_a_node(networks):
    net = networks["coordination"]
    roles = {(kind, role) for kind, _, role in net.details[LDLD_HN]}
    assert roles == {("commitment", "lead"), ("commitment", "partner"), ("instrument", "party"),
                     ("instrument", "issuer")}
    assert net.items[PROGRAMME_HN]["label_vi"].startswith("Chương trình phối hợp")
    assert net.vocabulary["topic"]["worker-welfare"]["en"] == "Worker welfare"


# --- metrics ----------------------------------------------------------------------------------------------

def test_metrics_are_deterministic_and_rank_the_hub_first(networks):
    graph = networks["coordination"].graph
    rows = nw.metrics(graph)
    assert rows == nw.metrics(graph.copy())
    assert rows[0]["iri"] == LDLD_HN and rows[0]["weighted_degree"] == 7
    assert {r["community"] for r in rows} == set(range(max(r["community"] for r in rows) + 1))
    same = {r["iri"]: r["community"] for r in rows}
    assert same[LDLD_HN] == same[UBND_HN] != same[ID + "actor/long-an/uy-ban-nhan-dan"]


def test_metrics_of_an_empty_network():
    assert nw.metrics(nx.Graph()) == []


# --- round trips ------------------------------------------------------------------------------------------

def _edge_key(graph, u, v):
    return (u, v) if graph.is_directed() else frozenset((u, v))


def assert_same_graph(expected: nx.Graph, actual: nx.Graph, extra_node=(), extra_edge=()):
    """Same nodes, edges and attribute values (1 == 1.0; format-specific bookkeeping keys ignored)."""
    assert set(actual) == set(expected)
    for node, data in expected.nodes(data=True):
        got = {k: v for k, v in actual.nodes[node].items() if k not in extra_node}
        assert got == data, node
    want = {_edge_key(expected, u, v): d for u, v, d in expected.edges(data=True)}
    got = {_edge_key(actual, u, v): {k: x for k, x in d.items() if k not in extra_edge}
           for u, v, d in actual.edges(data=True)}
    assert got == want


READERS = {
    "graphml": (nx.read_graphml, (), ()),
    "gexf": (nx.read_gexf, (), ("id",)),
    "json": (lambda p: nx.node_link_graph(json.loads(p.read_text(encoding="utf-8")), edges="edges"), (), ()),
    "cyjs": (lambda p: nx.cytoscape_graph(json.loads(p.read_text(encoding="utf-8")), name="label"),
             ("id", "value", "name"), ("source", "target")),
}
SCALAR_ONLY = {"graphml", "gexf"}


@pytest.mark.parametrize("name", nw.GRAPH_NAMES)
@pytest.mark.parametrize("fmt", sorted(READERS))
def test_round_trip(networks, tmp_path, name, fmt):
    net = networks[name]
    [path] = ex.EXPORTERS[fmt](net, tmp_path / name)
    read, extra_node, extra_edge = READERS[fmt]
    actual = read(path)
    assert actual.is_directed() == net.graph.is_directed()
    expected = ex.flat(net.graph) if fmt in SCALAR_ONLY else net.graph
    assert_same_graph(expected, actual, extra_node, extra_edge)


def test_graphml_keeps_lists_as_joined_strings(networks, tmp_path):
    [path] = ex.write_graphml(networks["coordination"], tmp_path / "c")
    edge = nx.read_graphml(path).edges[LDLD_HN, UBND_HN]
    assert edge["years"].split(";") == [str(y) for y in range(2016, 2026)] and edge["weight"] == 5


def test_edges_are_written_source_first(networks, tmp_path):
    """source_leads / target_leads refer to the written source; it is the endpoint whose IRI sorts first."""
    [path] = ex.write_node_link(networks["coordination"], tmp_path / "c")
    links = json.loads(path.read_text(encoding="utf-8"))["edges"]
    assert links and all(link["source"] < link["target"] for link in links)


@pytest.mark.parametrize("name", nw.GRAPH_NAMES)
def test_csv_round_trip(networks, tmp_path, name):
    nodes_path, edges_path = ex.write_csv(networks[name], tmp_path / name)
    expected = ex.flat(networks[name].graph)
    with nodes_path.open(encoding="utf-8") as handle:
        nodes = {row.pop("id"): {k: v for k, v in row.items() if v} for row in csv.DictReader(handle)}
    assert nodes == {n: {k: str(v) for k, v in d.items()} for n, d in expected.nodes(data=True)}
    with edges_path.open(encoding="utf-8") as handle:
        edges = {(row.pop("source"), row.pop("target")): {k: v for k, v in row.items() if v}
                 for row in csv.DictReader(handle)}
    want = {(u, v): {k: str(x) for k, x in d.items() if str(x)} for u, v, d in expected.edges(data=True)}
    assert edges == want


def test_dot_quotes_everything(tmp_path):
    graph = nx.DiGraph()
    graph.add_node('a "quoted" \\ name', label='Sở "X"\nline', type="Department", level="province")
    graph.add_node("b", label="b")
    graph.add_edge('a "quoted" \\ name', "b", weight=2, relations=["cites", "based_on"])
    [path] = ex.write_dot(nw.Network("citation", graph), tmp_path / "g")
    text = path.read_text(encoding="utf-8")
    assert text.startswith('strict digraph "citation" {') and text.rstrip().endswith("}")
    assert '"a \\"quoted\\" \\\\ name" -> "b" [weight="2", relations="cites;based_on"];' in text
    assert 'tooltip="Sở \\"X\\"\\nline"' in text and "\n" not in re.findall(r'tooltip="[^"]*', text)[0]


@pytest.mark.parametrize("name", nw.GRAPH_NAMES)
def test_dot_has_every_node_and_edge(networks, tmp_path, name):
    [path] = ex.write_dot(networks[name], tmp_path / name)
    arrow = "->" if networks[name].graph.is_directed() else "--"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sum(f'" {arrow} "' in line for line in lines) == networks[name].graph.number_of_edges()
    assert sum(line.startswith('  "') and arrow not in line for line in lines) == len(networks[name].graph)


@pytest.mark.parametrize("name", nw.GRAPH_NAMES)
def test_graphviz_draws_every_dot_with_a_sensible_shape(networks, tmp_path, name):
    """The DOT file carries its own layout (sfdp, overlap removal, packed parts): plain `dot` gives a picture
    no more than three times wider than high (an 8947x548 strip before), and every label is readable."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed (apt-get install graphviz)")
    [path] = ex.write_dot(networks[name], tmp_path / name)
    svg = subprocess.run(["dot", "-Tsvg", str(path)], capture_output=True, text=True, timeout=120, check=True).stdout
    width, height = (float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups())
    assert 1 / 3 <= width / height <= 3, (width, height)
    fills = re.findall(r'fillcolor="(#[0-9a-f]{6})", fontcolor="(#[0-9a-f]{6})"', path.read_text(encoding="utf-8"))
    assert fills and all(style.contrast(fill, text) >= 4 for fill, text in fills)


@pytest.mark.parametrize("fill, text", [("#7f0000", "#ffffff"), ("#8c564b", "#ffffff"), ("#aec7e8", "#000000"),
                                        ("#ff7f0e", "#000000"), ("#bcbd22", "#000000"), ("#000080", "#ffffff")])
def test_text_colour_reads_on_its_fill(fill, text):
    assert style.text_colour(fill) == text


@pytest.mark.parametrize("attrs, lang, expected", [
    ({"type": "Commitment", "clause": "II.1", "topics": ["worker-welfare"], "label_vi": "Thăm hỏi …"}, "vi",
     "II.1 · Chăm lo đời sống người lao động"),
    ({"type": "Commitment", "clause": "II.1", "topics": ["worker-welfare"]}, "en", "II.1 · Worker welfare"),
    ({"type": "Commitment", "label_vi": "Thăm hỏi, tặng quà công nhân gặp khó khăn vào dịp Tết Nguyên Đán"},
     "vi", "Thăm hỏi, tặng quà công nhân gặp khó…"),
    ({"type": "Directive", "number": "37-CT/TW", "label_vi": "Chỉ thị 37"}, "vi", "37-CT/TW"),
    ({"type": "LabourUnion", "label_vi": "Liên đoàn Lao động tỉnh Long An", "label_en": "Long An Labour "
      "Federation"}, "en", "Long An Labour Federation"),
])
def test_short_labels(networks, attrs, lang, expected):
    assert style.short_label(attrs, networks["bipartite"].vocabulary, lang) == expected


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_pictures(networks, tmp_path, fmt):
    [path] = ex.EXPORTERS[fmt](networks["coordination"], tmp_path / "c")
    data = path.read_bytes()
    if fmt == "png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000
    else:
        root = ET.fromstring(data)
        text = data.decode("utf-8")
        assert root.tag.endswith("svg") and "Mạng lưới phối hợp" in text
        assert "Liên đoàn Lao động thành" in text  # the hub is labelled (wrapped at 24 characters)


def svg_text(path: Path) -> list[str]:
    return [t.text for t in ET.parse(path).iter() if t.tag.endswith("text") and t.text]


@pytest.mark.parametrize("lang, legend, caption", [
    ("vi", ["tổ chức Công đoàn", "Ủy ban nhân dân", "cấp (viền): Cấp tỉnh"], "Mạng lưới phối hợp: 14 / 14 nút"),
    ("en", ["labour union", "people's committee", "level (border): Province"], "Coordination network: 14 of 14"),
])
def test_picture_words_follow_the_language(networks, tmp_path, lang, legend, caption):
    """The legend names types and levels in the picture's language, never by class name (LabourUnion)."""
    [path] = ex.write_picture(networks["coordination"], tmp_path / "c", style.Options(lang=lang), fmt="svg")
    texts = svg_text(path)
    assert all(word in texts for word in legend) and any(t.startswith(caption) for t in texts)
    assert not {"LabourUnion", "PeoplesCommittee", "level: province"} & set(texts)


@pytest.mark.parametrize("max_nodes, shown", [(5, 5), (0, 25), (100, 25)])
def test_picture_size_is_asked_for(networks, tmp_path, max_nodes, shown):
    [path] = ex.write_picture(networks["bipartite"], tmp_path / "b", style.Options(max_nodes=max_nodes), fmt="svg")
    assert any(t.startswith(f"Chủ thể và nhiệm vụ: {shown} / 25 nút") for t in svg_text(path))


def test_the_biggest_hubs_are_labelled(networks, tmp_path):
    """Labels go to the best-connected nodes first, even in a dense core."""
    net = networks["bipartite"]
    [path] = ex.write_picture(net, tmp_path / "b", fmt="svg")
    texts = " ".join(" ".join(svg_text(path)).split())
    hubs = sorted(net.graph, key=lambda n: (-net.graph.degree(n), n))[:3]
    for hub in hubs:
        assert style.short_label(net.graph.nodes[hub], net.vocabulary, "vi") in texts, hub


@pytest.mark.parametrize("sizes", [[3.0], [5.0, 2.0, 2.0, 1.0, 1.0, 1.0], [4.0, 4.0, 3.0, 1.5, 1.5, 0.5]])
@pytest.mark.parametrize("width", [5.0, 7.5, 12.0])
def test_skyline_pack_keeps_squares_apart_and_inside(sizes, width):
    width = max(width, sizes[0])
    corners = picture.skyline_pack(sizes, width)
    squares = [(x, y, x + s, y + s) for (x, y), s in zip(corners, sizes, strict=True)]
    assert all(x0 >= 0 and y0 >= 0 and x1 <= width + 1e-9 for x0, y0, x1, _ in squares)
    for i, a in enumerate(squares):
        for b in squares[i + 1:]:
            assert a[2] <= b[0] + 1e-9 or b[2] <= a[0] + 1e-9 or a[3] <= b[1] + 1e-9 or b[3] <= a[1] + 1e-9


def test_html_page_is_self_contained(networks, tmp_path):
    [path] = ex.write_html(networks["coordination"], tmp_path / "c")
    page = path.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    payload = re.search(r'<script type="application/json" id="phoihop-data">(.*?)</script>', page, re.S)
    data = json.loads(payload.group(1))
    assert len(data["nodes"]) == 14 and len(data["edges"]) == 9 and "vis.Network" in page


def test_page_data_escapes_markup():
    graph = nx.Graph()
    graph.add_node("x", label_vi="</script><b>&")
    payload = json.dumps(page.page_data(nw.Network("coordination", graph)))
    assert json.loads(payload)["nodes"][0]["label_vi"] == "</script><b>&"


def test_the_page_is_the_same_whatever_the_hash_seed(tmp_path):
    """Regression: the legend's colours came in the order of a set of strings, which Python's hash seed
    changes from run to run, so two exports of one graph gave two different pages."""
    script = ("import sys; from phoihop import network as nw, page; "
              f"store = nw.load({[str(path) for path in FIXTURE_FILES]!r}); "
              "sys.stdout.write(page.script_json(page.page_data(nw.build_network(store, 'coordination'))))")
    pages = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(pages) == 1 and '"colours"' in pages.pop()


def test_every_format_is_registered_in_the_cli():
    assert set(cli_module._EXPORT_FORMATS) == {*ex.EXPORTERS, "all"}
    assert set(cli_module._EXPORT_GRAPHS) == {*nw.GRAPH_NAMES, "all"}


# --- the command ------------------------------------------------------------------------------------------

def test_cli_export_with_metrics(tmp_path):
    result = CliRunner().invoke(cli, ["export", *INPUT_OPTIONS, "--graph", "coordination",
                                      "--format", "graphml", "--format", "csv", "--metrics",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Liên đoàn Lao động thành phố Hà Nội" in result.stdout.splitlines()[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "coordination-edges.csv", "coordination-metrics.csv", "coordination-nodes.csv",
        "coordination.graphml"]
    with (tmp_path / "coordination-metrics.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ex.METRIC_COLUMNS


def test_cli_export_filters(tmp_path):
    result = CliRunner().invoke(cli, ["export", *INPUT_OPTIONS, "--graph", "coordination",
                                      "--format", "json", "--level", "district", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "coordination.json").read_text(encoding="utf-8"))
    assert {n["level"] for n in data["nodes"]} == {"district"} and len(data["edges"]) == 1


def test_cli_export_missing_input(tmp_path):
    missing = str(tmp_path / "nothing.trig")
    result = CliRunner().invoke(cli, ["export", "--input", missing, "--out", str(tmp_path)])
    assert result.exit_code == 2 and "nothing.trig" in result.output and "Traceback" not in result.output


# --- the ontology page ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ontology_pages(tmp_path_factory) -> list[Path]:
    pytest.importorskip("pylode", reason="pyLODE is an optional extra: pip install 'phoihop[docs]'")
    return ex.write_ontology_doc(tmp_path_factory.mktemp("onto") / "ontology.html")


@pytest.mark.parametrize("index, lang, title, absent", [
    (0, "vi", "Bản thể học phoihop: cơ quan, văn bản và cam kết phối hợp", "The phoihop ontology"),
    (1, "en", "The phoihop ontology: agencies, instruments and coordination commitments", "Bản thể học"),
])
def test_ontology_doc_one_page_per_language(ontology_pages, index, lang, title, absent):
    """pyLODE ran the languages together ("chủ thểactor"); each page now keeps its own language only."""
    path = ontology_pages[index]
    page = path.read_text(encoding="utf-8")
    assert path.name == ("ontology.html", "ontology.en.html")[index] and f'<html lang="{lang}">' in page
    assert title in page and absent not in page and "chủ thểactor" not in page and "Ontologie" not in page
    other = ontology_pages[1 - index].name
    assert f'href="{other}"' in page


def test_ontology_doc_says_nothing_on_stderr(tmp_path, capfd):
    pytest.importorskip("pylode", reason="pyLODE is an optional extra: pip install 'phoihop[docs]'")
    result = CliRunner().invoke(cli, ["export", *INPUT_OPTIONS, "--graph", "citation", "--format", "json",
                                      "--ontology-doc", str(tmp_path / "o.html"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "pickle" not in result.output + capfd.readouterr().err


def test_ontology_doc_without_pylode(tmp_path, monkeypatch, caplog):
    monkeypatch.setitem(sys.modules, "pylode", None)  # import pylode now raises ImportError
    assert ex.write_ontology_doc(tmp_path / "ontology.html") == []
    assert "pyLODE is not installed" in caplog.text and not (tmp_path / "ontology.html").exists()


def test_export_all_formats(tmp_path):
    result = ex.export(FIXTURE_FILES, ["citation"], ["all"], tmp_path)
    names = {p.name for p in result.outputs}
    assert {"citation.graphml", "citation.gexf", "citation.cyjs", "citation.json", "citation.dot",
            "citation-nodes.csv", "citation-edges.csv", "citation.html", "citation.svg",
            "citation.png"} <= names
    assert all(p.is_file() for p in result.outputs) and "citation:html" in result.seconds
    has_pylode = importlib.util.find_spec("pylode") is not None
    assert ("ontology.html" in names) == ("ontology.en.html" in names) == has_pylode
