"""Pass `commitments`: who does what, with whom, how often, toward what target, under which programme.

Reads the units of clauses.py, `mentions` and `mention_at` (who is named), `cited_tokens` (who is only named in
a citation or post), the instruments (the programme a task belongs to and what it carries out), `own` and
`events` (a meeting held or an agreement signed is told, not a task).
Writes `commitments`, and `implied` (the source text itself as the instrument of tasks no named programme holds).
Lead: "giao X", "X chủ trì", the subject opening the unit, the section's body ("Trách nhiệm của X"), the
sentence's subject for later clauses, else the programme's parties. Partners: the other bodies named.
"""

from __future__ import annotations

from rdflib import URIRef

from ..iris import slug
from .actors import mention_groups
from .clauses import Unit, leaves, not_tasks, units
from .document import Ctx
from .grammar import years
from .measures import frequencies, implemented, targets, topic
from .records import Commitment, Instrument, Mention

READS = frozenset({"mentions", "mention_at", "cited_tokens", "instruments", "instrument_refs", "coref", "own",
                   "own_title", "actors", "date", "events", "subjects"})
WRITES = frozenset({"commitments", "implied"})

IMPLIED = "implied"  # key of the instrument of a report's tasks that no named programme holds: the text itself
REPORT_ISSUER = "van-ban-nguon"  # its IRI's issuer segment: id:instrument/van-ban-nguon/<source stem>
REPORT_TITLE_CHARS = 160
PROGRAMME_SUBJECT_CHARS = 30  # how far into a unit a programme's name reads as its subject
SUBJECT_GAP = 3  # words between a subject and its verb ("đã", "sẽ cùng", "tiếp tục")
ACTION_CHARS = 300  # a task's own words kept as its ph:action


def run(c: Ctx) -> None:
    doc, f, cues, g = c.doc, c.f, c.lex.cues, c.lex.grammar
    agreements = _agreements(c)
    headline_subjects = [m.committer for m in f.mentions if doc.lines and m.start < doc.lines[0][1]]
    found: list[tuple[Unit, str | None, list[URIRef], list[URIRef]]] = []
    blocked = not_tasks(c)
    seen: set[str] = set()
    for unit in leaves(units(c)):
        written = " ".join(doc.low[unit.start:unit.end].split())
        if written in seen:
            continue  # a news page repeats its lead paragraph or a caption: one task, told twice
        seen.add(written)
        programme = _programme_for(c, unit.start, agreements)
        ins = f.instruments.get(programme) if programme else None
        sides = (ins.parties or (ins.issuers if ins.own else [])) if ins else []  # a joint plan: its issuers
        defaults = unit.section_actor or [a.acts_for or a.iri for a in sides] or _event_sides(c, unit.start) \
            or headline_subjects[:1]
        head_roles = _roles(c, Unit(*unit.head, None, False), defaults) if unit.head is not None else None
        roles = _roles(c, unit, defaults, head_roles[0] if head_roles else None)  # "hai bên …; …"
        if roles is not None and head_roles is not None and roles[0] == head_roles[0] and not roles[1]:
            roles = (roles[0], head_roles[1])  # "Đó là phối hợp trong …": the partners of the sentence told
        if roles is None:
            continue
        roles = _other_side(c, unit, roles, [a.acts_for or a.iri for a in sides], blocked)
        low = doc.low[unit.start:unit.end]
        if not unit.listed and not cues.in_text("action", low):
            continue
        verbs = g.agreement_name.sub("", low)
        if g.meeting_held.search(low) and not cues.in_text("coordinate", verbs) and not _plans(c):
            continue  # a report of a meeting held: an event, not a commitment (a plan's meeting is a task)
        if not _has_task(c, unit, blocked, unit.listed):
            continue  # what a meeting report tells ('phát biểu', 'ký kết Chương trình …'), not a task
        if cues.in_text("not_a_task", low.split(".", 1)[0]):
            continue  # 'Chương trình có hiệu lực kể từ ngày ký', 'Chánh Văn phòng … chịu trách nhiệm thi hành'

        found.append((unit, programme, *roles))
    kept = [x for x in found if not x[0].fallback] or found  # aims count only when nothing else is a task
    seen_clauses: dict[str, int] = {}
    for unit, programme, leads, partners in kept:
        programme = programme or _implied_programme(c)
        f.commitments.append(_commitment(c, unit, programme, leads, partners, seen_clauses))


