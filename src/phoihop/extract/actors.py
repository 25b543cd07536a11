"""Pass `actors`: every mention of a body, with its area, and the actor record each mention names.

Reads the tokens, the lexicon's body names, the context (document area and date) and `law_tokens` (numbers
and law names, where a body's code is no mention). Writes `actors`, `mentions`, `mention_at`, `districts`.
`mint` and `actor_at` are also how later passes name a body (an issuer code, a post's organisation).
"""

from __future__ import annotations

from dataclasses import replace

from rdflib import URIRef

from ..iris import actor_iri, slug
from .document import Ctx
from .lexicon import ActorKind, Institution, SubBody
from .places import MAIN, place_at
from .records import Actor, Mention, Place

READS = frozenset({"date", "province", "main_district", "national", "law_tokens"})
WRITES = frozenset({"actors", "mentions", "mention_at", "districts", "cited_tokens"})

def mint(c: Ctx, kind: ActorKind, place: Place | None) -> Actor:
    """The record for a kind of body in a place (made once per IRI)."""
    lex, f = c.lex, c.f
    if kind.scope == "national" or place is None or place.is_nation:
        if kind.national_key and kind.scope != "national":
            kind = lex.kinds[kind.national_key]
        place = Place(lex.gazetteer.nation)
    key = kind.key + ("-cap-huyen" if place.all_districts else "")
    iri = actor_iri(key, *place.path)
    found = f.actors.get(iri) or (_named_before(c, kind, place) if kind.collective else None)
    if found:
        return found
    vi, en = _labels(c, kind, place)
    actor = Actor(iri, vi, en, kind.cls, parent=_parent(c, kind, place), place=place,
                  confidence=0.5 if place.unknown is not None else 0.8, group=kind.collective)
    if place.district and place.province:
        f.districts.setdefault(slug(place.district), (place, None))  # span set on first mention
    f.actors[iri] = actor
    return actor


def _named_before(c: Ctx, kind: ActorKind, place: Place) -> Actor | None:
    """'Công đoàn ngành' after 'Công đoàn ngành Giáo dục': the shortened name of a body named before."""
    prefix = kind.name_vi + " "
    found = [a for a in c.f.actors.values() if not a.group and a.place == place and a.label_vi.startswith(prefix)]
    return found[-1] if found else None


def _labels(c: Ctx, kind: ActorKind, place: Place) -> tuple[str, str]:
    g = c.lex.grammar
    if place.unknown is not None:
        return (g.label("unknown_place_vi", kind=kind.name_vi, stem=place.unknown),  # one per document: two
                g.label("unknown_place_en", kind=kind.name_en, stem=place.unknown))  # texts' need not be one body
    if place.is_nation:
        return kind.name_vi, kind.name_en
    if place.all_districts:
        return (g.label("all_districts_vi", kind=kind.name_vi, place=place.label_vi()),
                g.label("all_districts_en", kind=kind.name_en, place=place.label_en()))
    if kind.name_vi.endswith(g.labels["bare_place_suffix"]) and not kind.collective:
        name = place.district or (place.province.name_vi if place.province else "")
        en = f"{kind.name_en} of {place.label_en()}" if place.district else f"{place.name_en()} {kind.name_en}"
        return f"{kind.name_vi} {name}".strip(), en
    if place.district or kind.collective or not place.province:
        return f"{kind.name_vi} {place.label_vi()}".strip(), f"{kind.name_en} of {place.label_en()}"
    return f"{kind.name_vi} {place.label_vi()}".strip(), f"{place.name_en()} {kind.name_en}"


def _parent(c: Ctx, kind: ActorKind, place: Place) -> URIRef | None:
    if place.district or place.all_districts:
        if kind.tiered:
            return actor_iri(kind.key, *Place(place.province).path)
        return actor_iri(kind.parent, *place.path) if kind.parent else None
    if kind.parent and kind.parent in c.lex.kinds:
        pk = c.lex.kinds[kind.parent]
        return actor_iri(pk.key, "viet-nam") if pk.scope == "national" else actor_iri(pk.key, *place.path)
    return None


