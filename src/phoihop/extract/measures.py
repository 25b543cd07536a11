"""What a commitment's own words say beyond who: its topic, how often, what target, what it carries out.

Not a pass: helpers of the commitments pass over one unit's span. Topics score the SKOS topic labels and
topic_keywords.csv; frequencies read the frequency scheme's labels and the grammar's "2 lần/năm"; targets
read the grammar's quantities with their unit words.
"""

from __future__ import annotations

from .document import Ctx
from .grammar import parse_decimal
from .lexicon import Frequency
from .records import Target

MAX_TARGETS = 4
NAME_REACH = 30  # tokens a body's name may run into a unit from before it
YEAR_RANGE = (1900, 2100)  # a "from-to" pair inside this range is a period, not a quantity


def topic(c: Ctx, first: int, last: int) -> str:
    """The best-scoring topic of the task's own words: names of bodies ('Phòng Tài chính - Kế hoạch') and
    subjects of cited instruments say nothing about what the task is."""
    toks = c.doc.tokens
    named = set(c.f.cited_tokens)
    for m in c.f.mentions_in(max(0, first - NAME_REACH), last):  # a capitalised name, not the lower-case topic
        if m.last > first and toks[m.first].text[:1].isupper():
            named.update(range(m.first, m.last))
    scores: dict[str, int] = {}
    for i in range(first, last):
        if i in named:
            continue
        hit = c.lex.topic_trie.match(toks, i)
        if hit:
            code, weight = hit[1]  # type: ignore[misc]
            scores[code] = scores.get(code, 0) + weight
    if not scores:
        return "other"
    return max(sorted(scores), key=lambda code: scores[code])


def frequencies(c: Ctx, s: int, e: int) -> list[Frequency]:
    """Frequencies named in [s, e): scheme labels ('hằng năm') and the grammar ('2 lần/năm'), specific first."""
    lex, doc = c.lex, c.doc
    found: list[Frequency] = []
    k, last = doc.tok_index(s), doc.tok_index(e)
    while k < last:
        hit = lex.freq_trie.match(doc.tokens, k)
        if hit:
            freq = hit[1]
            assert isinstance(freq, Frequency)
            if freq not in found:
                found.append(freq)
            k += hit[0]
            continue
        k += 1
    for m in lex.grammar.frequency.finditer(doc.low, s, e):
        if m.group(1):
            key = (int(m.group(1)), lex.grammar.durations[m.group(2)])
        else:
            n = int(m.group(3))
            unit = lex.grammar.durations[m.group(4)]
            key = (1, unit.replace("1", str(n), 1))
        freq = lex.freq_by_period.get(key)
        if freq and freq not in found:
            found.append(freq)
    specific = [f for f in found if f.times]
    return (specific or found)[:2]


def targets(c: Ctx, s: int, e: int, freqs: list[Frequency]) -> list[Target]:
    """Quantitative targets in [s, e): 'ít nhất 50 doanh nghiệp', 'từ 50 đến 65 đơn vị', '70% trở lên'."""
    doc, cues, g = c.doc, c.lex.cues, c.lex.grammar
    low = doc.low[s:e]
    if not cues.in_text("target", low) and c.f.own is None:
        return []  # a report's figures are results, not targets, unless it says so
    out = []
    per = next((f for f in freqs if f.duration in ("P1Y", "P6M", "P1M", "P3M") and f.times == 1), None)
    for m in g.target_range.finditer(doc.text, s, e):
        if g.not_a_target_after.search(doc.low[max(s, m.start() - 12):m.start()]):
            continue
        bounds = _bounds(c, m, low)
        if bounds is None:
            continue
        lo, hi, pct = bounds
        unit = "%" if pct else ""
        if not unit:
            um = g.target_unit.match(doc.text, m.end(), e)
            unit = _unit_phrase(c, um.group(1)) if um else ""
        if not unit:
            continue
        out.append(Target(lo, hi, unit, _note(c, lo, hi, unit, per), per, (m.start(), m.end())))
    return out[:MAX_TARGETS]


def _bounds(c: Ctx, m, low: str):
    """(min, max, is a percentage) of a target match, or None when the numbers are no target."""
    cues = c.lex.cues
    pct = m.group("pct1") or m.group("pct2") or m.group("pct3") or m.group("val2")
    if m.group("min"):
        lo, hi = parse_decimal(m.group("min")), parse_decimal(m.group("max"))
        if lo is None or hi is None or lo > hi or (lo >= YEAR_RANGE[0] and hi <= YEAR_RANGE[1]):
            return None
        if not (m.group("atleast") or m.group("from") or pct or cues.in_text("target", low)):
            return None
    elif m.group("val"):
        lo, hi = parse_decimal(m.group("val")), None
    else:
        lo = parse_decimal(m.group("val2"))
        hi = None if m.group("more") else lo
        if not cues.in_text("target_share", low):
            return None
    if lo is None:
        return None
    return lo, hi, bool(pct)


def _note(c: Ctx, lo, hi, unit: str, per: Frequency | None) -> str:
    if hi is not None and hi != lo:
        note = f"{lo}–{hi} {unit}" if unit != "%" else f"{lo}–{hi}%"
    elif hi is None:
        note = c.lex.grammar.label("at_least_vi", value=f"{lo} {unit}" if unit != "%" else f"{lo}%")
    else:
        note = f"{lo} {unit}" if unit != "%" else f"{lo}%"
    if per:
        note += f" ({per.label_vi.lower()})"
    return note


def _unit_phrase(c: Ctx, text: str) -> str:
    out = []
    stop = c.lex.stopwords | set(c.lex.cues.words("unit_stop"))
    for w in text.split():
        if w.lower() in stop:
            break
        out.append(w)
    return " ".join(out)


def implemented(c: Ctx, s: int, e: int) -> list[str]:
    """Instruments cited in [s, e) after 'thực hiện', 'triển khai', … that the task carries out."""
    found = []
    for rs, _, key in c.f.instrument_refs:
        if s <= rs < e and c.lex.grammar.implement_cue.search(c.doc.low[max(s, rs - 40):rs]) and key not in found:
            if not c.f.instruments[key].own:
                found.append(key)
    return found
