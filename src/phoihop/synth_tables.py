"""The tables `phoihop synth` draws the synthetic all-Vietnam graph from, read and checked once.

data/synth/*.csv (bodies, pairs of bodies that sign agreements, commitment templates, instruments, names,
places, statuses, concurrent posts, document sizes), the lexicon (data/lexicon), the gazetteer and the SKOS
schemes: a row that names an unknown scheme code, body or sector is a DataInvalid naming the file and line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import DataInvalid
from .gazetteer import Area, load_gazetteer
from .iris import slug
from .namespaces import ID, PH
from .resources import data_dir, ontology_dir


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) of a CSV file whose comment lines start with '#'."""
    if not path.is_file():
        raise DataInvalid("table missing", path=path)
    with path.open(encoding="utf-8") as handle:
        lines = [(n, text) for n, text in enumerate(handle, start=1) if not text.startswith("#")]
    reader = csv.DictReader(text for _, text in lines)
    for (number, _), row in zip(lines[1:], reader, strict=False):
        yield number, {k: (v or "").strip() for k, v in row.items()}


@dataclass(frozen=True)
class Body:
    """A kind of body at one level (data/synth/bodies.csv)."""

    level: str
    ref: str
    key: str  # the IRI tail for a province (refs "a|b" use key_city for cities)
    key_city: str
    name_vi: str
    name_vi_city: str
    name_en: str
    cls: str
    code: str
    head_role: str
    bare: bool
    parent: str


@dataclass(frozen=True)
class PairKind:
    level: str
    a: str
    b: str
    kind: str  # CTr | QC
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Action:
    topic: str
    vi: str
    en: str
    frequency: str
    unit: str
    low: float
    high: float
    per: str
    note: str


@dataclass(frozen=True)
class InstrumentKind:
    level: str
    issuer: str
    notation: str
    number: str
    per_year: int
    use: str


@dataclass(frozen=True)
class DocType:
    iri: str
    cls: str
    vi: str
    en: str


@dataclass
class Tables:
    """Everything the generator reads, checked against the schemes and the lexicon when loaded."""

    bodies: dict[str, list[Body]]
    pairs: list[PairKind]
    actions: dict[str, list[Action]]
    instruments: list[InstrumentKind]
    laws: list[tuple[str, str]]
    surnames: list[str]
    middles: list[str]
    givens: list[str]
    district_kinds: dict[bool, list[tuple[str, str, int]]]  # is_city -> (kind word, English word, weight)
    syllables: tuple[list[str], list[str]]
    doctypes: dict[str, DocType]  # notation -> type
    topics: dict[str, tuple[str, str]]
    roles: dict[str, tuple[str, str]]
    frequencies: set[str]
    provinces: list[Area]  # the 63 units in force before the 2025 merger
    areas: dict[str, Area]
    statuses: list[tuple[str, int]] = field(default_factory=list)  # (status code, weight)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # data/synth/documents.csv: part -> (low, high)
    concurrent: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)  # (level, body) -> (party, role)

    def body(self, level: str, ref: str) -> Body:
        for body in self.bodies[level]:
            if body.ref == ref:
                return body
        raise DataInvalid(f"no {level} body {ref!r} in data/synth/bodies.csv")


def _scheme_terms() -> dict[str, dict[str, str]]:
    """Concept -> {property local name (with @lang for labels): first value} of every SKOS scheme file."""
    concepts: dict[str, dict[str, str]] = {}
    for path in sorted((ontology_dir() / "schemes").glob("*.ttl")):
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            subject, pred, obj = quad.subject.value, quad.predicate.value, quad.object
            local = pred.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            if isinstance(obj, ox.Literal) and obj.language:
                local = f"{local}@{obj.language}"
            concepts.setdefault(subject, {}).setdefault(local, obj.value)
    return concepts