def head_at(c: Ctx, i: int) -> tuple[int, ActorKind | Institution, bool] | None:
    """The longest body name starting at token i: (tokens, kind or institution head, exact form)."""
    toks, lex = c.doc.tokens, c.lex
    best: tuple[int, ActorKind | Institution, bool] | None = None
    hit = lex.actor_trie.match(toks, i)
    if hit:
        kind = lex.kinds[str(hit[1])]
        best = (hit[0], kind, toks[i].text != toks[i].low or kind.collective)
    heads = [(n, str(h)) for n, h in lex.head_trie.matches(toks, i)
             if toks[i].text[:1].isupper() or c.doc.in_heading(i)]  # "Sở Tài chính", "Công đoàn ngành Y tế"
    for n_head, head in heads:
        after = i + n_head  # the sector follows after a plain space: "hoạt động Công đoàn, xây dựng …" names none
        sec = lex.sector_trie.match(toks, after) if after < len(toks) and toks[after].gap == " " else None
        if sec and (best is None or sec[0] + n_head > best[0]):
            name, name_en = sec[1]  # type: ignore[misc]
            best = (sec[0] + n_head, lex.sector_kind(head, name, name_en), True)
            break
    inst = lex.institution_trie.match(toks, i) if best is None else None
    if inst:
        n = _institution_length(c, i, inst[0])
        if n and (best is None or n > best[0]):
            best = (n, inst[1], True)  # type: ignore[assignment]
    return best


def _institution_length(c: Ctx, i: int, head_n: int) -> int:
    """'Báo Lao động Thủ đô': from the head word to the last capitalised word before a stop word."""
    toks, lex = c.doc.tokens, c.lex
    conj = lex.cues.words("and")
    j = i + head_n
    if j >= len(toks) or not toks[j].joined or not c.doc.is_cap(j) or toks[j].gap not in (" ",):
        return 0
    k = j
    while k < len(toks) and k - j < 12:
        tok = toks[k]
        if k > j and (not tok.joined or tok.gap not in (" ", " - ", "-", " – ")):
            break
        if tok.low in conj and k + 1 < len(toks) and toks[k + 1].text[:1].isupper():
            break
        if tok.low not in conj and (lex.stop_trie.match(toks, k) or lex.actor_trie.match(toks, k) and k > j
                                    and c.doc.is_cap(k)):
            break  # 'Trung tâm Trợ giúp pháp lý nhà nước tỉnh': a body's name in lower case is the name's
        if k > j and tok.text[:1].islower() and (tok.low in lex.area_types or lex.cues.at("province_word", toks, k)):
            break  # 'Trung tâm Dịch vụ việc làm tỉnh': the area after the name, read by place_at
        k += 1
    while k > j and toks[k - 1].low in conj:
        k -= 1
    return k - i


def actor_at(c: Ctx, i: int, nested: bool = True) -> Mention | None:
    """A mention of a body starting at token i, with its area resolved, or None."""
    toks = c.doc.tokens
    if i >= len(toks) or i in c.f.law_tokens:
        return None
    sub = c.lex.subbody_trie.match(toks, i) if nested else None
    full = _full_mention(c, i)
    sub_mention = _sub_at(c, i, sub[0], sub[1], full is None) if sub else None  # type: ignore[arg-type]
    if full is None or (sub_mention is not None and sub_mention.last > full.last):
        return sub_mention or (_named_before_bare(c, i) if full is None else None)
    return full


