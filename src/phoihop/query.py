"""The named research queries (queries/*.rq) and running SPARQL on pyoxigraph, rdflib or a remote endpoint.

A query file is plain SPARQL 1.1 that runs unchanged in any tool (YASGUI, curl, R): each parameter is
declared in the header (`# parameters: year (xsd:integer, default 2022)`) and carries its default in a
`VALUES ?year { ... }` clause of the query. Binding a parameter replaces the value list of that clause
with one typed, escaped term built here, never with text from the caller, so the same mechanism is safe
and works on every engine and every endpoint.

Results come back as a `Results` sequence of dicts of plain Python values, with the raw pyoxigraph terms
in `.rows` (see `phoihop.results`, which also holds the writers shared by the CLI, the Python API and
`phoihop serve`).
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyoxigraph as ox

from .errors import InputError, QueryTimeout, StoreError, UsageError
from .resources import project_root, queries_dir
from .results import (
    FORMATS,
    XSD,
    Results,
    ResultTooLarge,
    results_from_json,
    results_from_ox,
    to_table,
)
from .store import PREFIX_MAP, expand_inputs, load_file, to_ox_term, to_rdflib_term
from .table import terminal_width

log = logging.getLogger("phoihop.query")

# --- lexical scanning: strings, IRIs and comments hide keywords, so blank them out first ----------------

_LEXICAL = re.compile(
    r"""(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r'''|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"(?:[^"\\\n]|\\.)*"'''
    r"""|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<comment>\#[^\n]*)""",
    re.S)
