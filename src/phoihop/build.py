"""`phoihop build`: ontology + curated data -> inference -> SHACL + checks -> dist/phoihop.{ttl,trig}.

Nothing is written unless the graph conforms, and the two outputs replace the old ones only at the
end, so a failed or interrupted build leaves the previous dist/ as it was.
"""

from __future__ import annotations

import contextlib
import logging
import mmap
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from .atomic import new_file_mode, output_errors
from .errors import DataInvalid
from .infer import InferenceStats, infer
from .namespaces import DCT, GRAPH_COMMON, GRAPH_ONTOLOGY, ID, PH, graph_for_source, sparql_prologue
from .resources import data_dir, ontology_dir
from .store import (
    PREFIX_MAP,
    QUAD_FORMATS,
    add_rdflib_graph,
    expand_inputs,
    load_file,
    rdf_format,
)
from .turtle import write_union
from .validate import CheckOutcome, ValidationReport, run_checks, validate_store
from .void import write_void

log = logging.getLogger("phoihop.build")


@dataclass
class BuildResult:
    """What a build produced and measured."""

    outputs: list[Path] = field(default_factory=list)
    triples: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    inference: InferenceStats | None = None
    report: ValidationReport | None = None
    checks: list[CheckOutcome] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def ontology_files() -> list[Path]:
    """The ontology and its SKOS schemes (the rules are not RDF and stay out)."""
    folder = ontology_dir()
    return sorted(folder.glob("*.ttl")) + sorted((folder / "schemes").glob("*.ttl"))


_DESCRIBES_ITSELF = """ASK {{ ?doc a <{cls}> ; <{identifier}> ?id .
  FILTER (isLiteral(?id) && (STR(?id) = "{stem}" || STRSTARTS(STR(?id), "{stem}."))) }}"""


def _source_graph(path: Path) -> ox.NamedNode:
    """A data file named after the source document it describes goes to that document's graph.

    The file is read natively into a scratch store only when its bytes hold its own name; a million-triple
    file that cannot describe itself costs one substring search, not a second parse.
    """
    stem = path.stem
    if not path.is_file() or not path.stat().st_size:  # load_file says what is wrong with it
        return ox.NamedNode(str(GRAPH_COMMON))
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if stem.isascii() and data.find(stem.encode()) < 0:
            return ox.NamedNode(str(GRAPH_COMMON))
    scratch = ox.Store()
    load_file(scratch, path)
    literal = stem.replace("\\", "\\\\").replace('"', '\\"')
    ask = _DESCRIBES_ITSELF.format(cls=PH.SourceDocument, identifier=DCT.identifier, stem=literal)
    if scratch.query(ask):
        return ox.NamedNode(str(graph_for_source(stem)))
    return ox.NamedNode(str(GRAPH_COMMON))


def load_sources(data_files: list[Path], with_ontology: bool = True, gazetteer: bool = True) -> ox.Store:
    """Load ontology, gazetteer areas and data files into one store, one named graph each."""
    store = ox.Store()
    if with_ontology:
        onto = ox.NamedNode(str(GRAPH_ONTOLOGY))
        for path in ontology_files():
            load_file(store, path, onto)
    for path in data_files:
        graph = None if rdf_format(path) in QUAD_FORMATS else _source_graph(path)
        load_file(store, path, graph)
        log.debug("loaded %s into %s", path, graph.value if graph else "its own graphs")
    if gazetteer:
        _add_gazetteer(store)
    return store


_AREAS_IN_USE = """SELECT DISTINCT ?area ?described WHERE {{
  {{ ?x dct:spatial|ph:withinArea|ph:originalArea|ph:resultingArea ?area }} UNION {{ ?area a ph:AdministrativeArea }}
  FILTER (isIRI(?area) && STRSTARTS(STR(?area), "{prefix}"))
  BIND (EXISTS {{ ?area skos:prefLabel ?label }} AS ?described)
}}"""


def _add_gazetteer(store: ox.Store) -> None:
    """The nation and every province from data/gazetteer, and the districts and communes the data refers to:
    described fully when the data only points at them, given their GSO code when the data describes them."""
    try:
        from .gazetteer import area_graph
    except ImportError:  # the gazetteer module is optional for a bare checkout
        return
    query = sparql_prologue() + _AREAS_IN_USE.format(prefix=ID["area/"])
    used: set[URIRef] = set()
    described: set[URIRef] = set()
    for row in store.query(query, use_default_graph_as_union=True):
        used.add(URIRef(row["area"].value))
        if row["described"].value == "true":
            described.add(URIRef(row["area"].value))
    add_rdflib_graph(store, area_graph(used=used, described=described), ox.NamedNode(str(GRAPH_COMMON)))


def class_counts(store: ox.Store) -> dict[str, int]:
    """Instances per phoihop class (after inference), largest first."""
    query = sparql_prologue() + f"""
        SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{
          ?x a ?class . FILTER(STRSTARTS(STR(?class), "{PH}"))
        }} GROUP BY ?class ORDER BY DESC(?n) ?class"""
    return {row["class"].value.removeprefix(str(PH)): int(row["n"].value)
            for row in store.query(query, use_default_graph_as_union=True)}