def load_tables() -> Tables:
    """Read data/synth, the lexicon, the gazetteer and the SKOS schemes."""
    data = data_dir()
    concepts = _scheme_terms()

    def scheme(prefix: str) -> dict[str, dict[str, str]]:
        base = str(ID[prefix + "/"])
        return {iri[len(base):]: props for iri, props in concepts.items() if iri.startswith(base)}

    def labels(code: str, props: dict[str, str]) -> tuple[str, str]:
        return props.get("prefLabel@vi", code), props.get("prefLabel@en", code)

    topics = {code: labels(code, p) for code, p in scheme("topic").items()}
    roles = {code: labels(code, p) for code, p in scheme("role").items()}
    frequencies = set(scheme("frequency"))
    other = str(PH.OtherInstrument)
    doctypes = {props["notation"]: DocType(str(ID[f"doctype/{code}"]), props.get("instrumentClass", other),
                                           *labels(code, props))
                for code, props in scheme("doctype").items() if "notation" in props}
    bodies = _bodies(data, roles)
    pairs = _pairs(data, bodies, topics, doctypes)
    names = [(row["part"], row["value"]) for _, row in _rows(data / "synth" / "names.csv")]
    places = list(_rows(data / "synth" / "places.csv"))
    gazetteer = load_gazetteer()
    statuses, concurrent = _status_weights(data, set(scheme("status"))), _concurrent_posts(data, bodies, roles)
    return Tables(
        bodies=bodies, pairs=pairs, actions=_actions(data, pairs, topics, frequencies),
        instruments=_instruments(data, bodies, doctypes),
        laws=[(r["name_vi"], r["name_en"]) for _, r in _rows(data / "lexicon" / "laws.csv")
              if r["name_vi"].startswith(("Luật", "Bộ luật"))],
        surnames=[r["surname"] for _, r in _rows(data / "lexicon" / "surnames.csv")],
        middles=[v for part, v in names if part == "middle"],
        givens=[v for part, v in names if part == "given"],
        district_kinds=_district_kinds(data, places),
        syllables=([r["value"] for _, r in places if r["part"] == "first"],
                   [r["value"] for _, r in places if r["part"] == "second"]),
        doctypes=doctypes, topics=topics, roles=roles, frequencies=frequencies,
        provinces=[a for a in gazetteer.areas.values() if not a.is_nation and a.valid_from is None],
        areas=gazetteer.areas, statuses=statuses, concurrent=concurrent, sizes=_document_sizes(data))


def _bodies(data: Path, roles: dict) -> dict[str, list[Body]]:
    """data/synth/bodies.csv: the bodies each level has, named from the actor lexicon or a sector."""
    lexicon = {row["key"]: row for _, row in _rows(data / "lexicon" / "actors.csv")}
    sectors = {slug(row["name_vi"]): row for _, row in _rows(data / "lexicon" / "sectors.csv")}
    bodies_path = data / "synth" / "bodies.csv"
    bodies: dict[str, list[Body]] = {"national": [], "province": [], "district": []}
    for line, row in _rows(bodies_path):
        kind, ref = row["kind"], row["ref"]
        if row["head_role"] and row["head_role"] not in roles:
            raise DataInvalid(f"unknown role {row['head_role']!r}", path=bodies_path, line=line)
        if kind == "actor":
            keys = ref.split("|")
            if any(k not in lexicon for k in keys):
                raise DataInvalid(f"{ref!r} is not a key of data/lexicon/actors.csv",
                                  path=bodies_path, line=line)
            first, city = lexicon[keys[0]], lexicon[keys[-1]]
            names = (keys[0], keys[-1], first["name_vi"], city["name_vi"], first["name_en"], first["class"])
        elif kind in ("department", "ministry"):  # matched by slug: punctuation in sector names varies
            sector = sectors.get(slug(ref))
            if sector is None:
                raise DataInvalid(f"{ref!r} is not a sector of data/lexicon/sectors.csv",
                                  path=bodies_path, line=line)
            word_vi, word_en, cls = ("Sở", "Department of", "Department") if kind == "department" else \
                ("Bộ", "Ministry of", "Ministry")
            name = f"{word_vi} {sector['name_vi']}"
            names = (slug(name), slug(name), name, name, f"{word_en} {sector['name_en']}", cls)
        else:
            raise DataInvalid(f"unknown kind {kind!r}", path=bodies_path, line=line)
        key, key_city, vi, vi_city, en, cls = names
        bodies.setdefault(row["level"], []).append(Body(
            row["level"], ref, key, key_city, vi, vi_city, en, str(PH[cls]), row["code"], row["head_role"],
            row["area_form"] == "bare", row["parent"]))
    return bodies


def _pairs(data: Path, bodies: dict[str, list[Body]], topics: dict, doctypes: dict) -> list[PairKind]:
    """data/synth/pairs.csv: which bodies of a level make agreements together, of which kind, on what."""
    pairs_path = data / "synth" / "pairs.csv"
    pairs = []
    for line, row in _rows(pairs_path):
        pair = PairKind(row["level"], row["a"], row["b"], row["kind"], tuple(row["topics"].split("|")))
        refs = {b.ref for b in bodies.get(pair.level, [])}
        if pair.a not in refs or pair.b not in refs or any(t not in topics for t in pair.topics) \
                or pair.kind not in doctypes:
            raise DataInvalid("unknown body, topic or kind", path=pairs_path, line=line)
        pairs.append(pair)
    return pairs


