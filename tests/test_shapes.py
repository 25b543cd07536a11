"""SHACL shapes: every targeted node shape has fixtures; valid ones conform, invalid ones fail on that shape.

Fixtures live in tests/fixtures/shapes/<ShapeName>/{valid,invalid*}.ttl and are read on top of
tests/fixtures/shapes/_base.ttl (a small invented world that conforms on its own). An invalid fixture
may break other shapes too when that is unavoidable; it names them on a `# expect: ph:Other` line.

Validation mirrors the build: ontology + schemes + data, the build's own inference rules
(ontology/rules/*.rq, run here with rdflib until nothing new appears), then pySHACL without further
inference. One more test checks the same valid fixtures under pySHACL's RDFS inference with the
ontology as ont_graph, the reference path the shapes are also written for.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql import prepareQuery

from phoihop.namespaces import PH
from phoihop.resources import ontology_dir, shapes_dir

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BASE = FIXTURES / "_base.ttl"
TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.target)


@cache
def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(shapes_dir().glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def ontology_graph() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "phoihop.ttl", format="turtle")


@cache
def schemes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ontology_dir() / "schemes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def rules() -> tuple:
    """The build's inference rules, parsed once."""
    return tuple(
        prepareQuery(p.read_text(encoding="utf-8")) for p in sorted((ontology_dir() / "rules").glob("*.rq"))
    )


def build_closure(data: rdflib.Graph) -> rdflib.Graph:
    """Ontology + data with the build's CONSTRUCT rules applied to a fixpoint, plus the scheme concepts.

    Only the concepts the data mentions (and the schemes themselves) are added, to keep the suite fast;
    test_schemes_conform checks every concept once.
    """
    graph = data + ontology_graph()
    while True:
        new = [t for rule in rules() for t in graph.query(rule) if t not in graph]
        if not new:
            break
        for triple in new:
            graph.add(triple)
    schemes = schemes_graph()
    wanted = set(graph.objects()) | set(schemes.subjects(RDF.type, SKOS.ConceptScheme))  # rules name concepts too
    for node in wanted & set(schemes.subjects()):
        graph += schemes.triples((node, None, None))
    return graph


def targeted_node_shapes() -> list[str]:
    """Local names of every named node shape that has a target (helper shapes have none)."""
    g = shapes_graph()
    names = {
        s
        for s in g.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, rdflib.URIRef) and any(g.value(s, t) is not None for t in TARGETS)
    }
    return sorted(str(s).removeprefix(str(PH)) for s in names)


def family(shape: rdflib.URIRef) -> set[rdflib.term.Node]:
    """The shape, the property shapes it owns and the node shapes it calls: where its results come from."""
    g = shapes_graph()
    return {shape, *g.objects(shape, SH.property), *g.objects(shape, SH.node)}


def load(path: Path) -> tuple[rdflib.Graph, rdflib.Graph]:
    """(base + fixture, the fixture alone), sharing blank nodes."""
    own = rdflib.Graph().parse(path, format="turtle")
    return rdflib.Graph().parse(BASE, format="turtle") + own, own


def validate(data: rdflib.Graph) -> tuple[bool, rdflib.Graph]:
    conforms, report, _ = pyshacl.validate(
        build_closure(data), shacl_graph=shapes_graph(), inference="none", advanced=True, allow_warnings=True
    )
    return bool(conforms), report


def results(report: rdflib.Graph, severity: rdflib.URIRef | None = None) -> list[rdflib.term.Node]:
    found = list(report.subjects(RDF.type, SH.ValidationResult))
    return [r for r in found if severity is None or report.value(r, SH.resultSeverity) == severity]


def describe(report: rdflib.Graph, nodes) -> str:
    return "\n".join(
        f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)} "
        f"[{report.value(r, SH.sourceShape)}]: {report.value(r, SH.resultMessage)}"
        for r in nodes
    )


def focus_nodes(shape: rdflib.URIRef, data: rdflib.Graph, closed: rdflib.Graph) -> set | None:
    """Nodes of `data` (one fixture file) that the shape targets, judged on the closed graph.

    None for the SPARQL-target checks of shapes/checks.ttl: they target only offending nodes, so a valid
    fixture has none by design.
    """
    g = shapes_graph()
    if g.value(shape, SH.target) is not None:
        return None
    found = set()
    for cls in g.objects(shape, SH.targetClass):
        found |= {s for s in closed.subjects(RDF.type, cls) if (s, None, None) in data}
    for prop in g.objects(shape, SH.targetObjectsOf):
        found |= set(data.objects(None, prop))
    return found