_PROLOGUE = re.compile(r"\A(?:\s+|PREFIX\s+[^\s:]*:|BASE\b)*", re.I)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
QUERY_FORMS = {"select", "construct", "ask", "describe"}
UPDATE_FORMS = {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
_SERVICE = re.compile(r"(?<![\w:.\-])SERVICE(?![\w:\-])", re.I)


def code_only(text: str) -> str:
    """The query with IRIs, string literals and comments blanked, so keywords can be found safely."""
    return _LEXICAL.sub(lambda m: " " * len(m.group(0)) if m.group("comment") is None else "", text)


def query_form(text: str) -> str:
    """'select', 'construct', 'ask', 'describe', an update keyword ('insert', 'load', ...) or ''."""
    code = code_only(text)
    word = _FIRST_WORD.match(code, _PROLOGUE.match(code).end())
    return word.group(0).lower() if word else ""


def uses_service(text: str) -> bool:
    """Whether the query federates to another endpoint (SERVICE), which a public endpoint must refuse."""
    return bool(_SERVICE.search(code_only(text)))


# --- named queries and their headers ------------------------------------------------------------------

_PARAM = re.compile(r"([A-Za-z_][\w-]*)\s*\(\s*([^,()]+?)\s*,\s*default\s+([^()]*?)\s*\)")
PARAM_TYPES = ("iri", "xsd:string", "xsd:integer", "xsd:decimal", "xsd:date", "xsd:boolean")


@dataclass(frozen=True)
class Parameter:
    """One declared parameter: its name, type (iri or an xsd type) and default as written in the header."""

    name: str
    type: str
    default: str


@dataclass(frozen=True)
class NamedQuery:
    """A query with its header: the research question in English and Vietnamese, and its parameters."""

    name: str
    text: str
    title: str = ""
    question: str = ""
    question_vi: str = ""
    parameters: tuple[Parameter, ...] = ()
    path: Path | None = None

    @property
    def form(self) -> str:
        return query_form(self.text)

    @property
    def ordered(self) -> bool:
        """Whether its rows come in a defined order (ORDER BY), so answers compare as lists."""
        return self.form == "select" and bool(_ORDER_BY.search(code_only(self.text)))


def parse_header(text: str, name: str = "<query>", path: Path | None = None) -> NamedQuery:
    """Read the `# key: value` comment lines at the top of a query."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        key, sep, value = stripped.lstrip("#").partition(":")
        if sep and key.strip() in ("title", "question", "question-vi", "parameters"):
            fields[key.strip()] = value.strip()
    params = []
    for match in _PARAM.finditer(fields.get("parameters", "")):
        pname, ptype, default = match.groups()
        if ptype not in PARAM_TYPES:
            raise InputError(f"parameter {pname}: unknown type {ptype} (one of {', '.join(PARAM_TYPES)})",
                             path=path or name)
        params.append(Parameter(pname, ptype, default))
    return NamedQuery(name=name, text=text, title=fields.get("title", ""),
                      question=fields.get("question", ""), question_vi=fields.get("question-vi", ""),
                      parameters=tuple(params), path=path)


def list_queries(folder: Path | None = None, checks: bool = True) -> list[NamedQuery]:
    """Every named query (and the checks/*-violation.rq queries), sorted by name."""
    folder = folder or queries_dir()
    paths = sorted(folder.glob("*.rq")) + (sorted((folder / "checks").glob("*.rq")) if checks else [])
    return [parse_header(p.read_text(encoding="utf-8"), p.relative_to(folder).with_suffix("").as_posix(), p)
            for p in paths]


def find_query(name_or_text: str, folder: Path | None = None) -> NamedQuery:
    """A named query, a .rq file, or SPARQL text given directly (its header is read when present)."""
    folder = folder or queries_dir()
    named = (folder / f"{name_or_text.removesuffix('.rq')}.rq").resolve()
    if "\n" not in name_or_text and "{" not in name_or_text:
        inside = named.is_relative_to(folder.resolve()) and not Path(name_or_text).is_absolute()
        if inside and named.is_file():
            return parse_header(named.read_text(encoding="utf-8"), name_or_text.removesuffix(".rq"), named)
        path = Path(name_or_text)
        if path.is_file():
            try:
                return parse_header(path.read_text(encoding="utf-8"), str(path), path)
            except (OSError, UnicodeDecodeError) as err:
                raise InputError(f"cannot read the query: {err}", path=path) from None
        raise UsageError(f"no named query or file {name_or_text!r} (`phoihop query --list` shows the names)")
    return parse_header(name_or_text)


# --- parameters: typed, escaped terms replacing the value list of `VALUES ?name { ... }` ----------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_BAD_IRI_CHARS = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def expand_iri(value: str) -> str:
    """A full IRI from `<iri>`, an IRI, or a prefixed name with a phoihop prefix (`id:actor/...`)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIX_MAP and not local.startswith("//"):
        value = PREFIX_MAP[prefix] + local
    if not _SCHEME.match(value) or _BAD_IRI_CHARS.search(value):
        raise UsageError(f"not an IRI: {value!r}")
    return value


def sparql_term(value: Any, type_: str) -> str:
    """The SPARQL syntax of one parameter value of the declared type; anything else is a UsageError."""
    text = str(value).strip() if not isinstance(value, str) else value
    try:
        if type_ == "iri":
            return f"<{expand_iri(text)}>"
        if type_ == "xsd:integer":
            if isinstance(value, bool) or not re.fullmatch(r"[+-]?\d+", text.strip()):
                raise ValueError
            return f'"{int(text)}"^^<{XSD}integer>'
        if type_ == "xsd:decimal":
            number = Decimal(text.strip())
            if not number.is_finite():
                raise ValueError
            return f'"{number}"^^<{XSD}decimal>'
        if type_ == "xsd:date":
            day = value if isinstance(value, date) and not isinstance(value, datetime) else \
                date.fromisoformat(text.strip())
            return f'"{day.isoformat()}"^^<{XSD}date>'
        if type_ == "xsd:boolean":
            flag = {"true": "true", "1": "true", "false": "false", "0": "false"}[text.strip().lower()]
            return f'"{flag}"^^<{XSD}boolean>'
        if type_ == "xsd:string":
            return '"' + "".join(_STRING_ESCAPES.get(ch, ch) for ch in text) + '"'
    except (ValueError, InvalidOperation, KeyError):
        raise UsageError(f"{value!r} is not a valid {type_}") from None
    raise UsageError(f"unknown parameter type {type_}")


def _values_clause(name: str) -> re.Pattern:
    inner = r'(?:[^{}"\']|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')*'
    return re.compile(rf"(VALUES\s+\?{re.escape(name)}\s*\{{)({inner})(\}})", re.I)


def bind(query: NamedQuery, values: Mapping[str, Any]) -> str:
    """The query text with each given parameter's VALUES lists replaced by the value, typed and escaped.

    A parameter may have several VALUES clauses: repeating one inside an OPTIONAL lets the store bind it
    there too (pyoxigraph otherwise reads the whole OPTIONAL pattern before joining)."""
    declared = {p.name: p for p in query.parameters}
    text = query.text
    for name, value in values.items():
        param = declared.get(name)
        if param is None:
            known = ", ".join(declared) or "none"
            raise UsageError(f"{query.name} has no parameter {name!r} (its parameters: {known})")
        term = sparql_term(value, param.type)
        text, count = _values_clause(name).subn(lambda m, t=term: f"{m.group(1)} {t} {m.group(3)}", text)
        if not count:
            raise InputError(f"parameter {name} is declared but the query has no `VALUES ?{name} {{ ... }}`",
                             path=query.path or query.name)
    return text


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """`name=value` strings from the command line as a dict."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param wants NAME=VALUE, got {pair!r}")
        params[name.strip()] = value
    return params


# --- backends -----------------------------------------------------------------------------------------

_OX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def syntax_error(err: Exception, source: str) -> InputError:
    """A parser message as an InputError naming the query and, when known, its line and column."""
    message = str(getattr(err, "msg", None) or err)
    match = _OX_ERROR.search(message)
    if match:
        return InputError(f"query does not parse: {_one_line(match.group(3))}", path=source,
                          line=int(match.group(1)), column=int(match.group(2)))
    return InputError(f"query does not parse: {_one_line(message)}", path=source)


def _one_line(message: str, width: int = 200) -> str:
    """A parser message on one short line: the parser lists every token it expected, Unicode ranges too."""
    message = " ".join(message.split())
    return message if len(message) <= width else message[: width - 1] + "…"



def with_prologue(text: str) -> str:
    """The query with PREFIX lines for the phoihop prefixes it uses but does not declare.

    The embedded engines take the prefixes as an argument (so error positions stay right); a remote
    endpoint only sees text.
    """
    declared = {m.group(1) for m in re.finditer(r"(?i)\bPREFIX\s+([\w-]*):", text)}
    missing = [p for p in PREFIX_MAP if p not in declared and re.search(rf"(?<![\w<]){re.escape(p)}:", text)]
    return "".join(f"PREFIX {p}: <{PREFIX_MAP[p]}>\n" for p in missing) + text


class OxigraphBackend:
    """The embedded pyoxigraph store; the default graph is the union of every graph, as in the build."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, max_rows: int | None = None):
        self.store = store
        self.max_rows = max_rows  # read no further than this: a huge answer is refused, not held in memory

    def run(self, text: str, source: str) -> Results:
        try:
            answer = self.store.query(text, use_default_graph_as_union=True, prefixes=PREFIX_MAP)
            return results_from_ox(answer, query_form(text), self.max_rows)
        except SyntaxError as err:
            raise syntax_error(err, source) from None
        except OSError as err:
            raise StoreError(f"query failed: {err}", path=source) from None


class RdflibBackend:
    """rdflib's SPARQL engine over the same quads: the reference the embedded store is checked against."""

    name = "rdflib"

    def __init__(self, store: ox.Store):
        import rdflib

        self.dataset = rdflib.Dataset(default_union=True)
        default = self.dataset.default_graph
        graphs: dict[str, Any] = {}
        quads = []
        for q in store:
            if isinstance(q.graph_name, ox.DefaultGraph):
                graph = default
            else:
                key = q.graph_name.value
                if key not in graphs:
                    graphs[key] = self.dataset.graph(to_rdflib_term(q.graph_name))
                graph = graphs[key]
            s, p, o = (to_rdflib_term(t) for t in (q.subject, q.predicate, q.object))
            quads.append((s, p, o, graph))
        self.dataset.addN(quads)

    def run(self, text: str, source: str) -> Results:
        from pyparsing import ParseException

        try:
            with warnings.catch_warnings():  # rdflib 7 warns about its own use of default_context
                warnings.simplefilter("ignore", DeprecationWarning)
                answer = self.dataset.query(text, initNs=PREFIX_MAP)
                rows = list(answer) if answer.type != "ASK" else []
        except ParseException as err:
            raise InputError(f"query does not parse: {err.msg}", path=source, line=err.lineno,
                             column=err.col) from None
        except Exception as err:  # rdflib reports unsupported features with assorted exception types
            raise UsageError(f"rdflib cannot run this query: {type(err).__name__}: {err}",
                             path=source) from None
        if answer.type == "ASK":
            return Results("ask", ["boolean"], [(ox.Literal(bool(answer.askAnswer)),)])
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            return Results(answer.type.lower(), ["subject", "predicate", "object"],
                           [tuple(to_ox_term(t) for t in triple) for triple in rows])
        variables = [str(v) for v in answer.vars]
        return Results("select", variables,
                       [tuple(None if t is None else to_ox_term(t) for t in row) for row in rows])


def endpoint_url(url: str) -> str:
    """The URL of an endpoint or graph store, checked: a typo is for the user to fix (exit 2), not a store
    that failed (exit 3)."""
    try:
        parts = urlsplit(url)
        usable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a bad port or IPv6 address
        usable = False
    if not usable:
        raise UsageError(f"not an http(s) URL: {url!r} (like http://127.0.0.1:7878/sparql)")
    return url


def server_message(response) -> str:
    """The error text a SPARQL server sent back, without its HTML dressing."""
    text = re.sub(r"<[^>]+>", " ", response.text or "")
    text = re.sub(r"\s+", " ", text).strip()
    return f"HTTP {response.status_code}: {text[:500] or response.reason_phrase}"


class EndpointBackend:
    """A remote SPARQL 1.1 Protocol endpoint (Oxigraph server, Virtuoso, Fuseki, GraphDB, `phoihop serve`)."""

    name = "endpoint"

    def __init__(self, url: str, timeout: float | None = None, default_graphs: Sequence[str] = ()):
        self.url = endpoint_url(url)
        self.timeout = timeout
        self.default_graphs = list(default_graphs)

    def run(self, text: str, source: str) -> Results:
        import httpx

        form = query_form(text)
        graph = form in ("construct", "describe")
        accept = "application/n-triples, text/turtle;q=0.9" if graph else \
            "application/sparql-results+json, application/sparql-results+xml;q=0.5"
        data = {"query": with_prologue(text), "default-graph-uri": self.default_graphs}
        try:
            response = httpx.post(self.url, data=data, headers={"Accept": accept},
                                  timeout=self.timeout if self.timeout else 300.0)
        except httpx.TimeoutException:
            raise QueryTimeout(f"no answer from {self.url} within {self.timeout} s", path=source) from None
        except httpx.HTTPError as err:
            raise StoreError(f"cannot reach {self.url}: {err}", path=source) from None
        if 400 <= response.status_code < 500:  # a bad, forbidden or too large query: the request's fault
            raise InputError(f"the endpoint refused the query: {server_message(response)}", path=source)
        if response.status_code >= 300:
            raise StoreError(f"{self.url}: {server_message(response)}", path=source)
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        try:
            if graph:
                rdf_format = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
                triples = ox.parse(response.content, format=rdf_format)
                return Results(form, ["subject", "predicate", "object"],
                               [(t.subject, t.predicate, t.object) for t in triples])
            if media.endswith("json") or not media:
                return results_from_json(response.content, form)
            results_format = ox.QueryResultsFormat.from_media_type(media) or ox.QueryResultsFormat.XML
            return results_from_ox(ox.parse_query_results(response.content, format=results_format), form)
        except (SyntaxError, ValueError, KeyError, TypeError) as err:
            raise StoreError(f"{self.url} sent an unreadable answer ({media}): {err}", path=source) from None


# --- the Python API -------------------------------------------------------------------------------------


def default_graph_files() -> list[Path]:
    """The built graph: dist/phoihop.trig (named graphs) or dist/phoihop.ttl, here or in the project."""
    for folder in (Path("dist"), project_root() / "dist"):
        for name in ("phoihop.trig", "phoihop.ttl"):
            if (folder / name).is_file():
                return [folder / name]
    raise InputError("no built graph: run `phoihop build` first, or name the graph files (--graph FILE)",
                     path="dist/phoihop.trig")


def load_store(paths: Sequence[str | Path] | None = None) -> ox.Store:
    """The given RDF files (or folders), or the built graph, in one pyoxigraph store."""
    store = ox.Store()
    for path in expand_inputs(paths) if paths else default_graph_files():
        load_file(store, path)
    return store


class Phoihop:
    """A graph (embedded or remote) with the named queries at hand: `.query("name", param=value)`."""

    def __init__(self, backend, folder: Path | None = None):
        self.backend = backend
        self.folder = folder

    def queries(self) -> list[NamedQuery]:
        return list_queries(self.folder)

    def prepare(self, name_or_text: str, params: Mapping[str, Any] | None = None) -> tuple[NamedQuery, str]:
        """The query and its text with the parameters bound."""
        query = find_query(name_or_text, self.folder)
        return query, bind(query, params or {})

    def query(self, name_or_text: str, /, timeout: float | None = None, **params: Any) -> Results:
        """Run a named query, a .rq file or SPARQL text; parameters by keyword (`year=2022`).

        With a timeout the embedded engines run the query in a thread and raise QueryTimeout when it is
        late; the thread cannot be stopped and finishes in the background (the CLI exits instead).
        """
        query, text = self.prepare(name_or_text, params)
        return self.run_text(text, query.name, timeout)

    def run_text(self, text: str, source: str = "<query>", timeout: float | None = None) -> Results:
        import time

        form = query_form(text)
        if form in UPDATE_FORMS:
            raise UsageError(f"{form.upper()} is a SPARQL update; phoihop only reads the graph (change the data "
                             "files and rebuild instead)", path=source)
        start = time.perf_counter()
        if timeout is None or isinstance(self.backend, EndpointBackend):
            results = self.backend.run(text, source)
        else:
            results = _run_with_timeout(self.backend, text, source, timeout)
        results.seconds = time.perf_counter() - start
        unit = "triple" if results.is_graph else "row"
        log.info("%s: %d %s%s in %.3f s (%s)", source, len(results), unit, "" if len(results) == 1 else "s",
                 results.seconds, self.backend.name)
        return results


def _run_with_timeout(backend, text: str, source: str, timeout: float) -> Results:
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["results"] = backend.run(text, source)
        except BaseException as err:  # handed back to the caller's thread
            outcome["error"] = err

    worker = threading.Thread(target=work, name="phoihop-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"the query ran past {timeout:g} s", path=source)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["results"]


ENGINES = ("oxigraph", "rdflib")


def open_graph(paths: Sequence[str | Path] | str | Path | None = None, engine: str = "oxigraph",
               endpoint: str | None = None, timeout: float | None = None,
               folder: Path | None = None, max_rows: int | None = None) -> Phoihop:
    """Load the built graph (or the given files) into an engine, or connect to a SPARQL endpoint.

    >>> g = open_graph("dist/phoihop.trig")             # doctest: +SKIP
    >>> g.query("programmes-active-in-year", year=2022)  # doctest: +SKIP
    """
    if endpoint:
        if paths:
            raise UsageError("give either an endpoint or graph files, not both")
        return Phoihop(EndpointBackend(endpoint, timeout), folder)
    if isinstance(paths, str | Path):
        paths = [paths]
    store = load_store(paths)
    if engine == "oxigraph":
        return Phoihop(OxigraphBackend(store, max_rows), folder)
    if engine == "rdflib":
        return Phoihop(RdflibBackend(store), folder)
    raise UsageError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")


# --- what `phoihop query` does ------------------------------------------------------------------------


def describe_queries(folder: Path | None = None) -> str:
    """Names, titles, questions (en, vi) and parameters of the query library, for `--list`."""
    blocks = []
    for q in list_queries(folder):
        lines = [f"{q.name}  [{q.form.upper()}]"] + [f"    {t}" for t in (q.title, q.question, q.question_vi)]
        lines += [f"    --param {p.name}=…  ({p.type}, default {p.default})" for p in q.parameters]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def run_command(target: str | None, *, stdin_text: str | None = None, params: Iterable[str] = (),
                fmt: str | None = None, list_only: bool = False, endpoint: str | None = None,
                engine: str = "oxigraph", graphs: Sequence[Path] = (), timeout: float | None = None,
                max_rows: int | None = None, out: str | Path = "-", lang: str = "vi") -> int:
    """`phoihop query`: list the library, or run one query and write its results; returns the row count.

    `lang` fills the query's `lang` parameter (labels, actions, topics) unless -p lang=… is given."""
    from .atomic import atomic_write

    if list_only:
        with atomic_write(out) as handle:
            handle.write(describe_queries())
        return 0
    if not target:
        raise UsageError("name a query, a .rq file or - for stdin (`phoihop query --list` shows the names)")
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    graph = open_graph(list(graphs) or None, engine=engine, endpoint=endpoint, timeout=timeout, max_rows=max_rows)
    bound = parse_params(params)
    query = parse_header(stdin_text or "", "<stdin>") if target == "-" else find_query(target)
    if "lang" in {p.name for p in query.parameters}:
        bound.setdefault("lang", lang)
    if target == "-":
        results = graph.run_text(bind(query, bound), query.name, timeout)
    else:
        results = graph.query(target, timeout=timeout, **bound)
    if max_rows is not None and len(results) > max_rows:  # engines that cannot stop early: refuse after
        raise ResultTooLarge.over(max_rows)
    fmt = fmt or ("turtle" if results.is_graph else "table")
    text = to_table(results, terminal_width() if str(out) == "-" else None) if fmt == "table" else \
        results.serialize(fmt)
    with atomic_write(out) as handle:
        handle.write(text)
    return len(results)
