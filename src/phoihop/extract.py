"""The matcher: normalised Vietnamese administrative text -> plain records of what it states.

Rules live in data (data/lexicon/*.csv, data/gazetteer/provinces.csv, ontology/schemes/*.ttl); this module
is the grammar that applies them: a tokeniser, token tries for names, and small parsers for document
numbers, dates, actor mentions with their area, titles, numbered clauses and assignment patterns
("Giao X chủ trì, phối hợp Y"). It returns records with spans in normalised-text offsets; ingest.py turns
them into RDF and maps the spans back to the NFC original.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from .errors import DataInvalid
from .gazetteer import Area, Gazetteer, load_gazetteer
from .iris import actor_iri, is_party_number, issuer_codes, issuer_key, issuer_suffix, lookup_issuer_code, slug
from .namespaces import ID, PH
from .normalize import LETTER, Normalized, is_syllable
from .resources import data_dir, ontology_dir

# ----------------------------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
_SOFT_GAP = re.compile(r" ?[,\-–—&] ?| ?| ?\. ?")
_BREAK_CHARS = set("\n;:()“”\"!?[]|")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    low: str
    joined: bool  # only a soft separator (space, comma, hyphen) since the previous token
    brk: bool  # a clause or sentence boundary since the previous token
    gap: str


def tokenize(text: str) -> list[Token]:
    """Word tokens with what separates each from the one before."""
    tokens: list[Token] = []
    prev_end, prev_text = 0, ""
    for m in _TOKEN_RE.finditer(text):
        gap = text[prev_end:m.start()]
        word = m.group(0)
        dot_ok = "." in gap and (gap == "." or (prev_text.isupper() and len(prev_text) <= 3) or
                                 (prev_text.isdigit() and word.isdigit() and gap == "."))
        brk = bool(_BREAK_CHARS & set(gap)) or ("." in gap and not dot_ok) or not tokens
        joined = not brk and len(gap) <= 3 and _SOFT_GAP.fullmatch(gap) is not None
        tokens.append(Token(m.start(), m.end(), word, word.lower(), joined, brk, gap))
        prev_end, prev_text = m.end(), word
    return tokens


def _words(phrase: str) -> list[str]:
    return _TOKEN_RE.findall(phrase)


class Trie:
    """Phrases as token sequences, looked up from a start token; the longest match wins."""

    def __init__(self) -> None:
        self._first: dict[str, list[tuple[tuple[str, ...], bool, object]]] = {}

    def add(self, phrase: str, payload: object, exact: bool = False) -> None:
        words = _words(phrase)
        if not words:
            return
        seq = tuple(words) if exact else tuple(w.lower() for w in words)
        bucket = self._first.setdefault(words[0].lower(), [])
        if (seq, exact, payload) not in bucket:
            bucket.append((seq, exact, payload))
            bucket.sort(key=lambda entry: -len(entry[0]))

    def match(self, tokens: list[Token], i: int) -> tuple[int, object] | None:
        """(number of tokens, payload) of the longest phrase starting at token i, or None."""
        return next(self.matches(tokens, i), None)

    def matches(self, tokens: list[Token], i: int) -> Iterator[tuple[int, object]]:
        """Every phrase starting at token i, longest first."""
        if i >= len(tokens):
            return
        for seq, exact, payload in self._first.get(tokens[i].low, ()):
            n = len(seq)
            if i + n > len(tokens):
                continue
            for k in range(n):
                tok = tokens[i + k]
                if (k and not tok.joined) or (tok.text if exact else tok.low) != seq[k]:
                    break
            else:
                yield n, payload


# ---------------------------------------------------------------------------------------------- lexicon


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


@dataclass(frozen=True)
class SubBody:
    prefix: str
    name_en: str
    kind: str  # organ | unit | leadership


@dataclass(frozen=True)
class Institution:
    head: str
    cls: str
    name_en: str


@dataclass(frozen=True)
class Law:
    name_vi: str
    name_en: str
    kind: str  # notation of the doctype: HP, BL, L


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


def _read_csv(name: str) -> list[dict[str, str]]:
    path = data_dir() / "lexicon" / name
    try:
        with path.open(encoding="utf-8") as handle:
            return list(csv.DictReader(line for line in handle if not line.startswith("#")))
    except OSError as err:
        raise DataInvalid(f"cannot read lexicon table: {err.strerror or err}", path=path) from None


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


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


@dataclass
class Frequency:
    iri: URIRef
    label_vi: str
    label_en: str
    times: int | None
    duration: str | None


class Lexicon:
    """Every table the matcher reads, loaded once."""

    def __init__(self) -> None:
        self.gazetteer: Gazetteer = load_gazetteer()
        self.kinds: dict[str, ActorKind] = {}
        self.actor_trie = Trie()
        for row in _read_csv("actors.csv"):
            kind = ActorKind(row["key"], row["name_vi"], row["name_en"], row["class"], row["scope"],
                             row["collective"] == "yes", row["strict"] == "yes", row["parent"] or None,
                             row["national_key"] or None)
            self.kinds[kind.key] = kind
            for form in {kind.name_vi, *_split(row["forms"])}:
                self.actor_trie.add(form, kind.key)
            for form in _split(row["exact"]):
                self.actor_trie.add(form, kind.key, exact=True)
        self.sector_trie = Trie()
        self.sectors: list[tuple[str, str, str]] = []  # name, English name, first abbreviation
        self.sector_heads = {"Sở": ("so", "Department", "Department of", "local"),
                             "Bộ": ("bo", "Ministry", "Ministry of", "national"),
                             "Phòng": ("phong", "Department", "Office of", "local")}
        for row in _read_csv("sectors.csv"):
            name = row["name_vi"]
            self.sectors.append((name, row["name_en"], (_split(row["abbreviations"]) or [""])[0]))
            self.sector_trie.add(name, (name, row["name_en"]))
            for abbr in _split(row["abbreviations"]):
                self.sector_trie.add(abbr, (name, row["name_en"]), exact=True)
        self.subbody_trie = Trie()
        for row in _read_csv("subbodies.csv"):
            self.subbody_trie.add(row["prefix"], SubBody(row["prefix"], row["name_en"], row["kind"]))
        self.institution_trie = Trie()
        for row in _read_csv("institutions.csv"):
            self.institution_trie.add(row["head"], Institution(row["head"], row["class"], row["name_en"]),
                                      exact=True)
        self.stopwords = frozenset(row["word"] for row in _read_csv("stopwords.csv"))
        self.stop_trie = Trie()
        for word in self.stopwords:
            self.stop_trie.add(word, word)
        self.law_trie = Trie()
        for row in _read_csv("laws.csv"):
            first = row["name_vi"].split()[0]
            kind = {"Hiến": "HP", "Bộ": "BL"}.get(first, "L")
            law = Law(row["name_vi"], row["name_en"], kind)
            for form in {row["name_vi"], *_split(row["forms"])}:
                self.law_trie.add(form, law)
        self.known: dict[str, list[KnownInstrument]] = {}
        self.known_trie = Trie()  # subjects, so that a quoted subject alone cites its instrument
        for row in _read_csv("known_instruments.csv"):
            try:
                known = KnownInstrument(row["number"], row["type"], row["issuer"], dt.date.fromisoformat(row["date"]),
                                        row["subject_vi"], row["subject_en"])
            except (TypeError, ValueError) as err:
                raise DataInvalid(f"bad row for {row.get('number')!r}: {err}",
                                  path=data_dir() / "lexicon" / "known_instruments.csv") from None
            self.known.setdefault(known.number.upper(), []).append(known)  # Party numbers restart each term
            for form in {known.subject_vi, *_split(row["forms"])}:
                self.known_trie.add(form, known)
        self.surnames = frozenset(row["surname"] for row in _read_csv("surnames.csv"))
        self.role_orgs = {row["role"]: row["actor"] for row in _read_csv("role_orgs.csv")}
        markers = _read_csv("tail_markers.csv")
        self.page_tail = re.compile("|".join(f"(?:{r['pattern']})" for r in markers if r["kind"] == "page"), re.I)
        self.any_tail = re.compile("|".join(f"(?:{r['pattern']})" for r in markers), re.I)
        self.area_types = {row["word"]: (row["level"], row["name_en"]) for row in _read_csv("area_types.csv")}
        self._load_schemes()
        for known in (k for rows in self.known.values() for k in rows):
            if parse_number(known.number, self.notations) is None or known.notation not in self.doctypes:
                raise DataInvalid(f"unreadable number or type in the row of {known.number!r}",
                                  path=data_dir() / "lexicon" / "known_instruments.csv")
        # full names of congresses that texts shorten ("Đại hội XIII của Đảng"), by body key
        self.congresses = {row["body"]: row["name"] for row in _read_csv("congresses.csv")}
        self.area_trie = Trie()
        for form in self.gazetteer.forms():
            self.area_trie.add(form, form)
        # body key -> issuer code ("lien-doan-lao-dong" -> "ldld"), for IRIs of instruments named by parties
        self.short_codes: dict[str, str] = {}
        for row in issuer_codes():
            if re.fullmatch(r"[a-z]+", row.pattern.pattern) and row.actor and "|" not in row.actor:
                self.short_codes.setdefault(row.actor, row.pattern.pattern)

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
        for row in _read_csv("type_words.csv"):
            self.doctype_trie.add(row["word"], DocType(None, "", "OtherInstrument", row["word"], row["name_en"]))
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
        g = _scheme("topic.ttl")
        self.topics: dict[str, tuple[str, str]] = {}
        self.topic_trie = Trie()
        weights: dict[tuple[str, str], int] = {}  # (phrase, topic) -> weight; a keyword row may raise a label's 2
        for concept in g.subjects(RDF.type, SKOS.Concept):
            code = str(concept).rsplit("/", 1)[-1]
            self.topics[code] = (_pref(g, concept, "vi"), _pref(g, concept, "en"))
            for label in _labels(g, concept, "vi"):
                weights[(label.lower(), code)] = max(weights.get((label.lower(), code), 0), 2)
        for row in _read_csv("topic_keywords.csv"):
            key = (row["keyword"].lower(), row["topic"])
            weights[key] = int(row["weight"]) if key not in weights else max(weights[key], int(row["weight"]))
        for (phrase, code), weight in sorted(weights.items()):
            self.topic_trie.add(phrase, (code, weight))
        g = _scheme("role.ttl")
        self.role_trie = Trie()
        for concept in g.subjects(RDF.type, SKOS.Concept):
            role = Role(str(concept).rsplit("/", 1)[-1], _pref(g, concept, "vi"))
            for label in _labels(g, concept, "vi"):
                self.role_trie.add(label, role)

    def issuer_kind(self, code_row_actor: str, area: Area | None) -> ActorKind | None:
        """The actor kind an issuers.csv actor value names ('tinh-uy|thanh-uy' picks by area)."""
        if "|" in code_row_actor:
            province, city = code_row_actor.split("|", 1)
            code_row_actor = city if area is not None and area.is_city else province
        if code_row_actor in self.kinds:
            return self.kinds[code_row_actor]
        for name, name_en, _ in self.sectors:
            if slug("Bộ " + name) == code_row_actor:
                return sector_kind("Bộ", name, name_en, self)
        return None


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon of the project's data and ontology folders (read once per process)."""
    return Lexicon()


def sector_kind(head: str, name: str, name_en: str, lex: Lexicon) -> ActorKind:
    _, cls, en_head, scope = lex.sector_heads[head]
    full = f"{head} {name}"
    return ActorKind(slug(full), full, f"{en_head} {name_en}", cls, scope,
                     parent=None if head == "Bộ" else "uy-ban-nhan-dan")


# ---------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Place:
    """Where a body sits: a province (or the nation), maybe a district inside it, maybe all its districts."""

    province: Area | None
    district: str | None = None  # "quận Hoàn Kiếm"
    all_districts: bool = False
    district_en: str | None = None  # "Hoàn Kiếm District"
    district_level: str = "district"  # concept of id:scheme/level

    @property
    def path(self) -> tuple[str, ...]:
        head = (self.province.slug,) if self.province else ()
        return head + ((slug(self.district),) if self.district else ())

    @property
    def is_nation(self) -> bool:
        return self.province is not None and self.province.is_nation

    @property
    def area(self) -> URIRef:
        """The ph:AdministrativeArea this place names (all districts of a province: the province)."""
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


@dataclass
class Mention:
    actor: Actor
    first: int  # token index
    last: int  # token index, exclusive
    start: int  # char offsets in normalised text
    end: int
    inner: Mention | None = None  # the parent named inside a sub-body mention
    kind: ActorKind | None = None  # set for plain (non-sub-body) mentions
    explicit: bool = False  # the area was written after the name

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

    @property
    def iri(self) -> URIRef:
        return ID[f"instrument/{self.iri_issuer}/{self.year or 'undated'}/{self.iri_local}"]


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


# ---------------------------------------------------------------------------------------- numbers, dates

