"""Ingest grows linearly with its input (issue 14, item 11).

A space-less run of glued syllables cost time quadratic in its length (every cut of the run tested both
halves, each test as long as the run): the characters handed to the syllable test are counted, not timed. A
long numbered list asked every item about every mention and every other item: its CPU time is compared at two
sizes in one process, with a generous bound (four times the input may cost at most eight times the time).
"""

from __future__ import annotations

import time

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


def _cpu(items: int) -> float:
    text = HEADER + "\n".join(ITEM.format(n=n) for n in range(1, items + 1)) + "\n"
    started = time.process_time()
    graph = ingest_text(text, f"list-{items}.txt")
    spent = time.process_time() - started
    assert len(list(graph.subjects(predicate=None, object=None))) > items  # the items were read
    return spent


def test_a_long_numbered_list_costs_linear_time() -> None:
    _cpu(10)  # tables and tries loaded outside the comparison
    small, large = _cpu(200), _cpu(800)
    assert large <= 8 * small, (small, large)
