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


def test_agreement_named_with_parties_also_carries_its_short_name() -> None:
    """Texts refer back to 'Quy chế về …' without the parties; the instrument must answer to that name too."""
    from phoihop.namespaces import SKOS

    text = ("Sáng 12/4, UBND tỉnh Bến Tre và Liên đoàn Lao động tỉnh Bến Tre tổ chức hội nghị sơ kết thực hiện "
            "Quy chế về mối quan hệ công tác giữa UBND tỉnh và LĐLĐ tỉnh năm 2023.\n")
    graph = ingest_text(text, "ben-tre-so-ket.txt")
    names = {str(label) for label in graph.objects(None, SKOS.altLabel)}
    assert "Quy chế về mối quan hệ công tác" in names, names
