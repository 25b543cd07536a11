"""National-scale figures in one run: build, validate and query synthetic graphs of growing size.

    python benchmarks/run.py --sizes 10k,100k,1M
    python benchmarks/run.py --sizes 10k,100k --markdown benchmarks/results.md
    python benchmarks/run.py --sizes 5M --reference-max 0       # 5M, embedded path only

For each size, `phoihop synth` writes a graph; then three child processes (so that each reports its own
peak memory) measure:
  fast       the embedded path: parse, load, inference (SPARQL rules on pyoxigraph), SHACL compiled to
             SPARQL, the check queries, writing dist/, every network export, every named query bound to
             nodes the graph holds (benchmarks/bindings.py; median of --repeat runs), and last SHACL again
             after the damage the SHACL tests use (tests/fixtures/shacl_sparql/corrupt.ru);
  build      `phoihop build` end to end, exactly as committed (phoihop.build.build);
  reference  the same steps on plain rdflib: rdflib parse, the same rules run by rdflib's SPARQL, the
             same bound queries (their values compared with the fast phase's), then the same damage and
             pySHACL, whose report is compared key by key (each step under --step-timeout seconds).
Ingest throughput (KB of text per second) is measured once on the seed texts (or the ingest fixtures; the
table names the corpus).
Prints a table with the ratios, writes benchmarks/out/results-<date>.json, and with --markdown the table
the README shows. Steps whose module is missing are reported as n/a; figures are measured, never assumed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
DAMAGE = ROOT / "tests" / "fixtures" / "shacl_sparql" / "corrupt.ru"  # the damage the SHACL tests compare on

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bindings import (  # noqa: E402 - the benchmarks folder is not a package
    Bound,
    DatasetBackend,
    StepTimeout,
    bind_all,
    load_bound,
    run_queries,
    time_limit,
)
from report import KEY_QUERY, render  # noqa: E402
from user_path import run_user  # noqa: E402


def measure(steps: dict, name: str, action: Callable[[], dict | None], limit: float | None = None):
    """Run one step, store {seconds, ...} or {error}; return what the action returned."""
    start = time.perf_counter()
    try:
        with time_limit(limit) if limit else contextlib.nullcontext():
            extra = action()
    except StepTimeout as err:
        steps[name] = {"error": f"timeout ({err})", "seconds": time.perf_counter() - start}
        return None
    except ImportError as err:
        steps[name] = {"error": f"n/a ({err})"}
        return None
    except Exception as err:  # a benchmark reports a failing step and goes on with the others
        steps[name] = {"error": f"{type(err).__name__}: {str(err)[:300]}",
                       "seconds": time.perf_counter() - start}
        return None
    steps[name] = {"seconds": time.perf_counter() - start, **(extra or {})}
    return extra


def cpu_seconds() -> float:
    """User + system CPU-seconds of this process so far, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


# --- the embedded path ----------------------------------------------------------------------------------

def run_fast(graph: Path, repeat: int, step_timeout: float, query_timeout: float) -> dict:
    import pyoxigraph as ox

    from phoihop.build import write_outputs
    from phoihop.infer import infer
    from phoihop.shacl_sparql import validate_store
    from phoihop.store import load_files
    from phoihop.validate import run_checks

    steps: dict = {}

    def parse() -> dict:
        return {"triples": sum(1 for _ in ox.parse(path=str(graph), format=ox.RdfFormat.N_TRIPLES))}

    def load() -> dict:
        bulk = ox.Store()
        bulk.load(path=str(graph), format=ox.RdfFormat.N_TRIPLES)
        return {"quads": len(bulk)}
    measure(steps, "parse", parse)
    measure(steps, "load", load)
    holder: dict = {}

    def load_build() -> dict:
        holder["store"] = load_files([graph], sources=True)
        return {"quads": len(holder["store"])}
    measure(steps, "load (build)", load_build)
    store = holder.pop("store")
    measure(steps, "infer", lambda: {"added": infer(store).total})

    measure(steps, "validate (sparql)", lambda: _report(validate_store(store)))
    measure(steps, "checks", lambda: {"rows": sum(len(c.rows) for c in run_checks(store))})
    with tempfile.TemporaryDirectory() as tmp:
        measure(steps, "write dist", lambda: {"files": len(write_outputs(store, Path(tmp))[0])})
        parts = [steps.get(k, {}).get("seconds") for k in
                 ("load (build)", "infer", "validate (sparql)", "checks", "write dist")]
        if all(s is not None for s in parts):
            steps["build (fast path)"] = {"seconds": sum(parts)}
        exports = run_exports(Path(tmp) / "phoihop.trig", Path(tmp) / "network", step_timeout)
    from phoihop.query import OxigraphBackend, Phoihop

    backend = OxigraphBackend(store)
    bound = bind_all(Phoihop(backend))
    queries = run_queries(backend, bound, repeat, query_timeout)
    # last, as it changes the store (a query that timed out may still run in an abandoned thread)
    measure(steps, "damage", lambda: store.update(DAMAGE.read_text(encoding="utf-8")))
    measure(steps, "validate damaged (sparql)", lambda: _report(validate_store(store)))
    return {"steps": steps, "queries": queries, "bindings": [b.to_json() for b in bound], "exports": exports,
            "peak_mb": peak_mb()}


