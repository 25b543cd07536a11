"""Every table the passes read (data/lexicon/*.csv, the gazetteer, the SKOS schemes), loaded once.

The lexicon is data: kinds of bodies and their surface forms, sector names and their head words, sub-bodies,
institutions, laws, well-known instruments, titles, document types, frequencies, topics, cue phrases and
grammars. This module only reads and indexes it (tries of token sequences); it holds no Vietnamese itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from ..errors import DataInvalid
from ..gazetteer import Area, Gazetteer, load_gazetteer
from ..iris import issuer_codes, slug
from ..namespaces import PH
from ..resources import data_dir, ontology_dir
from .cues import Cues
from .grammar import Grammar, grammar, parse_number
from .publishers import Publishers
from .tokens import Trie


@dataclass(frozen=True)
class ActorKind:
    """A kind of body: a row of actors.csv, or one derived from a sector ("Sở Tài chính")."""

    key: str
    name_vi: str
    name_en: str
    cls: str
    scope: str  # national | local | any
    collective: bool = False
    strict: bool = False
    parent: str | None = None
    national_key: str | None = None
    tiered: bool = False  # a district's body sits under the province's body of the same kind


@dataclass(frozen=True)
class SectorHead:
    """A row of sector_heads.csv: "Sở", "Bộ", "Phòng" before a sector name."""

    head: str
    code: str
    cls: str
    name_en: str
    level: str  # national | province | district
    group: str
    same_as: str = ""  # a head that names the same bodies ("Công đoàn" as "Công đoàn ngành")

    @property
    def scope(self) -> str:
        return "national" if self.level == "national" else "local"


@dataclass(frozen=True)
class SubBody:
    prefix: str
    name_en: str
    kind: str  # organ | unit | leadership
    named: bool = False  # the prefix heads the unit's own name ('Phòng An ninh kinh tế'), not the whole of it


@dataclass(frozen=True)
class Institution:
    head: str
    cls: str
    name_en: str
    scope: str = "any"  # national: a ministry's department ('Cục', 'Vụ') is the nation's unless a place follows


@dataclass(frozen=True)
class Law:
    name_vi: str
    name_en: str
    kind: str  # notation of the doctype: HP, BL, L, HD; "-" for a document of no scheme type
    issuer: str = "quoc-hoi"  # actors.csv key of the body that adopts it
    iri_key: str = ""  # "<issuer segment>/<key>" of its IRIs when not the issuer's code and the name's slug


@dataclass(frozen=True)
class LawEdition:
    """A row of law_editions.csv: one edition of a law, code or charter and when it applied."""

    name_vi: str
    year: int
    in_force_from: dt.date | None
    in_force_until: dt.date | None


@dataclass(frozen=True)
class KnownInstrument:
    """A row of known_instruments.csv: what a text may leave out when it cites this instrument."""

    number: str
    notation: str
    issuer: str  # actors.csv key
    date: dt.date
    subject_vi: str
    subject_en: str


@dataclass(frozen=True)
class DocType:
    iri: URIRef | None  # None: a plain word for a document, not a type of the doctype scheme
    notation: str
    cls: str  # local name of the ph class
    label_vi: str
    label_en: str

    @property
    def is_agreement(self) -> bool:
        return self.cls in ("CoordinationProgramme", "CoordinationRegulation")


@dataclass(frozen=True)
class Role:
    slug: str
    label_vi: str


@dataclass(frozen=True)
class Frequency:
    iri: URIRef
    label_vi: str
    label_en: str
    times: int | None
    duration: str | None


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of data/lexicon/<name> (comment lines start with '#')."""
    path = data_dir() / "lexicon" / name
    try:
        with path.open(encoding="utf-8") as handle:
            return list(csv.DictReader(line for line in handle if not line.startswith("#")))
    except OSError as err:
        raise DataInvalid(f"cannot read lexicon table: {err.strerror or err}", path=path) from None


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _scheme(name: str) -> Graph:
    path = ontology_dir() / "schemes" / name
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except (OSError, SyntaxError, ValueError) as err:
        raise DataInvalid(f"cannot read concept scheme: {err}", path=path) from None
    return g


