"""Pass `subjects`: well-known instruments cited by their subject alone.

'thực hiện “Đổi mới tổ chức và hoạt động của Công đoàn Việt Nam trong tình hình mới”' cites 02-NQ/TW: the
subject (known_instruments.csv) is long and specific enough to name one edition. Reads the tokens and the
instruments found so far; writes `instruments`, `instrument_refs` and `cited_tokens` (the bodies named inside
a subject are no parties).
"""

from __future__ import annotations

from .document import Ctx
from .grammar import parse_number
from .instruments import cite, doctype_before, number_instrument
from .lexicon import KnownInstrument

READS: frozenset[str] = frozenset()
WRITES = frozenset({"instruments", "instrument_refs", "cited_tokens"})

MIN_TOKENS = 4  # a shorter subject is too common a phrase to name one instrument


def run(c: Ctx) -> None:
    doc, lex, f = c.doc, c.lex, c.f
    toks = doc.tokens
    end_tok = doc.tok_index(doc.page_end)
    i = 0
    while i < end_tok:
        hit = lex.known_trie.match(toks, i)
        if hit is None or hit[0] < MIN_TOKENS:
            i += 1
            continue
        n = hit[0]
        known: KnownInstrument = hit[1]  # type: ignore[assignment]
        number = parse_number(known.number, lex.notations)
        assert number is not None  # the lexicon refuses rows whose number does not parse
        fresh = "n:" + number.text.upper() not in f.instruments
        ins = number_instrument(c, number, lex.doctypes.get(known.notation))
        if fresh:
            ins.confidence = 0.7  # identified by its subject: an inference, not a citation by number
            ins.date, ins.year = known.date, known.date.year  # the subject names the edition
        f.cited_tokens.update(range(i, i + n))  # "Công đoàn Việt Nam" in the subject is no party
        start = i - 1 if i and toks[i - 1].low in lex.cues.words("about") else i
        before = doctype_before(c, start)  # 'Nghị quyết “về đổi mới …”': the type word too
        start = before[0] if before else start
        cite(c, ins, toks[start].start, toks[i + n - 1].end)
        i += n
