"""The synthetic world's fixed parts: places, bodies, people and instruments, as N-Triples lines.

`phoihop.synth` generates agreements and what happens to them; it stands on this module's `World`, which
knows how to write a term, a node's labels and provenance, a place and its bodies through the 2025
reform, a person in a post and an instrument with its number grammar. Split from synth.py by concern, so
each stays readable; the output is byte-for-byte the same.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import logging
import random
import re
from dataclasses import dataclass, field
from typing import IO

from rdflib import Graph

from .gazetteer import Area, legal_basis
from .iris import actor_iri, area_iri, instrument_iri, issuer_key, law_iri, number_slug, person_iri, slug, source_iri
from .namespaces import DCT, ELI, FOAF, ID, OA, ORG, PH, PROV, RDF, SKOS, TIME, XSD, graph_for_source
from .synth_tables import Action, Body, DocType, InstrumentKind, Tables

log = logging.getLogger("phoihop.synth")

PERIODS = ((2006, 2010), (2011, 2015), (2016, 2020), (2021, 2025), (2026, 2030))
ASSEMBLY_TERMS = (1992, 1997, 2002, 2007, 2011, 2016, 2021)  # first years of the 9th to 15th Assembly
DIRECTORY_YEAR = 2005  # the date of the directories of the places that existed before 2025
TRIPLES_PER_PROVINCE = 50_000  # provinces drawn per triple wanted: enough room for most of their pairs
MERGER = dt.date(2025, 7, 1)  # the day the 34 provinces replaced the 63 (and districts ceased as a tier)
DISTRICTS_END = dt.date(2025, 6, 30)

# --- N-Triples terms ---------------------------------------------------------------------------------------

def nt_iri(term: object) -> str:
    return f"<{term}>"


ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
A = nt_iri(RDF.type)
PREF, ALT, NOTE = nt_iri(SKOS.prefLabel), nt_iri(SKOS.altLabel), nt_iri(SKOS.note)
DERIVED, EVIDENCE = nt_iri(PROV.wasDerivedFrom), nt_iri(PH.evidence)
XSD_DATE, XSD_DECIMAL, XSD_NNI = str(XSD.date), str(XSD.decimal), str(XSD.nonNegativeInteger)


def nt_lit(text: str, lang: str | None = None) -> str:
    quoted = '"' + text.translate(ESCAPES) + '"'
    return f"{quoted}@{lang}" if lang else quoted


def nt_typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{datatype}>'


def nt_date(day: dt.date) -> str:
    return nt_typed(day.isoformat(), XSD_DATE)


def vi_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def en_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


class LineWriter:
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
        return nt_iri(area_iri(*self.path) if self.path else ID["area/viet-nam"])

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


class World:
    """Writes the fixed parts of the synthetic world; Generator adds agreements and events."""

    def __init__(self, tables: Tables, writer: LineWriter, target: int, seed: int):
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
        self.w.graph = nt_iri(graph_for_source(doc[len(str(ID["source/"])) + 1:-1]))

    def labels(self, node: str, vi: str, en: str | None = None) -> None:
        self.w.add(node, PREF, nt_lit(vi, "vi"))
        if en:
            self.w.add(node, PREF, nt_lit(en, "en"))

    def interval(self, start: dt.date | None, end: dt.date | None) -> str:
        node = self.bnode()
        self.w.add(node, A, nt_iri(TIME.Interval))
        for prop, day in ((TIME.hasBeginning, start), (TIME.hasEnd, end)):
            if day is not None:
                instant = self.bnode()
                self.w.add(node, nt_iri(prop), instant)
                self.w.add(instant, A, nt_iri(TIME.Instant))
                self.w.add(instant, nt_iri(TIME.inXSDDate), nt_date(day))
        return node

    def source(self, stem: str, title_vi: str, title_en: str, day: dt.date, publisher: str) -> str:
        """A synthetic source document (the text itself is not written; its digest is of its name)."""
        node = nt_iri(source_iri(f"{stem}.txt"))
        if self.first_time(node):
            self.in_graph(node)
            w = self.w
            w.add(node, A, nt_iri(PH.SourceDocument))
            w.add(node, nt_iri(DCT.identifier), nt_lit(f"{stem}.txt"))
            w.add(node, nt_iri(PH.sha256), nt_lit(hashlib.sha256(stem.encode()).hexdigest()))
            w.add(node, nt_iri(DCT.title), nt_lit(title_vi, "vi"))
            w.add(node, nt_iri(DCT.title), nt_lit(title_en, "en"))
            w.add(node, nt_iri(DCT.date), nt_date(day))
            w.add(node, nt_iri(DCT.publisher), nt_lit(publisher))
            w.add(node, nt_iri(DCT.language), nt_lit("vi"))
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
        w.add(annotation, A, nt_iri(OA.Annotation))
        w.add(annotation, nt_iri(OA.motivatedBy), nt_iri(OA.identifying))
        w.add(annotation, nt_iri(OA.hasBody), node)
        w.add(annotation, nt_iri(OA.hasTarget), evidence)
        w.add(evidence, A, nt_iri(OA.SpecificResource))
        w.add(evidence, nt_iri(OA.hasSource), doc)
        w.add(evidence, nt_iri(OA.hasSelector), selector)
        w.add(selector, A, nt_iri(OA.TextPositionSelector))
        w.add(selector, nt_iri(OA.start), nt_typed(start, XSD_NNI))
        w.add(selector, nt_iri(OA.end), nt_typed(end, XSD_NNI))

    # --- places ------------------------------------------------------------------------------------------
    def province_place(self, area: Area) -> Place:
        if area.slug in self._places:
            return self._places[area.slug]
        shared = sum(1 for a in self.t.areas.values() if a.name_vi == area.name_vi) > 1
        suffix = ""
        if shared and area.valid_from:
            suffix = f" (từ {vi_date(area.valid_from)})"
        elif shared and area.valid_until:
            suffix = f" (đến {vi_date(area.valid_until)})"
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
            w.add(node, A, nt_iri(PH.AdministrativeArea))
            name = place.name_vi[:1].upper() + place.name_vi[1:]
            self.labels(node, f"{name}{place.suffix_vi}", place.name_en)
            w.add(node, nt_iri(PH.areaLevel), nt_iri(ID["level/district"]))
            w.add(node, nt_iri(PH.withinArea), nt_iri(area_iri(place.path[0])))
            w.add(node, nt_iri(PH.validDuring), self.interval(None, DISTRICTS_END))
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
            return nt_iri(actor_iri(key)), name, body.name_en
        where = place.bare_vi if body.bare else place.name_vi
        return (nt_iri(actor_iri(key, *place.path)), f"{name} {where}{place.suffix_vi}",
                f"{body.name_en}, {place.name_en}")

    def actor(self, body: Body, place: Place) -> str:
        node, vi, en = self.actor_names(body, place)
        if not self.first_time(node):
            return node
        doc = self.directory(place)
        self.in_graph(doc)
        w = self.w
        w.add(node, A, nt_iri(body.cls))
        self.labels(node, vi, en)
        where = place.bare_vi if body.bare or place.level == "national" else place.name_vi
        w.add(node, ALT, nt_lit(f"{body.code} {where}".strip(), "vi"))
        w.add(node, nt_iri(DCT.spatial), place.iri)
        self.provenance(node, doc, vi)
        self.count("Actor")
        if body.parent:
            level, _, ref = body.parent.rpartition(":")
            parent_place = self.nation if level == "national" else \
                self.province_place(place.province) if level == "province" and place.province else place
            parent = self.actor(self.t.body(parent_place.level, ref), parent_place)
            self.in_graph(doc)
            w.add(node, nt_iri(ORG.subOrganizationOf), parent)
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
        self.w.add(node, nt_iri(PH.validDuring), self._lifetimes[place.key])

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
            self._bases[text] = nt_iri(legal_basis(Graph(), text))
        return self._bases[text]

    def change(self, original: str, original_vi: str, resulting: str, resulting_vi: str, day: dt.date,
               basis: str, doc: str) -> None:
        """A ph:OrganisationChange (docs/model.md): a merger on `day`, with its legal basis plain and qualified."""
        tail = original[len(str(ID["actor/"])) + 1:-1].replace("/", "-")
        event = nt_iri(ID[f"event/{day.isoformat()}/{tail}-change"])
        if not self.first_time(event):
            return
        w = self.w
        self.in_graph(doc)
        w.add(event, A, nt_iri(PH.OrganisationChange))
        self.labels(event, f"Hợp nhất {original_vi} vào {resulting_vi}")
        w.add(event, nt_iri(ORG.originalOrganization), original)
        w.add(event, nt_iri(ORG.resultingOrganization), resulting)
        w.add(event, nt_iri(DCT.date), nt_date(day))
        w.add(event, nt_iri(DCT.type), nt_iri(ID["change-kind/merger"]))
        w.add(event, nt_iri(PH.legalBasis), basis)
        w.add(event, NOTE, nt_lit("Dữ liệu tổng hợp: việc hợp nhất theo kịch bản sắp xếp tỉnh năm 2025 "
                                "của bộ sinh dữ liệu.", "vi"))
        usage = self.bnode()
        w.add(event, nt_iri(PROV.qualifiedUsage), usage)
        w.add(usage, A, nt_iri(PROV.Usage))
        w.add(usage, nt_iri(PROV.entity), basis)
        w.add(usage, nt_iri(PROV.hadRole), nt_iri(PH.legalBasisRole))
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
        person = nt_iri(person_iri(name))
        self._heads[key] = person
        begin = dt.date(period[0], 1, 1)
        if place.province is not None and place.province.valid_from is not None:
            begin = max(begin, place.province.valid_from)
        until = DISTRICTS_END if place.level == "district" else place.province and place.province.valid_until
        end = min(dt.date(period[1], 12, 31), until) if until else dt.date(period[1], 12, 31)
        self.in_graph(doc)
        w = self.w
        w.add(person, A, nt_iri(FOAF.Person))
        w.add(person, nt_iri(FOAF.name), nt_lit(name))
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
        post = nt_iri(f"{person[1:-1]}/post/{role}-{tail}")
        role_vi, _ = self.t.roles[role]
        w.add(post, A, nt_iri(ORG.Membership))
        w.add(post, nt_iri(ORG.member), person)
        w.add(post, nt_iri(ORG.organization), actor)
        w.add(post, nt_iri(ORG.role), nt_iri(ID[f"role/{role}"]))
        w.add(post, nt_iri(ORG.memberDuring), term[0])
        w.add(post, nt_iri(PH.attestedOn), nt_date(dt.date(term[1].year, 1, 15)))
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
        return nt_iri(instrument_iri(issuer_key(number, area), number_slug(number), edition))

    def write_instrument(self, node: str, doctype: DocType, number: str, day: dt.date, issuers: list[str],
                         label_vi: str, label_en: str, title_vi: str, doc: str,
                         topic: str | None = None) -> None:
        w = self.w
        self.in_graph(doc)
        w.add(node, A, nt_iri(doctype.cls))
        w.add(node, nt_iri(ELI.id_local), nt_lit(number))
        w.add(node, nt_iri(ELI.type_document), nt_iri(doctype.iri))
        w.add(node, nt_iri(ELI.date_document), nt_date(day))
        for issuer in issuers:
            w.add(node, nt_iri(ELI.passed_by), issuer)
        self.labels(node, label_vi, label_en)
        w.add(node, nt_iri(DCT.title), nt_lit(title_vi, "vi"))
        if topic:
            w.add(node, nt_iri(DCT.subject), nt_iri(ID[f"topic/{topic}"]))
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
                                  f"{doctype.vi} số {number} ngày {vi_date(day)} của {issuer_vi}",
                                  f"{doctype.en} No. {number} of {en_date(day)} ({issuer_en})",
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
        node = nt_iri(law_iri(name_vi, year))
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