def _other_side(c: Ctx, unit: Unit, roles: tuple[list[URIRef], list[URIRef]],
                sides: list[URIRef], blocked: set[int]) -> tuple[list[URIRef], list[URIRef]]:
    """'Điều 2. Trách nhiệm của UBND xã: … phối hợp tổ chức Hội nghị …': one party of an agreement that
    coordinates without naming with whom coordinates with the other parties ('công tác phối hợp', a noun,
    says nothing of it)."""
    leads, partners = roles
    if partners or not leads or not set(leads) < set(sides):
        return roles
    doc = c.doc
    verbs = c.lex.cues.positions("coordinate", doc.tokens, doc.tok_index(unit.start), doc.tok_index(unit.end))
    if all(k in blocked for k in verbs):
        return roles
    return leads, [a for a in sides if a not in leads]


def _has_task(c: Ctx, unit: Unit, blocked: set[int], listed: bool) -> bool:
    """A task verb ('phối hợp', 'chủ trì', 'giao', 'tuyên truyền' …) outside the words that name no task; a
    list item needs none ('Công tác kiểm tra, giám sát;') unless it only narrates ('… đồng chủ trì hội nghị')."""
    doc, cues = c.doc, c.lex.cues
    first, last = doc.tok_index(unit.start), doc.tok_index(unit.end)
    if any(k not in blocked for kind in ("action", "joint", "lead", "request")
           for k in cues.positions(kind, doc.tokens, first, last)):
        return True
    return listed and not cues.positions("narration", doc.tokens, first, last)


def _commitment(c: Ctx, unit: Unit, programme: str, leads: list[URIRef], partners: list[URIRef],
                seen_clauses: dict[str, int]) -> Commitment:
    doc = c.doc
    clause = unit.clause
    if clause:
        seen_clauses[clause] = seen_clauses.get(clause, 0) + 1
        if seen_clauses[clause] > 1:
            clause = f"{clause} ({seen_clauses[clause]})"
    out = Commitment(programme, clause, leads, partners, (unit.start, unit.end),
                     topic(c, doc.tok_index(unit.start), doc.tok_index(unit.end)),
                     confidence=0.75 if unit.clause else 0.6)
    out.status = _status(c, unit)
    out.action = _action(c, unit)
    out.addressees, told = _addressees(c, unit, leads)
    out.partners = [a for a in partners if a not in out.addressees and a not in told]
    out.frequencies = frequencies(c, unit.start, unit.end)
    out.targets = targets(c, unit.start, unit.end, out.frequencies)
    out.implements = implemented(c, unit.start, unit.end)
    pm = c.lex.grammar.period.search(doc.text, unit.start, unit.end)
    if pm:
        out.period = years(pm)
    return out


def _status(c: Ctx, unit: Unit) -> str:
    """What the statement is (id:scheme/status): a request, an orientation, a reported result or an obligation.

    An agreement's or plan's items are obligations; a report's statement is a result when it says what was done
    ('đã', 'trong năm qua') and nothing of what is to come ('sẽ', 'tiếp tục', 'thời gian tới'); aims kept only
    because the text states no other task are orientations."""
    toks, cues, doc = c.doc.tokens, c.lex.cues, c.doc
    first, last = doc.tok_index(unit.start), doc.tok_index(unit.end)

    def said(kind: str, start: int = first) -> bool:
        return bool(cues.positions(kind, toks, start, last))

    if unit.requested or said("status_request"):
        return "request"
    if unit.fallback or said("status_orientation"):
        return "orientation"
    if _plans(c):
        return "obligation"
    content, agreed = _content_start(c, unit)
    told = doc.tok_index(content) if agreed else first  # the items of what was agreed: only their own words
    if said("status_result", told) and not said("status_future", told):  # tell what was done
        return "reported-result"
    if unit.head is not None and not said("status_future") and _head_reports(c, unit.head):
        return "reported-result"  # "… đã phối hợp trao quà …; hỗ trợ xây nhà …": a later clause, its head's tense
    return "obligation"


def _head_reports(c: Ctx, head: tuple[int, int]) -> bool:
    """The sentence's first clause tells what was done (not what was agreed: a lead-in to agreed contents)."""
    doc, cues = c.doc, c.lex.cues
    content, agreed = _content_start(c, Unit(*head, None, False))
    first, last = doc.tok_index(head[0]), doc.tok_index(head[1])
    return not agreed and bool(cues.positions("status_result", doc.tokens, first, last)) and not \
        cues.positions("status_future", doc.tokens, first, last)


