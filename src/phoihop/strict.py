"""Strict scoring of extracted graphs against gold annotations: precision AND recall, aligned one to one.

`phoihop eval` (evaluate.py) measures how much of a gold file a curated graph contains; this module judges an
ingest output the way the project's acceptance scorer documents it, so that it works without ../shared (the
unseen fixtures of tests/fixtures/ingest/unseen carry their own gold):

  actors       a label equal to the gold name or one of its surface forms, AND the right place when the gold
               names one (its slug in the actor's IRI or dct:spatial)
  instruments  the number, else the gold title contains a label (or a label the title), else type and date
  commitments  a lead in common, at least half the gold partners among the leads and partners; one-to-one,
               the best action-word overlap first
  persons      the name; events: the date, or three name words in common

Every output node of a kind the gold judges counts toward precision; the unmatched ones are the false facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from .evaluate import name_key, number_key
from .iris import slug
from .namespaces import ELI, ID, PH

KINDS = ("actors", "instruments", "commitments", "persons", "events")
_PLACE_WORD = re.compile(r"^(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã|xã|phường)\s+", re.I)


@dataclass
class KindScore:
    """One kind: matches, gold items, output nodes, what was missed and what is false."""

    tp: int = 0
    gold: int = 0
    out: int = 0
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)


@dataclass
class Score:
    kinds: dict[str, KindScore]

    @property
    def judged(self) -> list[KindScore]:
        return [k for k in self.kinds.values() if k.gold]  # a kind the gold says nothing about is not judged

    @property
    def precision(self) -> float:
        out = sum(k.out for k in self.judged)
        return sum(k.tp for k in self.judged) / out if out else 0.0

    @property
    def recall(self) -> float:
        gold = sum(k.gold for k in self.judged)
        return sum(k.tp for k in self.judged) / gold if gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def gaps(self) -> dict[str, dict[str, list[str]]]:
        """Misses and false facts per judged kind: what a known-gaps list records."""
        return {name: {"missed": sorted(k.missed), "false": sorted(k.false)}
                for name, k in self.kinds.items() if k.gold and (k.missed or k.false)}


def place_slug(jurisdiction: str | None) -> str | None:
    """'tỉnh Tuyên Quang (from the site)' -> 'tuyen-quang'; None for the nation or no place."""
    if not jurisdiction or slug(jurisdiction).startswith("viet-nam"):
        return None
    head = re.sub(r"\(.*?\)", "", jurisdiction).split(",")[0].strip()
    return slug(_PLACE_WORD.sub("", head)) or None


def _words(text: str) -> set[str]:
    return {w for w in name_key(text).split() if len(w) > 1}


def _greedy(pairs: Iterable[tuple[float, int, URIRef]]) -> dict[int, URIRef]:
    """One-to-one matches, best score first (ties by gold order, then IRI, so that runs agree)."""
    used_gold: set[int] = set()
    used_out: set[URIRef] = set()
    match: dict[int, URIRef] = {}
    for _, gi, node in sorted(pairs, key=lambda p: (-p[0], p[1], str(p[2]))):
        if gi not in used_gold and node not in used_out:
            used_gold.add(gi)
            used_out.add(node)
            match[gi] = node
    return match


class _Output:
    """An output graph seen through the public terms, restricted to one source document if asked."""

    def __init__(self, g: Graph, only: str | None = None):
        self.g = g
        self.labels: dict[URIRef, set[str]] = {}
        for prop in (SKOS.prefLabel, SKOS.altLabel, RDFS.label, FOAF.name):
            for s, o in g.subject_objects(prop):
                self.labels.setdefault(s, set()).add(name_key(o))
        subjects = {s for s in g.subjects() if isinstance(s, URIRef)}

        def under(kind: str) -> set[URIRef]:
            return {s for s in subjects if str(s).startswith(f"{ID}{kind}/") and "/commitment/" not in str(s)}

        commitments = set(g.subjects(RDF.type, PH.Commitment))
        self.nodes = {
            "actors": under("actor"),
            "instruments": (under("instrument") | set(g.subjects(ELI.id_local, None))) - commitments,
            "commitments": commitments,
            "persons": set(g.subjects(RDF.type, FOAF.Person)),
            "events": under("event"),
        }
        if only:
            docs = {d for d, i in g.subject_objects(DCTERMS.identifier) if str(i) == only}
            mine = {n for n, d in g.subject_objects(PROV.wasDerivedFrom) if d in docs}
            self.nodes = {k: v & mine for k, v in self.nodes.items()}

    def text(self, node, *props) -> str:
        return " ".join(str(o) for p in props for o in self.g.objects(node, p))

    def name(self, node: URIRef) -> str:
        return min(self.labels.get(node, {str(node)}))


def _actors(gold: list[dict], out: _Output, res: KindScore) -> dict[str, URIRef]:
    pairs = []
    for i, a in enumerate(gold):
        names = {name_key(a["name"]), *(name_key(s) for s in a.get("surface_forms", []))}
        want = place_slug(a.get("jurisdiction"))
        for node in out.nodes["actors"]:
            labels = out.labels.get(node, set())
            if not labels & names:
                continue
            where = " ".join([str(node), *(str(o) for o in out.g.objects(node, DCTERMS.spatial))])
            if want is None or want in where:
                pairs.append((2 + (name_key(a["name"]) in labels), i, node))
    match = _greedy(pairs)
    _tally(res, gold, match, out, "actors", lambda a: a["name"])
    by_ref: dict[str, URIRef] = {}
    for i, node in match.items():
        by_ref[gold[i].get("id") or gold[i]["name"]] = node
        by_ref[gold[i]["name"]] = node
    return by_ref


def _instrument_matches(ins: dict, node: URIRef, out: _Output) -> bool:
    if ins.get("number"):
        return number_key(ins["number"]) in {number_key(n) for n in out.g.objects(node, ELI.id_local)}
    want = name_key(ins.get("title") or ins.get("title_or_subject") or ins.get("name") or "")
    labels = out.labels.get(node, set())
    if want:
        return any(len(lab) > 6 and (want in lab or lab in want) for lab in labels)
    dates = {str(d)[:10] for d in out.g.objects(node, ELI.date_document)}
    kind = name_key(ins.get("type") or "")
    return bool(ins.get("issue_date")) and ins["issue_date"][:10] in dates and any(kind in lab for lab in labels)


def _commitment_pairs(gold: list[dict], out: _Output, actors: dict[str, URIRef]):
    for i, c in enumerate(gold):
        lead = {actors[r] for r in c.get("lead") or [] if r in actors}
        partners = [{actors[p]} if p in actors else set() for p in c.get("partners", [])]
        if not lead:
            continue
        for node in out.nodes["commitments"]:
            leads = set(out.g.objects(node, PH.leadActor))
            linked = leads | set(out.g.objects(node, PH.partnerActor))
            if not leads & lead or (partners and 2 * sum(1 for p in partners if p & linked) < len(partners)):
                continue
            gw = _words(c.get("action", ""))
            ow = _words(out.text(node, PH.action, RDFS.label, SKOS.prefLabel, RDFS.comment))
            yield len(gw & ow) / (len(gw | ow) or 1), i, node


def _events_pairs(gold: list[dict], out: _Output):
    for i, e in enumerate(gold):
        for node in out.nodes["events"]:
            dates = {str(d)[:10] for d in out.g.objects(node, DCTERMS.date)}
            shared = len(_words(e.get("name", "")) & _words(out.text(node, SKOS.prefLabel)))
            if (e.get("date") and e["date"][:10] in dates) or shared >= 3:
                yield shared, i, node


def _tally(res: KindScore, gold: list[dict], match: dict[int, URIRef], out: _Output, kind: str, label) -> None:
    res.tp, res.gold, res.out = len(match), len(gold), len(out.nodes[kind])
    res.missed = [str(label(item))[:60] for i, item in enumerate(gold) if i not in match]
    res.false = [out.name(n) for n in out.nodes[kind] - set(match.values())]


def score(gold: dict, graph: Graph, only: str | None = None) -> Score:
    """Align one gold annotation (restricted to the items whose evidence names `only`) with a graph."""
    if only:
        gold = {k: [x for x in v if not isinstance(x, dict) or "evidence" not in x
                    or any(e.get("file") == only for e in x["evidence"])] if isinstance(v, list) else v
                for k, v in gold.items()}
    out = _Output(graph, only)
    kinds = {k: KindScore() for k in KINDS}
    actors = _actors(gold.get("actors", []), out, kinds["actors"])
    gins = gold.get("instruments", [])
    match = _greedy((1, i, n) for i, ins in enumerate(gins) for n in out.nodes["instruments"]
                    if _instrument_matches(ins, n, out))
    _tally(kinds["instruments"], gins, match, out, "instruments",
           lambda x: x.get("number") or x.get("title") or x.get("title_or_subject"))
    gcom = gold.get("commitments", [])
    _tally(kinds["commitments"], gcom, _greedy(_commitment_pairs(gcom, out, actors)), out, "commitments",
           lambda x: x.get("clause") or x.get("action", ""))
    gper = gold.get("persons", [])
    match = _greedy((1, i, n) for i, p in enumerate(gper) for n in out.nodes["persons"]
                    if name_key(p["name"]) in out.labels.get(n, set()))
    _tally(kinds["persons"], gper, match, out, "persons", lambda x: x["name"])
    gev = gold.get("events", [])
    _tally(kinds["events"], gev, _greedy(_events_pairs(gev, out)), out, "events", lambda x: x.get("name"))
    return Score(kinds)

