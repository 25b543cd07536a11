"""The grammars of data/lexicon/grammar.toml, compiled once, and the small parsers built on them.

Document numbers (số ký hiệu) in both grammars, dates in both forms, periods, Vietnamese numerals. The
patterns are data; these functions give them meaning (a day that does not exist is no date, a reversed
period is a typo not guessed at).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from ..errors import DataInvalid
from ..iris import is_party_number, issuer_suffix
from ..resources import data_dir

ITEM_KINDS = ("roman", "article", "multi", "num", "dashnum", "letter", "bullet")


@dataclass(frozen=True)
class Grammar:
    """Compiled patterns by name, the units of frequency grammars, the law kinds and label templates."""

    patterns: dict[str, re.Pattern]
    durations: dict[str, str]
    law_kinds: dict[str, str]
    labels: dict[str, str]

    def label(self, template: str, /, **values: object) -> str:
        """A label template of the grammar file, filled in."""
        return self.labels[template].format(**values)

    def __getattr__(self, name: str) -> re.Pattern:
        try:
            return self.patterns[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def items(self) -> tuple[tuple[str, re.Pattern], ...]:
        """Numbered-item patterns in the order they are tried."""
        return tuple((kind, self.patterns[f"item_{kind}"]) for kind in ITEM_KINDS)


def read_grammar(path: Path) -> Grammar:
    """Compile every pattern of a grammar file; a bad pattern names itself and the file."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as err:
        raise DataInvalid(f"cannot read grammar: {err.strerror or err}", path=path) from None
    except tomllib.TOMLDecodeError as err:
        raise DataInvalid(f"not TOML: {err}", path=path) from None
    patterns = {}
    for name, source in data.get("patterns", {}).items():
        try:
            patterns[name] = re.compile(source)
        except re.error as err:
            raise DataInvalid(f"pattern {name!r} does not compile: {err}", path=path) from None
    missing = [f"item_{k}" for k in ITEM_KINDS if f"item_{k}" not in patterns]
    if missing:
        raise DataInvalid(f"missing patterns: {', '.join(missing)}", path=path)
    return Grammar(patterns, dict(data.get("durations", {})), dict(data.get("law_kinds", {})),
                   dict(data.get("labels", {})))


@lru_cache(maxsize=1)
def grammar() -> Grammar:
    """The grammar of the project's data folder (read once per process)."""
    return read_grammar(data_dir() / "lexicon" / "grammar.toml")


@dataclass(frozen=True)
class Number:
    """A parsed document number (số ký hiệu)."""

    text: str  # normalised: no spaces, Đ kept
    num: str
    year: int | None
    notation: str | None  # type code when the number carries one
    issuer: str  # issuer suffix

    @property
    def party(self) -> bool:
        return is_party_number(self.text)


def parse_number(text: str, notations: Iterable[str] = ()) -> Number | None:
    """'149/2018/NĐ-CP' -> Number(num='149', year=2018, notation='NĐ', issuer='CP'); None if not a number."""
    m = grammar().number.fullmatch(re.sub(r"\s+", "", text))
    if not m:
        return None
    known = {n.upper() for n in notations}
    number = m.group(0)
    if m.group("pnum"):
        return Number(number, m.group("pnum"), None, m.group("ptype"), m.group("pissuer"))
    rest = m.group("srest")
    head = rest.split("/", 1)[0].split("-", 1)[0]
    notation = head if (not known or head.upper() in known) and ("-" in rest or "/" in rest) else None
    if notation is None and known and head.upper() in known and "-" not in rest:
        notation = head
    year = int(m.group("syear")) if m.group("syear") else None
    return Number(number, m.group("snum"), year, notation, issuer_suffix(number))


def parse_date(text: str) -> dt.date | None:
    """First full date in `text`: 'ngày 28 tháng 7 năm 2020' or '03/9/2019'; None if none is valid."""
    g = grammar()
    for pattern in (g.date_long, g.date_short):
        m = pattern.search(text)
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
    return None


def parse_written_date(text: str) -> dt.date | None:
    """A date already cut out of its sentence: '03/9/2019' or '28 tháng 7 năm 2020' (no 'ngày' needed)."""
    g = grammar()
    return parse_date(text) or _date_of(g.date_long_bare.search(text))


def _date_of(m: re.Match | None) -> dt.date | None:
    if m is None:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def parse_decimal(text: str) -> Decimal | None:
    """Vietnamese numerals: '1.833' is 1833, '58,32' is 58.32, '01' is 1."""
    t = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t):
        t = t.replace(".", "")
    t = t.replace(",", ".")
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def years(match: re.Match) -> tuple[int, int] | None:
    """First and last year of a period ('giai đoạn 2021 - 2025'); None for a reversed range, a typo not guessed at."""
    first, last = int(match.group(1)), int(match.group(2))
    return (first, last) if first <= last else None
