"""`phoihop build`: ontology + curated data -> inference -> SHACL + checks -> a release in dist/.

The outputs are written into a staging folder while the graph is validated, and published as one release
(`phoihop.release`) only if the graph conforms: a failed, interrupted or killed build leaves the previous
release as it was, and a build never reads what it publishes.
"""

from __future__ import annotations

import logging
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .atomic import atomic_write, output_errors
from .errors import DataInvalid
from .infer import InferenceStats, infer
from .namespaces import PH, sparql_prologue
from .release import STORE, Staging, check_apart, staging
from .resources import data_dir
from .store import PREFIX_MAP, dump_graphs, expand_inputs, load_files, open_read_only, write_union_store
from .turtle import write_store_union, write_union
from .validate import Verdict, check
from .void import write_void

log = logging.getLogger("phoihop.build")

_UNION_DUMP = "union.nt.tmp"  # the graphs dumped for the store's bulk load, removed after
_SCRATCH_STORE = "union.store.tmp"  # the union store that streams a big phoihop.ttl without `persist`
READABLE_MAX = 2_000_000  # quads up to which phoihop.ttl comes from the readable writer (memory-bound)


@dataclass
class BuildResult:
    """What a build produced and measured."""

    outputs: list[Path] = field(default_factory=list)
    triples: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    inference: InferenceStats | None = None
    verdict: Verdict | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def report(self):
        """The SHACL report of the verdict (None when the build did not validate)."""
        return self.verdict.report if self.verdict else None


def class_counts(store: ox.Store) -> dict[str, int]:
    """Instances per phoihop class (after inference), largest first."""
    query = sparql_prologue() + f"""
        SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{
          ?x a ?class . FILTER(STRSTARTS(STR(?class), "{PH}"))
        }} GROUP BY ?class ORDER BY DESC(?n) ?class"""
    return {row["class"].value.removeprefix(str(PH)): int(row["n"].value)
            for row in store.query(query, use_default_graph_as_union=True)}


def write_graph(store: ox.Store, stage: Staging, persist: bool = True) -> tuple[int, float]:
    """Write the union graph (Turtle), the named graphs (TriG) and, with `persist`, the on-disk store of
    the union into the staging folder and checksum them; returns the number of triples in the union and
    the seconds taken.

    One after the other, so that at most one of them holds the graph a second time: the store is bulk-
    loaded from a native N-Triples dump in the staging folder (removed after), then the Turtle is written,
    then TriG is dumped natively. Up to READABLE_MAX quads the Turtle comes from the readable writer (sorted,
    nested; it holds the union's lines: ~0.6 GB per million triples); beyond, oxigraph streams it from the
    union store (a scratch one without `persist`): equal as a graph, grouped by subject, not sorted.
    """
    start = time.perf_counter()
    readable = len(store) <= READABLE_MAX
    union = stage.path(STORE if persist else _SCRATCH_STORE)
    with output_errors(stage.dist):
        if persist or not readable:
            dumped = stage.path(_UNION_DUMP)
            dump_graphs(store, dumped)
            write_union_store(dumped, union)
            dumped.unlink()
        if readable:
            triples = write_union(store, stage.path("phoihop.ttl"))  # grouped, sorted, readable (turtle.py)
        else:
            triples = write_store_union(union, stage.path("phoihop.ttl"))
            log.info("%d quads: phoihop.ttl streamed from the store (equal as a graph, not sorted)", len(store))
        if not persist:
            shutil.rmtree(union, ignore_errors=True)
        store.dump(str(stage.path("phoihop.trig")), format=ox.RdfFormat.TRIG, prefixes=PREFIX_MAP)
        stage.seal()
    return triples, time.perf_counter() - start


