"""Pass `persons`: people named with their posts, and the signers of a document.

"đồng chí Nguyễn Văn A, Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh", "Chủ tịch LĐLĐ tỉnh - Nguyễn Văn B", and
signature blocks ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / name"). Reads the tokens, `mention_at` (a post's body),
`own` (a document with its own header has signatories) and the context; writes `persons`, `signatories`,
`cited_tokens` (a body named in a post does not act) and `actors` (bodies a title implies: "Thành ủy viên").
"""

from __future__ import annotations

from ..normalize import is_syllable
from .actors import actor_at, mint
from .document import Ctx
from .instruments import office
from .lexicon import Role
from .records import Actor, Mention, Person, Post

READS = frozenset({"mention_at", "own", "law_tokens", "date", "province", "main_district"})
WRITES = frozenset({"persons", "signatories", "cited_tokens", "actors", "districts"})

NAME_SEPARATORS = ("-", "–", "", ":")  # between a title and the name after it
POST_SEPARATORS = ("-", "–", ",", "(")  # between a name and the title after it
SIGN_BLOCK_LINES = 5  # lines above a signer's name: 'TM. …', body, 'KT. …', title, '(Đã ký)'


def name_at(c: Ctx, i: int) -> int:
    """Length of a person's name at token i (surname + 1-3 capitalised syllables), or 0."""
    toks, lex = c.doc.tokens, c.lex
    if i >= len(toks) or toks[i].text not in lex.surnames:
        return 0
    n = 1
    while n < 4 and i + n < len(toks):
        tok = toks[i + n]
        if tok.gap != " " or not tok.text[:1].isupper() or not is_syllable(tok.text) or tok.text.isupper() \
                or lex.role_trie.match(toks, i + n) or lex.actor_trie.match(toks, i + n):
            break
        n += 1
    if n < 2:
        return 0
    if lex.gazetteer.resolve(c.doc.span_text(i, i + n)) is not None:
        return 0
    return n


def title_chain(c: Ctx, i: int) -> tuple[list[Post], int]:
    """'Ủy viên Ban Thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh' -> posts; returns (posts, next token)."""
    toks, lex, f = c.doc.tokens, c.lex, c.f
    conj = lex.cues.words("and")
    posts: list[Post] = []
    k = i
    while k < len(toks):
        hits = list(lex.role_trie.matches(toks, k))
        if not hits or (k > i and not (toks[k].joined or toks[k].gap.strip() in (",", *conj))):
            break
        # "Phó Chủ tịch UBND tỉnh": prefer the title after which a body is named over a longer title
        n, role = next(((n, r) for n, r in hits if k + n in f.mention_at), hits[0])
        assert isinstance(role, Role)
        end = k + n
        org = f.mention_at.get(end) if end < len(toks) and toks[end].joined else None
        if org is None and toks[end - 1].low in lex.cues.words("board_word"):
            org = actor_at(c, end - 1)
        if org is None and role.slug in lex.role_orgs:
            kind = lex.kinds.get(lex.role_orgs[role.slug])
            if kind and (kind.scope == "national" or f.main_place):
                post_actor = mint(c, kind, f.main_place if kind.scope != "national" else None)
                posts.append(Post(role, post_actor, (toks[k].start, toks[end - 1].end)))
                k = end
                k += 1 if k < len(toks) and toks[k].low in conj else 0
                continue
        last = org.last if org else end
        posts.append(Post(role, org.actor if org else None, (toks[k].start, toks[last - 1].end)))
        k = last
        if k < len(toks) and toks[k].low in conj and toks[k].joined:
            k += 1
    return posts, k


def _person(c: Ctx, i: int, n: int) -> Person:
    name = c.doc.span_text(i, i + n)
    person = c.f.persons.get(name)
    if person is None:
        person = Person(name, (c.doc.tokens[i].start, c.doc.tokens[i + n - 1].end))
        c.f.persons[name] = person
    return person


