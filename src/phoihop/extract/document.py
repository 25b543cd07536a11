"""The frozen document model every pass reads: normalised text, tokens, lines, headings, numbered items.

Built once per document, never changed by a pass. Offsets are into the normalised text (`norm.text`);
`norm.original_span` maps them back to the NFC original for evidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from functools import cached_property

from ..normalize import Normalized
from .lexicon import Lexicon
from .records import Findings, Metadata
from .tokens import Token, tokenize

QUOTED_MAX = 400  # characters a quotation or bracket may hold; one open longer is a stray mark
HEADING_LETTERS = 6  # an upper-case line with fewer letters is a heading only beside one ("PHỐI" in a title)

def lower_same_length(text: str) -> str:
    """Lower case that keeps every offset (the few letters whose lower case is longer stay as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@dataclass(frozen=True)
class Item:
    """A line that opens a numbered or bulleted item: its kind (roman, article, num, …), label and body start."""

    kind: str
    label: str
    body: int  # offset where the item's own text starts (after "1.", "Điều 2.", "-")


@dataclass(frozen=True)
class Document:
    """One document as the passes see it."""

    norm: Normalized
    original: str
    stem: str
    text: str
    low: str
    tokens: tuple[Token, ...]
    starts: tuple[int, ...]
    lines: tuple[tuple[int, int], ...]  # non-empty lines, (start, end)
    headings: frozenset[int]  # indexes of lines written in upper case in the original
    items: tuple[Item | None, ...]  # per line: the item it opens, if any
    body_end: int  # commitments, persons, events stop here (related news, recipients)
    page_end: int  # bodies and citations stop here (the web page around the article)
    meta: Metadata  # what the user said about the document (place, date, title, …)

    @classmethod
    def build(cls, norm: Normalized, original: str, stem: str, lex: Lexicon, meta: Metadata) -> Document:
        text = _unwrap(norm, original, lex.grammar.soft_wrap)
        norm = Normalized(text, norm.offsets)
        lines = tuple((m.start(), m.end()) for m in re.finditer(r"[^\n]*", text) if m.end() > m.start())
        caps = [_upper_letters(norm, original, s, e) for s, e in lines]
        headings = frozenset(i for i, n in enumerate(caps) if n >= HEADING_LETTERS or (n >= 2 and any(
            0 <= j < len(caps) and caps[j] >= HEADING_LETTERS for j in (i - 1, i + 1))))  # "QUY CHẾ\nPHỐI\nHỢP …"
        tokens = _mark_headings(tokenize(text), [lines[i] for i in sorted(headings)])
        items = tuple(_item(text, s, lex) for s, _ in lines)
        return cls(norm, original, stem, text, lower_same_length(text), tokens, tuple(t.start for t in tokens),
                   lines, headings, items, _tail(text, lines, lex.any_tail), _tail(text, lines, lex.page_tail), meta)

    # ---------------------------------------------------------------------------------------- positions

    def tok_index(self, char: int) -> int:
        """Index of the first token starting at or after a char offset."""
        return bisect_left(self.starts, char)

    def line_of(self, char: int) -> int:
        """Index of the line that holds (or ends right before) a char offset."""
        return bisect_left(self._line_ends, char)

    @cached_property
    def _line_ends(self) -> tuple[int, ...]:
        return tuple(e for _, e in self.lines)

    def span_text(self, first: int, last: int) -> str:
        """The text from token `first` to token `last` (exclusive)."""
        return self.text[self.tokens[first].start:self.tokens[last - 1].end]

    def is_cap(self, i: int) -> bool:
        t = self.tokens[i].text
        return t[:1].isupper() or t[:1].isdigit()

    def in_heading(self, i: int) -> bool:
        return self.line_of(self.tokens[i].start) in self.headings

    def item_kind(self, s: int) -> str | None:
        """The kind of item a line starting at offset `s` opens, or None."""
        idx = self.line_of(s)
        if idx < len(self.lines) and self.lines[idx][0] == s and self.items[idx] is not None:
            return self.items[idx].kind  # type: ignore[union-attr]
        return None

    def sentences(self, s: int, e: int, marks: str, no_end: re.Pattern) -> list[tuple[int, int]]:
        """Sentences (or clauses, with marks=';') of [s, e) longer than 15 characters. A mark inside quotation
        marks or brackets ends nothing: a slogan '“…; …”' or an aside '(…; …)' stays in its clause."""
        out = []
        start = s
        depth, seen, opened = 0, s, s  # open quotes and brackets before `seen` (each char read once: linear)
        for m in re.finditer(f"(?<=[{marks}])\\s+(?=\\S)", self.text[s:e]):
            cut = s + m.start()
            before = depth
            depth = _depth(self.text, seen, cut, depth)
            opened, seen = (seen if before == 0 and depth else opened), cut
            if depth and cut - opened > QUOTED_MAX:
                depth = 0  # a quote or bracket never closed is a stray mark, not a quotation
            if no_end.search(self.text[max(s, cut - 4):cut]) or depth > 0:
                continue
            out.append((start, cut))
            start = s + m.end()
        out.append((start, e))
        return [(a, b) for a, b in out if b - a > 15]


def _depth(text: str, s: int, e: int, depth: int) -> int:
    """Open quotations and brackets after reading text[s:e], from `depth` before it (never below zero; a
    straight quote opens when none is open, else closes)."""
    for ch in text[s:e]:
        if ch in "“(":
            depth += 1
        elif ch in "”)":
            depth = max(0, depth - 1)
        elif ch == '"':
            depth = depth + 1 if depth == 0 else depth - 1
    return depth


def _mark_headings(tokens: list[Token], spans: list[tuple[int, int]]) -> tuple[Token, ...]:
    """Tokens, those of upper-case heading lines flagged (their case, lowered by normalisation, says nothing)."""
    if not spans:
        return tuple(tokens)
    starts = [s for s, _ in spans]
    out = []
    for tok in tokens:
        k = bisect_left(starts, tok.start + 1) - 1
        inside = k >= 0 and spans[k][0] <= tok.start < spans[k][1]
        out.append(replace(tok, heading=True) if inside else tok)
    return tuple(out)


def _unwrap(norm: Normalized, original: str, pattern: re.Pattern) -> str:
    """The normalised text with hard line wraps inside sentences read as spaces (same length, same offsets):
    a PDF or table copy breaks lines mid-sentence, and a sentence must not end at a wrap."""
    text = norm.text
    cuts = []
    for m in pattern.finditer(text):
        nxt = m.group(2)
        if not (nxt.islower() or nxt.isdigit()):
            continue
        line_start = text.rfind("\n", 0, m.start(1)) + 1
        if _upper_letters(norm, original, line_start, m.start(1)) < HEADING_LETTERS:  # a title line stays one
            cuts.append(m.start(1))
    if not cuts:
        return text
    chars = list(text)
    for at in cuts:
        chars[at] = " "
    return "".join(chars)


def _upper_letters(norm: Normalized, original: str, s: int, e: int) -> int:
    """How many letters a line written all in upper case in the original has (0 for any other line)."""
    os_, oe = norm.original_span(s, e)
    letters = [c for c in original[os_:oe] if c.isalpha()]
    return len(letters) if all(c.isupper() for c in letters) else 0


def _item(text: str, s: int, lex: Lexicon) -> Item | None:
    line_end = text.find("\n", s)
    line = text[s:line_end if line_end >= 0 else len(text)]
    for kind, pattern in lex.grammar.items:
        m = pattern.match(line)
        if m and (kind != "bullet" or len(line) > 3):
            return Item(kind, m.group(1) if m.groups() else "", s + m.end())
    return None


def _tail(text: str, lines: tuple[tuple[int, int], ...], pattern: re.Pattern) -> int:
    """Offset of the first line (past the first quarter) that ends the article, or the text's end."""
    for s, e in lines:
        line = text[s:e].strip(" *#.:-")
        if s > len(text) // 4 and pattern.fullmatch(line):
            return s
    return len(text)


@dataclass(frozen=True)
class Ctx:
    """What a pass works on: the frozen document, the lexicon, and the findings of the passes before it."""

    doc: Document
    lex: Lexicon
    f: Findings
