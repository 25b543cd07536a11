"""The attributes of network nodes (label, type, level, area, number, date, topics, years), combined in
Python from the one-fact-per-row answer of queries/network/node-facts.rq.

queries/network/node-attributes.rq defines these attributes in SPARQL (and stays the reference a
researcher can run); evaluated per node it costs eighteen OPTIONAL joins, about 0.25 s per 2,000-node
batch at 1M triples whatever the batch size, and it was run twice per network. Here the graph is read
once, each fact by one scan, and each node's attributes are combined on first use and kept, so every
network of one export shares them. tests/test_export.py checks that both give the same attributes.

Where node-attributes.rq takes COALESCE(a, b, c) of candidate values, a rule below lists the candidate
paths by rank: the first rank that reaches any value wins, and MIN (or MAX) of its values is taken.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping

Path = tuple[str, ...]  # keys of node-facts.rq followed from a node: ("responsible", "spatial", "areaLevel")
Rule = tuple[tuple[Path, ...], ...]  # candidate paths, best rank first

LEVEL: Rule = ((("level",), ("areaLevel",)), (("spatial", "areaLevel"),), (("responsible", "level"),),
               (("responsible", "spatial", "areaLevel"),))
AREA: dict[str, Rule] = {  # the area's name, by language, of a node that is not an area itself
    lang: ((("spatial", f"label@{lang}"),), (("responsible", "spatial", f"label@{lang}"),)) for lang in ("vi", "en")}
YEAR_FROM: Rule = ((("begin",),), (("programme", "begin"),), (("date",), ("programme", "date")))
YEAR_TO: Rule = ((("end",),), (("begin",),), (("programme", "end"),), (("programme", "begin"),),
                 (("date",), ("programme", "date")))
MAX_YEARS = 100  # a period longer than this is a data error; it is not expanded year by year
_YEAR = re.compile(r"-?\d{4,}")
_NONE: dict[str, list[str]] = {}
_EMPTY: list[str] = []  # shared, never mutated


def local_name(iri: str) -> str:
    """The code ending a class or concept IRI: ph:LabourUnion -> LabourUnion, id:topic/x -> x."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def years(first: int | None, last: int | None) -> list[int]:
    """Every year of a period; a single year when the end is missing, before the start or too far."""
    if first is None:
        return []
    last = first if last is None or last < first or last - first > MAX_YEARS else last
    return list(range(first, last + 1))


def _year(value: str) -> int | None:
    match = _YEAR.match(value)
    return int(match.group()) if match else None


