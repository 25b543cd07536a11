"""The units a commitment can be read from: numbered items of an agreement, sentences and clauses of a report.

Not a pass: the commitments pass's segmentation. An agreement (a document with its own header) is read item by
item (clause labels "II.2.a", "Điều 3", bullets as "(ý n)"), skipping its preamble, its purpose section and its
signature block; a news report sentence by sentence and clause by clause (';'), skipping headlines and captions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from .document import Ctx
from .fields import field_at, header_columns, row_fields, row_label
from .own import preamble_end
from .persons import line_parts

CAPTION_MAX = 160  # a line without final punctuation shorter than this is a caption or headline
SECTION_HEAD_MAX = 120  # a roman-numbered line longer than this is text, not a section heading
ARTICLE_TITLE_MAX = 80  # an article's title ('Điều 3. Trách nhiệm của …') is read from its first characters
SENTENCE_ENDS = (".", ";", ":", "!", "?", "…", "..")
NAME_TOKENS = 20  # longest body name, in tokens


@dataclass
class Unit:
    start: int  # char offsets
    end: int
    clause: str | None
    listed: bool  # a list item (numbered or bulleted)
    section_actor: list[URIRef] = field(default_factory=list)
    head: tuple[int, int] | None = None  # first clause of the sentence, whose subject later clauses share
    fallback: bool = False  # a purpose ("Mục đích", "nhằm …"): a task only when the text states no other
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)  # labelled fields or table cells (fields.py)
    requested: bool = False  # its item asks its body ('4. Đề nghị Liên đoàn Lao động tỉnh'): a request


@dataclass
class _Walk:
    """Where the walk over the lines is: the current section, item path and bullet count."""

    roman: str = ""
    path: list[str] = field(default_factory=list)
    skip: bool = False
    drop: bool = False  # a section that holds no tasks at all ('Phạm vi điều chỉnh', 'Hiệu lực thi hành')
    section_actor: list[URIRef] = field(default_factory=list)
    heading_actor: list[URIRef] = field(default_factory=list)  # 'Điều 3. Trách nhiệm của X': every item's X
    item_names_actor: bool = False  # the current item only names its section's body ('1. Trách nhiệm của X')
    requested: bool = False  # the current item asks its body ('4. Đề nghị Liên đoàn Lao động tỉnh')
    bullet: int = 0
    after_colon: bool = False
    item_colon: bool = False  # the last numbered item ended with ':' (its bullets are sub-items, else go on with it)
    table: list[str | None] | None = None  # the field kinds of the columns of the task table being read
    opened: bool = False  # a section or article heading was just read: its first paragraph is a unit of its own


def units(c: Ctx) -> list[Unit]:
    """Numbered items of an agreement, or sentences and list items of a report."""
    doc, f, g = c.doc, c.f, c.lex.grammar
    agreement = f.own is not None  # a document with its own header is read item by item
    start = preamble_end(c) if f.own is not None else 0
    out: list[Unit] = []
    w = _Walk()
    blocked = not_tasks(c)
    for idx, (s, e) in enumerate(doc.lines):
        if s >= doc.body_end or (s > start and (g.sign_line.match(doc.text[s:e]) or (
                idx in doc.headings and line_parts(c, s, e)[0]))):
            break
        line = doc.text[s:e]
        item = doc.items[idx]
        kind, label, body = (item.kind, item.label, item.body) if item else (None, "", s)
        if _section(c, w, idx, kind, label, line, body - s) or w.drop:
            continue
        if s < start or (f.own is not None and idx in doc.headings):
            continue
        if _structured(c, w, out, s, e):
            continue
        clause = _clause(c, w, kind, label, body, e)
        listed = kind is not None or w.after_colon
        w.after_colon = line.rstrip().endswith(":") and len(line) < 200
        if kind not in (None, "bullet"):
            w.item_colon = w.after_colon
        if kind in ("num", "dashnum") and w.item_names_actor and len(line) < SECTION_HEAD_MAX:
            w.opened = True  # '2. Sở Xây dựng': the paragraph below is the item's task
            continue
        if agreement:
            if kind == "bullet" and out and w.path and not w.item_colon and not w.opened \
                    and out[-1].end == doc.lines[idx - 1][1]:
                out[-1].end = e  # '2. … .' then '- …': the bullet goes on with the item (after '…:' it is a sub-item)
                continue
            if kind is None and out and not w.opened and not _has_assignment(c, s, e):
                out[-1].end = e  # a continuation paragraph of the item above (not the first under a new heading)
                continue
            named = w.opened and w.item_names_actor  # the first paragraph under '2. Sở Xây dựng' is item 2
            w.opened = False
            if kind is None and not named:
                paragraph = g.label("paragraph_clause", n=idx)
                clause = (f"{w.roman} ({paragraph})" if w.path else w.roman) if w.roman else paragraph
            out.append(Unit(body, e, clause, True, list(w.section_actor), fallback=w.skip, requested=w.requested))
            continue
        if len(line) < CAPTION_MAX and ((idx == 0 and len(doc.lines) > 1) or (
                not listed and not line.rstrip().endswith(SENTENCE_ENDS))):
            continue  # headline or photo caption (a long first line is the body of a copy without headline)
        told: tuple[int, int] | None = None  # the first clause of the sentence before, in this paragraph
        for a, b in doc.sentences(body, e, ".!?", g.no_sentence_end):
            parts = doc.sentences(a, b, ";", g.no_sentence_end)
            if kind is not None and parts and not _lists_contents(c, *parts[0]):
                parts = [(a, b)]  # a numbered or bulleted item is one task, its ';' clauses the same task's
            purpose = w.skip or (bool(parts) and _purpose(c, *parts[0], blocked))
            listing = bool(parts) and ":" in doc.text[parts[0][0]:parts[0][1]]  # "các nội dung: a; b; c"
            again = told if told is not None and parts and _elaborates(c, parts[0][0]) else None
            for ca, cb in parts:
                item = listing and (ca, cb) != parts[0]
                head = again or (parts[0] if (ca, cb) != parts[0] else None)
                out.append(Unit(ca, cb, clause if listed else None, listed or item, list(w.section_actor),
                                head=head, fallback=purpose))
            told = again or (parts[0] if parts else told)
    return out


def _lists_contents(c: Ctx, s: int, e: int) -> bool:
    """A clause whose colon follows a word announcing contents ('… các nội dung sau:', '… như sau:'): the
    ';' clauses after it are the tasks listed, one each, even inside a numbered item."""
    doc = c.doc
    return any(":" in doc.tokens[k].gap and c.lex.cues.ends_at("contents_head", doc.tokens, k)
               for k in range(doc.tok_index(s) + 1, doc.tok_index(e)))


def _elaborates(c: Ctx, s: int) -> bool:
    """A sentence opening with 'Đó là', 'Cụ thể là' spells out the one before: its subject is that one's."""
    return bool(c.lex.cues.length("elaboration", c.doc.tokens, c.doc.tok_index(s)))


