"""Saved web pages at the door: the article's main text and what the page says about it, not its markup.

A news page saved from a browser holds the article among menus, related-news lists and footers. trafilatura
(a maintained main-text extractor) keeps the article: its headline, paragraphs and tables, one per line, and
reads the page's title, date, site name and address. Ingest then reads that text like any other; evidence
offsets count characters of the extracted text, which the source document records (dct:format).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .errors import InputError

_HTML = re.compile(r"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.I | re.S)
HTML_FORMAT = "text/html"


@dataclass(frozen=True)
class Page:
    """The main text of a page, and the page's own title, date, publisher and address when it gives them."""

    text: str
    title: str | None
    date: dt.date | None
    publisher: str | None
    url: str | None


def is_html(text: str, name: str = "") -> bool:
    """A saved page: an .html/.htm name, or text that opens like HTML."""
    return name.lower().endswith((".html", ".htm", ".xhtml")) or _HTML.match(text[:2000]) is not None


def main_text(html: str, name: str) -> Page:
    """The article of a saved page; a page with no readable article is refused with one line naming it."""
    import trafilatura  # imported here: plain-text ingest does not pay for loading it

    found = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=True,
                                        output_format="python")
    data = found.as_dict() if found is not None and hasattr(found, "as_dict") else (found or {})
    text = (data.get("text") or "").strip()
    if not text:
        raise InputError("no article text found in this HTML page (save the article page itself, or its text)",
                         path=name)
    day = None
    if data.get("date"):
        try:
            day = dt.date.fromisoformat(str(data["date"])[:10])
        except ValueError:
            day = None
    url = data.get("url")
    return Page(text + "\n", data.get("title") or None, day, data.get("sitename") or None,
                url if url and re.match(r"https?://", url) else None)
