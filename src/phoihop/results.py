"""Query results: the `Results` sequence and its writers (SPARQL 1.1 JSON, XML, CSV, TSV, a terminal table,
and RDF syntaxes for graphs), plus the readers that turn each engine's answer into `Results`.

Every backend (pyoxigraph, rdflib, a remote endpoint) converts its answer to pyoxigraph terms, so this one
set of writers serves the CLI, the Python API and `phoihop serve`; comparing answers across engines and
stores (`same_answer`) lives here too, because it is defined on the terms.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from xml.etree import ElementTree as ET

import pyoxigraph as ox

from .errors import UsageError
from .store import PREFIX_MAP
from .table import table_lines
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
class Answer:
    """An answer being read: its form, its variables and an iterator of rows of pyoxigraph terms, so that
    writers can stream rows as the engine produces them (`phoihop query ... | head` stops at once)."""

    form: str
    variables: list[str]
    rows: Iterator[tuple]

    @property
    def is_graph(self) -> bool:
        return self.form in ("construct", "describe")

    def reordered(self, order: list[str] | None) -> Answer:
        """The same answer with its columns in `order` (a permutation of the variables)."""
        if not order or order == self.variables:
            return self
        index = [self.variables.index(v) for v in order]
        return Answer(self.form, order, (tuple(row[i] for i in index) for row in self.rows))

    def results(self, max_rows: int | None = None) -> Results:
        """Every row in memory; ResultTooLarge (after reading one row too many, no more) past `max_rows`."""
        return Results(self.form, self.variables, _take(self.rows, max_rows))


class Engine(ABC):
    """What every query engine offers: the answer as it comes (`stream`), or whole (`run`)."""

    name = ""

    @abstractmethod
    def stream(self, text: str, source: str) -> Answer:
        """The answer to SPARQL text; `source` names the query in error messages."""

    def run(self, text: str, source: str = "<query>") -> Results:
        return self.stream(text, source).results()


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

    def answer(self) -> Answer:
        return Answer(self.form, self.variables, iter(self.rows))

    def serialize(self, fmt: str) -> str:
        """The results in one of FORMATS (SPARQL 1.1 result formats, or an RDF syntax for graphs)."""
        buffer = io.StringIO()
        write(self.answer(), fmt, buffer)
        return buffer.getvalue()


def check_format(answer: Answer | Results, fmt: str) -> None:
    """A UsageError when the format cannot hold this kind of answer (a graph as CSV, a table as Turtle)."""
    check_form_format(answer.form, fmt)


def check_form_format(form: str, fmt: str) -> None:
    """The same check from the query's form alone ('select', 'construct', ...), so a command can refuse a
    format before it spends seconds running the query."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    graph = form in ("construct", "describe")
    if graph and fmt in ("csv", "tsv", "json", "xml"):
        raise UsageError(f"a {form.upper()} query gives a graph: use --format {', '.join(GRAPH_FORMATS)} or table")
    if not graph and fmt in GRAPH_FORMATS:
        raise UsageError(f"a {form.upper()} query gives a table: use --format {', '.join(RESULT_FORMATS)}")


def write(answer: Answer, fmt: str, out: IO[str], width: int | None = None) -> int:
    """Write the answer to `out` in `fmt` row by row, as the rows come; returns the number of rows.

    Two formats hold the answer first: readable Turtle (grouped by subject, sorted) and a table's first
    rows (to measure its columns, at most `width` wide)."""
    check_format(answer, fmt)
    counted = _Counter(answer.rows)
    answer = Answer(answer.form, answer.variables, counted)
    if fmt == "turtle":
        out.write(readable_turtle([ox.Triple(*row) for row in answer.rows]))
    elif fmt == "table":
        for chunk in table_chunks(answer, width):
            out.write(chunk)
    elif fmt in GRAPH_FORMATS:
        sink = _TextSink(out)
        ox.serialize((ox.Triple(*row) for row in answer.rows), sink, format=_OX_GRAPH_FORMATS[fmt],
                     prefixes=PREFIX_MAP if fmt != "ntriples" else None)
        sink.close()
    else:
        for chunk in _WRITERS[fmt](answer):
            out.write(chunk)
    return counted.count


