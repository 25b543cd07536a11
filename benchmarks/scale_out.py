"""The scale-out path measured: bulk load a built graph into the Oxigraph server and into OpenLink Virtuoso, then
time the named queries there over HTTP.

    python benchmarks/scale_out.py --trig /tmp/dist-10M/phoihop.trig --bindings bindings.json
    python benchmarks/scale_out.py --trig dist/phoihop.trig            # queries bound on the file itself

Oxigraph: `oxigraph load` (its bulk loader) into a fresh folder, then `oxigraph serve-read-only
--union-default-graph`. Virtuoso: a throw-away database (as .ci/stores.sh starts one, with buffers for a large
load), the RDF bulk loader (`ld_dir` + `rdf_loader_run` + `checkpoint`) through isql; its default graph is the
union of its graphs. Each server is started on a free loopback port, measured and stopped by its process id;
its database is removed. Every query runs --repeat times after a warm-up; the rows are compared with the
embedded answer's count (Virtuoso's known differences, durations as month counts, are reported as such).
Every query has --timeout seconds: the server is told so (Oxigraph `--timeout-s`, Virtuoso
MaxQueryExecutionTime, whose partial "anytime" answer counts as a timeout) and the client gives up a little
later; a query past it is recorded as a timeout and not repeated, and when the server no longer answers a
trivial query the queries left are recorded as skipped, so that one query cannot hang the run (at 10M the
Oxigraph server's first bound query ran for over 20 minutes). Prints a table and, with --json, the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import free_port, stop, wait_until  # noqa: E402 - the benchmarks folder is not a package

ROOT = Path(__file__).resolve().parents[1]
JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
# 8 KB pages: 2.6 GiB, Virtuoso's advice for a machine giving it 4 GB; with MaxQueryMem 2G it stays under 6 GiB
# (without MaxQueryMem, Virtuoso 7.2 logs "Low query memory limit" and its queries stall, as .ci/stores.sh found)
VIRTUOSO_BUFFERS = 340_000
VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxQueryMem = 2G
DirsAllowed = ., {data}
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {db}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {timeout}
"""
# Store bugs the store tests know (durations as month counts, …): a differing row count there is reported as such.
KNOWN_BUGS = ROOT / "tests" / "fixtures" / "stores" / "known_bugs.csv"
KNOWN_DIFFERENCES = {row["query"] for row in csv.DictReader(KNOWN_BUGS.open(encoding="utf-8"))
                     if row["store"] == "virtuoso"}



def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def running(command: list[str], ready: str, cwd: Path | None = None, seconds: float = 300) -> Iterator[None]:
    """A server process until the block ends; stopped by its own process id (SIGTERM, then SIGKILL)."""
    log = open(Path(tempfile.gettempdir()) / f"phoihop-scale-out-{os.getpid()}.log", "ab")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            wait_until(lambda: httpx.get(ready, timeout=5).status_code < 500, process, seconds, 0.5)
        except RuntimeError as err:
            raise RuntimeError(f"{ready}: {err}") from None
        yield
    finally:
        stop(process, signal.SIGTERM, grace=120)
        log.close()