def write_outputs(store: ox.Store, out_dir: Path, persist: bool = True) -> tuple[list[Path], int]:
    """Publish the store as a release of out_dir without validating it; returns the paths and the number
    of triples in the union."""
    with output_errors(out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    with staging(out_dir) as stage:
        triples, _ = write_graph(store, stage, persist)
        with output_errors(out_dir):
            return stage.publish({"triples": triples, "validation": "skipped"}), triples


def write_report(verdict: Verdict, out_dir: Path) -> Path:
    """The full validation report beside the outputs, for reading after a failed build."""
    path = out_dir / "validation-report.txt"
    with atomic_write(path) as handle:
        handle.write(verdict.to_text() + "\n")
    return path


def _validate(store: ox.Store, out_dir: Path, shacl_engine: str, result: BuildResult) -> None:
    """Shapes and check queries; the report is always written fresh; DataInvalid when anything fails."""
    tick = time.perf_counter()
    # one thread: the writer thread beside it is the longer path, and two query threads cost ~10% more CPU
    result.verdict = verdict = check(store, engine=shacl_engine, workers=1)
    result.seconds["validate"] = time.perf_counter() - tick
    log.info("validation: %s; %d check queries, %d failed (%.2f s)",
             "conforms" if verdict.report.conforms else "violations", len(verdict.checks),
             len(verdict.failed_checks), result.seconds["validate"])
    path = write_report(verdict, out_dir)  # always fresh: never a stale verdict
    if not verdict.conforms:
        log.error("%s", verdict.to_text(limit=10, rows=3))
        raise DataInvalid(f"the graph does not conform ({verdict.problems} problems); nothing written; "
                          f"full report: {path}")


def build(data: list[Path] | None = None, out_dir: Path = Path("dist"), validate: bool = True,
          shacl_engine: str = "sparql", persist: bool = True) -> BuildResult:
    """Run the whole pipeline; raise DataInvalid (and write only the report) when the graph does not conform.

    With `persist` the release also holds the on-disk store of the union graph that `query`, `serve`,
    `export` and `phoihop.open()` open in milliseconds (without it they load phoihop.trig)."""
    result = BuildResult()
    inputs = list(data or [data_dir()])
    check_apart(out_dir, inputs)
    tick = time.perf_counter()
    files = expand_inputs(inputs)
    store = load_files(files, sources=True)
    result.seconds["load"] = time.perf_counter() - tick
    log.info("loaded %d data files and the ontology: %d quads (%.2f s)", len(files), len(store),
             result.seconds["load"])

    tick = time.perf_counter()
    result.inference = infer(store)
    result.seconds["infer"] = time.perf_counter() - tick

    with output_errors(out_dir):  # before the report or the outputs are written into it
        out_dir.mkdir(parents=True, exist_ok=True)
    # the outputs are written (into the staging folder) while the graph is validated: on 2 cores the Python-
    # paced Turtle writer and the native validation queries overlap; a failed check throws them away
    with staging(out_dir) as stage, ThreadPoolExecutor(max_workers=1) as pool:
        writing = pool.submit(write_graph, store, stage, persist)
        if validate:
            _validate(store, out_dir, shacl_engine, result)
        result.triples, seconds = writing.result()
        void = stage.path("void.ttl")  # the dataset's description joins the release and its manifest
        # counted on the on-disk union when there is one: its triples are distinct, so per-property counts
        # need no DISTINCT over the quads (1.2 CPU-s less at 1M); opened read-only, its folder stays as sealed
        counted = open_read_only(stage.path(STORE)) if persist else store
        write_void(counted, void.parent, [stage.path("phoihop.ttl"), stage.path("phoihop.trig")], result.triples)
        del counted
        verdict = result.verdict
        summary = {"triples": result.triples, "validation": "skipped" if verdict is None else {
            "conforms": verdict.conforms, "engine": verdict.report.engine, "checks": len(verdict.checks)}}
        with output_errors(out_dir):
            result.outputs = stage.publish(summary)
    result.seconds["write (beside validate)" if validate else "write"] = seconds
    result.counts = class_counts(store)
    return result
