"""Pass `citations`: what a numbered citation says around its number, once the bodies are known.

'Chỉ thị số 37-CT/TW ngày 03/9/2019 của Ban Bí thư về tăng cường …': the issuer after "của", the parties and
period of a numbered agreement ("giữa X và Y giai đoạn …"), the subject after "về"; then, for every numbered
instrument, the issuers its number's codes name and the IRI's issuer segment. Reads `pending_issuers`,
`mention_at` and the instruments; writes `instruments` (issuers, parties, titles, IRIs), `cited_tokens` (an
issuer named in a citation is no acting body) and `actors` (issuers named only by a code).
"""

from __future__ import annotations

from ..iris import issuer_key
from .actors import mint
from .document import Ctx
from .grammar import years
from .instruments import issuer_area, issuers_from_number
from .records import Instrument

READS = frozenset({"pending_issuers", "mention_at", "mentions", "date", "province", "main_district"})
WRITES = frozenset({"instruments", "cited_tokens", "actors", "districts", "subjects"})

SUBJECT_MAX = 250  # characters a subject may run before it is cut


def run(c: Ctx) -> None:
    f, g = c.f, c.lex.grammar
    for key, issuer_at, end in f.pending_issuers:
        ins = f.instruments[key]
        pos = end
        if issuer_at is not None:
            m = f.mention_at.get(c.doc.tok_index(issuer_at))
            if m and not ins.issuers:
                ins.issuers.append(m.actor)
            while m:
                pos = m.end
                f.cited_tokens.update(range(m.first, m.last))
                toks = c.doc.tokens
                m = f.mention_at.get(m.last + 1) if m.last < len(toks) and toks[m.last].low in c.lex.cues.words(
                    "and") else None  # "của Chính phủ và Ủy ban Trung ương MTTQ Việt Nam về việc …"
                if m and m.actor not in ins.issuers:
                    ins.issuers.append(m.actor)
        pos = _numbered_parties(c, ins, pos)
        sm = g.subject_prefix.match(c.doc.text, pos)
        if sm and ins.title is None:
            span = subject_span(c, sm.end())
            if span is not None:
                ins.title = c.doc.text[span[0]:span[1]]
                f.subjects.append(span)
    named = {m.actor.iri for m in f.mentions}
    for key, ins in f.instruments.items():  # every law is the legislature's: it is said only where the text names
        if key.startswith("law:") and all(a.iri not in named for a in ins.issuers):  # it, not from QH14 in a number
            ins.issuers = []
    for ins in f.instruments.values():
        if ins.number and not ins.iri_issuer:
            _known_details(c, ins)
            if not ins.issuers:
                ins.issuers = issuers_from_number(c, ins.number)
                if ins.doctype and ins.doctype.is_agreement and not ins.parties and len(ins.issuers) > 1:
                    ins.parties = list(ins.issuers)  # '…/CTrPH-UBND-LĐLĐ': the codes name both sides
            area = None
            for actor in ins.issuers:
                if actor.place and actor.place.path and not actor.place.is_nation:
                    area = "-".join(actor.place.path)
            ins.iri_issuer = issuer_key(ins.number, area or issuer_area(c))


def subject_span(c: Ctx, start: int) -> tuple[int, int] | None:
    """Where the subject (trích yếu) that starts at `start` is, up to where the grammar's subject_stop says;
    None when it is too short to be one."""
    text = c.doc.text
    m = c.lex.grammar.subject_stop.search(text, start, min(len(text), start + SUBJECT_MAX))
    end = m.start() if m else min(len(text), start + SUBJECT_MAX)
    if text[end:end + 1] == "”":
        end += 1
    found = text[start:end]
    a = start + len(found) - len(found.lstrip(" ,“”\""))
    b = end - (len(found) - len(found.rstrip(" ,“”\"")))
    return (a, b) if b - a >= 8 else None


def _numbered_parties(c: Ctx, ins: Instrument, pos: int) -> int:
    """'Chương trình phối hợp số 08/CTrPH-UBND-LĐLĐ ngày … giữa X và Y giai đoạn 2022-2026': the parties
    (who are then its issuers, wherever the number's codes would place them) and the period. Returns the
    character after what was read."""
    if ins.doctype is None or not ins.doctype.is_agreement:
        return pos
    doc, f, g = c.doc, c.f, c.lex.grammar
    toks = doc.tokens
    gm = g.between.match(doc.text, pos)
    a = f.mention_at.get(doc.tok_index(gm.end())) if gm and not ins.parties else None
    joined = a is not None and a.last < len(toks) and toks[a.last].low in c.lex.cues.words("between_and")
    b = f.mention_at.get(a.last + 1) if a is not None and joined else None
    if a is not None and b is not None and b.actor != a.actor:
        ins.parties = [a.actor, b.actor]
        ins.issuers = ins.issuers or [a.actor, b.actor]
        pos = toks[b.last - 1].end
        f.cited_tokens.update(range(a.first, b.last))  # the parties of a cited agreement do not act here
    rest = doc.text[pos:]
    pm = g.period.match(doc.text, pos + len(rest) - len(rest.lstrip(" ,")))
    if pm:
        ins.period = ins.period or years(pm)
        pos = pm.end()
    return pos


def _known_details(c: Ctx, ins: Instrument) -> None:
    """Issuer and subject of a well-known instrument, where the text leaves them out. Only when the text's
    date or year agrees: Party numbers restart every term (20-NQ/TW is of 2008 and of 2017), so a bare
    number names no edition."""
    year = ins.date.year if ins.date else ins.year
    rows = sorted(c.lex.known.get((ins.number or "").upper(), ()), key=lambda k: k.date)
    known = next((k for k in rows if year == k.date.year and ins.date in (None, k.date)), None)
    if known is None:
        return
    if known is not rows[0]:  # a number the table knows in several terms: the first keeps the plain IRI,
        ins.edition = known.date.year  # a later one takes its year (iris.instrument_iri), whatever the order
    ins.date = ins.date or known.date
    ins.title = ins.title or known.subject_vi
    if not ins.issuers and known.issuer in c.lex.kinds:
        ins.issuers = [mint(c, c.lex.kinds[known.issuer], None)]
