"""Pass `references`: instruments named without a number.

Agreements 'giữa X và Y' (with their period), plans by period, congress resolutions ('Nghị quyết Đại hội XIII
của Đảng'), documents of a named issuer with a quoted title, and agreements a text counts without naming
('nhiều chương trình, kế hoạch phối hợp với LĐLĐ tỉnh': one group node). Reads the tokens, `mentions`,
`mention_at`, `law_tokens`, `instrument_refs`, `own_title`, `subjects` (what a numbered instrument issues is
its subject, not another instrument) and `own` (a reference to the text itself becomes
the own record); writes `instruments`, `instrument_refs`, `coref` (bare "chương trình phối hợp" mentions that
refer back) and `cited_tokens`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..iris import slug
from .actors import mention_groups
from .document import Ctx
from .grammar import years
from .instruments import cite, merge_instrument, short_code
from .lexicon import DocType
from .records import Actor, Instrument

READS = frozenset({"mentions", "mention_at", "law_tokens", "instrument_refs", "own_title", "own", "subjects"})
WRITES = frozenset({"instruments", "instrument_refs", "coref", "cited_tokens"})

_ROMAN = re.compile(r"[IVXLC]+")
NO_ISSUER = "khong-ro"  # IRI segment of an instrument whose issuer the text does not name
SUBJECT_TOKENS = 15  # words a subject written after 'về' may run
PURPOSE_TOKENS = 30  # words an agreement's purpose may run before the period that closes it
NAME_TOKENS = 12  # words of a party's name the lexicon does not know
DASHES = ("-", "–", "—")
ENACTING_GAP = 4  # words between an enacted type ("Quy chế phối hợp") and "như sau" ("công tác", "hoạt động")


def run(c: Ctx) -> None:
    doc, lex, f = c.doc, c.lex, c.f
    toks = doc.tokens
    numbered = {doc.tok_index(s) for s, _, _ in f.instrument_refs}
    end_tok = doc.tok_index(doc.page_end)
    own_title = {k for s, e in f.own_title for k in range(doc.tok_index(s), doc.tok_index(e))}
    # what a numbered instrument issues or is about ('… về việc ban hành Quy chế phối hợp …') is its subject
    subjects = {k for s, e in f.subjects for k in range(doc.tok_index(s), doc.tok_index(e))}
    not_after = lex.cues.words("not_a_type_after")
    plural = lex.cues.words("plural")
    kinds: set[int] = set()  # type words listed after a plural ('các Chỉ thị, Quyết định, Chương trình …')
    i = 0
    while i < end_tok:
        hit = lex.doctype_trie.match(toks, i)
        if hit is None or i in f.law_tokens or i in own_title or i in subjects or (
                i and toks[i - 1].low in not_after):
            i += 1
            continue
        n, dtype = hit[0], hit[1]
        assert isinstance(dtype, DocType)
        if i in kinds or (i and toks[i - 1].low in plural):
            kinds.update(_listed_kinds(c, i + n))
        if i in kinds:
            i += n
            continue
        if i and toks[i - 1].low in plural:
            ins, used = _group_reference(c, i, n, dtype) if dtype.is_agreement else _document_group(c, i, n)
            if ins is not None:
                cite(c, ins, toks[i - 1].start, toks[i + used - 1].end)
            i += used or 1
            continue
        if any(k in numbered for k in range(i, i + n + 4)) or dtype.cls in ("Law", "Code", "Constitution") or (
                _issued_with(c, i)):
            i += n
            continue
        if _enacts_own(c, i, n, dtype):  # '… thống nhất ban hành Quy chế phối hợp như sau:' is the text itself
            f.coref.append((toks[i].start, toks[i + n - 1].end))
            i += n
            continue
        ins, used = _reference(c, i, n, dtype)
        if ins is not None:
            cite(c, ins, toks[i].start, toks[i + used - 1].end)
            i += used
        else:
            if dtype.is_agreement:
                f.coref.append((toks[i].start, toks[i + n - 1].end))
            i += n
    _merge_partyless(c)
    _merge_into_own(c)
    _name_agreements(c)


def _issued_with(c: Ctx, i: int) -> bool:
    """'Quyết định số … ban hành kèm theo Quy chế A; Quy định B': A and B are what the decision issues (its
    subject), not instruments cited apart — the type word right after 'kèm theo', or after a ';' in a clause
    that 'kèm theo' opened."""
    toks, cues = c.doc.tokens, c.lex.cues
    if cues.ends_at("issued_with", toks, i):
        return True
    if ";" not in toks[i].gap:
        return False
    k = i - 1
    while k > 0 and ";" not in toks[k].gap and "." not in toks[k].gap.strip():
        if cues.at("issued_with", toks, k):
            return True
        k -= 1
    return False


def _listed_kinds(c: Ctx, k: int) -> list[int]:
    """Where the next type words of a list start ('các Chỉ thị, Quyết định, Chương trình hành động của …'):
    kinds of documents, not one document each."""
    toks, lex = c.doc.tokens, c.lex
    out: list[int] = []
    while k < len(toks):
        if toks[k].low in lex.cues.words("list_joiner") and "," not in toks[k].gap:
            k += 1
        elif "," not in toks[k].gap:
            break
        hit = lex.doctype_trie.match(toks, k) if k < len(toks) else None
        if hit is None:
            break
        out.append(k)
        k += hit[0]
    return out


def _name_agreements(c: Ctx) -> None:
    """An agreement known by its parties is labelled with the fullest type phrase the text gave it
    ("Chương trình phối hợp công tác"), its parties and its period, once every mention is merged."""
    for key, ins in c.f.instruments.items():
        if not key.startswith("agr:") or len(ins.parties) < 2 or not ins.written_types:
            continue
        written = max(ins.written_types, key=len)
        ins.label_vi = agreement_label(c, written[:1].upper() + written[1:], ins.parties, ins.period)


def agreement_label(c: Ctx, typ: str, parties: list[Actor], period: tuple[int, int] | None) -> str:
    """'Chương trình phối hợp giữa A và B giai đoạn 2021-2025', 'Quy chế phối hợp giữa A, B và C', 'Kế hoạch
    phối hợp của A': an agreement named by its type as written, its parties and its period."""
    g = c.lex.grammar
    names = [p.label_vi for p in parties]
    if len(names) == 1:
        label = g.label("of_vi", type=typ, a=names[0])
    else:
        label = g.label("between_vi", type=typ, a=", ".join(names[:-1]), b=names[-1])
    return label + (g.label("period_vi", first=period[0], last=period[1]) if period else "")