def _plans(c: Ctx) -> bool:
    """The text is an agreement or a plan of its own: what it says is to be done, not what was done."""
    own = c.f.own
    return own is not None and own.doctype is not None and (own.doctype.is_agreement or own.doctype.cls == "Plan")


def _action(c: Ctx, unit: Unit) -> str:
    """The clause's own words, trimmed: no list marker or leading punctuation, no framing phrase or list
    lead-in ('Theo quy chế, ', '… các chuyên đề như: '), no trailing stop, at most ACTION_CHARS characters (cut
    at a word, marked with '…')."""
    start = _content_start(c, unit)[0]
    end = unit.fields.get("field_content", (unit.start, unit.end))[1]  # a table's or item's content field
    text = " ".join(c.doc.text[start:end].split()).strip(" -–+•*;,.:")
    if len(text) > ACTION_CHARS:
        text = text[:ACTION_CHARS].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return text


def _content_start(c: Ctx, unit: Unit) -> tuple[int, bool]:
    """Where a task's own words start (after a list marker, a framing phrase or a list's lead-in), and whether
    that lead-in names an agreement and tells what it holds ('Quy chế … đi đến ký kết những nội dung về:',
    '… đã ký Chương trình … gồm 5 nội dung:'): its items are then the agreed contents, whatever the lead-in says
    was done."""
    start, end = unit.fields.get("field_content", (unit.start, unit.end))
    raw = c.doc.text[start:end]
    lead = len(raw) - len(raw.lstrip(" -–+•*;,.:\n\t"))
    m = c.lex.grammar.action_lead.match(raw, lead)
    if m is None or not raw[m.end():].strip(" -–+•*;,.:\n\t"):
        return start + lead, False
    a, b = start + lead, start + m.end()
    names_agreement = any(a <= s < b for s, _, key in c.f.instrument_refs if _is_agreement(c, key)) or any(
        a <= s < b for s, _ in c.f.coref)
    agreed = m.group("list") is not None and names_agreement and c.lex.cues.in_text(
        "agreed_contents", raw[lead:m.end()].lower())
    return b, agreed


def _is_agreement(c: Ctx, key: str) -> bool:
    doctype = c.f.instruments[key].doctype if key in c.f.instruments else None
    return doctype is not None and doctype.is_agreement


def _addressees(c: Ctx, unit: Unit, leads: list[URIRef]) -> tuple[list[URIRef], set[URIRef]]:
    """Bodies a task is directed at without carrying it out: named right after 'tham mưu với', 'trình',
    'báo cáo', 'kiến nghị với' (ph:addressee, not partners). A body the task named before as a partner
    ('phối hợp LĐLĐ … và báo cáo Ban Thường vụ LĐLĐ') stays a partner."""
    doc, cues = c.doc, c.lex.cues
    first, last = doc.tok_index(unit.start), doc.tok_index(unit.end)
    found: list[URIRef] = []
    told: set[URIRef] = set()  # every body named where the task reports, as written (an organ too)
    cues_at = cues.positions("addressee", doc.tokens, first, last)
    named = [m for g in mention_groups(c, first, cues_at[0]) for m in g] if cues_at else []
    before = {m.committer for m in named}
    for k in cues_at:
        after = k + cues.length("addressee", doc.tokens, k)
        group = next((g for g in mention_groups(c, after, last) if g[0].first - after <= 1), None)
        for m in group or []:
            if m.committer not in leads and m.committer not in found and m.committer not in before:
                found.append(m.committer)
            if m.actor.iri not in {n.actor.iri for n in named}:
                told.add(m.actor.iri)  # 'Ban Thường vụ LĐLĐ' reported to is no partner either
    return found, told


def _agreements(c: Ctx) -> list[tuple[int, str]]:
    """Where agreements that tasks may follow are named (and referred back to), in text order."""
    f = c.f
    found = sorted((s, key) for s, _, key in f.instrument_refs
                   if f.instruments[key].doctype and f.instruments[key].doctype.is_agreement  # type: ignore[union-attr]
                   and not f.instruments[key].own
                   and not key.startswith("grp:"))  # a group is counted, not one that tasks follow
    for s, _ in f.coref:
        before = [key for at, key in found if at <= s]
        if before:
            found.append((s, before[-1]))
    return sorted(found)


