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
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, TypeVar

import pyoxigraph as ox

from .answers import Answers
from .atomic import atomic_write, check_not_input
from .errors import InputError, StoreError, UsageError
from .release import built_graph, built_graph_files, load_graph
from .remote import EndpointBackend
from .resources import queries_dir
from .results import FORMATS, XSD, Answer, Engine, Results, answer_from_ox, check_form_format, write
from .sparql import (
    UPDATE_FORMS,
    check_limits,
    code_only,
    expand_iri,
    names_graphs,
    parse_error,
    query_form,
    run_deep,
    star_order,
)
from .store import PREFIX_MAP, expand_inputs, load_files, to_ox_term, to_rdflib_term
from .table import terminal_width

log = logging.getLogger("phoihop.query")

_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
T = TypeVar("T")


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

_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


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


# --- engines ------------------------------------------------------------------------------------------


class OxigraphBackend(Engine):
    """The embedded pyoxigraph store; the default graph is the union of every graph, as in the build.

    Opened on a release's store, which holds only the union, `quads` loads the release's named graphs
    the first time a query may name graphs (`names_graphs`), and they answer from then on."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, quads: Callable[[], ox.Store] | None = None):
        self.store = store
        self.quads = quads

    def stream(self, text: str, source: str) -> Answer:
        """The answer, read lazily: rows are produced as the caller iterates."""
        if self.quads is not None and names_graphs(text):
            log.info("%s names graphs: reading the named graphs (the release's store holds their union)", source)
            self.store, self.quads = self.quads(), None
        try:
            answer = self.store.query(text, use_default_graph_as_union=True, prefixes=PREFIX_MAP)
        except SyntaxError as err:
            raise parse_error(err, text, source, PREFIX_MAP) from None
        except OSError as err:
            raise StoreError(f"query failed: {err}", path=source) from None
        return answer_from_ox(answer, query_form(text))


class RdflibBackend(Engine):
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

    def stream(self, text: str, source: str) -> Answer:
        """rdflib's answer (it evaluates the whole query first)."""
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
            return Answer("ask", ["boolean"], iter([(ox.Literal(bool(answer.askAnswer)),)]))
        if answer.type in ("CONSTRUCT", "DESCRIBE"):
            return Answer(answer.type.lower(), ["subject", "predicate", "object"],
                          (tuple(to_ox_term(t) for t in triple) for triple in rows))
        return Answer("select", [str(v) for v in answer.vars],
                      (tuple(None if t is None else to_ox_term(t) for t in row) for row in rows))


# --- the Python API -------------------------------------------------------------------------------------


class Phoihop:
    """A graph (embedded or remote) with the named queries at hand: `.query("name", param=value)`."""

    def __init__(self, backend, folder: Path | None = None, max_rows: int | None = None):
        self.backend = backend
        self.folder = folder
        self.max_rows = max_rows  # read no further: a huge answer is refused, not held in memory

    def queries(self) -> list[NamedQuery]:
        return list_queries(self.folder)

    def prepare(self, name_or_text: str, params: Mapping[str, Any] | None = None) -> tuple[NamedQuery, str]:
        """The query and its text with the parameters bound."""
        query = find_query(name_or_text, self.folder)
        return query, bind(query, params or {})

    def query(self, name_or_text: str, /, timeout: float | None = None, **params: Any) -> Results:
        """Run a named query, a .rq file or SPARQL text; parameters by keyword (`year=2022`).

        With a timeout, QueryTimeout is raised when the answer is late; the embedded engines cannot stop
        a query, which finishes in the background (the CLI exits instead).
        """
        query, text = self.prepare(name_or_text, params)
        return self.run_text(text, query.name, timeout)

    def run_text(self, text: str, source: str = "<query>", timeout: float | None = None) -> Results:
        """Run SPARQL text and hold the whole answer (at most `max_rows` rows)."""
        start = time.perf_counter()
        results = self._run(text, source, timeout, lambda answer: answer.results(self.max_rows))
        results.seconds = time.perf_counter() - start
        log.info("%s: %s in %.3f s (%s)", source, counted(len(results), results.is_graph), results.seconds,
                 self.backend.name)
        return results

    def write(self, text: str, fmt: str | None, out: IO[str], source: str = "<query>",
              timeout: float | None = None, width: int | None = None) -> int:
        """Run SPARQL text and write its answer to `out` as the rows come; returns the number of rows.

        With `max_rows`, up to that many rows are read before the first is written, so a larger answer is
        refused with nothing written. A table fits `width` columns."""
        start = time.perf_counter()
        graph = [False]

        def write_answer(answer: Answer) -> int:
            graph[0] = answer.is_graph
            if self.max_rows is not None:
                answer = answer.results(self.max_rows).answer()
            return write(answer, fmt or ("turtle" if answer.is_graph else "table"), out, width)
        count = self._run(text, source, timeout, write_answer)
        log.info("%s: %s in %.3f s (%s)", source, counted(count, graph[0]), time.perf_counter() - start,
                 self.backend.name)
        return count

    def _run(self, text: str, source: str, timeout: float | None, consume: Callable[[Answer], T]) -> T:
        form = query_form(text)
        if form in UPDATE_FORMS:
            raise UsageError(f"{form.upper()} is a SPARQL update; phoihop only reads the graph (change the data "
                             "files and rebuild instead)", path=source)

        def work() -> T:
            answer = self.backend.stream(text, source)
            return consume(answer.reordered(star_order(text, answer.variables)))
        if isinstance(self.backend, EndpointBackend):  # the endpoint judges the query; HTTP has its timeout
            return work()
        check_limits(text, source)  # before the embedded parser, whose recursion a deep query overflows
        return run_deep(work, timeout, source)