def fixture_cases() -> list:
    cases = []
    for name in targeted_node_shapes():
        for path in sorted((FIXTURES / name).glob("invalid*.ttl")):
            cases.append(pytest.param(name, path, id=f"{name}/{path.stem}"))
    return cases


def expected_extra(path: Path) -> set[rdflib.URIRef]:
    """Other shapes an invalid fixture is allowed to break (`# expect: ph:A ph:B`)."""
    extra = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            extra |= {PH[m] for m in re.findall(r"ph:(\w+)", line)}
    return extra


def test_base_fixture_conforms():
    conforms, report = validate(rdflib.Graph().parse(BASE, format="turtle"))
    assert conforms, describe(report, results(report))


@pytest.mark.parametrize("name", targeted_node_shapes())
def test_every_node_shape_has_fixtures(name):
    folder = FIXTURES / name
    assert (folder / "valid.ttl").is_file(), f"missing {folder}/valid.ttl"
    assert list(folder.glob("invalid*.ttl")), f"missing {folder}/invalid.ttl"


def test_every_fixture_folder_has_its_shape():
    """Regression: an edit that cut three area shapes out of shapes/actors.ttl left their fixtures untested."""
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert not folders - set(targeted_node_shapes()), sorted(folders - set(targeted_node_shapes()))


def valid_cases() -> list:
    return [pytest.param(name, path, id=f"{name}/{path.stem}")
            for name in targeted_node_shapes() for path in sorted((FIXTURES / name).glob("valid*.ttl"))]


@pytest.mark.parametrize(("name", "path"), valid_cases())
def test_valid_fixture_conforms(name, path):
    data, own = load(path)
    conforms, report = validate(data)
    assert conforms, describe(report, results(report))
    targeted = focus_nodes(PH[name], own, build_closure(data))
    assert targeted is None or targeted, f"{path} has no node that {name} targets"


@pytest.mark.parametrize(("name", "path"), fixture_cases())
def test_invalid_fixture_fails_on_its_shape(name, path):
    shape = PH[name]
    conforms, report = validate(load(path)[0])
    allowed = family(shape).union(*(family(s) for s in expected_extra(path)))
    warning_shape = shapes_graph().value(shape, SH.severity) == SH.Warning
    flagged = results(report, SH.Warning if warning_shape else SH.Violation)
    ours = [r for r in flagged if report.value(r, SH.sourceShape) in family(shape)]
    assert ours, f"{path.name}: nothing from {name}\n" + describe(report, results(report))
    if not warning_shape:
        assert not conforms
    stray = [r for r in results(report, SH.Violation) if report.value(r, SH.sourceShape) not in allowed]
    assert not stray, f"{path.name}: violations from other shapes\n" + describe(report, stray)
    for r in ours:
        languages = {m.language for m in report.objects(r, SH.resultMessage)}
        assert {"vi", "en"} <= languages, f"{name}: a result without a vi and an en message"


def test_valid_fixtures_conform_with_rdfs_and_ontology():
    """The reference path: every valid fixture together, RDFS inference, ontology as ont_graph.

    The build's own rules run first: some values are the build's defaults (an actor's open validity interval,
    a post's window from its attestations), not something RDFS could infer.
    """
    data = rdflib.Graph().parse(BASE, format="turtle")
    for name in targeted_node_shapes():
        data.parse(FIXTURES / name / "valid.ttl", format="turtle")
    data = build_closure(data) + schemes_graph()
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="rdfs",
        advanced=True,
        allow_warnings=True,
    )
    assert conforms, describe(report, results(report))


