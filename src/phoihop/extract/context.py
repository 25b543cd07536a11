"""Pass `context`: the document's date, province and district, and whether it is a national document.

Reads the document (the header's place-and-date line, a news dateline, the areas named in the text) and,
where the text is silent, the metadata a user gave (sidecar or options).
Writes `date`, `province`, `main_district`, `national`. Later passes place bodies written without an area
("UBND tỉnh", "LĐLĐ quận") in these.
"""

from __future__ import annotations

import datetime as dt
import re

from ..iris import lookup_issuer_code, slug
from .document import Ctx
from .grammar import parse_date, parse_number
from .places import cap_run, district_place

READS: frozenset[str] = frozenset()
WRITES = frozenset({"date", "province", "main_district", "national"})

def run(c: Ctx) -> None:
    doc, lex, f, g = c.doc, c.lex, c.f, c.lex.grammar
    head = doc.text[: min(len(doc.text), 3000)]
    m = g.place_date.search(head)
    if m:
        try:
            f.date = dt.date(int(m.group(4)), int(m.group(3)), int(m.group(2)))
        except ValueError:
            f.date = None
        area = _place_of_dateline(c, m)
        f.national = _national_header(c, head)
        if area and not area.is_nation and not f.national:
            f.province = area
    # the date first: a province is resolved as of the document's date (Ninh Bình after 1 July 2025 is the
    # merged province), so the text's own date, else the user's, must be known before any area is named
    if f.date is None:
        f.date = parse_date(head[:600]) if g.date_long.search(head[:600]) else None
    if f.date is None and (dm := g.dateline.search(head[:400])):  # a news page: 'Thứ Ba, 09/01/2024 15:30'
        f.date = parse_date(dm.group(1))
    f.date = f.date or doc.meta.date
    first_lines = doc.text[: doc.lines[min(4, len(doc.lines) - 1)][1]] if doc.lines else ""
    counts, first_seen, tail_counts = _areas_named(c)
    if f.province is None and counts and not f.national:
        early = [s for s, at in first_seen.items() if at < len(first_lines)]
        best = min(early, key=lambda s: first_seen[s]) if early else max(counts, key=counts.get)  # type: ignore[arg-type]
        if early or counts[best] >= 2:
            f.province = lex.gazetteer.areas[best]
    o_end = doc.norm.original_span(0, len(first_lines))[1] if first_lines else 0
    m = g.district.search(doc.original[:o_end])
    if m:
        name = " ".join(w.capitalize() for w in m.group(2).split()) if m.group(2).isupper() else cap_run(m.group(2))
        if name:
            f.main_district = district_place(c, m.group(1).lower(), name)
    if f.main_district and f.province is None:
        pool = counts or tail_counts  # a district page: its site's province shows in the page's links
        if f.main_district.province is not None:  # the one district of that name in the gazetteer
            f.province = f.main_district.province
        elif pool:
            f.province = lex.gazetteer.areas[max(pool, key=pool.get)]  # type: ignore[arg-type]
    _metadata(c, tail_counts)


def _metadata(c: Ctx, tail_counts: dict[str, int]) -> None:
    """What the user said (sidecar or options) where the text is silent: the province, a district (the date
    is settled in `run`, before any area is resolved); then, for a report whose text and user name no
    province, its publisher's, else the one province the page around the article names most, at least twice
    (a portal's links and footer name its own)."""
    _user_place(c)
    if c.f.province is None and not c.f.national:
        c.f.province = _published_in(c)
    ranked = sorted(tail_counts.values(), reverse=True)
    if c.f.province is None and not c.f.national and ranked and ranked[0] >= 2 and ranked[1:2] != ranked[:1]:
        c.f.province = c.lex.gazetteer.areas[max(tail_counts, key=tail_counts.get)]  # type: ignore[arg-type]


