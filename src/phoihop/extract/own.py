"""Pass `own`: the document's own instrument completed once every body is known.

Its issuers (from its number's codes, else the bodies in its title), its parties when it is an agreement, its
label and IRI. Reads `own_title`, `mentions` and the context; writes `own` (the record it completes) and
`actors` (issuers named by code). `preamble_end` tells later passes where the document's body starts.
"""

from __future__ import annotations

from ..iris import slug
from .document import Ctx
from .instruments import issuers_from_number, short_code
from .records import Actor

READS = frozenset({"own_title", "mentions", "province", "main_district", "date"})
HEADER_LINES = 12  # an official header's issuer block, motto and number stand in its first lines
WRITES = frozenset({"own", "actors", "districts"})

PREAMBLE_ITEMS = ("roman", "article", "num", "multi")  # the first of these ends a preamble


def run(c: Ctx) -> None:
    f = c.f
    ins = f.own
    if ins is None:
        return
    header = header_issuers(c)  # the header names its issuers better than a number's codes do
    if header or not ins.issuers:
        ins.issuers = header or (issuers_from_number(c, ins.number) if ins.number else [])
    title_actors = []
    for s, e in f.own_title:
        for m in f.mentions:
            if s <= m.start < e and m.actor not in title_actors:
                title_actors.append(m.actor)
    if ins.doctype and ins.doctype.is_agreement:
        named = list(dict.fromkeys([*ins.issuers, *title_actors]))  # 'CĐCS xã' in the header, its 'Ban Chấp hành'
        ins.parties = [a for a in named if not any(b.parent == a.iri for b in named)]  # in the title: one party
    if not ins.issuers:
        ins.issuers = title_actors[:2]
    _label(c)


def header_issuers(c: Ctx) -> list[Actor]:
    """The bodies of an official header's issuer block: the upper-case lines at the top, before the motto or
    the 'Số:' line ('LIÊN ĐOÀN LAO ĐỘNG TỈNH X / BẢO HIỂM XÃ HỘI TỈNH X / -------'). A body named over the
    one it oversees ('UBND TỈNH X / SỞ Y TẾ') is the superior, not an issuer. Empty for a text that does not
    open with such a block (a news item whose headline is in capitals)."""
    doc, g = c.doc, c.lex.grammar
    block: list[list[Actor]] = [[]]
    for idx, (s, e) in enumerate(doc.lines[:HEADER_LINES]):
        line = doc.text[s:e]
        if g.motto.search(line) or g.header_number.match(line):
            break
        if g.header_rule.fullmatch(line):
            block.append([])  # a rule between two issuers' lines
        elif idx not in doc.headings:
            return []
        else:
            block[-1].extend(m.actor for m in c.f.mentions if s <= m.start < e and m.actor not in block[-1])
    else:
        return []
    found: list[Actor] = []
    for segment in block:
        found += [a for n, a in enumerate(segment) if a not in found and not any(
            b.parent == a.iri for b in segment[n + 1:])]
    return found


def _label(c: Ctx) -> None:
    """The own instrument's labels and, when its number did not give one, its IRI."""
    f, g = c.f, c.lex.grammar
    ins = f.own
    assert ins is not None
    dtype = ins.doctype
    type_vi = dtype.label_vi if dtype else g.labels["document_vi"]
    label = g.label("numbered_vi", type=type_vi, number=ins.number) if ins.number else type_vi
    joiner = g.labels["joiner_vi"]
    if ins.parties:
        label = g.label("parties_vi", type=label, parties=joiner.join(p.label_vi for p in ins.parties))
    elif ins.issuers and not ins.number:
        label = g.label("of_vi", type=label, a=joiner.join(p.label_vi for p in ins.issuers))
    if ins.period:
        label += g.label("own_period_vi", first=ins.period[0], last=ins.period[1])
    ins.label_vi = label
    type_en = dtype.label_en if dtype else g.labels["document_en"]
    ins.label_en = f"{type_en} {ins.number}" if ins.number else f"{type_en} ({c.doc.stem})"
    if ins.period:
        ins.label_en += f", {ins.period[0]}-{ins.period[1]}"
    if not ins.iri_issuer:
        owners = ins.issuers or ins.parties
        ins.iri_issuer = "-".join(dict.fromkeys(short_code(c, a) for a in owners)) or c.doc.stem
        if f.province and owners and not owners[0].place.is_nation:  # type: ignore[union-attr]
            ins.iri_issuer = f"{f.province.slug}-{ins.iri_issuer}"
        ins.iri_local = slug(f"{type_vi} {ins.period[0]}-{ins.period[1]}") if ins.period else slug(
            f"{type_vi} {c.doc.stem}")


def preamble_end(c: Ctx) -> int:
    """Where the body of a document with its own header starts: its first numbered item, else after
    the last 'Căn cứ' / 'Thực hiện' line, else after its title."""
    doc, cues = c.doc, c.lex.cues
    title_end = c.f.own_title[-1][1] if c.f.own_title else 0
    basis_end = title_end
    opening = cues.words("basis_line") + cues.words("implement_line")
    for idx, (s, e) in enumerate(doc.lines):
        if s < title_end:
            continue
        item = doc.items[idx]
        if item is not None and item.kind in PREAMBLE_ITEMS:
            return s
        if doc.low[s:e].lstrip(" -*").startswith(opening):
            basis_end = e
    return basis_end