def _report(report) -> dict:
    """A SHACL report as the parent compares it: its results' keys (focus, path, shape, component, value),
    a multiset. Blank nodes (an IRI always holds a colon) are labelled apart in each process: a blank focus
    node or shape reads "_:", and so does a value that is the blank focus node itself (sh:not)."""
    def key(result) -> list:
        focus, path, shape, component, value = result.key()
        blank = {v for v in (focus, shape) if v and ":" not in v}
        return [("_:" if v in blank else v) for v in (focus, path, shape, component, value)]
    return {"results": len(report.results), "conforms": report.conforms,
            "keys": sorted((key(r) for r in report.results), key=repr)[:20_000]}


def run_exports(trig: Path, out_dir: Path, limit: float) -> dict:
    """Every network in every export format, from the written dist/phoihop.trig."""
    steps: dict = {}

    def export() -> dict:
        from phoihop.export import EXPORTERS, export

        result = export([trig], ["all"], list(EXPORTERS), out_dir)
        steps.update({k: {"seconds": v} for k, v in result.seconds.items()})
        return {"files": len(result.outputs)}
    measure(steps, "all exports", export, limit)
    return steps


# --- phoihop build as committed ---------------------------------------------------------------------------

def run_build(graph: Path, limit: float) -> dict:
    steps: dict = {}

    def build() -> dict:
        from phoihop.build import build
        from phoihop.errors import DataInvalid

        start = cpu_seconds()  # the target is CPU: the wall time depends on a second free core
        with tempfile.TemporaryDirectory() as tmp:
            try:
                result = build([graph], Path(tmp))
            except DataInvalid as err:
                return {"status": f"does not conform: {err.message[:160]}"}
            return {"status": "ok", "triples": result.triples, "parts": result.seconds,
                    "cpu_seconds": cpu_seconds() - start}
    measure(steps, "phoihop build", build, limit)
    return {"steps": steps, "peak_mb": peak_mb()}


# --- HermiT (OWL consistency) -------------------------------------------------------------------------

def run_hermit(graph: Path, limit: float) -> dict:
    """HermiT on ontology + data, as `phoihop validate --owl` runs it (Java, through owlready2's jar)."""
    steps: dict = {}

    def reason() -> dict:
        from phoihop.reason import check_consistency

        result = check_consistency([graph], timeout=limit)
        return {"consistent": result.consistent, "reasoner_seconds": result.seconds,
                "triples": result.triples}
    measure(steps, "hermit", reason)
    java_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"steps": steps, "peak_mb": max(peak_mb(), java_mb)}


# --- the plain rdflib reference --------------------------------------------------------------------------

