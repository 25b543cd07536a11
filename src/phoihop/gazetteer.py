"""The province gazetteer (data/gazetteer/provinces.csv): Viet Nam's provinces and centrally-run cities
before and after the 1 July 2025 merger, as data for area resolution and as graph resources.

`load_gazetteer()` gives lookups for ingest (a name and a date -> the area valid then); `area_graph()` turns
the table into ph:AdministrativeArea resources with validity intervals and ph:AreaChange events.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef

from .errors import DataInvalid
from .iris import instrument_iri, issuer_key, number_slug, slug
from .namespaces import DCT, ELI, ID, PH, PROV, RDF, SKOS, TIME, XSD, bind_all
from .normalize import fold
from .resources import data_dir

GAZETTEER_FILE = "data/gazetteer/provinces.csv"
SOURCE = ID["source/gazetteer-provinces"]
NATION = "viet-nam"
CITY_KIND = "thành phố trực thuộc trung ương"
# Undated text is read as of the last day of the 63 provinces: most documents predate the 2025 merger.
DEFAULT_DATE = dt.date(2025, 6, 30)


@dataclass(frozen=True)
class Area:
    """One row of the gazetteer."""

    slug: str
    name_vi: str
    name_en: str
    kind: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    merged_into: str | None
    aliases: tuple[str, ...]
    legal_basis: str | None  # "202/2025/QH15@2025-06-12"

    @property
    def iri(self) -> URIRef:
        return ID[f"area/{self.slug}"]

    @property
    def is_city(self) -> bool:
        return self.kind == CITY_KIND

    @property
    def is_nation(self) -> bool:
        return self.slug == NATION

    @property
    def kind_word(self) -> str:
        """'thành phố' or 'tỉnh', as written before the name in running text."""
        return "thành phố" if self.is_city else ("tỉnh" if not self.is_nation else "")

    @property
    def label_vi(self) -> str:
        """Running-text form: 'thành phố Hà Nội', 'tỉnh Long An', 'Việt Nam'."""
        return f"{self.kind_word} {self.name_vi}".strip()

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until)


@dataclass
class Gazetteer:
    """Areas by slug and by folded surface form."""

    areas: dict[str, Area]
    by_form: dict[str, list[Area]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for area in self.areas.values():
            for form in {area.name_vi, *area.aliases}:
                self.by_form.setdefault(fold(form), []).append(area)

    @property
    def nation(self) -> Area:
        return self.areas[NATION]

    def forms(self) -> list[str]:
        """Every surface form (names and aliases), longest first, for building matchers."""
        seen = {form for area in self.areas.values() for form in (area.name_vi, *area.aliases)}
        return sorted(seen, key=lambda s: (-len(s), s))

    def resolve(self, name: str, on: dt.date | None = None) -> Area | None:
        """The area a name means on a date (undated text: as of 30 June 2025)."""
        candidates = self.by_form.get(fold(name), [])
        if not candidates:
            return None
        day = on or DEFAULT_DATE
        valid = [a for a in candidates if a.valid_on(day)]
        return (valid or candidates)[0]


def _date(value: str, path: Path, line: int) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DataInvalid(f"bad date {value!r}", path=path, line=line) from None


def read_areas(path: Path) -> dict[str, Area]:
    """Parse the CSV (comment lines start with '#'), checking slugs and cross references."""
    areas: dict[str, Area] = {}
    with path.open(encoding="utf-8") as handle:
        lines = [(n, text) for n, text in enumerate(handle, start=1) if not text.startswith("#")]
    reader = csv.DictReader(text for _, text in lines)
    for (line, _), row in zip(lines[1:], reader, strict=False):
        name = row["slug"].strip()
        if name != slug(name) or name in areas:
            raise DataInvalid(f"bad or repeated slug {name!r}", path=path, line=line)
        areas[name] = Area(
            slug=name, name_vi=row["name_vi"].strip(), name_en=row["name_en"].strip(),
            kind=row["kind"].strip(), valid_from=_date(row["valid_from"], path, line),
            valid_until=_date(row["valid_until"], path, line), merged_into=row["merged_into"].strip() or None,
            aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
            legal_basis=row["legal_basis"].strip() or None)
    for area in areas.values():
        if area.merged_into and area.merged_into not in areas:
            raise DataInvalid(f"{area.slug} merged into unknown slug {area.merged_into!r}", path=path)
    if NATION not in areas:
        raise DataInvalid("the nation row (viet-nam) is missing", path=path)
    return areas


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer of the project's data folder (read once)."""
    return Gazetteer(read_areas(data_dir() / "gazetteer" / "provinces.csv"))


def _instant(graph: Graph, node_id: str, day: dt.date) -> BNode:
    instant = BNode(node_id)
    graph.add((instant, RDF.type, TIME.Instant))
    graph.add((instant, TIME.inXSDDate, Literal(day.isoformat(), datatype=XSD.date)))
    return instant


def interval(graph: Graph, node_id: str, start: dt.date | None, end: dt.date | None) -> BNode:
    """A time:Interval with optional ends; `node_id` keeps blank-node labels stable between runs."""
    node = BNode(node_id)
    graph.add((node, RDF.type, TIME.Interval))
    if start:
        graph.add((node, TIME.hasBeginning, _instant(graph, f"{node_id}-begin", start)))
    if end:
        graph.add((node, TIME.hasEnd, _instant(graph, f"{node_id}-end", end)))
    return node