def _actions(data: Path, pairs: list[PairKind], topics: dict, frequencies: set[str]) -> dict[str, list[Action]]:
    """data/synth/actions.csv: the tasks of each topic; every topic a pair works on needs some."""
    actions_path = data / "synth" / "actions.csv"
    actions: dict[str, list[Action]] = {}
    for line, row in _rows(actions_path):
        if row["topic"] not in topics or row["frequency"] not in frequencies or \
                (row["per"] and row["per"] not in frequencies):
            raise DataInvalid("unknown topic or frequency", path=actions_path, line=line)
        actions.setdefault(row["topic"], []).append(Action(
            row["topic"], row["action_vi"], row["action_en"], row["frequency"], row["unit"],
            float(row["low"] or 0), float(row["high"] or 0), row["per"], row["note_vi"]))
    missing = {t for p in pairs for t in p.topics} - set(actions)
    if missing:
        raise DataInvalid(f"no actions for topics {sorted(missing)}", path=actions_path)
    return actions


def _instruments(data: Path, bodies: dict[str, list[Body]], doctypes: dict) -> list[InstrumentKind]:
    """data/synth/instruments.csv: the instruments each level's issuers publish, and how many a year."""
    instruments_path = data / "synth" / "instruments.csv"
    instruments = []
    for line, row in _rows(instruments_path):
        kind = InstrumentKind(row["level"], row["issuer"], row["notation"], row["number"],
                              int(row["per_year"]), row["use"])
        if kind.notation not in doctypes or kind.issuer not in {b.ref for b in bodies[kind.level]}:
            raise DataInvalid("unknown document type or issuer", path=instruments_path, line=line)
        instruments.append(kind)
    return instruments


def _district_kinds(data: Path, places: list) -> dict[bool, list[tuple[str, str, int]]]:
    """District words (huyện, thị xã, …) with their weights in provinces (False) and cities (True)."""
    places_path = data / "synth" / "places.csv"
    words = {row["word"]: row["name_en"] for _, row in _rows(data / "lexicon" / "area_types.csv")
             if row["level"] == "district"}
    kinds: dict[bool, list[tuple[str, str, int]]] = {False: [], True: []}
    for line, row in places:
        if row["part"] == "kind":
            if row["value"] not in words:
                raise DataInvalid(f"{row['value']!r} is not a district word of data/lexicon/area_types.csv",
                                  path=places_path, line=line)
            kinds[False].append((row["value"], words[row["value"]], int(row["province_weight"])))
            kinds[True].append((row["value"], words[row["value"]], int(row["city_weight"])))
    return kinds


SIZED_PARTS = ("agreement-commitments", "plan-commitments", "review-results", "review-indicators")


def _document_sizes(data: Path) -> dict[str, tuple[int, int]]:
    """data/synth/documents.csv: how many commitments, results, ... each kind of document holds."""
    path = data / "synth" / "documents.csv"
    sizes = {}
    for line, row in _rows(path):
        try:
            low, high = int(row["low"]), int(row["high"])
        except (TypeError, ValueError):
            raise DataInvalid("low and high must be whole numbers", path=path, line=line) from None
        if not 1 <= low <= high:
            raise DataInvalid("needs 1 <= low <= high", path=path, line=line)
        sizes[row["part"]] = (low, high)
    missing = [part for part in SIZED_PARTS if part not in sizes]
    if missing:
        raise DataInvalid(f"no row for {', '.join(missing)}", path=path)
    return sizes


def _status_weights(data: Path, known: set[str]) -> list[tuple[str, int]]:
    """data/synth/statuses.csv: the status of a synthetic commitment, with its weight."""
    path = data / "synth" / "statuses.csv"
    rows = []
    for line, row in _rows(path):
        if row["status"] not in known:
            raise DataInvalid(f"{row['status']!r} is not a concept of id:scheme/status", path=path, line=line)
        rows.append((row["status"], int(row["weight"])))
    return rows


def _concurrent_posts(data: Path, bodies: dict[str, list[Body]],
                      roles: dict[str, tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """data/synth/concurrent_posts.csv: the Party post the head of a body holds for the same term."""
    path = data / "synth" / "concurrent_posts.csv"
    posts = {}
    for line, row in _rows(path):
        refs = {b.ref for b in bodies.get(row["level"], [])}
        if row["body"] not in refs or row["party_body"] not in refs or \
                any(r not in roles for r in row["role"].split("|")):
            raise DataInvalid("unknown body or role", path=path, line=line)
        posts[(row["level"], row["body"])] = (row["party_body"], row["role"])
    return posts