NUMBER_RE = re.compile(
    r"(?<![\w/])(?:"
    r"(?P<pnum>\d{1,5})-(?P<ptype>[A-ZĐ][A-Za-zĐđ]{0,6})/(?P<pissuer>[A-ZĐ][A-Za-zĐđ0-9]{0,12})"
    r"|(?P<snum>\d{1,6})(?:/(?P<syear>(?:19|20)\d\d))?"
    r"/(?P<srest>[A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)*)"
    r")(?![\w/])")
_DATE_LONG = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_DATE_SHORT = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)(?![\d/])")
_DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
_PERIOD = re.compile(r"(?:giai đoạn|nhiệm kỳ|thời kỳ|(?:5|năm) năm)\s*(?:từ\s+)?(?:năm\s+)?((?:19|20)\d\d)"
                     r"\s*(?:-|–|—|đến|tới)\s*(?:năm\s+)?((?:19|20)\d\d)", re.I)
_PLACE_DATE = re.compile(r"^\s*([^\n,]{2,40}),\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.M)
_HEADER_NUMBER = re.compile(r"^\s*Số\s*:?\s*(\S+)", re.M)


def _years(match: re.Match) -> tuple[int, int] | None:
    """First and last year of a period ('giai đoạn 2021 - 2025'); None for a reversed range, a typo not guessed at."""
    first, last = int(match.group(1)), int(match.group(2))
    return (first, last) if first <= last else None


@dataclass(frozen=True)
class Number:
    """A parsed document number (số ký hiệu)."""

    text: str  # normalised: no spaces, Đ kept
    num: str
    year: int | None
    notation: str | None  # type code when the number carries one
    issuer: str  # issuer suffix

    @property
    def party(self) -> bool:
        return is_party_number(self.text)


def parse_number(text: str, notations: Iterable[str] = ()) -> Number | None:
    """'149/2018/NĐ-CP' -> Number(num='149', year=2018, notation='NĐ', issuer='CP'); None if not a number."""
    m = NUMBER_RE.fullmatch(re.sub(r"\s+", "", text))
    if not m:
        return None
    known = {n.upper() for n in notations}
    if m.group("pnum"):
        number = m.group(0)
        return Number(number, m.group("pnum"), None, m.group("ptype"), m.group("pissuer"))
    number = m.group(0)
    rest = m.group("srest")
    head = rest.split("-", 1)[0]
    notation = head if (not known or head.upper() in known) and "-" in rest else None
    if notation is None and known and head.upper() in known and "-" not in rest:
        notation = head
    year = int(m.group("syear")) if m.group("syear") else None
    return Number(number, m.group("snum"), year, notation, issuer_suffix(number))


def parse_date(text: str) -> dt.date | None:
    """First full date in `text`: 'ngày 28 tháng 7 năm 2020' or '03/9/2019'; None if none is valid."""
    for pattern in (_DATE_LONG, _DATE_SHORT):
        m = pattern.search(text)
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                continue
    return None


def parse_decimal(text: str) -> Decimal | None:
    """Vietnamese numerals: '1.833' is 1833, '58,32' is 58.32, '01' is 1."""
    t = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", t):
        t = t.replace(".", "")
    t = t.replace(",", ".")
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


_ROMAN = re.compile(r"[IVXLC]+")
_ITEM_PATTERNS = (
    ("roman", re.compile(r"([IVX]{1,5})[.)]\s+")),
    ("article", re.compile(r"Điều\s+(\d{1,3})\s*[.:]?\s*")),
    ("multi", re.compile(r"(\d{1,2}(?:\.\d{1,2})+)\.?\s+")),
    ("num", re.compile(r"(\d{1,2})[.)]\s+")),
    ("dashnum", re.compile(r"(\d{1,2})\s*[-–]\s+")),
    ("letter", re.compile(r"([a-zđ])[.)]\s+")),
    ("bullet", re.compile(r"[-–+•]\s*")),
)
_SKIP_SECTION = re.compile(r"mục đích|yêu cầu|ý nghĩa|căn cứ|sự cần thiết|đặc điểm tình hình", re.I)
_SIGN_LINE = re.compile(r"^\s*(?:TM|KT|TL|Q|TUQ)\.\s*(.+)$")
_QUALIFIERS = ("chức năng", "liên quan", "có liên quan", "trực thuộc", "thuộc", "đồng cấp")
_ALL_DISTRICTS = ("các quận, huyện, thị xã", "quận, huyện, thị xã", "các quận, huyện", "quận, huyện",
                  "cấp huyện", "các huyện, thành phố", "các huyện, thị xã, thành phố", "huyện, thị xã, thành phố",
                  "các huyện, thị, thành phố", "huyện, thị, thành phố", "các huyện", "các quận")
_KIND_WORDS = ("tỉnh", "thành phố", "tp")
_AGREEMENT_MODIFIERS = ("phối hợp công tác", "phối hợp", "công tác", "về mối quan hệ công tác",
                        "mối quan hệ công tác", "về việc phối hợp", "liên tịch", "hành động", "làm việc")
_LAW_NUMBER = re.compile(r"\s*,?\s*(?:số\s+)?(\d{1,4}\s*/\s*(?:19|20)\d\d\s*/\s*QH\d{1,2})(?:\s*,?\s*(?:ngày\s+)?"
                         r"(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}))?", re.I)
_DATELINE = re.compile(r"^\s*(?:Thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|Chủ\s+nhật|CN|T[2-7])\s*[,-]?\s*"
                       r"(\d{1,2}/\d{1,2}/(?:19|20)\d\d)\b", re.I | re.M)
_BETWEEN = re.compile(r"\s*,?\s*giữa\s+")
_PLURAL_WORDS = frozenset(("các", "những", "nhiều"))  # before a type word: several documents, not one
_ISSUER_PREFIX = re.compile(r"\s*,?\s*(?:của|do)\s+", re.I)
_SUBJECT_PREFIX = re.compile(r"\s*,?\s*(?:về việc|về|v/v)\s+", re.I)
_IMPLEMENT_CUE = re.compile(r"\b(?:thực hiện|triển khai|theo|quán triệt|căn cứ)\s+(?:tốt\s+|có hiệu quả\s+)?\S*$",
                            re.I)
_REQUEST_CUES = ("đề nghị", "kiến nghị", "yêu cầu", "giao", "phân công")
_LEAD_CUES = ("chủ trì",)
_JOINT_CUES = ("phối hợp", "phối kết hợp", "cùng với", "chỉ đạo", "tạo điều kiện", "hỗ trợ", "tham mưu",
               "hướng dẫn", "đôn đốc")
_ACTION_CUES = ("phối hợp", "chủ trì", "giao", "phấn đấu", "mục tiêu", "chỉ tiêu", "đề nghị", "kiến nghị",
                "yêu cầu", "tổ chức", "triển khai", "thực hiện", "tăng cường", "đẩy mạnh", "tham gia", "hỗ trợ",
                "chăm lo", "kiểm tra", "thanh tra", "tuyên truyền", "chỉ đạo", "đôn đốc", "nắm", "xây dựng",
                "tư vấn", "đối thoại", "quan tâm", "nghiên cứu", "đề xuất", "tham mưu", "vận động", "phát động",
                "giải quyết", "bảo vệ", "đổi mới", "chú trọng", "nâng cao", "theo dõi", "hướng dẫn", "khen thưởng",
                "bảo đảm", "đảm bảo", "phát triển", "thương lượng", "giám sát", "tặng", "trợ giúp", "biểu dương")
_JOINT_SUBJECTS = ("hai bên", "hai cơ quan", "hai ngành", "hai đơn vị", "các bên")
_TARGET_CUES = ("phấn đấu", "chỉ tiêu", "mục tiêu", "ít nhất", "tối thiểu", "trở lên", "không dưới", "đạt")
_UNIT_WORDS = re.compile(r"\s*(%|phần trăm|(?:[^\W\d_]+)(?:\s+[^\W\d_]+){0,3})")
_TARGET_RANGE = re.compile(
    r"(?P<atleast>ít nhất|tối thiểu|không dưới|không ít hơn|trên)?\s*(?:từ\s+)?(?P<min>\d[\d.,]*)\s*(?P<pct1>%)?"
    r"\s*(?:-|–|đến|tới)\s*(?P<max>\d[\d.,]*)\s*(?P<pct2>%)?"
    r"|(?P<atleast2>ít nhất|tối thiểu|không dưới|không ít hơn)\s+(?:từ\s+)?(?P<val>\d[\d.,]*)\s*(?P<pct3>%)?"
    r"|(?P<val2>\d[\d.,]*)\s*%\s*(?P<more>trở lên)?", re.I)
_FREQ_GRAMMAR = re.compile(r"(\d{1,2})\s*(?:lần|kỳ|đợt|buổi)\s*/\s*(?:0?1\s*)?(tuần|tháng|quý|năm)"
                           r"|(\d{1,2})\s*(năm|tháng)\s*/\s*(?:0?1\s*)?lần", re.I)
_PERIOD_DURATION = {"tuần": "P7D", "tháng": "P1M", "quý": "P3M", "năm": "P1Y"}
_EVENT_HEADS = ("hội nghị", "hội thảo", "lễ ký kết", "tọa đàm", "diễn đàn", "hội nghị đối thoại")
_EVENT_STOP = ("tại", "do", "vào", "ngày", "với", "nhằm", "để", "có", "đã", "diễn", "được", "sáng", "chiều")
_TIME_OF_DAY = re.compile(r"(?:sáng|chiều|tối|trưa)\s+(?:ngày\s+)?(\d{1,2})/(\d{1,2})(?:/((?:19|20)\d\d))?",
                          re.I)


def ascii_name(name: str) -> str:
    """'Hoàn Kiếm' -> 'Hoan Kiem': place names in English labels are written without diacritics."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@lru_cache(maxsize=64)
def phrase_trie(phrases: tuple[str, ...]) -> Trie:
    """A trie of fixed grammar phrases (cue words, area words), built once per phrase set."""
    trie = Trie()
    for phrase in phrases:
        trie.add(phrase, phrase)
    return trie


@dataclass
class _Unit:
    start: int  # char offsets
    end: int
    clause: str | None
    listed: bool  # a list item (numbered or bulleted)
    section_actor: list[URIRef] = field(default_factory=list)
    head: tuple[int, int] | None = None  # first clause of the sentence, whose subject later clauses share


class Reader:
    """One document's passes: context, instruments, actors, persons, commitments, events."""

    def __init__(self, norm: Normalized, original: str, stem: str, lex: Lexicon | None = None):
        self.lex = lex or lexicon()
        self.norm = norm
        self.text = norm.text
        self.original = original
        self.stem = stem
        self.low = _lower_same_length(self.text)
        self.tokens = tokenize(self.text)
        self.starts = [t.start for t in self.tokens]
        self.lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*", self.text) if m.end() > m.start()]
        self.body_end = self._tail(self.lex.any_tail)  # commitments, persons, events stop here
        self.page_end = self._tail(self.lex.page_tail)  # bodies and citations stop here
        self.headings = {i for i, (s, e) in enumerate(self.lines) if self._was_upper(s, e)}
        self.actors: dict[URIRef, Actor] = {}
        self.mentions: list[Mention] = []
        self.mention_at: dict[int, Mention] = {}
        self.instruments: dict[str, Instrument] = {}
        self.instrument_refs: list[tuple[int, int, str]] = []  # (start, end, key) in text order
        self.law_tokens: set[int] = set()
        self.persons: dict[str, Person] = {}
        self.districts: dict[str, tuple[Place, tuple[int, int] | None]] = {}
        self.date: dt.date | None = None
        self.province: Area | None = None
        self.main_district: Place | None = None
        self.national = False  # a document of national bodies: no main province
        self.own: Instrument | None = None
        self._own_title: list[tuple[int, int]] = []
        self._pending_issuers: list[tuple[str, int | None, int]] = []
        self._coref: list[tuple[int, int]] = []  # bare "chương trình phối hợp" mentions
        self.cited_tokens: set[int] = set()  # issuers named inside citations ("… của Chính phủ")

    # ------------------------------------------------------------------------------------ helpers

    def _tail(self, pattern: re.Pattern) -> int:
        """Offset of the first line (past the first quarter) that ends the article, or the text's end."""
        for s, e in self.lines:
            line = self.text[s:e].strip(" *#.:-")
            if s > len(self.text) // 4 and pattern.fullmatch(line):
                return s
        return len(self.text)

    def _was_upper(self, s: int, e: int) -> bool:
        os_, oe = self.norm.original_span(s, e)
        letters = [c for c in self.original[os_:oe] if c.isalpha()]
        return len(letters) >= 6 and all(c.isupper() for c in letters)

    def tok_index(self, char: int) -> int:
        """Index of the first token starting at or after a char offset."""
        lo, hi = 0, len(self.starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.starts[mid] < char:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def span_text(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start:self.tokens[last - 1].end]

    def _is_cap(self, i: int) -> bool:
        t = self.tokens[i].text
        return t[:1].isupper() or t[:1].isdigit()

    def _phrase_at(self, i: int, phrases: tuple[str, ...]) -> int:
        """Tokens taken by the longest of `phrases` starting at token i (joined), or 0."""
        hit = phrase_trie(phrases).match(self.tokens, i)
        return hit[0] if hit else 0

    def _line_of(self, char: int) -> int:
        lo, hi = 0, len(self.lines)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.lines[mid][1] < char:
                lo = mid + 1
            else:
                hi = mid
        return lo

    # ------------------------------------------------------------------------------------ context

    def find_context(self) -> None:
        head = self.text[: min(len(self.text), 3000)]
        m = _PLACE_DATE.search(head)
        if m:
            try:
                self.date = dt.date(int(m.group(4)), int(m.group(3)), int(m.group(2)))
            except ValueError:
                self.date = None
            area = self.lex.gazetteer.resolve(re.sub(r"^(TP\.?|Thành phố|tỉnh)\s*", "", m.group(1).strip()),
                                              self.date)
            self.national = self._national_header(head)
            if area and not area.is_nation and not self.national:
                self.province = area
        first_lines = self.text[: self.lines[min(4, len(self.lines) - 1)][1]] if self.lines else ""
        counts: dict[str, int] = {}
        first_seen: dict[str, int] = {}
        tail_counts: dict[str, int] = {}
        for i in range(len(self.tokens)):
            hit = self.lex.area_trie.match(self.tokens, i)
            if hit and self._is_cap(i):
                area = self.lex.gazetteer.resolve(str(hit[1]), self.date)
                if area and not area.is_nation:
                    if self.tokens[i].start >= self.page_end:
                        tail_counts[area.slug] = tail_counts.get(area.slug, 0) + 1
                        continue
                    counts[area.slug] = counts.get(area.slug, 0) + 1
                    first_seen.setdefault(area.slug, self.tokens[i].start)
        if self.province is None and counts and not self.national:
            early = [s for s, at in first_seen.items() if at < len(first_lines)]
            best = min(early, key=lambda s: first_seen[s]) if early else max(counts, key=counts.get)
            if early or counts[best] >= 2:
                self.province = self.lex.gazetteer.areas[best]
        o_end = self.norm.original_span(0, len(first_lines))[1] if first_lines else 0
        m = re.search(r"\b(quận|huyện|thị xã)\s+((?:[" + LETTER + r"]+[ \t]?){1,3})", self.original[:o_end], re.I)
        if m:
            words = m.group(2).split()
            name = " ".join(w.capitalize() for w in words) if m.group(2).isupper() else self._cap_run(m.group(2))
            if name:
                self.main_district = self._district_place(m.group(1).lower(), name)
        if self.main_district and self.province is None:
            pool = counts or tail_counts  # a district page: its site's province shows in the page's links
            if pool:
                self.province = self.lex.gazetteer.areas[max(pool, key=pool.get)]
        if self.date is None:
            self.date = parse_date(head[:600]) if _DATE_LONG.search(head[:600]) else None
        if self.date is None and (dm := _DATELINE.search(head[:400])):  # a news page: 'Thứ Ba, 09/01/2024 15:30'
            self.date = parse_date(dm.group(1))

    def _national_header(self, head: str) -> bool:
        """A 'Số: …' number whose issuers are all national: the place line is only where it was signed."""
        m = _HEADER_NUMBER.search(head)
        number = parse_number(m.group(1).rstrip(".,;"), self.lex.notations) if m else None
        if number is None:
            return False
        grammar = "party" if number.party else "state"
        rows = [lookup_issuer_code(slug(code), grammar) for code in number.issuer.split("-")]
        return all(row is not None and row.scope == "national" for row in rows)

    @staticmethod
    def _cap_run(text: str) -> str:
        words = []
        for w in text.split():
            if not w[:1].isupper():
                break
            words.append(w)
        return " ".join(words)

    @property
    def main_place(self) -> Place | None:
        if self.main_district is not None:
            return replace(self.main_district, province=self.province)
        return Place(self.province) if self.province else None

    # ------------------------------------------------------------------------------------ areas

    def _place_at(self, j: int, after_paren: bool = False) -> tuple[int, Place | str | None]:
        """An area qualifier right after a body's name: (tokens used, Place, 'main' or None)."""
        toks = self.tokens
        if j >= len(toks) or (not after_paren and (not toks[j].joined or toks[j].gap.strip(" "))) or (
                after_paren and toks[j].gap.strip(" ") != ")"):
            return 0, None
        n = self._phrase_at(j, _ALL_DISTRICTS)
        if n:
            return n, Place(self.province, None, True) if self.province else "main"
        hit = self.lex.area_trie.match(toks, j)
        if hit and self._is_cap(j):
            area = self.lex.gazetteer.resolve(str(hit[1]), self.date)
            return hit[0], Place(area)
        if toks[j].low == "trung" and j + 1 < len(toks) and toks[j + 1].low == "ương":
            return 2, Place(self.lex.gazetteer.nation)
        n = self._phrase_at(j, _KIND_WORDS)
        if n:
            hit = self.lex.area_trie.match(toks, j + n)
            if hit and toks[j + n].joined:
                area = self.lex.gazetteer.resolve(str(hit[1]), self.date)
                return n + hit[0], Place(area)
            if toks[j].low == "thành" and j + n < len(toks) and toks[j + n].joined and self._is_cap(j + n) \
                    and toks[j + n].text[0].isalpha() and not self.lex.actor_trie.match(toks, j + n) \
                    and toks[j + n].text not in self.lex.surnames:
                name_n = self._name_run(j + n)
                if name_n:  # a district-level city inside a province: "thành phố Bến Tre"
                    return n + name_n, self._district_place("thành phố", self.span_text(j + n, j + n + name_n))
            return n, "main"
        n = self._phrase_at(j, tuple(w for w in self.lex.area_types if w != "thành phố"))
        if n:
            name_n = self._name_run(j + n)
            if name_n:
                word = " ".join(t.low for t in toks[j:j + n])
                return n + name_n, self._district_place(word, self.span_text(j + n, j + n + name_n))
            if self.main_district and toks[j].low in ("quận", "huyện", "thị"):
                return n, self.main_place
        return 0, None

    def _district_place(self, word: str, name: str) -> Place:
        level, en = self.lex.area_types.get(word, ("district", "District"))
        return Place(self.province, f"{word} {name}", district_en=f"{ascii_name(name)} {en}", district_level=level)

    def _name_run(self, j: int) -> int:
        """Capitalised words naming a place (at most 3), stopping before a title or a body's name."""
        n = 0
        while n < 3 and j + n < len(self.tokens):
            tok = self.tokens[j + n]
            if not tok.text[:1].isupper() or (n and not tok.joined) or tok.gap.strip(" ") or (
                    self.lex.doctype_trie.match(self.tokens, j + n)) or (
                    n and (self.lex.role_trie.match(self.tokens, j + n) or
                           self.lex.actor_trie.match(self.tokens, j + n))):
                break
            if tok.text.isupper() and len(tok.text) > 1 and not is_syllable(tok.text):
                break
            n += 1
        return n

    # ------------------------------------------------------------------------------------ actors

    def actor(self, kind: ActorKind, place: Place | None) -> Actor:
        """The record for a kind of body in a place (made once per IRI)."""
        if kind.scope == "national" or place is None or place.is_nation:
            if kind.national_key and kind.scope != "national":
                kind = self.lex.kinds[kind.national_key]
            place = Place(self.lex.gazetteer.nation)
        key = kind.key + ("-cap-huyen" if place.all_districts else "")
        iri = actor_iri(key, *place.path)
        found = self.actors.get(iri)
        if found:
            return found
        if place.is_nation:
            vi, en = kind.name_vi, kind.name_en
        elif place.all_districts:
            vi = f"{kind.name_vi} cấp huyện {place.label_vi()}"
            en = f"District-level {kind.name_en} bodies of {place.label_en()}"
        elif kind.name_vi.endswith("ủy") and not kind.collective:
            name = place.district or (place.province.name_vi if place.province else "")
            vi = f"{kind.name_vi} {name}".strip()
            en = f"{kind.name_en} of {place.label_en()}" if place.district else f"{place.name_en()} {kind.name_en}"
        elif place.district or kind.collective or not place.province:
            vi, en = f"{kind.name_vi} {place.label_vi()}".strip(), f"{kind.name_en} of {place.label_en()}"
        else:
            vi, en = f"{kind.name_vi} {place.label_vi()}".strip(), f"{place.name_en()} {kind.name_en}"
        parent = None
        if place.district or place.all_districts:
            if kind.key in ("lien-doan-lao-dong", "uy-ban-nhan-dan", "bao-hiem-xa-hoi", "hoi-dong-nhan-dan"):
                parent = actor_iri(kind.key, *Place(place.province).path)
            elif kind.parent:
                parent = actor_iri(kind.parent, *place.path)
        elif kind.parent and kind.parent in self.lex.kinds:
            pk = self.lex.kinds[kind.parent]
            parent = actor_iri(pk.key, "viet-nam") if pk.scope == "national" else actor_iri(pk.key, *place.path)
        actor = Actor(iri, vi, en, kind.cls, parent=parent, place=place)
        if place.district and place.province:
            self.districts.setdefault(slug(place.district), (place, None))  # span set on first mention
        self.actors[iri] = actor
        return actor

    def _head_at(self, i: int) -> tuple[int, ActorKind | Institution, bool] | None:
        """The longest body name starting at token i: (tokens, kind or institution head, exact form)."""
        toks = self.tokens
        best: tuple[int, ActorKind | Institution, bool] | None = None
        hit = self.lex.actor_trie.match(toks, i)
        if hit:
            kind = self.lex.kinds[str(hit[1])]
            best = (hit[0], kind, toks[i].text != toks[i].low or kind.collective)
        head = self.lex.sector_heads.get(toks[i].text) or (
            self.lex.sector_heads.get(toks[i].text.capitalize()) if self._in_heading(i) else None)
        if head and i + 1 < len(toks) and toks[i + 1].joined:
            sec = self.lex.sector_trie.match(toks, i + 1)
            if sec and (best is None or sec[0] + 1 > best[0]):
                name, name_en = sec[1]
                best = (sec[0] + 1, sector_kind(toks[i].text.capitalize(), name, name_en, self.lex), True)
        inst = self.lex.institution_trie.match(toks, i) if best is None else None
        if inst:
            n = self._institution_length(i, inst[0])
            if n and (best is None or n > best[0]):
                best = (n, inst[1], True)
        return best

    def _in_heading(self, i: int) -> bool:
        return self._line_of(self.tokens[i].start) in self.headings

    def _institution_length(self, i: int, head_n: int) -> int:
        toks = self.tokens
        j = i + head_n
        if j >= len(toks) or not toks[j].joined or not self._is_cap(j) or toks[j].gap not in (" ",):
            return 0
        k = j
        while k < len(toks) and k - j < 12:
            tok = toks[k]
            if k > j and (not tok.joined or tok.gap not in (" ", " - ", "-", " – ")):
                break
            if tok.low == "và" and k + 1 < len(toks) and toks[k + 1].text[:1].isupper():
                break
            if tok.low != "và" and (self.lex.stop_trie.match(toks, k) or self.lex.actor_trie.match(toks, k)
                                    and k > j):
                break
            k += 1
        while k > j and toks[k - 1].low == "và":
            k -= 1
        return k - i

    def actor_at(self, i: int, nested: bool = True) -> Mention | None:
        """A mention of a body starting at token i, with its area resolved, or None."""
        toks = self.tokens
        if i >= len(toks) or i in self.law_tokens:
            return None
        sub = self.lex.subbody_trie.match(toks, i) if nested else None
        sub_mention = None
        if sub and i + sub[0] < len(toks) and toks[i + sub[0]].joined:
            parent = self.actor_at(i + sub[0], nested=True)
            if parent is not None:
                sub_mention = self._sub_mention(i, sub[1], parent)
        full = self._full_mention(i)
        if full is None or (sub_mention is not None and sub_mention.last > full.last):
            return sub_mention
        return full

    def _sub_mention(self, i: int, sub: SubBody, parent: Mention) -> Mention:
        p = parent.actor
        if sub.kind == "leadership":
            actor = p
        else:
            iri = URIRef(f"{p.iri}/{slug(sub.prefix)}")
            actor = self.actors.get(iri) or Actor(
                iri, f"{sub.prefix} {p.label_vi}", f"{sub.name_en} of the {p.label_en}", p.cls, parent=p.iri,
                acts_for=p.iri if sub.kind == "organ" else None, place=p.place)
            self.actors[iri] = actor
        return Mention(actor, i, parent.last, self.tokens[i].start, parent.end, inner=parent)

    def _full_mention(self, i: int) -> Mention | None:
        toks = self.tokens
        head = self._head_at(i)
        if head is None:
            return None
        n, kind, exact = head
        if isinstance(kind, Institution):
            name = self.span_text(i, i + n)
            place = self.main_place or Place(self.lex.gazetteer.nation)
            actor = self.actors.get(actor_iri(name, *place.path))
            if actor is None:
                actor = Actor(actor_iri(name, *place.path), name, name, kind.cls, place=place, confidence=0.6)
                self.actors[actor.iri] = actor
            return Mention(actor, i, i + n, toks[i].start, toks[i + n - 1].end)
        if not kind.collective and not exact and not self._is_cap(i) and not self._in_heading(i):
            return None
        j = i + n
        for _ in range(2):
            q = self._phrase_at(j, _QUALIFIERS) if j < len(toks) and toks[j].joined else 0
            if not q:
                break
            j += q
            if toks[j - 1].low == "thuộc":
                inner = self.actor_at(j)
                if inner is None:
                    j -= q
                    break
                j = inner.last
        abbr = None
        if j + 1 < len(toks) and toks[j].gap.strip(" ") == "(" and toks[j + 1].gap.strip(" ") == ")" \
                and toks[j].text.isupper():
            abbr = j  # "Liên đoàn Lao động (LĐLĐ) tỉnh": the abbreviation, then the area
            used, spec = self._place_at(j + 1, after_paren=True)
            j += 1
        else:
            used, spec = self._place_at(j)
        explicit = isinstance(spec, Place)
        if kind.strict and not (explicit or spec == "main") and not (i and toks[i - 1].low == "quan"):
            return None
        if kind.strict and not self._is_cap(i):
            return None
        if spec == "main" or spec is None:
            place = self.main_place if kind.scope != "national" else None
            if place is None and kind.scope == "local":
                return None
        else:
            place = spec
        last = j + used
        actor = self.actor(kind, place)
        if abbr is not None:
            actor.surfaces.setdefault(toks[abbr].text, (toks[abbr].start, toks[abbr].end))
        return Mention(actor, i, last, toks[i].start, toks[last - 1].end, kind=kind, explicit=explicit)

    def find_actors(self) -> None:
        i = 0
        prev: Mention | None = None
        end_tok = self.tok_index(self.page_end)
        while i < end_tok:
            m = self.actor_at(i)
            if m is None:
                i = self._enumeration(i, None) or i + 1
                continue
            self._share_area(prev, m)
            self._record(m)
            prev = m
            i = self._enumeration(m.last, m) or m.last

    def _share_area(self, prev: Mention | None, m: Mention) -> None:
        """'UBND và LĐLĐ các quận, huyện': the area written after the second name also places the first."""
        if prev is None or prev.kind is None or prev.explicit or not m.explicit or m.actor.place is None:
            return
        between = self.tokens[prev.last:m.first]
        if [t.low for t in between] != ["và"] or prev.kind.scope == "national":
            return
        if self.mentions and self.mentions[-1] is prev:
            actor = self.actor(prev.kind, m.actor.place)
            if actor is not prev.actor:
                prev.actor.surfaces.pop(self.text[prev.start:prev.end], None)
                prev.actor = actor
                actor.surfaces.setdefault(self.text[prev.start:prev.end], (prev.start, prev.end))

    def _record(self, m: Mention) -> None:
        self.mentions.append(m)
        self.mention_at[m.first] = m
        place = m.actor.place
        if place is not None and place.district and self.districts.get(slug(place.district), (0, 1))[1] is None:
            self.districts[slug(place.district)] = (place, (m.start, m.end))
        surface = self.text[m.start:m.end]
        m.actor.surfaces.setdefault(surface, (m.start, m.end))
        if m.inner is not None and m.inner.actor is not m.actor:
            inner = m.inner
            self.mention_at.setdefault(inner.first, inner)
            inner.actor.surfaces.setdefault(self.text[inner.start:inner.end], (inner.start, inner.end))

    def _enumeration(self, k: int, head: Mention | None) -> int:
        """'các Sở: Văn hóa và Thể thao, Tài chính, Tư pháp' -> three departments; returns the next token."""
        toks = self.tokens
        if head is not None:
            key = head.actor.iri.rsplit("/", 1)[-1]
            word = {"cac-so-ban-nganh": "Sở", "cac-bo-nganh": "Bộ", "cac-phong-ban-nganh": "Phòng"}.get(key)
            place = head.actor.place
        else:
            heads = {h.lower(): h for h in self.lex.sector_heads}
            if k + 2 >= len(toks) or toks[k].low != "các" or toks[k + 1].low not in heads or (
                    toks[k + 1].text not in self.lex.sector_heads and ":" not in toks[k + 2].gap):
                return 0  # 'các phòng' in lower case lists only before a colon: 'các phòng: Nội vụ, Tư pháp'
            word, place, k = heads[toks[k + 1].low], self.main_place, k + 2
        if word is None or k >= len(toks) or (toks[k].brk and ":" not in toks[k].gap):
            return 0
        found = 0
        while k < len(toks):
            sec = self._list_sector(k)
            if sec is None:
                break
            n, (name, name_en) = sec
            kind = sector_kind(word, name, name_en, self.lex)
            m = Mention(self.actor(kind, place if kind.scope != "national" else None), k, k + n,
                        toks[k].start, toks[k + n - 1].end)
            self._record(m)
            found += 1
            k += n
            if k < len(toks) and toks[k].low == "và" and toks[k].joined:
                k += 1
            elif k >= len(toks) or "," not in toks[k].gap or toks[k].brk:
                break
        return k if found else 0

    def _list_sector(self, k: int) -> tuple[int, tuple[str, str]] | None:
        """The sector name at token k that lets a list go on ('Tài chính, Kế hoạch và Đầu tư' is two)."""
        toks = self.tokens
        options = list(self.lex.sector_trie.matches(toks, k))
        for n, payload in options:
            j = k + n
            if j >= len(toks) or toks[j].brk or not (toks[j].low == "và" or "," in toks[j].gap):
                return n, payload  # type: ignore[return-value]
            nxt = j + 1 if toks[j].low == "và" else j
            if self.lex.sector_trie.match(toks, nxt) or toks[j].low != "và":
                return n, payload  # type: ignore[return-value]
        return options[-1] if options else None  # type: ignore[return-value]

    # ------------------------------------------------------------------------------------ instruments

    def _doctype_before(self, i: int) -> tuple[int, DocType] | None:
        """A document-type phrase ending right before token i (skipping 'số', 'số hiệu')."""
        toks = self.tokens
        k = i
        while k > 0 and toks[k - 1].low in ("số", "hiệu", "ký") and k > i - 3:
            k -= 1
        for length in range(1, 6):
            s = k - length
            if s < 0:
                break
            hit = self.lex.doctype_trie.match(toks, s)
            if hit and hit[0] == length and toks[k].joined or (hit and hit[0] == length and ":" in toks[k].gap):
                return s, hit[1]  # type: ignore[return-value]
        return None

    def _issuer_area(self) -> str | None:
        place = self.main_place
        return "-".join(place.path) if place and place.path else None

    def _number_instrument(self, number: Number, dtype: DocType | None) -> Instrument:
        key = "n:" + number.text.upper()
        found = self.instruments.get(key)
        if found:
            return found
        cls = dtype.cls if dtype else "OtherInstrument"
        if number.notation and dtype is None:
            dtype = self.lex.notations.get(number.notation.upper())
            cls = dtype.cls if dtype else cls
        local = (slug(f"{number.num}-{number.notation}") if number.notation
                 else slug(f"{number.num}-{dtype.notation}") if dtype else slug(number.num))
        type_vi = dtype.label_vi if dtype else "Văn bản"
        type_en = dtype.label_en if dtype else "Document"
        ins = Instrument(key, cls, dtype, number=number.text, year=number.year, label_vi=f"{type_vi} số {number.text}",
                         label_en=f"{type_en} {number.text}", iri_local=local)
        self.instruments[key] = ins
        return ins

    def find_numbers(self) -> None:
        for m in NUMBER_RE.finditer(self.text, 0, self.page_end):
            number = parse_number(m.group(0), self.lex.notations)
            if number is None:
                continue
            i = self.tok_index(m.start())
            before = self._doctype_before(i)
            dtype = before[1] if before else None
            if dtype is None and number.notation is None and not number.party:
                continue  # "12/UBND-VX" with no type word is a letter number, too weak alone
            start = self.tokens[before[0]].start if before else m.start()
            ins = self._number_instrument(number, dtype)
            if dtype and ins.doctype is None:
                ins.doctype, ins.cls = dtype, dtype.cls
            ins.confidence = max(ins.confidence, 0.95 if dtype else 0.85)
            end = m.end()
            rest = self.text[end:end + 400]
            dm = re.match(r"\s*,?\s*(?:ban hành\s+)?(?:ngày\s+)?(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}\s+tháng\s+"
                          r"\d{1,2}\s+năm\s+\d{4})", rest, re.I)
            if dm:
                text = dm.group(1)
                day = parse_date(text if "/" in text else f"ngày {text}")
                if day:
                    ins.date = ins.date or day
                    ins.year = ins.year or day.year
                end += dm.end()
                rest = self.text[end:end + 400]
            im = _ISSUER_PREFIX.match(rest)
            self._cite(ins, start, m.end())
            self._pending_issuers.append((ins.key, end + im.end() if im else None, end))
            self.law_tokens.update(range(self.tok_index(m.start()), self.tok_index(m.end())))  # codes, not bodies

    def _attach_details(self) -> None:
        """After actors are known: issuers ('của X'), subjects ('về ...') and IRIs of numbered instruments."""
        for key, issuer_at, end in self._pending_issuers:
            ins = self.instruments[key]
            pos = end
            if issuer_at is not None:
                m = self.mention_at.get(self.tok_index(issuer_at))
                if m and not ins.issuers:
                    ins.issuers.append(m.actor)
                if m:
                    pos = m.end
                    self.cited_tokens.update(range(m.first, m.last))
            pos = self._numbered_parties(ins, pos)
            sm = _SUBJECT_PREFIX.match(self.text, pos)
            if sm and ins.title is None:
                ins.title = self._subject(sm.end())
        for ins in self.instruments.values():
            if ins.number and not ins.iri_issuer:
                self._known_details(ins)
                if not ins.issuers:
                    ins.issuers = self._issuers_from_number(ins.number)
                    if ins.doctype and ins.doctype.is_agreement and not ins.parties and len(ins.issuers) > 1:
                        ins.parties = list(ins.issuers)  # '…/CTrPH-UBND-LĐLĐ': the codes name both sides
                area = None
                for actor in ins.issuers:
                    if actor.place and actor.place.path and not actor.place.is_nation:
                        area = "-".join(actor.place.path)
                ins.iri_issuer = issuer_key(ins.number, area or self._issuer_area())

    def _cite(self, ins: Instrument, start: int, end: int) -> None:
        """The text cites `ins` at [start, end): its evidence, and a reference that tasks and bases can use."""
        ins.spans.append((start, end, self.text[start:end]))
        self.instrument_refs.append((start, end, ins.key))

    def _numbered_parties(self, ins: Instrument, pos: int) -> int:
        """'Chương trình phối hợp số 08/CTrPH-UBND-LĐLĐ ngày … giữa X và Y giai đoạn 2022-2026': the parties
        (who are then its issuers, wherever the number's codes would place them) and the period. Returns the
        character after what was read."""
        if ins.doctype is None or not ins.doctype.is_agreement:
            return pos
        gm = _BETWEEN.match(self.text, pos)
        toks = self.tokens
        a = self.mention_at.get(self.tok_index(gm.end())) if gm and not ins.parties else None
        b = self.mention_at.get(a.last + 1) if a and a.last < len(toks) and toks[a.last].low in ("và", "với") \
            else None
        if a is not None and b is not None and b.actor != a.actor:
            ins.parties = [a.actor, b.actor]
            ins.issuers = ins.issuers or [a.actor, b.actor]
            pos = toks[b.last - 1].end
        pm = _PERIOD.match(self.text, pos + len(self.text[pos:]) - len(self.text[pos:].lstrip(" ,")))
        if pm:
            ins.period = ins.period or _years(pm)
            pos = pm.end()
        return pos

    def _known_details(self, ins: Instrument) -> None:
        """Issuer and subject of a well-known instrument, where the text leaves them out. Only when the text's
        date or year agrees: Party numbers restart every term (20-NQ/TW is of 2008 and of 2017), so a bare
        number names no edition."""
        year = ins.date.year if ins.date else ins.year
        known = next((k for k in self.lex.known.get((ins.number or "").upper(), ())
                      if year == k.date.year and ins.date in (None, k.date)), None)
        if known is None:
            return
        ins.date = ins.date or known.date
        ins.title = ins.title or known.subject_vi
        if not ins.issuers and known.issuer in self.lex.kinds:
            ins.issuers = [self.actor(self.lex.kinds[known.issuer], None)]

    def find_known_subjects(self) -> None:
        """Well-known instruments cited by their subject alone ('thực hiện “Đổi mới tổ chức và hoạt động của
        Công đoàn Việt Nam trong tình hình mới”'): the subject is long and specific enough to name one."""
        toks = self.tokens
        end_tok = self.tok_index(self.page_end)
        i = 0
        while i < end_tok:
            hit = self.lex.known_trie.match(toks, i)
            if hit is None or hit[0] < 4:
                i += 1
                continue
            n = hit[0]
            known: KnownInstrument = hit[1]  # type: ignore[assignment]
            number = parse_number(known.number, self.lex.notations)
            assert number is not None  # the lexicon refuses rows whose number does not parse
            fresh = "n:" + number.text.upper() not in self.instruments
            ins = self._number_instrument(number, self.lex.doctypes.get(known.notation))
            if fresh:
                ins.confidence = 0.7  # identified by its subject: an inference, not a citation by number
                ins.date, ins.year = known.date, known.date.year  # the subject names the edition
            self.cited_tokens.update(range(i, i + n))  # "Công đoàn Việt Nam" in the subject is no party
            start = i - 1 if i and toks[i - 1].low == "về" else i
            before = self._doctype_before(start)  # 'Nghị quyết “về đổi mới …”': the type word too
            start = before[0] if before else start
            self._cite(ins, toks[start].start, toks[i + n - 1].end)
            i += n

    def _subject(self, start: int) -> str | None:
        stop = re.compile(r"[;\n]|\.\s|\s(?:và|;)\s+(?:Nghị|Quyết|Chỉ|Thông|Luật|Kế|Chương|Quy)|\s(?:của|theo)\s+"
                          r"(?:Ban|Bộ|Chính|Thủ|UBND|Ủy)|,\s|”\s*[,;.]")
        m = stop.search(self.text, start, min(len(self.text), start + 250))
        end = m.start() if m else min(len(self.text), start + 250)
        if self.text[end:end + 1] == "”":
            end += 1
        subject = self.text[start:end].strip(" ,“”\"")
        return subject if len(subject) >= 8 else None

    def _issuers_from_number(self, number: str) -> list[Actor]:
        grammar = "party" if is_party_number(number) else "state"
        found = []
        codes = [issuer_suffix(number)] + issuer_suffix(number).split("-")
        for code in codes if "-" in codes[0] else codes[:1]:
            row = lookup_issuer_code(slug(code), grammar)
            actor = self._sector_code(code) if row is None or not row.actor else self._coded_issuer(row.actor)
            if actor is None:
                continue
            if actor not in found:
                found.append(actor)
            if code == codes[0] and "-" in code:
                found.clear()  # the whole suffix names one body; prefer the split below
        return found

    def _coded_issuer(self, key: str) -> Actor | None:
        """The body an issuers.csv row names, in the document's place when it is a local body."""
        kind = self.lex.issuer_kind(key, self.province)
        if kind is None or (kind.scope != "national" and self.main_place is None):
            return None
        return self.actor(kind, self.main_place if kind.scope != "national" else None)

    def _sector_code(self, code: str) -> Actor | None:
        """'LĐTBXH' in '05/KH-LĐTBXH-LĐLĐ': the local office of that sector (sectors.csv abbreviations) —
        a Phòng when the document is a district's, else a Sở; 'SLĐTBXH' is always the Sở."""
        place = self.main_place
        for name, name_en, abbr in self.lex.sectors:
            if not abbr:
                continue
            if slug(code) == slug(abbr):
                head = "Phòng" if place is not None and place.district else "Sở"
            elif slug(code) == "s" + slug(abbr):
                head = "Sở"
            else:
                continue
            return self._office(head, name, name_en)
        return None

    def _office(self, head: str, name: str, name_en: str) -> Actor | None:
        """The office of a sector under a head word: a Bộ is national, a Sở the province's (even in a district's
        document), a Phòng the document's district's; None when that place is unknown."""
        kind = sector_kind(head, name, name_en, self.lex)
        if head == "Bộ":
            return self.actor(kind, None)
        place = self.main_place if head == "Phòng" else Place(self.province) if self.province else None
        return self.actor(kind, place) if place is not None else None

    def find_laws(self) -> None:
        toks = self.tokens
        end_tok = self.tok_index(self.page_end)
        i = 0
        while i < end_tok:
            hit = self.lex.law_trie.match(toks, i)
            law: Law | None = hit[1] if hit else None  # type: ignore[assignment]
            n = hit[0] if hit else 0
            if hit and law is not None and law.kind != "HP" and n > 1 and not any(
                    t.text[:1].isupper() for t in toks[i + 1:i + n] if t.low not in ("luật", "pháp")):
                hit = None  # "pháp luật lao động" is law in general, not the Labour Code
            if hit is None and toks[i].text == "Luật" and i + 1 < end_tok and self._is_cap(i + 1) \
                    and toks[i + 1].joined and not toks[i + 1].text.isdigit():
                n = self._generic_law(i)
                law = Law(self.span_text(i, i + n), "", "L") if n > 1 else None
            if law is None or (i and toks[i - 1].low in ("pháp", "dự") and toks[i].joined and toks[i].low == "luật"):
                i += 1
                continue
            year = None
            j = i + n
            if j < len(toks) and toks[j].low == "năm" and toks[j].joined and j + 1 < len(toks):
                j += 1
            if j < len(toks) and toks[j].joined and re.fullmatch(r"(19|20)\d\d", toks[j].text):
                year = int(toks[j].text)
                n = j + 1 - i
            number, day, after = self._law_number(toks[i + n - 1].end)
            year = year or (number.year if number else None) or (day.year if day else None)
            name = law.name_vi
            key = f"law:{slug(name)}:{year or ''}"
            ins = self.instruments.get(key)
            if ins is None:
                dtype = self.lex.doctypes.get(law.kind)
                ins = Instrument(key, dtype.cls if dtype else "Law", dtype, year=year,
                                 label_vi=f"{name} năm {year}" if year else name,
                                 label_en=(f"{law.name_en} ({year})" if year else law.name_en) or name,
                                 iri_issuer="quoc-hoi", iri_local=slug(name),
                                 confidence=0.9 if law.name_en else 0.6)
                ins.issuers = [self.actor(self.lex.kinds["quoc-hoi"], None)]
                self.instruments[key] = ins
            if number is not None:
                ins.number, ins.date = ins.number or number.text, ins.date or day
                if "n:" + number.text.upper() in self.instruments:  # the number was also read on its own
                    self._merge_instrument("n:" + number.text.upper(), key)
                n = max(n, self.tok_index(after) - i)
            self._cite(ins, toks[i].start, toks[i + n - 1].end)
            self.law_tokens.update(range(i, i + n))
            i += n
        self._merge_undated_laws()

    def _merge_undated_laws(self) -> None:
        """'Bộ luật Lao động' after 'Bộ luật Lao động số 45/2019/QH14' is that edition, when the text names one."""
        for key in [k for k in self.instruments if k.startswith("law:") and k.endswith(":")]:
            editions = [k for k in self.instruments if k.startswith(key) and k != key]
            if len(editions) == 1:
                self._merge_instrument(key, editions[0])

    def _law_number(self, pos: int) -> tuple[Number | None, dt.date | None, int]:
        """'Bộ luật Lao động số 45/2019/QH14 ngày 20 tháng 11 năm 2019': the law's number and date, if written
        right after its name, and the character after them."""
        m = _LAW_NUMBER.match(self.text, pos)
        number = parse_number(m.group(1), self.lex.notations) if m else None
        if m is None or number is None:
            return None, None, pos
        day = None
        if m.group(2):
            day = parse_date(m.group(2) if "/" in m.group(2) else f"ngày {m.group(2)}")
        return number, day, m.end()

    def _generic_law(self, i: int) -> int:
        toks = self.tokens
        k = i + 1
        while k < len(toks) and k - i <= 6:
            tok = toks[k]
            if (k > i + 1 and (not tok.joined or tok.gap != " ")) or tok.text.isdigit() or tok.low == "năm" \
                    or self.lex.stop_trie.match(toks, k):
                break
            k += 1
        return k - i

    def find_references(self) -> None:
        """Instruments named without a number: agreements 'giữa X và Y', plans by period, congress resolutions."""
        toks = self.tokens
        numbered = {self.tok_index(s) for s, _, _ in self.instrument_refs}
        end_tok = self.tok_index(self.page_end)
        own_title = {k for s, e in self._own_title for k in range(self.tok_index(s), self.tok_index(e))}
        i = 0
        while i < end_tok:
            hit = self.lex.doctype_trie.match(toks, i)
            if hit is None or i in self.law_tokens or i in own_title or (i and toks[i - 1].low == "pháp"):
                i += 1
                continue
            n, dtype = hit[0], hit[1]
            assert isinstance(dtype, DocType)
            if i and toks[i - 1].low in _PLURAL_WORDS:
                ins, used = self._group_reference(i, n, dtype) if dtype.is_agreement else (None, 0)
                if ins is not None:
                    self._cite(ins, toks[i - 1].start, toks[i + used - 1].end)
                i += used or 1
                continue
            if any(k in numbered for k in range(i, i + n + 4)) or dtype.cls in ("Law", "Code", "Constitution"):
                i += n
                continue
            ins, used = self._reference(i, n, dtype)
            if ins is not None:
                self._cite(ins, toks[i].start, toks[i + used - 1].end)
                i += used
            else:
                if dtype.is_agreement:
                    self._coref.append((toks[i].start, toks[i + n - 1].end))
                i += n
        self._merge_partyless()

    def _merge_partyless(self) -> None:
        """'Chương trình phối hợp giai đoạn 2021-2025' without parties is the one with parties and that period."""
        for key, ins in list(self.instruments.items()):
            if not key.startswith("agr:") or ins.parties or ins.period is None:
                continue
            peers = [k for k, other in self.instruments.items() if k.startswith("agr:") and other.parties
                     and other.period == ins.period and other.cls == ins.cls]
            if len(peers) != 1:
                continue
            self._merge_instrument(key, peers[0])

    def _merge_instrument(self, key: str, into: str) -> None:
        """Two records name one instrument: keep `into`, move spans and references to it."""
        self.instruments[into].spans.extend(self.instruments.pop(key).spans)
        self.instrument_refs = [(s, e, into if k == key else k) for s, e, k in self.instrument_refs]
        self._pending_issuers = [(into if k == key else k, a, b) for k, a, b in self._pending_issuers]

    def _reference(self, i: int, n: int, dtype: DocType) -> tuple[Instrument | None, int]:
        toks = self.tokens
        j = i + n
        while j < len(toks) and toks[j].joined:
            used = self._phrase_at(j, _AGREEMENT_MODIFIERS)
            if not used and toks[j].low == "về" and j + 1 < len(toks) and toks[j + 1].joined:
                inner = self._phrase_at(j + 1, _AGREEMENT_MODIFIERS)  # "Quy chế về phối hợp công tác"
                used = inner + 1 if inner else 0
            if not used:
                break
            j += used
        type_phrase = self.span_text(i, j)
        parties: list[Actor] = []
        issuer: Actor | None = None
        label_end = j
        title = None
        congress = False
        congress_n: str | None = None
        if j < len(toks) and toks[j].joined and toks[j].low == "giữa":
            a = self.mention_at.get(j + 1)
            if a and a.last < len(toks) and toks[a.last].low in ("và", "với"):
                b = self.mention_at.get(a.last + 1)
                if b:
                    parties = [a.actor, b.actor]
                    label_end = b.last
        elif j + 1 < len(toks) and toks[j].low == "đại" and toks[j + 1].low == "hội" and toks[j].joined:
            congress_n, issuer, label_end = self._congress(j + 2)
            congress = congress_n is not None
        elif j < len(toks) and toks[j].low == "của" and toks[j].joined:
            m = self.mention_at.get(j + 1)
            if m:
                issuer = m.actor
                label_end = m.last
        start_char = toks[label_end - 1].end
        pm = _PERIOD.match(self.text, start_char) or re.match(
            r"\s*,?\s*(?:giai đoạn|(?:5|năm) năm|nhiệm kỳ)\s*((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)",
            self.text[start_char:start_char + 60])
        if pm is None:
            pm = re.match(r"\s*,?\s*(?:giai đoạn\s+|(?:5|năm) năm\s+)?((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)",
                          self.text[start_char:start_char + 40])
        period = None
        if pm:
            period = _years(pm)
            end_char = start_char + pm.end() if pm.string is not self.text else pm.end()
            label_end = self.tok_index(end_char)
        qm = re.match(r"\s*(?:về\s+)?[“\"]([^”\"\n]{6,200})[”\"]", self.text[toks[label_end - 1].end:][:220])
        if qm and (issuer or dtype.cls == "OtherInstrument"):
            title = qm.group(1)
        if not (parties or period or congress or issuer or title) or (dtype.iri is None and not title):
            return None, 0
        if dtype.is_agreement and not parties:
            parties = self._sentence_subjects(i)
        if congress and issuer is not None:
            written = self.lex.congresses.get(issuer.iri.rsplit("/", 1)[-1], f"Đại hội {issuer.label_vi} lần thứ {{}}")
            label = f"{type_phrase[:1].upper()}{type_phrase[1:]} {written.format(congress_n)}"
        elif congress:
            label = self.span_text(i, label_end)
        elif parties and dtype.is_agreement:
            label = f"{type_phrase[:1].upper()}{type_phrase[1:]} giữa {parties[0].label_vi} và {parties[1].label_vi}" \
                if len(parties) == 2 else f"{type_phrase[:1].upper()}{type_phrase[1:]} của {parties[0].label_vi}"
            if period:
                label += f" giai đoạn {period[0]}-{period[1]}"
        else:
            label = self.span_text(i, label_end)
            label = label[:1].upper() + label[1:]
        key = (f"agr:{dtype.cls}:{period}:{'|'.join(sorted(str(p.iri) for p in parties))}"
               if dtype.is_agreement and (parties or period) else f"ref:{slug(label)}")
        ins = self.instruments.get(key)
        if ins is not None and parties and dtype.is_agreement and len(label) > len(ins.label_vi):
            ins.label_vi = label  # the fullest name seen ("chương trình phối hợp công tác giữa …")
        if ins is None:
            owners = parties or ([issuer] if issuer else [])
            issuer_part = "-".join(dict.fromkeys(self._short_code(a) for a in owners)) or "khong-ro"
            place = owners[0].place if owners and owners[0].place else None
            if place and place.province and not place.is_nation:
                issuer_part = f"{place.province.slug}-{issuer_part}"
            if period and dtype.is_agreement:
                local = slug(f"{dtype.label_vi} {period[0]}-{period[1]}")
            elif congress_n is not None:
                local = slug(f"{dtype.label_vi} dai hoi {congress_n}")  # the congress's body is the issuer
            else:
                local = "-".join(slug(label).split("-")[:12])
            ins = Instrument(key, dtype.cls, dtype, year=period[0] if period else None,
                             label_vi=label, label_en=f"{dtype.label_en}: {label}", iri_issuer=issuer_part,
                             iri_local=local, title=title, period=period, confidence=0.6 if not parties else 0.7)
            ins.parties = parties if dtype.is_agreement else []
            ins.issuers = [issuer] if issuer else (parties if dtype.is_agreement else [])
            self.instruments[key] = ins
        if parties and dtype.is_agreement and " về " in f" {type_phrase.lower()} ":
            ins.short_name = type_phrase[:1].upper() + type_phrase[1:]  # how the text refers back to it
        return ins, label_end - i

    def _group_reference(self, i: int, n: int, dtype: DocType) -> tuple[Instrument | None, int]:
        """'các sở, ngành … đề ra nhiều chương trình, kế hoạch phối hợp với LĐLĐ tỉnh': agreements the text
        counts but does not name, between the sentence's subject and the body after the type words. One
        node stands for the group; its alternative label is the phrase as written."""
        toks = self.tokens
        j = i + n
        while j < len(toks) and toks[j].joined:  # "chương trình, kế hoạch phối hợp"
            more = self.lex.doctype_trie.match(toks, j)
            used = more[0] if more else self._phrase_at(j, _AGREEMENT_MODIFIERS)
            if not used:
                break
            j += used
        k = j + 1 if j < len(toks) and toks[j].low == "với" and toks[j].joined else j
        partner = self.mention_at.get(k) if k < len(toks) and toks[k].joined else None
        makers = [a for a in self._sentence_subjects(i - 1) if partner is None or a != partner.actor]
        if partner is None or not makers:
            return None, 0
        maker, written = makers[0], self.span_text(i, j)
        key = f"grp:{dtype.cls}:{maker.iri}|{partner.actor.iri}"
        ins = self.instruments.get(key)
        if ins is None:
            names = [a.label_vi[:1].lower() + a.label_vi[1:] if a.label_vi.startswith("Các ") else a.label_vi
                     for a in (maker, partner.actor)]  # "giữa các sở, ngành …", not "giữa Các sở"
            label = f"Các {written} giữa {names[0]} và {names[1]}"
            issuer_part = "-".join(dict.fromkeys(self._short_code(a) for a in (maker, partner.actor)))
            place = maker.place or partner.actor.place
            if place and place.province and not place.is_nation:
                issuer_part = f"{place.province.slug}-{issuer_part}"
            ins = Instrument(key, dtype.cls, dtype, label_vi=label, label_en=f"{dtype.label_en}s (a group): {label}",
                             iri_issuer=issuer_part, iri_local=slug(f"nhom {written}"), confidence=0.5,
                             short_name=written)
            ins.parties, ins.issuers = [maker, partner.actor], [maker]
            self.instruments[key] = ins
        return ins, partner.last - i

    def _congress(self, k: int) -> tuple[str | None, Actor | None, int]:
        """'Đại hội XIII của Đảng', 'Đại hội Công đoàn Việt Nam lần thứ XII' (k: the token after 'Đại hội')
        -> (roman numeral, the body whose congress it is, token after the phrase)."""
        toks = self.tokens
        start = k
        while k < len(toks) and k - start < 12 and toks[k].joined and not _ROMAN.fullmatch(toks[k].text):
            k += 1
        if k >= len(toks) or not _ROMAN.fullmatch(toks[k].text) or not toks[k].joined:
            return None, None, start
        numeral, end = toks[k].text, k + 1
        issuer = next((m.actor for m in self.mentions if start <= m.first < k), None)
        if end + 1 < len(toks) and toks[end].low == "của" and toks[end].joined and (end + 1) in self.mention_at:
            m = self.mention_at[end + 1]
            issuer, end = m.actor, m.last
        elif issuer is None and end in self.mention_at and toks[end].joined:
            m = self.mention_at[end]  # "Đại hội XIII Công đoàn Việt Nam"
            issuer, end = m.actor, m.last
        if issuer is not None:
            self.cited_tokens.update(range(start, end))
        return numeral, issuer, end

    def _short_code(self, actor: Actor) -> str:
        """'lien-doan-lao-dong' -> 'ldld', 'so-lao-dong-thuong-binh-va-xa-hoi' -> 'so-ldtbxh'."""
        tail = actor.iri.rsplit("/", 1)[-1]
        if tail in self.lex.short_codes:
            return self.lex.short_codes[tail]
        for name, _, abbr in self.lex.sectors:
            for head, (code, _, _, _) in self.lex.sector_heads.items():
                if abbr and tail == slug(f"{head} {name}"):
                    return f"{code}-{slug(abbr)}"
        return tail

    def _sentence_subjects(self, i: int) -> list[Actor]:
        """Bodies named earlier in the same sentence, as the parties of an agreement it mentions."""
        toks = self.tokens
        k = i
        while k > 0 and not (toks[k].brk and re.search(r"[\n.!?]", toks[k].gap)):
            k -= 1
        found: list[Actor] = []
        for m in self.mentions:
            if k <= m.first < i and m.actor not in found:
                found.append(m.actor)
        return found[:2]

    def find_own(self) -> None:
        """The document's own instrument: 'Số: …' header and an upper-case title starting with a type word."""
        head_end = self.lines[min(25, len(self.lines) - 1)][1] if self.lines else 0
        number = None
        m = _HEADER_NUMBER.search(self.text, 0, head_end)
        if m:
            number = parse_number(m.group(1).rstrip(".,;"), self.lex.notations)
        title_lines: list[tuple[int, int]] = []
        dtype = None
        for idx, (s, e) in enumerate(self.lines[:25]):
            if title_lines:
                if idx in self.headings:
                    title_lines.append((s, e))
                    continue
                break
            i = self.tok_index(s)
            hit = self.lex.doctype_trie.match(self.tokens, i) if i < len(self.tokens) else None
            if hit and idx in self.headings and self.tokens[i].start < e:
                dtype = hit[1]
                title_lines.append((s, e))
        if number is None and not title_lines:
            return
        if number:
            ins = self._number_instrument(number, dtype)
            if dtype:
                ins.doctype, ins.cls = dtype, dtype.cls
            ins.spans.append((m.start(1), m.start(1) + len(m.group(1).rstrip(".,;")),
                              m.group(1).rstrip(".,;")))
            self.law_tokens.update(range(self.tok_index(m.start(1)), self.tok_index(m.end(1))))
        else:
            assert isinstance(dtype, DocType)
            ins = Instrument("own", dtype.cls, dtype)
            self.instruments["own"] = ins
        ins.own = True
        ins.date = ins.date or self.date
        ins.year = ins.year or (self.date.year if self.date else None)
        if len(title_lines) == 1 and dtype is not None and len(self.text[slice(*title_lines[0])].split()) <= 4:
            at = self.lines.index(title_lines[0])
            if at + 1 < len(self.lines) and self.lines[at + 1][1] - self.lines[at + 1][0] < 200:
                title_lines.append(self.lines[at + 1])  # "KẾ HOẠCH" over "Phối hợp với … năm 2024"
        if title_lines:
            s, e = title_lines[0][0], title_lines[-1][1]
            ins.title = " ".join(self.text[a:b].strip() for a, b in title_lines)
            ins.spans.append((s, e, self.text[s:e]))
            pm = _PERIOD.search(ins.title)
            if pm:
                ins.period = _years(pm)
        self.own = ins
        self._own_title = title_lines

    def _finish_own(self) -> None:
        ins = self.own
        if ins is None:
            return
        if ins.number and not ins.issuers:
            ins.issuers = self._issuers_from_number(ins.number)
        title_actors = []
        for s, e in self._own_title:
            for m in self.mentions:
                if s <= m.start < e and m.actor not in title_actors:
                    title_actors.append(m.actor)
        if ins.doctype and ins.doctype.is_agreement:
            ins.parties = list(dict.fromkeys([*ins.issuers, *title_actors]))
            own_parties = {p.iri for p in ins.parties}
            for key, other in list(self.instruments.items()):  # the text naming itself
                same_parties = {p.iri for p in other.parties} == own_parties
                if key.startswith("agr:") and (same_parties or not other.parties) and (
                        other.period == ins.period or (same_parties and None in (other.period, ins.period))):
                    self._merge_instrument(key, ins.key)
        if not ins.issuers:
            ins.issuers = title_actors[:2]
        dtype = ins.doctype
        type_vi = dtype.label_vi if dtype else "Văn bản"
        label = f"{type_vi} số {ins.number}" if ins.number else type_vi
        if ins.parties:
            label += " giữa " + " và ".join(p.label_vi for p in ins.parties)
        elif ins.issuers and not ins.number:
            label += " của " + " và ".join(p.label_vi for p in ins.issuers)
        if ins.period:
            label += f", giai đoạn {ins.period[0]} - {ins.period[1]}"
        ins.label_vi = label
        type_en = dtype.label_en if dtype else "Document"
        ins.label_en = f"{type_en} {ins.number}" if ins.number else f"{type_en} ({self.stem})"
        if ins.period:
            ins.label_en += f", {ins.period[0]}-{ins.period[1]}"
        if not ins.iri_issuer:
            owners = ins.issuers or ins.parties
            ins.iri_issuer = "-".join(dict.fromkeys(self._short_code(a) for a in owners)) or self.stem
            if self.province and owners and not owners[0].place.is_nation:  # type: ignore[union-attr]
                ins.iri_issuer = f"{self.province.slug}-{ins.iri_issuer}"
            ins.iri_local = slug(f"{type_vi} {ins.period[0]}-{ins.period[1]}") if ins.period else slug(
                f"{type_vi} {self.stem}")
        preamble_end = self._preamble_end()
        for s, e in self.lines:
            if s >= preamble_end:
                break
            line = self.low[s:e].lstrip(" -*")
            rel = ins.based_on if line.startswith("căn cứ") else (
                ins.implements if line.startswith(("thực hiện", "triển khai", "để thực hiện")) else None)
            if rel is None:
                continue
            for rs, _, key in self.instrument_refs:
                if s <= rs < e and key != ins.key and key not in rel:
                    rel.append(key)
        for _, _, key in self.instrument_refs:
            if key != ins.key and key not in ins.cites and key not in ins.based_on and key not in ins.implements:
                ins.cites.append(key)

    def _preamble_end(self) -> int:
        """Where the body of a document with its own header starts: its first numbered item, else after
        the last 'Căn cứ' / 'Thực hiện' line, else after its title."""
        title_end = self._own_title[-1][1] if self._own_title else 0
        basis_end = title_end
        for s, e in self.lines:
            if s < title_end:
                continue
            if any(self._item_kind(s) == k for k in ("roman", "article", "num", "multi")):
                return s
            if self.low[s:e].lstrip(" -*").startswith(("căn cứ", "thực hiện", "triển khai", "để thực hiện")):
                basis_end = e
        return basis_end

    def _item_kind(self, s: int) -> str | None:
        for name, pattern in _ITEM_PATTERNS:
            if pattern.match(self.text, s):
                return name
        return None

    # ------------------------------------------------------------------------------------ persons

    def _name_at(self, i: int) -> int:
        """Length of a person's name at token i (surname + 1-3 capitalised syllables), or 0."""
        toks = self.tokens
        if i >= len(toks) or toks[i].text not in self.lex.surnames:
            return 0
        n = 1
        while n < 4 and i + n < len(toks):
            tok = toks[i + n]
            if tok.gap != " " or not tok.text[:1].isupper() or not is_syllable(tok.text) or tok.text.isupper() \
                    or self.lex.role_trie.match(toks, i + n) or self.lex.actor_trie.match(toks, i + n):
                break
            n += 1
        if n < 2:
            return 0
        name = self.span_text(i, i + n)
        if self.lex.gazetteer.resolve(name) is not None:
            return 0
        return n

    def _title_chain(self, i: int) -> tuple[list[Post], int]:
        """'Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh' -> posts; returns (posts, next token)."""
        toks = self.tokens
        posts: list[Post] = []
        k = i
        while k < len(toks):
            hits = list(self.lex.role_trie.matches(toks, k))
            if not hits or (k > i and not (toks[k].joined or toks[k].gap.strip() in (",", "và"))):
                break
            # "Phó Chủ tịch UBND tỉnh": prefer the title after which a body is named over a longer title
            n, role = next(((n, r) for n, r in hits if k + n in self.mention_at), hits[0])
            assert isinstance(role, Role)
            end = k + n
            org = self.mention_at.get(end) if end < len(toks) and toks[end].joined else None
            if org is None and toks[end - 1].low == "ban":
                m = self.actor_at(end - 1)
                if m is not None:
                    org = m
            if org is None and role.slug in self.lex.role_orgs:
                kind = self.lex.kinds.get(self.lex.role_orgs[role.slug])
                if kind and (kind.scope == "national" or self.main_place):
                    post_actor = self.actor(kind, self.main_place if kind.scope != "national" else None)
                    posts.append(Post(role, post_actor, (toks[k].start, toks[end - 1].end)))
                    k = end
                    k += 1 if k < len(toks) and toks[k].low == "và" else 0
                    continue
            last = org.last if org else end
            if org is not None:
                self.cited_tokens.update(range(org.first, org.last))  # names a post, not an acting body
            posts.append(Post(role, org.actor if org else None, (toks[k].start, toks[last - 1].end)))
            k = last
            if k < len(toks) and toks[k].low == "và" and toks[k].joined:
                k += 1
        return posts, k

    def _person(self, i: int, n: int) -> Person:
        name = self.span_text(i, i + n)
        person = self.persons.get(name)
        if person is None:
            person = Person(name, (self.tokens[i].start, self.tokens[i + n - 1].end))
            self.persons[name] = person
        return person

    def _add_posts(self, person: Person, posts: list[Post]) -> None:
        for post in posts:
            if post.org is None:
                continue
            if not any(p.role == post.role and p.org is post.org for p in person.posts):
                person.posts.append(post)

    def find_persons(self) -> None:
        toks = self.tokens
        end_tok = self.tok_index(self.body_end)
        covered = 0
        for i in range(end_tok):
            hit = self.lex.role_trie.match(toks, i) if i >= covered else None
            if hit:
                posts, k = self._title_chain(i)
                covered = k
                if k < len(toks) and toks[k].gap.strip(" ") in ("-", "–", "", ":"):
                    n = self._name_at(k)
                    if n:
                        self._add_posts(self._person(k, n), posts)
            n = self._name_at(i)
            if not n:
                continue
            after = i + n
            cue = i and toks[i - 1].low in ("chí", "ông", "bà", "c") and toks[i].joined
            if after < len(toks) and toks[after].gap.strip(" ") in ("-", "–", ",", "(") \
                    and self.lex.role_trie.match(toks, after):
                posts, _ = self._title_chain(after)
                self._add_posts(self._person(i, n), posts)
            elif cue:
                self._person(i, n)
        self._signatures()

    def _line_parts(self, s: int, e: int) -> tuple[Role | None, Mention | None]:
        """A signature-block line: a title ('CHỦ TỊCH', 'KT. BỘ TRƯỞNG'), a body ('TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT
        NAM'), or both ('BỘ TRƯỞNG BỘ Y TẾ'); (None, None) when the line is anything else."""
        i, last = self.tok_index(s), self.tok_index(e)
        while i < last and self.tokens[i].text in ("KT", "TM", "TL", "Q", "TUQ"):
            i += 1
        if i >= last:
            return None, None
        hit = self.lex.role_trie.match(self.tokens, i)
        role: Role | None = hit[1] if hit else None  # type: ignore[assignment]
        k = i + hit[0] if hit else i
        if k == last:
            return role, None
        body = self.mention_at.get(k)
        return (role, body) if body is not None and body.last == last else (None, None)

    def _signed_sector(self, role: Role | None, sector: tuple[str, str] | None) -> Actor | None:
        """The office a sector line under a title names: 'Trưởng phòng' heads a Phòng, 'Bộ trưởng' a Bộ,
        other titles a Sở."""
        if role is None or sector is None:
            return None
        title = role.label_vi.lower()
        return self._office("Phòng" if "phòng" in title else "Bộ" if "bộ" in title else "Sở", *sector)

    def _signatures(self) -> None:
        """'TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / Nguyễn Văn A', 'BỘ TRƯỞNG BỘ Y TẾ / Tạ Quang Vinh': the signer, with
        the title and body read from up to three lines above the name, nearest first."""
        lines = [(s, e) for s, e in self.lines if s < self.body_end and self.text[s:e].strip()]
        for idx, (s, e) in enumerate(lines):
            i = self.tok_index(s)
            n = self._name_at(i)
            if not n or self.tokens[i + n - 1].end != s + len(self.text[s:e].rstrip()):
                continue  # not a line holding only a name
            role: Role | None = None
            org: Mention | None = None
            sector: tuple[str, str] | None = None  # 'TRƯỞNG PHÒNG / LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI'
            signed = False
            for s2, e2 in reversed(lines[max(0, idx - 3):idx]):
                sign = _SIGN_LINE.match(self.text[s2:e2])
                line_role, line_org = self._line_parts(s2, e2)
                k = self.tok_index(s2)
                hit = self.lex.sector_trie.match(self.tokens, k)
                if hit and k + hit[0] == self.tok_index(e2):
                    sector = sector or hit[1]  # type: ignore[assignment]
                    continue
                if not sign and line_role is None and line_org is None:
                    break
                role, org = role or line_role, org or line_org
                if sign:  # 'TM. …' opens the block
                    org = org or self.mention_at.get(self.tok_index(s2 + sign.start(1)))
                    signed = True
                    break
            if not signed and role is None:
                continue
            person = self._person(i, n)
            person.signed = True
            body = org.actor if org is not None else self._signed_sector(role, sector)
            if role is not None and body is not None:
                self._add_posts(person, [Post(role, body, (s, e))])
            if self.own is not None and person.name not in self.own.signatories:
                self.own.signatories.append(person.name)

    # ------------------------------------------------------------------------------------ commitments

    def _units(self) -> list[_Unit]:
        """Numbered items of an agreement, or sentences and list items of a report."""
        agreement = self.own is not None  # a document with its own header is read item by item
        preamble_end = self._preamble_end() if self.own is not None else 0
        units: list[_Unit] = []
        roman = ""
        path: list[str] = []
        skip = False
        section_actor: list[URIRef] = []
        bullet = 0
        after_colon = False
        for idx, (s, e) in enumerate(self.lines):
            if s >= self.body_end or (s > preamble_end and (_SIGN_LINE.match(self.text[s:e]) or (
                    idx in self.headings and self._line_parts(s, e)[0]))):
                break
            line = self.text[s:e]
            kind, label, body = None, "", s
            for name, pattern in _ITEM_PATTERNS:
                m = pattern.match(line)
                if m and (name != "bullet" or len(line) > 3):
                    kind, label = name, (m.group(1) if m.groups() else "")
                    body = s + m.end()
                    break
            if kind == "roman" and (idx in self.headings or len(line) < 120):
                roman, path, bullet = label, [], 0
                skip = bool(_SKIP_SECTION.search(line))
                section_actor = []
                continue
            if kind == "article":
                roman, path, bullet = f"Điều {label}", [], 0
                skip = bool(_SKIP_SECTION.search(line[:80]))
                section_actor = []
                if len(line) - (body - s) < 80:
                    continue
            if skip or s < preamble_end or (self.own is not None and idx in self.headings):
                continue
            if kind == "multi":
                path, bullet = label.split("."), 0
            elif kind in ("num", "dashnum"):
                path, bullet = [label], 0
                section_actor = self._section_actor(body, e)
            elif kind == "letter":
                path, bullet = path[:1] + [label], 0
            elif kind == "bullet":
                bullet += 1
            parts = [p for p in (roman, *path) if p]
            clause = ".".join(parts) if parts else None
            if kind == "bullet" and clause:
                clause = f"{clause} (ý {bullet})"
            listed = kind is not None or after_colon
            after_colon = line.rstrip().endswith(":") and len(line) < 200
            if kind in ("num", "dashnum") and section_actor and len(line) < 90:
                continue
            if agreement:
                if kind is None and units and not self._has_assignment(s, e):
                    units[-1].end = e  # a continuation paragraph of the item above
                    continue
                if kind is None:
                    clause = (f"{roman} (đoạn {idx})" if path else roman) if roman else f"đoạn {idx}"
                units.append(_Unit(body, e, clause, True, list(section_actor)))
                continue
            if idx == 0 or (not listed and not line.rstrip().endswith((".", ";", ":", "!", "?", "…", ".."))
                            and len(line) < 160):
                continue  # headline or photo caption
            for a, b in self._sentences(body, e):
                clauses = self._sentences(a, b, ";")
                for ca, cb in clauses:
                    units.append(_Unit(ca, cb, clause if listed else None, listed, list(section_actor),
                                       head=clauses[0] if (ca, cb) != clauses[0] else None))
        return units

    @staticmethod
    def _leaves(units: list[_Unit]) -> list[_Unit]:
        """Drop items that only head sub-items ('1.' above '1.1.', '1.2.')."""
        clauses = [u.clause for u in units if u.clause]
        return [u for u in units if not u.clause or not any(c.startswith(u.clause + ".") for c in clauses)]

    def _sentences(self, s: int, e: int, marks: str = ".!?") -> list[tuple[int, int]]:
        out = []
        start = s
        for m in re.finditer(f"(?<=[{marks}])\\s+(?=\\S)", self.text[s:e]):
            cut = s + m.start()
            prev = self.text[max(s, cut - 4):cut]
            if re.search(r"\b(?:TP|TM|KT|Q)\.$|\d\.$", prev):
                continue
            out.append((start, cut))
            start = s + m.end()
        out.append((start, e))
        return [(a, b) for a, b in out if b - a > 15]

    def _has_assignment(self, s: int, e: int) -> bool:
        low = self.low[s:e]
        return any(cue in low for cue in ("giao ", "chủ trì", "yêu cầu", "phối hợp", "đề nghị"))

    def _section_actor(self, s: int, e: int) -> list[URIRef]:
        m = re.search(r"(?:trách nhiệm|nhiệm vụ) của\s+|^đối với\s+", self.low[s:e])
        if not m:
            return []
        mention = self.mention_at.get(self.tok_index(s + m.end()))
        return [mention.committer] if mention else []

    def _groups(self, first: int, last: int) -> list[list[Mention]]:
        """Mentions in [first, last) grouped into lists ('X, Y và Z')."""
        groups: list[list[Mention]] = []
        prev: Mention | None = None
        for m in self.mentions:
            if m.first < first or m.first >= last or m.first in self.cited_tokens:
                continue
            between = [t for t in self.tokens[prev.last:m.first]] if prev else []
            if prev is not None and len(between) <= 1 and all(t.low in ("và", "cùng", "các") for t in between) \
                    and (not self.tokens[m.first].brk or self.tokens[m.first].gap.strip(" ") in (";", ":")):
                groups[-1].append(m)
            else:
                groups.append([m])
            prev = m
        return groups

    def _cue_positions(self, first: int, last: int, cues: tuple[str, ...]) -> list[int]:
        trie = phrase_trie(cues)
        return [k for k in range(first, last) if trie.match(self.tokens, k)]

    def _roles(self, unit: _Unit, defaults: list[URIRef],
               inherited: list[URIRef] | None = None) -> tuple[list[URIRef], list[URIRef]] | None:
        first, last = self.tok_index(unit.start), self.tok_index(unit.end)
        groups = self._groups(first, last)
        mentioned = [m.actor.iri for g in groups for m in g if m.first not in self.cited_tokens]
        low = self.low[unit.start:unit.end]
        leads: list[URIRef] = []

        def group_after(k: int, within: int = 2) -> list[Mention] | None:
            for g in groups:
                if k <= g[0].first <= k + within:
                    return g
            return None

        def group_before(k: int, within: int = 5) -> list[Mention] | None:
            best = None
            for g in groups:
                if g[-1].last <= k and k - g[-1].last <= within and not any(
                        t.brk and t.gap.strip(" ") not in (",",) for t in self.tokens[g[-1].last:k + 1][1:]):
                    best = g
            return best

        for k in self._cue_positions(first, last, _REQUEST_CUES):
            g = group_after(k + (2 if self.tokens[k].low in ("đề", "kiến", "yêu", "phân") else 1))
            if g and not (self.tokens[k].low == "giao" and k + 1 not in self.mention_at and self.tokens[k + 1].low
                          in ("ban", "lưu", "dịch", "thông", "kết", "nhiệm", "chỉ")):
                leads = [m.committer for m in g]
                break
        opening = self._cue_positions(first, min(last, first + 3), (*_LEAD_CUES, *_JOINT_CUES, *_ACTION_CUES))
        joint = len(defaults) > 1 and any(s in low[:16] for s in _JOINT_SUBJECTS)  # "4. Hai bên phối hợp …"
        if not leads and opening and not any(g[0].first < opening[0] for g in groups):
            # "Phối hợp chỉ đạo X …": the parties act, X is directed; "Hai bên …" is both parties, not the last lead
            leads = list(defaults if joint else inherited or defaults)
        if not leads:
            for k in self._cue_positions(first, last, (*_LEAD_CUES, *_JOINT_CUES)):
                if self.tokens[k].low == "chủ" and k + 2 < len(self.tokens) and self.tokens[k + 2].low in (
                        "hội", "buổi", "lễ"):
                    continue
                g = group_before(k)
                if g:
                    leads = [m.committer for m in g]
                    break
        if not leads and groups and groups[0][0].first - first <= 4 and not any(
                t.brk for t in self.tokens[first + 1:groups[0][0].first + 1]) and not self._cue_positions(
                first, groups[0][0].first, (*_LEAD_CUES, *_JOINT_CUES, *_REQUEST_CUES, *_ACTION_CUES)):
            leads = [m.committer for m in groups[0]]
        if not leads and inherited:
            leads = list(inherited)
        if not leads and (unit.listed or any(s in low for s in _JOINT_SUBJECTS) or "phối hợp" in low[:40]):
            leads = list(defaults)
        if not leads:
            return None
        leads = list(dict.fromkeys(leads))
        lead_set = set(leads)
        partners = [a for a in dict.fromkeys(mentioned) if a not in lead_set and
                    (self.actors[a].acts_for not in lead_set or self.actors[a].acts_for is None)]
        return leads, partners

    def _programme_for(self, pos: int, agreements: list[tuple[int, str]]) -> str | None:
        if self.own is not None and self.own.doctype is not None and (
                self.own.doctype.is_agreement or self.own.doctype.cls == "Plan"):
            return self.own.key  # a plan's tasks are its own, whatever programme it carries out
        before = [key for at, key in agreements if at <= pos]
        if before:
            return before[-1]
        if agreements:
            return agreements[0][1]
        if self.own is not None:
            return self.own.key
        return None

    def _implied_programme(self, leads: list[URIRef]) -> str:
        key = "implied"
        if key not in self.instruments:
            dtype = self.lex.doctypes.get("KH")
            ins = Instrument(key, "OtherInstrument", None, label_vi=f"Nhiệm vụ nêu trong tài liệu {self.stem}",
                             label_en=f"Tasks reported in document {self.stem}", iri_issuer="tai-lieu",
                             iri_local=slug(f"nhiem-vu-{self.stem}"), confidence=0.3,
                             year=self.date.year if self.date else None)
            if dtype and "kế hoạch" in self.low[: self.body_end]:
                ins.doctype, ins.cls = dtype, dtype.cls
            ins.issuers = [self.actors[a] for a in leads[:1] if a in self.actors]
            self.instruments[key] = ins
        return key

    def find_commitments(self) -> list[Commitment]:
        agreements = sorted((s, key) for s, _, key in self.instrument_refs
                            if self.instruments[key].doctype and self.instruments[key].doctype.is_agreement
                            and not self.instruments[key].own
                            and not key.startswith("grp:"))  # a group is counted, not one that tasks follow
        for s, _ in self._coref:
            before = [key for at, key in agreements if at <= s]
            if before:
                agreements.append((s, before[-1]))
        agreements.sort()
        headline_subjects = [m.committer for m in self.mentions if self.lines and m.start < self.lines[0][1]]
        out: list[Commitment] = []
        seen_clauses: dict[str, int] = {}
        for unit in self._leaves(self._units()):
            programme = self._programme_for(unit.start, agreements)
            ins = self.instruments.get(programme) if programme else None
            sides = (ins.parties or (ins.issuers if ins.own else [])) if ins else []  # a joint plan: its issuers
            defaults = unit.section_actor or [a.acts_for or a.iri for a in sides] or headline_subjects[:1]
            inherited = None
            if unit.head is not None:
                head_roles = self._roles(_Unit(*unit.head, None, False), defaults)  # "hai bên …; …"
                inherited = head_roles[0] if head_roles else None
            roles = self._roles(unit, defaults, inherited)
            if roles is None:
                continue
            low = self.low[unit.start:unit.end]
            if not unit.listed and not any(cue in low for cue in _ACTION_CUES):
                continue
            verbs = re.sub(r"(?:quy chế|chương trình|kế hoạch)(?: về)? phối hợp", "", low)
            if re.search(r"tổ chức (?:thành công )?(?:hội nghị|hội thảo|lễ)", low) and "phối hợp" not in verbs:
                continue  # a report of a meeting held: an event, not a commitment
            leads, partners = roles
            if programme is None:
                programme = self._implied_programme(leads)
            clause = unit.clause
            if clause:
                seen_clauses[clause] = seen_clauses.get(clause, 0) + 1
                if seen_clauses[clause] > 1:
                    clause = f"{clause} ({seen_clauses[clause]})"
            c = Commitment(programme, clause, leads, partners, (unit.start, unit.end),
                           self._topic(self.tok_index(unit.start), self.tok_index(unit.end)),
                           confidence=0.75 if unit.clause else 0.6)
            c.frequencies = self._frequencies(unit.start, unit.end)
            c.targets = self._targets(unit.start, unit.end, c.frequencies)
            c.implements = self._implemented(unit.start, unit.end)
            pm = _PERIOD.search(self.text, unit.start, unit.end)
            if pm:
                c.period = _years(pm)
            out.append(c)
        return out

    def _topic(self, first: int, last: int) -> str:
        """The best-scoring topic of the task's own words: names of bodies ('Phòng Tài chính - Kế hoạch') and
        subjects of cited instruments say nothing about what the task is."""
        named = set(self.cited_tokens)
        for m in self.mentions:  # a capitalised name; 'chính sách bảo hiểm xã hội' in lower case is the topic
            if m.last > first and m.first < last and self.tokens[m.first].text[:1].isupper():
                named.update(range(m.first, m.last))
        scores: dict[str, int] = {}
        for i in range(first, last):
            if i in named:
                continue
            hit = self.lex.topic_trie.match(self.tokens, i)
            if hit:
                code, weight = hit[1]  # type: ignore[misc]
                scores[code] = scores.get(code, 0) + weight
        if not scores:
            return "other"
        return max(sorted(scores), key=lambda c: scores[c])

    def _frequencies(self, s: int, e: int) -> list[Frequency]:
        found: list[Frequency] = []
        first, last = self.tok_index(s), self.tok_index(e)
        k = first
        while k < last:
            hit = self.lex.freq_trie.match(self.tokens, k)
            if hit:
                freq = hit[1]
                assert isinstance(freq, Frequency)
                if freq not in found:
                    found.append(freq)
                k += hit[0]
                continue
            k += 1
        for m in _FREQ_GRAMMAR.finditer(self.low, s, e):
            if m.group(1):
                key = (int(m.group(1)), _PERIOD_DURATION[m.group(2)])
            else:
                n = int(m.group(3))
                key = (1, f"P{n}Y" if m.group(4) == "năm" else f"P{n}M")
            freq = self.lex.freq_by_period.get(key)
            if freq and freq not in found:
                found.append(freq)
        specific = [f for f in found if f.times]
        return (specific or found)[:2]

    def _targets(self, s: int, e: int, freqs: list[Frequency]) -> list[Target]:
        low = self.low[s:e]
        if not any(cue in low for cue in _TARGET_CUES) and self.own is None:
            return []  # a report's figures are results, not targets, unless it says so
        out = []
        per = next((f for f in freqs if f.duration in ("P1Y", "P6M", "P1M", "P3M") and f.times == 1), None)
        for m in _TARGET_RANGE.finditer(self.text, s, e):
            before = self.low[max(s, m.start() - 12):m.start()]
            if re.search(r"(năm|giai đoạn|ngày|tháng|số)\s*$", before):
                continue
            pct = m.group("pct1") or m.group("pct2") or m.group("pct3") or m.group("val2")
            if m.group("min"):
                lo, hi = parse_decimal(m.group("min")), parse_decimal(m.group("max"))
                if lo is None or hi is None or lo > hi or (lo >= 1900 and hi <= 2100):
                    continue
                if not (m.group("atleast") or "từ" in m.group(0) or pct or any(c in low for c in _TARGET_CUES)):
                    continue
            elif m.group("val"):
                lo, hi = parse_decimal(m.group("val")), None
            else:
                lo = parse_decimal(m.group("val2"))
                hi = None if m.group("more") else lo
                if not any(c in low for c in ("phấn đấu", "chỉ tiêu", "mục tiêu", "đạt", "ít nhất", "trở lên")):
                    continue
            if lo is None:
                continue
            unit = "%" if pct else ""
            if not unit:
                um = _UNIT_WORDS.match(self.text, m.end(), e)
                unit = self._unit_phrase(um.group(1)) if um else ""
            if not unit:
                continue
            if hi is not None and hi != lo:
                note = f"{lo}–{hi} {unit}" if unit != "%" else f"{lo}–{hi}%"
            elif hi is None:
                note = f"ít nhất {lo} {unit}" if unit != "%" else f"ít nhất {lo}%"
            else:
                note = f"{lo} {unit}" if unit != "%" else f"{lo}%"
            if per:
                note += f" ({per.label_vi.lower()})"
            out.append(Target(lo, hi, unit, note, per, (m.start(), m.end())))
        return out[:4]

    def _unit_phrase(self, words: str) -> str:
        out = []
        for w in words.split():
            if w.lower() in self.lex.stopwords or w.lower() in ("năm", "mỗi", "hàng", "hằng", "trở", "lên"):
                break
            out.append(w)
        return " ".join(out)

    def _implemented(self, s: int, e: int) -> list[str]:
        found = []
        for rs, _, key in self.instrument_refs:
            if s <= rs < e and _IMPLEMENT_CUE.search(self.low[max(s, rs - 40):rs]) and key not in found:
                if not self.instruments[key].own:
                    found.append(key)
        return found

    # ------------------------------------------------------------------------------------ events

    def find_events(self) -> list[Event]:
        events: list[Event] = []
        seen: set[str] = set()
        for s, e in self.lines:
            if s >= self.body_end:
                break
            for a, b in self._sentences(s, e):
                low = self.low[a:b]
                head = next((h for h in _EVENT_HEADS if h in low), None)
                if head is None:
                    continue
                day = self._event_date(a, b)
                if day is None and not re.search(r"tổ chức|diễn ra|khai mạc", low):
                    continue
                at = a + low.index(head)
                i = self.tok_index(at)
                n = len(head.split())
                k = i + n
                while k < len(self.tokens) and k - i < 14 and self.tokens[k].joined and \
                        self.tokens[k].low not in _EVENT_STOP and self.tokens[k].start < b:
                    k += 1
                label = self.span_text(i, k)
                label = label[:1].upper() + label[1:]
                key = f"{day}:{slug(label)}"
                if key in seen or len(label.split()) < 3:
                    continue
                seen.add(key)
                kind = "Signing" if "ký kết" in label.lower() else (
                    "Dialogue" if "đối thoại" in label.lower() else "Conference")
                ev = Event(kind, label, day, (self.tokens[i].start, self.tokens[k - 1].end))
                first = self.tok_index(a)
                for g in self._groups(first, i):
                    ev.organisers = [m.committer for m in g]
                    break
                refs = [key for rs, _, key in self.instrument_refs if a <= rs < b]
                if re.search(r"tổng kết|sơ kết|đánh giá", low):
                    ev.reviews = [r for r in refs if self.instruments[r].doctype
                                  and self.instruments[r].doctype.is_agreement][:1]
                if re.search(r"\bký\b", low):
                    ev.signs = [r for r in refs if r not in ev.reviews and self.instruments[r].doctype
                                and self.instruments[r].doctype.is_agreement][:1]
                window = self.text[a:min(len(self.text), b + 600)]
                if "chủ trì" in window:
                    ev.chairs = [p.name for p in self.persons.values() if p.name in window][:4]
                events.append(ev)
        return events

    def _event_date(self, a: int, b: int) -> dt.date | None:
        day = parse_date(self.text[a:b])
        if day:
            return day
        m = _TIME_OF_DAY.search(self.text, a, b) or _DAY_MONTH.search(self.text, a, min(b, a + 40))
        if m is None:
            return None
        year = int(m.group(3)) if m.lastindex and m.lastindex >= 3 and m.group(3) else (
            self.date.year if self.date else None)
        if year is None:
            return None
        try:
            return dt.date(year, int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None

    # ------------------------------------------------------------------------------------ all

    def run(self) -> Extraction:
        self.find_context()
        self.find_own()
        self.find_numbers()
        self.find_laws()
        self.find_known_subjects()
        self.find_actors()
        self._attach_details()
        self.find_references()
        self._finish_own()
        self.find_persons()
        commitments = self.find_commitments()
        events = self.find_events()
        title = self.own.title if self.own and self.own.title else (
            self.text[self.lines[0][0]:self.lines[0][1]].strip() if self.lines else None)
        return Extraction(title, self.date, self.main_place, self.actors, self.instruments, self.persons,
                          commitments, events, self.districts)


def extract(norm: Normalized, original: str, stem: str) -> Extraction:
    """Run every pass of the matcher over one normalised document."""
    return Reader(norm, original, stem).run()