def run_reference(graph: Path, limit: float, query_limit: float, bound: list[Bound]) -> dict:
    import rdflib

    from phoihop.namespaces import GRAPH_COMMON
    from phoihop.resources import ontology_dir, ontology_files

    steps: dict = {}
    dataset = rdflib.Dataset(default_union=True)
    data = dataset.graph(rdflib.URIRef(str(GRAPH_COMMON)))
    measure(steps, "parse", lambda: data.parse(graph, format="nt") and {"triples": len(data)}, limit)

    def load_rest() -> dict:
        for path in ontology_files():
            data.parse(path, format="turtle")
        with contextlib.suppress(ImportError):
            from phoihop.gazetteer import area_graph

            data.__iadd__(area_graph())
        return {"triples": len(data)}
    measure(steps, "load (build)", load_rest, limit)

    def infer() -> dict:
        from rdflib.plugins.sparql import prepareQuery

        files = sorted((ontology_dir() / "rules").glob("*.rq"))
        rules = [prepareQuery(p.read_text(encoding="utf-8")) for p in files]
        added = 0
        while True:
            new = {t for rule in rules for t in data.query(rule) if t not in data}
            if not new:
                return {"added": added}
            for triple in new:
                data.add(triple)
            added += len(new)
    measure(steps, "infer", infer, limit)

    # the queries the fast phase bound, on the undamaged graph; then the same damage and pySHACL on it
    queries = run_queries(DatasetBackend(dataset), bound, 1, query_limit)

    def damage() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            dataset.update(DAMAGE.read_text(encoding="utf-8"))
    measure(steps, "damage", damage, limit)

    def validate() -> dict:
        from phoihop.validate import validate_graph

        return _report(validate_graph(data))
    if "error" not in steps["damage"]:
        measure(steps, "validate damaged (pyshacl)", validate, limit)
    return {"steps": steps, "queries": queries, "peak_mb": peak_mb()}


# --- ingest ---------------------------------------------------------------------------------------------

def run_ingest(repeat: int) -> dict:
    shared = ROOT.parent / "shared" / "seeds"
    folder = shared if shared.is_dir() else ROOT / "tests" / "fixtures" / "ingest"
    texts = sorted(folder.glob("*.txt"))
    steps: dict = {}

    def ingest() -> dict:
        from phoihop.ingest import ingest_text

        payload = [(p.name, p.read_text(encoding="utf-8")) for p in texts]
        size = sum(len(t.encode("utf-8")) for _, t in payload)
        best = None
        for _ in range(repeat):
            start = time.perf_counter()
            for name, text in payload:
                ingest_text(text, name)
            took = time.perf_counter() - start
            best = took if best is None else min(best, took)
        return {"files": len(payload), "kb": size / 1024, "kb_per_s": size / 1024 / best,
                "source": "seeds" if shared.is_dir() else "tests/fixtures/ingest"}
    measure(steps, "ingest", ingest)
    return steps


# --- the parent: sizes, children, table ---------------------------------------------------------------------

