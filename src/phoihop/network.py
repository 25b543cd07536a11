"""Networks drawn from the knowledge graph: SPARQL over pyoxigraph in, networkx graphs out.

The joins live in queries/network/*.rq, readable files a researcher can run on their own; this module only
groups their rows into nodes and edges, applies the --topic / --year / --level filters, and measures the
result (degree, betweenness, communities).

Four networks:
- coordination (undirected): actors; an edge when two actors are parties to one agreement or share one
  commitment that one of them leads. Edge attributes: weight (shared agreements + shared commitments),
  agreements, commitments, programmes (IRIs), topics (codes), years, and the lead -> partner direction
  counts source_leads / target_leads / co_leads, where source is the endpoint whose IRI sorts first
  (it is written as the edge's source in every file format).
- citation (directed): instruments; cites / based_on / implements (also through a commitment).
- hierarchy (directed): actors and areas; org:subOrganizationOf, ph:withinArea and actor -> dct:spatial
  (the area it serves).
- bipartite (undirected): actors (bipartite=0) and commitments (bipartite=1); relations lead / partner.
Node attributes: label (= label_vi, for tools that show one label), label_vi, label_en, type, level, area,
iri, and where they apply number, date, topics, years. An actor's area is its dct:spatial and its level its
ph:level, else the ph:areaLevel of that area (so graphs built without inference still have levels).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from .answers import Answers
from .errors import InputError, UsageError
from .namespaces import ID, PH
from .node_attributes import NodeAttributes, local_name
from .release import built_graph_files
from .resources import queries_dir
from .store import load_files

log = logging.getLogger("phoihop.network")

GRAPH_NAMES = ("coordination", "citation", "hierarchy", "bipartite")
VALUES_SLOT = "VALUES ?node { }"
_BATCH = 2000  # nodes per VALUES block: keeps each query text small on national-scale graphs


@dataclass(frozen=True)
class Filters:
    """Keep only what concerns one topic (code), one year, one level (code); None keeps everything."""

    topic: str | None = None
    year: int | None = None
    level: str | None = None

    def admits(self, context: dict) -> bool:
        """Whether an agreement, commitment or instrument (by its attributes) passes topic and year."""
        if self.topic and self.topic not in context.get("topics", ()):
            return False
        return not (self.year and self.year not in context.get("years", ()))

    def __str__(self) -> str:
        pairs = (("topic", self.topic), ("year", self.year), ("level", self.level))
        parts = [f"{k}={v}" for k, v in pairs if v]
        return ", ".join(parts) or "none"


@dataclass
class Network:
    """One networkx graph plus what the interactive page shows beside it.

    details: node IRI -> [(kind, item IRI, role)] (the commitments and instruments of a node);
    items: IRI -> attributes of every item named in details (both only when asked for);
    vocabulary: kind (type, level, topic) -> code -> {vi, en}.
    """

    name: str
    graph: nx.Graph
    filters: Filters = field(default_factory=Filters)
    details: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    items: dict[str, dict] = field(default_factory=dict)
    vocabulary: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)


# --- running the queries ----------------------------------------------------------------------------------

def query_path(name: str) -> Path:
    return queries_dir() / "network" / f"{name}.rq"


def _query_text(name: str) -> str:
    path = query_path(name)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot read network query: {err.strerror}", path=path) from None


def select(store: ox.Store, name: str, nodes: Iterable[str] | None = None) -> list[dict]:
    """Rows of queries/network/<name>.rq as dicts; `nodes` fills the query's `VALUES ?node { }` line."""
    text = _query_text(name)
    if nodes is None:
        return _run(store, name, text)
    if VALUES_SLOT not in text:
        raise InputError(f"the query has no '{VALUES_SLOT}' line to fill", path=query_path(name))
    nodes = sorted(set(nodes))
    rows: list[dict] = []
    for start in range(0, len(nodes), _BATCH):
        block = " ".join(str(ox.NamedNode(iri)) for iri in nodes[start:start + _BATCH])
        rows.extend(_run(store, name, text.replace(VALUES_SLOT, f"VALUES ?node {{ {block} }}")))
    return rows