def _merge_into_own(c: Ctx) -> None:
    """An agreement named in the text with the own agreement's parties (or none) and period is the text
    naming itself."""
    own = c.f.own
    if own is None or own.doctype is None or not own.doctype.is_agreement:
        return
    own_parties = {p.acts_for or p.iri for p in own.parties}  # 'Ban Thường vụ LĐLĐ' signs for the LĐLĐ
    for key, other in list(c.f.instruments.items()):
        same_parties = {p.acts_for or p.iri for p in other.parties} == own_parties
        if key.startswith("agr:") and (same_parties or not other.parties) and (
                other.period == own.period or (same_parties and None in (other.period, own.period))):
            merge_instrument(c, key, own.key)


def _merge_partyless(c: Ctx) -> None:
    """'Chương trình phối hợp giai đoạn 2021-2025' with no parties, or with only some of them (the sentence
    named one side), is the one agreement of that kind and period whose parties include them; one named by its
    parties without a period is the one agreement of those parties whose period the text names."""
    merged = True
    while merged:  # a merge can leave a partyless record with one peer where it had two
        merged = False
        for key, ins in sorted(c.f.instruments.items(), key=lambda kv: (len(kv[1].parties), kv[0])):
            if not key.startswith("agr:"):
                continue
            mine = {p.iri for p in ins.parties}
            if ins.period is None:  # "Chương trình … giữa X và Y" is the one of X and Y whose period is named
                peers = [k for k, other in c.f.instruments.items() if k != key and k.startswith("agr:")
                         and other.period is not None and other.cls == ins.cls and mine
                         and mine <= {p.iri for p in other.parties}] or [
                    k for k, other in c.f.instruments.items() if k != key and k.startswith("agr:")
                    and other.period is None and other.cls == ins.cls and mine < {p.iri for p in other.parties}]
            else:
                peers = [k for k, other in c.f.instruments.items() if k != key and k.startswith("agr:")
                         and other.period == ins.period and other.cls == ins.cls
                         and mine < {p.iri for p in other.parties}]
            if len(peers) == 1:
                merge_instrument(c, key, peers[0])
                merged = True
                break


