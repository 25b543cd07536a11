"""`phoihop eval`: how much of a gold annotation file a graph contains, read through the public terms.

The gold format is the acceptance annotation format (actors with surface forms, instruments with
numbers, persons, commitments with lead and partners); a graph is read only through the terms
researchers rely on: skos:prefLabel/altLabel (and rdfs:label, foaf:name), eli:id_local,
ph:Commitment + ph:leadActor/ph:partnerActor, prov:wasDerivedFrom -> dct:identifier.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .namespaces import sparql_prologue
from .normalize import normalize
from .store import load_files

_PUNCT = re.compile(r"[\s\-–—_.,;:()\"'“”‘’/]+")
CATEGORIES = ("actors", "instruments", "persons", "commitments", "provenance")
_GOLD_KEYS = ("actors", "instruments", "persons", "commitments")


def name_key(text: str) -> str:
    """Names compare equal when they differ only in case, spacing, punctuation or tone-mark placement."""
    return _PUNCT.sub(" ", normalize(str(text)).casefold()).strip()


def number_key(text: str) -> str:
    """Numbers compare equal regardless of spaces, case, a 'Số:' prefix and Đ/D."""
    text = unicodedata.normalize("NFC", str(text)).upper().replace(" ", "")
    return text.removeprefix("SỐ:").removeprefix("SỐ").replace("Đ", "D")


@dataclass
class Category:
    """Hits and misses for one category of the gold file."""

    hits: int = 0
    total: int = 0
    missing: list[str] = field(default_factory=list)

    def add(self, ok: bool, label: str) -> None:
        self.total += 1
        if ok:
            self.hits += 1
        elif label:
            self.missing.append(label)

    @property
    def percent(self) -> float:
        return 100.0 * self.hits / self.total if self.total else 100.0


@dataclass
class Scores:
    """Coverage per category and overall (provenance is reported but not in the overall figure)."""

    categories: dict[str, Category]

    @property
    def overall(self) -> float:
        parts = [c for name, c in self.categories.items() if name != "provenance"]
        total = sum(c.total for c in parts)
        return 100.0 * sum(c.hits for c in parts) / total if total else 0.0

    def to_text(self) -> str:
        lines = []
        for name, c in self.categories.items():
            missing = f"  missing: {c.missing[:8]}" if c.missing else ""
            lines.append(f"{name}: {c.hits}/{c.total} ({c.percent:.0f}%){missing}")
        lines.append(f"overall: {self.overall:.1f}%")
        return "\n".join(lines)


class GraphView:
    """The parts of a graph the public terms expose, indexed for lookup."""

    def __init__(self, store: ox.Store):
        def rows(body: str):
            return store.query(sparql_prologue() + body, use_default_graph_as_union=True)

        self.by_name: dict[str, set[str]] = defaultdict(set)
        for r in rows("SELECT ?s ?l WHERE { VALUES ?p { skos:prefLabel skos:altLabel rdfs:label foaf:name } "
                      "?s ?p ?l }"):
            self.by_name[name_key(r["l"].value)].add(r["s"].value)
        self.numbers = {number_key(r["n"].value) for r in rows("SELECT ?n WHERE { ?s eli:id_local ?n }")}
        self.legal_labels = [name_key(r["l"].value) for r in rows(
            "SELECT ?l WHERE { ?c rdfs:subClassOf* eli:LegalResource . ?s a ?c . "
            "VALUES ?p { skos:prefLabel skos:altLabel rdfs:label } ?s ?p ?l }")]
        self.sources: dict[str, set[str]] = defaultdict(set)
        for r in rows("SELECT ?s ?id WHERE { ?s prov:wasDerivedFrom ?d . ?d dct:identifier ?id }"):
            self.sources[r["s"].value].add(r["id"].value)
        self.leads: dict[str, set[str]] = defaultdict(set)
        self.partners: dict[str, set[str]] = defaultdict(set)
        self.commitments: set[str] = set()
        for r in rows("SELECT ?c ?l ?p WHERE { ?c a ph:Commitment . OPTIONAL { ?c ph:leadActor ?l } "
                      "OPTIONAL { ?c ph:partnerActor ?p } }"):
            c = r["c"].value
            self.commitments.add(c)
            if r["l"] is not None:
                self.leads[c].add(r["l"].value)
            if r["p"] is not None:
                self.partners[c].add(r["p"].value)
        self.legal_nodes = {r["s"].value for r in rows(
            "SELECT DISTINCT ?s WHERE { ?c rdfs:subClassOf* eli:LegalResource . ?s a ?c }")}

    def named(self, names) -> set[str]:
        found: set[str] = set()
        for n in names:
            found |= self.by_name.get(name_key(n), set())
        return found


def score(gold: dict, view: GraphView, only: set[str] | None = None) -> Scores:
    """Score a graph against a gold annotation dict."""
    def keep(item: dict) -> bool:
        files = {e["file"] for e in item.get("evidence", [])}
        return only is None or not files or bool(files & only)

    cats = {name: Category() for name in CATEGORIES}
    actor_nodes = {a.get("id") or a["name"]: view.named([a["name"], *a.get("surface_forms", [])])
                   for a in gold.get("actors", [])}
    for a in gold.get("actors", []):
        if keep(a):
            cats["actors"].add(bool(actor_nodes[a.get("id") or a["name"]]), a["name"])
    for ins in gold.get("instruments", []):
        if not keep(ins):
            continue
        if ins.get("number"):
            cats["instruments"].add(number_key(ins["number"]) in view.numbers, ins["number"])
        else:
            want = name_key(ins.get("name") or ins.get("title_or_subject") or "")
            ok = bool(want) and any(len(lab) > 6 and (want in lab or lab in want) for lab in view.legal_labels)
            cats["instruments"].add(ok, ins.get("name") or ins.get("title_or_subject") or "")
    for p in gold.get("persons", []):
        if keep(p):
            cats["persons"].add(bool(view.named([p["name"]])), p["name"])
    for c in gold.get("commitments", []):
        if keep(c):
            cats["commitments"].add(_commitment_found(c, view, actor_nodes), c.get("clause") or c["action"][:60])
    facts = view.commitments | view.legal_nodes
    for node in facts:
        cats["provenance"].add(bool(view.sources.get(node)), "")
    return Scores(cats)


def _commitment_found(c: dict, view: GraphView, actor_nodes: dict[str, set[str]]) -> bool:
    files = {e["file"] for e in c.get("evidence", [])}
    lead = set().union(*(actor_nodes.get(a, set()) for a in c.get("lead", [])))
    partners = [actor_nodes.get(a, set()) for a in c.get("partners", [])]
    for node in view.commitments:
        if files and not view.sources.get(node, set()) & files:
            continue
        leads = view.leads[node]
        if c.get("lead") and not leads & lead:
            continue
        linked = leads | view.partners[node]
        if partners and 2 * sum(1 for p in partners if p & linked) < len(partners):
            continue
        return True
    return False


def evaluate(gold_path: str | Path, graphs: list[str | Path], only: set[str] | None = None) -> Scores:
    """Load the gold file and the graphs, and score them."""
    try:
        gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such gold file", path=gold_path) from None
    except json.JSONDecodeError as err:
        raise InputError(f"not JSON: {err.msg}", path=gold_path, line=err.lineno, column=err.colno) from None
    if not isinstance(gold, dict) or not any(isinstance(gold.get(k), list) for k in _GOLD_KEYS):
        raise InputError(f"not a gold annotation file: expected one JSON object with lists under "
                         f"{', '.join(_GOLD_KEYS)}", path=gold_path)
    view = GraphView(load_files(graphs))
    try:
        return score(gold, view, only)
    except (KeyError, TypeError, AttributeError) as err:  # an item without its name, a string for a list
        raise InputError(f"malformed gold annotation ({type(err).__name__}: {err}); see the gold FORMAT.md",
                         path=gold_path) from None