def _named_before_bare(c: Ctx, i: int) -> Mention | None:
    """'Tổng Giám đốc Công ty', 'của Công ty': an institution's head word alone, capitalised, names the one
    institution with that head the text has named (none when it has named two or none)."""
    toks = c.doc.tokens
    hit = c.lex.institution_trie.match(toks, i)
    if hit is None or not toks[i].text[:1].isupper() or c.doc.in_heading(i):
        return None
    n, inst = hit
    stem = slug(inst.head) + "-"  # type: ignore[attr-defined]
    found = [a for a in c.f.actors.values() if a.cls == inst.cls  # type: ignore[attr-defined]
             and str(a.iri).rsplit("/", 1)[-1].startswith(stem)]
    if len(found) != 1:
        return None
    return Mention(found[0], i, i + n, toks[i].start, toks[i + n - 1].end)


NAME_MAX = 8  # words of a unit's own name between its head word and its parent ('Phòng An ninh kinh tế')


def _sub_at(c: Ctx, i: int, n: int, sub: SubBody, may_name: bool) -> Mention | None:
    """'Ban Thường vụ LĐLĐ tỉnh', 'Ban Tuyên giáo (LĐLĐ tỉnh)', 'Phòng An ninh kinh tế, Công an tỉnh': a body
    inside its parent. A named unit's own words run on (no line break, no stop word) until its parent, which
    may follow after a plain space, a comma or in brackets; a unit whose name is a body of its own ('Phòng Nội
    vụ huyện') is that body (`may_name` is false)."""
    toks, doc = c.doc.tokens, c.doc
    named = sub.named and may_name and (toks[i].text[:1].isupper() or doc.in_heading(i))
    last = min(len(toks), i + n + (NAME_MAX if named else 0) + 1)
    for k in range(i + n, last):
        tok = toks[k]
        paren = tok.gap.strip(" ") == "(" and not tok.gap.startswith("\n")
        if not (tok.joined or paren):
            return None
        if k == i + n or tok.gap.strip(" ") in (",", "("):  # the parent follows the name or its comma
            parent = actor_at(c, k, nested=k == i + n)
            closed = parent is not None and (not paren or (
                parent.last < len(toks) and toks[parent.last].gap.lstrip(" ").startswith(")")))
            if parent is not None and closed:
                return _sub_mention(c, i, k, sub, parent)
        if not named or paren or (c.lex.stop_trie.match(toks, k) and not toks[k].text[:1].isupper()
                                  and not _joins_name(c, k)):  # 'Phòng Tổ chức …': a name's word
            return None
        if k > i + n and tok.gap == " ":
            parent = actor_at(c, k, nested=False)  # 'Văn phòng tổng hợp VKSND huyện'
            if parent is not None:
                return _sub_mention(c, i, k, sub, parent)
    return None


def _joins_name(c: Ctx, k: int) -> bool:
    """'Phòng Kê khai và Kế toán thuế': 'và' inside a unit's name, before a capitalised word that opens neither
    another unit nor a body."""
    toks = c.doc.tokens
    return toks[k].low in c.lex.cues.words("and") and k + 1 < len(toks) and toks[k + 1].gap == " " \
        and toks[k + 1].text[:1].isupper() and not c.lex.subbody_trie.match(toks, k + 1) \
        and actor_at(c, k + 1, nested=False) is None


def _sub_mention(c: Ctx, i: int, k: int, sub: SubBody, parent: Mention) -> Mention:
    """The sub-body from token i whose parent's mention starts at token k (its own name is tokens i..k)."""
    toks = c.doc.tokens
    name = c.doc.span_text(i, k) if k > i else sub.prefix
    actor = _sub_actor(c, name, sub, parent.actor)
    if toks[k].gap.strip(" ") in (",", "("):  # 'Ban Tuyên giáo (LĐLĐ tỉnh)': the name alone is a surface too
        actor.surfaces.setdefault(name, (toks[i].start, toks[k - 1].end))
    return Mention(actor, i, parent.last, toks[i].start, parent.end, inner=parent)