def _type_phrase_end(c: Ctx, i: int, n: int) -> int:
    """'Quy chế về phối hợp công tác': the type word and its modifiers; returns the token after them."""
    toks, cues = c.doc.tokens, c.lex.cues
    j = i + n
    while j < len(toks) and toks[j].joined:
        used = cues.length("agreement_modifier", toks, j)
        if not used and toks[j].low in cues.words("about") and j + 1 < len(toks) and toks[j + 1].joined:
            inner = cues.length("agreement_modifier", toks, j + 1)
            after = j + 1 + inner
            ends = after >= len(toks) or not toks[after].joined or not toks[after].text[:1].islower() or any(
                toks[after].low in cues.words(kind) for kind in ("between", "of", "year_word"))
            used = inner + 1 if inner and ends else 0  # "về công tác đảm bảo …" is a subject, not the type
        if not used:
            break
        j += used
    return j


def _period_after(c: Ctx, label_end: int) -> tuple[tuple[int, int] | None, int]:
    """A period written right after a reference's name; (period, token after it)."""
    doc, g = c.doc, c.lex.grammar
    start_char = doc.tokens[label_end - 1].end
    pm = g.period.match(doc.text, start_char)
    end_char = pm.end() if pm else 0
    if pm is None:
        pm = g.period_after.match(doc.text[start_char:start_char + 60]) or g.period_bare.match(
            doc.text[start_char:start_char + 40])
        end_char = start_char + pm.end() if pm else 0
    if pm is None:
        return None, label_end
    return years(pm), doc.tok_index(end_char)


@dataclass
class _Tail:
    """What follows a reference's type phrase: its parties, issuer, congress, subject and period."""

    end: int  # token after the name
    parties: list[Actor] = field(default_factory=list)
    issuer: Actor | None = None
    congress_n: str | None = None
    subject: str | None = None
    period: tuple[int, int] | None = None


def _tail(c: Ctx, j: int, agreement: bool = False) -> _Tail:
    """'giữa X và Y', 'của X', 'Đại hội XIII của Đảng', 'về “…”' or 'về công tác …', then a period; an
    agreement's purpose written straight after its type ('… hỗ trợ thanh niên … giai đoạn 2024 - 2029')."""
    doc, f, cues = c.doc, c.f, c.lex.cues
    toks = doc.tokens
    tail = _Tail(j)
    if j < len(toks) and toks[j].joined and toks[j].low in cues.words("between"):
        a = f.mention_at.get(j + 1)
        if a and a.last < len(toks) and toks[a.last].low in cues.words("between_and"):
            b = f.mention_at.get(a.last + 1)
            if b:
                tail.parties, tail.end = [a.actor, b.actor], b.last
            elif a.last + 1 < len(toks) and toks[a.last + 1].text[:1].isupper():  # "… và Liên đoàn Lao động 13
                tail.parties, tail.end = [a.actor], _name_run_end(c, a.last + 1)  # tỉnh, thành …": one side known
        elif a is None and cues.length("joint_subject", toks, j + 1):  # "quy chế phối hợp giữa hai bên …":
            tail.end = j + 1 + cues.length("joint_subject", toks, j + 1)  # the sides are the sentence's subjects
    elif j in f.mention_at and toks[j].joined and f.mention_at[j].last < len(toks) \
            and toks[f.mention_at[j].last].gap.strip() in DASHES and f.mention_at[j].last in f.mention_at:
        a, b = f.mention_at[j], f.mention_at[f.mention_at[j].last]  # "Quy chế phối hợp LĐLĐ TP. Cần Thơ - CĐGD …"
        tail.parties, tail.end = [a.actor, b.actor], b.last
    elif cues.length("congress", toks, j) and toks[j].joined:
        tail.congress_n, tail.issuer, tail.end = _congress(c, j + cues.length("congress", toks, j))
    elif j < len(toks) and toks[j].low in cues.words("of") and toks[j].joined:
        m = f.mention_at.get(j + 1)
        if m:
            tail.issuer, tail.end = m.actor, m.last
    tail.end = _subject(c, tail, agreement)
    tail.period, tail.end = _period_after(c, tail.end)
    return tail