def _structured(c: Ctx, w: _Walk, out: list[Unit], s: int, e: int) -> bool:
    """A task table's header or row, or a labelled field of the item above ('- Đơn vị chủ trì: …'); True when
    the line [s, e) was one of them and is read."""
    columns = header_columns(c, s, e)
    if columns:
        w.table = columns
        return True
    if w.table:
        cells = row_fields(c, s, e, w.table)
        if cells is not None:
            clause = ".".join(p for p in (w.roman, row_label(c, s, e)) if p) or None
            out.append(Unit(s, e, clause, True, list(w.section_actor), fallback=w.skip, fields=cells))
            return True
        w.table = None
    found = field_at(c, s, e)
    if found is None or not out or out[-1].end > s:
        return False
    kind, value = found
    out[-1].end = e
    out[-1].fields[kind] = (value, e)
    return True


def _purpose(c: Ctx, s: int, e: int, blocked: set[int]) -> bool:
    """A sentence that states what something is for ('… được ký kết nhằm mục đích …', 'góp phần …') before
    it states any task (a task verb anywhere, or an action verb opening it: 'Có chính sách … nhằm …')."""
    doc, cues = c.doc, c.lex.cues
    first, last = doc.tok_index(s), doc.tok_index(e)
    purpose = cues.positions("purpose", doc.tokens, first, last) + cues.positions("principle", doc.tokens, first, last)
    if not purpose:
        return False
    tasks = [k for kind in ("request", "lead", "joint") for k in cues.positions(kind, doc.tokens, first, last)
             if k not in blocked]
    tasks += [k for k in cues.positions("action", doc.tokens, first, min(last, first + 1)) if k not in blocked]
    return not tasks or min(purpose) < min(tasks)


