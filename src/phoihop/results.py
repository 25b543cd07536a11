"""Query results: the `Results` sequence and its writers (SPARQL 1.1 JSON, XML, CSV, TSV, a terminal table,
and RDF syntaxes for graphs), plus the readers that turn each engine's answer into `Results`.

Every backend (pyoxigraph, rdflib, a remote endpoint) converts its answer to pyoxigraph terms, so this one
set of writers serves the CLI, the Python API and `phoihop serve`; comparing answers across engines and
stores (`same_answer`) lives here too, because it is defined on the terms.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree as ET

import pyoxigraph as ox

from .errors import UsageError
from .store import PREFIX_MAP
from .table import format_table
from .turtle import serialize as readable_turtle

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_INTEGER_TYPES = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_NUMERIC_TYPES = _INTEGER_TYPES | {XSD + "decimal", XSD + "double", XSD + "float"}

GRAPH_FORMATS = ("turtle", "ntriples", "rdfxml")
RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml")
FORMATS = RESULT_FORMATS + GRAPH_FORMATS
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "table": "text/plain",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
_OX_GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                     "rdfxml": ox.RdfFormat.RDF_XML}


# --- the results of one query -------------------------------------------------------------------------


def to_python(term: Any) -> Any:
    """A plain Python value: IRIs and strings as str, numbers as int or float, dates as date, and bool."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, ox.Literal):
        return str(term)
    datatype, value = term.datatype.value, term.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(value)
        if datatype in _NUMERIC_TYPES:
            return float(value)
        if datatype == XSD + "date":
            return date.fromisoformat(value)
        if datatype == XSD + "dateTime":
            return datetime.fromisoformat(value)
        if datatype == XSD + "boolean":
            return value in ("true", "1")
    except ValueError:
        pass
    return value


@dataclass
class Results(Sequence[dict[str, Any]]):
    """The answer to one query: a sequence of dicts of plain values; the pyoxigraph terms are in `.rows`.

    A graph (CONSTRUCT/DESCRIBE) gives rows (subject, predicate, object); ASK one row with `boolean`.
    """

    form: str
    variables: list[str]
    rows: list[tuple] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def is_graph(self) -> bool:
        return self.form in ("construct", "describe")

    @property
    def boolean(self) -> bool | None:
        return bool(to_python(self.rows[0][0])) if self.form == "ask" else None

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self._record(row) for row in self.rows[index]]
        return self._record(self.rows[index])

    def _record(self, row: tuple) -> dict[str, Any]:
        return {var: to_python(term) for var, term in zip(self.variables, row, strict=True)}

    def triples(self) -> list[ox.Triple]:
        return [ox.Triple(*row) for row in self.rows]

    def serialize(self, fmt: str) -> str:
        """The results in one of FORMATS (SPARQL 1.1 result formats, or an RDF syntax for graphs)."""
        if self.is_graph and fmt in ("csv", "tsv", "json", "xml"):
            raise UsageError(f"a {self.form.upper()} query gives a graph: use --format "
                             f"{', '.join(GRAPH_FORMATS)} or table")
        if not self.is_graph and fmt in GRAPH_FORMATS:
            raise UsageError(f"a {self.form.upper()} query gives a table: use --format "
                             f"{', '.join(RESULT_FORMATS)}")
        if fmt == "turtle":
            return readable_turtle(self.triples())  # grouped by subject, sorted, no escaped slashes
        if fmt in GRAPH_FORMATS:
            data = ox.serialize(self.triples(), format=_OX_GRAPH_FORMATS[fmt],
                                prefixes=PREFIX_MAP if fmt != "ntriples" else None)
            return data.decode("utf-8")
        try:
            return _SERIALISERS[fmt](self)
        except KeyError:
            raise UsageError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})") from None


