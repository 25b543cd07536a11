"""`phoihop serve` cannot be turned against its host (issue 14, items 3, 5, 7, 19, 20).

A local HTTP listener stands for the host's private services: SERVICE queries, however written, must be
refused (403) and the listener must see no request at all; and the query workers themselves cannot open a
connection, whatever the query check lets through (the second wall).
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_serve import DATASET, JSON, free_port, running

from phoihop.sandbox import forbid_network


class Listener:
    """A loopback HTTP server that records every request and answers like a SPARQL endpoint would."""

    def __init__(self) -> None:
        seen: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", JSON)
                self.end_headers()
                self.wfile.write(b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal",'
                                 b'"value":"SECRET"}}]}}')

            do_POST = do_GET

            def log_message(self, *args) -> None:
                pass

        self.seen = seen
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def listener() -> Iterator[Listener]:
    probe = Listener()
    try:
        yield probe
    finally:
        probe.server.shutdown()
        probe.server.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "phoihop.cli", "serve", "--port", str(port), "--graph", str(DATASET),
               "--timeout", "5", "--workers", "2"]
    with running(command, f"http://127.0.0.1:{port}/queries"):
        yield f"http://127.0.0.1:{port}"


FEDERATED = [
    "SELECT * WHERE {{ {{}} .SERVICE <{url}/x> {{ ?s ?p ?o }} }}",  # passed the text pattern: a dot before
    "SELECT * WHERE {{ SERVICE SILENT <{url}/y> {{ ?s ?p ?o }} }}",  # probed ports through timing
    "SELECT * WHERE {{ \\u0053ERVICE <{url}/z> {{ ?s ?p ?o }} }}",  # the keyword spelt with an escape
    "ASK {{ ?a ?b ?c FILTER EXISTS {{ SERVICE <{url}/w> {{ ?s ?p ?o }} }} }}",
    "SELECT * {{ {{ SELECT * {{ OPTIONAL {{ SERVICE <{url}/v> {{ ?s ?p ?o }} }} }} }} }}",
]


@pytest.mark.parametrize("template", FEDERATED)
def test_service_is_refused_and_no_connection_is_made(server, listener, template) -> None:
    """Item 5: the endpoint POSTed to a loopback URL for `{} .SERVICE <...>` and returned the body."""
    query = template.format(url=listener.url)
    for response in (httpx.post(f"{server}/sparql", data={"query": query}, headers={"Accept": JSON}),
                     httpx.get(f"{server}/sparql", params={"query": query})):
        assert response.status_code == 403, response.text
        assert "SECRET" not in response.text
    assert listener.seen == []


SANDBOXED_QUERY = textwrap.dedent("""
    import socket, sys
    import pyoxigraph as ox
    from phoihop.sandbox import forbid_network
    if forbid_network() is not None:
        sys.exit(77)  # no seccomp here: the test skips
    try:
        socket.socket()
        sys.exit("a socket was created")
    except PermissionError:
        pass
    for keyword in ("SERVICE", "SERVICE SILENT"):
        try:
            list(ox.Store().query(f"SELECT * {{ {keyword} <{sys.argv[1]}/x> {{ ?s ?p ?o }} }}"))
        except OSError as err:
            print("refused:", err)
""")


def test_a_sandboxed_worker_cannot_connect_even_when_asked_to(listener) -> None:
    """The second wall: pyoxigraph's own (Rust) HTTP client cannot reach the listener after the filter."""
    proc = subprocess.run([sys.executable, "-c", SANDBOXED_QUERY, listener.url], capture_output=True, text=True,
                          timeout=60, check=False)
    if proc.returncode == 77:
        pytest.skip(f"no seccomp filter on this system ({forbid_network.__name__} declined)")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert listener.seen == []


def test_the_listener_does_see_an_unsandboxed_service_call(listener) -> None:
    """The control: without the filter, the same query does reach the listener (so the test above means it)."""
    code = ("import sys, pyoxigraph as ox\n"
            "list(ox.Store().query(f'SELECT * {{ SERVICE <{sys.argv[1]}/x> {{ ?s ?p ?o }} }}'))")
    subprocess.run([sys.executable, "-c", code, listener.url], capture_output=True, timeout=60, check=False)
    assert listener.seen


def test_head_answers_like_get(server) -> None:
    """Item 19: HEAD /sparql?query=... answered 415."""
    response = httpx.head(f"{server}/sparql", params={"query": "ASK {}"}, headers={"Accept": JSON})
    assert response.status_code == 200 and response.headers["content-type"].startswith(JSON)
    assert response.content == b""


@pytest.mark.parametrize("key", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_that_is_no_iri_is_400_and_the_workers_live(server, key) -> None:
    """Item 7: a bad default-graph-uri killed a worker with a traceback."""
    response = httpx.get(f"{server}/sparql", params={"query": "ASK {}", key: "not an iri"})
    assert response.status_code == 400 and "not an IRI" in response.text
    for _ in range(3):
        assert httpx.get(f"{server}/sparql", params={"query": "ASK {}"}, headers={"Accept": JSON}).status_code == 200


def test_deep_nesting_is_400_and_the_workers_live(server) -> None:
    """Item 7: 3,000 nested groups crashed a worker's parser."""
    response = httpx.post(f"{server}/sparql", data={"query": "ASK " + "{" * 3000 + "}" * 3000})
    assert response.status_code == 400 and "nests more than 256" in response.text
    assert httpx.get(f"{server}/sparql", params={"query": "ASK {}"}, headers={"Accept": JSON}).status_code == 200


def test_select_star_columns_keep_the_query_order(server) -> None:
    """Item 20: SELECT * columns came sorted (pyoxigraph) or in set order (rdflib)."""
    query = "SELECT * WHERE { ?source a ?type ; ?predicate ?object } LIMIT 1"
    response = httpx.get(f"{server}/sparql", params={"query": query}, headers={"Accept": JSON})
    assert json.loads(response.text)["head"]["vars"] == ["source", "type", "predicate", "object"]


def _descendants(pid: int) -> set[int]:
    """Every living process below `pid` (its zygote, the workers the zygote forked, ...)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_a_killed_endpoint_leaves_no_process_and_no_copy_behind(tmp_path) -> None:
    """Item 3: a `serve` killed with SIGKILL left its copy of the graph under /tmp for ever. The graph now
    lives in the workers' memory: nothing is written, and the zygote and workers end with the server."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "phoihop.cli", "serve", "--port", str(port), "--graph",
                             str(DATASET)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                break
        time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("serve did not start")
    children = _descendants(proc.pid)
    assert len(children) >= 3  # the zygote and two workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while _descendants_alive(children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _descendants_alive(children)
    assert not [p.name for p in Path(tmp_path).iterdir() if p.name.startswith("phoihop")]


def _descendants_alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state != "Z":
                alive.add(pid)
    return alive