def child(phase: str, graph: Path, args: argparse.Namespace, bindings: Path | None = None) -> dict:
    """Run one phase in a fresh interpreter and read its JSON (its own peak memory included); `bindings`:
    the queries as the fast phase bound them (the reference runs the same)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, __file__, "--child", phase, "--graph", str(graph), "--json", str(out),
               "--repeat", str(args.repeat), "--step-timeout", str(args.step_timeout),
               "--query-timeout", str(args.query_timeout), "--serve-requests", str(args.serve_requests),
               "--serve-timeout", str(args.serve_timeout)] + (["--bindings", str(bindings)] if bindings else [])
    start = time.perf_counter()
    try:
        done = subprocess.run(command, timeout=args.child_timeout, capture_output=True, text=True)
        if done.returncode != 0:
            return {"error": f"exit {done.returncode}: {done.stderr.strip()[-400:]}"}
        return json.loads(out.read_text(encoding="utf-8"))
    except subprocess.TimeoutExpired:
        return {"error": f"timeout: the {phase} phase ran past {args.child_timeout:g} s "
                         f"({time.perf_counter() - start:.0f} s)"}
    finally:
        out.unlink(missing_ok=True)


def run_size(size: str, args: argparse.Namespace) -> dict:
    from phoihop.synth import parse_size, synth

    target = parse_size(size)
    cache = Path(args.cache) if args.cache else Path(tempfile.mkdtemp(prefix="phoihop-bench-"))
    cache.mkdir(parents=True, exist_ok=True)
    graph = cache / f"synth-{size}-seed{args.seed}.nt"
    record: dict = {"size": size, "target": target}
    if graph.is_file():
        record["synth"] = {"cached": str(graph), "triples": sum(1 for _ in graph.open(encoding="utf-8"))}
    else:
        made = synth(target, graph, args.seed)
        record["synth"] = {"seconds": made.seconds, "triples": made.triples, "counts": made.counts}
    print(f"[{size}] synth: {record['synth']['triples']:,} triples", file=sys.stderr, flush=True)
    for phase, largest in (("fast", None), ("build", args.build_max), ("user", args.build_max),
                           ("reference", args.reference_max), ("hermit", args.hermit_max)):
        if largest is not None and target > largest:
            record[phase] = {"error": f"skipped (above {largest:,} triples)"}
            continue
        print(f"[{size}] {phase} ...", file=sys.stderr, flush=True)
        bindings = cache / f"bindings-{size}.json" if phase in ("reference", "user") else None
        if bindings is not None:
            bindings.write_text(json.dumps(record.get("fast", {}).get("bindings", [])), encoding="utf-8")
        record[phase] = child(phase, graph, args, bindings)
        if bindings is not None:
            bindings.unlink()
    if not args.cache:
        graph.unlink(missing_ok=True)
        cache.rmdir()
    return record


# --- reporting --------------------------------------------------------------------------------------------

def machine() -> dict:
    import pyoxigraph
    import pyshacl
    import rdflib

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory, 1),
            "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__,
            "rdflib": rdflib.__version__, "pyshacl": pyshacl.__version__,
            "load_average": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated sizes (10k, 100k, 1M, 5M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="runs per named query on pyoxigraph (median)")
    parser.add_argument("--reference-max", default="1M", help="largest size also run on plain rdflib")
    parser.add_argument("--build-max", default="1M", help="largest size `phoihop build` runs on")
    parser.add_argument("--hermit-max", default="100k", help="largest size HermiT runs on")
    parser.add_argument("--step-timeout", type=float, default=900, help="seconds per rdflib step / export")
    parser.add_argument("--query-timeout", type=float, default=120, help="seconds per named query on rdflib")
    parser.add_argument("--child-timeout", type=float, default=7200, help="seconds per child process")
    parser.add_argument("--cache", help="keep the synthetic graphs in this folder (reused when present)")
    parser.add_argument("--json", help="results file (default benchmarks/out/results-<date>.json)")
    parser.add_argument("--markdown", help="also write the table as Markdown (e.g. benchmarks/results.md)")
    parser.add_argument("--serve-requests", type=int, default=2000, help="mixed requests sent to `phoihop serve`")
    parser.add_argument("--serve-timeout", type=float, default=10, help="`phoihop serve --timeout` (default 10)")
    parser.add_argument("--child", choices=("fast", "build", "user", "reference", "hermit"), help=argparse.SUPPRESS)
    parser.add_argument("--graph", help=argparse.SUPPRESS)
    parser.add_argument("--bindings", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        graph = Path(args.graph)
        if args.child == "fast":
            record = run_fast(graph, args.repeat, args.step_timeout, args.query_timeout)
        elif args.child == "build":
            record = run_build(graph, args.step_timeout)
        elif args.child == "hermit":
            record = run_hermit(graph, args.step_timeout)
        else:
            bound = load_bound(json.loads(Path(args.bindings).read_text(encoding="utf-8")))
            if args.child == "user":
                record = run_user(graph, bound, KEY_QUERY, args.serve_requests, args.serve_timeout)
            else:
                record = run_reference(graph, args.step_timeout, args.query_timeout, bound)
        Path(args.json).write_text(json.dumps(record, default=str), encoding="utf-8")
        return 0

    from phoihop.synth import parse_size

    args.reference_max, args.build_max, args.hermit_max = (
        parse_size(args.reference_max), parse_size(args.build_max), parse_size(args.hermit_max))
    info = machine()
    records = [run_size(size.strip(), args) for size in args.sizes.split(",") if size.strip()]
    ingest = run_ingest(args.repeat)
    OUT.mkdir(parents=True, exist_ok=True)
    path = Path(args.json) if args.json else OUT / f"results-{dt.datetime.now():%Y-%m-%d-%H%M}.json"
    path.write_text(json.dumps({"machine": info, "ingest": ingest, "sizes": records}, indent=1, default=str),
                    encoding="utf-8")
    print(render(records, ingest, info, markdown=False))
    print(f"\nresults: {path}")
    if args.markdown:
        Path(args.markdown).write_text(render(records, ingest, info, markdown=True), encoding="utf-8")
        print(f"table: {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
