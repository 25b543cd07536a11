"""Regression: ad-hoc SPARQL may use the phoihop prefixes without declaring them, on every engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from phoihop.cli import cli
from phoihop.remote import with_prologue

DATASET = Path(__file__).parent / "fixtures" / "graph" / "dataset"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_undeclared_phoihop_prefixes_are_known(engine: str) -> None:
    text = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ph:Commitment ; ph:leadActor ?a . ?a skos:prefLabel ?l }"
    result = CliRunner().invoke(cli, ["query", "-", "--engine", engine, "--format", "csv", "-g", str(DATASET)],
                                input=text)
    assert result.exit_code == 0, result.output
    count = int(result.stdout.splitlines()[1])
    assert count > 0


def test_prologue_adds_only_what_is_missing() -> None:
    text = "PREFIX ph: <http://example.org/other#>\nSELECT * WHERE { ?s ph:p ?o ; eli:id_local ?n }"
    out = with_prologue(text)
    assert out.endswith(text)
    assert "PREFIX eli: <http://data.europa.eu/eli/ontology#>" in out
    assert out.count("PREFIX ph:") == 1