def _run(store: ox.Store | KeptRows, name: str, text: str) -> list[dict]:
    names, rows = _rows(store, name, text)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _rows(store: ox.Store | KeptRows, name: str, text: str) -> tuple[list[str], list]:
    """The variables and rows (plain strings, None where unbound) of queries/network/<name>.rq's `text`."""
    if isinstance(store, KeptRows):
        return store.rows(name, text)
    try:
        result = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as err:
        raise InputError(f"query does not parse: {err}", path=query_path(name)) from None
    return [v.value for v in result.variables], [[None if term is None else term.value for term in row]
                                                 for row in result]


class KeptRows:
    """The built release's graph for an export, whose network query rows are kept per release
    (phoihop.answers): a later export of the same release (another format, filter or language) reads no
    graph at all. The graph files are loaded, once, only when a query's rows are not kept yet."""

    def __init__(self, answers: Answers, files: list[Path]):
        self.answers = answers
        self.files = files
        self._store: ox.Store | None = None

    def rows(self, name: str, text: str) -> tuple[list[str], list]:
        key = self.answers.path(text, "network rows")
        kept = self.answers.read(key)
        if kept is not None:
            answer = json.loads(kept[1])
            return answer["variables"], answer["rows"]
        if self._store is None:
            self._store = load_files(self.files)
        names, rows = _rows(self._store, name, text)
        self.answers.keep(key, len(rows), [json.dumps({"variables": names, "rows": rows}, ensure_ascii=False)])
        return names, rows


# --- loading ----------------------------------------------------------------------------------------------

def load(inputs: Iterable[str | Path]) -> ox.Store:
    """The built graph (TriG or Turtle files, or folders of them) in an in-memory store, ready for export."""
    inputs = list(inputs)
    if not inputs:
        raise InputError("no RDF input files")
    return load_files(inputs)


def load_release() -> ox.Store | KeptRows:
    """The built release for export: its network query rows kept per release when it has a manifest to key
    them on (else its graph files, loaded now)."""
    files = built_graph_files()
    answers = Answers.of(files[0].parent)
    return KeptRows(answers, files) if answers is not None else load_files(files)


# --- nodes ------------------------------------------------------------------------------------------------

def all_node_attributes(store: ox.Store) -> NodeAttributes:
    """Attributes of every node of the graph, read in one pass (queries/network/node-facts.rq) and
    combined per node on first use; build it once and hand it to every network of an export."""
    return NodeAttributes(_rows(store, "node-facts", _query_text("node-facts"))[1])


def node_attributes(store: ox.Store, iris: Iterable[str]) -> dict[str, dict]:
    """Attributes of these actors, areas, instruments and commitments (see phoihop.node_attributes)."""
    attributes = all_node_attributes(store)
    return {iri: attributes[iri] for iri in iris if iri in attributes}


def _bare(iri: str) -> dict:
    """Attributes of a node the attribute query knows nothing about (a dangling reference)."""
    return {"label": local_name(iri), "iri": iri}


# --- the four networks ------------------------------------------------------------------------------------