class _Counter:
    """Passes rows through and counts them."""

    def __init__(self, rows: Iterator[tuple]):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[tuple]:
        for row in self.rows:
            self.count += 1
            yield row


class _TextSink:
    """A binary file-like over a text stream, for pyoxigraph's serialiser (which may cut a UTF-8 character
    between two writes, hence the incremental decoder)."""

    def __init__(self, out: IO[str]):
        self.out, self.decoder = out, codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes) -> int:
        self.out.write(self.decoder.decode(data))
        return len(data)

    def flush(self) -> None:
        self.out.flush()

    def close(self) -> None:
        self.out.write(self.decoder.decode(b"", final=True))


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


def json_chunks(answer: Answer) -> Iterator[str]:
    """SPARQL 1.1 Query Results JSON, one binding per line."""
    if answer.form == "ask":
        yield json.dumps({"head": {}, "boolean": _boolean(answer)}) + "\n"
        return
    yield '{"head": {"vars": ' + json.dumps(answer.variables) + '}, "results": {"bindings": ['
    separator = "\n"
    for row in answer.rows:
        binding = {var: _json_term(term) for var, term in zip(answer.variables, row, strict=True)
                   if term is not None}
        yield separator + json.dumps(binding, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}}\n"


def _boolean(answer: Answer) -> bool:
    return bool(to_python(next(iter(answer.rows))[0]))


def xml_chunks(answer: Answer) -> Iterator[str]:
    """SPARQL Query Results XML, one result element per line."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    if answer.form == "ask":
        yield f"<head/><boolean>{'true' if _boolean(answer) else 'false'}</boolean></sparql>\n"
        return
    head = ET.Element("head")
    for var in answer.variables:
        ET.SubElement(head, "variable", name=var)
    yield ET.tostring(head, encoding="unicode") + "<results>"
    for row in answer.rows:
        result = ET.Element("result")
        for var, term in zip(answer.variables, row, strict=True):
            if term is None:
                continue
            info = _json_term(term)
            node = ET.SubElement(ET.SubElement(result, "binding", name=var), info["type"])
            node.text = info["value"]
            if "xml:lang" in info:
                node.set("xml:lang", info["xml:lang"])
            if "datatype" in info:
                node.set("datatype", info["datatype"])
        yield "\n" + ET.tostring(result, encoding="unicode")
    yield "\n</results></sparql>\n"


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def csv_chunks(answer: Answer) -> Iterator[str]:
    """SPARQL 1.1 Query Results CSV: values only, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(answer.variables)
    for row in answer.rows:
        writer.writerow([_csv_value(t) for t in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def tsv_chunks(answer: Answer) -> Iterator[str]:
    """SPARQL 1.1 Query Results TSV: terms in Turtle/N-Triples syntax."""
    yield "\t".join(f"?{v}" for v in answer.variables) + "\n"
    for row in answer.rows:
        yield "\t".join("" if t is None else str(t) for t in row) + "\n"


def table_chunks(answer: Answer, width: int | None = None) -> Iterator[str]:
    """An aligned plain-text table for reading in a terminal: fits `width` columns, shows names where the
    query returns them beside IRIs, shortens IRIs in the middle (phoihop.table); streams after a sample."""
    return table_lines(answer.variables, answer.rows, width, graph=answer.is_graph)


_WRITERS = {"json": json_chunks, "xml": xml_chunks, "csv": csv_chunks, "tsv": tsv_chunks, "table": table_chunks}


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


def answer_from_ox(answer, form: str) -> Answer:
    """pyoxigraph's answer (solutions, boolean or triples) as an Answer, read lazily."""
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        width = range(len(variables))
        return Answer("select", variables, (tuple(s[i] for i in width) for s in answer))
    if isinstance(answer, ox.QueryBoolean):
        return Answer("ask", ["boolean"], iter([(ox.Literal(bool(answer)),)]))
    return Answer(form if form in ("construct", "describe") else "construct", ["subject", "predicate", "object"],
                  ((t.subject, t.predicate, t.object) for t in answer))


def results_from_ox(answer, form: str, max_rows: int | None = None) -> Results:
    """pyoxigraph's answer as Results, refusing more than max_rows (reading no further than one more)."""
    return answer_from_ox(answer, form).results(max_rows)


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