def _section(c: Ctx, w: _Walk, idx: int, kind: str | None, label: str, line: str, body_at: int) -> bool:
    """A section heading ('II. NHIỆM VỤ', 'Điều 3.'): opens a section; True when the line holds nothing more."""
    cues = c.lex.cues
    if kind == "roman" and (idx in c.doc.headings or len(line) < SECTION_HEAD_MAX):
        w.roman, w.path, w.bullet, w.requested = label, [], 0, False
        w.skip, w.drop = cues.in_text("skip_section", line.lower()), cues.in_text("no_task_section", line.lower())
        w.opened = True
        start = c.doc.lines[idx][0]
        w.section_actor = w.heading_actor = _section_actor(c, start, start + len(line))  # 'II. TRÁCH NHIỆM CỦA …'
        return True
    if kind == "article":
        title = line[:ARTICLE_TITLE_MAX].lower()
        w.roman, w.path, w.bullet, w.requested = c.lex.grammar.label("article_clause", n=label), [], 0, False
        w.skip, w.drop = cues.in_text("skip_section", title), cues.in_text("no_task_section", title)
        w.opened = True
        start = c.doc.lines[idx][0]
        w.section_actor = w.heading_actor = _section_actor(c, start, start + len(line))  # 'Điều 3. Trách nhiệm …'
        return len(line) - body_at < ARTICLE_TITLE_MAX
    return False


def _clause(c: Ctx, w: _Walk, kind: str | None, label: str, body: int, e: int) -> str | None:
    """The clause label of an item line ('II.2.a', 'III.1 (ý 2)'), advancing the walk's item path."""
    if kind is not None and kind not in ("num", "dashnum"):
        w.item_names_actor = False
    if kind == "multi":
        w.path, w.bullet = label.split("."), 0
    elif kind in ("num", "dashnum"):
        w.path, w.bullet = [label], 0
        own, w.requested = _section_actor(c, body, e), False
        if not own:
            own, w.requested = _item_bodies(c, body, e)
        w.section_actor, w.item_names_actor = own or list(w.heading_actor), bool(own)
    elif kind == "letter":  # 'a)' under '1.' is 1.a; right under an article or section it replaces 'a)'
        w.path, w.bullet = (w.path[:1] if w.path and w.path[0].isdigit() else []) + [label], 0
    elif kind == "bullet":
        w.bullet += 1
    parts = [p for p in (w.roman, *w.path) if p]
    clause = ".".join(parts) if parts else None
    if kind == "bullet" and clause:
        clause = c.lex.grammar.label("bullet_clause", clause=clause, n=w.bullet)
    return clause


def leaves(found: list[Unit]) -> list[Unit]:
    """Drop items that only head sub-items ('1.' above '1.1.', '1.2.')."""
    heads = {c[:i] for u in found if (c := u.clause) for i, ch in enumerate(c) if ch == "."}
    return [u for u in found if not u.clause or u.clause not in heads]


def _has_assignment(c: Ctx, s: int, e: int) -> bool:
    return c.lex.cues.in_text("assignment", c.doc.low[s:e])


def _section_actor(c: Ctx, s: int, e: int) -> list[URIRef]:
    """'1. Trách nhiệm của Sở Tài chính': the section's tasks are that body's."""
    m = c.lex.grammar.section_actor.search(c.doc.low[s:e])
    if not m:
        return []
    mention = c.f.mention_at.get(c.doc.tok_index(s + m.end()))
    return [mention.committer] if mention else []