def _sub_actor(c: Ctx, name: str, sub: SubBody, p: Actor) -> Actor:
    """The record of a sub-body of p called `name` (its prefix alone, or a named unit's whole name)."""
    if sub.kind == "leadership":
        return p
    named = name.lower() != sub.prefix.lower()
    iri = URIRef(f"{p.iri}/{slug(name if named else sub.prefix)}")
    name_en = f"{sub.name_en} '{name}'" if named else sub.name_en
    actor = c.f.actors.get(iri) or Actor(
        iri, f"{name if named else sub.prefix} {p.label_vi}", f"{name_en} of the {p.label_en}", p.cls,
        parent=p.iri, acts_for=p.iri if sub.kind == "organ" and not p.group else None, place=p.place)  # the
    # BCH of a grassroots union (a group kind) is the one body that acts; the BTV of LĐLĐ tỉnh acts for the LĐLĐ
    c.f.actors[iri] = actor
    return actor


def _assigned_unit(c: Ctx, i: int, prev: Mention | None) -> Mention | None:
    """'Công an tỉnh giao Phòng An ninh kinh tế làm đầu mối': a named unit given a task by the body just
    before the assigning word, its parent; its own name runs to the task's first word."""
    toks, lex = c.doc.tokens, c.lex
    sub = lex.subbody_trie.match(toks, i)
    if prev is None or sub is None or not sub[1].named or not toks[i].text[:1].isupper() \
            or lex.cues.length("assignment", toks, prev.last) != i - prev.last or i == prev.last \
            or not all(t.joined for t in toks[prev.last:i + 1]):
        return None
    first = k = i + sub[0]  # type: ignore[operator]
    while k < min(len(toks), first + NAME_MAX) and toks[k].joined and toks[k].gap == " " \
            and not lex.stop_trie.match(toks, k) and not lex.cues.at("action", toks, k):
        k += 1
    if k == first or k >= len(toks) or not toks[first].text[:1].isupper() or not toks[k].joined \
            or not (lex.stop_trie.match(toks, k) or lex.cues.at("action", toks, k)):
        return None  # a name that does not end at a task's first word is not read
    actor = _sub_actor(c, c.doc.span_text(i, k), sub[1], prev.actor)  # type: ignore[arg-type]
    return Mention(actor, i, k, toks[i].start, toks[k - 1].end)


def _institution_mention(c: Ctx, i: int, n: int, kind: Institution) -> Mention:
    """'Trung tâm Dịch vụ việc làm tỉnh': a named institution, in the area written after its name, else the
    document's (a ministry's department, 'Cục …', the nation's); labelled with its area unless the name has it."""
    name = c.doc.span_text(i, i + n)
    used, spec = place_at(c, i + n)
    nation = Place(c.lex.gazetteer.nation)
    if isinstance(spec, Place):
        place = spec
    elif spec == MAIN and c.f.main_place is not None:
        place = c.f.main_place
    else:
        used, place = 0, nation if kind.scope == "national" else (c.f.main_place or nation)
    actor = c.f.actors.get(actor_iri(name, *place.path))
    if actor is None:
        area = place.label_vi()
        label = name if place.is_nation or not area or (place.province and place.province.name_vi in name) \
            else f"{name} {area}"
        actor = Actor(actor_iri(name, *place.path), label, name, kind.cls, place=place, confidence=0.6)
        c.f.actors[actor.iri] = actor
    last = i + n + used
    return Mention(actor, i, last, c.doc.tokens[i].start, c.doc.tokens[last - 1].end)


def _local_instead(c: Ctx, i: int, n: int) -> tuple[int, ActorKind] | None:
    """A shorter name at token i that is a local body's ('Mặt trận Tổ quốc' inside 'Mặt trận Tổ quốc Việt
    Nam'), for a national name that a province or district follows."""
    for m, key in sorted(c.lex.actor_trie.matches(c.doc.tokens, i), key=lambda h: -h[0]):
        kind = c.lex.kinds[str(key)]
        if m < n and kind.scope != "national":
            return m, kind
    return None


