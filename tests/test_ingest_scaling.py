"""Ingest grows linearly with its input (issue 14, item 11).

A space-less run of glued syllables cost time quadratic in its length (every cut of the run tested both
halves, each test as long as the run): the characters handed to the syllable test are counted, not timed. A
long numbered list asked every item about every mention and every other item: the Python calls ingest makes
are counted at two sizes (four times the input may cost at most five times the calls; quadratic work would
cost sixteen). Counts, not clocks: the figure is the same on a busy machine.
"""

from __future__ import annotations

import sys

import pytest

from phoihop import normalize
from phoihop.ingest import ingest_text

ITEM = "{n}. Sở Tư pháp chủ trì, phối hợp với Liên đoàn Lao động tỉnh kiểm tra ít nhất {n} doanh nghiệp hằng năm."
HEADER = "ỦY BAN NHÂN DÂN TỈNH BẾN TRE\nSố: 12/KH-UBND\nBến Tre, ngày 3 tháng 4 năm 2023\nKẾ HOẠCH\nPhối hợp\n"


def test_space_less_text_is_not_split_cut_by_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = [0]
    real = normalize.is_syllable

    def counted(word: str) -> bool:
        seen[0] += len(word)
        return real(word)

    monkeypatch.setattr(normalize, "is_syllable", counted)
    work = []
    for size in (2_000, 8_000):
        normalize._split_glued.cache_clear()
        seen[0] = 0
        normalize.normalize("Hai bên: " + ("liênđoànlaođộng" * size)[:size] + ".")
        work.append(seen[0])
    assert work[1] <= 5 * max(work[0], 1), work


def _calls(items: int) -> int:
    """How many Python function calls ingesting a list of `items` numbered tasks makes."""
    text = HEADER + "\n".join(ITEM.format(n=n) for n in range(1, items + 1)) + "\n"
    count = [0]

    def profile(_frame, event, _arg) -> None:
        if event == "call":
            count[0] += 1

    sys.setprofile(profile)
    try:
        graph = ingest_text(text, f"list-{items}.txt")
    finally:
        sys.setprofile(None)
    assert len(list(graph.subjects(predicate=None, object=None))) > items  # the items were read
    return count[0]


def test_a_long_numbered_list_costs_linear_work() -> None:
    _calls(10)  # tables, tries and caches loaded outside the comparison
    small, large = _calls(200), _calls(800)
    assert large <= 5 * small, (small, large)