def test_schemes_conform():
    """Every concept of ontology/schemes against the shapes (the fixture tests only see a few)."""
    conforms, report, _ = pyshacl.validate(
        schemes_graph() + ontology_graph(),
        shacl_graph=shapes_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    assert conforms, describe(report, results(report))


def test_shapes_conform_to_shacl_shacl():
    meta = resources.files("pyshacl") / "assets" / "shacl-shacl.ttl"
    conforms, report, text = pyshacl.validate(shapes_graph(), shacl_graph=rdflib.Graph().parse(str(meta)))
    assert conforms, text


def test_every_shape_speaks_vietnamese_and_english():
    g = shapes_graph()
    named = [s for s in g.subjects(RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef)]
    owned = [p for s in named for p in g.objects(s, SH.property)]
    for shape in {*named, *owned}:
        languages = sorted(m.language for m in g.objects(shape, SH.message))
        assert languages == ["en", "vi"], f"{shape}: messages in {languages}"


def test_shapes_only_name_ontology_terms():
    """A typo in a ph: term inside a shape would silently check nothing."""
    onto = ontology_graph()
    declared = set(onto.subjects(RDF.type, None)) | set(onto.subjects(RDFS.subClassOf, None))
    used = {
        o for _, p, o in shapes_graph() if p in (SH.path, SH["class"], SH.targetClass, SH.targetObjectsOf)
    }
    used |= {
        o
        for s in shapes_graph().subjects(SH.alternativePath, None)
        for o in rdflib.collection.Collection(shapes_graph(), shapes_graph().value(s, SH.alternativePath))
    }
    missing = sorted(
        str(t) for t in used if isinstance(t, rdflib.URIRef) and t.startswith(str(PH)) and t not in declared
    )
    assert not missing, missing


# The two number grammars, checked directly against many examples.
GOOD_NUMBERS = [
    "37-CT/TW",
    "09-NQ/TU",
    "27-NQ/TW",
    "02-NQ/TW",
    "52-CT/TW",
    "08-QĐi/TW",
    "03-HD/BTCTW",
    "125-TB/TU",
    "45-KH/HU",
    "12a-NQ/TW",
    "149/2018/NĐ-CP",
    "04/2015/NĐ-CP",
    "191/2013/NĐ-CP",
    "5816/QĐ-UBND",
    "163/CTr-UBND-LĐLĐ",
    "1232/QCPH-UBND-LĐLĐ",
    "04/2007/QĐ-TTg",
    "655/QĐ-TTg",
    "102/NQ-CP",
    "249/TB-VPCP",
    "45/2019/QH14",
    "1206/2016/NQ-UBTVQH13",
    "01/2009/TTLT-BTC-BLĐTBXH",
    "522/QĐ-UBND",
    "10/2020/TT-BLĐTBXH",
    "15/KH-LĐLĐ",
    "123/UBND-VX",
    "01/QCPH/UBND-UBMTTQ",           # type after a slash: joint numbers (regression: dev text 10)
    "19/2008/NQLT/CP-UBTUMTTQVN",
]
BAD_NUMBERS = [
    "37/CT-TW",
    "09/NQ-TU",
    "37/CT/TW",
    "09/NQ/TU",
    "abc",
    "",
    "37-CT/TW ",
    " 37-CT/TW",
    "37 - CT/TW",
    "149/2018/NĐ - CP",
    "149/2018/nđ-cp",
    "NĐ-CP/149",
    "149/18/NĐ-CP",
    "37-CT",
    "37-ct/tw",
    "149//NĐ-CP",
    "5816/QĐ-",
    "-CT/TW",
    "37-CT/TW/",
    "so 37-CT/TW",
]


ID_LOCAL = rdflib.URIRef("http://data.europa.eu/eli/ontology#id_local")


@cache
def number_shapes() -> rdflib.Graph:
    """Only the eli:id_local property shapes of ph:InstrumentShape, on a test node, for speed."""
    g = shapes_graph()
    props = [p for p in g.objects(PH.InstrumentShape, SH.property) if g.value(p, SH.path) == ID_LOCAL]
    shapes = rdflib.Graph()
    todo = list(props)
    while todo:
        node = todo.pop()
        for triple in g.triples((node, None, None)):
            shapes.add(triple)
            if isinstance(triple[2], rdflib.BNode):
                todo.append(triple[2])
    for prop in props:
        shapes.add((PH.NumberTestShape, SH.property, prop))
    shapes.add((PH.NumberTestShape, RDF.type, SH.NodeShape))
    shapes.add((PH.NumberTestShape, SH.targetSubjectsOf, ID_LOCAL))
    return shapes


def number_ok(number: str) -> bool:
    """Whether an instrument with this number passes the eli:id_local property shapes."""
    data = rdflib.Graph()
    data.add((rdflib.URIRef("urn:test:instrument"), ID_LOCAL, rdflib.Literal(number)))
    conforms, _, _ = pyshacl.validate(data, shacl_graph=number_shapes(), inference="none")
    return bool(conforms)


@pytest.mark.parametrize("number", GOOD_NUMBERS)
def test_number_grammar_accepts(number):
    assert number_ok(number)


@pytest.mark.parametrize("number", BAD_NUMBERS)
def test_number_grammar_rejects(number):
    assert not number_ok(number)
