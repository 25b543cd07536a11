"""Pass `events`: conferences, signings and dialogues the text reports, with their day when it can be known.

"Sáng 12/4, UBND tỉnh và LĐLĐ tỉnh tổ chức Hội nghị sơ kết …", "LĐLĐ tỉnh và TAND tỉnh đã ký kết Chương trình
phối hợp giai đoạn 2016-2020", "Tổng kết 5 năm thực hiện Chương trình phối hợp …": an event is named by a head
word ("hội nghị", "lễ ký kết") or by a verb with the agreement it acts on ("ký kết", "tổng kết"); its name runs
to the next function word or to the end of that agreement's name. Its day is a full date, or a day and month
in the document's year (else the year its agreement's period gives: a signing opens the period, a review
closes it); an event the text names without any day is kept undated. Mentions of one signing or review of
one agreement are one event, the headline's event is the body's, and a bare "lễ ký kết" that names no agreement
and no day (a caption) is the signing the text tells of. Not events: a counted or plural head ("tổ chức 5 hội
nghị đối thoại": many meetings, a result) and an undated meeting held at a frequency ("Hằng năm, hai bên tổ
chức Hội nghị …": a recurring task). Reads the sentences, `mentions`,
`cited_tokens`, `persons`, `instrument_refs`, `coref`, `instruments` and `date`; writes `events`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..iris import slug
from .actors import mention_groups
from .clauses import SENTENCE_ENDS
from .document import Ctx
from .grammar import parse_date
from .measures import frequencies
from .records import Event

READS = frozenset({"mentions", "cited_tokens", "persons", "instrument_refs", "instruments", "coref", "date",
                   "own"})
WRITES = frozenset({"events"})
MAX_NAME_TOKENS = 30
CHAIR_WINDOW = 600  # characters after the sentence where its chairs may be named
MAX_CHAIRS = 4
VERB_REACH = 4  # tokens between an event verb and the agreement it acts on
REVIEW_NEXT_YEAR_MONTH = 4  # a review held up to April reviews the year (or period) before


@dataclass
class _Trigger:
    first: int  # token
    last: int  # token after the name
    agreement: str | None  # the agreement signed or reviewed
    back: bool = False  # "tại hội nghị": names a meeting the text may already have told of


def run(c: Ctx) -> None:
    doc, g = c.doc, c.lex.grammar
    seen: dict[str, Event] = {}
    headline: list[Event] = []
    own = c.f.own  # a programme's or plan's own text plans its meetings: one it names without a day is no event
    planned = own is not None and own.doctype is not None and (own.doctype.is_agreement or own.doctype.cls == "Plan")
    for idx, (s, e) in enumerate(doc.lines):
        if s >= doc.body_end:
            break
        for a, b in doc.sentences(s, e, ".!?", g.no_sentence_end):
            for trig in _triggers(c, a, b):
                ev = _event(c, a, b, trig)
                if ev is None or (trig.back and c.f.events) or (planned and ev.date is None):
                    continue
                key = f"{ev.kind}:{(ev.signs or ev.reviews or [slug(ev.label)])[0]}"
                if key in seen:
                    _merge(seen[key], ev)
                elif idx == 0 and not doc.text[s:e].rstrip().endswith(SENTENCE_ENDS):
                    headline.append(ev)  # a headline names the event the body tells of
                else:
                    seen[key] = ev
                    c.f.events.append(ev)
    for ev in headline:
        same = next((other for other in c.f.events if other.kind == ev.kind), None)
        if same is not None:
            _merge(same, ev)
        else:
            c.f.events.append(ev)
    _fold_bare_signings(c.f.events)


def _fold_bare_signings(events: list[Event]) -> None:
    """An undated signing naming no agreement ("Quang cảnh lễ ký kết") is the one signing the text tells of."""
    told = next((ev for ev in events if ev.kind == "Signing" and (ev.signs or ev.date)), None)
    if told is None:
        return
    for ev in [ev for ev in events if ev.kind == "Signing" and not ev.signs and ev.date is None]:
        _merge(told, ev)
        events.remove(ev)


def _triggers(c: Ctx, a: int, b: int) -> list[_Trigger]:
    """Event names in [a, b): a head word, or an event verb followed by an agreement."""
    doc, cues = c.doc, c.lex.cues
    toks = doc.tokens
    first, last = doc.tok_index(a), doc.tok_index(b)
    refs = [(doc.tok_index(rs), doc.tok_index(re_), key) for rs, re_, key in _agreement_refs(c) if a <= rs < b]
    out: list[_Trigger] = []
    k = first
    while k < last:
        head = cues.at("event_head", toks, k)
        if head is not None and k > first and (toks[k - 1].text.isdigit() or toks[k - 1].low in cues.words(
                "event_count")):
            k += head.length  # "5 hội nghị", "các buổi ký": many meetings counted, no one event
            continue
        back = head is not None and k > first and toks[k - 1].low in cues.words("event_back")
        verb = None if head else cues.at("event_verb", toks, k)
        if head is None and verb is None:
            k += 1
            continue
        n = (head or verb).length  # type: ignore[union-attr]
        ref = next(((rs, re_, key) for rs, re_, key in refs if k + n <= rs <= k + n + VERB_REACH), None)
        if head is None and ref is None:
            k += n
            continue
        end = ref[1] if ref else _name_end(c, k + n, last)
        end = max(end, _name_end(c, k + n, last)) if ref is None else end
        out.append(_Trigger(k, min(end, last), ref[2] if ref else None, back))
        k = max(end, k + n)
    return out


def _agreement_refs(c: Ctx) -> list[tuple[int, int, str]]:
    """Where agreements are named, and where a bare "quy chế phối hợp" refers back to the one named before."""
    f = c.f
    named = sorted((s, e, key) for s, e, key in f.instrument_refs if _is_agreement(c, key))
    for s, e in f.coref:
        before = [key for at, _, key in named if at <= s]
        if before:
            named.append((s, e, before[-1]))
    return sorted(named)


def _is_agreement(c: Ctx, key: str) -> bool:
    dtype = c.f.instruments[key].doctype
    return dtype is not None and dtype.is_agreement and not key.startswith("grp:")


def _name_end(c: Ctx, k: int, last: int) -> int:
    toks, stop = c.doc.tokens, c.lex.cues.words("event_stop")
    start = k
    while k < last and k - start < MAX_NAME_TOKENS and toks[k].joined and toks[k].low not in stop:
        k += 1
    return k


def _event(c: Ctx, a: int, b: int, trig: _Trigger) -> Event | None:
    doc, f, cues = c.doc, c.f, c.lex.cues
    toks = doc.tokens
    label = doc.span_text(trig.first, trig.last)
    label = label[:1].upper() + label[1:]
    if len(label.split()) < 3:
        return None
    low_label, low = label.lower(), doc.low[a:b]
    signing = cues.in_text("event_signing", low_label) or any(
        t.low in cues.words("sign_verb") for t in toks[trig.first:trig.last])
    kind = "Signing" if signing else ("Dialogue" if cues.in_text("event_dialogue", low_label) else "Conference")
    day = _event_date(c, a, b, trig, kind)
    if day is None and trig.agreement is None and not trig.back and (
            not cues.in_text("event_held", low) or cues.in_text("target", low) or frequencies(c, a, b)):
        return None  # a meeting mentioned, one a target asks for or one held yearly: neither dated nor held once
    ev = Event(kind, label, day, (toks[trig.first].start, toks[trig.last - 1].end))
    groups = mention_groups(c, doc.tok_index(a), trig.first)
    if groups:  # the bodies acting right before the event's name
        ev.organisers = list(dict.fromkeys(m.committer for m in groups[-1]))
    else:  # "Chủ tịch X Nguyễn A và Bộ trưởng Y Nguyễn B thay mặt hai cơ quan tại Lễ ký kết": their bodies
        ev.organisers = list(dict.fromkeys(post.org.acts_for or post.org.iri for p in f.persons.values()
                                           for post in p.posts if post.org is not None
                                           and a <= post.span[0] < toks[trig.first].start))
    agreement = trig.agreement or next((key for rs, _, key in _agreement_refs(c)
                                        if toks[trig.first].start <= rs < b), None)
    if agreement is not None:
        if kind == "Signing":
            ev.signs = [agreement]
        elif cues.in_text("event_review", low):
            ev.reviews = [agreement]
    window = doc.text[a:min(len(doc.text), b + CHAIR_WINDOW)]
    if cues.in_text("lead", window):
        ev.chairs = [p.name for p in f.persons.values() if p.name in window][:MAX_CHAIRS]
    return ev


def _merge(kept: Event, other: Event) -> None:
    """A second mention of one event: it may give the day, the organisers or a fuller name."""
    kept.date = kept.date or other.date
    kept.organisers = kept.organisers or other.organisers
    kept.chairs = kept.chairs or other.chairs


def _event_date(c: Ctx, a: int, b: int, trig: _Trigger, kind: str) -> dt.date | None:
    doc, g = c.doc, c.lex.grammar
    day = parse_date(doc.text[a:b])
    if day:
        return day
    m = g.time_of_day.search(doc.text, a, b) or g.day_month.search(doc.text, a, min(b, a + 40))
    if m is None:
        return None
    month, dom = int(m.group(2)), int(m.group(1))
    year = int(m.group(3)) if m.lastindex and m.lastindex >= 3 and m.group(3) else _year(c, trig, kind, month)
    if year is None:
        return None
    try:
        return dt.date(year, month, dom)
    except ValueError:
        return None


def _year(c: Ctx, trig: _Trigger, kind: str, month: int) -> int | None:
    """The year of a day written without one: the document's, else what the agreement's period implies."""
    if c.f.date is not None:
        return c.f.date.year
    period = c.f.instruments[trig.agreement].period if trig.agreement else None
    if period is None:
        return None
    if kind == "Signing":
        return period[0]
    return period[1] + (1 if month <= REVIEW_NEXT_YEAR_MONTH else 0)
