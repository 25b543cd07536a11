"""Regressions found by the ingest fuzzer (benchmarks/fuzz_ingest.py), one test per bug."""

from __future__ import annotations

from pathlib import Path

from phoihop.gazetteer import area_graph
from phoihop.ingest import ingest_text
from phoihop.namespaces import DCT, PH, RDF

FIXTURE = Path(__file__).parent / "fixtures" / "ingest" / "chau-thanh-ke-hoach.txt"


def test_district_named_only_in_the_header_is_declared() -> None:
    """A district found before its province was known gave actors an undeclared dct:spatial area."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    text = "\n".join(["ỦY BAN NHÂN DÂN", *lines[1:]])
    graph = ingest_text(text, "chau-thanh-header.txt")
    gazetteer = set(area_graph().subjects(RDF.type, PH.AdministrativeArea))
    for area in set(graph.objects(None, DCT.spatial)):
        assert area in gazetteer or (area, RDF.type, PH.AdministrativeArea) in graph, area
