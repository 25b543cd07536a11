"""Pass `header`: the document's own instrument, from its official header.

Reads the first 25 lines: a 'Số: …' number and an upper-case title starting with a document type
("CHƯƠNG TRÌNH PHỐI HỢP …", "KẾ HOẠCH" over its subject line), and the context's date. Writes the own
record into `instruments`, `own`, `own_title` and the number's tokens into `law_tokens` (a code, not a body).
"""

from __future__ import annotations

from .document import Ctx
from .grammar import parse_number, years
from .instruments import number_instrument
from .lexicon import DocType
from .records import Instrument

READS = frozenset({"date"})
WRITES = frozenset({"instruments", "own", "own_title", "law_tokens"})

def run(c: Ctx) -> None:
    doc, lex, f = c.doc, c.lex, c.f
    head_end = doc.lines[min(25, len(doc.lines) - 1)][1] if doc.lines else 0
    number = None
    m = lex.grammar.header_number.search(doc.text, 0, head_end)
    if m:
        number = parse_number(m.group(1).rstrip(".,;"), lex.notations)
    title_lines, dtype = _title_lines(c)
    if number is None and not title_lines:
        return
    if number and m:
        ins = number_instrument(c, number, dtype)
        if dtype:
            ins.doctype, ins.cls = dtype, dtype.cls
        written = m.group(1).rstrip(".,;")
        ins.spans.append((m.start(1), m.start(1) + len(written), written))
        f.law_tokens.update(range(doc.tok_index(m.start(1)), doc.tok_index(m.end(1))))
    else:
        assert isinstance(dtype, DocType)
        ins = Instrument("own", dtype.cls, dtype)
        f.instruments["own"] = ins
    ins.own = True
    ins.date = ins.date or f.date
    ins.year = ins.year or (f.date.year if f.date else None)
    if len(title_lines) == 1 and dtype is not None and len(doc.text[slice(*title_lines[0])].split()) <= 4:
        at = doc.lines.index(title_lines[0])
        if at + 1 < len(doc.lines) and doc.lines[at + 1][1] - doc.lines[at + 1][0] < 200:
            title_lines.append(doc.lines[at + 1])  # "KẾ HOẠCH" over "Phối hợp với … năm 2024"
    if title_lines:
        s, e = title_lines[0][0], title_lines[-1][1]
        ins.title = _title_text(c, title_lines)
        ins.spans.append((s, e, doc.text[s:e]))
        pm = lex.grammar.period.search(ins.title)
        if pm:
            ins.period = years(pm)
    f.own = ins
    f.own_title = title_lines


def _title_text(c: Ctx, lines: list[tuple[int, int]]) -> str:
    """The title block as one phrase: an upper-case line's case says nothing, so a line that kept its capitals
    ("PHỐI") is lowered and a later line does not open with a capital."""
    parts = []
    for n, (a, b) in enumerate(lines):
        part = c.doc.text[a:b].strip()
        if c.doc.line_of(a) in c.doc.headings:
            part = part.lower() if part.isupper() else part
            part = part[:1].lower() + part[1:] if n else part
        parts.append(part)
    return " ".join(parts)


def _title_lines(c: Ctx) -> tuple[list[tuple[int, int]], DocType | None]:
    """The upper-case lines of the title block, starting at one that opens with a document type."""
    doc = c.doc
    title_lines: list[tuple[int, int]] = []
    dtype = None
    for idx, (s, e) in enumerate(doc.lines[:25]):
        if title_lines:
            if idx in doc.headings:
                title_lines.append((s, e))
                continue
            if c.lex.grammar.period_line.fullmatch(doc.text[s:e].strip()):
                title_lines.append((s, e))  # "… GIAI ĐOẠN" over "2017-2021"
            break
        i = doc.tok_index(s)
        hit = c.lex.doctype_trie.match(doc.tokens, i) if i < len(doc.tokens) else None
        if hit and idx in doc.headings and doc.tokens[i].start < e:
            dtype = hit[1]
            title_lines.append((s, e))
    return title_lines, dtype  # type: ignore[return-value]
