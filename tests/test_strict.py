"""phoihop.strict: the one-to-one scorer the ingest evaluation and the unseen fixtures rely on.

Each row is a small gold annotation, a small Turtle graph and the (matched, gold, output) counts expected per
kind; the alignment rules are those ../shared/acceptance/score.py documents.
"""

from __future__ import annotations

import re

import pytest
from rdflib import Graph

from phoihop.strict import place_slug, score

PREFIXES = """@prefix ph: <https://w3id.org/phoihop/ontology#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
LDLD = {"id": "ldld", "name": "Liên đoàn Lao động tỉnh Lạng Sơn", "surface_forms": ["LĐLĐ tỉnh"],
        "jurisdiction": "tỉnh Lạng Sơn"}
UBND = {"id": "ubnd", "name": "Ủy ban nhân dân tỉnh Lạng Sơn", "surface_forms": ["UBND tỉnh"],
        "jurisdiction": "tỉnh Lạng Sơn"}

CASES = [
    ("an actor with the right place", {"actors": [LDLD]},
     'id:actor/lang-son/lien-doan-lao-dong skos:prefLabel "Liên đoàn Lao động tỉnh Lạng Sơn"@vi .',
     {"actors": (1, 1, 1)}),
    ("a surface form is enough, in the wrong place it is not", {"actors": [LDLD]},
     'id:actor/cao-bang/lien-doan-lao-dong skos:altLabel "LĐLĐ tỉnh"@vi .', {"actors": (0, 1, 1)}),
    ("an extra actor costs precision", {"actors": [LDLD]},
     'id:actor/lang-son/lien-doan-lao-dong skos:altLabel "LĐLĐ tỉnh"@vi . '
     'id:actor/viet-nam/quoc-hoi skos:prefLabel "Quốc hội"@vi .', {"actors": (1, 1, 2)}),
    ("instruments by number, ignoring spaces and Đ/D", {"instruments": [{"number": "68/KH-UBND"}]},
     'id:instrument/x/2020/68-kh eli:id_local "68 / KH-UBND" .', {"instruments": (1, 1, 1)}),
    ("an unnumbered instrument by title containment",
     {"instruments": [{"number": None, "title_or_subject": "Quy chế phối hợp giữa LĐLĐ tỉnh và Công an tỉnh"}]},
     'id:instrument/x/undated/qc skos:prefLabel "Quy chế phối hợp"@vi .', {"instruments": (1, 1, 1)}),
    ("a commitment needs a common lead and half the partners",
     {"actors": [LDLD, UBND], "commitments": [{"lead": ["ldld"], "partners": ["ubnd"], "action": "tuyên truyền"}]},
     'id:actor/lang-son/lien-doan-lao-dong skos:altLabel "LĐLĐ tỉnh"@vi . '
     'id:actor/lang-son/uy-ban-nhan-dan skos:altLabel "UBND tỉnh"@vi . '
     'id:c1 a ph:Commitment ; ph:leadActor id:actor/lang-son/lien-doan-lao-dong ; '
     'ph:partnerActor id:actor/lang-son/uy-ban-nhan-dan . '
     'id:c2 a ph:Commitment ; ph:leadActor id:actor/lang-son/uy-ban-nhan-dan .',
     {"actors": (2, 2, 2), "commitments": (1, 1, 2)}),
    ("persons by name, events by date", {"persons": [{"name": "Nguyễn Văn An"}],
                                         "events": [{"name": "Lễ ký kết", "date": "2017-02-17"}]},
     'id:person/nguyen-van-an a foaf:Person ; foaf:name "Nguyễn Văn An" . '
     'id:event/2017-02-17/le-ky-ket dct:date "2017-02-17"^^xsd:date ; skos:prefLabel "Lễ ký"@vi .',
     {"persons": (1, 1, 1), "events": (1, 1, 1)}),
]


def graph(turtle: str) -> Graph:
    """Turtle with 'id:a/b' written for <https://w3id.org/phoihop/id/a/b> (Turtle names cannot hold '/')."""
    expanded = re.sub(r"\bid:([\w/.-]+)", r"<https://w3id.org/phoihop/id/\1>", turtle)
    return Graph().parse(data=PREFIXES + expanded, format="turtle")


@pytest.mark.parametrize(("gold", "turtle", "want"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_alignment(gold: dict, turtle: str, want: dict) -> None:
    result = score(gold, graph(turtle))
    for kind, (tp, n_gold, n_out) in want.items():
        k = result.kinds[kind]
        assert (k.tp, k.gold, k.out) == (tp, n_gold, n_out), kind


def test_a_kind_the_gold_is_silent_on_is_not_judged() -> None:
    g = graph('id:actor/viet-nam/quoc-hoi skos:prefLabel "Quốc hội"@vi . '
              'id:person/a-b a foaf:Person ; foaf:name "Lê Văn B" .')
    result = score({"actors": [{"name": "Quốc hội", "jurisdiction": "Việt Nam"}]}, g)
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)
    assert result.gaps() == {}


@pytest.mark.parametrize(("jurisdiction", "want"), [
    ("tỉnh Tuyên Quang (from source site; not named in text)", "tuyen-quang"), ("Việt Nam", None),
    ("Hoàn Kiếm, Hà Nội", "hoan-kiem"), ("thành phố Cần Thơ", "can-tho"), (None, None)])
def test_place_slug(jurisdiction: str | None, want: str | None) -> None:
    assert place_slug(jurisdiction) == want