def _name_run_end(c: Ctx, k: int) -> int:
    """The token after a name the lexicon does not know, up to the clause's end or a period (at most 12)."""
    toks = c.doc.tokens
    start = k
    while k < len(toks) and k - start < NAME_TOKENS and not toks[k].brk and (k == start or toks[k].joined) \
            and not c.lex.grammar.period.match(c.doc.text, toks[k].start):
        k += 1
    return k


def _subject(c: Ctx, tail: _Tail, agreement: bool = False) -> int:
    """A subject after the name: a quoted title, 'về' and the words up to a period, a comma or a verb, or (an
    agreement's) words in lower case that run to its period."""
    doc, cues = c.doc, c.lex.cues
    toks = doc.tokens
    start = doc.tokens[tail.end - 1].end
    qm = c.lex.grammar.quoted_title.match(doc.text[start:start + 220])
    if qm:
        tail.subject = qm.group(1)
        return doc.tok_index(start + qm.end())
    k = tail.end
    if agreement and not tail.parties and k < len(toks) and toks[k].joined and toks[k].text[:1].islower() \
            and toks[k].low not in cues.words("about"):
        return _purpose_to_period(c, tail, k)
    if k >= len(toks) or not toks[k].joined or toks[k].low not in cues.words("about"):
        return tail.end
    last = k + 1
    while last < len(toks) and last - k <= SUBJECT_TOKENS and toks[last].joined and "," not in toks[last].gap \
            and not c.lex.grammar.period.match(doc.text, toks[last].start):
        last += 1
    if agreement and last < len(toks) and "," in toks[last].gap:  # 'về công tác an ninh, trật tự giai đoạn …':
        last = _through_comma_to_period(c, last)  # a comma inside the subject, when a period closes it
    if last - k < 3:
        return tail.end
    tail.subject = doc.span_text(k + 1, last).rstrip(" ,")
    return last


def _through_comma_to_period(c: Ctx, last: int) -> int:
    """The token where a period starts, when one follows within the sentence and a few words after token
    `last` (a comma before it), with no other comma between; else `last`."""
    doc, toks = c.doc, c.doc.tokens
    k = last
    while k < len(toks) and k - last <= SUBJECT_TOKENS and not toks[k].brk and (k == last or "," not in toks[k].gap):
        if c.lex.grammar.period.match(doc.text, toks[k].start):
            return k if k > last else last
        k += 1
    return last


def _purpose_to_period(c: Ctx, tail: _Tail, k: int) -> int:
    """'Chương trình phối hợp hỗ trợ thanh niên, lao động nông thôn học nghề giai đoạn 2024 - 2029': words from
    token k that a period closes within the sentence are the agreement's subject; else nothing is read."""
    doc = c.doc
    toks = doc.tokens
    last = k
    while last < len(toks) and last - k <= PURPOSE_TOKENS and not (last > k and toks[last].brk):
        if c.lex.grammar.period.match(doc.text, toks[last].start):
            if last - k >= 2:
                tail.subject = doc.span_text(k, last).rstrip(" ,")
                return last
            break
        last += 1
    return tail.end


