"""Table-driven tests of the extractor's passes: sentence -> expected records.

tests/fixtures/extract/<pass>.json holds rows {"text", "meta"?, "has"?, "not"?, "count"?, "why"}: every
partial record under "has" must match one record the pass produced, none under "not" may, and "count" is the
exact number of records. A record matches when every key given equals its value (lists compared as sets).
Closing a gap adds a row here, not a branch in code. IRIs are written relative to their kind
("lang-son/lien-doan-lao-dong" for id:actor/lang-son/lien-doan-lao-dong).
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest

from phoihop.extract import Extraction, Metadata, extract
from phoihop.extract.pipeline import pass_order
from phoihop.normalize import normalize_aligned

TABLES = Path(__file__).parent / "fixtures" / "extract"


def _tail(iri: object, kind: str) -> str:
    return str(iri).split(f"/{kind}/", 1)[-1]


def _context(ex: Extraction) -> list[dict]:
    place = ex.place
    return [{"date": ex.date.isoformat() if ex.date else None,
             "province": place.province.slug if place and place.province else None,
             "district": place.district if place else None, "title": ex.title}]


def _actors(ex: Extraction) -> list[dict]:
    return [{"iri": _tail(a.iri, "actor"), "label": a.label_vi, "class": a.cls,
             "group": getattr(a, "group", False), "surfaces": sorted(a.surfaces), "acting": a.iri in ex.acting}
            for a in ex.actors.values() if a.surfaces]


def _instruments(ex: Extraction) -> list[dict]:
    def iri(key: str) -> str:
        return _tail(ex.instruments[key].iri, "instrument")

    return [{"iri": _tail(i.iri, "instrument"), "own": i.own, "number": i.number, "class": i.cls, "label": i.label_vi,
             "date": i.date.isoformat() if i.date else None, "title": i.title,
             "issuers": [_tail(a.iri, "actor") for a in i.issuers],
             "parties": [_tail(a.iri, "actor") for a in i.parties],
             "period": list(i.period) if i.period else None, "based_on": [iri(k) for k in i.based_on],
             "implements": [iri(k) for k in i.implements], "signatories": i.signatories}
            for i in ex.instruments.values()]


def _persons(ex: Extraction) -> list[dict]:
    return [{"name": p.name, "posts": [f"{post.role.slug}@{_tail(post.org.iri, 'actor')}" for post in p.posts
                                       if post.org is not None]} for p in ex.persons.values()]


def _commitments(ex: Extraction) -> list[dict]:
    return [{"clause": c.clause, "leads": [_tail(a, "actor") for a in c.leads],
             "partners": [_tail(a, "actor") for a in c.partners],
             "addressees": [_tail(a, "actor") for a in getattr(c, "addressees", [])],
             "status": getattr(c, "status", None), "action": getattr(c, "action", None),
             "frequency": c.frequencies[0].iri.rsplit("/", 1)[-1] if c.frequencies else None, "topic": c.topic,
             "programme": _tail(ex.instruments[c.programme].iri, "instrument"),
             "period": list(c.period) if c.period else None,
             "targets": [t.note for t in c.targets]} for c in ex.commitments]


def _events(ex: Extraction) -> list[dict]:
    return [{"kind": e.kind, "date": e.date.isoformat() if e.date else None, "label": e.label,
             "organisers": [_tail(a, "actor") for a in e.organisers]} for e in ex.events]


PROJECTIONS = {"context": _context, "actors": _actors, "persons": _persons, "commitments": _commitments,
               "events": _events}
for _name in ("header", "numbers", "laws", "subjects", "citations", "own", "references", "basis"):
    PROJECTIONS[_name] = _instruments


def _rows() -> list[tuple[str, int, dict]]:
    rows = []
    for table in sorted(TABLES.glob("*.json")):
        for n, row in enumerate(json.loads(table.read_text(encoding="utf-8")), start=1):
            rows.append((table.stem, n, row))
    return rows


ROWS = _rows()


def _matches(record: dict, want: dict) -> bool:
    for key, value in want.items():
        got = record.get(key)
        if isinstance(value, list) and isinstance(got, list) and key not in ("period",):
            if sorted(map(str, value)) != sorted(map(str, got)):
                return False
        elif got != value:
            return False
    return True


def test_every_pass_has_a_table() -> None:
    names = {stem for stem, _, _ in ROWS}
    assert set(pass_order()) <= names, set(pass_order()) - names


@pytest.mark.parametrize(("table", "n", "row"), ROWS, ids=[f"{t}-{n}" for t, n, _ in ROWS])
def test_row(table: str, n: int, row: dict) -> None:
    text = unicodedata.normalize("NFC", row["text"])
    meta = dict(row.get("meta", {}))
    if "date" in meta:
        meta["date"] = dt.date.fromisoformat(meta["date"])
    ex = extract(normalize_aligned(text), text, "bang", Metadata(**meta))
    records = PROJECTIONS[table](ex)
    for want in row.get("has", []):
        assert any(_matches(r, want) for r in records), (row.get("why"), want, records)
    for unwanted in row.get("not", []):
        assert not any(_matches(r, unwanted) for r in records), (row.get("why"), unwanted, records)
    if "count" in row:
        assert len(records) == row["count"], (row.get("why"), records)


def test_law_editions_agree_with_the_curated_instruments() -> None:
    """data/lexicon/law_editions.csv (what ingest picks a law's edition from) and data/instruments.ttl (the
    curated editions) must not disagree on a number, a day of adoption or a day of entry into force."""
    from rdflib import Graph

    from phoihop.extract.lexicon import read_table
    from phoihop.iris import law_iri
    from phoihop.namespaces import ELI
    from phoihop.resources import data_dir

    curated = Graph().parse(data_dir() / "instruments.ttl", format="turtle")
    checked = 0
    for row in read_table("law_editions.csv"):
        node = law_iri(row["name_vi"], row["year"])
        if (node, None, None) not in curated:
            continue
        checked += 1
        for column, prop in (("number", ELI.id_local), ("date", ELI.date_document),
                             ("in_force_from", ELI.first_date_entry_in_force),
                             ("in_force_until", ELI.date_no_longer_in_force)):
            value = curated.value(node, prop)
            if row[column] and value is not None:
                assert str(value) == row[column], (node, column)
    assert checked >= 10


def test_a_cue_row_with_an_unquoted_comma_names_the_table(tmp_path: Path) -> None:
    """Regression: 'status_request,kiến nghị,,các|những|,' lost its ',' word to an extra column, silently."""
    from phoihop.errors import DataInvalid
    from phoihop.extract.cues import Cues

    table = tmp_path / "cues.csv"
    table.write_text("kind,phrase,unless_next,unless_prev\nstatus_request,kiến nghị,,các|những|,\n", encoding="utf-8")
    with pytest.raises(DataInvalid, match="more fields than the header") as err:
        Cues.read(table)
    assert str(table) in str(err.value)