def _labels(area: Area, peers: dict[str, list[Area]]) -> tuple[str, str]:
    """prefLabels; areas sharing a name (Tây Ninh before/after 2025) carry their dates to stay distinct."""
    vi = "Việt Nam" if area.is_nation else f"{area.kind_word.capitalize()} {area.name_vi}"
    if len(peers[area.name_vi]) > 1:
        if area.valid_from:
            vi += f" (từ {area.valid_from.day}/{area.valid_from.month}/{area.valid_from.year})"
        elif area.valid_until:
            vi += f" (đến {area.valid_until.day}/{area.valid_until.month}/{area.valid_until.year})"
    return vi, area.name_en


LEGISLATURE = ID["actor/viet-nam/quoc-hoi"]


def _legislature(graph: Graph) -> URIRef:
    """The National Assembly, which passes the resolutions that change provinces (a reference fact)."""
    graph.add((LEGISLATURE, RDF.type, PH.Legislature))
    graph.add((LEGISLATURE, SKOS.prefLabel, Literal("Quốc hội", lang="vi")))
    graph.add((LEGISLATURE, SKOS.prefLabel, Literal("National Assembly of Viet Nam", lang="en")))
    graph.add((LEGISLATURE, DCT.spatial, ID[f"area/{NATION}"]))
    graph.add((LEGISLATURE, PROV.wasDerivedFrom, SOURCE))
    return LEGISLATURE


def _legal_basis(graph: Graph, basis: str) -> URIRef:
    number, _, day = basis.partition("@")
    node = instrument_iri(issuer_key(number), number_slug(number))
    graph.add((node, RDF.type, PH.Resolution))
    graph.add((node, RDF.type, ELI.LegalResource))
    graph.add((node, ELI.id_local, Literal(number)))
    graph.add((node, ELI.type_document, ID["doctype/nq"]))
    if day:
        graph.add((node, ELI.date_document, Literal(day, datatype=XSD.date)))
    graph.add((node, ELI.passed_by, _legislature(graph)))
    graph.add((node, SKOS.prefLabel, Literal(f"Nghị quyết số {number} của Quốc hội", lang="vi")))
    graph.add((node, SKOS.prefLabel, Literal(f"National Assembly Resolution {number}", lang="en")))
    graph.add((node, PROV.wasDerivedFrom, SOURCE))
    return node


def area_graph(gazetteer: Gazetteer | None = None) -> Graph:
    """The gazetteer as RDF: areas, their validity, the changes between them, and the table as source."""
    gaz = gazetteer or load_gazetteer()
    g = Graph()
    bind_all(g)
    g.add((SOURCE, RDF.type, PH.ReferenceTable))
    g.add((SOURCE, DCT.identifier, Literal(GAZETTEER_FILE)))
    path = data_dir() / "gazetteer" / "provinces.csv"
    if gazetteer is None and path.is_file():
        g.add((SOURCE, PH.sha256, Literal(hashlib.sha256(path.read_bytes()).hexdigest())))
    g.add((SOURCE, DCT.title, Literal("Danh mục tỉnh, thành phố trực thuộc trung ương", lang="vi")))
    g.add((SOURCE, DCT.title, Literal("Provinces and centrally-run cities of Viet Nam", lang="en")))
    peers: dict[str, list[Area]] = {}
    for area in gaz.areas.values():
        peers.setdefault(area.name_vi, []).append(area)
    for area in gaz.areas.values():
        node = area.iri
        vi, en = _labels(area, peers)
        g.add((node, RDF.type, PH.AdministrativeArea))
        g.add((node, SKOS.prefLabel, Literal(vi, lang="vi")))
        g.add((node, SKOS.prefLabel, Literal(en, lang="en")))
        for alias in sorted({area.name_vi, *area.aliases} - {vi}):
            g.add((node, SKOS.altLabel, Literal(alias, lang="vi")))
        level = "national" if area.is_nation else "province"
        g.add((node, PH.areaLevel, ID[f"level/{level}"]))
        if not area.is_nation:
            g.add((node, PH.withinArea, gaz.nation.iri))
        if area.valid_from or area.valid_until:
            g.add((node, PH.validDuring, interval(g, f"validity-{area.slug}", area.valid_from, area.valid_until)))
        g.add((node, PROV.wasDerivedFrom, SOURCE))
    for result in gaz.areas.values():
        sources = [a for a in gaz.areas.values() if a.merged_into == result.slug]
        if not sources or result.valid_from is None:
            continue
        event = ID[f"event/{result.valid_from.isoformat()}/{re.sub(r'-2025$', '', result.slug)}-area-change"]
        g.add((event, RDF.type, PH.AreaChange))
        g.add((event, DCT.date, Literal(result.valid_from.isoformat(), datatype=XSD.date)))
        g.add((event, SKOS.prefLabel, Literal(
            f"Thành lập {result.kind_word} {result.name_vi} từ " + ", ".join(
                f"{a.kind_word} {a.name_vi}" for a in sources), lang="vi")))
        for source in sources:
            g.add((event, PH.originalArea, source.iri))
        g.add((event, PH.resultingArea, result.iri))
        if result.legal_basis:
            g.add((event, PH.legalBasis, _legal_basis(g, result.legal_basis)))
        g.add((event, PROV.wasDerivedFrom, SOURCE))
    return g