def _add_posts(c: Ctx, person: Person, posts: list[Post]) -> None:
    """A person's posts; the bodies they name hold a post here, they do not act ('Chủ tịch UBND tỉnh Nguyễn
    Văn A phát biểu' is no act of the UBND; 'Viện trưởng VKSND tỉnh và … đã ký' without a name is)."""
    for post in posts:
        if post.org is None:
            continue
        first, last = c.doc.tok_index(post.span[0]), c.doc.tok_index(post.span[1])
        c.f.cited_tokens.update(range(first, last))
        if not any(p.role == post.role and p.org is post.org for p in person.posts):
            person.posts.append(post)


def run(c: Ctx) -> None:
    toks, lex = c.doc.tokens, c.lex
    end_tok = c.doc.tok_index(c.doc.body_end)
    covered = 0
    for i in range(end_tok):
        hit = lex.role_trie.match(toks, i) if i >= covered else None
        if hit:
            posts, k = title_chain(c, i)
            covered = k
            if k < len(toks) and toks[k].gap.strip(" ") in NAME_SEPARATORS:
                n = name_at(c, k)
                if n:
                    _add_posts(c, _person(c, k, n), posts)
        n = name_at(c, i)
        if not n:
            continue
        after = i + n
        cue = i and toks[i - 1].low in lex.cues.words("person_before") and toks[i].joined
        if after < len(toks) and toks[after].gap.strip(" ") in POST_SEPARATORS and lex.role_trie.match(toks, after):
            posts, _ = title_chain(c, after)
            _add_posts(c, _person(c, i, n), posts)
        elif cue:
            _person(c, i, n)
    _signatures(c)


def line_parts(c: Ctx, s: int, e: int) -> tuple[Role | None, Mention | None]:
    """A signature-block line: a title ('CHỦ TỊCH', 'KT. BỘ TRƯỞNG'), a body ('TỔNG LIÊN ĐOÀN LAO ĐỘNG VIỆT
    NAM'), or both ('BỘ TRƯỞNG BỘ Y TẾ'); (None, None) when the line is anything else."""
    doc = c.doc
    prefixes = {w.upper() for w in c.lex.cues.words("sign_prefix")}
    i, last = doc.tok_index(s), doc.tok_index(e)
    while i < last and doc.tokens[i].text in prefixes:
        i += 1
    if i >= last:
        return None, None
    hits = list(c.lex.role_trie.matches(doc.tokens, i))
    for n, role in hits:  # 'GIÁM ĐỐC SỞ NỘI VỤ': the title after which the rest is a body, not 'Giám đốc Sở'
        body = c.f.mention_at.get(i + n)
        if body is not None and body.last == last:
            return role, body  # type: ignore[return-value]
    if hits and i + hits[0][0] == last:
        return hits[0][1], None  # type: ignore[return-value]
    body = c.f.mention_at.get(i)
    return (None, body) if body is not None and body.last == last else (None, None)


def _signed_sector(c: Ctx, role: Role | None, sector: tuple[str, str] | None) -> Actor | None:
    """The office a sector line under a title names: a title with an office's head word ('Trưởng phòng',
    'Bộ trưởng') heads that office, other titles a province's department."""
    if role is None or sector is None:
        return None
    title = role.label_vi.lower()
    head = next((h for h in c.lex.heads("district") + c.lex.heads("national") if h.lower() in title.split()),
                c.lex.heads("province")[0])
    return office(c, head, *sector)


def _signatures(c: Ctx) -> None:
    """'TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / Nguyễn Văn A', 'BỘ TRƯỞNG BỘ Y TẾ / Tạ Quang Vinh': the signer, with
    the title and body read from up to five lines above the name, nearest first; a copy may put the block
    after the recipients ('Nơi nhận: …')."""
    doc = c.doc
    lines = [(s, e) for s, e in doc.lines if s < doc.page_end and doc.text[s:e].strip()]  # after 'Nơi nhận' too
    for column in _columns(doc.text, lines):
        _signers(c, column)


