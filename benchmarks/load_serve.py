"""Load-test `phoihop serve` on loopback: good queries keep working while malformed and hostile ones are refused.

    python benchmarks/load_serve.py                                   # the built graph, 2,000 requests, 8 clients
    python benchmarks/load_serve.py --graph tests/fixtures/graph/dataset --requests 500 --slow 2

Starts `phoihop serve` on a free 127.0.0.1 port (over the built graph, whose release store answers while the
graph loads into memory, or over --graph files; its own limits: --timeout, --workers, --cache-mb; the row limit is the
serve default) and waits until its workers hold the graph in memory; then sends a bounded, shuffled load from
--clients concurrent clients:
  good        every named query bound to nodes the graph holds (benchmarks/bindings.py), so that each does
              work (GET, POST form and POST sparql-query, JSON or N-Triples); the row count of each SELECT
              must equal the embedded store's answer
  malformed   truncated queries, garbage, an empty query, no query, a wrong media type, a too long query
  hostile     SPARQL updates (as query, as update=, as application/sparql-update), LOAD, SERVICE to other
              hosts (also hidden after a dot or spelt with an escape), 3,000 nested groups, a graph that is
              no IRI, PUT and DELETE on /sparql
  too-large   a cross join past the row limit
  slow        (--slow, one at a time) a query that would run for days, stopped at the time limit
Prints, per class, the requests, HTTP statuses, p50/p99 latency and the answers that were not the expected
ones; then the throughput, and whether the server still answers and is still alive. Exits 1 when a good query
failed, any request got an unexpected answer, or the server died. Only loopback is ever contacted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from phoihop.infer import infer
from phoihop.query import OxigraphBackend, Phoihop
from phoihop.release import built_graph
from phoihop.store import expand_inputs, load_files

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bindings import Bound, bind_all, load_bound  # noqa: E402 - the benchmarks folder is not a package
from servers import HOST, free_port, stop, wait_until  # noqa: E402

JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
FORM = "application/x-www-form-urlencoded"
CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }"


@dataclass(frozen=True)
class Job:
    """One request and what a sound endpoint answers to it."""

    kind: str
    name: str
    method: str
    params: dict | None = None
    content: bytes | None = None
    headers: dict | None = None
    expect: frozenset[int] = frozenset({200})
    rows: int | None = None  # the embedded answer's row count, for SELECT


def good_jobs(bound: list[Bound]) -> list[Job]:
    """Every bound named query, in the three ways the SPARQL 1.1 Protocol allows, with its embedded row count
    (SELECT; a CONSTRUCT or ASK answer is checked by its status)."""
    jobs = []
    for item in bound:
        graph = item.query.form in ("construct", "describe")
        accept = {"Accept": NTRIPLES if graph else JSON}
        rows = None if graph or item.query.form == "ask" else item.rows
        text = item.text
        jobs += [
            Job("good", item.name, "GET", params={"query": text}, headers=accept, rows=rows),
            Job("good", item.name, "POST", content=httpx.QueryParams({"query": text}).__str__().encode(),
                headers={**accept, "Content-Type": FORM}, rows=rows),
            Job("good", item.name, "POST", content=text.encode("utf-8"),
                headers={**accept, "Content-Type": "application/sparql-query"}, rows=rows),
        ]
    return jobs


def embedded_bindings(graphs: list[Path] | None) -> list[Bound]:
    """The named queries bound on the graph the server will serve, loaded in memory as the build does."""
    files = expand_inputs(graphs) if graphs else built_graph().files
    store = load_files(files, sources=True)
    infer(store)  # a built graph holds the inferred triples already: nothing is added
    return bind_all(Phoihop(OxigraphBackend(store)))


def bad_jobs(good: list[Job], rng: random.Random) -> dict[str, list[Job]]:
    """Malformed, hostile and too large requests, with the statuses that refuse them."""
    sparql_query = {"Content-Type": "application/sparql-query", "Accept": JSON}
    malformed = [Job("malformed", "truncated", "GET", headers=j.headers, expect=frozenset({400}),
                     params={"query": (t := j.params["query"])[: rng.randrange(t.index("{") + 1, t.rindex("}"))]})
                 for j in good if j.method == "GET"]  # cut inside the braces: they no longer balance
    malformed += [
        Job("malformed", "garbage", "GET", params={"query": "SELEKT ?x WHERE { ?x ?y }"}, expect=frozenset({400})),
        Job("malformed", "binary", "POST", content=bytes(range(256)), headers=sparql_query,
            expect=frozenset({400})),
        Job("malformed", "empty", "GET", params={"query": ""}, expect=frozenset({400})),
        Job("malformed", "no query", "GET", params={}, expect=frozenset({400})),
        Job("malformed", "two queries", "GET", params={"query": ["ASK {}", "ASK {}"]}, expect=frozenset({400})),
        Job("malformed", "media type", "POST", content=b"ASK {}", headers={"Content-Type": "text/plain"},
            expect=frozenset({415})),
        Job("malformed", "too long", "POST", content=("# " + "x" * 100_000 + "\nASK {}").encode(),
            headers=sparql_query, expect=frozenset({413})),
        Job("malformed", "bad accept", "GET", params={"query": "ASK {}"}, headers={"Accept": "image/png"},
            expect=frozenset({406})),
    ]
    hostile = [
        Job("hostile", "insert as query", "GET", params={"query": "INSERT DATA { <a:s> <a:p> <a:o> }"},
            expect=frozenset({403})),
        Job("hostile", "update=", "POST", content=b"update=DROP%20ALL", headers={"Content-Type": FORM},
            expect=frozenset({403})),
        Job("hostile", "sparql-update", "POST", content=b"CLEAR ALL",
            headers={"Content-Type": "application/sparql-update"}, expect=frozenset({403})),
        Job("hostile", "load", "GET", params={"query": "LOAD <http://169.254.169.254/latest/meta-data/>"},
            expect=frozenset({403})),
        Job("hostile", "service", "GET", params={"query": "SELECT * WHERE { SERVICE <http://169.254.169.254/> "
                                                          "{ ?s ?p ?o } }"}, expect=frozenset({403})),
        Job("hostile", "service silent", "GET",
            params={"query": "SELECT * WHERE { ?s ?p ?o . service silent <http://10.0.0.1/> { ?s ?p ?o } }"},
            expect=frozenset({403})),
        Job("hostile", "service after a dot", "GET",  # passed the old text pattern (issue 14)
            params={"query": "SELECT * WHERE { {} .SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"},
            expect=frozenset({403})),
        Job("hostile", "service escaped", "GET",
            params={"query": "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"},
            expect=frozenset({403})),
        Job("hostile", "deep nesting", "POST", content=("ASK " + "{" * 3000 + "}" * 3000).encode(),
            headers=sparql_query, expect=frozenset({400})),
        Job("hostile", "graph not an IRI", "GET", params={"query": "ASK {}", "default-graph-uri": "not an iri"},
            expect=frozenset({400})),
        Job("hostile", "put", "PUT", content=b"<a:s> <a:p> <a:o> .", headers={"Content-Type": NTRIPLES},
            expect=frozenset({403, 405})),
        Job("hostile", "delete", "DELETE", expect=frozenset({403, 405})),
    ]
    too_large = [Job("too-large", "cross join", "GET", params={"query": CROSS}, headers={"Accept": JSON},
                     expect=frozenset({422}))]
    return {"malformed": malformed, "hostile": hostile, "too-large": too_large}



@contextlib.contextmanager
def server(graphs: list[Path] | None, port: int, timeout: float, workers: int,
           cwd: Path | None = None, cache_mb: float | None = None) -> Iterator[Started]:
    """`phoihop serve` on loopback (the built graph of `cwd`, or `graphs`) until the block ends, then SIGINT as
    Ctrl-C would; yields once its workers hold the graph in memory, with the seconds it took to the first
    answer and to memory."""
    command = [sys.executable, "-m", "phoihop.cli", "serve", "--host", HOST, "--port", str(port),
               "--timeout", str(timeout), "--workers", str(workers)]
    if cache_mb is not None:
        command += ["--cache-mb", str(cache_mb)]
    for path in graphs or ():
        command += ["--graph", str(path)]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True).start()
    try:
        url = f"http://{HOST}:{port}/sparql"
        first = _wait(lambda: httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200,
                      process, lines, "answer")
        _wait(lambda: any("in memory" in line for line in lines), process, lines, "hold the graph in memory")
        yield Started(process, first - start, time.perf_counter() - start)
    finally:
        stop(process, signal.SIGINT, grace=30)


@dataclass
class Started:
    process: subprocess.Popen
    first_answer: float  # seconds from start to the first answer
    in_memory: float  # seconds from start until the workers held the graph in memory


def _wait(ready, process: subprocess.Popen, lines: list[str], what: str, seconds: float = 300) -> float:
    try:
        return wait_until(ready, process, seconds, 0.05)
    except RuntimeError as err:
        raise SystemExit(f"phoihop serve did not {what} ({err}): {''.join(lines)[-600:]}") from None


class Tally:
    """Latencies, statuses and unexpected answers per class, shared by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter[int | str]] = defaultdict(Counter)
        self.unexpected: dict[str, list[str]] = defaultdict(list)
        self.by_query: dict[str, list[float]] = defaultdict(list)  # good queries by name: who makes the p99

    def add(self, job: Job, status: int | str, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.seconds[job.kind].append(seconds)
            self.statuses[job.kind][status] += 1
            if job.kind == "good":
                self.by_query[job.name].append(seconds)
            if problem:
                self.unexpected[job.kind].append(f"{job.name} ({job.method}): {problem}")


def check(job: Job, response: httpx.Response) -> str | None:
    """Why an answer is not the expected one, or None."""
    if response.status_code not in job.expect:
        return f"HTTP {response.status_code}, expected {sorted(job.expect)}: {response.text[:160]!r}"
    if job.kind == "good" and job.rows is not None:
        rows = len(json.loads(response.content)["results"]["bindings"])
        if rows != job.rows:
            return f"{rows} rows, the embedded store has {job.rows}"
    return None


def client(url: str, jobs: list[Job], lock: threading.Lock, slow_lock: threading.Lock, tally: Tally,
           timeout: float) -> None:
    """Take jobs until none is left; slow ones one at a time, so that they never hold every worker."""
    with httpx.Client(timeout=timeout * 4 + 30) as http:
        while True:
            with lock:
                if not jobs:
                    return
                job = jobs.pop()
            guard = slow_lock if job.kind == "slow" else contextlib.nullcontext()
            with guard:
                start = time.perf_counter()
                try:
                    response = http.request(job.method, url, params=job.params, content=job.content,
                                            headers=job.headers)
                    status, problem = response.status_code, check(job, response)
                except httpx.HTTPError as err:
                    status, problem = type(err).__name__, str(err) or type(err).__name__
                tally.add(job, status, time.perf_counter() - start, problem)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def mixed_jobs(bound: list[Bound], requests: int, good_share: float, slow: int, seed: int) -> list[Job]:
    """A shuffled load: good queries, hostile and too large ones, malformed ones, and `slow` endless ones."""
    rng = random.Random(seed)
    good = good_jobs(bound)
    bad = bad_jobs(good, rng)
    n_good = round(requests * good_share)
    n_rest = requests - n_good - slow
    hostile_and_large = bad["hostile"] * 3 + bad["too-large"] * 10
    jobs = [rng.choice(good) for _ in range(n_good)] + hostile_and_large[:n_rest]
    jobs += [rng.choice(bad["malformed"]) for _ in range(n_rest - len(hostile_and_large[:n_rest]))]
    jobs += [Job("slow", "endless", "GET", params={"query": ENDLESS}, headers={"Accept": JSON},
                 expect=frozenset({503}))] * slow
    rng.shuffle(jobs)
    return jobs


def run_load(url: str, jobs: list[Job], clients: int, timeout: float, process: subprocess.Popen) -> dict:
    """Send the jobs from `clients` threads; per class: requests, p50/p99/max seconds, statuses, unexpected
    answers; then whether the server still answers."""
    tally = Tally()
    lock, slow_lock = threading.Lock(), threading.Lock()
    jobs = list(jobs)
    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(url, jobs, lock, slow_lock, tally, timeout))
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    after = httpx.get(url, params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": JSON}, timeout=30)
    classes = {kind: {"requests": len(seconds), "p50": percentile(seconds, 0.5), "p99": percentile(seconds, 0.99),
                      "max": max(seconds), "unexpected": tally.unexpected.get(kind, [])[:20],
                      "statuses": {str(k): n for k, n in tally.statuses[kind].items()}}
               for kind, seconds in tally.seconds.items()}
    queries = {name: {"requests": len(seconds), "p50": percentile(seconds, 0.5), "p99": percentile(seconds, 0.99),
                      "max": max(seconds)} for name, seconds in tally.by_query.items()}
    return {"classes": classes, "queries": queries, "seconds": elapsed, "clients": clients,
            "still_up": after.status_code == 200 and json.loads(after.content)["boolean"] is True,
            "alive": process.poll() is None}


def uncached(text: str, run: int) -> str:
    """The query with a comment of its own, so that the server's answer cache cannot answer it: a median
    over HTTP times the query, not the cache."""
    return f"{text}\n# run {run}\n"


def medians(url: str, bound: list[Bound], runs: int) -> dict[str, tuple[float, int | str]]:
    """Each bound query alone over HTTP (POST form, never from the answer cache): its median seconds over
    `runs`, and its status."""
    out = {}
    with httpx.Client(timeout=120) as http:
        for item in bound:
            graph = item.query.form in ("construct", "describe")
            walls, status = [], 0
            for run in range(runs):
                start = time.perf_counter()
                status = http.post(url, data={"query": uncached(item.text, run)},
                                   headers={"Accept": NTRIPLES if graph else JSON}).status_code
                walls.append(time.perf_counter() - start)
            out[item.name] = (sorted(walls)[len(walls) // 2], status)
    return out


def print_medians(url: str, bound: list[Bound], runs: int) -> None:
    figures = medians(url, bound, runs)
    print(f"each named query alone, median of {runs} over HTTP (slowest first):", file=sys.stderr)
    for name, (seconds, status) in sorted(figures.items(), key=lambda item: -item[1][0]):
        print(f"  {name:45s} {seconds * 1000:8.0f} ms  HTTP {status}", file=sys.stderr)


def report(result: dict) -> bool:
    """Print the load test; whether it failed (an unexpected answer, a dead or silent server)."""
    print(f"{'class':10s} {'requests':>8s} {'p50 ms':>8s} {'p99 ms':>8s} {'max ms':>8s} {'unexpected':>10s}  statuses")
    for kind in ("good", "malformed", "hostile", "too-large", "slow"):
        c = result["classes"].get(kind)
        if c:
            statuses = ", ".join(f"{s}: {n}" for s, n in sorted(c["statuses"].items()))
            print(f"{kind:10s} {c['requests']:8d} {c['p50'] * 1000:8.1f} {c['p99'] * 1000:8.1f} "
                  f"{c['max'] * 1000:8.1f} {len(c['unexpected']):10d}  {statuses}")
    slowest = sorted(result.get("queries", {}).items(), key=lambda item: -item[1]["max"])[:8]
    if slowest:
        print("good queries by their slowest answer: " + "; ".join(
            f"{name} {q['requests']}x p50 {q['p50'] * 1000:.0f} max {q['max'] * 1000:.0f} ms" for name, q in slowest))
    total = sum(c["requests"] for c in result["classes"].values())
    print(f"throughput: {total / result['seconds']:.0f} requests/s ({total} in {result['seconds']:.1f} s, "
          f"{result['clients']} clients)")
    print(f"after the load: server {'answers' if result['still_up'] else 'DOES NOT ANSWER'}, process "
          f"{'alive' if result['alive'] else 'DEAD'}")
    for kind, c in result["classes"].items():
        for problem in c["unexpected"][:5]:
            print(f"UNEXPECTED {kind}: {problem}")
    failed = any(c["unexpected"] for c in result["classes"].values()) or not result["still_up"] or not result["alive"]
    print("FAILED" if failed else "ok: zero errors on good queries, every bad request refused")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", nargs="*", type=Path, default=None,
                        help="RDF files or folders to serve (default: the built graph)")
    parser.add_argument("--requests", type=int, default=2000, help="requests in all (default 2000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--good", type=float, default=0.7, help="share of good queries (default 0.7)")
    parser.add_argument("--slow", type=int, default=3, help="queries that never end (default 3)")
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's time limit (default 10 s)")
    parser.add_argument("--workers", type=int, default=2, help="the server's query processes (default 2)")
    parser.add_argument("--cache-mb", type=float, default=None,
                        help="the server's answer cache (default: the serve default; 0: every query computed)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bindings", type=Path, default=None,
                        help="bound queries as JSON: read when the file exists, else bound on the graph and written")
    parser.add_argument("--medians", type=int, default=0,
                        help="before the load, time each bound query this many times alone and print its median")
    args = parser.parse_args(argv)
    missing = [p for p in args.graph or () if not p.exists()]
    if missing:
        print(f"no such graph: {', '.join(map(str, missing))} (run `phoihop build`, or pass --graph)",
              file=sys.stderr)
        return 2
    if args.bindings and args.bindings.exists():
        bound = load_bound(json.loads(args.bindings.read_text(encoding="utf-8")))
    else:
        bound = embedded_bindings(args.graph)
        if args.bindings:
            args.bindings.write_text(json.dumps([b.to_json() for b in bound], indent=1), encoding="utf-8")
    idle = [b.name for b in bound if not b.rows and b.query.form != "ask"]
    print(f"{len(bound)} named queries, {len(bound) - len(idle)} return rows on this graph; no rows (checks on a "
          f"graph that conforms): {', '.join(idle) or 'none'}; bound: "
          + "; ".join(f"{b.name} {b.params}" for b in bound if b.params), file=sys.stderr)
    jobs = mixed_jobs(bound, args.requests, args.good, args.slow, args.seed)
    port = free_port()
    url = f"http://{HOST}:{port}/sparql"
    with server(args.graph, port, args.timeout, args.workers, cache_mb=args.cache_mb) as started:
        print(f"phoihop serve at {url} over {', '.join(map(str, args.graph or ['the built graph']))}: first answer "
              f"after {started.first_answer:.1f} s, graph in memory after {started.in_memory:.1f} s; {len(jobs)} "
              f"requests from {args.clients} clients ({args.workers} workers, {args.timeout:g} s limit)",
              file=sys.stderr)
        if args.medians:
            print_medians(url, bound, args.medians)
        result = run_load(url, jobs, args.clients, args.timeout, started.process)
    return 1 if report(result) else 0


if __name__ == "__main__":
    sys.exit(main())