ENGINES = ("oxigraph", "rdflib")


def open_graph(paths: Sequence[str | Path] | str | Path | None = None, engine: str = "oxigraph",
               endpoint: str | None = None, timeout: float | None = None,
               folder: Path | None = None, max_rows: int | None = None) -> Phoihop:
    """Load the given files into an engine, open the built graph (its release's store when it has one),
    or connect to a SPARQL endpoint.

    >>> g = open_graph("dist/phoihop.trig")                # doctest: +SKIP
    >>> g.query("programmes-active-in-year", year=2022)     # doctest: +SKIP
    """
    if endpoint:
        if paths:
            raise UsageError("give either an endpoint or graph files, not both")
        return Phoihop(EndpointBackend(endpoint, timeout), folder, max_rows)
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    if paths or engine != "oxigraph":
        store = load_graph(paths)
        backend = OxigraphBackend(store) if engine == "oxigraph" else RdflibBackend(store)
        return Phoihop(backend, folder, max_rows)
    built = built_graph()  # its store opens in milliseconds; the named graphs load only when a query names them
    store, has_graphs = built.open()
    return Phoihop(OxigraphBackend(store, None if has_graphs else lambda: load_files(built.files)), folder, max_rows)


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
                max_rows: int | None = None, out: str | Path = "-", lang: str = "vi", cache: bool = True) -> int:
    """`phoihop query`: list the library, or run one query and stream its results; returns the row count.

    `lang` fills the query's `lang` parameter (labels, actions, topics) unless -p lang=… is given; a table
    written to the terminal fits its width. On the built release, an answer is kept per release and given
    again without running the query (`phoihop.answers`) unless `cache` is false."""
    if list_only:
        with atomic_write(out) as handle:
            handle.write(describe_queries())
        return 0
    if not target:
        raise UsageError("name a query, a .rq file or - for stdin (`phoihop query --list` shows the names)")
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    query = parse_header(stdin_text or "", "<stdin>") if target == "-" else find_query(target)
    form = query_form(query.text)
    if fmt is not None and form in ("select", "ask", "construct", "describe"):
        check_form_format(form, fmt)  # refused before the graph is opened or the query run
    bound = parse_params(params)
    files = expand_inputs(graphs) if graphs and not endpoint else []
    graph = open_graph(files or None, engine=engine, endpoint=endpoint, timeout=timeout, max_rows=max_rows)
    inputs = files or ([] if endpoint else built_graph_files())
    if "lang" in {p.name for p in query.parameters}:
        bound.setdefault("lang", lang)
    text = bind(query, bound)
    check_not_input(out, [*inputs, *([query.path] if query.path else [])])
    width = terminal_width() if str(out) == "-" else None
    kept = Answers.of(inputs[0].parent) if cache and inputs and not files and engine == "oxigraph" else None
    with atomic_write(out) as handle:
        if kept is None:
            return graph.write(text, fmt, handle, query.name, timeout, width)
        return kept.write(kept.path(text, fmt, max_rows, width), handle,
                          lambda sink: graph.write(text, fmt, sink, query.name, timeout, width))


def counted(count: int, graph: bool) -> str:
    """'1 row', '12 rows', '227 triples': what a log line says was read."""
    return f"{count} {'triple' if graph else 'row'}{'' if count == 1 else 's'}"
