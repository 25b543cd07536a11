"""Pass `events`: conferences, signings and dialogues the text reports, with their day.

"Sáng 12/4, UBND tỉnh và LĐLĐ tỉnh tổ chức Hội nghị sơ kết …": the event's name from its head word to the
next function word, its day (a full date, or day/month in the document's year), its organisers (the first
bodies of the sentence), its chairs ("chủ trì"), the agreement it reviews or signs. Reads the sentences,
`mentions`, `cited_tokens`, `persons`, `instrument_refs`, `instruments` and `date`; writes `events`.
"""

from __future__ import annotations

import datetime as dt

from ..iris import slug
from .actors import mention_groups
from .document import Ctx
from .grammar import parse_date
from .records import Event

READS = frozenset({"mentions", "cited_tokens", "persons", "instrument_refs", "instruments", "date"})
WRITES = frozenset({"events"})
MAX_NAME_TOKENS = 14
CHAIR_WINDOW = 600  # characters after the sentence where its chairs may be named
MAX_CHAIRS = 4


def run(c: Ctx) -> None:
    doc, f, cues, g = c.doc, c.f, c.lex.cues, c.lex.grammar
    seen: set[str] = set()
    heads = cues.words("event_head")
    for s, e in doc.lines:
        if s >= doc.body_end:
            break
        for a, b in doc.sentences(s, e, ".!?", g.no_sentence_end):
            low = doc.low[a:b]
            head = next((h for h in heads if h in low), None)
            if head is None:
                continue
            day = _event_date(c, a, b)
            if day is None and not cues.in_text("event_held", low):
                continue
            ev = _event(c, a, b, a + low.index(head), len(head.split()), day)
            key = f"{day}:{slug(ev.label)}"
            if key in seen or len(ev.label.split()) < 3:
                continue
            seen.add(key)
            f.events.append(ev)


def _event(c: Ctx, a: int, b: int, at: int, head_n: int, day: dt.date | None) -> Event:
    doc, f, cues = c.doc, c.f, c.lex.cues
    toks = doc.tokens
    stop = cues.words("event_stop")
    i = doc.tok_index(at)
    k = i + head_n
    while k < len(toks) and k - i < MAX_NAME_TOKENS and toks[k].joined and toks[k].low not in stop \
            and toks[k].start < b:
        k += 1
    label = doc.span_text(i, k)
    label = label[:1].upper() + label[1:]
    low_label = label.lower()
    kind = "Signing" if cues.in_text("event_signing", low_label) else (
        "Dialogue" if cues.in_text("event_dialogue", low_label) else "Conference")
    ev = Event(kind, label, day, (toks[i].start, toks[k - 1].end))
    for group in mention_groups(c, doc.tok_index(a), i):
        ev.organisers = [m.committer for m in group]
        break
    low = doc.low[a:b]
    refs = [key for rs, _, key in f.instrument_refs if a <= rs < b]
    agreements = [r for r in refs if f.instruments[r].doctype and f.instruments[r].doctype.is_agreement]  # type: ignore[union-attr]
    if cues.in_text("event_review", low):
        ev.reviews = agreements[:1]
    if any(t.low in cues.words("sign_verb") for t in toks[doc.tok_index(a):doc.tok_index(b)]):
        ev.signs = [r for r in agreements if r not in ev.reviews][:1]
    window = doc.text[a:min(len(doc.text), b + CHAIR_WINDOW)]
    if cues.in_text("lead", window):
        ev.chairs = [p.name for p in f.persons.values() if p.name in window][:MAX_CHAIRS]
    return ev


def _event_date(c: Ctx, a: int, b: int) -> dt.date | None:
    doc, g = c.doc, c.lex.grammar
    day = parse_date(doc.text[a:b])
    if day:
        return day
    m = g.time_of_day.search(doc.text, a, b) or g.day_month.search(doc.text, a, min(b, a + 40))
    if m is None:
        return None
    year = int(m.group(3)) if m.lastindex and m.lastindex >= 3 and m.group(3) else (
        c.f.date.year if c.f.date else None)
    if year is None:
        return None
    try:
        return dt.date(year, int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
