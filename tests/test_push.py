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
