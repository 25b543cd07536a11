"""Places: the area written after a body's name ("tỉnh Bến Tre", "quận Hoàn Kiếm", "các quận, huyện").

Not a pass of its own but the grammar the context and actors passes share. Reads the document's province and
main district (findings of the context pass); writes nothing.
"""

from __future__ import annotations

from ..normalize import ascii_name, is_syllable
from .document import Ctx
from .records import Place
from .tokens import phrase_trie

MAIN = "main"  # the qualifier names the document's own area ("tỉnh", "thành phố" alone)


def district_place(c: Ctx, word: str, name: str) -> Place:
    """'quận' + 'Hoàn Kiếm' -> the district inside the document's province; when the document's province is
    not known, the province of the one district of that name in the gazetteer (none when several share it)."""
    level, en = c.lex.area_types.get(word, ("district", "District"))
    province = c.f.province
    if province is None:
        found = c.lex.gazetteer.resolve_unit(f"{word} {name}", c.f.date).area
        province = c.lex.gazetteer.get(found.province) if found is not None else None
    return Place(province, f"{word} {name}", district_en=f"{ascii_name(name)} {en}", district_level=level)


def place_at(c: Ctx, j: int, after_paren: bool = False) -> tuple[int, Place | str | None]:
    """An area qualifier at token j, right after a body's name: (tokens used, Place, MAIN or None)."""
    toks, lex, cues = c.doc.tokens, c.lex, c.lex.cues
    if j >= len(toks) or (not after_paren and (not toks[j].joined or toks[j].gap.strip(" "))) or (
            after_paren and toks[j].gap.strip(" ") != ")"):
        return 0, None
    n = cues.length("all_districts", toks, j)
    if not n and toks[j].text.isdigit() and j + 1 < len(toks) and toks[j + 1].joined:  # "7 huyện, thành
        n = cues.length("all_districts", toks, j + 1) and 1 + cues.length("all_districts", toks, j + 1)  # phố"
    if n:
        return n, Place(c.f.province, None, True) if c.f.province else MAIN
    hit = lex.area_trie.match(toks, j)
    if hit and c.doc.is_cap(j):
        return hit[0], Place(lex.gazetteer.resolve(str(hit[1]), c.f.date))
    n = cues.length("national_word", toks, j)
    if n:
        return n, Place(lex.gazetteer.nation)
    n = cues.length("province_word", toks, j)
    if n:
        return _after_province_word(c, j, n)
    n = _area_word(c, j)
    if n:
        name_n = name_run(c, j + n)
        if name_n:
            word = " ".join(t.low for t in toks[j:j + n])
            return n + name_n, district_place(c, word, c.doc.span_text(j + n, j + n + name_n))
        if c.f.main_district and toks[j].low in cues.words("area_head_abbr"):
            return n, c.f.main_place
    return 0, None


def _after_province_word(c: Ctx, j: int, n: int) -> tuple[int, Place | str | None]:
    """'tỉnh Bến Tre', 'thành phố Bến Tre' (a city inside a province) or a bare 'tỉnh' (the document's own)."""
    toks, lex = c.doc.tokens, c.lex
    hit = lex.area_trie.match(toks, j + n)
    city_word = n > 1  # "thành phố": a district-level city may follow
    longer = city_word and hit is not None and _city_in(c, j, n, hit[0])  # 'thành phố Điện Biên Phủ'
    if hit and toks[j + n].joined and not longer:
        return n + hit[0], Place(lex.gazetteer.resolve(str(hit[1]), c.f.date))
    if city_word and j + n < len(toks) and toks[j + n].joined and c.doc.is_cap(j + n) \
            and toks[j + n].text[0].isalpha() and not lex.actor_trie.match(toks, j + n) \
            and toks[j + n].text not in lex.surnames:
        name_n = name_run(c, j + n)
        if name_n:
            word = " ".join(t.low for t in toks[j:j + n])
            return n + name_n, district_place(c, word, c.doc.span_text(j + n, j + n + name_n))
    main = c.f.main_district  # in a district's text 'Bộ Chỉ huy Quân sự tỉnh' is the province's, and 'UBND
    # thành phố' the district's only when the district is itself a 'thành phố'
    same_word = main is not None and (main.district or "").startswith(" ".join(t.low for t in toks[j:j + n]))
    if c.f.province is not None and main is not None and not same_word:
        return n, Place(c.f.province)
    return n, MAIN


def _city_in(c: Ctx, j: int, n: int, province_n: int) -> bool:
    """'thành phố Điện Biên Phủ': the name goes on past the province's ('Điện Biên') and the longer one is a
    city of the gazetteer ('thành phố Hà Nội Nguyễn Phi Thường' names the city and a person)."""
    name_n = name_run(c, j + n)
    if name_n <= province_n:
        return False
    word = " ".join(t.low for t in c.doc.tokens[j:j + n])
    name = f"{word} {c.doc.span_text(j + n, j + n + name_n)}"
    return c.lex.gazetteer.resolve_unit(name, c.f.date).area is not None


def _area_word(c: Ctx, j: int) -> int:
    """Tokens of an area word below the province at token j ("quận", "thị xã"), or 0."""
    hit = phrase_trie(tuple(w for w in c.lex.area_types if w not in c.lex.cues.words("province_word"))).match(
        c.doc.tokens, j)
    return hit[0] if hit else 0


def name_run(c: Ctx, j: int) -> int:
    """Capitalised words naming a place (at most 3), stopping before a title or a body's name."""
    toks, lex = c.doc.tokens, c.lex
    n = 0
    while n < 3 and j + n < len(toks):
        tok = toks[j + n]
        if not tok.text[:1].isupper() or (n and not tok.joined) or tok.gap.strip(" ") or (
                lex.doctype_trie.match(toks, j + n)) or (
                n and (lex.role_trie.match(toks, j + n) or lex.actor_trie.match(toks, j + n))):
            break
        if tok.text.isupper() and len(tok.text) > 1 and not is_syllable(tok.text):
            break
        n += 1
    return n


def cap_run(text: str) -> str:
    """The capitalised words a text starts with."""
    out = []
    for w in text.split():
        if not w[:1].isupper():
            break
        out.append(w)
    return " ".join(out)
