"""Pass `laws`: laws and codes cited by name ("Luật Công đoàn năm 2012", "Bộ luật Lao động số 45/2019/QH14").

Reads the tokens, the law names of laws.csv, the numbers found so far (a law written with its number is one
edition, not two records) and the document's `date` (a law named without its year is the edition in force on
that day, from law_editions.csv). Writes `instruments`, `instrument_refs`, `law_tokens` (a law's name holds no
body: "Luật Tổ chức HĐND và UBND" mints no HĐND) and the Quốc hội as issuer into `actors`.
"""

from __future__ import annotations

import datetime as dt
import re

from ..iris import slug
from .actors import mint
from .document import Ctx
from .grammar import Number, parse_number, parse_written_date
from .instruments import cite, merge_instrument
from .lexicon import Law
from .records import Instrument

READS = frozenset({"date"})
WRITES = frozenset({"instruments", "instrument_refs", "law_tokens", "pending_issuers", "actors", "districts"})

LOWER_CASE_NAMES = ("HP",)  # "Hiến pháp" is named without a capital after its type word


def run(c: Ctx) -> None:
    toks = c.doc.tokens
    end_tok = c.doc.tok_index(c.doc.page_end)
    laws: dict[str, Law] = {}  # record key -> the law it cites
    i = 0
    while i < end_tok:
        law, n = _law_at(c, i, end_tok)
        if law is None:
            law, n = _elided(c, i, end_tok)
        if law is None:
            i += 1
            continue
        year = None
        j = i + n
        if j < len(toks) and toks[j].low in c.lex.cues.words("year_word") and toks[j].joined and j + 1 < len(toks):
            j += 1
        if j < len(toks) and toks[j].joined and re.fullmatch(r"(19|20)\d\d", toks[j].text):
            year = int(toks[j].text)
            n = j + 1 - i
        number, day, after = _law_number(c, toks[i + n - 1].end)
        year = year or (number.year if number else None) or (day.year if day else None)
        ins = _law_record(c, law, year)
        laws[ins.key] = law
        if number is not None:
            ins.number, ins.date = ins.number or number.text, ins.date or day
            if "n:" + number.text.upper() in c.f.instruments:  # the number was also read on its own
                merge_instrument(c, "n:" + number.text.upper(), ins.key, pending=True)
            n = max(n, c.doc.tok_index(after) - i)
        cite(c, ins, toks[i].start, toks[i + n - 1].end)
        c.f.law_tokens.update(range(i, i + n))
        i += n
    _merge_undated_laws(c)
    _editions_in_force(c, laws)


def _law_at(c: Ctx, i: int, end_tok: int) -> tuple[Law | None, int]:
    """A law named at token i: from laws.csv, or 'Luật' + capitalised words; (None, 0) when none."""
    toks, cues = c.doc.tokens, c.lex.cues
    hit = c.lex.law_trie.match(toks, i)
    law: Law | None = hit[1] if hit else None  # type: ignore[assignment]
    n = hit[0] if hit else 0
    if hit and law is not None and law.kind not in LOWER_CASE_NAMES and n > 1 and not any(
            t.text[:1].isupper() for t in toks[i + 1:i + n] if t.low not in cues.words("law_word")):
        law, n = None, 0  # "pháp luật lao động" is law in general, not the Labour Code
    if law is None and toks[i].text[:1].isupper() and toks[i].low in cues.words("law_head") and i + 1 < end_tok \
            and c.doc.is_cap(i + 1) and toks[i + 1].joined and not toks[i + 1].text.isdigit():
        n = _generic_law(c, i)
        law = Law(c.doc.span_text(i, i + n), "", "L") if n > 1 else None
    if law is not None and i and toks[i].joined and toks[i - 1].low in cues.words("not_a_law_after") \
            and toks[i].low in cues.words("law_head"):
        return None, 0  # "pháp luật", "dự luật"
    return law, n


