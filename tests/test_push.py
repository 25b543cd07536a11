"""`phoihop push` into a real Oxigraph server (PyPI `oxigraph`, in the test extra) over loopback.

The library is then queried back through the server's SPARQL endpoint and must answer as the embedded
store does. The Basic/Digest challenge handling is checked on a mock transport.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from test_serve import free_port, running

from phoihop.cli import cli
from phoihop.errors import StoreError, UsageError
from phoihop.push import ChallengeAuth, push
from phoihop.query import EndpointBackend, Phoihop, list_queries, open_graph
from phoihop.results import same_answer

DATASET = Path(__file__).resolve().parent / "fixtures" / "graph" / "dataset"
OXIGRAPH = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))


@pytest.fixture
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """A fresh, empty Oxigraph server per test (it starts in well under a second)."""
    if not OXIGRAPH:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph, part of the test extra)")
    port = free_port()
    command = [OXIGRAPH, "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
               "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with running(command, f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
        yield f"http://127.0.0.1:{port}"


def count(server: str, graph: str | None = None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    backend = EndpointBackend(f"{server}/query", timeout=30)
    return int(backend.run(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}", "count").rows[0][0].value)


def test_pushed_fixture_answers_every_query_as_the_embedded_store(oxigraph_server) -> None:
    pushed = push(f"{oxigraph_server}/store", [DATASET])
    embedded = open_graph([DATASET])
    assert [p.graph for p in pushed] == ["default"] and pushed[0].triples == len(embedded.backend.store)
    remote = Phoihop(EndpointBackend(f"{oxigraph_server}/query", timeout=30))
    for query in list_queries():
        assert same_answer(remote.query(query.name), embedded.query(query.name), query.ordered), query.name


def test_pushing_again_replaces_instead_of_adding(oxigraph_server) -> None:
    graph = "https://w3id.org/phoihop/id/graph/test-replace"
    push(f"{oxigraph_server}/store", [DATASET / "common.ttl"], graph=graph)
    first = count(oxigraph_server, graph)
    push(f"{oxigraph_server}/store", [DATASET / "common.ttl"], graph="id:graph/test-replace")
    assert count(oxigraph_server, graph) == first > 0
    push(f"{oxigraph_server}/store", [DATASET / "ontology.ttl"], graph=graph)
    assert count(oxigraph_server, graph) == len(ox.Dataset(ox.parse(path=str(DATASET / "ontology.ttl"))))


def test_named_graphs_of_a_trig_file_are_pushed_one_by_one(oxigraph_server, tmp_path) -> None:
    trig = tmp_path / "two.trig"
    trig.write_text("<urn:g:one> { <urn:a> <urn:p> 1 , 2 . }\n<urn:g:two> { <urn:b> <urn:p> 3 . }\n",
                    encoding="utf-8")
    pushed = push(f"{oxigraph_server}/store", [trig])
    assert {(p.graph, p.triples) for p in pushed} == {("urn:g:one", 2), ("urn:g:two", 1)}
    assert count(oxigraph_server, "urn:g:one") == 2
    assert [p.graph for p in push(f"{oxigraph_server}/store", [trig], graph="urn:g:two")] == ["urn:g:two"]
    with pytest.raises(UsageError, match="no graph <urn:g:three>"):
        push(f"{oxigraph_server}/store", [trig], graph="urn:g:three")


def test_refusal_and_unreachable_store_exit_3_with_the_message(oxigraph_server) -> None:
    refused = CliRunner().invoke(cli, ["push", "--endpoint", f"{oxigraph_server}/nothing-here", str(DATASET)])
    assert refused.exit_code == 3 and "HTTP 404" in refused.output
    unreachable = CliRunner().invoke(cli, ["push", "--endpoint", "http://127.0.0.1:9/store", str(DATASET)])
    assert unreachable.exit_code == 3 and "cannot reach" in unreachable.output


def test_user_without_password_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="both"):
        push("http://127.0.0.1:9/store", [DATASET], user="dba")


def _challenging_store(scheme: str, seen: list[str]) -> httpx.MockTransport:
    """A store that asks for `scheme` credentials and accepts any request that carries them."""
    challenge = {"digest": 'Digest realm="SPARQL", nonce="abc", qop="auth", algorithm="MD5", opaque="x"',
                 "basic": 'Basic realm="SPARQL"'}[scheme]

    def handle(request: httpx.Request) -> httpx.Response:
        given = request.headers.get("authorization", "")
        seen.append(given.split(" ")[0].lower())  # the request object is reused, so note what it carried
        if given.lower().startswith(scheme):
            return httpx.Response(201)
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    return httpx.MockTransport(handle)


@pytest.mark.parametrize("scheme", ["digest", "basic"])
def test_credentials_follow_the_challenge_and_are_reused(scheme) -> None:
    seen: list[str] = []
    auth = ChallengeAuth("dba", "secret")
    with httpx.Client(transport=_challenging_store(scheme, seen), auth=auth) as client:
        first = client.put("http://store/gsp?graph=urn:g:1", content=b"<urn:a> <urn:p> <urn:b> .")
        second = client.put("http://store/gsp?graph=urn:g:2", content=b"<urn:a> <urn:p> <urn:c> .")
    assert first.status_code == second.status_code == 201
    assert seen == ["", scheme, scheme]  # one challenge, then each upload once with credentials


def test_store_error_carries_the_servers_words(monkeypatch) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, html="<html><h3>Error 22023</h3><xmp>unsupported type</xmp></html>")

    real_client, transport = httpx.Client, httpx.MockTransport(refuse)
    monkeypatch.setattr(httpx, "Client", lambda **kw: real_client(transport=transport, **kw))
    with pytest.raises(StoreError, match="HTTP 500: Error 22023 unsupported type"):
        push("http://store/gsp", [DATASET / "ontology.ttl"])


# --- a push never leaves the store half-updated without saying so (issue 14, items 10 and 16) -------------


class FakeStore:
    """An in-memory Graph Store Protocol server that can refuse its n-th PUT."""

    def __init__(self, fail_put: int | None = None):
        self.graphs: dict[str, bytes] = {}
        self.puts, self.fail_put = 0, fail_put

    def handle(self, request: httpx.Request) -> httpx.Response:
        graph = "default" if "default" in request.url.params else request.url.params["graph"]
        if request.method == "PUT":
            self.puts += 1
            if self.puts == self.fail_put:
                return httpx.Response(507, text="Insufficient Storage")
            self.graphs[graph] = request.read()
            return httpx.Response(201)
        if request.method == "DELETE":
            return httpx.Response(204 if self.graphs.pop(graph, None) is not None else 404)
        if graph not in self.graphs:
            return httpx.Response(404)
        return httpx.Response(200, content=self.graphs[graph], headers={"Content-Type": "application/n-triples"})

    def mine(self) -> dict[str, bytes]:
        """The graphs of the test data (not the record, not staging graphs)."""
        return {g: b for g, b in self.graphs.items() if g.startswith("urn:g:")}


@pytest.fixture
def fake_store(monkeypatch) -> FakeStore:
    store = FakeStore()
    real_client = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda **kw: real_client(transport=httpx.MockTransport(store.handle), **kw))
    return store


def _trig(folder: Path, name: str, graphs: int, value: int) -> Path:
    path = folder / name
    path.write_text("".join(f"<urn:g:{i}> {{ <urn:a> <urn:p> {value} . }}\n" for i in range(graphs)),
                    encoding="utf-8")
    return path


def test_a_graph_the_store_refuses_changes_nothing(fake_store, tmp_path) -> None:
    """Item 10: failing on the 3rd of 8 graphs left two replaced, and said so only for the failed one."""
    push("http://store/gsp", [_trig(tmp_path, "v1.trig", 8, 1)])
    before = dict(fake_store.mine())
    fake_store.puts, fake_store.fail_put = 0, 3
    with pytest.raises(StoreError, match="refused graph <urn:g:2>, so nothing changed"):
        push("http://store/gsp", [_trig(tmp_path, "v2.trig", 8, 2)])
    assert fake_store.mine() == before
    assert not [g for g in fake_store.graphs if "/staging/" in g]


def test_a_failed_swap_names_the_graphs_replaced_and_unchanged(fake_store, tmp_path) -> None:
    push("http://store/gsp", [_trig(tmp_path, "v1.trig", 4, 1)])
    fake_store.puts, fake_store.fail_put = 0, 4 + 3  # all four staged, then the third swap fails
    with pytest.raises(StoreError) as info:
        push("http://store/gsp", [_trig(tmp_path, "v2.trig", 4, 2)])
    assert "already replaced: urn:g:0, urn:g:1; unchanged: urn:g:2, urn:g:3" in info.value.message
    assert not [g for g in fake_store.graphs if "/staging/" in g]


@pytest.mark.parametrize("prune", [True, False])
def test_a_smaller_build_removes_the_graphs_it_pushed_and_no_others(fake_store, tmp_path, prune) -> None:
    """Item 10: a push of a smaller build left the old build's graphs in place."""
    fake_store.graphs["urn:someone-elses"] = b"<urn:x> <urn:y> <urn:z> .\n"
    push("http://store/gsp", [_trig(tmp_path, "big.trig", 8, 1)])
    pushed = push("http://store/gsp", [_trig(tmp_path, "small.trig", 1, 2)], prune=prune)
    assert set(fake_store.mine()) == ({"urn:g:0"} if prune else {f"urn:g:{i}" for i in range(8)})
    assert "urn:someone-elses" in fake_store.graphs
    assert {(p.graph, p.change) for p in pushed} == {("urn:g:0", "replaced")} | (
        {(f"urn:g:{i}", "removed") for i in range(1, 8)} if prune else set())


