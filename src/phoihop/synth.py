"""A synthetic all-Vietnam graph in phoihop's model, of any size, for benchmarks and scale tests.

The five source documents are a seed; the real corpus is every coordination agreement of every province,
district and ministry over two decades. `synth` writes a graph shaped like that corpus and conforming to the
shapes: national bodies and ministries, every province of the gazetteer with its People's Committee,
People's Council, Party committee, Labour Federation and departments, districts with their committee and
federation, Party and state instruments with correct number grammars, coordination programmes and
regulations between realistic pairs from 2005 to 2030 (each succeeding the one before, across the 2025
merger of provinces), commitments with leads, partners, topics, frequencies and targets, the persons who
sign them and their posts, signings, reviews and reported figures, and provenance for every fact
(synthetic source documents with text-position evidence). Documents are sized like real ones: an agreement's
text describes its 30-60 tasks, the instruments it cites, its signatories and their posts (about 50 nodes,
where the five seed programmes describe 23-99); a province's directory lists its bodies; a review reports on
several targets (data/synth/documents.csv).

Everything comes from tables (`synth_tables`): the gazetteer, the lexicon and data/synth/*.csv; a seed makes
the output byte-for-byte reproducible. Lines are streamed to the file (N-Triples or N-Quads, Turtle by
conversion), so millions of triples never sit in memory. The size is a target: generation stops after the
first agreement that reaches it, so the file holds a little more.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import hashlib
import logging
import os
import random
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Graph

from .atomic import atomic_write
from .errors import UsageError
from .gazetteer import Area, _legal_basis
from .iris import actor_iri, area_iri, instrument_iri, issuer_key, law_iri, number_slug, person_iri, slug, source_iri
from .namespaces import DCT, ELI, FOAF, ID, OA, ORG, PH, PROV, RDF, SKOS, TIME, XSD, graph_for_source
from .synth_tables import Action, Body, DocType, InstrumentKind, PairKind, Tables, load_tables

log = logging.getLogger("phoihop.synth")

PERIODS = ((2006, 2010), (2011, 2015), (2016, 2020), (2021, 2025), (2026, 2030))
ASSEMBLY_TERMS = (1992, 1997, 2002, 2007, 2011, 2016, 2021)  # first years of the 9th to 15th Assembly
DIRECTORY_YEAR = 2005  # the date of the directories of the places that existed before 2025
TRIPLES_PER_PROVINCE = 50_000  # provinces drawn per triple wanted: enough room for most of their pairs
MERGER = dt.date(2025, 7, 1)  # the day the 34 provinces replaced the 63 (and districts ceased as a tier)
DISTRICTS_END = dt.date(2025, 6, 30)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def parse_size(text: str | int) -> int:
    """'10k' -> 10_000, '1M' -> 1_000_000, '2500' -> 2500."""
    if isinstance(text, int):
        return text
    match = _SIZE.match(text)
    if not match:
        raise UsageError(f"not a size: {text!r} (write 10k, 100k, 1M or a number)")
    return int(float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()])


# --- N-Triples terms ---------------------------------------------------------------------------------------

def _iri(term: object) -> str:
    return f"<{term}>"


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
A = _iri(RDF.type)
PREF, ALT, NOTE = _iri(SKOS.prefLabel), _iri(SKOS.altLabel), _iri(SKOS.note)
DERIVED, EVIDENCE = _iri(PROV.wasDerivedFrom), _iri(PH.evidence)
XSD_DATE, XSD_DECIMAL, XSD_NNI = str(XSD.date), str(XSD.decimal), str(XSD.nonNegativeInteger)


def _lit(text: str, lang: str | None = None) -> str:
    quoted = '"' + text.translate(_ESCAPES) + '"'
    return f"{quoted}@{lang}" if lang else quoted


def _typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{datatype}>'


def _date(day: dt.date) -> str:
    return _typed(day.isoformat(), XSD_DATE)


def _vi_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def _en_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


class _Writer:
    """Buffered N-Triples / N-Quads lines with a running triple count."""

    def __init__(self, handle: IO[str], quads: bool):
        self.handle = handle
        self.quads = quads
        self.graph = ""
        self.count = 0
        self._buffer: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        graph = f" {self.graph}" if self.quads and self.graph else ""
        self._buffer.append(f"{s} {p} {o}{graph} .\n")
        self.count += 1
        if len(self._buffer) >= 50_000:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self._buffer))
        self._buffer.clear()


# --- the world being generated ---------------------------------------------------------------------------

@dataclass
class Place:
    """An area bodies serve: the nation, a province (before or after 2025) or a district."""

    path: tuple[str, ...]  # slugs: () nation, ("long-an",), ("long-an", "huyen-tan-hoa")
    level: str  # national | province | district
    name_vi: str  # "tỉnh Long An", "huyện Tân Hòa", "" for the nation
    bare_vi: str  # "Long An" (for "Tỉnh ủy Long An")
    name_en: str  # "Long An Province", "Tan Hoa District, Long An Province"
    is_city: bool = False
    suffix_vi: str = ""  # added to labels where two areas share a name: " (từ 01/07/2025)"
    province: Area | None = None
    districts: list[Place] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return _iri(area_iri(*self.path) if self.path else ID["area/viet-nam"])

    @property
    def key(self) -> str:
        return "/".join(self.path) or "viet-nam"


@dataclass
class Agreement:
    """What later steps need to know of an agreement already written."""

    iri: str
    number: str
    place: Place
    parties: tuple[Body, Body]
    actors: tuple[str, str]
    period: tuple[int, int]
    topics: tuple[str, ...]
    doc: str
    label_vi: str
    targets: list[tuple[str, Action]] = field(default_factory=list)  # its commitments with a target

    @property
    def key(self) -> str:
        """Unique among agreements: the slug of its IRI below id:instrument/ (issuer, year, number)."""
        return slug(self.iri[len(str(ID["instrument/"])) + 1:-1])


@dataclass
class SynthResult:
    """What `synth` wrote."""

    path: str
    triples: int
    counts: dict[str, int]
    seconds: float


class Generator:
    """Streams the synthetic world into a writer until it holds `target` triples."""

    def __init__(self, tables: Tables, writer: _Writer, target: int, seed: int):
        self.t = tables
        self.w = writer
        self.target = target
        self.seed = seed
        self.rng = random.Random(seed)
        self.counts: dict[str, int] = {}
        self._bnodes = 0
        self._done: set[str] = set()  # nodes already written (actors, persons, instruments, documents)
        self._cursor: dict[str, int] = {}  # evidence offset per source document
        self._numbers: dict[tuple[str, int, str], int] = {}
        self._people: set[str] = set()
        self._heads: dict[tuple[str, int], str] = {}
        self._successors: dict[tuple[str, int], Agreement] = {}
        self._bases: dict[str, str] = {}
        self._lifetimes: dict[str, str] = {}  # place key -> its bodies' shared validity interval
        self.agreements: list[Agreement] = []
        self.nation = Place((), "national", "", "Việt Nam", "Viet Nam")
        self._places: dict[str, Place] = {}

    # --- small helpers -----------------------------------------------------------------------------------
    def full(self) -> bool:
        return self.w.count >= self.target

    def sub_rng(self, *key: object) -> random.Random:
        """A generator of its own for one entity, so its content does not depend on what came before."""
        return random.Random(f"{self.seed}:" + ":".join(map(str, key)))

    def size(self, part: str, rng: random.Random | None = None) -> int:
        """How many of `part` one document holds (data/synth/documents.csv)."""
        return (rng or self.rng).randint(*self.t.sizes[part])

    def bnode(self) -> str:
        self._bnodes += 1
        return f"_:s{self._bnodes}"

    def count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def first_time(self, node: str) -> bool:
        if node in self._done:
            return False
        self._done.add(node)
        return True

    def in_graph(self, doc: str) -> None:
        self.w.graph = _iri(graph_for_source(doc[len(str(ID["source/"])) + 1:-1]))

    def labels(self, node: str, vi: str, en: str | None = None) -> None:
        self.w.add(node, PREF, _lit(vi, "vi"))
        if en:
            self.w.add(node, PREF, _lit(en, "en"))

    def interval(self, start: dt.date | None, end: dt.date | None) -> str:
        node = self.bnode()
        self.w.add(node, A, _iri(TIME.Interval))
        for prop, day in ((TIME.hasBeginning, start), (TIME.hasEnd, end)):
            if day is not None:
                instant = self.bnode()
                self.w.add(node, _iri(prop), instant)
                self.w.add(instant, A, _iri(TIME.Instant))
                self.w.add(instant, _iri(TIME.inXSDDate), _date(day))
        return node

    def source(self, stem: str, title_vi: str, title_en: str, day: dt.date, publisher: str) -> str:
        """A synthetic source document (the text itself is not written; its digest is of its name)."""
        node = _iri(source_iri(f"{stem}.txt"))
        if self.first_time(node):
            self.in_graph(node)
            w = self.w
            w.add(node, A, _iri(PH.SourceDocument))
            w.add(node, _iri(DCT.identifier), _lit(f"{stem}.txt"))
            w.add(node, _iri(PH.sha256), _lit(hashlib.sha256(stem.encode()).hexdigest()))
            w.add(node, _iri(DCT.title), _lit(title_vi, "vi"))
            w.add(node, _iri(DCT.title), _lit(title_en, "en"))
            w.add(node, _iri(DCT.date), _date(day))
            w.add(node, _iri(DCT.publisher), _lit(publisher))
            w.add(node, _iri(DCT.language), _lit("vi"))
            self.count("SourceDocument")
        return node

    def provenance(self, node: str, doc: str, span: str, rng: random.Random | None = None) -> None:
        """prov:wasDerivedFrom plus a text-position selector over the span where the name is written (`rng`:
        a generator of the node's own, so that adding a node does not move every later draw)."""
        w = self.w
        start = self._cursor.get(doc, 0) + (rng or self.rng).randint(20, 400)
        end = start + len(span)
        self._cursor[doc] = end
        annotation, evidence, selector = self.bnode(), self.bnode(), self.bnode()
        w.add(node, DERIVED, doc)
        w.add(node, EVIDENCE, annotation)  # a Web Annotation, as the provenance contract of issue 13 has it
        w.add(annotation, A, _iri(OA.Annotation))
        w.add(annotation, _iri(OA.motivatedBy), _iri(OA.identifying))
        w.add(annotation, _iri(OA.hasBody), node)
        w.add(annotation, _iri(OA.hasTarget), evidence)
        w.add(evidence, A, _iri(OA.SpecificResource))
        w.add(evidence, _iri(OA.hasSource), doc)
        w.add(evidence, _iri(OA.hasSelector), selector)
        w.add(selector, A, _iri(OA.TextPositionSelector))
        w.add(selector, _iri(OA.start), _typed(start, XSD_NNI))
        w.add(selector, _iri(OA.end), _typed(end, XSD_NNI))

    # --- places ------------------------------------------------------------------------------------------
    def province_place(self, area: Area) -> Place:
        if area.slug in self._places:
            return self._places[area.slug]
        shared = sum(1 for a in self.t.areas.values() if a.name_vi == area.name_vi) > 1
        suffix = ""
        if shared and area.valid_from:
            suffix = f" (từ {_vi_date(area.valid_from)})"
        elif shared and area.valid_until:
            suffix = f" (đến {_vi_date(area.valid_until)})"
        name_en = area.name_en if shared else re.sub(r"\s*\(.*\)$", "", area.name_en)
        place = Place((area.slug,), "province", area.label_vi, area.name_vi, name_en, area.is_city, suffix,
                      area)
        self._places[area.slug] = place
        return place

    def districts(self, province: Place) -> list[Place]:
        """The synthetic districts of a province (names drawn from data/synth/places.csv)."""
        if province.districts or province.province is None or province.province.valid_from is not None:
            return province.districts
        rng = self.sub_rng("districts", province.key)
        kinds = [k for k in self.t.district_kinds[province.is_city] if k[2] > 0]
        first, second = self.t.syllables
        names: set[str] = set()
        for _ in range(rng.randint(8, 14)):
            kind, kind_en, _ = rng.choices(kinds, weights=[k[2] for k in kinds])[0]
            name = f"{rng.choice(first)} {rng.choice(second)}"
            while name in names or name.split()[0] == name.split()[1]:
                name = f"{rng.choice(first)} {rng.choice(second)}"
            names.add(name)
            path = (*province.path, slug(f"{kind} {name}"))
            province.districts.append(Place(
                path, "district", f"{kind} {name}", name,
                f"{name} {kind_en}, {province.name_en}",
                suffix_vi=f", {province.name_vi}{province.suffix_vi}", province=province.province))
        return province.districts

    def directory(self, place: Place) -> str:
        """The synthetic directory of the bodies serving a province and its districts (or the nation's): the
        source of actors, areas and organisation changes. Office holders come from the agreements they sign."""
        top = self.province_place(place.province) if place.province is not None else self.nation
        year = place.province.valid_from.year if place.province and place.province.valid_from else DIRECTORY_YEAR
        return self.source(f"synth-danh-ba-{top.key}-{year}",
                           f"Danh bạ cơ quan {top.name_vi}{top.suffix_vi}".strip() if top.path else
                           "Danh bạ cơ quan trung ương", f"Directory of bodies, {top.name_en}", dt.date(year, 1, 15),
                           "Dữ liệu tổng hợp phoihop")

    def open_place(self, place: Place) -> None:
        """Write an area below the provinces (the gazetteer gives the others) and every body serving it."""
        if not self.first_time("place:" + place.key):
            return
        if place.level == "district":
            doc = self.directory(place)
            node = place.iri
            self.in_graph(doc)
            w = self.w
            w.add(node, A, _iri(PH.AdministrativeArea))
            name = place.name_vi[:1].upper() + place.name_vi[1:]
            self.labels(node, f"{name}{place.suffix_vi}", place.name_en)
            w.add(node, _iri(PH.areaLevel), _iri(ID["level/district"]))
            w.add(node, _iri(PH.withinArea), _iri(area_iri(place.path[0])))
            w.add(node, _iri(PH.validDuring), self.interval(None, DISTRICTS_END))
            self.provenance(node, doc, place.name_vi)
            self.count("AdministrativeArea")
        for body in self.t.bodies[place.level]:
            self.actor(body, place)

    # --- actors and persons ------------------------------------------------------------------------------
    def actor_names(self, body: Body, place: Place) -> tuple[str, str, str]:
        """(IRI, label vi, label en) of a body serving a place."""
        key = body.key_city if place.is_city else body.key
        name = body.name_vi_city if place.is_city else body.name_vi
        if place.level == "national":
            return _iri(actor_iri(key)), name, body.name_en
        where = place.bare_vi if body.bare else place.name_vi
        return (_iri(actor_iri(key, *place.path)), f"{name} {where}{place.suffix_vi}",
                f"{body.name_en}, {place.name_en}")

    def actor(self, body: Body, place: Place) -> str:
        node, vi, en = self.actor_names(body, place)
        if not self.first_time(node):
            return node
        doc = self.directory(place)
        self.in_graph(doc)
        w = self.w
        w.add(node, A, _iri(body.cls))
        self.labels(node, vi, en)
        where = place.bare_vi if body.bare or place.level == "national" else place.name_vi
        w.add(node, ALT, _lit(f"{body.code} {where}".strip(), "vi"))
        w.add(node, _iri(DCT.spatial), place.iri)
        self.provenance(node, doc, vi)
        self.count("Actor")
        if body.parent:
            level, _, ref = body.parent.rpartition(":")
            parent_place = self.nation if level == "national" else \
                self.province_place(place.province) if level == "province" and place.province else place
            parent = self.actor(self.t.body(parent_place.level, ref), parent_place)
            self.in_graph(doc)
            w.add(node, _iri(ORG.subOrganizationOf), parent)
        self.lifetime(node, place, doc)
        return node

    def lifetime(self, node: str, place: Place, doc: str) -> None:
        """ph:validDuring of a body that began or ended with its area in the 2025 reform (a district's bodies
        end with the district; a merged province's with the province). The bodies of one place share one
        interval node: the same dates, written once."""
        area = place.province
        if area is None or place.level == "national":
            return
        begin = area.valid_from if place.level == "province" else None
        end = DISTRICTS_END if place.level == "district" else area.valid_until
        if begin is None and end is None:
            return
        self.in_graph(doc)
        if place.key not in self._lifetimes:
            self._lifetimes[place.key] = self.interval(begin, end)
        self.w.add(node, _iri(PH.validDuring), self._lifetimes[place.key])

    def merge(self, bodies: tuple[Body, ...], place: Place, successor: Place) -> None:
        """The ORG change events that merged these bodies of a province into its successor's, written when a
        series of agreements crosses the 2025 merger. The model records a change only with the instrument that
        made it, so districts (whose end the gazetteer gives without one) get none."""
        area = place.province
        basis = successor.province.legal_basis if successor.province else None
        if area is None or area.valid_until is None or not basis:
            return
        for body in bodies:
            original, original_vi, _ = self.actor_names(body, place)
            resulting, resulting_vi, _ = self.actor_names(body, successor)
            self.actor(body, place)
            self.actor(body, successor)
            self.change(original, original_vi, resulting, resulting_vi, area.valid_until + dt.timedelta(days=1),
                        self.legal_basis(basis), self.directory(successor))

    def legal_basis(self, text: str) -> str:
        """The IRI the gazetteer gives the resolution that made a province ("202/2025/QH15@2025-06-12"):
        the build describes it from data/gazetteer, so the synthetic graph only points at it."""
        if text not in self._bases:
            self._bases[text] = _iri(_legal_basis(Graph(), text))
        return self._bases[text]

    def change(self, original: str, original_vi: str, resulting: str, resulting_vi: str, day: dt.date,
               basis: str, doc: str) -> None:
        """A ph:OrganisationChange (docs/model.md): a merger on `day`, with its legal basis plain and qualified."""
        tail = original[len(str(ID["actor/"])) + 1:-1].replace("/", "-")
        event = _iri(ID[f"event/{day.isoformat()}/{tail}-change"])
        if not self.first_time(event):
            return
        w = self.w
        self.in_graph(doc)
        w.add(event, A, _iri(PH.OrganisationChange))
        self.labels(event, f"Hợp nhất {original_vi} vào {resulting_vi}")
        w.add(event, _iri(ORG.originalOrganization), original)
        w.add(event, _iri(ORG.resultingOrganization), resulting)
        w.add(event, _iri(DCT.date), _date(day))
        w.add(event, _iri(DCT.type), _iri(ID["change-kind/merger"]))
        w.add(event, _iri(PH.legalBasis), basis)
        w.add(event, NOTE, _lit("Dữ liệu tổng hợp: việc hợp nhất theo kịch bản sắp xếp tỉnh năm 2025 "
                                "của bộ sinh dữ liệu.", "vi"))
        usage = self.bnode()
        w.add(event, _iri(PROV.qualifiedUsage), usage)
        w.add(usage, A, _iri(PROV.Usage))
        w.add(usage, _iri(PROV.entity), basis)
        w.add(usage, _iri(PROV.hadRole), _iri(PH.legalBasisRole))
        self.provenance(event, doc, "hợp nhất", self.sub_rng("change", event))
        self.count("OrganisationChange")

    def person_name(self, rng: random.Random) -> str:
        t = self.t
        while True:
            parts = [rng.choice(t.surnames), rng.choice(t.middles)]
            if rng.random() < 0.4:
                parts.append(rng.choice(t.middles))
            parts.append(rng.choice(t.givens))
            name = " ".join(parts)
            if len(set(parts)) == len(parts) and slug(name) not in self._people:
                self._people.add(slug(name))
                return name

    def head(self, body: Body, place: Place, period: tuple[int, int], doc: str) -> str | None:
        """The person who headed a body during a five-year period (and the post), written on first use from
        `doc`, the first agreement they sign (a signature block names the signatory and the post)."""
        if not body.head_role:
            return None
        actor, actor_vi, _ = self.actor_names(body, place)
        key = (actor, period[0])
        if key in self._heads:
            return self._heads[key]
        rng = self.sub_rng("head", actor, period[0])
        name = self.person_name(rng)
        person = _iri(person_iri(name))
        self._heads[key] = person
        begin = dt.date(period[0], 1, 1)
        if place.province is not None and place.province.valid_from is not None:
            begin = max(begin, place.province.valid_from)
        until = DISTRICTS_END if place.level == "district" else place.province and place.province.valid_until
        end = min(dt.date(period[1], 12, 31), until) if until else dt.date(period[1], 12, 31)
        self.in_graph(doc)
        w = self.w
        w.add(person, A, _iri(FOAF.Person))
        w.add(person, _iri(FOAF.name), _lit(name))
        self.labels(person, name)
        self.provenance(person, doc, name)
        self.count("Person")
        term = self.interval(begin, end)
        self.membership(person, name, actor, actor_vi, body.head_role, (term, begin), doc, self.rng)
        held_with = self.t.concurrent.get((place.level, body.ref))
        if held_with:  # the Party post that goes with this one (data/synth/concurrent_posts.csv)
            party_ref, roles = held_with
            role = roles.split("|")[-1 if place.is_city else 0]
            party, party_vi, _ = self.actor_names(self.t.body(place.level, party_ref), place)
            self.actor(self.t.body(place.level, party_ref), place)
            own_rng = self.sub_rng("post", person, party)
            self.membership(person, name, party, party_vi, role, (term, begin), doc, own_rng)
        return person

    def membership(self, person: str, name: str, actor: str, actor_vi: str, role: str,
                   term: tuple[str, dt.date], doc: str, rng: random.Random) -> None:
        """An org:Membership with its term (an interval node, shared by posts held together, and its first
        day), attested in the directory of the year it began."""
        w = self.w
        self.in_graph(doc)
        tail = actor[len(str(ID["actor/"])) + 1:-1].replace("/", "-")
        post = _iri(f"{person[1:-1]}/post/{role}-{tail}")
        role_vi, _ = self.t.roles[role]
        w.add(post, A, _iri(ORG.Membership))
        w.add(post, _iri(ORG.member), person)
        w.add(post, _iri(ORG.organization), actor)
        w.add(post, _iri(ORG.role), _iri(ID[f"role/{role}"]))
        w.add(post, _iri(ORG.memberDuring), term[0])
        w.add(post, _iri(PH.attestedOn), _date(dt.date(term[1].year, 1, 15)))
        self.labels(post, f"{role_vi} {actor_vi}")
        self.provenance(post, doc, f"{role_vi} {name}", rng)
        self.count("Membership")

    # --- instruments -------------------------------------------------------------------------------------
    def next_number(self, issuer: str, year: int, notation: str, start: int) -> int:
        key = (issuer, year, notation)
        number = self._numbers.get(key, start + self.rng.randint(1, 40)) + self.rng.randint(1, 9)
        self._numbers[key] = number
        return number

    def number_text(self, kind: InstrumentKind, n: int, year: int, code: str) -> str:
        return kind.number.format(n=n, y=year, code=code)

    def instrument_node(self, number: str, place: Place, year: int) -> str:
        area = "/".join(place.path) or None
        # Synthetic yearless numbers restart every year, so each takes its year (the iris.py collision rule).
        edition = None if len(number.split("/")) > 2 else year
        return _iri(instrument_iri(issuer_key(number, area), number_slug(number), edition))

    def write_instrument(self, node: str, doctype: DocType, number: str, day: dt.date, issuers: list[str],
                         label_vi: str, label_en: str, title_vi: str, doc: str,
                         topic: str | None = None) -> None:
        w = self.w
        self.in_graph(doc)
        w.add(node, A, _iri(doctype.cls))
        w.add(node, _iri(ELI.id_local), _lit(number))
        w.add(node, _iri(ELI.type_document), _iri(doctype.iri))
        w.add(node, _iri(ELI.date_document), _date(day))
        for issuer in issuers:
            w.add(node, _iri(ELI.passed_by), issuer)
        self.labels(node, label_vi, label_en)
        w.add(node, _iri(DCT.title), _lit(title_vi, "vi"))
        if topic:
            w.add(node, _iri(DCT.subject), _iri(ID[f"topic/{topic}"]))
        self.provenance(node, doc, number)
        self.count(doctype.cls.rsplit("#", 1)[-1])

    def pooled(self, kind: InstrumentKind, place: Place, year: int, index: int, doc: str) -> tuple[str, dt.date]:
        """Instrument `index` of an issuer's yearly pool of one type, written on first use from `doc`, the first
        document that cites it (as a programme's text describes what it rests on)."""
        body = self.t.body(kind.level, kind.issuer)
        issuer, issuer_vi, issuer_en = self.actor_names(body, place)
        rng = self.sub_rng("instrument", issuer, kind.notation, year, index)
        n = 1 + index * 40 + rng.randint(0, 38)
        number = self.number_text(kind, n, year, body.code)
        node = self.instrument_node(number, place, year)
        day = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        if place.province is not None and place.province.valid_from and day < place.province.valid_from:
            day = place.province.valid_from + dt.timedelta(days=rng.randint(0, 150))
        if self.first_time(node):
            self.actor(body, place)
            doctype = self.t.doctypes[kind.notation]
            topic = rng.choice(sorted(self.t.topics))
            topic_vi = self.t.topics[topic][0].lower()
            self.write_instrument(node, doctype, number, day, [issuer],
                                  f"{doctype.vi} số {number} ngày {_vi_date(day)} của {issuer_vi}",
                                  f"{doctype.en} No. {number} of {_en_date(day)} ({issuer_en})",
                                  f"Về {topic_vi}", doc, topic)
        return node, day

    def law(self, before: int, doc: str) -> str | None:
        """A law or code passed before a year (editions spread over 1994-2024), written on first use from
        `doc`, the first document that cites it."""
        rng = self.sub_rng("laws", before)
        candidates = []
        for name_vi, name_en in self.t.laws:
            year = self.sub_rng("law", name_vi).randint(1994, 2024)
            if year < before:
                candidates.append((name_vi, name_en, year))
        if not candidates:
            return None
        name_vi, name_en, year = rng.choice(candidates)
        node = _iri(law_iri(name_vi, year))
        if self.first_time(node):
            assembly = 8 + bisect.bisect_right(ASSEMBLY_TERMS, year)  # the 9th Assembly was elected in 1992
            number = f"{self.sub_rng('law-number', name_vi).randint(1, 80)}/{year}/QH{assembly}"
            body = self.t.body("national", "quoc-hoi")
            issuer = self.actor(body, self.nation)
            day = dt.date(year, 6, 1) + dt.timedelta(days=self.sub_rng("law-day", name_vi).randint(0, 180))
            doctype = self.t.doctypes["BL" if name_vi.startswith("Bộ luật") else "L"]
            self.write_instrument(node, doctype, number, day, [issuer], f"{name_vi} năm {year}",
                                  f"{name_en} ({year})", name_vi, doc)
        return node

    def references(self, place: Place, year: int, use: str, rng: random.Random, doc: str) -> list[str]:
        """Instruments an agreement of `year` in `place` rests on (basis) or carries out (directive)."""
        out = []
        for level in ("national", "province"):
            kinds = [k for k in self.t.instruments if k.level == level and k.use == use]
            if not kinds or (level == "province" and place.level == "national"):
                continue
            kind = rng.choice(kinds)
            where = self.nation if level == "national" else self.province_place(place.province)
            issued = rng.randint(max(2001, year - 6), year - 1)
            founded = where.province.valid_from if where.province is not None else None
            if founded and issued < founded.year:
                issued = founded.year
                if issued >= year:
                    continue
            out.append(self.pooled(kind, where, issued, rng.randrange(kind.per_year), doc)[0])
        return out

    # --- agreements and what hangs on them --------------------------------------------------------------
    def agreement(self, pair: PairKind, place: Place, period: tuple[int, int],
                  predecessors: list[Agreement]) -> Agreement:
        t, w, rng = self.t, self.w, self.rng
        first, second = t.body(pair.level, pair.a), t.body(pair.level, pair.b)
        actors = (self.actor(first, place), self.actor(second, place))
        earliest = dt.date(period[0] - 1, 10, 1)
        if place.province is not None and place.province.valid_from:
            earliest = max(earliest, place.province.valid_from)
        day = earliest + dt.timedelta(days=rng.randint(0, 250))
        issuer_area = "/".join(place.path) or None
        joint = f"{pair.kind}-{first.code}-{second.code}"
        n = self.next_number(issuer_key(f"1/{joint}", issuer_area), day.year, pair.kind, 0)
        number = f"{n}/{joint}"
        node = self.instrument_node(number, place, day.year)
        _, first_vi, first_en = self.actor_names(first, place)
        _, second_vi, second_en = self.actor_names(second, place)
        doctype = t.doctypes[pair.kind]
        what_vi = "Chương trình phối hợp" if pair.kind == "CTr" else "Quy chế phối hợp"
        what_en = "Coordination programme" if pair.kind == "CTr" else "Coordination regulation"
        span = f"{period[0]}-{period[1]}"
        doc = self.source(f"synth-{number_slug(number)}-{issuer_key(number, issuer_area)}-{day.year}",
                          f"{what_vi} số {number} giữa {first_vi} và {second_vi}",
                          f"{what_en} No. {number} between {first_en} and {second_en}", day, first_vi)
        heads = [self.head(first, place, period, doc), self.head(second, place, period, doc)]
        topic_vi = ", ".join(t.topics[x][0].lower() for x in pair.topics[:2])
        when_vi, when_en = (f" giai đoạn {span}", f" for {span}") if pair.kind == "CTr" else ("", "")
        self.write_instrument(node, doctype, number, day, list(actors),
                              f"{what_vi} số {number}{when_vi} giữa {first_vi} và {second_vi}",
                              f"{what_en} No. {number}{when_en} between {first_en} and {second_en}",
                              f"Phối hợp về {topic_vi}{when_vi}", doc)
        self.in_graph(doc)
        for actor in actors:
            w.add(node, _iri(PH.party), actor)
        for person in heads:
            if person:
                w.add(node, _iri(PH.signatory), person)
        ends = dt.date(period[1], 12, 31) if pair.kind == "CTr" else None  # a regulation stands till replaced
        if place.level == "district" and period[1] >= DISTRICTS_END.year:  # ... or till its parties are abolished
            ends = DISTRICTS_END
        w.add(node, _iri(PH.period), self.interval(dt.date(max(period[0], day.year), 1, 1), ends))
        for topic in pair.topics:
            w.add(node, _iri(DCT.subject), _iri(ID[f"topic/{topic}"]))
        for earlier in predecessors:
            w.add(node, _iri(PH.succeeds), earlier.iri)
        law = self.law(day.year, doc)
        basis = ([law] if law else []) + self.references(place, day.year, "basis", rng, doc)
        directives = self.references(place, day.year, "directive", rng, doc)
        self.in_graph(doc)
        for ref in basis:
            w.add(node, _iri(ELI.based_on), ref)
        for ref in directives[:1]:
            w.add(node, _iri(PH.implements), ref)
        record = Agreement(node, number, place, (first, second), actors, period, pair.topics, doc,
                           f"{what_vi} số {number}")
        self.commitments(record, node, doc, self.size("agreement-commitments"), directives)
        self.signing(record, day, heads)
        if period[0] + 2 <= 2025:
            self.review(record, dt.date(period[0] + 2, 12, 1) + dt.timedelta(days=rng.randint(0, 25)))
        self.agreements.append(record)
        return record

    def commitments(self, record: Agreement, programme: str, doc: str, count: int,
                    directives: list[str]) -> None:
        """The tasks of an agreement or plan: who leads, who joins, what, how often, towards which target."""
        t, w, rng = self.t, self.w, self.rng
        sections = {"II": 0, "III": 0}
        for index in range(count):
            section = "II" if index < count * 0.7 else "III"
            sections[section] += 1
            clause = f"{section}.{sections[section]}"  # II.1, II.2, ..., III.1
            node = _iri(f"{programme[1:-1]}/commitment/{slug(clause)}")
            topic = rng.choice(record.topics)
            action = rng.choice(t.actions[topic])
            self.in_graph(doc)
            w.add(node, A, _iri(PH.Commitment))
            w.add(node, _iri(PH.programme), programme)
            lead = rng.randrange(2)
            w.add(node, _iri(PH.leadActor), record.actors[lead])
            w.add(node, _iri(PH.partnerActor), record.actors[1 - lead])
            if rng.random() < 0.35 and record.place.level != "district":
                others = [b for b in t.bodies[record.place.level] if b not in record.parties]
                helper = self.actor(rng.choice(others), record.place)
                self.in_graph(doc)
                w.add(node, _iri(PH.partnerActor), helper)
            w.add(node, _iri(PH.action), _lit(action.vi, "vi"))
            w.add(node, _iri(PH.action), _lit(action.en, "en"))
            w.add(node, _iri(PH.topic), _iri(ID[f"topic/{topic}"]))
            w.add(node, _iri(PH.frequency), _iri(ID[f"frequency/{action.frequency}"]))
            w.add(node, _iri(PH.clause), _lit(clause))
            w.add(node, _iri(PH.status), _iri(ID[f"status/{self.status(node)}"]))
            if action.unit and rng.random() < 0.7:
                w.add(node, _iri(PH.target), self.quantity(action, rng))
                if programme == record.iri:
                    record.targets.append((node, action))
            if directives and rng.random() < 0.2:
                w.add(node, _iri(PH.implements), rng.choice(directives))
            self.provenance(node, doc, action.vi)
            self.count("Commitment")

    def status(self, node: str) -> str:
        """What a task is (data/synth/statuses.csv), drawn on a generator of its own so that the rest of the
        graph does not depend on the weights."""
        codes, weights = zip(*self.t.statuses, strict=True)
        return self.sub_rng("status", node).choices(codes, weights=weights)[0]

    def reported_result(self, record: Agreement, day: dt.date, doc: str, commitment: str, action: Action,
                        rng: random.Random) -> None:
        """What a mid-term review reports on one of the agreement's targeted commitments: a reported result
        over a closed period (the agreement's start to the end of the review's year), ph:reportsOn the
        commitment, with the figure reached as a target of its own."""
        clause = commitment.rsplit("/", 1)[-1][:-1]
        node = _iri(f"{record.iri[1:-1]}/commitment/ket-qua-{day.year}-{clause}")
        value = rng.uniform(action.low, action.high) * rng.uniform(0.7, 1.2)
        value = min(round(value, 1), 100.0) if action.unit == "%" else round(value)
        w = self.w
        self.in_graph(doc)
        w.add(node, A, _iri(PH.Commitment))
        w.add(node, _iri(PH.programme), record.iri)
        w.add(node, _iri(PH.status), _iri(ID["status/reported-result"]))
        w.add(node, _iri(PH.leadActor), record.actors[0])
        w.add(node, _iri(PH.action), _lit(f"Kết quả: {action.vi}", "vi"))
        w.add(node, _iri(PH.action), _lit(f"Result: {action.en}", "en"))
        w.add(node, _iri(PH.topic), _iri(ID[f"topic/{action.topic}"]))
        w.add(node, _iri(PH.clause), _lit(f"Kết quả {day.year} ({clause})"))
        w.add(node, _iri(PH.period), self.interval(dt.date(record.period[0], 1, 1), dt.date(day.year, 12, 31)))
        w.add(node, _iri(PH.reportsOn), commitment)
        figure = self.bnode()
        w.add(node, _iri(PH.target), figure)
        w.add(figure, A, _iri(PH.Target))
        for prop in (PH.minValue, PH.maxValue):
            w.add(figure, _iri(prop), _typed(f"{value:g}", XSD_DECIMAL))
        w.add(figure, _iri(PH.unit), _lit(action.unit, "vi"))
        self.provenance(node, doc, "kết quả", rng)
        self.count("Commitment")

    def quantity(self, action: Action, rng: random.Random) -> str:
        node = self.bnode()
        w = self.w
        low = rng.uniform(action.low, action.high)
        if action.unit != "%":
            low = round(low)
        w.add(node, A, _iri(PH.Target))
        w.add(node, _iri(PH.minValue), _typed(f"{low:g}", XSD_DECIMAL))
        if rng.random() < 0.4:
            high = min(action.high, low * 1.5) if action.unit == "%" else round(low * 1.5)
            w.add(node, _iri(PH.maxValue), _typed(f"{max(high, low):g}", XSD_DECIMAL))
        w.add(node, _iri(PH.unit), _lit(action.unit, "vi"))
        if action.per:
            w.add(node, _iri(PH.perPeriod), _iri(ID[f"frequency/{action.per}"]))
        if action.note:
            w.add(node, NOTE, _lit(action.note, "vi"))
        return node

    def event_iri(self, day: dt.date, what: str, record: Agreement) -> str:
        return _iri(ID[f"event/{day.isoformat()}/{what}-{record.key}"])

    def signing(self, record: Agreement, day: dt.date, heads: list[str | None]) -> None:
        node = self.event_iri(day, "ky-ket", record)
        w = self.w
        self.in_graph(record.doc)
        w.add(node, A, _iri(PH.Signing))
        self.labels(node, f"Lễ ký kết {record.label_vi}")
        w.add(node, _iri(DCT.date), _date(day))
        w.add(node, _iri(PH.organiser), record.actors[0])
        w.add(node, _iri(PH.participant), record.actors[1])
        if heads[0]:
            w.add(node, _iri(PH.chair), heads[0])
        w.add(node, _iri(PH.signs), record.iri)
        self.provenance(node, record.doc, "ký kết")
        self.count("Event")

    def review(self, record: Agreement, day: dt.date) -> None:
        """A mid-term review conference and a figure it reported, from a synthetic report of its own."""
        rng, w = self.rng, self.w
        stem = f"synth-so-ket-{record.key}"
        _, first_vi, _ = self.actor_names(record.parties[0], record.place)
        doc = self.source(stem, f"Sơ kết {record.label_vi}", f"Mid-term review of {record.number}", day,
                          first_vi)
        node = self.event_iri(day, "so-ket", record)
        self.in_graph(doc)
        w.add(node, A, _iri(PH.Conference))
        self.labels(node, f"Hội nghị sơ kết {record.label_vi}")
        w.add(node, _iri(DCT.date), _date(day))
        for actor in record.actors:
            w.add(node, _iri(PH.organiser), actor)
        w.add(node, _iri(PH.reviews), record.iri)
        w.add(node, _iri(PH.outcome), _lit("Thống nhất tiếp tục thực hiện các nhiệm vụ còn lại", "vi"))
        self.provenance(node, doc, "sơ kết")
        self.count("Event")
        own = self.sub_rng("result", record.key)
        reported = own.sample(record.targets, min(len(record.targets), self.size("review-results", own)))
        for commitment, action in reported:
            self.reported_result(record, day, doc, commitment, action, own)
        measured = [(topic, a) for topic in record.topics for a in self.t.actions[topic] if a.unit]
        for topic, action in rng.sample(measured, min(len(measured), self.size("review-indicators"))):
            self.indicator(record, stem, doc, day, topic, action, rng)

    def indicator(self, record: Agreement, stem: str, doc: str, day: dt.date, topic: str, action: Action,
                  rng: random.Random) -> None:
        """A figure a review reports about the agreement's second party (ph:Indicator)."""
        indicator = _iri(ID[f"indicator/{stem}/{slug(action.unit) or 'ty-le'}-{topic}-{slug(action.vi)[:40]}"])
        if not self.first_time(indicator):
            return
        w = self.w
        self.in_graph(doc)
        w.add(indicator, A, _iri(PH.Indicator))
        self.labels(indicator, action.note or action.vi)
        value = round(rng.uniform(action.low, action.high) * 2)
        w.add(indicator, _iri(PH.value), _typed(f"{value:g}", XSD_DECIMAL))
        w.add(indicator, _iri(PH.unit), _lit(action.unit, "vi"))
        w.add(indicator, _iri(PH.refPeriod), self.interval(dt.date(record.period[0], 1, 1),
                                                            dt.date(day.year, 12, 31)))
        w.add(indicator, _iri(PH.aboutActor), record.actors[1])
        w.add(indicator, _iri(PH.reportsOn), record.iri)
        self.provenance(indicator, doc, action.unit)
        self.count("Indicator")

    def plan(self, record: Agreement, year: int) -> None:
        """A yearly plan by the second party carrying the agreement out, with tasks of its own."""
        body = record.parties[1]
        place = record.place
        issuer, issuer_vi, issuer_en = self.actor_names(body, place)
        day = dt.date(year, 1, 5) + dt.timedelta(days=self.rng.randint(0, 80))
        area = "/".join(place.path) or None
        n = self.next_number(issuer_key(f"1/KH-{body.code}", area), year, "KH", 400)
        number = f"{n}/KH-{body.code}"
        node = self.instrument_node(number, place, year)
        doctype = self.t.doctypes["KH"]
        label = f"Kế hoạch số {number} thực hiện {record.label_vi} năm {year}"
        doc = self.source(f"synth-{number_slug(number)}-{issuer_key(number, area)}-{year}", label,
                          f"Plan No. {number} carrying out {record.number} in {year}", day, issuer_vi)
        self.write_instrument(node, doctype, number, day, [issuer], label,
                              f"Plan No. {number} of {_en_date(day)} ({issuer_en})",
                              f"Thực hiện {record.label_vi} năm {year}", doc)
        self.in_graph(doc)
        self.w.add(node, _iri(PH.implements), record.iri)
        self.commitments(record, node, doc, self.size("plan-commitments"), [record.iri])

    # --- the whole run -----------------------------------------------------------------------------------
    def series(self, pair: PairKind, place: Place) -> Iterator[None]:
        """The agreements of one pair of bodies in one place, period after period (one step per agreement)."""
        previous: list[Agreement] = []
        for period in PERIODS:
            here = place
            if place.level == "district" and period[0] > DISTRICTS_END.year:
                return
            merged = place.level == "province" and place.province and place.province.merged_into
            if merged and period[0] > MERGER.year:
                successor = self.t.areas[place.province.merged_into]
                here = self.province_place(successor)
                self.open_place(here)
                self.merge((self.t.body(place.level, pair.a), self.t.body(place.level, pair.b)), place, here)
                key = (here.key + ":" + pair.a + ":" + pair.b, period[0])
                if key in self._successors:  # another old province merged into it already started it
                    later = self._successors[key]
                    self.in_graph(later.doc)
                    for earlier in previous:
                        self.w.add(later.iri, _iri(PH.succeeds), earlier.iri)
                    return
            if self.full():
                return
            record = self.agreement(pair, here, period, previous)
            if here is not place:
                self._successors[(here.key + ":" + pair.a + ":" + pair.b, period[0])] = record
            previous = [record]
            yield

    def work(self, place: Place) -> list[tuple[PairKind, Place]]:
        """The series of one place: its own pairs interleaved with those of its districts."""
        own = [(p, place) for p in self.t.pairs if p.level == place.level]
        if place.level != "province":
            return own
        district_pairs = [p for p in self.t.pairs if p.level == "district"]
        below = [(p, d) for d in self.districts(place) for p in district_pairs]
        out = []
        for i in range(max(len(own), len(below))):
            out += own[i:i + 1] + below[i:i + 1]
        return out

    def run(self) -> None:
        provinces = list(self.t.provinces)
        self.sub_rng("provinces").shuffle(provinces)
        wanted = max(2, min(len(provinces), round(self.target / TRIPLES_PER_PROVINCE)))
        places = [self.nation] + [self.province_place(a) for a in provinces[:wanted]]
        for place in places:
            self.open_place(place)
        queues = [self.work(p) for p in places]
        for round_ in range(max(len(q) for q in queues)):
            for queue in queues:
                if round_ < len(queue):
                    pair, place = queue[round_]
                    self.open_place(place)
                    for _ in self.series(pair, place):
                        if self.full():
                            return
        for record in list(self.agreements):  # more than the agreements hold: yearly plans carrying them out
            for year in range(record.period[0], record.period[1] + 1):
                if self.full():
                    return
                self.plan(record, year)


def synth(triples: int | str, out: str | Path, seed: int = 1) -> SynthResult:
    """Write a graph of about `triples` triples to `out` (.nt, .nq or .ttl; '-' = N-Triples on stdout)."""
    target = parse_size(triples)
    if target < 1:
        raise UsageError("the size must be positive")
    out = str(out)
    suffix = Path(out).suffix.lower() if out != "-" else ".nt"
    if suffix not in (".nt", ".nq", ".ttl"):
        raise UsageError(f"cannot write {suffix or 'a file without extension'}: use .nt, .nq or .ttl",
                         path=out)
    tables = load_tables()
    start = time.perf_counter()
    if suffix == ".ttl":
        fd, tmp = tempfile.mkstemp(suffix=".nt", dir=Path(out).parent)
        os.close(fd)
        try:
            result = _write(tables, tmp, target, seed, quads=False)
            with atomic_write(out, "wb") as handle:
                from .store import PREFIX_MAP

                ox.serialize(ox.parse(path=tmp, format=ox.RdfFormat.N_TRIPLES), handle,
                             format=ox.RdfFormat.TURTLE, prefixes=PREFIX_MAP)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
    else:
        result = _write(tables, out, target, seed, quads=suffix == ".nq")
    result.path, result.seconds = out, time.perf_counter() - start
    log.debug("synth: %d triples in %.1f s -> %s", result.triples, result.seconds, out)
    return result


def _write(tables: Tables, path: str, target: int, seed: int, quads: bool) -> SynthResult:
    with atomic_write(path) as handle:
        writer = _Writer(handle, quads)
        generator = Generator(tables, writer, target, seed)
        generator.run()
        writer.flush()
    return SynthResult(path, writer.count, dict(sorted(generator.counts.items())), 0.0)