def _roles(c: Ctx, unit: Unit, defaults: list[URIRef],
           inherited: list[URIRef] | None = None) -> tuple[list[URIRef], list[URIRef]] | None:
    if "field_lead" in unit.fields:
        return _field_roles(c, unit, defaults)
    doc, f, cues = c.doc, c.f, c.lex.cues
    first, last = doc.tok_index(unit.start), doc.tok_index(unit.end)
    groups = mention_groups(c, first, last)
    requests = sorted(cues.positions("status_request", doc.tokens, first, last)[:1] +
                      cues.positions("assigns", doc.tokens, first, last)[:1])
    asked = requests[0] if requests and any(g[0].first > requests[0] for g in groups) else first
    mentioned = [m.actor.iri for g in groups for m in g  # who asks or assigns ('UBND tỉnh đề nghị …', 'Công an
                 if m.first not in f.cited_tokens and m.first >= asked]  # tỉnh giao X làm đầu mối') is no partner
    low = doc.low[unit.start:unit.end]
    leads = _explicit_leads(c, groups, first, last, defaults, inherited, low)
    if not leads and inherited:
        leads = list(inherited)
    if not leads and (unit.listed or cues.in_text("joint_subject", low) or cues.in_text("coordinate", low[:40])
                      or _programme_subject(c, unit)):
        leads = list(defaults)
    if not leads:
        return None
    leads = list(dict.fromkeys(leads))
    lead_set = set(leads)
    partners = [a for a in dict.fromkeys(mentioned) if a not in lead_set and
                (f.actors[a].acts_for not in lead_set or f.actors[a].acts_for is None)]
    return leads, partners


def _field_roles(c: Ctx, unit: Unit, defaults: list[URIRef]) -> tuple[list[URIRef], list[URIRef]] | None:
    """Lead and partners as a task's own fields state them: the bodies named in its lead field (the parties
    when it names none: 'Các bên luân phiên chủ trì') and those named in its partner field."""
    def named(kind: str) -> list[Mention]:
        if kind not in unit.fields:
            return []
        a, b = unit.fields[kind]
        return [m for g in mention_groups(c, c.doc.tok_index(a), c.doc.tok_index(b)) for m in g]

    leads = list(dict.fromkeys(m.committer for m in named("field_lead"))) or list(defaults)
    partners = [m.actor.iri for m in named("field_partner") if m.committer not in leads]
    return (leads, list(dict.fromkeys(partners))) if leads else None


def _explicit_leads(c: Ctx, groups: list[list[Mention]], first: int, last: int, defaults: list[URIRef],
                    inherited: list[URIRef] | None, low: str) -> list[URIRef]:
    """The lead a unit states: 'giao X', an opening verb with no subject (the defaults), 'X chủ trì',
    or a subject opening the unit."""
    toks, cues = c.doc.tokens, c.lex.cues

    def group_after(k: int, within: int = 2) -> list[Mention] | None:
        return next((g for g in groups if k <= g[0].first <= k + within), None)

    def group_before(k: int, within: int = 5) -> list[Mention] | None:
        best = None
        for g in groups:  # a body after 'phối hợp với' is the partner, never the subject of a later verb
            if cues.ends_at("with", toks, g[0].first) or cues.ends_at("coordinate", toks, g[0].first):
                continue
            if g[-1].last <= k and k - g[-1].last <= within and not any(
                    t.brk and t.gap.strip(" ") not in (",",) for t in toks[g[-1].last:k + 1][1:]):
                best = g
        return best

    for k in cues.positions("request", toks, first, last):
        after = k + cues.length("request", toks, k)
        g = group_after(after)
        if g:
            return [m.committer for m in g]
        if len(defaults) > 1 and cues.at("joint_subject", toks, after):  # "đề nghị hai cơ quan tiếp tục …"
            return list(defaults)
    if len(defaults) > 1 and _joint_subject(c, groups, first, last):  # "…, hai ngành đã phối hợp với X"
        return list(defaults)
    opening = [k for kind in ("lead", "joint", "action")
               for k in cues.positions(kind, toks, first, min(last, first + 3))]
    joint = len(defaults) > 1 and cues.in_text("joint_subject", low[:16])  # "4. Hai bên phối hợp …"
    if opening and not any(g[0].first < min(opening) for g in groups) and (defaults or inherited):
        # "Phối hợp chỉ đạo X …": the parties act, X is directed; "Hai bên …" is both parties, not the last lead
        return list(defaults if joint else inherited or defaults)
    for k in sorted(cues.positions("lead", toks, first, last) + cues.positions("joint", toks, first, last)):
        g = group_before(k)
        if g:
            return [m.committer for m in g]
    if groups and groups[0][0].first - first <= 4 and not any(
            t.brk for t in toks[first + 1:groups[0][0].first + 1]) and not any(
            cues.positions(kind, toks, first, groups[0][0].first)
            for kind in ("lead", "joint", "request", "action", "addressee")):  # 'báo cáo UBND …': told, not acting
        return [m.committer for m in groups[0]]
    return _subject_before_verb(c, groups, first, last)


