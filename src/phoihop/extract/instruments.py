"""Instrument records shared by the instrument passes: numbered records, citations, merges, issuers by code.

Not a pass: the helpers the `header`, `numbers`, `laws`, `subjects`, `citations`, `references` and `own`
passes use to make and cite instrument records (`instruments`, `instrument_refs`) and to name issuers.
"""

from __future__ import annotations

from ..iris import is_party_number, issuer_suffix, lookup_issuer_code, number_slug, slug
from .actors import mint
from .document import Ctx
from .grammar import Number
from .lexicon import DocType
from .records import Actor, Instrument, Place

TYPE_REACH = 9  # tokens a type phrase and its modifiers may take before a number


def doctype_before(c: Ctx, i: int) -> tuple[int, DocType] | None:
    """A document-type phrase ending right before token i (skipping 'số', 'số hiệu', and an agreement's
    modifiers: 'Chương trình phối hợp công tác số …')."""
    toks, lex = c.doc.tokens, c.lex
    number_words = lex.cues.words("number_word")
    k = i
    while k > 0 and toks[k - 1].low in number_words and k > i - 3:
        k -= 1
    if not (toks[k].joined or ":" in toks[k].gap):
        return None
    for s in range(k - 1, max(-1, k - TYPE_REACH), -1):
        hit = lex.doctype_trie.match(toks, s)
        if hit is None:
            continue
        j = s + hit[0]
        while j < k and hit[1].is_agreement and (n := lex.cues.length("agreement_modifier", toks, j)):  # type: ignore[union-attr]
            j += n  # "Chương trình phối hợp công tác số 431/…"
        if j == k:
            return s, hit[1]  # type: ignore[return-value]
    return None


def number_instrument(c: Ctx, number: Number, dtype: DocType | None) -> Instrument:
    """The record of a numbered instrument (one per number)."""
    key = "n:" + number.text.upper()
    found = c.f.instruments.get(key)
    if found:
        return found
    cls = dtype.cls if dtype else "OtherInstrument"
    if number.notation and dtype is None:
        dtype = c.lex.notations.get(number.notation.upper())
        cls = dtype.cls if dtype else cls
    local = number_slug(number.text)
    g = c.lex.grammar
    type_vi = dtype.label_vi if dtype else g.labels["document_vi"]
    type_en = dtype.label_en if dtype else g.labels["document_en"]
    ins = Instrument(key, cls, dtype, number=number.text, year=number.year,
                     label_vi=g.label("numbered_vi", type=type_vi, number=number.text),
                     label_en=f"{type_en} {number.text}", iri_local=local)
    c.f.instruments[key] = ins
    return ins


def cite(c: Ctx, ins: Instrument, start: int, end: int) -> None:
    """The text cites `ins` at [start, end): its evidence, and a reference that tasks and bases can use."""
    ins.spans.append((start, end, c.doc.text[start:end]))
    c.f.instrument_refs.append((start, end, ins.key))


def merge_instrument(c: Ctx, key: str, into: str, pending: bool = False) -> None:
    """Two records name one instrument: keep `into`, move spans and references to it (and the citations
    still waiting for their issuer, when the citations pass has not run yet)."""
    f = c.f
    gone = f.instruments.pop(key)
    f.instruments[into].spans.extend(gone.spans)
    f.instruments[into].written_types.extend(gone.written_types)
    f.instrument_refs = [(s, e, into if k == key else k) for s, e, k in f.instrument_refs]
    if pending:
        f.pending_issuers = [(into if k == key else k, a, b) for k, a, b in f.pending_issuers]


def issuers_from_number(c: Ctx, number: str) -> list[Actor]:
    """The bodies a number's issuer codes name ('…/CTr-UBND-LĐLĐ' -> UBND and LĐLĐ of the document's area)."""
    grammar = "party" if is_party_number(number) else "state"
    found: list[Actor] = []
    codes = [issuer_suffix(number)] + issuer_suffix(number).split("-")
    for code in codes if "-" in codes[0] else codes[:1]:
        row = lookup_issuer_code(slug(code), grammar)
        actor = _sector_code(c, code) if row is None or not row.actor else _coded_issuer(c, row.actor)
        if actor is None:
            continue
        if actor not in found:
            found.append(actor)
        if code == codes[0] and "-" in code:
            found.clear()  # the whole suffix names one body; prefer the split below
    return found


def _coded_issuer(c: Ctx, key: str) -> Actor | None:
    """The body an issuers.csv row names, in the document's place when it is a local body."""
    kind = c.lex.issuer_kind(key, c.f.province)
    if kind is None or (kind.scope != "national" and c.f.main_place is None):
        return None
    return mint(c, kind, c.f.main_place if kind.scope != "national" else None)


def _sector_code(c: Ctx, code: str) -> Actor | None:
    """'LĐTBXH' in '05/KH-LĐTBXH-LĐLĐ': the local office of that sector (sectors.csv abbreviations) —
    a Phòng when the document is a district's, else a Sở; 'SLĐTBXH' is always the Sở."""
    place = c.f.main_place
    province_head = c.lex.heads("province")[0]
    district_head = c.lex.heads("district")[0]
    for name, name_en, abbr in c.lex.sectors:
        if not abbr:
            continue
        if slug(code) == slug(abbr):
            head = district_head if place is not None and place.district else province_head
        elif slug(code) == slug(province_head)[:1] + slug(abbr):
            head = province_head
        else:
            continue
        return office(c, head, name, name_en)
    return None


def office(c: Ctx, head: str, name: str, name_en: str) -> Actor | None:
    """The office of a sector under a head word: a Bộ is national, a Sở the province's (even in a district's
    document), a Phòng the document's district's; None when that place is unknown."""
    kind = c.lex.sector_kind(head, name, name_en)
    row = c.lex.sector_heads[head]
    if row.scope == "national":
        return mint(c, kind, None)
    place = c.f.main_place if row.level == "district" else Place(c.f.province) if c.f.province else None
    return mint(c, kind, place) if place is not None else None


def short_code(c: Ctx, actor: Actor) -> str:
    """'lien-doan-lao-dong' -> 'ldld', 'so-lao-dong-thuong-binh-va-xa-hoi' -> 'so-ldtbxh'."""
    tail = actor.iri.rsplit("/", 1)[-1]
    if tail in c.lex.short_codes:
        return c.lex.short_codes[tail]
    for name, _, abbr in c.lex.sectors:
        for head, row in c.lex.sector_heads.items():
            if abbr and tail == slug(f"{head} {name}"):
                return f"{row.code}-{slug(abbr)}"
    return tail


def issuer_area(c: Ctx) -> str | None:
    place = c.f.main_place
    return "-".join(place.path) if place and place.path else None
