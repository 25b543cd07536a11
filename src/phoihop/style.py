"""How the networks look and are named, shared by the DOT file, the static picture and the offline page:
colours from templates/style.json, text colours that stay readable on them, and the words (in Vietnamese or
English) for types, levels, topics and nodes.

A node is named on a drawing by a short label: an instrument by its number, a commitment by its clause and
topic ("II.1 · Chăm lo đời sống người lao động"), anything else by its name, cut at LABEL_CHARS; the full
name goes in a tooltip. The page's script (templates/network.js) follows the same rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGUAGES = ("vi", "en")
LABEL_CHARS = 40
PICTURE_MAX_NODES = 150


@dataclass(frozen=True)
class Options:
    """What a drawing is asked for: the language of its words, and how many nodes a static picture shows
    (the best connected; 0 = every node)."""

    lang: str = "vi"
    max_nodes: int = PICTURE_MAX_NODES


DEFAULTS = Options()


@cache
def style() -> dict:
    """Colours, titles and page strings (templates/style.json)."""
    return json.loads((TEMPLATES / "style.json").read_text(encoding="utf-8"))


def type_colour(code: str | None) -> str:
    """A fixed colour per known type, a stable one from the spare palette for any other."""
    if not code:
        return style()["unknown"]
    known = style()["types"]
    if code in known:
        return known[code]
    spare = style()["other"]
    return spare[sum(map(ord, code)) % len(spare)]


def level_colour(code: str | None) -> str:
    return style()["levels"].get(code or "", style()["unknown"])


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21; body text wants 4.5)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on this fill."""
    return "#000000" if contrast(fill, "#000000") >= contrast(fill, "#ffffff") else "#ffffff"


def pick(labels: dict | None, lang: str) -> str:
    """The label in this language, else the other one."""
    labels = labels or {}
    other = "en" if lang == "vi" else "vi"
    return labels.get(lang) or labels.get(other) or ""


def term(vocabulary: dict, kind: str, code: str | None, lang: str) -> str:
    """The word for a type, level or topic code (its code when the vocabulary has no label)."""
    if not code:
        return ""
    return pick(vocabulary.get(kind, {}).get(code), lang) or code


def full_name(attrs: dict, lang: str) -> str:
    """A node's full name in this language (else the other, its number, its IRI's end)."""
    return pick({"vi": attrs.get("label_vi"), "en": attrs.get("label_en")}, lang) or attrs.get("label", "")


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """At most `limit` characters, cut after a whole word where one ends late enough, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"


def short_label(attrs: dict, vocabulary: dict, lang: str) -> str:
    """What a node is called on a drawing (see the module's docstring)."""
    if attrs.get("type") == "Commitment":
        topics = attrs.get("topics") or []
        topic = term(vocabulary, "topic", topics[0], lang) if topics else ""
        text = " · ".join(part for part in (attrs.get("clause"), topic) if part)
        return text or shorten(full_name(attrs, lang))
    if attrs.get("number"):
        return attrs["number"]
    return shorten(full_name(attrs, lang))
