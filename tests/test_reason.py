"""HermiT consistency: the ontology with our fixture data is consistent; broken fixtures are not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib

from phoihop.errors import PhoihopError
from phoihop.reason import _verdict, check_consistency

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
BASE = FIXTURES / "_base.ttl"
INCONSISTENT = sorted((FIXTURES / "_owl").glob("inconsistent-*.ttl"))

needs_java = pytest.mark.skipif(
    shutil.which("java") is None,
    reason="no `java` on PATH: HermiT needs a Java runtime (default-jre-headless)",
)


@pytest.mark.java
@needs_java
def test_ontology_alone_is_consistent():
    result = check_consistency([])
    assert result.consistent, result.message
    assert result.triples > 500


@pytest.mark.java
@needs_java
def test_fixture_world_is_consistent():
    """The base world and every valid shape fixture, together, as one graph."""
    graph = rdflib.Graph().parse(BASE, format="turtle")
    for path in sorted(FIXTURES.glob("*/valid.ttl")):
        graph.parse(path, format="turtle")
    result = check_consistency(graph)
    assert result.consistent, result.message


@pytest.mark.java
@needs_java
@pytest.mark.parametrize("path", INCONSISTENT, ids=lambda p: p.stem)
def test_inconsistent_fixture_is_reported(path):
    result = check_consistency([BASE, path])
    assert not result.consistent
    assert result.message


def test_no_java_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PhoihopError, match="Java"):
        check_consistency([BASE])


@pytest.mark.parametrize(
    ("code", "output", "consistent"),
    [
        (0, "http://www.w3.org/2002/07/owl#Thing is satisfiable.\n", True),
        (0, "http://www.w3.org/2002/07/owl#Thing is not satisfiable.\n", False),
        (
            1,
            'Exception in thread "main" org.semanticweb.owlapi.reasoner.InconsistentOntologyException: '
            "Inconsistent ontology\n\tat org.semanticweb.HermiT.Reasoner...\n",
            False,
        ),
        (
            1,
            'Exception in thread "main" org.semanticweb.HermiT.datatypes.MalformedLiteralException: '
            'Literal "x"^^<http://www.w3.org/2001/XMLSchema#decimal> is malformed\n',
            False,
        ),
    ],
)
def test_verdict_reads_hermit_output(code, output, consistent):
    assert _verdict(code, output)[0] is consistent


def test_other_java_failures_are_errors():
    with pytest.raises(PhoihopError, match="OutOfMemoryError"):
        _verdict(1, 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n')


@pytest.mark.java
@needs_java
def test_curated_graph_is_consistent(tmp_path):
    """The whole curated graph (data/, gazetteer, inferences), as `phoihop build` writes it, under HermiT."""
    from phoihop.build import build

    build(None, tmp_path, validate=False)
    result = check_consistency([tmp_path / "phoihop.ttl"])
    assert result.consistent, result.message
    assert result.triples > 5000
