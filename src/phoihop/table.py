"""Query results as a plain-text table that fits the terminal (`phoihop query … --format table`).

- A column of IRIs followed by a column naming them (`?actor ?label`, `?actorA ?labelA`, `?topic
  ?topicLabel`, `?programme ?number`, `?person ?name`) becomes one column showing the name, or the IRI
  where a row has no name: people read names, and the IRI is one `--format csv` away.
- IRIs are written with the phoihop prefixes (`id:actor/ha-noi/…`); one too long for its column loses its
  middle, never its end, which is what tells two IRIs apart (`id:instrument/long-an…/commitment/2024-doi-
  thoai`).
- Text wraps inside its column; numbers are right-aligned.
- When the natural widths exceed `width`, IRI columns give up room first (down to MIN_IRI), then the widest
  columns, each keeping at least MIN_COLUMN characters (or its header).
- The last line counts what was shown: "(1 row)", "(12 rows)", or "(227 triples)" for a graph.

The columns are measured on the first rows (TABLE_SAMPLE) and the rest stream under them, so `| head` ends a
long answer at once; `--format csv` keeps every value whole.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterator, Sequence
from itertools import islice

import pyoxigraph as ox

from .store import PREFIX_MAP

MIN_COLUMN = 12
MIN_IRI = 20  # an IRI column keeps its prefix, an ellipsis and a distinguishing tail
GAP = "  "
ELLIPSIS = "…"
_NUMERIC = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")


def terminal_width() -> int | None:
    """Columns of the terminal stdout writes to ($COLUMNS first), or None when stdout is not a terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def compact(iri: str) -> str:
    """`id:actor/ha-noi/...` for an IRI under a phoihop prefix, else the IRI."""
    best = max((p for p, ns in PREFIX_MAP.items() if iri.startswith(ns)), key=lambda p: len(PREFIX_MAP[p]),
               default=None)
    return f"{best}:{iri[len(PREFIX_MAP[best]):]}" if best else iri


_NAMING = re.compile(r"(?P<stem>.*?)(?P<kind>label|name|number)(?P<tail>[A-Z0-9]?)", re.IGNORECASE)
NEVER_NAMED = {"type", "kind", "class", "level", "role", "relation"}  # codes, not things with a name


def name_columns(variables: Sequence[str]) -> dict[int, int]:
    """Column index of IRIs -> index of the next column when its name says it names them: `label`,
    `name`, `number` after any column but a code (`?type ?number` names no type), `labelA` after `actorA`,
    `partyNumber` after `partyInstrument`, `originalLabel` after `original`."""
    pairs = {}
    for i, (var, following) in enumerate(zip(variables, variables[1:], strict=False)):
        match = _NAMING.fullmatch(following)
        if not match or var.lower() in NEVER_NAMED:
            continue
        stem, tail = match["stem"], match["tail"]
        bare = not stem and (not tail or var.endswith(tail))
        if bare or (stem and not tail and var.lower().startswith(stem.lower())):
            pairs[i] = i + 1
    return pairs


def _text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return " ".join(term.value.split())


def shorten_middle(text: str, width: int) -> str:
    """At most `width` characters, cut in the middle: the start says what it is, the end which one."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    head = max(1, (width - 1) // 3)
    tail = width - 1 - head
    return text[:head] + ELLIPSIS + text[len(text) - tail:]


def fit(natural: list[int], floors: list[int], width: int | None, first: list[bool] | None = None) -> list[int]:
    """Column widths: the natural ones when they fit in `width`; else the columns marked `first` (IRIs,
    which lose only their middle) are capped first, then every column, each at one level C (never below
    its floor) with C as large as fits."""
    room = None if width is None else width - len(GAP) * (len(natural) - 1)
    if room is None or sum(natural) <= room:
        return natural
    first = first or [False] * len(natural)
    shrunk = _capped(natural, [f if x else n for n, f, x in zip(natural, floors, first, strict=True)], room)
    if sum(shrunk) <= room:
        return shrunk
    return _capped(shrunk, floors, room)


def _capped(natural: list[int], floors: list[int], room: int) -> list[int]:
    def total(cap: int) -> int:
        return sum(min(n, max(cap, f)) for n, f in zip(natural, floors, strict=True))

    low, high = 1, max(natural)
    while low < high:  # the largest cap whose total fits (or the floors, if nothing does)
        middle = (low + high + 1) // 2
        low, high = (middle, high) if total(middle) <= room else (low, middle - 1)
    return [min(n, max(low, f)) for n, f in zip(natural, floors, strict=True)]


def _lines(term, text: str, width: int) -> list[str]:
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return [shorten_middle(text, width)]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


TABLE_SAMPLE = 1000  # rows read before the columns are laid out; later rows stream under that layout


def format_table(variables: Sequence[str], rows: Sequence[Sequence], width: int | None = None,
                 graph: bool = False) -> str:
    """The table of `rows` (tuples of pyoxigraph terms or None, one per variable) in at most `width`
    columns (None: as wide as the values)."""
    return "".join(table_lines(variables, iter(rows), width, graph))


def table_lines(variables: Sequence[str], rows: Iterator[Sequence], width: int | None = None,
                graph: bool = False) -> Iterator[str]:
    """The table line by line. The columns are measured on the first TABLE_SAMPLE rows and later rows are
    written under that layout as they come (wrapped to it), so a long answer streams and `| head` stops it
    at once; an answer shorter than the sample is laid out exactly."""
    pairs = name_columns(variables)
    named = set(pairs.values())
    shown = [i for i in range(len(variables)) if i not in named]
    headers = [variables[i] for i in shown]

    def cells_of(row: Sequence) -> list[tuple[object, str]]:
        line = []
        for i in shown:
            name = row[pairs[i]] if i in pairs else None
            line.append((name, _text(name)) if name is not None else (row[i], _text(row[i])))
        return line

    sample = [cells_of(row) for row in islice(rows, TABLE_SAMPLE)]
    natural = [max([len(h)] + [len(c[k][1]) for c in sample]) for k, h in enumerate(headers)]
    numeric = [bool(sample) and all(not c[k][1] or _NUMERIC.match(c[k][1]) for c in sample)
               for k in range(len(headers))]
    iris = [bool(sample) and all(isinstance(c[k][0], ox.NamedNode | ox.BlankNode) or not c[k][1] for c in sample)
            for k in range(len(headers))]
    floors = [min(n, max(len(h), MIN_IRI if iri else MIN_COLUMN))
              for n, h, iri in zip(natural, headers, iris, strict=True)]
    widths = fit(natural, floors, width, first=iris)

    def block(line: list[tuple[object, str]]) -> list[str]:
        wrapped = [_lines(term, text, w) for (term, text), w in zip(line, widths, strict=True)]
        return [GAP.join((p[k] if k < len(p) else "").rjust(w) if num else (p[k] if k < len(p) else "").ljust(w)
                         for p, w, num in zip(wrapped, widths, numeric, strict=True)).rstrip()
                for k in range(max(len(p) for p in wrapped))]

    yield GAP.join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip() + "\n"
    yield GAP.join("-" * w for w in widths) + "\n"
    blocks = [block(line) for line in sample]
    spaced = any(len(b) > 1 for b in blocks)  # wrapped rows are told apart by a blank line
    count = 0
    for lines in itertools.chain(blocks, (block(cells_of(row)) for row in rows)):
        if spaced and count:
            yield "\n"
        count += 1
        yield "".join(f"{text}\n" for text in lines)
    yield f"({count} {'triple' if graph else 'row'}{'' if count == 1 else 's'})\n"