def _qualifiers(c: Ctx, j: int) -> int:
    """Skip 'có liên quan', 'trực thuộc X' after a name; returns the token after them."""
    toks, cues = c.doc.tokens, c.lex.cues
    for _ in range(2):
        q = cues.length("qualifier", toks, j) if j < len(toks) and toks[j].joined else 0
        if not q:
            break
        j += q
        if cues.ends_at("belongs_to", toks, j):  # "thuộc X": X is the body it belongs to
            inner = actor_at(c, j)
            if inner is None:
                j -= q
                break
            j = inner.last
    return j


def _full_mention(c: Ctx, i: int) -> Mention | None:
    toks = c.doc.tokens
    head = head_at(c, i)
    if head is None:
        return None
    n, kind, exact = head
    if isinstance(kind, Institution):
        return _institution_mention(c, i, n, kind)
    if not kind.collective and not exact and not c.doc.is_cap(i) and not c.doc.in_heading(i):
        return None
    j = _qualifiers(c, i + n)
    levels = c.lex.cues.length("all_levels", toks, j) if j < len(toks) and toks[j].joined else 0
    if levels:  # "Công đoàn ngành Giáo dục các cấp": the bodies of that kind at every level, one group
        kind = replace(kind, key=f"{kind.key}-{slug(c.doc.span_text(j, j + levels))}", collective=True,
                       name_vi=f"{kind.name_vi} {c.doc.span_text(j, j + levels)}", scope="national",
                       name_en=c.lex.grammar.label("all_levels_en", kind=kind.name_en))
        j += levels
    if kind.collective and j < len(toks) and toks[j].joined:  # 'CĐCS trường học': the group, named by
        j += c.lex.cues.length("group_scope", toks, j)  # where its members sit, is still the one group
    abbr = None
    if j + 1 < len(toks) and toks[j].gap.strip(" ") == "(" and toks[j + 1].gap.strip(" ") == ")" \
            and toks[j].text.isupper():
        abbr = j  # "Liên đoàn Lao động (LĐLĐ) tỉnh": the abbreviation, then the area
        used, spec = place_at(c, j + 1, after_paren=True)
        j += 1
    else:
        used, spec = place_at(c, j)
        local = _local_instead(c, i, n) if kind.scope == "national" and (spec == MAIN or (
            isinstance(spec, Place) and not spec.is_nation)) else None
        if local is not None:  # 'Mặt trận Tổ quốc Việt Nam tỉnh Đắk Lắk': the province's, not the nation's
            n, kind = local
            j = _qualifiers(c, i + n)
            used, spec = place_at(c, j)
    if kind.scope == "local" and isinstance(spec, Place) and spec.is_nation:
        more, further = place_at(c, j + used)  # "Ủy ban MTTQ Việt Nam tỉnh Đắk Lắk": "Việt Nam" is in the name
        if further is not None:
            used, spec = used + more, further
    explicit = spec is not None  # an area written after the name, a bare 'tỉnh' too
    if kind.strict and not (explicit or spec == MAIN) and not c.lex.cues.ends_at("agency_before", toks, i):
        return None
    if kind.strict and not c.doc.is_cap(i) and not c.doc.in_heading(i):
        return None  # "bảo hiểm xã hội" in running text is the insurance, not the agency
    if spec == MAIN or spec is None:
        place = c.f.main_place if kind.scope != "national" else None
        if place is None and kind.scope == "local":
            if c.f.national or c.doc.tokens[i].start >= c.doc.body_end:
                return None  # a national text's "Sở Y tế" (every province's), or a recipients list
            level = "province" if spec is None or c.lex.cues.length("province_word", c.doc.tokens, j) else "district"
            place = Place(None, unknown=c.doc.stem, district_level=level)  # minted, flagged, with its tasks
    else:
        place = spec  # type: ignore[assignment]
    last = j + used
    actor = mint(c, kind, place)
    if abbr is not None:
        actor.surfaces.setdefault(toks[abbr].text, (toks[abbr].start, toks[abbr].end))
    return Mention(actor, i, last, toks[i].start, toks[last - 1].end, kind=kind, explicit=explicit)


