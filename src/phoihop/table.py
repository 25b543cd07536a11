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

The whole answer is held to measure the columns: a table is for reading, `--format csv` for streaming.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence

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


def format_table(variables: Sequence[str], rows: Sequence[Sequence], width: int | None = None,
                 graph: bool = False) -> str:
    """The table of `rows` (tuples of pyoxigraph terms or None, one per variable) in at most `width`
    columns (None: as wide as the values)."""
    pairs = name_columns(variables)
    named = set(pairs.values())
    shown = [i for i in range(len(variables)) if i not in named]
    headers = [variables[i] for i in shown]
    cells: list[list[tuple[object, str]]] = []
    for row in rows:
        line = []
        for i in shown:
            term = row[i]
            name = row[pairs[i]] if i in pairs else None
            line.append((name, _text(name)) if name is not None else (term, _text(term)))
        cells.append(line)
    natural = [max([len(h)] + [len(c[k][1]) for c in cells]) for k, h in enumerate(headers)]
    numeric = [bool(cells) and all(not c[k][1] or _NUMERIC.match(c[k][1]) for c in cells)
               for k in range(len(headers))]
    iris = [bool(cells) and all(isinstance(c[k][0], ox.NamedNode | ox.BlankNode) or not c[k][1] for c in cells)
            for k in range(len(headers))]
    floors = [min(n, max(len(h), MIN_IRI if iri else MIN_COLUMN))
              for n, h, iri in zip(natural, headers, iris, strict=True)]
    widths = fit(natural, floors, width, first=iris)
    out = [GAP.join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
           GAP.join("-" * w for w in widths)]
    blocks = []
    for line in cells:
        wrapped = [_lines(term, text, w) for (term, text), w in zip(line, widths, strict=True)]
        height = max(len(parts) for parts in wrapped)
        block = []
        for k in range(height):
            parts = [p[k] if k < len(p) else "" for p in wrapped]
            block.append(GAP.join(part.rjust(w) if num else part.ljust(w)
                                  for part, w, num in zip(parts, widths, numeric, strict=True)).rstrip())
        blocks.append(block)
    spaced = any(len(block) > 1 for block in blocks)  # wrapped rows are told apart by a blank line
    for n, block in enumerate(blocks):
        if spaced and n:
            out.append("")
        out.extend(block)
    count = len(rows)
    out.append(f"({count} {'triple' if graph else 'row'}{'' if count == 1 else 's'})")
    return "\n".join(out) + "\n"