def test_swap_by_one_update_on_a_real_oxigraph_server(oxigraph_server, tmp_path) -> None:
    store, update = f"{oxigraph_server}/store", f"{oxigraph_server}/update"
    first = push(store, [_trig(tmp_path, "two.trig", 2, 1)], update=update)
    assert {(p.graph, p.change) for p in first} == {("urn:g:0", "created"), ("urn:g:1", "created")}
    second = push(store, [_trig(tmp_path, "one.trig", 1, 2)], update=update)
    assert {(p.graph, p.change) for p in second} == {("urn:g:0", "replaced"), ("urn:g:1", "removed")}
    graphs = EndpointBackend(f"{oxigraph_server}/query", timeout=30).run(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "graphs")
    assert {row["g"] for row in graphs} == {"urn:g:0", "https://w3id.org/phoihop/id/graph/pushed"}
    assert count(oxigraph_server, "urn:g:0") == 1


def test_a_digest_challenge_without_parameters_is_a_store_error(monkeypatch) -> None:
    """Item 16: `WWW-Authenticate: Digest` alone made push exit 70 (StopIteration in the auth flow)."""
    def challenge(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, headers={"WWW-Authenticate": "Digest"})

    real_client = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda **kw: real_client(transport=httpx.MockTransport(challenge), **kw))
    result = CliRunner().invoke(cli, ["push", "--endpoint", "http://store/gsp", "--user", "u", "--password", "p",
                                      str(DATASET / "ontology.ttl")])
    assert result.exit_code == 3, result.output
    assert "Digest authentication with a challenge that cannot be answered" in result.output


def test_a_graph_pushed_alone_is_never_pruned_by_a_later_build(fake_store, tmp_path) -> None:
    """Found by the store tests: a graph put with --graph was recorded, and the next whole push removed it."""
    single = tmp_path / "single.ttl"
    single.write_text("<urn:a> <urn:p> 1 .\n", encoding="utf-8")
    push("http://store/gsp", [single], graph="urn:g:alone")
    push("http://store/gsp", [_trig(tmp_path, "build.trig", 2, 1)])
    push("http://store/gsp", [_trig(tmp_path, "smaller.trig", 1, 1)])
    assert set(fake_store.mine()) == {"urn:g:alone", "urn:g:0"}