def run(c: Ctx) -> None:
    i = 0
    prev: Mention | None = None
    end_tok = c.doc.tok_index(c.doc.page_end)
    for m in c.lex.grammar.byline.finditer(c.doc.text, 0, c.doc.page_end):  # '(Báo Hà Tĩnh) -': the publisher
        c.f.cited_tokens.update(range(c.doc.tok_index(m.start(1)), c.doc.tok_index(m.end(1))))
    for m in c.lex.grammar.byline_affiliation.finditer(c.doc.text, 0, c.doc.page_end):
        writer = m.group(1)
        if writer.isupper() and not m.group(2).isupper() and writer.split()[0].capitalize() in c.lex.surnames:
            c.f.cited_tokens.update(range(c.doc.tok_index(m.start(2)), c.doc.tok_index(m.end(2))))
    while i < end_tok:
        m = actor_at(c, i) or _assigned_unit(c, i, prev)
        if m is None:
            i = _enumeration(c, i, None) or i + 1
            continue
        _share_area(c, prev, m)
        record(c, m)
        if _in_set_phrase(c, m):
            c.f.cited_tokens.update(range(m.first, m.last))
        prev = m
        i = _enumeration(c, m.last, m) or m.last


def _in_set_phrase(c: Ctx, m: Mention) -> bool:
    """'xây dựng Đảng', 'chính sách, pháp luật của Nhà nước', 'sự lãnh đạo của các cấp ủy', '… cho Đảng xem xét
    kết nạp': the thing built, the body whose policy it is or that admits members, not a body acting; for a
    collective also its people ('cán bộ công đoàn cơ sở') and a count of its members ('12 công đoàn cơ sở'); a
    body said to exist no more ('không còn LĐLĐ cấp huyện')."""
    toks, cues = c.doc.tokens, c.lex.cues
    if any(cues.ends_at(kind, toks, m.first) for kind in ("builds", "policy_of", "abolished")):
        return True
    if m.actor.group and (cues.ends_at("led_by", toks, m.first) or cues.ends_at("people_of", toks, m.first)
                          or m.first > 0 and toks[m.first - 1].text.isdigit() and toks[m.first].gap == " "):
        return True  # '… của các cấp ủy', 'cán bộ công đoàn cơ sở', 'thành lập mới 12 công đoàn cơ sở': a count
    return m.last < len(toks) and toks[m.last].joined and cues.length("admitted_after", toks, m.last) > 0


def _share_area(c: Ctx, prev: Mention | None, m: Mention) -> None:
    """'UBND và LĐLĐ các quận, huyện': the area written after the second name also places the first."""
    if prev is None or prev.kind is None or prev.explicit or not m.explicit or m.actor.place is None:
        return
    between = c.doc.tokens[prev.last:m.first]
    if len(between) != 1 or between[0].low not in c.lex.cues.words("and") or not prev.kind.tiered:
        return  # only bodies found at every level share it: "UBND và LĐLĐ các quận, huyện"
    if c.f.mentions and c.f.mentions[-1] is prev and not m.actor.place.is_nation:
        actor = mint(c, prev.kind, m.actor.place)
        if actor is not prev.actor:
            surface = c.doc.text[prev.start:prev.end]
            prev.actor.surfaces.pop(surface, None)
            prev.actor = actor
            actor.surfaces.setdefault(surface, (prev.start, prev.end))