def oxigraph(trig: Path, folder: Path, bound: list[dict], repeat: int, timeout: float) -> dict:
    """Bulk load into a fresh Oxigraph database, serve it read-only, time the queries."""
    location = folder / "oxigraph"
    start, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run([str(OXIGRAPH), "load", "--location", str(location), "--file", str(trig)],
                          capture_output=True, text=True)
    if done.returncode:
        return {"error": f"oxigraph load: {done.stderr.strip()[-300:]}"}
    record = {"load_seconds": time.perf_counter() - start, "load_cpu": children_cpu() - cpu,
              "disk_mb": _size_mb(location)}
    port = free_port()
    url = f"http://127.0.0.1:{port}/query"
    command = [str(OXIGRAPH), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph", "--timeout-s", str(max(1, round(timeout)))]
    with running(command, f"{url}?query=ASK%7B%7D"):
        record["queries"] = time_queries(url, bound, repeat, timeout)
    return record


def virtuoso(trig: Path, folder: Path, bound: list[dict], repeat: int, timeout: float) -> dict:
    """Bulk load into a throw-away Virtuoso database (ld_dir + rdf_loader_run), time the queries."""
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        return {"error": "n/a (virtuoso-opensource is not installed: apt-get install virtuoso-opensource)"}
    db, data = folder / "virtuoso", folder / "virtuoso-data"
    db.mkdir()
    data.mkdir()
    nquads = data / "graph.nq"
    _to_nquads(trig, nquads)  # Virtuoso's loader reads N-Quads; TriG prefixes it handles poorly
    http, sql = free_port(), free_port()
    (db / "virtuoso.ini").write_text(VIRTUOSO_INI.format(db=db, sql=sql, http=http, data=data,
                                                         buffers=VIRTUOSO_BUFFERS, dirty=VIRTUOSO_BUFFERS * 3 // 4,
                                                         timeout=max(1, round(timeout))),
                                     encoding="utf-8")
    url = f"http://127.0.0.1:{http}/sparql"
    with running(["virtuoso-t", "-c", str(db / "virtuoso.ini"), "+foreground"], f"{url}?query=ASK%7B%7D",
                 cwd=db):
        start = time.perf_counter()
        script = (f"ld_dir('{data}', 'graph.nq', 'urn:phoihop:default'); rdf_loader_run(); checkpoint; "
                  "SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        done = subprocess.run(["isql-vt", f"127.0.0.1:{sql}", "dba", "dba", f"exec={script}"], capture_output=True,
                              text=True, timeout=7200)
        if done.returncode:
            return {"error": f"virtuoso bulk load: {(done.stderr or done.stdout).strip()[-300:]}"}
        record = {"load_seconds": time.perf_counter() - start, "disk_mb": _size_mb(db)}
        record["queries"] = time_queries(url, bound, repeat, timeout)
    return record


def _to_nquads(trig: Path, target: Path) -> None:
    import pyoxigraph as ox

    with open(target, "wb") as handle:
        ox.serialize(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG), handle, format=ox.RdfFormat.N_QUADS)


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def time_queries(url: str, bound: list[dict], repeat: int, timeout: float) -> dict:
    """Median seconds and rows of every bound query over HTTP (POST, JSON results), after a warm-up; a query
    past `timeout` is recorded as a timeout, and once the server stops answering the rest are skipped. One
    connection per request: Virtuoso 7 stalls on a kept-alive connection's second POST."""
    out: dict = {}
    grace = httpx.Timeout(timeout + 30, connect=30)  # the server stops the query itself at `timeout`
    with httpx.Client(timeout=grace, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        alive = True
        for item in bound:
            alive = alive and (not out or "timeout" not in out[next(reversed(out))] or _answers(client, url))
            if not alive:  # checked once: a dead server would cost a minute per query left
                out[item["name"]] = {"error": "skipped: the server no longer answers (a query before this one)"}
                continue
            out[item["name"]] = _time_one(client, url, item, repeat, timeout)
            print(f"  {url.split('/')[2]} {item['name']}: {_cell(out[item['name']])}", file=sys.stderr, flush=True)
    return out


def _answers(client: httpx.Client, url: str) -> bool:
    """Whether the server still answers a trivial query within 60 s (it may still be busy with a late one)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if client.post(url, data={"query": "ASK {}"}, headers={"Accept": JSON}, timeout=10).status_code == 200:
                return True
        time.sleep(1)
    return False


def _time_one(client: httpx.Client, url: str, item: dict, repeat: int, timeout: float) -> dict:
    """One bound query: warm-up then `repeat` runs; a timeout (the server's or ours) ends it."""
    times, rows, error = [], None, None
    graph = item.get("form") in ("construct", "describe")
    for _ in range(repeat + 1):
        start = time.perf_counter()
        try:
            response = client.post(url, data={"query": item["text"]}, headers={"Accept": NTRIPLES if graph else JSON})
        except httpx.TimeoutException:
            return {"timeout": time.perf_counter() - start, "error": f"timeout: no answer within {timeout + 30:g} s"}
        except httpx.HTTPError as err:
            error = f"{type(err).__name__}: {err}"
            break
        seconds = time.perf_counter() - start
        if _timed_out(response, seconds, timeout):
            return {"timeout": seconds, "error": f"timeout: stopped by the server at {timeout:g} s "
                                                 f"(HTTP {response.status_code}: {response.text[:120]!r})"}
        if response.status_code != 200:
            error = f"HTTP {response.status_code}: {response.text[:160]}"
            break
        try:
            rows = count_rows(response, graph)
        except ValueError as err:  # a stream cut off: the Oxigraph server stops a late query mid-answer
            late = seconds >= timeout * 0.9
            return {"timeout": seconds, "error": f"timeout: answer cut off ({err})"} if late else {
                "error": f"unreadable answer: {err}"}
        times.append(seconds)
    if error:
        return {"error": error}
    return {"seconds": statistics.median(times[1:] or times), "rows": rows, "expected": item.get("rows"),
            "known_difference": item["name"] in KNOWN_DIFFERENCES}


def _timed_out(response: httpx.Response, seconds: float, timeout: float) -> bool:
    """Whether the server stopped the query at its time limit: Oxigraph answers an error then, Virtuoso 7 a
    partial ("anytime") answer that says so in X-SQL-State / X-SQL-Message."""
    if "incomplete" in response.headers.get("X-SQL-Message", "").lower() or response.headers.get("X-SQL-State"):
        return True
    return response.status_code != 200 and seconds >= timeout * 0.9


def count_rows(response: httpx.Response, graph: bool) -> int:
    """Result rows (triples of a CONSTRUCT, 1 for ASK) in an answer."""
    if graph:
        return sum(1 for line in response.text.splitlines() if line.strip() and not line.startswith("#"))
    body = response.json()
    return len(body["results"]["bindings"]) if "results" in body else 1


STORES = {"oxigraph": oxigraph, "virtuoso": virtuoso}


def run(trig: Path, bound: list[dict], repeat: int, folder: Path | None = None, timeout: float = 60.0,
        stores: tuple[str, ...] = tuple(STORES)) -> dict:
    """The stores, one after the other, in a scratch folder that is removed afterwards; `timeout` seconds a query."""
    scratch = Path(tempfile.mkdtemp(prefix="phoihop-scale-out-", dir=folder))
    try:
        return {name: _guarded(STORES[name], trig, scratch, bound, repeat, timeout) for name in stores}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _guarded(step, *args) -> dict:
    try:
        return step(*args)
    except Exception as err:  # a benchmark reports the failing store and carries on with the other
        return {"error": f"{type(err).__name__}: {str(err)[:300]}"}


def bound_for(trig: Path, bindings: Path | None = None, rows_known: bool = True) -> list[dict]:
    """The named queries bound as a benchmark run wrote them (`Bound.to_json` records), or else on the file
    itself; checks left out (they return rows only on a damaged graph). `rows_known` False: the bindings were
    made on a smaller graph of the same generator (binding on 10M in memory costs more than the run), so their
    row counts are not this graph's and are not compared."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bindings import bind_all, load_bound

    from phoihop.query import open_graph

    if bindings is not None:
        bound = load_bound(json.loads(bindings.read_text(encoding="utf-8")))
    else:
        bound = bind_all(open_graph([trig]))
    return [{**b.to_json(), "text": b.text, "form": b.query.form, **({} if rows_known else {"rows": None})}
            for b in bound if not b.is_check]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--trig", type=Path, required=True, help="the built graph (phoihop.trig)")
    parser.add_argument("--bindings", type=Path,
                        help="bound queries as benchmarks/run.py writes them (name, params, rows)")
    parser.add_argument("--rows-unknown", action="store_true",
                        help="the bindings come from another graph: do not compare row counts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one query may run (default 60)")
    parser.add_argument("--stores", default=",".join(STORES), help="which stores, comma-separated (default: all)")
    parser.add_argument("--scratch", type=Path, default=None, help="folder for the databases (default: the temp dir)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    stores = tuple(s.strip() for s in args.stores.split(",") if s.strip())
    unknown = [s for s in stores if s not in STORES]
    if unknown or args.timeout <= 0:
        parser.error(f"--stores: one of {', '.join(STORES)}; --timeout: positive seconds")
    bound = bound_for(args.trig, args.bindings, rows_known=not args.rows_unknown)
    record = run(args.trig, bound, args.repeat, args.scratch, args.timeout, stores)
    for store, figures in record.items():
        if "error" in figures:
            print(f"{store}: {figures['error']}")
            continue
        late = [name for name, q in figures["queries"].items() if "timeout" in q]
        print(f"{store}: bulk load {figures['load_seconds']:.1f} s, {figures['disk_mb']:.0f} MB on disk; "
              f"{len(late)} of {len(figures['queries'])} queries past {args.timeout:g} s: {', '.join(late) or 'none'}")
        for name, q in figures["queries"].items():
            print(f"  {name:45s} {_cell(q)}")
    if args.json:
        args.json.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0


def _cell(q: dict) -> str:
    if "timeout" in q:
        return f"TIMEOUT ({q['timeout']:.0f} s)"
    if "error" in q:
        return q["error"]
    same = q["rows"] == q["expected"] or q["expected"] is None
    return f"{q['seconds']:.3f} s, {q['rows']} rows" + ("" if same else f" (embedded: {q['expected']})")


if __name__ == "__main__":
    sys.exit(main())
