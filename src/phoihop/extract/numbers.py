"""Pass `numbers`: instruments cited by their number (số ký hiệu), with the date written after it.

Reads the tokens, the document-type phrases before a number and the instruments found so far. Writes
`instruments`, `instrument_refs`, `law_tokens` (the number's tokens are a code, not a body) and
`pending_issuers` (where "của X" may name the issuer once the actors pass has found X).
"""

from __future__ import annotations

import re

from .document import Ctx
from .grammar import parse_number, parse_written_date
from .instruments import cite, doctype_before, number_instrument

READS: frozenset[str] = frozenset()
WRITES = frozenset({"instruments", "instrument_refs", "law_tokens", "pending_issuers"})

SHARED_GAP = re.compile(r"\s*(?:và|,)\s*$")  # 'Nghị định số 20/… và Nghị định số 21/… ngày … của …'


def run(c: Ctx) -> None:
    doc, lex, f, g = c.doc, c.lex, c.f, c.lex.grammar
    bare: tuple[int, str] | None = None  # the citation just read, when neither a date nor an issuer followed it
    for m in g.number.finditer(doc.text, 0, doc.page_end):
        number = parse_number(m.group(0), lex.notations)
        if number is None:
            continue
        i = doc.tok_index(m.start())
        before = doctype_before(c, i)
        dtype = before[1] if before else None
        if dtype is None and number.notation is None and not number.party:
            continue  # "12/UBND-VX" with no type word is a letter number, too weak alone
        start = doc.tokens[before[0]].start if before else m.start()
        ins = number_instrument(c, number, dtype)
        if dtype and ins.doctype is None:
            ins.doctype, ins.cls = dtype, dtype.cls
        ins.confidence = max(ins.confidence, 0.95 if dtype else 0.85)
        end = m.end()
        rest = doc.text[end:end + 400]
        dm = g.number_date.match(rest)
        if dm:
            text = dm.group(1)
            day = parse_written_date(text)
            if day:
                ins.date = ins.date or day
                ins.year = ins.year or day.year
            end += dm.end()
            rest = doc.text[end:end + 400]
        im = g.issuer_prefix.match(rest)
        cite(c, ins, start, m.end())
        f.pending_issuers.append((ins.key, end + im.end() if im else None, end))
        if bare is not None and bare[1] != ins.key and SHARED_GAP.match(doc.text, bare[0], start):
            _share(c, bare[1], ins.key)  # two numbers, then one date and issuer: both are theirs
        bare = (end, ins.key) if dm is None and im is None else None
        f.law_tokens.update(range(doc.tok_index(m.start()), doc.tok_index(m.end())))  # codes, not bodies


def _share(c: Ctx, first: str, second: str) -> None:
    """The first of two numbers cited together takes the date and issuer written after the second."""
    f = c.f
    a, b = f.instruments[first], f.instruments[second]
    a.date, a.year = a.date or b.date, a.year or b.year
    issuer_at = next((at for key, at, _ in reversed(f.pending_issuers) if key == second), None)
    f.pending_issuers = [(key, issuer_at if key == first and at is None else at, end)
                         for key, at, end in f.pending_issuers]