def _elided(c: Ctx, i: int, end_tok: int) -> tuple[Law | None, int]:
    """'Điều lệ và Hướng dẫn thi hành Điều lệ Công đoàn': a name cut short before 'và' is the one the next law
    ends with (the words the writer did not repeat); (None, 0) when none."""
    toks, cues = c.doc.tokens, c.lex.cues
    if not toks[i].text[:1].isupper():
        return None, 0
    for m in (1, 2, 3):
        j = i + m
        if j + 1 >= end_tok or toks[j].low not in cues.words("and") or any(t.brk for t in toks[i + 1:j + 2]):
            continue
        nxt, n = _law_at(c, j + 1, end_tok)
        if nxt is None:
            continue
        head = [t.low for t in toks[i:j]]
        for p in range(j + 2, j + 1 + n - m + 1):
            if [t.low for t in toks[p:p + m]] == head:
                hit = c.lex.law_trie.match(toks, p)
                if hit and hit[0] == j + 1 + n - p:
                    return hit[1], m  # type: ignore[return-value]
        return None, 0
    return None, 0


def _law_record(c: Ctx, law: Law, year: int | None) -> Instrument:
    name = law.name_vi
    key = f"law:{slug(name)}:{year or ''}"
    ins = c.f.instruments.get(key)
    if ins is None:
        dtype = c.lex.doctypes.get(law.kind)
        issuer, local = law.iri_key.split("/", 1) if law.iri_key else (
            c.lex.short_codes.get(law.issuer, law.issuer), slug(name))
        ins = Instrument(key, dtype.cls if dtype else ("OtherInstrument" if law.kind == "-" else "Law"), dtype,
                         year=year, iri_issuer=issuer, iri_local=local, edition=year,
                         confidence=0.9 if law.name_en else 0.6)
        _label(c, ins, law.name_en, name)
        ins.issuers = [mint(c, c.lex.kinds[law.issuer], None)] if law.issuer in c.lex.kinds else []
        c.f.instruments[key] = ins
    return ins


def _label(c: Ctx, ins: Instrument, name_en: str, name: str) -> None:
    year = ins.year
    ins.label_vi = c.lex.grammar.label("law_vi", name=name, year=year) if year else name
    ins.label_en = (f"{name_en} ({year})" if year else name_en) or name


def _editions_in_force(c: Ctx, laws: dict[str, Law]) -> None:
    """A law named without a year cites the edition in force on the document's date (law_editions.csv); when
    the text also names that edition, the two records are one."""
    if c.f.date is None:
        return
    for key in [k for k in c.f.instruments if k.startswith("law:") and k.endswith(":") and k in laws]:
        law = laws[key]
        year = c.lex.edition_in_force(law.name_vi, c.f.date)
        if year is None:
            continue
        if f"{key}{year}" in c.f.instruments:
            merge_instrument(c, key, f"{key}{year}", pending=True)
            continue
        ins = c.f.instruments[key]
        ins.year, ins.edition, ins.note = year, year, "edition_note"
        ins.confidence = min(ins.confidence, 0.7)
        _label(c, ins, law.name_en, law.name_vi)


def _merge_undated_laws(c: Ctx) -> None:
    """'Bộ luật Lao động' after 'Bộ luật Lao động số 45/2019/QH14' is that edition, when the text names one."""
    for key in [k for k in c.f.instruments if k.startswith("law:") and k.endswith(":")]:
        editions = [k for k in c.f.instruments if k.startswith(key) and k != key]
        if len(editions) == 1:
            merge_instrument(c, key, editions[0], pending=True)


def _law_number(c: Ctx, pos: int) -> tuple[Number | None, dt.date | None, int]:
    """'Bộ luật Lao động số 45/2019/QH14 ngày 20 tháng 11 năm 2019': the law's number and date, if written
    right after its name, and the character after them."""
    m = c.lex.grammar.law_number.match(c.doc.text, pos)
    number = parse_number(m.group(1), c.lex.notations) if m else None
    if m is None or number is None:
        return None, None, pos
    day = parse_written_date(m.group(2)) if m.group(2) else None
    return number, day, m.end()


def _generic_law(c: Ctx, i: int) -> int:
    """'Luật Tổ chức chính quyền địa phương': the law's name runs to a stop word, a number or a year."""
    toks = c.doc.tokens
    k = i + 1
    while k < len(toks) and k - i <= 6:
        tok = toks[k]
        if (k > i + 1 and (not tok.joined or tok.gap != " ")) or tok.text.isdigit() \
                or tok.low in c.lex.cues.words("year_word") \
                or c.lex.stop_trie.match(toks, k):
            break
        k += 1
    return k - i