def _item_bodies(c: Ctx, s: int, e: int) -> tuple[list[URIRef], bool]:
    """An item that only names bodies, maybe asked ('2. Sở Xây dựng', '4. Đề nghị Liên đoàn Lao động tỉnh',
    '3. Sở Tài chính, Sở Kế hoạch và Đầu tư'): the tasks below are theirs; True when they are asked."""
    doc, cues = c.doc, c.lex.cues
    first, last = doc.tok_index(s), doc.tok_index(e)
    asked = cues.length("status_request", doc.tokens, first) if first < last else 0
    pos, bodies = first + asked, []
    for m in c.f.mentions_in(first + asked, last):
        if m.first < pos:
            continue
        if any(doc.tokens[k].low not in cues.words("and") for k in range(pos, m.first)):
            return [], False
        pos = m.last
        bodies.append(m.committer)
    if pos != last or not bodies:
        return [], False
    return list(dict.fromkeys(bodies)), bool(asked)


def not_tasks(c: Ctx) -> set[int]:
    """Tokens that name no task: narration ('phát biểu', 'đồng chủ trì'), a clause that hands out an award
    ('tặng giấy khen cho … có thành tích trong …') or states a shortcoming ('việc trao đổi thông tin còn chưa
    kịp thời': what a review found wanting, no task), verbs used as nouns ('mối quan hệ
    phối hợp'), the events the text tells of and
    the verb that holds them ('tổ chức Hội nghị …'), and the names of agreements ('Chương trình phối hợp')."""
    doc, f, cues = c.doc, c.f, c.lex.cues
    toks = doc.tokens
    blocked: set[int] = set()
    for kind in ("narration", "nominal"):
        for k in cues.positions(kind, toks, 0, len(toks)):
            blocked.update(range(k, k + cues.length(kind, toks, k)))
    for kind in ("award", "shortcoming"):  # the whole clause: what it was for, or what fell short
        for k in cues.positions(kind, toks, 0, len(toks)):
            begin = next((j for j in range(k, 0, -1) if toks[j].brk), 0)
            end = next((j for j in range(k + 1, len(toks)) if toks[j].brk), len(toks))
            blocked.update(range(begin, end))
    for m in f.mentions:  # a word of a body's name ('Bộ Xây dựng', 'Ban Chỉ đạo') is no task verb
        blocked.update(range(m.first, m.last))
    spans = [ev.span for ev in f.events] + [(s, e) for s, e, _ in f.instrument_refs] + list(f.coref) + list(
        f.subjects)  # what a cited instrument is about ('… về việc ban hành Quy chế phối hợp')
    for s, e in spans:
        first, last = doc.tok_index(s), doc.tok_index(e)
        blocked.update(range(first, last))
        held = first
        for _ in range(2):  # "tổ chức Hội nghị …", "đã tổ chức ký kết Chương trình …" (two verbs, one event)
            k = _cue_before(c, "event_held", held)
            if k is None:
                break
            blocked.update(range(k, held))
            blocked.update(_co_organiser(c, k))
            held = k
        k = _cue_before(c, "implement_before", first)  # "Thực hiện Chương trình …": the instrument it carries
        if k is not None:  # out, not a task of its own
            blocked.update(range(k, first))
    return blocked


def _cue_before(c: Ctx, kind: str, i: int) -> int | None:
    """Where a cue of `kind` of one or two words that ends right before token i starts, or None."""
    for back in (1, 2):
        k = i - back
        if k >= 0 and c.lex.cues.at(kind, c.doc.tokens, k) and k + c.lex.cues.length(kind, c.doc.tokens, k) == i:
            return k
    return None


def _co_organiser(c: Ctx, k: int) -> range:
    """'X phối hợp (với) Y tổ chức Hội nghị …' (k: 'tổ chức'): co-organising the event is no task either."""
    toks, f, cues = c.doc.tokens, c.f, c.lex.cues
    m = next((m for m in f.mentions_in(max(0, k - NAME_TOKENS), k) if m.last == k), None)
    j = m.first if m is not None else k
    if j > 0 and toks[j - 1].low in cues.words("with"):
        j -= 1
    for n in (2, 1):
        if j - n >= 0 and cues.at("coordinate", toks, j - n) and cues.length("coordinate", toks, j - n) == n:
            return range(j - n, j)
    return range(0)