class NodeAttributes(Mapping[str, dict]):
    """node IRI -> its attributes, for every node the facts mention (computed on first access, then kept).

    A node with no fact at all is not in the mapping (callers give dangling references a bare entry).
    """

    def __init__(self, rows: Iterable[tuple[str, str, str]]):
        facts: dict[str, dict[str, list[str]]] = {}
        for node, key, value in rows:  # plain dicts: a million rows at national scale
            known = facts.get(node)
            if known is None:
                facts[node] = {key: [value]}
            elif key in known:
                known[key].append(value)
            else:
                known[key] = [value]
        self._facts = facts
        self._done: dict[str, dict] = {}
        self._items: dict[str, dict] = {}
        self._scopes: dict[str, dict] = {}
        self._supers: dict[str, set[str]] | None = None
        self._commitments: dict[str, list[str]] | None = None

    # --- Mapping --------------------------------------------------------------------------------------
    def __getitem__(self, iri: str) -> dict:
        done = self._done.get(iri)
        if done is None:
            if iri not in self._facts:
                raise KeyError(iri)
            done = self._done[iri] = self._combine(iri)
        return done

    def __contains__(self, iri: object) -> bool:
        return iri in self._facts

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)

    # --- combining ------------------------------------------------------------------------------------
    def _values(self, node: str, key: str) -> list[str]:
        return self._facts.get(node, _NONE).get(key, _EMPTY)

    def _follow(self, node: str, path: Path) -> list[str]:
        facts = self._facts
        frontier = facts.get(node, _NONE).get(path[0], _EMPTY)
        for key in path[1:]:
            if not frontier:
                break
            frontier = [value for at in frontier for value in facts.get(at, _NONE).get(key, _EMPTY)]
        return frontier

    def _ranked(self, node: str, rule: Rule) -> list[str]:
        """The values of the first rank of the rule that reaches any."""
        for rank in rule:
            if len(rank) == 1:
                found = self._follow(node, rank[0])
            else:
                found = [value for path in rank for value in self._follow(node, path)]
            if found:
                return found
        return []

    def _supers_of(self) -> dict[str, set[str]]:
        """Every strict superclass of each class (rdfs:subClassOf closed transitively, cycles tolerated)."""
        if self._supers is None:
            direct = {node: set(facts["subClassOf"]) for node, facts in self._facts.items()
                      if "subClassOf" in facts}
            closed: dict[str, set[str]] = {}
            for cls in direct:
                seen, todo = set(), list(direct[cls])
                while todo:
                    parent = todo.pop()
                    if parent not in seen:
                        seen.add(parent)
                        todo.extend(direct.get(parent, ()))
                closed[cls] = seen - {cls}
            self._supers = closed
        return self._supers

    def _type(self, node: str) -> str | None:
        """The most specific phoihop class: one no other class of the node is a subclass of (MIN if many)."""
        types = set(self._values(node, "type"))
        if not types:
            return None
        supers = self._supers_of()
        broader = {parent for cls in types for parent in supers.get(cls, ())}
        specific = types - broader
        return local_name(min(specific or types))

    def _topics(self, node: str) -> list[str]:
        """Its own topics (ph:topic, dct:subject) and those of the commitments it holds (^ph:programme)."""
        if self._commitments is None:
            held: dict[str, list[str]] = defaultdict(list)
            for member, facts in self._facts.items():
                for programme in facts.get("programme", ()):
                    held[programme].append(member)
            self._commitments = dict(held)
        topics = set(self._values(node, "topic"))
        for commitment in self._commitments.get(node, ()):
            topics.update(self._values(commitment, "topic"))
        return sorted(local_name(t) for t in topics)

    def item(self, node: str) -> dict:
        """What a page needs to name a node: labels, number, date (cheap; kept once computed)."""
        done = self._items.get(node)
        if done is None:
            facts = self._facts.get(node, {})
            label_vi = min(facts.get("label@vi", ()), default=None)
            label_en = min(facts.get("label@en", ()), default=None)
            number = min(facts.get("number", ()), default=None)
            done = _present({"label": label_vi or label_en or number or local_name(node), "label_vi": label_vi,
                             "label_en": label_en, "iri": node, "number": number,
                             "clause": min(facts.get("clause", ()), default=None),
                             "date": min(facts.get("date", ()), default=None)})
            self._items[node] = done
        return done

    def scope(self, node: str) -> dict:
        """What the --topic and --year filters test: topics and years in force (kept once computed)."""
        done = self._scopes.get(node)
        if done is None:
            first = min(filter(None, map(_year, self._ranked(node, YEAR_FROM))), default=None)
            last = max(filter(None, map(_year, self._ranked(node, YEAR_TO))), default=None)
            done = self._scopes[node] = _present({"topics": self._topics(node), "years": years(first, last)})
        return done

    def _combine(self, node: str) -> dict:
        level = min(self._ranked(node, LEVEL), default=None)
        item = self.item(node)
        own = self._values(node, "areaLevel")  # an area is its own area
        kind = {"type": self._type(node), "level": local_name(level) if level else None}
        for lang, key in (("vi", "area"), ("en", "area_en")):
            kind[key] = (own and item.get(f"label_{lang}")) or min(self._ranked(node, AREA[lang]), default=None)
        attrs = {**item, **_present(kind), **self.scope(node)}
        order = ("label", "label_vi", "label_en", "type", "level", "area", "area_en", "iri", "number", "clause",
                 "date", "topics", "years")
        return {key: attrs[key] for key in order if key in attrs}


def _present(attrs: dict) -> dict:
    """The attributes that have a value (no None, empty string or empty list)."""
    return {k: v for k, v in attrs.items() if v not in (None, "", [])}