def _columns(text: str, lines: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The lines as signature blocks are read: two blocks side by side ('TM. BAN THƯỜNG VỤ | GIÁM ĐỐC' over
    'Nguyễn Văn A | Trần Văn B') are two columns. The first column goes on from the lines above the run of
    lines split by '|'; each further column is that run's cells alone, blank cells left out."""
    first: list[tuple[int, int]] = []
    others: list[list[tuple[int, int]]] = []
    run: list[list[tuple[int, int]]] = []
    for s, e in lines + [(len(text), len(text))]:
        cells = _cells(text, s, e) if "|" in text[s:e] else []
        if cells:
            run.append(cells)
            continue
        if run:
            width = max(len(r) for r in run)
            first.extend(r[0] for r in run if r[0][1] > r[0][0])
            others.extend([r[j] for r in run if j < len(r) and r[j][1] > r[j][0]] for j in range(1, width))
            run = []
        if e > s:
            first.append((s, e))
    return [first, *others]


def _cells(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """The cells of a line split by '|', as spans without their surrounding spaces (empty where blank)."""
    cells, start = [], s
    for end in [s + k for k, ch in enumerate(text[s:e]) if ch == "|"] + [e]:
        cell = text[start:end]
        a = start + len(cell) - len(cell.lstrip())
        cells.append((a, max(a, start + len(cell.rstrip()))))
        start = end + 1
    return cells


def _signers(c: Ctx, lines: list[tuple[int, int]]) -> None:
    """The signers among lines holding only a name, each with the block above it."""
    doc, f = c.doc, c.f
    for idx, (s, e) in enumerate(lines):
        i = doc.tok_index(s)
        n = name_at(c, i)
        if not n or doc.tokens[i + n - 1].end != s + len(doc.text[s:e].rstrip()):
            continue  # not a line holding only a name
        role, org, sector, signed = _block_above(c, lines[max(0, idx - SIGN_BLOCK_LINES):idx])
        if not signed and role is None:
            continue
        person = _person(c, i, n)
        person.signed = True
        body = org.actor if org is not None else _signed_sector(c, role, sector)
        if role is not None and body is not None:
            _add_posts(c, person, [Post(role, body, (s, e))])
        if f.own is not None and person.name not in f.signatories:
            f.signatories.append(person.name)


def _block_above(c: Ctx, above: list[tuple[int, int]]) -> tuple[Role | None, Mention | None,
                                                                 tuple[str, str] | None, bool]:
    """The lines above a signer's name, nearest first: (title, body, sector line, opened by 'TM.'/'KT.')."""
    doc = c.doc
    role: Role | None = None
    org: Mention | None = None
    sector: tuple[str, str] | None = None  # 'TRƯỞNG PHÒNG / LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI'
    signed = False
    for s2, e2 in reversed(above):
        if c.lex.grammar.sign_mark.match(doc.text[s2:e2]):
            continue  # '(Đã ký)' between the title and the name
        sign = c.lex.grammar.sign_line.match(doc.text[s2:e2])
        line_role, line_org = line_parts(c, s2, e2)
        k = doc.tok_index(s2)
        hit = c.lex.sector_trie.match(doc.tokens, k)
        if hit and k + hit[0] == doc.tok_index(e2):
            sector = sector or hit[1]  # type: ignore[assignment]
            continue
        if not sign and line_role is None and line_org is None:
            break
        role, org = role or line_role, org or line_org
        if sign:  # 'TM. …' opens the block; 'KT. CHỦ TỊCH' under 'TM. ỦY BAN NHÂN DÂN' names no body yet
            org = org or c.f.mention_at.get(doc.tok_index(s2 + sign.start(1)))
            signed = True
            if org is not None:
                return role, org, sector, True
    return role, org, sector, signed