def _reference(c: Ctx, i: int, n: int, dtype: DocType) -> tuple[Instrument | None, int]:
    doc, f, cues = c.doc, c.f, c.lex.cues
    j = _type_phrase_end(c, i, n)
    type_phrase = doc.span_text(i, j)
    tail = _tail(c, j, dtype.is_agreement)
    parties, issuer, period = tail.parties, tail.issuer, tail.period
    congress = tail.congress_n is not None
    title = tail.subject if tail.subject and (issuer or dtype.is_agreement or dtype.cls == "OtherInstrument") \
        else None
    signed = dtype.is_agreement and _signed_here(c, i)  # "… đã ký ban hành Quy chế phối hợp công tác"
    if not (parties or period or congress or issuer or title or signed) or (dtype.iri is None and not title):
        return None, 0
    signed_by = dtype.is_agreement and any(cues.ends_at(k, doc.tokens, i) for k in ("sign_verb", "event_signing"))
    if not (parties or period or congress or title or signed_by) and not doc.is_cap(i) and not doc.in_heading(i):
        return None, 0  # "nghị quyết của Đảng", "ban hành quy chế chi tiêu nội bộ": a kind, not one document
        # ("ký kết quy chế phối hợp giai đoạn mới" signs one)
    if dtype.is_agreement and not parties and issuer is None:  # "Chương trình hành động của X" is X's own
        parties = _sentence_subjects(c, i)
        if signed and not parties and not period:
            return None, 0
        if signed and parties:  # "X ký Quy chế … giai đoạn … với Y": Y signs it too
            parties = parties + [a for a in _signed_with(c, tail.end) if a not in parties]
    label = _label(c, i, tail.end, type_phrase, dtype, parties, issuer, tail.congress_n, period)
    key = (f"agr:{dtype.cls}:{period}:{'|'.join(sorted(str(p.iri) for p in parties))}"
           if dtype.is_agreement and (parties or period) else f"ref:{slug(label)}")
    ins = f.instruments.get(key)
    if ins is None:
        ins = _new_reference(c, key, dtype, label, parties, issuer, tail.congress_n, period, title)
    ins.title = ins.title or title
    ins.written_types.append(type_phrase)
    if parties and dtype.is_agreement and any(f" {w} " in f" {type_phrase.lower()} " for w in cues.words("about")):
        ins.short_name = type_phrase[:1].upper() + type_phrase[1:]  # how the text refers back to it
    return ins, tail.end - i


def _label(c: Ctx, i: int, label_end: int, type_phrase: str, dtype: DocType, parties: list[Actor],
           issuer: Actor | None, congress_n: str | None, period: tuple[int, int] | None) -> str:
    g = c.lex.grammar
    typ = f"{type_phrase[:1].upper()}{type_phrase[1:]}"
    if congress_n is not None and issuer is not None:
        written = c.lex.congresses.get(issuer.iri.rsplit("/", 1)[-1], g.label("congress_vi", body=issuer.label_vi))
        return f"{typ} {written.format(congress_n)}"
    if congress_n is None and parties and dtype.is_agreement:
        return agreement_label(c, typ, parties, period)
    label = c.doc.span_text(i, label_end)
    return label[:1].upper() + label[1:]


def _new_reference(c: Ctx, key: str, dtype: DocType, label: str, parties: list[Actor], issuer: Actor | None,
                   congress_n: str | None, period: tuple[int, int] | None, title: str | None) -> Instrument:
    owners = parties or ([issuer] if issuer else [])
    issuer_part = "-".join(dict.fromkeys(short_code(c, a) for a in owners)) or NO_ISSUER
    place = owners[0].place if owners and owners[0].place else None
    if place and place.province and not place.is_nation:
        issuer_part = f"{place.province.slug}-{issuer_part}"
    if period and dtype.is_agreement:
        local = slug(f"{dtype.label_vi} {period[0]}-{period[1]}")
    elif congress_n is not None:
        local = slug(f"{dtype.label_vi} dai hoi {congress_n}")  # the congress's body is the issuer
    else:
        local = "-".join(slug(label).split("-")[:12])
    ins = Instrument(key, dtype.cls, dtype, year=period[0] if period else None,
                     label_vi=label, label_en=f"{dtype.label_en}: {label}", iri_issuer=issuer_part,
                     iri_local=local, title=title, period=period, confidence=0.6 if not parties else 0.7)
    ins.parties = parties if dtype.is_agreement else []
    ins.issuers = [issuer] if issuer else (parties if dtype.is_agreement else [])
    c.f.instruments[key] = ins
    return ins


