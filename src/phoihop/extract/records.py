"""The records passes write: places, actors and their mentions, instruments, persons, commitments, events.

`Findings` is the one mutable record a document's passes share; each pass declares which of its fields it
reads and writes (see pipeline.py), and `Extraction` is what the passes hand to ingest.py when done. Spans are
offsets into the normalised text; ingest.py maps them back to the NFC original.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from dataclasses import dataclass, field, fields
from decimal import Decimal

from rdflib import URIRef

from ..gazetteer import Area
from ..iris import instrument_iri, slug
from ..namespaces import ID
from .lexicon import ActorKind, DocType, Frequency, Role


@dataclass(frozen=True)
class Metadata:
    """What a user says about a document that its text may not: from options or a FILE.meta.json sidecar."""

    place: str | None = None
    date: dt.date | None = None
    title: str | None = None
    source_url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class Place:
    """Where a body sits: a province (or the nation), maybe a district inside it, maybe all its districts."""

    province: Area | None
    district: str | None = None  # "quận Hoàn Kiếm"
    all_districts: bool = False
    district_en: str | None = None  # "Hoàn Kiếm District"
    district_level: str = "district"  # concept of id:scheme/level
    unknown: str | None = None  # the text names no area: the stem of the document it is unknown in

    @property
    def path(self) -> tuple[str, ...]:
        if self.unknown is not None:  # kept per document: two texts' "LĐLĐ tỉnh" need not be one body
            return (f"khong-ro-{slug(self.unknown)}",)
        head = (self.province.slug,) if self.province else ()
        return head + ((slug(self.district),) if self.district else ())

    @property
    def is_nation(self) -> bool:
        return self.province is not None and self.province.is_nation

    @property
    def area(self) -> URIRef:
        """The ph:AdministrativeArea this place names (all districts of a province: the province; an unknown
        area: a placeholder of the document, flagged for review)."""
        path = self.path if not self.all_districts else self.path[:1]
        return ID["area/" + "/".join(path)] if path else ID["area/viet-nam"]

    def label_vi(self) -> str:
        province = self.province.label_vi if self.province and not self.is_nation else ""
        if self.district:
            return f"{self.district}, {province}" if province else self.district
        return province

    def name_en(self) -> str:
        """'Hanoi', 'Long An', 'Ho Chi Minh City': the province's English name as put before a body's."""
        if self.province is None:
            return ""
        return re.sub(r" \((until|from) [^)]*\)| Province$", "", self.province.name_en).strip()

    def label_en(self) -> str:
        district = self.district_en or self.district
        if self.province is None or self.is_nation:
            return "Viet Nam" if self.is_nation else (district or "")
        name = re.sub(r" \((until|from) [^)]*\)", "", self.province.name_en)
        return f"{district}, {name}" if district else name


@dataclass(eq=False)
class Actor:
    iri: URIRef
    label_vi: str
    label_en: str
    cls: str
    parent: URIRef | None = None
    acts_for: URIRef | None = None  # parent that a leading organ commits for
    place: Place | None = None
    surfaces: dict[str, tuple[int, int]] = field(default_factory=dict)  # surface -> first span
    confidence: float = 0.8
    group: bool = False  # a collective named without its members ("các sở, ban, ngành"): ph:ActorGroup


@dataclass
class Mention:
    actor: Actor
    first: int  # token index
    last: int  # token index, exclusive
    start: int  # char offsets in normalised text
    end: int
    inner: Mention | None = None  # the parent named inside a sub-body mention
    kind: ActorKind | None = None  # set for plain (non-sub-body) mentions
    explicit: bool = False  # an area was written after the name (a bare 'tỉnh' too): it shares no other's

    @property
    def committer(self) -> URIRef:
        return self.actor.acts_for or self.actor.iri


@dataclass
class Instrument:
    key: str  # dedupe key
    cls: str
    doctype: DocType | None
    number: str | None = None
    year: int | None = None
    date: dt.date | None = None
    label_vi: str = ""
    label_en: str = ""
    iri_issuer: str = ""
    iri_local: str = ""
    title: str | None = None
    issuers: list[Actor] = field(default_factory=list)
    parties: list[Actor] = field(default_factory=list)
    period: tuple[int, int] | None = None
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, surface)
    confidence: float = 0.9
    own: bool = False
    based_on: list[str] = field(default_factory=list)  # instrument keys
    implements: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    signatories: list[str] = field(default_factory=list)  # person keys
    short_name: str | None = None  # "Quy chế về mối quan hệ công tác": the name without its parties
    written_types: list[str] = field(default_factory=list)  # as written: "Chương trình phối hợp công tác"
    edition: int | None = None  # a law's edition year (part of its IRI: quoc-hoi/luat-cong-doan-2012)
    note: str | None = None  # key of a label pair (<note>_vi, <note>_en) said of it as skos:note

    @property
    def iri(self) -> URIRef:
        """id:instrument/<issuer>/<key>: no date segment, so the IRI does not change when a date becomes known."""
        return instrument_iri(self.iri_issuer, self.iri_local, self.edition)


@dataclass
class Post:
    role: Role
    org: Actor | None
    span: tuple[int, int]


@dataclass
class Person:
    name: str
    span: tuple[int, int]
    posts: list[Post] = field(default_factory=list)
    signed: bool = False


@dataclass
class Target:
    min_value: Decimal | None
    max_value: Decimal | None
    unit: str
    note: str
    per_period: Frequency | None
    span: tuple[int, int]


@dataclass
class Commitment:
    programme: str  # instrument key
    clause: str | None
    leads: list[URIRef]
    partners: list[URIRef]
    span: tuple[int, int]
    topic: str
    frequencies: list[Frequency] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    implements: list[str] = field(default_factory=list)
    period: tuple[int, int] | None = None
    confidence: float = 0.7
    status: str = "obligation"  # obligation | reported-result | request | orientation (id:scheme/status)
    action: str = ""  # the clause's own words, trimmed
    addressees: list[URIRef] = field(default_factory=list)  # bodies advised, reported or submitted to


@dataclass
class Event:
    kind: str  # Conference | Signing | Dialogue
    label: str
    date: dt.date | None
    span: tuple[int, int]
    organisers: list[URIRef] = field(default_factory=list)
    chairs: list[str] = field(default_factory=list)
    reviews: list[str] = field(default_factory=list)
    signs: list[str] = field(default_factory=list)


@dataclass
class Findings:
    """What the passes have found so far in one document (each pass declares the fields it reads and writes)."""

    # context
    date: dt.date | None = None
    province: Area | None = None
    main_district: Place | None = None
    national: bool = False  # a document of national bodies: no main province
    # actors
    actors: dict[URIRef, Actor] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    mention_at: dict[int, Mention] = field(default_factory=dict)
    districts: dict[str, tuple[Place, tuple[int, int] | None]] = field(default_factory=dict)
    cited_tokens: set[int] = field(default_factory=set)  # bodies named inside citations or posts, not acting
    # instruments
    instruments: dict[str, Instrument] = field(default_factory=dict)
    instrument_refs: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, key) in text order
    law_tokens: set[int] = field(default_factory=set)  # tokens of numbers and law names: no bodies there
    pending_issuers: list[tuple[str, int | None, int]] = field(default_factory=list)
    coref: list[tuple[int, int]] = field(default_factory=list)  # bare "chương trình phối hợp" mentions
    own: Instrument | None = None
    own_title: list[tuple[int, int]] = field(default_factory=list)
    subjects: list[tuple[int, int]] = field(default_factory=list)  # subjects (trích yếu) of numbered citations
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (key, based_on|implements|cites, key)
    # persons, commitments, events
    persons: dict[str, Person] = field(default_factory=dict)
    signatories: list[str] = field(default_factory=list)  # names of the own instrument's signers
    commitments: list[Commitment] = field(default_factory=list)
    implied: Instrument | None = None  # the source text itself, holding the tasks no named instrument holds
    events: list[Event] = field(default_factory=list)

    _mention_index: tuple[int, list[int], list[Mention]] = field(default=(0, [], []), repr=False, compare=False)

    @classmethod
    def names(cls) -> frozenset[str]:
        return frozenset(f.name for f in fields(cls) if not f.name.startswith("_"))

    def mentions_in(self, first: int, last: int) -> list[Mention]:
        """Mentions starting in tokens [first, last), in text order, found by bisection (a long list of items
        asks once per item; scanning every mention each time would make ingest quadratic)."""
        size, starts, ordered = self._mention_index
        if size != len(self.mentions):
            ordered = sorted(self.mentions, key=lambda m: m.first)
            starts = [m.first for m in ordered]
            self._mention_index = (len(self.mentions), starts, ordered)
        return ordered[bisect_left(starts, first):bisect_left(starts, last)]

    @property
    def main_place(self) -> Place | None:
        """The document's own area: its district (inside its province) or its province."""
        if self.main_district is not None:
            return Place(self.province, self.main_district.district, district_en=self.main_district.district_en,
                         district_level=self.main_district.district_level)
        return Place(self.province) if self.province else None


@dataclass
class Extraction:
    """Everything found in one document (spans are normalised-text offsets)."""

    title: str | None
    date: dt.date | None
    place: Place | None
    actors: dict[URIRef, Actor]
    instruments: dict[str, Instrument]
    persons: dict[str, Person]
    commitments: list[Commitment]
    events: list[Event]
    districts: dict[str, tuple[Place, tuple[int, int] | None]]
    acting: set[URIRef] = field(default_factory=set)  # actors named at least once outside a citation or title
