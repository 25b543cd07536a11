"""The passes in their order (data/lexicon/passes.csv) and the run of one document through them.

Each pass is a module with `run(ctx)`, `READS` (findings it needs complete) and `WRITES` (findings it adds to
or sets). `pass_order()` reads the order; `check_order()` says which declared read a later pass would write;
with `guard=True` every pass sees the findings through a proxy that refuses an undeclared field, so the
declarations are kept honest by the tests rather than by review.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from types import ModuleType

from ..errors import DataInvalid
from ..normalize import Normalized
from ..resources import data_dir
from . import (
    actors,
    basis,
    citations,
    commitments,
    context,
    events,
    header,
    laws,
    numbers,
    own,
    persons,
    references,
    subjects,
)
from .document import Ctx, Document
from .lexicon import Lexicon, lexicon
from .records import Extraction, Findings, Metadata

MODULES: dict[str, ModuleType] = {m.__name__.rsplit(".", 1)[-1]: m for m in (
    context, header, numbers, laws, subjects, actors, citations, own, references, basis, persons, commitments,
    events)}
DERIVED = {"main_place": frozenset({"province", "main_district"}), "mentions_in": frozenset({"mentions"}),
           "_mention_index": frozenset({"mentions"})}  # properties and methods of Findings and what they read


class PassOrderError(AssertionError):
    """A pass touched a finding it does not declare (raised only with guard=True, in tests)."""


@lru_cache(maxsize=1)
def pass_order() -> tuple[str, ...]:
    """The pass names of data/lexicon/passes.csv, checked against the modules that exist."""
    path = data_dir() / "lexicon" / "passes.csv"
    try:
        with path.open(encoding="utf-8") as handle:
            names = [row["pass"].strip() for row in csv.DictReader(line for line in handle if not line.startswith("#"))]
    except OSError as err:
        raise DataInvalid(f"cannot read the pass order: {err.strerror or err}", path=path) from None
    unknown = [n for n in names if n not in MODULES]
    if unknown or len(set(names)) != len(names):
        raise DataInvalid(f"unknown or repeated passes: {unknown or names}", path=path)
    return tuple(names)


def check_order(order: tuple[str, ...]) -> list[str]:
    """Reads that a later pass would write: 'actors reads law_tokens, written later by laws'. Empty when sound."""
    problems = []
    for i, name in enumerate(order):
        for later in order[i + 1:]:
            for field in sorted(MODULES[name].READS & MODULES[later].WRITES):
                problems.append(f"{name} reads {field}, written later by {later}")
    return problems


class _Guarded:
    """Findings as one pass may see them: only the fields it declares."""

    __slots__ = ("_f", "_reads", "_writes", "_name")

    def __init__(self, f: Findings, module: ModuleType, name: str) -> None:
        object.__setattr__(self, "_f", f)
        object.__setattr__(self, "_reads", module.READS | module.WRITES)
        object.__setattr__(self, "_writes", module.WRITES)
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attr: str):
        needed = DERIVED.get(attr, frozenset({attr}))
        if not needed <= self._reads:
            raise PassOrderError(f"pass {self._name} reads {attr}, which it does not declare")
        return getattr(self._f, attr)

    def __setattr__(self, attr: str, value) -> None:
        if attr not in self._writes:
            raise PassOrderError(f"pass {self._name} sets {attr}, which it does not declare")
        setattr(self._f, attr, value)


def run_passes(doc: Document, lex: Lexicon, guard: bool = False) -> Findings:
    """Every pass in order over one document; returns what they found."""
    found = Findings()
    for name in pass_order():
        module = MODULES[name]
        view = _Guarded(found, module, name) if guard else found
        module.run(Ctx(doc, lex, view))  # type: ignore[arg-type]
    return found


def extract(norm: Normalized, original: str, stem: str, meta: Metadata | None = None,
            guard: bool = False) -> Extraction:
    """Run every pass over one normalised document."""
    lex = lexicon()
    doc = Document.build(norm, original, stem, lex, meta or Metadata())
    f = run_passes(doc, lex, guard)
    if f.implied is not None:
        f.instruments[f.implied.key] = f.implied
    if f.own is not None:
        f.own.signatories = list(f.signatories)
        for key, rel, other in f.relations:
            getattr(f.instruments[key], rel).append(other)
    title = f.own.title if f.own and f.own.title else (
        doc.text[doc.lines[0][0]:doc.lines[0][1]].strip() if doc.lines else None)
    acting = {m.actor.iri for m in f.mentions if m.first not in f.cited_tokens}  # a parent named only inside
    # its organ ('Thường trực Tỉnh ủy') is written where it leads a task, not as a body the text names; the
    acting |= {m.inner.actor.iri for m in f.mentions  # parent of a unit that acts itself ('Viện trưởng VKSND
               if m.inner is not None and m.actor.iri in acting and m.actor.acts_for is None}  # tỉnh') is one
    return Extraction(title, f.date, f.main_place, f.actors, f.instruments, f.persons, f.commitments, f.events,
                      f.districts, acting)
