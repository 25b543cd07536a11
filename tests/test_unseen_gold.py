"""The unseen-document fixtures (tests/fixtures/ingest/unseen/) are sound gold: each text is NFC, each gold file
follows ../shared/gold/FORMAT.md (keys and values in gold-format.json beside them), every quote and surface form is
an exact substring of its text, and every id it uses is defined. A gold file that drifts from its text would score
the extractor against facts the text does not state, so these checks guard the yardstick itself."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

UNSEEN = Path(__file__).resolve().parent / "fixtures" / "ingest" / "unseen"
FORMAT = json.loads((UNSEEN / "gold-format.json").read_text(encoding="utf-8"))
TEXTS = sorted(UNSEEN.glob("*.txt"))
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _gold(text: Path) -> dict:
    return json.loads(text.with_name(text.stem + ".gold.json").read_text(encoding="utf-8"))


def _evidence(gold: dict):
    for section in FORMAT["required"]:
        for item in gold[section]:
            yield from item.get("evidence", [])


@pytest.fixture(params=TEXTS, ids=[t.stem for t in TEXTS])
def doc(request) -> tuple[Path, str, dict]:
    text = request.param
    return text, text.read_text(encoding="utf-8"), _gold(text)


def test_there_are_seventeen_documents_each_with_gold():
    assert len(TEXTS) == 17  # 01-08, 12-17 by writers who never read the extractor; 09-11 by its 2nd round (README)
    assert all(t.with_name(t.stem + ".gold.json").is_file() for t in TEXTS)


def test_text_is_nfc_and_of_real_size(doc):
    path, text, _ = doc
    low, high = FORMAT["text_bytes"]
    assert unicodedata.is_normalized("NFC", text), path.name
    assert low <= len(text.encode("utf-8")) <= high, path.name


def test_gold_has_the_format_keys_and_values(doc):
    _, _, gold = doc
    for section, keys in FORMAT["required"].items():
        for item in gold[section]:
            missing = [k for k in keys if k not in item]
            assert not missing, (section, item.get("id") or item.get("name"), missing)
            for field, allowed in FORMAT["enums"].items():
                sec, key = field.split(".")
                if sec == section:
                    assert item[key] in allowed, (section, item.get("id"), key, item[key])
    for person in gold["persons"]:
        assert all(set(FORMAT["role_keys"]) <= set(role) for role in person["roles"]), person["name"]


def test_dates_are_iso_or_null(doc):
    _, _, gold = doc
    for section, key in [("documents", "date"), ("instruments", "issue_date"), ("programmes", "signed_date"),
                         ("events", "date")]:
        for item in gold[section]:
            assert item[key] is None or ISO_DATE.match(item[key]), (section, item.get("id"), item[key])


def test_every_quote_and_surface_form_is_in_the_text(doc):
    path, text, gold = doc
    for ev in _evidence(gold):
        assert ev["file"] == path.name
        assert len(ev["quote"]) <= FORMAT["max_quote_chars"], ev["quote"]
        assert ev["quote"] in text, ev["quote"]
    for actor in gold["actors"]:
        for form in actor["surface_forms"]:
            assert form in text, (actor["id"], form)


def test_every_reference_is_defined(doc):
    _, _, gold = doc
    actors = {a["id"] for a in gold["actors"]}
    instruments = {i["id"] for i in gold["instruments"]}
    programmes = {p["id"] for p in gold["programmes"]}
    persons = {p["name"] for p in gold["persons"]}
    refs = [r["org"] for p in gold["persons"] for r in p["roles"]]
    refs += [x for i in gold["instruments"] for x in [i["issuer"], *i.get("co_issuers", [])] if x]
    refs += [x for p in gold["programmes"] for x in p["parties"]]
    refs += [x for c in gold["commitments"] for x in c["lead"] + c["partners"]]
    refs += [x for link in gold["coordination_links"] for x in (link["a"], link["b"])]
    refs += [x for e in gold["events"] for x in e["organisers"] + e.get("participants", [])]
    refs += [a["parent"] for a in gold["actors"] if a["parent"]]
    assert set(refs) <= actors, set(refs) - actors
    cited = [x for p in gold["programmes"] for x in [p["instrument"], *p["based_on"]]]
    cited += [x for c in gold["commitments"] for x in c["implements"]]
    assert set(cited) <= instruments, set(cited) - instruments
    assert {c["programme"] for c in gold["commitments"]} <= programmes
    assert {name for e in gold["events"] for name in e["chairs"]} <= persons
    assert len(actors) == len(gold["actors"]) and len(instruments) == len(gold["instruments"])


def test_meta_sidecars_name_place_date_publisher_and_source():
    metas = sorted(UNSEEN.glob("*.meta.json"))
    assert metas, "at least one document is known to be placed only by its site"
    for meta_path in metas:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        assert set(meta) == set(FORMAT["meta_keys"]), meta_path.name
        assert ISO_DATE.match(meta["date"]), meta_path.name
        assert meta_path.with_name(meta_path.name.replace(".meta.json", ".txt")).is_file()
