"""The RDF writer of `phoihop ingest`: one Extraction in, the triples of one source document out.

Every node found (actors, instruments, persons, memberships, commitments, events) carries prov:wasDerivedFrom
its ph:SourceDocument and ph:evidence as the provenance contract fixes it: an oa:Annotation identifying the
node, whose target is a span of the source with a position selector (NFC offsets, end exclusive) and a quote
selector (the user's own document may be quoted). A base graph lends its IRIs (BaseIndex): bodies and
instruments it already knows are reused, not minted; ingest_base.py then keeps what the base already says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF, SKOS, XSD

from .extract import Actor, Commitment, Event, Extraction, Instrument, Metadata, Person
from .extract.lexicon import lexicon
from .gazetteer import interval
from .iris import instrument_iri, number_slug, person_iri, slug
from .namespaces import DCT, ELI, ID, OA, ORG, PH, PROV
from .normalize import Normalized, fold

QUOTE_CONTEXT = 32  # characters of oa:prefix and oa:suffix around a quoted span

_ACTOR_CLASSES = ("Actor", "ActorGroup", "PartyOrgan", "StateBody", "Legislature", "GovernmentBody", "Ministry",
                  "PeoplesCommittee", "PeoplesCouncil", "Department", "StateAgency", "LabourUnion",
                  "MassOrganisation", "MediaOrInstitution", "Enterprise")
_INSTRUMENT_CLASSES = ("Constitution", "Code", "Law", "Resolution", "Directive", "Conclusion", "Decree",
                       "Decision", "Circular", "Notice", "Plan", "Guidance", "Report", "CoordinationAgreement",
                       "CoordinationProgramme", "CoordinationRegulation", "OtherInstrument")


@dataclass
class BaseIndex:
    """What a base graph already names: instruments by number, bodies and instruments by label."""

    graph: Graph | None = None
    numbers: dict[str, list[tuple[URIRef, int | None]]] = field(default_factory=dict)  # with each one's year
    actor_labels: dict[str, URIRef] = field(default_factory=dict)
    instrument_labels: dict[str, URIRef] = field(default_factory=dict)
    known: set[URIRef] = field(default_factory=set)
    areas: set[URIRef] = field(default_factory=set)

    @classmethod
    def of(cls, graph: Graph | None) -> BaseIndex:
        index = cls(graph)
        if graph is None:
            return index
        actor_types = {PH[c] for c in _ACTOR_CLASSES} | {ORG.Organization}
        instrument_types = {PH[c] for c in _INSTRUMENT_CLASSES} | {ELI.LegalResource}
        actors = {s for t in actor_types for s in graph.subjects(RDF.type, t)}
        instruments = {s for t in instrument_types for s in graph.subjects(RDF.type, t)}
        index.known = {s for s in actors | instruments if isinstance(s, URIRef)}
        index.areas = {s for s in graph.subjects(RDF.type, PH.AdministrativeArea) if isinstance(s, URIRef)}
        for s, number in sorted(graph.subject_objects(ELI.id_local)):
            if isinstance(s, URIRef):
                day = graph.value(s, ELI.date_document)
                year = int(str(day)[:4]) if day is not None and str(day)[:4].isdigit() else None
                index.numbers.setdefault(_number_key(str(number)), []).append((s, year))
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for s, label in graph.subject_objects(prop):
                if s in actors:
                    index.actor_labels.setdefault(fold(str(label)), s)
                elif s in instruments:
                    index.instrument_labels.setdefault(fold(str(label)), s)
        return index


def _number_key(number: str) -> str:
    return "".join(number.split()).upper().replace("Đ", "D")



class GraphWriter:
    """Turns one Extraction into triples."""

    def __init__(self, graph: Graph, ex: Extraction, norm: Normalized, original: str, name: str, source: URIRef,
                 base: BaseIndex, meta: Metadata):
        self.g, self.ex, self.norm, self.name, self.source, self.base = graph, ex, norm, name, source, base
        self.original, self.meta = original, meta
        self.stem = name.rsplit(".", 1)[0]
        self.iri_of: dict[URIRef, URIRef] = {}  # minted actor IRI -> IRI used (base reuse)
        self.instrument_iri: dict[str, URIRef] = {}
        self.emitted_actors: set[URIRef] = set()

    # ------------------------------------------------------------------------------------ provenance

    def evidence(self, node: URIRef, start: int, end: int, confidence: float) -> None:
        """prov:wasDerivedFrom + ph:evidence as the provenance contract has it: an oa:Annotation identifying the
        node, whose target is a span of the source with a position selector (NFC offsets, end exclusive) and,
        since this is the user's own document, a quote selector (exact, up to 32 characters either side)."""
        g, text = self.g, self.original
        s, e = self.norm.original_span(start, end)
        g.add((node, PROV.wasDerivedFrom, self.source))
        tail = f"{slug(str(node))[-60:]}-{s}-{e}"
        ann, target = BNode(f"ev-{tail}"), BNode(f"target-{tail}")
        position, quote = BNode(f"sel-{self.stem}-{s}-{e}"), BNode(f"quote-{self.stem}-{s}-{e}")
        g.add((node, PH.evidence, ann))
        g.add((ann, RDF.type, OA.Annotation))
        g.add((ann, OA.motivatedBy, OA.identifying))
        g.add((ann, OA.hasBody, node))
        g.add((ann, OA.hasTarget, target))
        g.add((ann, PH.confidence, Literal(Decimal(str(round(confidence, 2))), datatype=XSD.decimal)))
        g.add((target, RDF.type, OA.SpecificResource))
        g.add((target, OA.hasSource, self.source))
        g.add((target, OA.hasSelector, position))
        g.add((target, OA.hasSelector, quote))
        g.add((position, RDF.type, OA.TextPositionSelector))
        g.add((position, OA.start, Literal(s, datatype=XSD.nonNegativeInteger)))
        g.add((position, OA.end, Literal(e, datatype=XSD.nonNegativeInteger)))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(text[s:e])))
        g.add((quote, OA.prefix, Literal(text[max(0, s - QUOTE_CONTEXT):s])))
        g.add((quote, OA.suffix, Literal(text[e:e + QUOTE_CONTEXT])))

    # ------------------------------------------------------------------------------------ nodes

    def actor(self, actor: Actor) -> URIRef:
        if actor.iri in self.iri_of:
            return self.iri_of[actor.iri]
        node = actor.iri
        reused = actor.iri in self.base.known
        if not reused:
            for label in [actor.label_vi, actor.label_en,
                          *(s for s in actor.surfaces if self._names_place(s, actor))]:
                hit = self.base.actor_labels.get(fold(label))
                if hit is not None:
                    node, reused = hit, True
                    break
        self.iri_of[actor.iri] = node
        return node

    @staticmethod
    def _names_place(surface: str, actor: Actor) -> bool:
        """A surface form that carries its area ('UBND tỉnh Bến Tre') is safe to match across documents."""
        place = actor.place
        if place is None or place.province is None:
            return False
        return place.is_nation or place.province.name_vi in surface

    def emit_actor(self, actor: Actor, implied_by: tuple[int, int] | None = None) -> None:
        """An actor's node; `implied_by` is the span that names it only implicitly (a number's suffix)."""
        node = self.actor(actor)
        if node in self.emitted_actors:
            return
        self.emitted_actors.add(node)
        g = self.g
        g.add((node, RDF.type, PH.ActorGroup if actor.group else PH[actor.cls]))  # of a node the base describes,
        labels = {"vi": Literal(actor.label_vi, lang="vi"), "en": Literal(actor.label_en, lang="en")}  # ingest_base
        if actor.place is not None:  # keeps only what a new file may add
            g.add((node, DCT.spatial, actor.place.area))
            if actor.place.unknown is not None:
                self.declare_unknown_area(actor)
            if actor.place.district and actor.surfaces:  # a district named only in the header
                self.declare_district(actor.place, min(actor.surfaces.values()))
        for lit in labels.values():
            g.add((node, SKOS.prefLabel, lit))
        pref = {fold(str(lit)) for lit in labels.values()}
        for surface, (s, e) in sorted(actor.surfaces.items(), key=lambda kv: kv[1]):
            if fold(surface) not in pref:
                g.add((node, SKOS.altLabel, Literal(" ".join(surface.split()), lang="vi")))
            self.evidence(node, s, e, actor.confidence)
        if not actor.surfaces and implied_by is not None:
            self.evidence(node, *implied_by, 0.5)
        elif not actor.surfaces:
            g.add((node, PROV.wasDerivedFrom, self.source))

    def link_parents(self) -> None:
        for actor in self.ex.actors.values():
            node = self.iri_of.get(actor.iri)
            if node is None or actor.parent is None:
                continue
            parent = self.ex.actors.get(actor.parent)
            parent_node = self.iri_of.get(actor.parent) if parent else (
                actor.parent if actor.parent in self.base.known else None)
            if parent_node is not None and parent_node != node:
                self.g.add((node, ORG.subOrganizationOf, parent_node))

    def instrument(self, ins: Instrument) -> URIRef:
        if ins.key in self.instrument_iri:
            return self.instrument_iri[ins.key]
        node = ins.iri
        if ins.number and _number_key(ins.number) in self.base.numbers:
            node = self._numbered(ins, self.base.numbers[_number_key(ins.number)])
        elif not ins.number and fold(ins.label_vi) in self.base.instrument_labels:
            node = self.base.instrument_labels[fold(ins.label_vi)]
        self.instrument_iri[ins.key] = node
        return node

    @staticmethod
    def _numbered(ins: Instrument, known: list[tuple[URIRef, int | None]]) -> URIRef:
        """The base's instrument of this number; Party numbers and many state numbers restart each term or
        year, so one dated another year is another instrument: it takes its year (iris.instrument_iri)."""
        year = ins.date.year if ins.date else None
        same = [node for node, their in known if their == year or year is None or their is None]
        if same:
            return same[0]
        if number_slug(ins.number or "").split("-")[1:2] == [str(year)]:  # '149/2018/NĐ-CP' carries its year
            return known[0][0]
        return instrument_iri(ins.iri_issuer, ins.iri_local, year)

    def emit_instrument(self, ins: Instrument) -> None:
        g = self.g
        node = self.instrument(ins)
        cls = ins.cls
        if cls in ("CoordinationProgramme", "CoordinationRegulation") and len(ins.parties) < 2:
            cls = "OtherInstrument"  # an agreement whose parties the text does not name
        g.add((node, RDF.type, PH[cls]))
        g.add((node, RDF.type, ELI.LegalResource))
        labels = {"vi": Literal(ins.label_vi, lang="vi")}
        if ins.label_en:
            labels["en"] = Literal(ins.label_en, lang="en")
        for lit in labels.values():
            g.add((node, SKOS.prefLabel, lit))
        if ins.number:
            g.add((node, ELI.id_local, Literal(ins.number)))
        if ins.doctype and ins.doctype.iri is not None:
            g.add((node, ELI.type_document, ins.doctype.iri))
        if ins.date:
            g.add((node, ELI.date_document, Literal(ins.date.isoformat(), datatype=XSD.date)))
        if ins.title:
            g.add((node, DCT.title, Literal(" ".join(ins.title.split()), lang="vi")))
        if ins.note:  # said of our choice, not of the text: the edition we took, the text as programme
            for lang in ("vi", "en"):
                g.add((node, SKOS.note, Literal(lexicon().grammar.labels[f"{ins.note}_{lang}"], lang=lang)))
        pref = {fold(str(lit)) for lit in labels.values()}
        first_span = ins.spans[0][:2] if ins.spans else None
        for actor in ins.issuers:
            g.add((node, ELI.passed_by, self.actor(actor)))
            self.emit_actor(actor, first_span)
        for actor in ins.parties if len(ins.parties) >= 2 else ():
            g.add((node, PH.party, self.actor(actor)))
            self.emit_actor(actor, first_span)
        if ins.period:
            g.add((node, PH.period, self._years(f"period-{slug(str(node))[-50:]}", *ins.period)))
        if ins.short_name and fold(ins.short_name) not in pref:
            g.add((node, SKOS.altLabel, Literal(" ".join(ins.short_name.split()), lang="vi")))
        seen_surfaces = set()
        for s, e, surface in ins.spans:
            surface = " ".join(surface.split())
            if not ins.number and surface not in seen_surfaces and fold(surface) not in pref and \
                    len(fold(surface)) > 6:
                g.add((node, SKOS.altLabel, Literal(surface, lang="vi")))
            if surface not in seen_surfaces:
                self.evidence(node, s, e, ins.confidence)
            seen_surfaces.add(surface)
        if not ins.spans and self.ex.commitments:  # the programme a report's tasks belong to
            self.evidence(node, *self.ex.commitments[0].span, ins.confidence)
        elif not ins.spans:
            g.add((node, PROV.wasDerivedFrom, self.source))

    def _years(self, node_id: str, first: int, last: int) -> BNode:
        return interval(self.g, node_id, dt.date(first, 1, 1), dt.date(last, 12, 31))

    def relate_instruments(self) -> None:
        g = self.g
        for ins in self.ex.instruments.values():
            node = self.instrument(ins)
            for prop, keys in ((ELI.based_on, ins.based_on), (PH.implements, ins.implements),
                               (ELI.cites, ins.cites)):
                for key in keys:
                    other = self.instrument(self.ex.instruments[key])
                    if other != node:
                        g.add((node, prop, other))
            for name in ins.signatories:
                g.add((node, PH.signatory, person_iri(name)))

    def person(self, person: Person) -> None:
        g = self.g
        node = person_iri(person.name)
        g.add((node, RDF.type, FOAF.Person))
        g.add((node, FOAF.name, Literal(person.name)))
        g.add((node, SKOS.prefLabel, Literal(person.name, lang="vi")))
        self.evidence(node, *person.span, 0.8 if person.posts or person.signed else 0.6)
        for post in person.posts:
            if post.org is None:
                continue
            org = self.actor(post.org)
            self.emit_actor(post.org)
            tail = str(org).split("/actor/", 1)[-1].replace("/", "-")
            membership = URIRef(f"{node}/post/{post.role.slug}-{tail}")
            g.add((membership, RDF.type, ORG.Membership))
            g.add((membership, ORG.member, node))
            g.add((membership, ORG.organization, org))
            g.add((membership, ORG.role, ID[f"role/{post.role.slug}"]))
            org_label = post.org.label_vi
            g.add((membership, SKOS.prefLabel, Literal(f"{post.role.label_vi} {org_label}", lang="vi")))
            if self.ex.date:
                g.add((membership, PH.attestedOn, Literal(self.ex.date.isoformat(), datatype=XSD.date)))
            self.evidence(membership, *post.span, 0.75)

    def commitment(self, c: Commitment, index: int, used: set[URIRef]) -> None:
        g = self.g
        programme = self.ex.instruments[c.programme]
        prog_node = self.instrument(programme)
        tail = slug(c.clause) if c.clause else slug(f"{self.stem}-{index}")
        node = URIRef(f"{prog_node}/commitment/{tail}")
        k = 2
        while node in used:
            node = URIRef(f"{prog_node}/commitment/{tail}-{k}")
            k += 1
        used.add(node)
        g.add((node, RDF.type, PH.Commitment))
        g.add((node, PH.programme, prog_node))
        leads = [self.actor(self.ex.actors[a]) for a in c.leads if a in self.ex.actors]
        partners = [self.actor(self.ex.actors[a]) for a in c.partners if a in self.ex.actors]
        for a in c.leads + c.partners:
            if a in self.ex.actors:
                self.emit_actor(self.ex.actors[a])
        for a in leads:
            g.add((node, PH.leadActor, a))
        for a in partners:
            if a not in leads:
                g.add((node, PH.partnerActor, a))
        for a in c.addressees:
            if a in self.ex.actors:
                self.emit_actor(self.ex.actors[a])
                g.add((node, PH.addressee, self.actor(self.ex.actors[a])))
        g.add((node, PH.topic, ID[f"topic/{c.topic}"]))
        g.add((node, PH.status, ID[f"status/{c.status}"]))
        g.add((node, PH.action, Literal(c.action, lang="vi")))  # the text's own words: a user's output may quote
        if c.clause:
            g.add((node, PH.clause, Literal(c.clause)))
        for f in c.frequencies[:1]:
            g.add((node, PH.frequency, f.iri))
        for n, t in enumerate(c.targets, start=1):
            target = URIRef(f"{node}/target/{n}")
            g.add((target, RDF.type, PH.Target))
            if t.min_value is not None:
                g.add((target, PH.minValue, Literal(t.min_value, datatype=XSD.decimal)))
            if t.max_value is not None:
                g.add((target, PH.maxValue, Literal(t.max_value, datatype=XSD.decimal)))
            g.add((target, PH.unit, Literal(t.unit, lang="vi")))
            g.add((target, SKOS.note, Literal(t.note, lang="vi")))
            if t.per_period:
                g.add((target, PH.perPeriod, t.per_period.iri))
            g.add((node, PH.target, target))
            self.evidence(target, *t.span, 0.7)
        for key in c.implements:
            g.add((node, PH.implements, self.instrument(self.ex.instruments[key])))
        if c.period:
            g.add((node, PH.period, self._years(f"period-{slug(str(node))[-60:]}", *c.period)))
        self.evidence(node, *c.span, c.confidence)

    def event(self, ev: Event) -> None:
        g = self.g
        day = ev.date.isoformat() if ev.date else "undated"  # the shapes ask for the day in the IRI, or 'undated'
        name = '-'.join(slug(ev.label).split('-')[:8])
        node = ID[f"event/{day}/{name}" if ev.date else f"event/undated/{slug(self.stem)}-{name}"]  # without its
        if (node, RDF.type, None) in g:  # day an event is known only in its own source
            return  # named alike in its first words on the same day: the event already written
        g.add((node, SKOS.prefLabel, Literal(ev.label, lang="vi")))
        g.add((node, RDF.type, PH[ev.kind if ev.kind != "Signing" or ev.signs else "Event"]))  # what was signed?
        if ev.date:
            g.add((node, DCT.date, Literal(day, datatype=XSD.date)))
        for a in ev.organisers:
            if a in self.ex.actors:
                self.emit_actor(self.ex.actors[a])
                g.add((node, PH.organiser, self.actor(self.ex.actors[a])))
        for name in ev.chairs:
            g.add((node, PH.chair, person_iri(name)))
        for key in ev.reviews:
            g.add((node, PH.reviews, self.instrument(self.ex.instruments[key])))
        for key in ev.signs:
            g.add((node, PH.signs, self.instrument(self.ex.instruments[key])))
        self.evidence(node, *ev.span, 0.6)

    def districts(self) -> None:
        """Areas below a province that the text names: typed, labelled, placed in their province."""
        for place, span in self.ex.districts.values():
            if place.district is None or span is None:
                continue
            self.declare_district(place, span)

    def declare_unknown_area(self, actor: Actor) -> None:
        """The placeholder area of bodies whose area the text does not name ('LĐLĐ tỉnh' in a page that never
        says which province): one per document, flagged for the reviewer with an editorial note."""
        g, node, labels = self.g, actor.place.area, lexicon().grammar.labels  # type: ignore[union-attr]
        if (node, RDF.type, PH.AdministrativeArea) not in g:
            g.add((node, RDF.type, PH.AdministrativeArea))
            g.add((node, SKOS.prefLabel, Literal(labels["unknown_area_vi"].format(file=self.name), lang="vi")))
            g.add((node, SKOS.prefLabel, Literal(labels["unknown_area_en"].format(file=self.name), lang="en")))
            g.add((node, PH.areaLevel, ID[f"level/{actor.place.district_level}"]))  # type: ignore[union-attr]
        for lang in ("vi", "en"):
            g.add((node, SKOS.editorialNote, Literal(labels[f"unknown_place_note_{lang}"], lang=lang)))
            g.add((self.iri_of.get(actor.iri, actor.iri), SKOS.editorialNote,
                   Literal(labels[f"unknown_place_note_{lang}"], lang=lang)))
        if actor.surfaces:
            self.evidence(node, *min(actor.surfaces.values()), 0.3)

    def declare_district(self, place, span: tuple[int, int]) -> None:
        """One area below a province, typed, labelled and placed, with the span that names it."""
        g, node = self.g, place.area
        if (node, RDF.type, PH.AdministrativeArea) in g:
            return
        if node not in self.base.areas:  # a base graph's area keeps its own description
            g.add((node, RDF.type, PH.AdministrativeArea))
            g.add((node, SKOS.prefLabel, Literal(place.district, lang="vi")))
            g.add((node, SKOS.prefLabel, Literal(place.district_en or place.district, lang="en")))
            g.add((node, PH.areaLevel, ID[f"level/{place.district_level}"]))
            if place.province is not None:
                g.add((node, PH.withinArea, place.province.iri))
        self.evidence(node, *span, 0.7)

    def build(self, data: bytes) -> None:
        g, ex = self.g, self.ex
        src = self.source
        g.add((src, RDF.type, PH.SourceDocument))
        g.add((src, DCT.identifier, Literal(self.name)))
        g.add((src, PH.sha256, Literal(hashlib.sha256(data).hexdigest())))
        g.add((src, DCT.language, Literal("vi")))
        title = self.meta.title or ex.title
        if title:
            g.add((src, DCT.title, Literal(" ".join(title.split()), lang="vi")))
        if ex.date:
            g.add((src, DCT.date, Literal(ex.date.isoformat(), datatype=XSD.date)))
        if self.meta.source_url:
            g.add((src, DCT.source, URIRef(self.meta.source_url)))
        if self.meta.publisher:
            g.add((src, DCT.publisher, Literal(self.meta.publisher, lang="vi")))
        for ins in ex.instruments.values():
            self.emit_instrument(ins)
            if ins.own and ins.issuers:
                g.add((src, DCT.publisher, self.actor(ins.issuers[0])))
        self.relate_instruments()
        for actor in ex.actors.values():  # a body named only in a citation, a title or a post is kept where
            if actor.iri in ex.acting and not actor.group:  # it is referenced; a group only where it acts
                self.emit_actor(actor)
        for person in ex.persons.values():
            self.person(person)
        used: set[URIRef] = set()
        for n, c in enumerate(ex.commitments, start=1):
            self.commitment(c, n, used)
        for ev in ex.events:
            self.event(ev)
        self.districts()
        self.link_parents()