def _labels(g: Graph, concept, lang: str, alt: bool = True) -> list[str]:
    props = (SKOS.prefLabel, SKOS.altLabel) if alt else (SKOS.prefLabel,)
    return [str(o) for p in props for o in g.objects(concept, p) if getattr(o, "language", None) == lang]


def _pref(g: Graph, concept, lang: str) -> str:
    labels = _labels(g, concept, lang, alt=False)
    return labels[0] if labels else ""


class Lexicon:
    """Every table the passes read, loaded once."""

    def __init__(self) -> None:
        self.gazetteer: Gazetteer = load_gazetteer()
        self.grammar: Grammar = grammar()
        self.cues = Cues.read(data_dir() / "lexicon" / "cues.csv")
        self._load_actors()
        self._load_instruments()
        self.surnames = frozenset(row["surname"] for row in read_table("surnames.csv"))
        self.role_orgs = {row["role"]: row["actor"] for row in read_table("role_orgs.csv")}
        markers = read_table("tail_markers.csv")
        self.page_tail = re.compile("|".join(f"(?:{r['pattern']})" for r in markers if r["kind"] == "page"), re.I)
        self.any_tail = re.compile("|".join(f"(?:{r['pattern']})" for r in markers), re.I)
        self.area_types = {row["word"]: (row["level"], row["name_en"]) for row in read_table("area_types.csv")}
        self.publishers = Publishers.build(read_table("publishers.csv"), self.gazetteer)
        self._load_schemes()
        for known in (k for rows in self.known.values() for k in rows):
            if parse_number(known.number, self.notations) is None or known.notation not in self.doctypes:
                raise DataInvalid(f"unreadable number or type in the row of {known.number!r}",
                                  path=data_dir() / "lexicon" / "known_instruments.csv")
        self.area_trie = Trie()
        for form in self.gazetteer.forms():
            self.area_trie.add(form, form)
        # body key -> issuer code ("lien-doan-lao-dong" -> "ldld"), for IRIs of instruments named by parties
        self.short_codes: dict[str, str] = {}
        for row in issuer_codes():
            if re.fullmatch(r"[a-z]+", row.pattern.pattern) and row.actor and "|" not in row.actor:
                self.short_codes.setdefault(row.actor, row.pattern.pattern)

    def _load_actors(self) -> None:
        self.kinds: dict[str, ActorKind] = {}
        self.actor_trie = Trie()
        for row in read_table("actors.csv"):
            kind = ActorKind(row["key"], row["name_vi"], row["name_en"], row["class"], row["scope"],
                             row["collective"] == "yes", row["strict"] == "yes", row["parent"] or None,
                             row["national_key"] or None, (row.get("tiered") or "") == "yes")
            self.kinds[kind.key] = kind
            for form in {kind.name_vi, *_split(row["forms"])}:
                self.actor_trie.add(form, kind.key)
            for form in _split(row["exact"]):
                self.actor_trie.add(form, kind.key, exact=True)
        self.sector_trie = Trie()
        self.sectors: list[tuple[str, str, str]] = []  # name, English name, first abbreviation
        self.union_names: dict[str, str] = {}  # sector name -> its name after "Công đoàn (ngành)"
        self.sector_heads = {row["head"]: SectorHead(row["head"], row["code"], row["class"], row["name_en"],
                                                     row["level"], row["group"], row.get("same_as") or "")
                             for row in read_table("sector_heads.csv")}
        self.head_trie = Trie()
        for head in self.sector_heads:
            self.head_trie.add(head, head)
        for row in read_table("sectors.csv"):
            name = row["name_vi"]
            self.sectors.append((name, row["name_en"], (_split(row["abbreviations"]) or [""])[0]))
            for form in {name, *_split(row.get("forms"))}:
                self.sector_trie.add(form, (name, row["name_en"]))
            for abbr in _split(row["abbreviations"]):
                self.sector_trie.add(abbr, (name, row["name_en"]), exact=True)
            if row.get("union"):
                self.union_names[name] = row["union"]
        self.subbody_trie = Trie()
        for row in read_table("subbodies.csv"):
            self.subbody_trie.add(row["prefix"], SubBody(row["prefix"], row["name_en"], row["kind"],
                                                                 row.get("named") == "yes"))
        self.institution_trie = Trie()
        for row in read_table("institutions.csv"):
            self.institution_trie.add(row["head"], Institution(row["head"], row["class"], row["name_en"],
                                                               row.get("scope") or "any"),
                                      exact=True)
        self.stopwords = frozenset(row["word"] for row in read_table("stopwords.csv"))
        self.stop_trie = Trie()
        for word in self.stopwords:
            self.stop_trie.add(word, word)

    def _load_instruments(self) -> None:
        self.law_trie = Trie()
        for row in read_table("laws.csv"):
            kind = row.get("type") or next((code for words, code in self.grammar.law_kinds.items()
                                            if row["name_vi"].startswith(words)), "L")
            law = Law(row["name_vi"], row["name_en"], kind, row.get("issuer") or "quoc-hoi", row.get("iri") or "")
            for form in {row["name_vi"], *_split(row["forms"])}:
                self.law_trie.add(form, law)
        self.law_editions: dict[str, list[LawEdition]] = {}
        for row in read_table("law_editions.csv"):
            try:
                edition = LawEdition(row["name_vi"], int(row["year"]), _day(row["in_force_from"]),
                                     _day(row["in_force_until"]))
            except (TypeError, ValueError) as err:
                raise DataInvalid(f"bad row for {row.get('name_vi')!r}: {err}",
                                  path=data_dir() / "lexicon" / "law_editions.csv") from None
            self.law_editions.setdefault(edition.name_vi, []).append(edition)
        self.known: dict[str, list[KnownInstrument]] = {}
        self.known_trie = Trie()  # subjects, so that a quoted subject alone cites its instrument
        for row in read_table("known_instruments.csv"):
            try:
                known = KnownInstrument(row["number"], row["type"], row["issuer"], dt.date.fromisoformat(row["date"]),
                                        row["subject_vi"], row["subject_en"])
            except (TypeError, ValueError) as err:
                raise DataInvalid(f"bad row for {row.get('number')!r}: {err}",
                                  path=data_dir() / "lexicon" / "known_instruments.csv") from None
            self.known.setdefault(known.number.upper(), []).append(known)  # Party numbers restart each term
            for form in {known.subject_vi, *_split(row["forms"])}:
                self.known_trie.add(form, known)
        # full names of congresses that texts shorten ("Đại hội XIII của Đảng"), by body key
        self.congresses = {row["body"]: row["name"] for row in read_table("congresses.csv")}

    def _load_schemes(self) -> None:
        g = _scheme("doctype.ttl")
        self.doctype_trie = Trie()
        self.notations: dict[str, DocType] = {}
        self.doctypes: dict[str, DocType] = {}
        for concept in g.subjects(RDF.type, SKOS.Concept):
            cls = g.value(concept, PH.instrumentClass)
            notation = g.value(concept, SKOS.notation)
            if cls is None or notation is None:
                continue
            dtype = DocType(URIRef(concept), str(notation), str(cls).split("#")[-1],
                            _pref(g, concept, "vi"), _pref(g, concept, "en"))
            self.notations[str(notation).upper()] = dtype
            self.doctypes[str(notation)] = dtype
            for label in _labels(g, concept, "vi"):
                self.doctype_trie.add(label, dtype)
        for row in read_table("type_words.csv"):
            self.doctype_trie.add(row["word"], DocType(None, "", "OtherInstrument", row["word"], row["name_en"]))
        self._load_frequencies()
        self._load_topics()
        g = _scheme("role.ttl")
        self.role_trie = Trie()
        for concept in g.subjects(RDF.type, SKOS.Concept):
            role = Role(str(concept).rsplit("/", 1)[-1], _pref(g, concept, "vi"))
            for label in _labels(g, concept, "vi"):
                self.role_trie.add(label, role)

    def _load_frequencies(self) -> None:
        g = _scheme("frequency.ttl")
        self.freq_trie = Trie()
        self.freq_by_period: dict[tuple[int, str], Frequency] = {}
        for concept in g.subjects(RDF.type, SKOS.Concept):
            times = g.value(concept, PH.timesPerPeriod)
            duration = g.value(concept, PH.periodDuration)
            freq = Frequency(URIRef(concept), _pref(g, concept, "vi"), _pref(g, concept, "en"),
                             int(times) if times is not None else None, str(duration) if duration else None)
            if freq.times and freq.duration:
                self.freq_by_period.setdefault((freq.times, freq.duration), freq)
            for label in _labels(g, concept, "vi"):
                self.freq_trie.add(label, freq)

    def _load_topics(self) -> None:
        g = _scheme("topic.ttl")
        self.topic_trie = Trie()
        weights: dict[tuple[str, str], int] = {}  # (phrase, topic) -> weight; a keyword row may raise a label's 2
        for concept in g.subjects(RDF.type, SKOS.Concept):
            code = str(concept).rsplit("/", 1)[-1]
            for label in _labels(g, concept, "vi"):
                weights[(label.lower(), code)] = max(weights.get((label.lower(), code), 0), 2)
        for row in read_table("topic_keywords.csv"):
            key = (row["keyword"].lower(), row["topic"])
            weights[key] = int(row["weight"]) if key not in weights else max(weights[key], int(row["weight"]))
        for (phrase, code), weight in sorted(weights.items()):
            self.topic_trie.add(phrase, (code, weight))

    def issuer_kind(self, code_row_actor: str, area: Area | None) -> ActorKind | None:
        """The actor kind an issuers.csv actor value names ('tinh-uy|thanh-uy' picks by area)."""
        if "|" in code_row_actor:
            province, city = code_row_actor.split("|", 1)
            code_row_actor = city if area is not None and area.is_city else province
        if code_row_actor in self.kinds:
            return self.kinds[code_row_actor]
        for name, name_en, _ in self.sectors:
            for head in self.heads("national"):
                if slug(f"{head} {name}") == code_row_actor:
                    return self.sector_kind(head, name, name_en)
        return None

    def edition_in_force(self, name_vi: str, day: dt.date) -> int | None:
        """The edition year of a law in force on a day (law_editions.csv); a day before its first listed
        edition takes that first one, a law the table does not list has none."""
        editions = sorted(self.law_editions.get(name_vi, ()), key=lambda e: e.year)
        for ed in editions:
            if (ed.in_force_from is None or ed.in_force_from <= day) and (
                    ed.in_force_until is None or day < ed.in_force_until):
                return ed.year
        if editions and editions[0].in_force_from is not None and day < editions[0].in_force_from:
            return editions[0].year
        return None

    def heads(self, level: str) -> list[str]:
        """Head words of offices at a level ('Sở' for province)."""
        return [h.head for h in self.sector_heads.values() if h.level == level]

    def sector_kind(self, head: str, name: str, name_en: str) -> ActorKind:
        """The kind of office a head word and a sector name make ("Sở" + "Tài chính")."""
        head = self.sector_heads[head].same_as or head
        row = self.sector_heads[head]
        union = row.cls == "LabourUnion"
        full = f"{head} {self.union_names.get(name, name) if union else name}"
        parent = None if row.scope == "national" else ("lien-doan-lao-dong" if union else "uy-ban-nhan-dan")
        return ActorKind(slug(full), full, f"{row.name_en} {name_en}", row.cls, row.scope, parent=parent)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon of the project's data and ontology folders (read once per process)."""
    return Lexicon()
