"""Structured tasks: the labelled fields under an item and the rows of a task table.

Not a pass: part of the commitments pass's segmentation (clauses.py). Official plans and programmes give each
task its lead, partners and time in labelled fields under the item ("- Đơn vị chủ trì: LĐLĐ tỉnh." /
"- Đơn vị phối hợp: …" / "- Thời gian thực hiện: Hằng năm.") or in a table whose header names the columns
("TT | Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian"). The labels are cue phrases
(data/lexicon/cues.csv, kinds field_content, field_lead, field_partner, field_time); this module only finds
them and says where each field's value is.
"""

from __future__ import annotations

import re

from .document import Ctx

FIELD_KINDS = ("field_content", "field_lead", "field_partner", "field_time")
CELL_BORDER = "|"
_LEADING = re.compile(r"[\s\-–+•*]*")  # a bullet before a field's label
_COLON = re.compile(r"\s*:\s*")


def _labels(c: Ctx) -> list[tuple[str, str]]:
    """(phrase, kind) of every field label, longest first ('đơn vị chủ trì' before 'chủ trì')."""
    pairs = [(phrase, kind) for kind in FIELD_KINDS for phrase in c.lex.cues.words(kind)]
    return sorted(pairs, key=lambda p: -len(p[0]))


def field_at(c: Ctx, s: int, e: int) -> tuple[str, int] | None:
    """A labelled field opening the line [s, e) ('- Đơn vị phối hợp: …'): (its kind, where its value starts),
    or None. The label must be followed by a colon: 'phối hợp với …' in running text is no field."""
    low = c.doc.low
    at = _LEADING.match(low, s, e).end()  # type: ignore[union-attr]
    for phrase, kind in _labels(c):
        if low.startswith(phrase, at):
            colon = _COLON.match(low, at + len(phrase), e)
            if colon and ":" in colon.group(0):
                return kind, colon.end()
    return None


def cells(c: Ctx, s: int, e: int) -> list[tuple[int, int]]:
    """The cells of a table row written with '|' borders, as trimmed spans (empty cells kept)."""
    text = c.doc.text
    out, start = [], s
    for at in [m.start() for m in re.finditer(re.escape(CELL_BORDER), text[s:e])] + [e - s]:
        a, b = start, s + at
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        out.append((a, b))
        start = s + at + 1
    return out


def header_columns(c: Ctx, s: int, e: int) -> list[str | None] | None:
    """The field kind of each column of a task table's header row, or None when the line is no such header
    (it needs a content column and a lead column)."""
    if CELL_BORDER not in c.doc.text[s:e]:
        return None
    labels = dict(_labels(c))
    kinds = [labels.get(" ".join(c.doc.low[a:b].split())) for a, b in cells(c, s, e)]
    return kinds if "field_content" in kinds and "field_lead" in kinds else None


def row_fields(c: Ctx, s: int, e: int, columns: list[str | None]) -> dict[str, tuple[int, int]] | None:
    """The fields of a table row under a header of these columns, or None when the line is no such row."""
    found = cells(c, s, e)
    if len(found) != len(columns):
        return None
    return {kind: span for kind, span in zip(columns, found, strict=True) if kind and span[1] > span[0]}


def row_label(c: Ctx, s: int, e: int) -> str:
    """The number in a row's first cell ('1', '2.1'), or ''."""
    a, b = cells(c, s, e)[0]
    label = c.doc.text[a:b].rstrip(".")
    return label if re.fullmatch(r"\d{1,3}(?:\.\d{1,3})*", label) else ""
