"""Readable, stable IRIs derived from content: the same name and area always give the same IRI."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import URIRef

from .namespaces import ID
from .normalize import ascii_name
from .resources import data_dir

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """ASCII slug of Vietnamese text: 'Liên đoàn Lao động' -> 'lien-doan-lao-dong'."""
    return _NON_ALNUM.sub("-", ascii_name(text).lower()).strip("-")


def area_iri(*path: str) -> URIRef:
    """`area_iri('Hà Nội', 'quận Hoàn Kiếm')` -> id:area/ha-noi/quan-hoan-kiem."""
    return ID["area/" + "/".join(slug(p) for p in path)]


def actor_iri(name: str, *area_path: str) -> URIRef:
    """An actor's IRI from its canonical name (without the area) and the area it serves."""
    area = "/".join(slug(p) for p in area_path) or "viet-nam"
    return ID[f"actor/{area}/{slug(name)}"]


_YEAR = re.compile(r"(19|20)\d\d")


def number_slug(number: str) -> str:
    """The number part of an instrument IRI, keeping the year when the number itself carries it.

    '37-CT/TW' -> '37-ct'; '149/2018/NĐ-CP' -> '149-2018-nd'; '163/CTr-UBND-LĐLĐ' -> '163-ctr';
    '01/QCPH/UBND-UBMTTQ' -> '01-qcph' (a type with a segment of its own, not the first issuer);
    '202/2025/QH15' -> '202-2025' (laws and resolutions of the National Assembly share one series per
    year, so the number and year identify them without a type). The year written in a number is part of
    its identity and always known with it; a year taken from a date is not used, so that the IRI does not
    change when the date becomes known.
    """
    head, _, rest = number.partition("/")
    if "-" in head and not rest[:4].isdigit():  # Party grammar: 37-CT/TW
        num, _, kind = head.partition("-")
        return slug(f"{num}-{kind}")
    parts = [p.strip() for p in number.split("/")]
    year = parts[1] if len(parts) > 2 and _YEAR.fullmatch(parts[1]) else ""
    segments = parts[2 if year else 1:]
    kind = segments[0].split("-")[0] if segments and ("-" in segments[0] or len(segments) > 1 or not year) else ""
    return slug("-".join(p for p in (parts[0], year, kind) if p))


@dataclass(frozen=True)
class IssuerCode:
    """One row of data/lexicon/issuers.csv: an issuer code pattern, its scope and the body it names."""

    pattern: re.Pattern
    grammar: str  # party | state | any
    scope: str  # national | local
    actor: str


@lru_cache(maxsize=1)
def issuer_codes() -> tuple[IssuerCode, ...]:
    """The issuer-code table; national codes are kept out of instrument IRIs' area prefix."""
    path = data_dir() / "lexicon" / "issuers.csv"
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return tuple(IssuerCode(re.compile(r["code"]), r["grammar"], r["scope"], r["actor"]) for r in rows)


def lookup_issuer_code(code: str, grammar: str = "any") -> IssuerCode | None:
    """The first table row matching one code slug ('ubnd', 'ttg') in this number grammar."""
    for row in issuer_codes():
        if row.grammar in ("any", grammar) and row.pattern.fullmatch(code):
            return row
    return None


def is_party_number(number: str) -> bool:
    """Party grammar (37-CT/TW, 09-NQ/TU) rather than state grammar (149/2018/NĐ-CP)."""
    parts = number.split("/")
    return len(parts) == 2 and "-" in parts[0] and not parts[-1][:1].isdigit()


def issuer_suffix(number: str) -> str:
    """The issuer part of a number: '37-CT/TW' -> 'TW', '163/CTr-UBND-LĐLĐ' -> 'UBND-LĐLĐ', and a joint number
    whose type has a segment of its own: '01/QCPH/UBND-UBMTTQ' -> 'UBND-UBMTTQ'."""
    parts = number.split("/")
    tail = parts[-1]
    if is_party_number(number):
        return tail
    if len(parts) >= 3 and parts[-2][:1].isalpha():
        return tail
    return tail.split("-", 1)[1] if "-" in tail else tail


def issuer_key(number: str, area: str | None = None) -> str:
    """The issuer segment of an instrument IRI, from the number's suffix (and area for local issuers)."""
    key = slug(issuer_suffix(number))
    grammar = "party" if is_party_number(number) else "state"
    whole = lookup_issuer_code(key, grammar)
    if whole is not None:
        local = whole.scope == "local"
    else:
        rows = [lookup_issuer_code(part, grammar) for part in key.split("-")]
        local = any(row is None or row.scope == "local" for row in rows)
    if area and local:
        return f"{slug(area)}-{key}"
    return key


def instrument_iri(issuer: str, local: str, edition: int | str | None = None) -> URIRef:
    """id:instrument/<issuer>/<local>[-<edition>]: a key that does not change when a date becomes known.

    `local` is a number slug (`number_slug`) or the slug of an unnumbered instrument's short name. The
    edition is given only when it is part of how the instrument is named: the year of a law or code
    ('Luật Công đoàn năm 2012' -> quoc-hoi/luat-cong-doan-2012, 'Hiến pháp 2013'), or the year that tells
    apart two instruments of one issuer with one yearless number (Party numbers restart each term, many
    state numbers each year): the first one minted keeps the plain IRI, the later one takes its year.
    """
    key = slug(str(local))
    if edition is not None and str(edition):
        key = f"{key}-{slug(str(edition))}"
    return ID[f"instrument/{slug(issuer)}/{key}"]


def law_iri(name: str, edition: int | str) -> URIRef:
    """A law, code or constitution of one edition: law_iri('Luật Công đoàn', 2012) -> quoc-hoi/luat-cong-doan-2012.

    Two editions are two resources (the 2024 law repeals the 2012 one; eli:repeals links them). A text
    that names a law without its year cites the edition in force on the text's date.
    """
    return instrument_iri("quoc-hoi", slug(name), edition)


def person_iri(name: str) -> URIRef:
    return ID[f"person/{slug(name)}"]


def source_iri(file_name: str) -> URIRef:
    stem = file_name.rsplit(".", 1)[0]
    return ID[f"source/{stem}"]
