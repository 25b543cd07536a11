"""What an ingest output may say about a node that already has its one value: never a second one.

`phoihop ingest --base` reuses the base graph's IRIs, so the output speaks of nodes the base already describes
(the Confederation, Directive 37-CT/TW, a province's Federation of Labour). Adding the output to `data/` must
not break the build, nor rewrite what a reviewer settled: of a node the base describes, the output keeps what
docs/curating.md allows a new file to add — a name the base does not know (skos:altLabel; a second preferred
name becomes one), prov:wasDerivedFrom this source and the evidence in it — and the links to it from the nodes
it adds. Where the model allows one value (sh:maxCount 1, read from the shapes so that the rule follows the
model) and the source gives a literal the base does not (a date, a number), that is a conflict: said on stderr
and in the output as a skos:editorialNote on the node, for the reviewer; the base's value stays.

`settle` applies the one-value rule inside one output: two records the extractor keeps apart may name one node.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, SH, SKOS

from .extract.lexicon import lexicon
from .namespaces import PH
from .normalize import fold
from .shacl import load_shapes

LABELS = (SKOS.prefLabel, SKOS.altLabel)
ADDED = frozenset({SKOS.altLabel, PROV.wasDerivedFrom, PH.evidence, SKOS.editorialNote})  # what a new file adds


@lru_cache(maxsize=1)
def single_valued() -> tuple[frozenset[URIRef], frozenset[URIRef]]:
    """(properties with at most one value, properties with at most one value per language), from the shapes."""
    shapes = load_shapes()
    one: set[URIRef] = set()
    per_language: set[URIRef] = set()
    for shape in set(shapes.subjects(SH.path, None)):
        path = shapes.value(shape, SH.path)
        if not isinstance(path, URIRef):
            continue
        most = shapes.value(shape, SH.maxCount)
        if most is not None and int(most) == 1:
            one.add(path)
        unique = shapes.value(shape, SH.uniqueLang)
        if unique is not None and unique.toPython() is True:
            per_language.add(path)
    return frozenset(one), frozenset(per_language)


def reconcile(out: Graph, base: Graph, source: str) -> list[str]:
    """Keep in `out` only what it may add to the nodes `base` describes; returns the conflicts found (one line
    each: node, property, the base's value and the source's), also written into `out` as editorial notes."""
    one, _ = single_valued()
    conflicts: list[str] = []
    for node in sorted({s for s in out.subjects() if isinstance(s, URIRef) and (s, None, None) in base}):
        for prop in sorted(one):
            conflicts += _conflicts(out, base, node, prop, source)
        known = {fold(str(o)) for p in LABELS for o in base.objects(node, p)}
        for prop, value in sorted(out.predicate_objects(node)):
            if prop in LABELS and fold(str(value)) not in known:
                out.add((node, SKOS.altLabel, value))  # a name the base does not know yet
                known.add(fold(str(value)))
            if prop not in ADDED or (prop == SKOS.altLabel and (node, prop, value) in base):
                _drop(out, node, prop, value)
    return conflicts


def settle(out: Graph) -> None:
    """One output's own doubles: a second name in a language becomes an altLabel, a second value of a
    one-valued property goes (the first in a stable order stays)."""
    one, per_language = single_valued()
    for node in sorted({s for s in out.subjects() if isinstance(s, URIRef)}):
        for prop in per_language:
            by_language: dict[str | None, list[Literal]] = {}
            for lit in sorted(o for o in out.objects(node, prop) if isinstance(o, Literal)):
                by_language.setdefault(lit.language, []).append(lit)
            for extra in (lit for values in by_language.values() for lit in values[1:]):
                _demote(out, node, prop, extra)
        for prop in one:
            values = sorted(out.objects(node, prop), key=str)
            for extra in values[1:]:
                _drop(out, node, prop, extra)


def _conflicts(out: Graph, base: Graph, node: URIRef, prop: URIRef, source: str) -> list[str]:
    """A one-valued literal the source gives and the base does not (a date, a number): noted, not kept."""
    theirs = list(base.objects(node, prop))
    if not theirs or not all(isinstance(t, Literal) for t in theirs):
        return []
    return [_note(out, node, prop, theirs[0], value, source) for value in sorted(out.objects(node, prop), key=str)
            if isinstance(value, Literal) and value not in theirs]


def _note(out: Graph, node: URIRef, prop: URIRef, theirs: object, ours: Literal, source: str) -> str:
    """A conflict for the reviewer, on the node in both languages; returns its line for stderr."""
    name = out.namespace_manager.normalizeUri(prop)
    labels = lexicon().grammar.labels
    for lang in ("vi", "en"):
        text = labels[f"conflict_note_{lang}"].format(source=source, prop=name, ours=ours, theirs=theirs)
        out.add((node, SKOS.editorialNote, Literal(text, lang=lang)))
    return f"{node} {name}: the base has {theirs}, {source} says {ours}"


def _demote(out: Graph, node: URIRef, prop: URIRef, lit: Literal) -> None:
    out.remove((node, prop, lit))
    if prop == SKOS.prefLabel:
        out.add((node, SKOS.altLabel, lit))


def _drop(out: Graph, node: URIRef, prop: URIRef, value: object) -> None:
    """Remove a value; a blank node it leaves unreferenced (a period's interval) goes with its own triples."""
    out.remove((node, prop, value))
    if isinstance(value, BNode) and (None, None, value) not in out:
        _drop_tree(out, [value])


def _drop_tree(out: Graph, nodes: Iterable[BNode]) -> None:
    todo = list(nodes)
    while todo:
        node = todo.pop()
        for _, _, value in list(out.triples((node, None, None))):
            out.remove((node, None, value))
            if isinstance(value, BNode) and (None, None, value) not in out:
                todo.append(value)
