"""Readable, stable IRIs derived from content: the same name and area always give the same IRI."""

from __future__ import annotations

import re
import unicodedata

from rdflib import URIRef

from .namespaces import ID

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """ASCII slug of Vietnamese text: 'Liên đoàn Lao động' -> 'lien-doan-lao-dong'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").lower()
    return _NON_ALNUM.sub("-", text).strip("-")


def area_iri(*path: str) -> URIRef:
    """`area_iri('Hà Nội', 'quận Hoàn Kiếm')` -> id:area/ha-noi/quan-hoan-kiem."""
    return ID["area/" + "/".join(slug(p) for p in path)]


def actor_iri(name: str, *area_path: str) -> URIRef:
    """An actor's IRI from its canonical name (without the area) and the area it serves."""
    area = "/".join(slug(p) for p in area_path) or "viet-nam"
    return ID[f"actor/{area}/{slug(name)}"]


def number_slug(number: str) -> str:
    """'37-CT/TW' -> '37-ct'; '149/2018/NĐ-CP' -> '149-nd'; '163/CTr-UBND-LĐLĐ' -> '163-ctr'."""
    head, _, rest = number.partition("/")
    if "-" in head and not rest[:4].isdigit():  # Party grammar: 37-CT/TW
        num, _, kind = head.partition("-")
        return slug(f"{num}-{kind}")
    parts = number.split("/")
    kind = parts[-1].split("-")[0]
    return slug(f"{parts[0]}-{kind}")


def issuer_key(number: str, area: str | None = None) -> str:
    """The issuer segment of an instrument IRI, from the number's suffix (and area for local issuers)."""
    parts = number.split("/")
    tail = parts[-1]
    if len(parts) == 2 and "-" in parts[0] and not tail[:1].isdigit():  # Party: 37-CT/TW, 09-NQ/TU
        suffix = tail
    else:
        suffix = tail.split("-", 1)[1] if "-" in tail else tail
    key = slug(suffix)
    national = {"tw", "cp", "ttg", "vpcp", "qh", "ubtvqh", "tld", "bct", "bbt"}
    if area and key not in national and not key.startswith("b"):
        return f"{slug(area)}-{key}"
    return key


def instrument_iri(issuer: str, year: int | str | None, local: str) -> URIRef:
    """id:instrument/<issuer>/<year>/<local> where local is a number slug or a short-name slug."""
    return ID[f"instrument/{slug(issuer)}/{year or 'undated'}/{local}"]


def person_iri(name: str) -> URIRef:
    return ID[f"person/{slug(name)}"]


def source_iri(file_name: str) -> URIRef:
    stem = file_name.rsplit(".", 1)[0]
    return ID[f"source/{stem}"]
