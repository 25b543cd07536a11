"""`phoihop serve` started as a real process on a free loopback port, spoken to with httpx.

The server runs with small limits (2 s, 200 rows, 5,000 characters) so that the limits can be hit.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib

from phoihop.query import EndpointBackend, Phoihop, list_queries, open_graph
from phoihop.results import same_answer
from phoihop.serve import Answer, AnswerCache

DATASET = Path(__file__).resolve().parent / "fixtures" / "graph" / "dataset"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running(command: list[str], ready_url: str, seconds: float = 60.0,
            cwd: Path | None = None) -> Iterator[subprocess.Popen]:
    """Start a server process (in `cwd`) and yield once `ready_url` answers; stop it (and only it) afterwards."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=cwd)
    try:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited: {process.stderr.read()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(ready_url, timeout=2).status_code < 500:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{ready_url} did not answer within {seconds} s")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "phoihop.cli", "serve", "--port", str(port), "--graph", str(DATASET),
               "--timeout", "2", "--max-rows", "200", "--max-query-chars", "5000", "--workers", "2"]
    with running(command, f"http://127.0.0.1:{port}/queries"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def embedded() -> Phoihop:
    return open_graph([DATASET])


def parsed(response: httpx.Response, fmt: ox.QueryResultsFormat) -> list[tuple]:
    solutions = ox.parse_query_results(response.content, format=fmt)
    return [tuple(s[i] for i in range(len(solutions.variables))) for s in solutions]


@pytest.mark.parametrize("query", list_queries(), ids=lambda q: q.name)
def test_every_query_gives_the_embedded_answer(query, server, embedded) -> None:
    remote = Phoihop(EndpointBackend(f"{server}/sparql", timeout=30))
    assert same_answer(remote.query(query.name), embedded.query(query.name), query.ordered)


def test_get_post_and_form_give_the_same_answer(server) -> None:
    url = f"{server}/sparql"
    answers = [
        httpx.get(url, params={"query": COUNT}, headers={"Accept": JSON}),
        httpx.post(url, content=COUNT.encode(), headers={"Content-Type": "application/sparql-query",
                                                         "Accept": JSON}),
        httpx.post(url, data={"query": COUNT}, headers={"Accept": JSON}),
    ]
    assert {r.status_code for r in answers} == {200}
    assert {r.headers["content-type"].split(";")[0] for r in answers} == {JSON}
    values = {json.loads(r.text)["results"]["bindings"][0]["n"]["value"] for r in answers}
    assert values == {str(len(open_graph([DATASET]).backend.store))}


@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("application/sparql-results+json", JSON, ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("text/html, application/sparql-results+xml;q=0.9, */*;q=0.1", "application/sparql-results+xml",
     ox.QueryResultsFormat.XML),
    (None, JSON, ox.QueryResultsFormat.JSON),
])
def test_content_negotiation_for_tables(server, embedded, accept, media, fmt) -> None:
    text = find_text("posts-held")
    headers = {"Accept": accept} if accept else {}
    response = httpx.post(f"{server}/sparql", data={"query": text}, headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert parsed(response, fmt) == embedded.query("posts-held").rows


def test_csv_answer(server) -> None:
    response = httpx.get(f"{server}/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"n\r\n")


@pytest.mark.parametrize(("accept", "media", "rdflib_format"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("*/*", "text/turtle", "turtle"),
])
def test_construct_answers_as_rdf(server, embedded, accept, media, rdflib_format) -> None:
    response = httpx.post(f"{server}/sparql", data={"query": find_text("coordination-network")},
                          headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    graph = rdflib.Graph().parse(data=response.text, format=rdflib_format)
    assert len(graph) == len(embedded.query("coordination-network"))


def test_unsupported_accept_is_406(server) -> None:
    response = httpx.get(f"{server}/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert response.status_code == 406 and JSON in response.text


@pytest.mark.parametrize("request_args", [
    {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "content": b"DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
    {"method": "GET", "params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "GET", "params": {"query": "LOAD <http://127.0.0.1:9/x.ttl>"}},
    {"method": "GET", "params": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}},
    {"method": "PUT", "content": b"<urn:a> <urn:b> <urn:c> ."},
])
def test_writes_and_federation_are_refused(server, request_args) -> None:
    args = dict(request_args)
    response = httpx.request(args.pop("method"), f"{server}/sparql", **args)
    assert response.status_code == 403
    count = httpx.get(f"{server}/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"},
                      headers={"Accept": JSON})
    assert json.loads(count.text)["boolean"] is False


def test_malformed_query_is_400_with_the_parser_message(server) -> None:
    response = httpx.get(f"{server}/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert response.status_code == 400
    assert "does not parse" in response.text and "1:" in response.text


def test_missing_query_and_wrong_media_type(server) -> None:
    assert httpx.get(f"{server}/sparql").status_code == 400
    response = httpx.post(f"{server}/sparql", content=b"{}", headers={"Content-Type": "application/json"})
    assert response.status_code == 415


def test_long_query_is_413(server) -> None:
    long = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 6000
    assert httpx.post(f"{server}/sparql", data={"query": long}).status_code == 413
    assert httpx.post(f"{server}/sparql", content=long.encode() * 10,
                      headers={"Content-Type": "application/sparql-query"}).status_code == 413


def test_large_result_is_refused_with_a_clear_message(server) -> None:
    response = httpx.get(f"{server}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 422
    assert "more than 200" in response.text and "LIMIT" in response.text


def test_a_late_query_is_stopped_and_the_endpoint_stays_up(server) -> None:
    response = httpx.get(f"{server}/sparql", params={"query": SLOW}, timeout=30)
    assert response.status_code == 503 and "time limit" in response.text
    for run in range(4):  # both workers answer again (the stopped one has been replaced; not from the cache)
        after = httpx.get(f"{server}/sparql", params={"query": f"{COUNT}\n# run {run}"}, headers={"Accept": JSON},
                          timeout=30)
        assert after.status_code == 200


def test_a_request_asked_again_gets_the_same_answer_in_its_own_format(server) -> None:
    """The answer cache is keyed by the whole request: the same query in another format is another answer."""
    url = f"{server}/sparql"
    answers = [httpx.get(url, params={"query": COUNT}, headers={"Accept": accept})
               for accept in (JSON, JSON, "text/csv", "text/csv")]
    assert [r.status_code for r in answers] == [200] * 4
    assert answers[0].content == answers[1].content and answers[2].content == answers[3].content
    assert answers[0].headers["content-type"].startswith(JSON)
    assert answers[2].headers["content-type"].startswith("text/csv")


ONE_KB = Answer(200, "text/plain", b"x" * 1024)


def _puts(keys: str) -> list[tuple]:
    return [("put", key, ONE_KB) for key in keys]


@pytest.mark.parametrize(("capacity", "steps", "kept"), [
    # (put|get, key, answer) steps, then the keys the cache still answers
    (4096, _puts("ab"), set("ab")),
    (4096, _puts("abcde"), set("bcde")),  # the least recently asked goes out first
    (4096, _puts("abcd") + [("get", "a", None)] + _puts("e"), set("acde")),
    (4096, [("put", "a", Answer(503, "text/plain", b"late"))], set()),  # only successful answers
    (2048, _puts("a"), set()),  # larger than a quarter of the budget
])
def test_answer_cache_keeps_recent_successful_answers_within_its_budget(capacity, steps, kept) -> None:
    cache = AnswerCache(capacity)
    for action, key, answer in steps:
        cache.put(key, answer) if action == "put" else cache.get(key)
    assert {key for key in "abcde" if cache.get(key) is not None} == kept
    assert cache.size <= capacity


@pytest.mark.parametrize(("cancel_first", "computed"), [
    (False, 1),  # the second request waits for the first one's answer
    (True, 2),  # the first client went away: the second computes its own
])
def test_the_same_request_at_once_is_computed_once(cancel_first, computed) -> None:
    import asyncio

    calls = []

    async def compute() -> Answer:
        calls.append(1)
        await asyncio.sleep(0.05)
        return ONE_KB

    async def two_at_once() -> list:
        cache = AnswerCache(4096)
        first = asyncio.create_task(cache.answer("q", compute))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(cache.answer("q", compute))
        await asyncio.sleep(0.01)
        if cancel_first:
            first.cancel()
        return await asyncio.gather(first, second, return_exceptions=True)

    with ThreadPoolExecutor(1) as thread:  # a loop of its own, whatever an earlier test left running here
        first, second = thread.submit(lambda: asyncio.run(two_at_once())).result()
    assert second == ONE_KB and len(calls) == computed
    assert isinstance(first, asyncio.CancelledError) if cancel_first else first == ONE_KB


def test_cors_lets_browser_tools_call(server) -> None:
    simple = httpx.get(f"{server}/sparql", params={"query": COUNT}, headers={"Origin": "https://yasgui.org"})
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(f"{server}/sparql", headers={
        "Origin": "https://yasgui.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


def test_page_lists_named_queries_without_outside_scripts(server) -> None:
    page = httpx.get(f"{server}/")
    assert page.status_code == 200 and 'id="editor"' in page.text  # the SPARQL editor (phoihop.query_page)
    assert not re.search(r'<(script|link|img)\b[^>]*\b(src|href)="https?:', page.text)  # nothing from outside
    listed = httpx.get(f"{server}/queries").json()
    assert {q["name"] for q in listed} == {q.name for q in list_queries()}
    assert all(q["question_vi"] and q["text"] for q in listed)


def test_taken_port_is_a_usage_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "phoihop.cli", "serve", "--port", str(port),
                                 "--graph", str(DATASET)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and f"127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def find_text(name: str) -> str:
    return next(q.text for q in list_queries() if q.name == name)