def _published_in(c: Ctx):
    """The province of the paper or portal that published a report: the tag opening its body, a byline or
    source line, then the user's publisher and site (data/lexicon/publishers.csv; ambiguous ones give none)."""
    doc, gaz, g, pubs, on = c.doc, c.lex.gazetteer, c.lex.grammar, c.lex.publishers, c.f.date
    m = g.byline.search(doc.text[:1500])
    area = (pubs.of_tag(m.group(1), gaz, on) or _of_publisher(c, m.group(1))) if m else None
    for m in ([] if area else g.publisher_line.finditer(doc.text)):
        area = _of_publisher(c, m.group(0))
        if area:
            return area
    if area is None and doc.meta.publisher:
        name = re.sub(r"\(.*?\)", "", doc.meta.publisher).strip()
        area = _of_publisher(c, name)
        if area is None and (m := g.publisher_place.search(name)):
            area = pubs.of_name(m.group(1), gaz, on)
    if area is None and doc.meta.source_url:
        area = pubs.of_site(doc.meta.source_url, gaz, on)
    return area


def _of_publisher(c: Ctx, name: str):
    """The province of a paper or portal named with its head word ('Báo Lạng Sơn', 'Cổng TTĐT tỉnh Hà Giang')
    or without it ('Sài Gòn Giải Phóng')."""
    g = c.lex.grammar
    m = g.publisher_line.match(name.strip())
    return c.lex.publishers.of_name(g.place_prefix.sub("", m.group(1) if m else name), c.lex.gazetteer, c.f.date)


def _user_place(c: Ctx) -> None:
    """The province and district of the user's place, where the text names none."""
    f, meta, gaz = c.f, c.doc.meta, c.lex.gazetteer
    if f.province is not None or f.national or not meta.place:
        return
    parts = [p.strip() for p in re.split(r"[,;()]", meta.place) if p.strip()]
    for part in parts:
        area = gaz.resolve(c.lex.grammar.place_prefix.sub("", part), f.date)
        if area is not None and not area.is_nation:
            f.province = area
            break
    if f.province is None or f.main_district is not None:
        return
    for part in parts:
        words = part.split()
        for n in (2, 1):  # "thị xã Sơn Tây", "huyện Mộc Châu"
            if len(words) > n and " ".join(words[:n]).lower() in c.lex.area_types:
                f.main_district = district_place(c, " ".join(words[:n]).lower(), " ".join(words[n:]))
                return


def _place_of_dateline(c: Ctx, m: re.Match):
    """The area of a header's place-and-date line; a table copy may have broken its name over lines
    ('Sơn\nLa, ngày …'), so the words of the line before are tried with it."""
    gaz, g = c.lex.gazetteer, c.lex.grammar
    name = g.place_prefix.sub("", m.group(1).strip())
    area = gaz.resolve(name, c.f.date)
    if area is None:
        before = c.doc.text[:m.start(1)].rstrip(" \t\n").rsplit("\n", 1)[-1].strip(" |")
        if before and len(before.split()) <= 3:
            area = gaz.resolve(g.place_prefix.sub("", f"{before} {name}"), c.f.date)
    return area


def _areas_named(c: Ctx) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Provinces named (capitalised) in the article and in the page around it: counts and first offsets."""
    doc, lex = c.doc, c.lex
    counts: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    tail_counts: dict[str, int] = {}
    for i in range(len(doc.tokens)):
        hit = lex.area_trie.match(doc.tokens, i)
        if not hit or not (doc.is_cap(i) or doc.in_heading(i)):
            continue
        area = lex.gazetteer.resolve(str(hit[1]), c.f.date)
        if area is None or area.is_nation:
            continue
        if doc.tokens[i].start >= doc.page_end:
            tail_counts[area.slug] = tail_counts.get(area.slug, 0) + 1
            continue
        counts[area.slug] = counts.get(area.slug, 0) + 1
        first_seen.setdefault(area.slug, doc.tokens[i].start)
    return counts, first_seen, tail_counts


def _national_header(c: Ctx, head: str) -> bool:
    """A 'Số: …' number whose issuers are all national: the place line is only where it was signed."""
    m = c.lex.grammar.header_number.search(head)
    number = parse_number(m.group(1).rstrip(".,;"), c.lex.notations) if m else None
    if number is None:
        return False
    grammar = "party" if number.party else "state"
    rows = [lookup_issuer_code(slug(code), grammar) for code in number.issuer.split("-")]
    return all(row is not None and row.scope == "national" for row in rows)
