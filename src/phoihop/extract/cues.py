"""Cue phrases (data/lexicon/cues.csv): the words each pass looks for, by kind, with their exceptions.

A cue is matched token by token (so "giao" never matches inside "giao thông" unless the table says so), and a
cue is cancelled when the word right after it is one of its `unless_next` words, compared as written ("giao
ban" is a meeting, "giao Ban Tuyên giáo" an assignment), or the word right before it one of its `unless_prev`
words, in lower case ("các kiến nghị" is a noun, not a request; "," there means a comma before the cue: "nghiên
cứu, đề xuất, kiến nghị xây dựng" lists tasks). Kinds are documented at the top of the table; asking
for a kind the table lacks is a data error, so a typo in code or data fails loudly instead of matching nothing.
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataInvalid
from .tokens import Token, Trie, words


@dataclass(frozen=True)
class Cue:
    phrase: str
    kind: str
    unless_next: frozenset[str]
    length: int  # in tokens
    unless_prev: frozenset[str] = frozenset()


def _cancelled_before(cue: Cue, tokens: Sequence[Token], i: int) -> bool:
    """One of the cue's `unless_prev` words (or, for ',', a comma) stands right before token i."""
    if not cue.unless_prev or i == 0:
        return False
    return tokens[i - 1].low in cue.unless_prev or ("," in cue.unless_prev and "," in tokens[i].gap)


@dataclass
class Cues:
    """Cue tries by kind, plus the plain phrase lists for substring tests on short spans."""

    path: Path
    tries: dict[str, Trie] = field(default_factory=dict)
    phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _tokens: Sequence[Token] | None = field(default=None, repr=False)  # the document the positions are of
    _found: dict[str, list[int]] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, path: Path) -> Cues:
        cues = cls(path)
        lists: dict[str, list[str]] = {}
        try:
            with path.open(encoding="utf-8") as handle:
                rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
        except OSError as err:
            raise DataInvalid(f"cannot read cue table: {err.strerror or err}", path=path) from None
        for row in rows:
            kind, phrase = (row.get("kind") or "").strip(), (row.get("phrase") or "").strip()
            if not kind or not phrase:
                raise DataInvalid(f"a row without kind or phrase: {row}", path=path)
            if None in row:  # an unquoted comma in a list of words: the row would silently lose a column
                raise DataInvalid(f"a row with more fields than the header (quote lists holding ','): {row}",
                                  path=path)
            unless = frozenset(w.strip() for w in (row.get("unless_next") or "").split("|") if w.strip())
            before = frozenset(w.strip().lower() for w in (row.get("unless_prev") or "").split("|") if w.strip())
            cue = Cue(phrase, kind, unless, len(words(phrase)), before)
            cues.tries.setdefault(kind, Trie()).add(phrase, cue)
            lists.setdefault(kind, []).append(phrase.lower())
        cues.phrases = {k: tuple(v) for k, v in lists.items()}
        return cues

    def _trie(self, kind: str) -> Trie:
        trie = self.tries.get(kind)
        if trie is None:
            raise DataInvalid(f"no cue of kind {kind!r}", path=self.path)
        return trie

    def words(self, kind: str) -> tuple[str, ...]:
        """The phrases of a kind, lower case (for membership tests on one token or a short string)."""
        if kind not in self.phrases:
            raise DataInvalid(f"no cue of kind {kind!r}", path=self.path)
        return self.phrases[kind]

    def at(self, kind: str, tokens: list[Token], i: int) -> Cue | None:
        """The longest cue of `kind` starting at token i that no `unless_next` word cancels, or None."""
        for n, cue in self._trie(kind).matches(tokens, i):
            assert isinstance(cue, Cue)
            nxt = tokens[i + n].text if i + n < len(tokens) else ""
            if nxt not in cue.unless_next and not _cancelled_before(cue, tokens, i):
                return cue
        return None

    def length(self, kind: str, tokens: list[Token], i: int) -> int:
        """Tokens taken by the longest cue of `kind` at token i (0 when none)."""
        cue = self.at(kind, tokens, i)
        return cue.length if cue else 0

    def ends_at(self, kind: str, tokens: list[Token], i: int) -> bool:
        """A phrase of `kind` ends right before token i ("cơ quan" before "Công an")."""
        for phrase in self.words(kind):
            seq = [w.lower() for w in words(phrase)]
            n = len(seq)
            if n <= i and [t.low for t in tokens[i - n:i]] == seq and all(t.joined for t in tokens[i - n + 1:i]):
                return True
        return False

    def positions(self, kind: str, tokens: Sequence[Token], first: int, last: int) -> list[int]:
        """Token indexes in [first, last) where a cue of `kind` starts (from one scan of the document per
        kind, so that asking for every unit of a long list stays linear)."""
        if tokens is not self._tokens:
            self._tokens, self._found = tokens, {}
        found = self._found.get(kind)
        if found is None:
            trie = self._trie(kind)
            found = [k for k, tok in enumerate(tokens) if trie.may_start(tok) and self.at(kind, tokens, k)]
            self._found[kind] = found
        return found[bisect_left(found, first):bisect_left(found, last)]

    def in_text(self, kind: str, text: str) -> bool:
        """A phrase of `kind` occurs in `text` (lower case): for short spans whose words were not tokenised."""
        return any(p in text for p in self.words(kind))
