"""The SPARQL SHACL validator reports exactly what pySHACL reports, and refuses what it cannot translate.

Both engines see the same data: a pyoxigraph store holding the ontology, the data and the build's inference
(phoihop.infer), copied into rdflib for pySHACL. Results are compared as sets of (focus node, result path,
source shape, constraint component, value, severity); where a shape declares sh:message, our messages must
be among pySHACL's. pySHACL's results are the report's sh:result values (not the nested sh:detail ones).
"""

from __future__ import annotations

import csv
import logging
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF, SH

from phoihop.build import load_sources
from phoihop.infer import infer
from phoihop.resources import ontology_dir
from phoihop.shacl_sparql import UnsupportedShape, compile_shapes, validate_store
from phoihop.store import to_rdflib
from phoihop.synth import synth
from phoihop.validate import load_shapes

FIXTURES = Path(__file__).parent / "fixtures"
HERE = FIXTURES / "shacl_sparql"
SHAPE_FIXTURES = FIXTURES / "shapes"
CASES = sorted(p for p in SHAPE_FIXTURES.glob("*/*.ttl"))

Results = dict[tuple, set[str]]


@cache
def project_shapes() -> rdflib.Graph:
    return load_shapes()


@cache
def scheme_quads() -> tuple[ox.Quad, ...]:
    quads = []
    for path in sorted((ontology_dir() / "schemes").glob("*.ttl")):
        quads += ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    return tuple(quads)


def fixture_store(*files: Path) -> ox.Store:
    """Ontology + files + the scheme concepts they name, with the build's inference (as test_shapes does)."""
    store = ox.Store()
    for path in (ontology_dir() / "phoihop.ttl", *files):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    named = {q.object for q in store}
    store.extend(q for q in scheme_quads()
                 if q.subject in named or q.object == ox.NamedNode(str(rdflib.SKOS.ConceptScheme)))
    infer(store)
    return store


def _key(graph: rdflib.Graph, node) -> tuple:
    path, value = graph.value(node, SH.resultPath), graph.value(node, SH.value)
    return (str(graph.value(node, SH.focusNode)),
            str(path) if isinstance(path, rdflib.URIRef) else (path and "(complex path)"),
            str(graph.value(node, SH.sourceShape)), str(graph.value(node, SH.sourceConstraintComponent)),
            None if value is None else str(value), str(graph.value(node, SH.resultSeverity)))


def reference(store: ox.Store, shapes: rdflib.Graph) -> Results:
    """pySHACL's top-level results, each with the set of its messages."""
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    _, report, _ = pyshacl.validate(to_rdflib(store), shacl_graph=shapes, inference="none", advanced=True,
                                    allow_warnings=True)
    results: Results = {}
    for top in report.subjects(RDF.type, SH.ValidationReport):
        for node in report.objects(top, SH.result):
            messages = {str(m) for m in report.objects(node, SH.resultMessage)}
            results.setdefault(_key(report, node), set()).update(messages)
    return results


def ours(store: ox.Store, shapes: rdflib.Graph) -> Results:
    results: Results = {}
    for r in validate_store(store, shapes).results:
        messages = {m for m in (r.message_vi, r.message_en) if m}
        results.setdefault(r.key() + (r.severity,), set()).update(messages)
    return results


def compare(store: ox.Store, shapes: rdflib.Graph) -> tuple[Results, Results]:
    """Both engines' results; messages are checked here wherever the shape (or constraint) wrote them."""
    expected, got = reference(store, shapes), ours(store, shapes)
    declared = {str(s) for s in shapes.subjects(SH.message, None)}
    for key in expected.keys() & got.keys():
        if key[2] in declared:
            assert got[key] <= expected[key], f"messages differ for {key}: {got[key]} vs {expected[key]}"
    return expected, got


def known_differences() -> dict[str, set[tuple[str, str]]]:
    with (HERE / "known-differences.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        out: dict[str, set[tuple[str, str]]] = {}
        for row in rows:
            out.setdefault(row["fixture"], set()).add((row["only_in"], row["shape"]))
        return out


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_results_as_pyshacl_on_every_shape_fixture(case: Path):
    expected, got = compare(fixture_store(SHAPE_FIXTURES / "_base.ttl", case), project_shapes())
    differences = {("pyshacl", k[2]) for k in expected.keys() - got.keys()} | \
        {("sparql", k[2]) for k in got.keys() - expected.keys()}
    assert differences == known_differences().get(f"{case.parent.name}/{case.name}", set())


def test_same_results_on_every_core_constraint_kind():
    store = ox.Store()
    store.load(path=str(HERE / "core-data.ttl"), format=ox.RdfFormat.TURTLE)
    shapes = rdflib.Graph().parse(HERE / "core-shapes.ttl")
    expected, got = compare(store, shapes)
    assert got.keys() == expected.keys()
    components = {k[3].rsplit("#", 1)[-1] for k in got}
    assert len(components) >= 20, sorted(components)  # the fixture reaches (nearly) every component


def test_same_results_on_a_damaged_12k_synthetic_graph(tmp_path: Path):
    path = tmp_path / "synth-12k.nt"
    synth("12k", path)
    store = load_sources([path])
    infer(store)
    store.update((HERE / "corrupt.ru").read_text(encoding="utf-8"))
    expected, got = compare(store, project_shapes())
    assert got.keys() == expected.keys()
    assert len(got) > 100 and len({k[3] for k in got}) >= 8


@pytest.mark.parametrize("case", sorted((HERE / "unsupported").glob("*.ttl")), ids=lambda p: p.stem)
def test_untranslatable_shapes_are_refused_not_skipped(case: Path):
    shapes = rdflib.Graph().parse(case)
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes)


def test_conforms_is_false_only_when_a_violation_is_reported():
    shapes = project_shapes()
    base = SHAPE_FIXTURES / "_base.ttl"
    valid = validate_store(fixture_store(base), shapes)
    invalid = validate_store(fixture_store(base, SHAPE_FIXTURES / "ActorShape" / "invalid.ttl"), shapes)
    assert (valid.engine, valid.conforms, invalid.conforms) == ("sparql", True, False)
    assert invalid.violations
