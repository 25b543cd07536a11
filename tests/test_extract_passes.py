"""The extractor's passes: their order is data, and no pass reads what a later pass writes.

Every pass declares READS (findings it needs complete) and WRITES (findings it adds to or sets). The order in
data/lexicon/passes.csv is checked against those declarations, and every fixture text is run with a guard
that refuses any finding a pass touches without declaring it, so the declarations cannot drift from the code.
"""

from __future__ import annotations

import types
import unicodedata
from pathlib import Path

import pytest

from phoihop.extract import pipeline
from phoihop.extract.document import Ctx, Document
from phoihop.extract.lexicon import lexicon
from phoihop.extract.records import Findings, Metadata
from phoihop.normalize import normalize_aligned

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
TEXTS = sorted(FIXTURES.glob("*.txt"))


def test_every_pass_module_runs_once_in_the_data_order() -> None:
    order = pipeline.pass_order()
    assert sorted(order) == sorted(pipeline.MODULES)


def test_no_pass_reads_what_a_later_pass_writes() -> None:
    assert pipeline.check_order(pipeline.pass_order()) == []


def test_the_order_check_sees_a_pass_moved_too_early() -> None:
    """Reading bodies before the laws pass marked law names would mint an HĐND from 'Luật Tổ chức HĐND'."""
    order = list(pipeline.pass_order())
    order.remove("actors")
    order.insert(order.index("laws"), "actors")
    assert "actors reads law_tokens, written later by laws" in pipeline.check_order(tuple(order))


def test_declared_fields_exist() -> None:
    names = Findings.names()
    for name, module in pipeline.MODULES.items():
        assert module.READS <= names | set(pipeline.DERIVED), name
        assert module.WRITES <= names, name
        assert module.__doc__ and f"Pass `{name}`" in module.__doc__, name


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.stem)
def test_passes_touch_only_what_they_declare(text: Path) -> None:
    original = unicodedata.normalize("NFC", text.read_text(encoding="utf-8"))
    pipeline.extract(normalize_aligned(original), original, text.stem, guard=True)


def test_the_guard_refuses_an_undeclared_read() -> None:
    sneaky = types.SimpleNamespace(READS=frozenset(), WRITES=frozenset({"events"}),
                                   run=lambda c: c.f.mentions)
    original = "UBND tỉnh Bến Tre và LĐLĐ tỉnh ký chương trình phối hợp.\n"
    doc = Document.build(normalize_aligned(original), original, "x", lexicon(), Metadata())
    view = pipeline._Guarded(Findings(), sneaky, "sneaky")  # type: ignore[arg-type]
    with pytest.raises(pipeline.PassOrderError, match="sneaky reads mentions"):
        sneaky.run(Ctx(doc, lexicon(), view))  # type: ignore[arg-type]
