"""The curated graph (data/*.ttl) keeps the contract's invariants that no single file can check alone."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.plugins.sparql import prepareQuery

from phoihop.namespaces import ELI, ID, ORG, PH, TIME
from phoihop.resources import ontology_dir
from phoihop.store import parse_file

ROOT = Path(__file__).resolve().parents[1]
DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))


@cache
def curated() -> Graph:
    """The union of every data file, plus the ontology for its class hierarchy."""
    graph = Graph()
    for path in [*DATA_FILES, ROOT / "ontology" / "phoihop.ttl"]:
        graph.parse(path, format="turtle")
    return graph


def instances_of(graph: Graph, cls) -> set:
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c)}


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).casefold().strip()


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_data_file_parses(path: Path) -> None:
    assert parse_file(path), f"{path} holds no triples"


def test_no_two_actors_share_a_preferred_label() -> None:
    graph = curated()
    holders: dict[tuple[str, str | None], set] = defaultdict(set)
    for actor in instances_of(graph, PH.Actor):
        for label in graph.objects(actor, SKOS.prefLabel):
            holders[(fold(label), label.language)].add(actor)
    shared = {label: sorted(map(str, actors)) for label, actors in holders.items() if len(actors) > 1}
    assert not shared, shared


def test_numbers_are_unique_per_issuer_and_year() -> None:
    """Two instruments of one issuer and year cannot carry the same số ký hiệu."""
    graph = curated()
    holders: dict[tuple, set] = defaultdict(set)
    for node, number in graph.subject_objects(ELI.id_local):
        date = graph.value(node, ELI.date_document)
        year = str(date)[:4] if date is not None else None
        for issuer in graph.objects(node, ELI.passed_by):
            holders[(re.sub(r"\s+", "", fold(number)), issuer, year)].add(node)
    clashes = {key: sorted(map(str, nodes)) for key, nodes in holders.items() if len(nodes) > 1}
    assert not clashes, clashes


def test_every_commitment_has_a_lead_and_one_programme() -> None:
    graph = curated()
    commitments = set(graph.subjects(RDF.type, PH.Commitment))
    assert commitments, "the curated graph holds no commitments"
    bad = sorted(str(c) for c in commitments
                 if not any(graph.objects(c, PH.leadActor)) or len(set(graph.objects(c, PH.programme))) != 1)
    assert not bad, bad


def test_instrument_iris_carry_no_date_segment() -> None:
    """Regression (issue 13): law IRIs had an 'undated' segment that changed once a date was known."""
    graph = curated()
    bad = sorted(str(s) for s in set(graph.subjects()) | set(graph.objects())
                 if isinstance(s, URIRef) and re.search(r"/instrument/[^/]+/(\d{4}|undated)/", str(s)))
    assert not bad, bad


def test_reported_results_have_a_closed_period() -> None:
    """A result is history: its reference period ends ("2023 and early 2024" read as open-ended was the bug)."""
    graph = curated()
    result = ID["status/reported-result"]
    open_ended = sorted(str(c) for c in graph.subjects(PH.status, result)
                        for period in graph.objects(c, PH.period) if graph.value(period, TIME.hasEnd) is None)
    assert not open_ended, open_ended


# The audit of issue 13, one row per corrected reading: (node, property, value, whether it holds).
C004 = "instrument/vpcp/249-tb/commitment/"
R004 = "instrument/cp-tld/quy-che-moi-quan-he-cong-tac/commitment/"
Q002 = "instrument/long-an-ubnd-ldld/quy-che-moi-quan-he-cong-tac/commitment/"
AUDIT = [
    (C004 + "day-manh-1-y-1", PH.partnerActor, "actor/viet-nam/bo-chinh-tri", False),
    (C004 + "day-manh-1-y-1", PH.addressee, "actor/viet-nam/bo-chinh-tri", True),
    (C004 + "day-manh-1-y-2", PH.partnerActor, "actor/viet-nam/dang-cong-san-viet-nam", False),
    (C004 + "day-manh-1-y-2", PH.addressee, "actor/viet-nam/quoc-hoi", True),
    (C004 + "day-manh-1-y-2", PH.implements, "instrument/quoc-hoi/luat-cong-doan-2012", False),
    (C004 + "day-manh-1-y-2", PH.proposesAmendmentOf, "instrument/quoc-hoi/luat-cong-doan-2012", True),
    (C004 + "day-manh-1-y-3", PH.drafts,
     "instrument/tw/dinh-huong-quan-ly-to-chuc-cua-nguoi-lao-dong-tai-doanh-nghiep", True),
    (C004 + "quan-tam-3-bao-ve-quyen-loi", PH.inAccordanceWith, "instrument/quoc-hoi/hien-phap-2013", True),
    (C004 + "quan-tam-3-bao-ve-quyen-loi", PH.implements, "instrument/quoc-hoi/hien-phap-2013", False),
    (C004 + "day-manh-1", PH.status, "status/orientation", True),
    (C004 + "day-manh-1-tham-van", PH.status, "status/obligation", True),
    (R004 + "2023-2024-gop-y-du-an-luat", PH.status, "status/reported-result", True),
    (R004 + "2023-2024-gop-y-du-an-luat", PH.drafts, "instrument/quoc-hoi/luat-bao-hiem-xa-hoi-2024", True),
    (R004 + "2023-2024-phan-anh-bo-nganh", PH.addressee, "actor/viet-nam/cac-bo-co-quan-ngang-bo", True),
    (Q002 + "2024-mai-am-cong-doan", PH.status, "status/reported-result", True),
    (Q002 + "2025-kien-nghi-nha-o-xa-hoi", PH.status, "status/request", True),
    (Q002 + "2025-kien-nghi-nha-o-xa-hoi", PH.addressee, "actor/long-an/cac-so-ban-nganh", True),
    (Q002 + "2025-so-noi-vu-dau-moi", PH.status, "status/obligation", True),
    ("instrument/ha-noi-ldld-so-ldtbxh/chuong-trinh-phoi-hop-2021-2025/commitment/9", PH.status,
     "status/request", True),
    ("instrument/ha-noi-quan-hoan-kiem-ldld/ke-hoach-nam-2021/commitment/tet-sum-vay-2021", PH.status,
     "status/reported-result", True),
    ("actor/long-an/cac-so-ban-nganh", RDF.type, PH.ActorGroup, True),
    ("actor/viet-nam/nha-nuoc", RDF.type, PH.ActorGroup, True),
    ("instrument/quoc-hoi/luat-bao-hiem-xa-hoi-2024", ELI.repeals,
     "instrument/quoc-hoi/luat-bao-hiem-xa-hoi-2014", True),
    ("instrument/quoc-hoi/luat-cong-doan-2024", ELI.repeals, "instrument/quoc-hoi/luat-cong-doan-2012", True),
    ("indicator/000_d00abd3b62cf0809/doanh-nghiep-dang-ky-noi-quy-lao-dong", PH.perPeriod, "frequency/annually", True),
]


@pytest.mark.parametrize(("node", "prop", "value", "holds"), AUDIT, ids=lambda v: str(v).rsplit("/", 1)[-1])
def test_audit_reading(node: str, prop, value, holds: bool) -> None:
    obj = value if isinstance(value, URIRef) else ID[value]
    assert ((ID[node], prop, obj) in curated()) is holds


def test_no_party_organ_and_government_pair_through_an_addressee() -> None:
    """Regression (issue 13): 'tham mưu với Đảng, Nhà nước' made the Party a partner of the Government."""
    graph = curated()
    rule = prepareQuery((ontology_dir() / "rules" / "50-coordinates-with.rq").read_text(encoding="utf-8"))
    pairs = {(str(s), str(o)) for s, _, o in graph.query(rule)}
    party, government = str(ID["actor/viet-nam/dang-cong-san-viet-nam"]), str(ID["actor/viet-nam/chinh-phu"])
    assert (party, government) not in pairs and (government, party) not in pairs
    groups = {str(g) for g in graph.subjects(RDF.type, PH.ActorGroup)}
    assert not {a for pair in pairs for a in pair} & groups


def test_changed_bodies_have_a_successor_or_an_end() -> None:
    """The 2025 reform: bodies of quận Hoàn Kiếm and Long An, and Sở LĐTBXH Hà Nội, end (or are succeeded)."""
    graph = curated()
    for actor in ("actor/ha-noi/quan-hoan-kiem/lien-doan-lao-dong", "actor/long-an/uy-ban-nhan-dan",
                  "actor/long-an/lien-doan-lao-dong", "actor/ha-noi/so-lao-dong-thuong-binh-va-xa-hoi"):
        period = graph.value(ID[actor], PH.validDuring)
        assert period is not None and graph.value(period, TIME.hasEnd) is not None, actor
    successors = {str(o) for e in graph.subjects(ORG.originalOrganization, ID["actor/long-an/uy-ban-nhan-dan"])
                  for o in graph.objects(e, ORG.resultingOrganization)}
    assert successors == {str(ID["actor/tay-ninh-2025/uy-ban-nhan-dan"])}
