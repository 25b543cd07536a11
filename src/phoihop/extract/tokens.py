"""Word tokens and phrase tries: the two primitives every pass matches with.

A token knows what separates it from the token before (`gap`), whether that is only a soft separator
(`joined`: a space, a comma, a hyphen) and whether a clause or sentence boundary lies in between (`brk`).
Phrases from the lexicon are looked up token by token in a `Trie`, longest first, so matching costs one
dictionary lookup per token rather than one regular expression per phrase. A phrase added as exact (an
abbreviation, a capitalised name) compares case, except in an upper-case heading whose case is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

TOKEN_RE = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
_SOFT_GAP = re.compile(r" ?[,\-–—&] ?| ?| ?\. ?")
_BREAK_CHARS = frozenset("\n;:()“”\"!?[]|")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    low: str
    joined: bool  # only a soft separator (space, comma, hyphen) since the previous token
    brk: bool  # a clause or sentence boundary since the previous token
    gap: str
    heading: bool = False  # in a line written in upper case (its case was lost to normalisation)


def tokenize(text: str) -> list[Token]:
    """Word tokens with what separates each from the one before."""
    tokens: list[Token] = []
    prev_end, prev_text = 0, ""
    for m in TOKEN_RE.finditer(text):
        gap = text[prev_end:m.start()]
        word = m.group(0)
        dot_ok = "." in gap and (gap == "." or (prev_text.isupper() and len(prev_text) <= 3) or
                                 (prev_text.isdigit() and word.isdigit() and gap == "."))
        brk = not _BREAK_CHARS.isdisjoint(gap) or ("." in gap and not dot_ok) or not tokens
        joined = not brk and len(gap) <= 3 and _SOFT_GAP.fullmatch(gap) is not None
        tokens.append(Token(m.start(), m.end(), word, word.lower(), joined, brk, gap))
        prev_end, prev_text = m.end(), word
    return tokens


def words(phrase: str) -> list[str]:
    return TOKEN_RE.findall(phrase)


class Trie:
    """Phrases as token sequences, looked up from a start token; the longest match wins."""

    def __init__(self) -> None:
        self._first: dict[str, list[tuple[tuple[str, ...], bool, object]]] = {}

    def add(self, phrase: str, payload: object, exact: bool = False) -> None:
        seq_words = words(phrase)
        if not seq_words:
            return
        seq = tuple(seq_words) if exact else tuple(w.lower() for w in seq_words)
        bucket = self._first.setdefault(seq_words[0].lower(), [])
        if (seq, exact, payload) not in bucket:
            bucket.append((seq, exact, payload))
            bucket.sort(key=lambda entry: -len(entry[0]))

    def may_start(self, token: Token) -> bool:
        """Some phrase begins with this token's word (a cheap test before matching)."""
        return token.low in self._first

    def match(self, tokens: Sequence[Token], i: int) -> tuple[int, object] | None:
        """(number of tokens, payload) of the longest phrase starting at token i, or None."""
        if i >= len(tokens) or tokens[i].low not in self._first:
            return None
        return next(self.matches(tokens, i), None)

    def matches(self, tokens: Sequence[Token], i: int) -> Iterator[tuple[int, object]]:
        """Every phrase starting at token i, longest first."""
        if i >= len(tokens):
            return
        for seq, exact, payload in self._first.get(tokens[i].low, ()):
            n = len(seq)
            if i + n > len(tokens):
                continue
            for k in range(n):
                tok = tokens[i + k]
                if (k and not tok.joined) or (
                        tok.text if exact and not tok.heading else tok.low) != (seq[k] if not tok.heading else
                                                                              seq[k].lower()):
                    break
            else:
                yield n, payload


@lru_cache(maxsize=128)
def phrase_trie(phrases: tuple[str, ...]) -> Trie:
    """A trie of a fixed set of phrases (cue words, area words), built once per set."""
    trie = Trie()
    for phrase in phrases:
        trie.add(phrase, phrase)
    return trie