def coordination(store: ox.Store, filters: Filters, attrs: NodeAttributes) -> nx.Graph:
    """Actors, linked when they share an agreement or a commitment; weights and directions from the ties."""
    ties = select(store, "coordination-ties")
    actors = {row["node"] for row in select(store, "coordination-actors")}
    graph = nx.Graph(name="coordination")
    for actor in sorted(actors):
        graph.add_node(actor, **attrs.get(actor, _bare(actor)))
    edges: dict[tuple[str, str], dict] = defaultdict(lambda: {
        "agreement": set(), "commitment": set(), "programmes": set(), "topics": set(), "years": set(),
        "source_leads": 0, "target_leads": 0, "co_leads": 0})
    for tie in ties:
        context = attrs.scope(tie["context"])
        if not filters.admits(context):
            continue
        edge = edges[(tie["a"], tie["b"])]
        edge[tie["kind"]].add(tie["context"])
        edge["programmes"].add(tie["programme"])
        edge["topics"].update(context.get("topics", ()))
        edge["years"].update(context.get("years", ()))
        roles = (tie["role_a"], tie["role_b"])
        if roles == ("lead", "partner"):
            edge["source_leads"] += 1
        elif roles == ("partner", "lead"):
            edge["target_leads"] += 1
        elif roles == ("lead", "lead"):
            edge["co_leads"] += 1
    for (a, b), edge in sorted(edges.items()):
        graph.add_edge(
            a, b, weight=len(edge["agreement"]) + len(edge["commitment"]),
            agreements=len(edge["agreement"]), commitments=len(edge["commitment"]),
            programmes=sorted(edge["programmes"]), topics=sorted(edge["topics"]), years=sorted(edge["years"]),
            source_leads=edge["source_leads"], target_leads=edge["target_leads"], co_leads=edge["co_leads"])
    return graph


def _edge_list(store: ox.Store, name: str, filters: Filters, attrs: NodeAttributes, directed: bool,
               two_mode: bool = False) -> nx.Graph:
    """A network whose query returns (source, target, relation[, context]) rows, one edge per pair.

    With `two_mode`, sources get bipartite=0 and targets bipartite=1 (networkx's convention).
    """
    rows = select(store, f"{name}-edges")
    graph = nx.DiGraph(name=name) if directed else nx.Graph(name=name)
    relations: dict[tuple[str, str], set[str]] = defaultdict(set)
    context_of: dict[tuple[str, str], dict] = {}
    for row in rows:
        context = attrs.scope(row["context"]) if row.get("context") else None
        if context is not None and not filters.admits(context):
            continue
        relations[(row["source"], row["target"])].add(row["relation"])
        if context is not None:
            context_of[(row["source"], row["target"])] = context
    targets = {target for _, target in relations}
    for node in sorted({n for pair in relations for n in pair}):
        graph.add_node(node, **attrs.get(node, _bare(node)))
        if two_mode:
            graph.nodes[node]["bipartite"] = int(node in targets)
    for pair, kinds in sorted(relations.items()):
        extra = {}
        if pair in context_of:
            extra = {"topics": context_of[pair].get("topics", []), "years": context_of[pair].get("years", [])}
        graph.add_edge(*pair, weight=len(kinds), relations=sorted(kinds), **extra)
    return graph


def citation(store: ox.Store, filters: Filters, attrs: NodeAttributes) -> nx.Graph:
    return _edge_list(store, "citation", filters, attrs, directed=True)


def hierarchy(store: ox.Store, filters: Filters, attrs: NodeAttributes) -> nx.Graph:
    return _edge_list(store, "hierarchy", filters, attrs, directed=True)


def bipartite(store: ox.Store, filters: Filters, attrs: NodeAttributes) -> nx.Graph:
    return _edge_list(store, "bipartite", filters, attrs, directed=False, two_mode=True)


BUILDERS = dict(zip(GRAPH_NAMES, (coordination, citation, hierarchy, bipartite), strict=True))


def build_network(store: ox.Store, name: str, filters: Filters | None = None, details: bool = False,
                  attributes: NodeAttributes | None = None) -> Network:
    """One named network, filtered; with `details`, also what the interactive page shows on a click.

    Pass the `attributes` of the store (all_node_attributes) when building several networks of one graph:
    they are then read once.
    """
    filters = filters or Filters()
    if name not in BUILDERS:
        raise UsageError(f"unknown network {name!r} (expected one of {', '.join(GRAPH_NAMES)})")
    attributes = attributes if attributes is not None else all_node_attributes(store)
    graph = BUILDERS[name](store, filters, attributes)
    _apply_filters(graph, name, filters)
    network = Network(name=name, graph=graph, filters=filters, vocabulary=vocabulary(store))
    if details:
        _add_details(store, network, attributes)
    log.info("%s network: %d nodes, %d edges (filters: %s)", name, graph.number_of_nodes(),
             graph.number_of_edges(), filters)
    return network


