"""The query page of `phoihop serve` (`/`): YASGUI's editor (Yasqe) and result viewer (Yasr), vendored in
templates/vendor/ (scripts/vendor_editor.sh), and our own script, all inlined into one HTML page.

The page needs nothing from the network: prefix completion and class and property completion come from
the project's own prefixes and ontology (embedded here), not from prefix.cc or LOV as YASGUI does by
default. It is built once per process and served as it is.
"""

from __future__ import annotations

import json
import re
import string
from functools import cache

import pyoxigraph as ox

from .resources import ontology_dir
from .store import PREFIX_MAP
from .style import TEMPLATES

VENDOR = TEMPLATES / "vendor"
_TERMS = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?term ?kind WHERE {
  { ?term a owl:Class BIND ("class" AS ?kind) }
  UNION { ?term a owl:ObjectProperty BIND ("property" AS ?kind) }
  UNION { ?term a owl:DatatypeProperty BIND ("property" AS ?kind) }
  UNION { ?term a owl:AnnotationProperty BIND ("property" AS ?kind) }
  FILTER (isIRI(?term))
}"""


def ontology_terms() -> dict[str, list[str]]:
    """The classes and properties the ontology declares (full IRIs), for completion."""
    store = ox.Store()
    for path in sorted(ontology_dir().glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    terms: dict[str, set[str]] = {"class": set(), "property": set()}
    for row in store.query(_TERMS):
        terms[row["kind"].value].add(row["term"].value)
    return {kind: sorted(iris) for kind, iris in terms.items()}


def _inline(text: str) -> str:
    """Text safe inside <script> or <style>: nothing can close the element early."""
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)


@cache
def page_html() -> str:
    """The page, built once."""
    config = {"prefixes": PREFIX_MAP, "terms": ontology_terms()}
    payload = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    template = string.Template((TEMPLATES / "query.html").read_text(encoding="utf-8"))
    return template.substitute(
        config=payload,
        vendor_css=_inline((VENDOR / "yasgui.min.css").read_text(encoding="utf-8")),
        vendor_js=_inline((VENDOR / "yasgui.min.js").read_text(encoding="utf-8")),
        app_css=_inline((TEMPLATES / "query.css").read_text(encoding="utf-8")),
        app_js=_inline((TEMPLATES / "query.js").read_text(encoding="utf-8")))
