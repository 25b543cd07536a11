"""RDF/XML entity declarations, checked before the parser sees them ("billion laughs").

An RDF/XML file may declare entities in its DTD, and pyoxigraph's parser expands them: ten nested
entities of ten references each turn an 849-byte file into gigabytes, and the process dies in native code.
Entities can only be declared in the internal DTD subset, which sits before the root element, so the
prolog is read and every declaration judged before parsing:

- the shorthands that OWL editors write (`<!ENTITY owl "http://www.w3.org/2002/07/owl#">`) are allowed;
- an entity whose value refers to another entity (nesting), a parameter entity (`%`) and an external
  entity (SYSTEM/PUBLIC) are refused;
- and the largest expansion the file could reach (its `&` count times the longest value) must stay under
  a budget, so one long entity repeated a million times is refused too.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError

PROLOG_BYTES = 1 << 20  # a DTD beyond the first MiB is refused rather than searched for
EXPANSION_BUDGET = 256 << 20  # bytes the expanded entities may add to a file, at most

_DOCTYPE = re.compile(rb"<!DOCTYPE\b")
_ROOT = re.compile(rb"<(?![?!])")
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s%\"'>]+)\s*(\"[^\"]*\"|'[^']*'|[^>]*)\s*>")


def check_entities(path: Path) -> None:
    """Refuse an RDF/XML file whose DTD could expand beyond the budget; silent for every other file."""
    with open(path, "rb") as handle:
        head = _skip_comments(handle.read(PROLOG_BYTES))
        doctype = _DOCTYPE.search(head)
        root = _ROOT.search(head)
        if doctype is None or (root is not None and root.start() < doctype.start()):
            return
        subset = _internal_subset(head, doctype.end(), path)
        longest = 0
        for match in _ENTITY.finditer(subset):
            parameter, name, value = match.group(1), match.group(2).decode("utf-8", "replace"), match.group(3)
            if parameter:
                _refuse(path, f"the DTD declares a parameter entity (%{name})")
            if value[:1] not in (b'"', b"'"):
                _refuse(path, f"the DTD declares an external entity ({name})")
            if b"&" in value or b"%" in value:
                _refuse(path, f"entity {name} refers to another entity (nested entities can expand without bound)")
            longest = max(longest, len(value) - 2)
        if not longest:
            return
        handle.seek(0)
        references = sum(chunk.count(b"&") for chunk in iter(lambda: handle.read(1 << 24), b""))
    if references * longest > max(EXPANSION_BUDGET, 4 * path.stat().st_size):
        _refuse(path, f"its {references} entity references could expand to {references * longest >> 20} MB")


def _skip_comments(head: bytes) -> bytes:
    """The prolog with comments blanked, so a `<` inside a comment is not taken for the root element."""
    return re.sub(rb"<!--.*?-->", lambda m: b" " * len(m.group(0)), head, flags=re.S)


def _internal_subset(head: bytes, start: int, path: Path) -> bytes:
    """The `[ ... ]` of the DOCTYPE (empty when it has none); a subset that does not end in the first MiB
    is refused."""
    end = head.find(b">", start)
    bracket = head.find(b"[", start)
    if bracket < 0 or (0 <= end < bracket):
        return b""
    close = head.find(b"]", bracket)
    while close >= 0 and not head[close + 1:].lstrip().startswith(b">"):
        close = head.find(b"]", close + 1)
    if close < 0:
        _refuse(path, f"its DTD is longer than {PROLOG_BYTES >> 20} MiB")
    return head[bracket + 1:close]


def _refuse(path: Path, reason: str) -> None:
    raise InputError(f"RDF/XML entity declarations refused: {reason}; expand or remove the entities "
                     "(<!ENTITY ...>) first", path=path)