def _apply_filters(graph: nx.Graph, name: str, filters: Filters) -> None:
    """Level keeps the nodes of that level; topic or year keep only nodes left with a matching edge."""
    if filters.topic or filters.year:
        if graph.number_of_edges() and not any("topics" in d for *_, d in graph.edges(data=True)):
            log.warning("--topic / --year do not apply to the %s network; ignored", name)
        else:
            graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    if filters.level:
        graph.remove_nodes_from([n for n, level in graph.nodes(data="level") if level != filters.level])
        if not graph:
            log.warning("no node of the %s network has level %r", name, filters.level)


def _add_details(store: ox.Store, network: Network, attributes: NodeAttributes) -> None:
    rows = select(store, "details", network.graph.nodes)
    for row in rows:
        network.details.setdefault(row["node"], []).append((row["kind"], row["item"], row["role"]))
    for entries in network.details.values():
        entries.sort()
    network.items = {row["item"]: {**attributes.item(row["item"]), **attributes.scope(row["item"])}
                     for row in rows}  # named, and kept or not by the page's topic and year filters


def vocabulary(store: ox.Store) -> dict[str, dict[str, dict[str, str]]]:
    """Labels of types (ontology classes), levels and topics, keyed by their codes."""
    kinds = {str(PH): "type", str(ID["level/"]): "level", str(ID["topic/"]): "topic"}
    vocab: dict[str, dict[str, dict[str, str]]] = {kind: {} for kind in kinds.values()}
    for row in select(store, "vocabulary"):
        for prefix, kind in kinds.items():
            if row["iri"].startswith(prefix):
                labels = {"vi": row["label_vi"], "en": row["label_en"]}
                vocab[kind][local_name(row["iri"])] = {k: v for k, v in labels.items() if v}
    return vocab


# --- metrics ----------------------------------------------------------------------------------------------

BETWEENNESS_EXACT_UP_TO = 2000  # nodes; above this betweenness is estimated from a seeded sample of pivots
BETWEENNESS_SAMPLE = 400
SEED = 42


def metrics(graph: nx.Graph) -> list[dict]:
    """Degree, weighted degree, betweenness and Louvain community of every node, best connected first.

    Directed networks are measured as undirected (who is linked with whom). Everything is seeded, so the
    same graph always gives the same numbers and community ids (0 = the largest community).
    """
    undirected = graph.to_undirected(as_view=True) if graph.is_directed() else graph
    if not undirected:
        return []
    k = None if len(undirected) <= BETWEENNESS_EXACT_UP_TO else BETWEENNESS_SAMPLE
    betweenness = nx.betweenness_centrality(undirected, k=k, seed=SEED, normalized=True)
    communities = nx.community.louvain_communities(undirected, weight="weight", seed=SEED)
    communities = sorted(communities, key=lambda c: (-len(c), min(c)))
    community_of = {node: i for i, members in enumerate(communities) for node in members}
    rows = [{
        "iri": node,
        "label_vi": data.get("label_vi", data.get("label", "")),
        "label_en": data.get("label_en", ""),
        "type": data.get("type", ""),
        "level": data.get("level", ""),
        "degree": undirected.degree(node),
        "weighted_degree": undirected.degree(node, weight="weight"),
        "betweenness": round(betweenness[node], 6),
        "community": community_of[node],
    } for node, data in undirected.nodes(data=True)]
    rows.sort(key=lambda r: (-r["degree"], -r["weighted_degree"], -r["betweenness"], r["iri"]))
    return rows