def _group_reference(c: Ctx, i: int, n: int, dtype: DocType) -> tuple[Instrument | None, int]:
    """'các sở, ngành … đề ra nhiều chương trình, kế hoạch phối hợp với LĐLĐ tỉnh': agreements the text
    counts but does not name, between the sentence's subject and the body after the type words. One
    node stands for the group; its alternative label is the phrase as written."""
    doc, f, lex = c.doc, c.f, c.lex
    toks = doc.tokens
    j = i + n
    while j < len(toks) and toks[j].joined:  # "chương trình, kế hoạch phối hợp"
        more = lex.doctype_trie.match(toks, j)
        used = more[0] if more else lex.cues.length("agreement_modifier", toks, j)
        if not used:
            break
        j += used
    k = j + 1 if j < len(toks) and toks[j].low in lex.cues.words("with") and toks[j].joined else j
    partner = f.mention_at.get(k) if k < len(toks) and toks[k].joined else None
    makers = [a for a in _sentence_subjects(c, i - 1) if partner is None or a != partner.actor]
    if partner is None or not makers:
        return None, 0
    maker, written = makers[0], doc.span_text(i, j)
    key = f"grp:{dtype.cls}:{maker.iri}|{partner.actor.iri}"
    ins = f.instruments.get(key)
    if ins is None:
        heads = lex.cues.words("list_head")
        names = [a.label_vi[:1].lower() + a.label_vi[1:] if a.label_vi.split(" ", 1)[0].lower() in heads else
                 a.label_vi for a in (maker, partner.actor)]  # "giữa các sở, ngành …", not "giữa Các sở"
        label = lex.grammar.label("group_vi", written=written, a=names[0], b=names[1])
        issuer_part = "-".join(dict.fromkeys(short_code(c, a) for a in (maker, partner.actor)))
        place = maker.place or partner.actor.place
        if place and place.province and not place.is_nation:
            issuer_part = f"{place.province.slug}-{issuer_part}"
        ins = Instrument(key, dtype.cls, dtype, label_vi=label, label_en=f"{dtype.label_en}s (a group): {label}",
                         iri_issuer=issuer_part, iri_local=slug(f"nhom {written}"), confidence=0.5,
                         short_name=written)
        ins.parties, ins.issuers = [maker, partner.actor], [maker]
        f.instruments[key] = ins
    return ins, partner.last - i


def _document_group(c: Ctx, i: int, n: int) -> tuple[Instrument | None, int]:
    """'các chỉ thị, nghị quyết của Đảng về công tác dân vận': documents of listed kinds that one
    issuer made on one subject, cited together. One node (an OtherInstrument of no single type) stands for the
    group, named as written; without both the issuer and the subject it names nothing one could cite."""
    doc, f = c.doc, c.f
    starts = [i, *_listed_kinds(c, i + n)]
    last = starts[-1]
    hit = c.lex.doctype_trie.match(doc.tokens, last)
    tail = _tail(c, last + (hit[0] if hit else n))
    if tail.issuer is None or tail.subject is None:
        return None, 0
    written = doc.span_text(i - 1, tail.end)  # with its plural word: "Các chỉ thị, nghị quyết …"
    label = written[:1].upper() + written[1:]
    key = f"grp:docs:{slug(label)}"
    ins = f.instruments.get(key)
    if ins is None:
        issuer_part = short_code(c, tail.issuer)
        ins = Instrument(key, "OtherInstrument", None, label_vi=label, label_en=f"Documents (a group): {label}",
                         iri_issuer=issuer_part, iri_local="-".join(slug(f"nhom {label}").split("-")[:12]),
                         title=tail.subject, confidence=0.5)
        ins.issuers = [tail.issuer]
        f.instruments[key] = ins
    return ins, tail.end - i