@dataclass
class StagedOutputs:
    """dist/ files written under temporary names, waiting to replace the old ones (or to be thrown away)."""

    targets: list[Path]
    temps: list[str]
    triples: int
    seconds: float = 0.0

    def publish(self) -> list[Path]:
        for tmp, target in zip(self.temps, self.targets, strict=True):
            os.replace(tmp, target)
        return self.targets

    def discard(self) -> None:
        for tmp in self.temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def stage_outputs(store: ox.Store, out_dir: Path) -> StagedOutputs:
    """Write the union graph (Turtle) and the named graphs (TriG) beside dist/'s files, under temporary names.

    The TriG dump is native and runs in a thread beside the Turtle writer, which is Python-paced.
    """
    with output_errors(out_dir):  # a file where dist/ should be, no permission: exit 2, not a crash
        out_dir.mkdir(parents=True, exist_ok=True)
    staged = StagedOutputs([out_dir / "phoihop.ttl", out_dir / "phoihop.trig"], [], 0)
    start = time.perf_counter()
    try:
        for target in staged.targets:
            with output_errors(out_dir):
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=out_dir)
            os.fchmod(fd, new_file_mode())  # mkstemp's 0600 would make dist/ private to its builder
            os.close(fd)
            staged.temps.append(tmp)

        with ThreadPoolExecutor(max_workers=1) as pool:
            trig = pool.submit(store.dump, staged.temps[1], format=ox.RdfFormat.TRIG, prefixes=PREFIX_MAP)
            staged.triples = write_union(store, staged.temps[0])  # grouped, sorted, readable (turtle.py)
            trig.result()
    except BaseException:
        staged.discard()
        raise
    staged.seconds = time.perf_counter() - start
    return staged


def write_outputs(store: ox.Store, out_dir: Path) -> tuple[list[Path], int]:
    """Write dist/phoihop.ttl and dist/phoihop.trig, replacing both at once; returns the paths and the
    number of triples in the union."""
    staged = stage_outputs(store, out_dir)
    try:
        return staged.publish(), staged.triples
    finally:
        staged.discard()  # whatever publish did not move


def _row_text(row: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.items())


def write_report(report: ValidationReport, checks: list[CheckOutcome], out_dir: Path) -> Path:
    """The full validation report beside the outputs, for reading after a failed build."""
    from .atomic import atomic_write

    path = out_dir / "validation-report.txt"
    with atomic_write(path) as handle:
        handle.write(report.to_text() + "\n")
        for check in checks:
            if check.rows:
                handle.write(f"\ncheck {check.name} ({check.title}): {len(check.rows)} rows\n")
                for row in check.rows:
                    handle.write(f"  {_row_text(row)}\n")
    return path


def _validate(store: ox.Store, out_dir: Path, shacl_engine: str, result: BuildResult) -> None:
    """Shapes and check queries; the report is always written fresh; DataInvalid when anything fails."""
    tick = time.perf_counter()
    result.report = validate_store(store, engine=shacl_engine)
    result.checks = run_checks(store)
    result.seconds["validate"] = time.perf_counter() - tick
    failed = [c for c in result.checks if c.rows]
    log.info("validation: %s; %d check queries, %d failed (%.2f s)",
             "conforms" if result.report.conforms else "violations", len(result.checks), len(failed),
             result.seconds["validate"])
    path = write_report(result.report, result.checks, out_dir)  # always fresh: never a stale verdict
    if not result.report.conforms or failed:
        summary = result.report.to_text(limit=10)
        for check in failed:  # with its first rows: a conflict names the node and both values
            summary += f"\ncheck {check.name}: {len(check.rows)} rows ({check.title})"
            summary += "".join(f"\n  {_row_text(row)}" for row in check.rows[:3])
        log.error("%s", summary)
        problems = len(result.report.violations) + sum(len(c.rows) for c in failed)
        raise DataInvalid(f"the graph does not conform ({problems} problems); nothing written; "
                          f"full report: {path}")


def build(data: list[Path] | None = None, out_dir: Path = Path("dist"), validate: bool = True,
          shacl_engine: str = "sparql") -> BuildResult:
    """Run the whole pipeline; raise DataInvalid (and write only the report) when the graph does not conform."""
    result = BuildResult()
    tick = time.perf_counter()
    files = expand_inputs(data or [data_dir()])
    store = load_sources(files)
    result.seconds["load"] = time.perf_counter() - tick
    log.info("loaded %d data files and the ontology: %d quads (%.2f s)", len(files), len(store),
             result.seconds["load"])

    tick = time.perf_counter()
    result.inference = infer(store)
    result.seconds["infer"] = time.perf_counter() - tick

    with output_errors(out_dir):  # before the report or the outputs are written into it
        out_dir.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # the outputs are written (under temporary names) while the graph is validated: on 2 cores the Python-
        # paced Turtle writer and the native validation queries overlap; a failed check throws them away
        staging = pool.submit(stage_outputs, store, out_dir)
        try:
            if validate:
                _validate(store, out_dir, shacl_engine, result)
        except BaseException:
            with contextlib.suppress(Exception):
                staging.result().discard()
            raise
        staged = staging.result()
    result.outputs, result.triples = staged.publish(), staged.triples
    result.outputs.append(write_void(store, out_dir, result.outputs, result.triples))
    result.seconds["write (beside validate)" if validate else "write"] = staged.seconds
    result.counts = class_counts(store)
    return result
