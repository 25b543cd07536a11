"""The release's on-disk store (issue 17): what readers open in milliseconds instead of parsing phoihop.trig.

It holds the union of the graphs, so every query must answer from it exactly as from the TriG; a query that
names graphs is answered from the named graphs; opening it writes nothing; a damaged or missing store is
refused with a reason, and a release without one is read from its files.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from phoihop import release
from phoihop.build import build
from phoihop.errors import InputError
from phoihop.query import OxigraphBackend, list_queries, open_graph
from phoihop.results import same_answer
from phoihop.sparql import names_graphs
from phoihop.store import open_read_only
from phoihop.turtle import write_lines

ROOT = Path(__file__).resolve().parents[1]
WORLD = ROOT / "tests" / "bad_inputs" / "world.ttl"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The curated graph built once, with its store."""
    out = tmp_path_factory.mktemp("dist")
    build(None, out)
    return out


@pytest.fixture
def built(dist, monkeypatch) -> Path:
    monkeypatch.setattr(release, "find_dist", lambda: dist)
    return dist


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_the_release_holds_the_store_and_its_manifest_lists_every_file(dist) -> None:
    folder = (dist / "current").resolve()
    files = release.read_manifest(folder)["files"]
    inside = {p.relative_to(folder).as_posix() for p in (folder / "store").iterdir() if p.is_file()}
    assert inside and inside == {name for name in files if name.startswith("store/")}
    assert all(files[name]["bytes"] == (folder / name).stat().st_size for name in inside)
    assert (dist / "store").resolve() == folder / "store"
    assert release.release_graph(dist).store == folder / "store"


def test_opening_and_querying_the_store_writes_nothing(built) -> None:
    store = (built / "store").resolve()
    before = _digests(store)
    graph = open_graph()
    assert isinstance(graph.backend, OxigraphBackend) and graph.backend.quads is not None  # the union store
    assert len(graph.query("sources-overview")) > 0
    del graph
    assert _digests(store) == before


def test_the_store_holds_the_union_that_the_turtle_file_writes(dist) -> None:
    """The on-disk store's graph, written by the same canonical Turtle writer (blank nodes labelled by
    content), is phoihop.ttl byte for byte: no triple lost, none split off its blank node."""
    union = open_read_only((dist / "store").resolve())
    lines = union.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8").split("\n")
    text = io.StringIO()
    write_lines(lines, text)
    assert text.getvalue() == (dist / "phoihop.ttl").read_text(encoding="utf-8")


@pytest.mark.parametrize("query", [q for q in list_queries()], ids=lambda q: q.name)
def test_every_named_query_answers_from_the_store_as_from_the_trig(built, query) -> None:
    from_store = open_graph().query(query.name)
    from_trig = open_graph([built / "phoihop.trig"]).query(query.name)
    assert same_answer(from_store, from_trig, query.ordered)


GRAPH_QUERIES = [
    "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT (COUNT(*) AS ?n) WHERE { graph ?g { ?s a ?type } }",
    "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/phoihop/id/graph/common> WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("text", GRAPH_QUERIES)
def test_a_query_that_names_graphs_is_answered_from_the_named_graphs(built, text) -> None:
    """The store holds only the union: without the fallback, GRAPH ?g found no graph at all."""
    graph = open_graph()
    answer = graph.run_text(text)
    assert graph.backend.quads is None  # the named graphs were loaded for it
    assert same_answer(answer, open_graph([built / "phoihop.trig"]).run_text(text), True)
    assert int(answer[0]["n"]) > 0


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT * { GRAPH ?g { ?s ?p ?o } }", True),
    ("select * from named <urn:x:g> { }", True),
    ("SELECT * FROM <urn:x:g> { ?s ?p ?o }", True),
    ("SELECT * { \\u0047RAPH ?g { } }", True),
    ("SELECT ?graph { ?graph ?p ?from }", False),  # variables
    ("SELECT * { ?s ex:graph ?o }", False),  # a prefixed name
    ('SELECT * { ?s ?p "GRAPH" } # FROM', False),  # a literal, a comment
    ("SELECT * { ?s <urn:x:graph> ?o }", False),  # an IRI
])
def test_names_graphs(text, expected) -> None:
    assert names_graphs(text) is expected


def test_a_release_without_store_is_read_from_its_files(tmp_path, monkeypatch) -> None:
    out = tmp_path / "dist"
    build([WORLD], out, validate=False, persist=False)
    monkeypatch.setattr(release, "find_dist", lambda: out)
    assert release.built_graph().store is None and not (out / "store").exists()
    graph = open_graph()
    assert graph.backend.quads is None  # the TriG, in memory, with its graphs
    assert len(graph.query("sources-overview")) > 0


@pytest.mark.parametrize("damage", ["truncate", "remove"])
def test_a_damaged_store_is_refused_with_a_reason(tmp_path, monkeypatch, damage) -> None:
    out = tmp_path / "dist"
    build([WORLD], out, validate=False)
    monkeypatch.setattr(release, "find_dist", lambda: out)
    victim = max((out / "store").resolve().glob("*.sst"), key=lambda p: p.stat().st_size)
    if damage == "truncate":
        victim.write_bytes(victim.read_bytes()[:-10])
    else:
        victim.unlink()
    with pytest.raises(InputError, match="damaged|missing"):
        open_graph()


def _children(pid: int) -> list[int]:
    """The living child processes of `pid`, multiprocessing's resource tracker aside."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z" and b"resource_tracker" not in command:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_serve_answers_from_the_store_then_from_memory(dist, tmp_path) -> None:
    """`phoihop serve` on a release: workers on its store answer at once; the in-memory workers forked from
    the zygote take over (the store's workers leave) and answer GRAPH queries with the named graphs."""
    import sys
    import time

    import httpx
    from test_serve import JSON, free_port, running

    (tmp_path / "dist").symlink_to(dist)
    port = free_port()
    command = [sys.executable, "-m", "phoihop.cli", "serve", "--port", str(port)]
    url = f"http://127.0.0.1:{port}/sparql"
    embedded = open_graph([dist / "phoihop.trig"])
    # run from tmp_path, whose dist/ is the test's release (not the project's dist/, which may not exist)
    with running(command, f"http://127.0.0.1:{port}/queries", cwd=tmp_path) as process:
        answer = httpx.get(url, params={"query": next(q for q in list_queries() if q.name == "sources-overview").text},
                           headers={"Accept": JSON}, timeout=30)
        assert len(answer.json()["results"]["bindings"]) == len(embedded.query("sources-overview"))
        graphs = httpx.get(url, params={"query": GRAPH_QUERIES[0]}, headers={"Accept": JSON}, timeout=30)
        expected = int(embedded.run_text(GRAPH_QUERIES[0])[0]["n"])
        assert int(graphs.json()["results"]["bindings"][0]["n"]["value"]) == expected > 1
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            children = _children(process.pid)
            if len(children) == 1 and len(_children(children[0])) == 2:
                break  # the zygote alone, and the two workers it forked
            time.sleep(0.2)
        else:
            pytest.fail(f"the store's workers did not leave: {children}")
        assert httpx.get(url, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": JSON}).json()["boolean"]
