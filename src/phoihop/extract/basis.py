"""Pass `basis`: how the document's own instrument relates to the instruments it cites.

What its preamble's 'Căn cứ …' lines cite is eli:based_on, what its 'Thực hiện …' lines cite ph:implements,
every other citation eli:cites. Reads `own`, `own_title` and `instrument_refs` (complete once the references
pass has run); writes `relations`.
"""

from __future__ import annotations

from .document import Ctx
from .own import preamble_end

READS = frozenset({"own", "own_title", "instrument_refs"})
WRITES = frozenset({"relations"})

def run(c: Ctx) -> None:
    doc, f, cues = c.doc, c.f, c.lex.cues
    ins = f.own
    if ins is None:
        return
    related: list[tuple[str, str]] = []  # (relation, key)
    end = preamble_end(c)
    for s, e in doc.lines:
        if s >= end:
            break
        line = doc.low[s:e].lstrip(" -*")
        rel = "based_on" if line.startswith(cues.words("basis_line")) else (
            "implements" if line.startswith(cues.words("implement_line")) else None)
        if rel is None:
            continue
        for rs, _, key in f.instrument_refs:
            if s <= rs < e and key != ins.key and (rel, key) not in related:
                related.append((rel, key))
    named = {key for _, key in related}
    for _, _, key in f.instrument_refs:
        if key != ins.key and key not in named:
            related.append(("cites", key))
            named.add(key)
    f.relations = [(ins.key, rel, key) for rel, key in related]