def _subject_before_verb(c: Ctx, groups: list[list[Mention]], first: int, last: int) -> list[URIRef]:
    """'Ngày 28/6, Giám đốc Sở Tư pháp và BCH Công đoàn cơ sở đã ký …': after an opening adverbial, the bodies
    named right before the clause's first verb (at most 3 words between) are its subject."""
    toks, cues = c.doc.tokens, c.lex.cues
    verbs = [k for kind in ("lead", "joint", "request", "action", "sign_verb", "issue_verb")
             for k in cues.positions(kind, toks, first, last)]
    if not verbs:
        return []
    verb = min(verbs)
    before = [g for g in groups if g[-1].last <= verb and verb - g[-1].last <= SUBJECT_GAP
              and not any(t.brk for t in toks[g[-1].last + 1:verb + 1])]
    return [m.committer for m in before[-1]] if before else []


def _event_sides(c: Ctx, pos: int) -> list[URIRef]:
    """With no programme named, 'hai bên' are the organisers of the last event told before (a signing's two
    sides)."""
    before = [ev for ev in c.f.events if ev.span[0] < pos and len(ev.organisers) > 1]
    return list(before[-1].organisers) if before else []


def _programme_subject(c: Ctx, unit: Unit) -> bool:
    """The programme itself is the subject ('Việc ký kết Chương trình góp phần …'): its parties act."""
    opening = unit.start + PROGRAMME_SUBJECT_CHARS
    return any(unit.start <= s < opening for s, _, _ in c.f.instrument_refs) or any(
        unit.start <= s < opening for s, _ in c.f.coref)


def _joint_subject(c: Ctx, groups: list[list[Mention]], first: int, last: int) -> bool:
    """'hai bên', 'hai ngành' written as the subject: after the unit's opening words, before its first task verb
    and before any body named."""
    toks, cues = c.doc.tokens, c.lex.cues
    verbs = [k for kind in ("lead", "joint", "action") for k in cues.positions(kind, toks, first, last)]
    if not verbs:
        return False
    stop = min([min(verbs)] + [g[0].first for g in groups])
    return any(cues.at("joint_subject", toks, k) for k in range(first, stop))


def _programme_for(c: Ctx, pos: int, agreements: list[tuple[int, str]]) -> str | None:
    own = c.f.own
    if own is not None and own.doctype is not None and (own.doctype.is_agreement or own.doctype.cls == "Plan"):
        return own.key  # a plan's tasks are its own, whatever programme it carries out
    before = [key for at, key in agreements if at <= pos]
    if before:
        return before[-1]
    if agreements:
        return agreements[0][1]
    return own.key if own is not None else None


def _implied_programme(c: Ctx) -> str:
    """The instrument of tasks that no named instrument holds: the source text itself (a news report stating
    what bodies will do), an ph:OtherInstrument named by the text's title, dated by it, with a note saying so.
    Every commitment needs a programme; this one claims nothing the text does not say."""
    f, g, doc = c.f, c.lex.grammar, c.doc
    if f.implied is None:
        head = next((line for n, line in enumerate(doc.lines[:3]) if n not in doc.headings
                     and not g.place_date.search(doc.text[slice(*line)])
                     and not g.dateline.search(doc.text[slice(*line)])), None)  # a headline, not a dateline
        title = doc.meta.title or (" ".join(doc.text[slice(*head)].split()) if head else doc.stem)
        if len(title) > REPORT_TITLE_CHARS:
            title = title[:REPORT_TITLE_CHARS].rsplit(" ", 1)[0] + "…"
        ins = Instrument(IMPLIED, "OtherInstrument", None, label_vi=g.label("report_vi", title=title),
                         label_en=g.label("report_en", title=title), iri_issuer=REPORT_ISSUER,
                         iri_local=slug(doc.stem), confidence=0.5, date=f.date,
                         year=f.date.year if f.date else None, note="report_note")
        if head is not None:
            ins.spans.append((head[0], head[1], doc.text[slice(*head)]))
        f.implied = ins
    return IMPLIED