def _congress(c: Ctx, k: int) -> tuple[str | None, Actor | None, int]:
    """'Đại hội XIII của Đảng', 'Đại hội Công đoàn Việt Nam lần thứ XII' (k: the token after 'Đại hội')
    -> (roman numeral, the body whose congress it is, token after the phrase)."""
    toks, f = c.doc.tokens, c.f
    start = k
    while k < len(toks) and k - start < 12 and toks[k].joined and not _ROMAN.fullmatch(toks[k].text):
        k += 1
    if k >= len(toks) or not _ROMAN.fullmatch(toks[k].text) or not toks[k].joined:
        return None, None, start
    numeral, end = toks[k].text, k + 1
    issuer = next((m.actor for m in f.mentions if start <= m.first < k), None)
    if end + 1 < len(toks) and toks[end].low in c.lex.cues.words("of") and toks[end].joined \
            and (end + 1) in f.mention_at:
        m = f.mention_at[end + 1]
        issuer, end = m.actor, m.last
    elif issuer is None and end in f.mention_at and toks[end].joined:
        m = f.mention_at[end]  # "Đại hội XIII Công đoàn Việt Nam"
        issuer, end = m.actor, m.last
    if issuer is not None:
        f.cited_tokens.update(range(start, end))
    return numeral, issuer, end


def _enacts_own(c: Ctx, i: int, n: int, dtype: DocType) -> bool:
    """The enacting clause of a text with its own header: 'ban hành' + its own type + 'như sau' a few words
    on ('… thống nhất ban hành Quy chế phối hợp công tác như sau:')."""
    own, cues, toks = c.f.own, c.lex.cues, c.doc.tokens
    if own is None or own.doctype is None or own.doctype.cls != dtype.cls or not cues.ends_at("issue_verb", toks, i):
        return False
    return any(cues.at("enacting_after", toks, k) for k in range(i + n, min(len(toks), i + n + ENACTING_GAP)))


def _signed_here(c: Ctx, i: int) -> bool:
    """A sign verb ('ký', 'ký kết', 'ban hành') right before token i, with no other word between."""
    cues, toks = c.lex.cues, c.doc.tokens
    return any(cues.ends_at(kind, toks, i) for kind in ("sign_verb", "event_signing", "issue_verb"))


def _signed_with(c: Ctx, k: int) -> list[Actor]:
    """The bodies named right after an agreement's name and 'với' ('… giai đoạn 2018-2023 với LĐLĐ các huyện'):
    the other side of the agreement the sentence's subject signed."""
    toks, cues = c.doc.tokens, c.lex.cues
    n = cues.length("with", toks, k) if k < len(toks) and toks[k].joined else 0
    m = c.f.mention_at.get(k + n) if n else None
    return [m.actor] if m is not None and (k + n) not in c.f.cited_tokens else []


def _sentence_subjects(c: Ctx, i: int) -> list[Actor]:
    """The bodies acting in the sentence before token i, as the parties of an agreement it mentions: the last
    group of bodies named before it ('LĐLĐ tỉnh và TAND tỉnh đã ký kết Chương trình …'), leaving out those
    named inside a citation ('Thực hiện Chương trình số … giữa TAND tối cao và Tổng LĐLĐ, …')."""
    toks = c.doc.tokens
    k = i
    while k > 0 and not (toks[k].brk and re.search(r"[\n.!?]", toks[k].gap)):
        k -= 1
    groups = mention_groups(c, k, i)
    acting = groups[-1:] if groups else []
    if len(groups) > 1 and any(c.lex.cues.ends_at(kind, toks, groups[-1][0].first) for kind in ("coordinate", "with")):
        acting = groups[-2:]  # "X phối hợp (với) Y tổ chức ký kết …": both sides
    found: list[Actor] = []
    for m in (m for g in acting for m in g):
        if m.actor not in found:
            found.append(m.actor)
    return found