def record(c: Ctx, m: Mention) -> None:
    """Keep a mention: its surface form for the actor, the district it names."""
    f, text = c.f, c.doc.text
    f.mentions.append(m)
    f.mention_at[m.first] = m
    place = m.actor.place
    if place is not None and place.district and f.districts.get(slug(place.district), (0, 1))[1] is None:
        f.districts[slug(place.district)] = (place, (m.start, m.end))
    m.actor.surfaces.setdefault(text[m.start:m.end], (m.start, m.end))
    if m.inner is not None and m.inner.actor is not m.actor:
        inner = m.inner
        f.mention_at.setdefault(inner.first, inner)
        inner.actor.surfaces.setdefault(text[inner.start:inner.end], (inner.start, inner.end))


def _enumeration(c: Ctx, k: int, head: Mention | None) -> int:
    """'các Sở: Văn hóa và Thể thao, Tài chính, Tư pháp' -> three departments; returns the next token."""
    toks, lex = c.doc.tokens, c.lex
    if head is not None:
        key = head.actor.iri.rsplit("/", 1)[-1]
        word = next((h.head for h in lex.sector_heads.values() if h.group == key), None)
        place = head.actor.place
    else:
        heads = {h.lower(): h for h in lex.sector_heads}
        if k + 2 >= len(toks) or toks[k].low not in lex.cues.words("list_head") or toks[k + 1].low not in heads or (
                toks[k + 1].text not in lex.sector_heads and ":" not in toks[k + 2].gap):
            return 0  # 'các phòng' in lower case lists only before a colon: 'các phòng: Nội vụ, Tư pháp'
        word, place, k = heads[toks[k + 1].low], c.f.main_place, k + 2
    if word is None or k >= len(toks) or (toks[k].brk and ":" not in toks[k].gap):
        return 0
    found = 0
    conj = lex.cues.words("and")
    while k < len(toks):
        sec = _list_sector(c, k)
        if sec is None:
            break
        n, (name, name_en) = sec
        kind = lex.sector_kind(word, name, name_en)
        m = Mention(mint(c, kind, place if kind.scope != "national" else None), k, k + n,
                    toks[k].start, toks[k + n - 1].end)
        record(c, m)
        found += 1
        k += n
        if k < len(toks) and toks[k].low in conj and toks[k].joined:
            k += 1
        elif k >= len(toks) or "," not in toks[k].gap or toks[k].brk:
            break
    return k if found else 0


def _list_sector(c: Ctx, k: int) -> tuple[int, tuple[str, str]] | None:
    """The sector name at token k that lets a list go on ('Tài chính, Kế hoạch và Đầu tư' is two)."""
    toks, lex = c.doc.tokens, c.lex
    conj = lex.cues.words("and")
    options = list(lex.sector_trie.matches(toks, k))
    for n, payload in options:
        j = k + n
        if j >= len(toks) or toks[j].brk or not (toks[j].low in conj or "," in toks[j].gap):
            return n, payload  # type: ignore[return-value]
        nxt = j + 1 if toks[j].low in conj else j
        if lex.sector_trie.match(toks, nxt) or toks[j].low not in conj:
            return n, payload  # type: ignore[return-value]
    return options[-1] if options else None  # type: ignore[return-value]


def mention_groups(c: Ctx, first: int, last: int) -> list[list[Mention]]:
    """Mentions in [first, last) grouped into lists ('X, Y và Z')."""
    toks, f = c.doc.tokens, c.f
    joiners = c.lex.cues.words("list_joiner")
    groups: list[list[Mention]] = []
    prev: Mention | None = None
    for m in f.mentions_in(first, last):
        if m.first in f.cited_tokens:
            continue
        between = toks[prev.last:m.first] if prev else []
        if prev is not None and len(between) <= 1 and all(t.low in joiners for t in between) \
                and (not toks[m.first].brk or toks[m.first].gap.strip(" ") in (";", ":")):
            groups[-1].append(m)
        else:
            groups.append([m])
        prev = m
    return groups
