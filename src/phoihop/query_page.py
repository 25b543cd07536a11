"""The query page of `phoihop serve` (`/`): YASGUI's editor (Yasqe) and result viewer (Yasr), vendored in
templates/vendor/ (scripts/vendor_editor.sh), and our own script, all inlined into one HTML page.

The page needs nothing from the network: prefix completion and class and property completion come from
the project's own prefixes and ontology (embedded here), not from prefix.cc or LOV as YASGUI does by
default. It is built once per process and served as it is.
"""

from __future__ import annotations

import string
from functools import cache

from .page import inline_script, script_json
from .resources import ontology_dir
from .store import PREFIX_MAP, load_files
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
    store = load_files(sorted(ontology_dir().glob("*.ttl")))
    terms: dict[str, set[str]] = {"class": set(), "property": set()}
    for row in store.query(_TERMS):
        terms[row["kind"].value].add(row["term"].value)
    return {kind: sorted(iris) for kind, iris in terms.items()}


@cache
def page_html() -> str:
    """The page, built once."""
    payload = script_json({"prefixes": PREFIX_MAP, "terms": ontology_terms()})
    template = string.Template((TEMPLATES / "query.html").read_text(encoding="utf-8"))
    return template.substitute(
        config=payload,
        vendor_css=inline_script((VENDOR / "yasgui.min.css").read_text(encoding="utf-8")),
        vendor_js=inline_script((VENDOR / "yasgui.min.js").read_text(encoding="utf-8")),
        app_css=inline_script((TEMPLATES / "query.css").read_text(encoding="utf-8")),
        app_js=inline_script((TEMPLATES / "query.js").read_text(encoding="utf-8")))
