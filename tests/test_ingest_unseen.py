"""The unseen documents (tests/fixtures/ingest/unseen/, written without reading the extractor) keep their known
gaps honest: what ingest misses and gets wrong on each, scored by phoihop.strict against the document's gold,
must equal tests/fixtures/ingest/unseen_gaps.json exactly. A gap that closes and a new failure both fail
this test; after a deliberate change, review the new list with
`python benchmarks/ingest_eval.py --write-gaps tests/fixtures/ingest/unseen_gaps.json` and commit it with the
change. Needs nothing outside the repository.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from phoihop.ingest import ingest_file
from phoihop.strict import score

UNSEEN = Path(__file__).parent / "fixtures" / "ingest" / "unseen"
GAPS = Path(__file__).parent / "fixtures" / "ingest" / "unseen_gaps.json"
TEXTS = sorted(t for t in UNSEEN.glob("*.txt") if t.with_suffix(".gold.json").is_file())


def test_every_unseen_document_has_its_gaps_listed() -> None:
    assert TEXTS, f"no unseen documents under {UNSEEN}"
    assert sorted(json.loads(GAPS.read_text(encoding="utf-8"))) == [t.name for t in TEXTS]


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem[:2])
def test_known_gaps_are_exactly_the_listed_ones(text: Path) -> None:
    gold = json.loads(text.with_suffix(".gold.json").read_text(encoding="utf-8"))
    listed = json.loads(GAPS.read_text(encoding="utf-8"))[text.name]
    assert score(gold, ingest_file(text)).gaps() == listed
