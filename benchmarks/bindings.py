"""Named queries bound to nodes the graph at hand holds, so that every query a benchmark times does work.

The IRI parameters' defaults name nodes of the curated graph; on a synthetic graph they match nothing and the
query returns at once, which made the old medians look better than they were. Each IRI parameter is bound to
the first candidate of benchmarks/parameters.csv with which the query returns rows; a query that still returns
none (a check on a graph that conforms) is reported as doing no work and kept out of the medians.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import signal
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from phoihop.query import NamedQuery, Phoihop, RdflibBackend, bind, list_queries
from phoihop.results import Engine, Results, comparable

PARAMETERS = Path(__file__).with_name("parameters.csv")


@dataclass(frozen=True)
class Bound:
    """A named query with the parameters chosen for one graph, and the rows it returned there."""

    query: NamedQuery
    params: dict[str, str] = field(default_factory=dict)
    rows: int = 0

    @property
    def name(self) -> str:
        return self.query.name

    @property
    def text(self) -> str:
        return bind(self.query, self.params)

    @property
    def is_check(self) -> bool:
        return self.name.startswith("checks/")

    def to_json(self) -> dict:
        return {"name": self.name, "params": self.params, "rows": self.rows}


def candidates_table(path: Path = PARAMETERS) -> dict[tuple[str, str], str]:
    """(query, parameter) -> the SPARQL that lists candidate values."""
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return {(row["query"], row["parameter"]): row["candidates"] for row in rows}


def bind_all(graph: Phoihop, names: list[str] | None = None) -> list[Bound]:
    """Every named query (or those named) bound for `graph`, with its row count there."""
    table = candidates_table()
    out = []
    for query in list_queries():
        if names and query.name not in names:
            continue
        iri = [p.name for p in query.parameters if p.type == "iri"]
        missing = [p for p in iri if (query.name, p) not in table]
        if missing:
            raise SystemExit(f"{PARAMETERS}: no candidates for {query.name} {', '.join(missing)}")
        out.append(_first_that_works(graph, query, {p: table[query.name, p] for p in iri}))
    return out


def _first_that_works(graph: Phoihop, query: NamedQuery, candidates: dict[str, str]) -> Bound:
    """The query with each IRI parameter bound to the first candidate that gives rows (defaults otherwise)."""
    if not candidates:
        return Bound(query, {}, len(graph.query(query.name)))
    options = {p: [row["value"] for row in graph.run_text(text)] for p, text in candidates.items()}
    tried = Bound(query, {}, 0)
    for index in range(max(map(len, options.values()), default=0)):
        params = {p: values[min(index, len(values) - 1)] for p, values in options.items() if values}
        tried = Bound(query, params, len(graph.query(query.name, **params)))
        if tried.rows:
            break
    return tried


def load_bound(records: list[dict]) -> list[Bound]:
    """Bindings written by `Bound.to_json` (a benchmark phase hands them to the next)."""
    queries = {q.name: q for q in list_queries()}
    return [Bound(queries[r["name"]], r["params"], r["rows"]) for r in records if r["name"] in queries]


# --- timing the bound queries (benchmarks/run.py) -------------------------------------------------------------

class StepTimeout(Exception):
    """A step ran past its time budget."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt pure-Python work (rdflib, pySHACL, networkx) after `seconds` (main thread only)."""
    def alarm(signum, frame):
        raise StepTimeout(f"over {seconds:g} s")
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bounded(call: Callable[[], Results], limit: float | None, native: bool) -> Results:
    """call() within `limit` seconds. Native pyoxigraph work cannot be interrupted by a signal, so it runs
    in a daemon thread that is abandoned on timeout (the process exits without waiting for it)."""
    if not limit:
        return call()
    if not native:
        with time_limit(limit):
            return call()
    box: dict = {}

    def work() -> None:
        try:
            box["value"] = call()
        except BaseException as err:  # handed to the caller
            box["error"] = err
    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        raise StepTimeout(f"over {limit:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]


class DatasetBackend(RdflibBackend):
    """rdflib's engine over a Dataset the caller already holds (the reference phase parsed it itself)."""

    def __init__(self, dataset):
        self.dataset = dataset


def digest(results: Results) -> str:
    """The answer's values, engine-independent (numbers by value, see `comparable`), as a short hash: two
    processes compare answers by it."""
    rows = sorted(set(comparable(results))) if results.is_graph else sorted(comparable(results))
    return hashlib.sha256(repr((results.variables, rows)).encode("utf-8")).hexdigest()[:16]


def run_queries(backend: Engine, bound: list[Bound], repeat: int, limit: float | None) -> dict:
    """Median seconds, rows and value digest of every bound query on one engine (errors reported)."""
    native = not isinstance(backend, RdflibBackend)
    out: dict = {}
    for item in bound:
        text, times, results = item.text, [], None
        for _ in range(repeat):
            start = time.perf_counter()
            try:
                results = bounded(lambda text=text, name=item.name: backend.run(text, name), limit, native)
            except StepTimeout as err:
                out[item.name] = {"error": f"timeout ({err})", "seconds": time.perf_counter() - start}
                break
            except Exception as err:  # reported, not raised
                out[item.name] = {"error": f"{type(err).__name__}: {str(err)[:200]}"}
                break
            times.append(time.perf_counter() - start)
        else:
            out[item.name] = {"seconds": statistics.median(times), "runs": times, "rows": len(results),
                              "digest": digest(results), "params": item.params}
    return out