def _json_term(term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def to_json(results: Results) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if results.form == "ask":
        return json.dumps({"head": {}, "boolean": results.boolean}) + "\n"
    bindings = [{var: _json_term(term) for var, term in zip(results.variables, row, strict=True)
                 if term is not None} for row in results.rows]
    return json.dumps({"head": {"vars": results.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False) + "\n"


def to_xml(results: Results) -> str:
    """SPARQL Query Results XML."""
    root = ET.Element("sparql", xmlns="http://www.w3.org/2005/sparql-results#")
    head = ET.SubElement(root, "head")
    if results.form == "ask":
        ET.SubElement(root, "boolean").text = "true" if results.boolean else "false"
    else:
        for var in results.variables:
            ET.SubElement(head, "variable", name=var)
        body = ET.SubElement(root, "results")
        for row in results.rows:
            result = ET.SubElement(body, "result")
            for var, term in zip(results.variables, row, strict=True):
                if term is None:
                    continue
                binding = ET.SubElement(result, "binding", name=var)
                info = _json_term(term)
                kind = {"uri": "uri", "bnode": "bnode", "literal": "literal"}[info["type"]]
                node = ET.SubElement(binding, kind)
                node.text = info["value"]
                if "xml:lang" in info:
                    node.set("xml:lang", info["xml:lang"])
                if "datatype" in info:
                    node.set("datatype", info["datatype"])
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def to_csv(results: Results) -> str:
    """SPARQL 1.1 Query Results CSV: values only, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(results.variables)
    writer.writerows([_csv_value(t) for t in row] for row in results.rows)
    return buffer.getvalue()


def to_tsv(results: Results) -> str:
    """SPARQL 1.1 Query Results TSV: terms in Turtle/N-Triples syntax."""
    lines = ["\t".join(f"?{v}" for v in results.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in results.rows]
    return "\n".join(lines) + "\n"


def to_table(results: Results, width: int | None = None) -> str:
    """An aligned plain-text table for reading in a terminal: fits `width` columns, shows names where the
    query returns them beside IRIs, shortens IRIs in the middle (phoihop.table)."""
    return format_table(results.variables, results.rows, width, graph=results.is_graph)


_SERIALISERS = {"json": to_json, "xml": to_xml, "csv": to_csv, "tsv": to_tsv, "table": to_table}


def normalise_term(term) -> tuple:
    """A comparable key for one term, equal across engines and stores for the same RDF value.

    Numbers compare by value whatever their numeric datatype (stores differ in the datatype of aggregates
    and in canonical lexical forms), and booleans as the numbers 1 and 0 (Virtuoso 7 answers EXISTS,
    BOUND and other boolean expressions with xsd:integer); blank node labels are not compared; language
    tags ignore case.
    """
    if term is None:
        return ("unbound",)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    datatype = term.datatype.value
    if term.language:
        return ("lang", term.value, term.language.lower())
    if datatype == XSD + "boolean" and term.value in ("true", "false", "1", "0"):
        return ("number", Decimal(int(term.value in ("true", "1"))))
    if datatype in _NUMERIC_TYPES:
        try:
            return ("number", Decimal(term.value).normalize())
        except InvalidOperation:
            pass
    return ("literal", term.value, datatype)


def comparable(results: Results) -> list[tuple]:
    """Rows as tuples of normalised terms, for comparing answers from different engines and stores."""
    return [tuple(normalise_term(t) for t in row) for row in results.rows]


def same_answer(a: Results, b: Results, ordered: bool = False) -> bool:
    """Equal answers: as lists when ordered, as multisets of rows otherwise, as sets of triples for graphs."""
    if a.is_graph or b.is_graph:
        return a.form == b.form and set(comparable(a)) == set(comparable(b))
    rows_a, rows_b = comparable(a), comparable(b)
    return a.variables == b.variables and (rows_a == rows_b if ordered else sorted(rows_a) == sorted(rows_b))


class ResultTooLarge(UsageError):
    """A query answered with more rows than the caller allows."""

    @classmethod
    def over(cls, max_rows: int) -> ResultTooLarge:
        return cls(f"the result is too large: more than {max_rows} rows or triples")


def _take(items, max_rows: int | None) -> list:
    rows = []
    for item in items:
        rows.append(item)
        if max_rows is not None and len(rows) > max_rows:
            raise ResultTooLarge.over(max_rows)
    return rows


def results_from_ox(answer, form: str, max_rows: int | None = None) -> Results:
    """pyoxigraph's answer (solutions, boolean or triples) as Results, refusing more than max_rows."""
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        width = range(len(variables))
        return Results("select", variables, [tuple(s[i] for i in width) for s in _take(answer, max_rows)])
    if isinstance(answer, ox.QueryBoolean):
        return Results("ask", ["boolean"], [(ox.Literal(bool(answer)),)])
    return Results(form if form in ("construct", "describe") else "construct",
                   ["subject", "predicate", "object"],
                   [(t.subject, t.predicate, t.object) for t in _take(answer, max_rows)])



_BNODE_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def _term_from_json(term: dict | None):
    if term is None:
        return None
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":  # Virtuoso labels blank nodes nodeID://b123, which is no blank node label
        return ox.BlankNode(_BNODE_UNSAFE.sub("_", value) or "b")
    if term.get("xml:lang"):
        return ox.Literal(value, language=term["xml:lang"])
    if term.get("datatype"):
        return ox.Literal(value, datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(value)


def results_from_json(data: bytes, form: str) -> Results:
    """SPARQL 1.1 JSON results, read leniently where stores stray: Virtuoso 7 labels blank nodes
    `nodeID://...`, writes the old `typed-literal` type, and answers ASK with a one-cell table."""
    doc = json.loads(data)
    if "boolean" in doc:
        return Results("ask", ["boolean"], [(ox.Literal(bool(doc["boolean"])),)])
    variables = list(doc["head"].get("vars", []))
    rows = [tuple(_term_from_json(b.get(v)) for v in variables) for b in doc["results"]["bindings"]]
    if form == "ask":
        if len(rows) != 1 or len(variables) != 1 or not isinstance(rows[0][0], ox.Literal):
            raise ValueError("an ASK query answered with a table")
        return Results("ask", ["boolean"], [(ox.Literal(rows[0][0].value in ("1", "true")),)])
    return Results("select", variables, rows)
