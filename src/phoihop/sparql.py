"""SPARQL text before it reaches an engine: what a query is, whether it is safe to run, and room to run it.

- `query_form`, `code_only`: the form of a query (SELECT, an update, ...) with IRIs, strings and comments
  blanked, so a keyword inside a literal is not taken for one.
- `check_limits`: pyoxigraph's parser and evaluator recurse, and 3,000 nested `{` (or a long enough chain of
  BINDs) overflow the thread's stack and kill the process (exit 139 / a dead endpoint worker). Nesting deeper
  than MAX_NESTING and queries longer than a limit are refused with a message naming the line and column.
- `run_deep`: embedded queries run on a thread with a large stack, so what passes the limits has room.
- `federated`: whether a query calls another endpoint (SERVICE), decided from rdflib's algebra of the query,
  never from its text, so `{} .SERVICE <...>` or a keyword spelt with \\u escapes cannot slip through.
- `names_graphs`: whether a query may name graphs (GRAPH, FROM), so that it is not answered from a store
  that holds only their union.
- `star_order`: `SELECT *` columns in the order the variables first appear in the query, on every engine.
"""

from __future__ import annotations

import re
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from .errors import InputError, QueryTimeout, UsageError
from .namespaces import PREFIXES

MAX_NESTING = 256  # brackets and chained `!`; the named queries nest under 10, 3,000 crashed the parser
MAX_QUERY_CHARS = 1_000_000  # what the command line accepts; the endpoint has its own, smaller limit
STACK_BYTES = 512 << 20  # reserved (not committed) per query thread: deep plans recurse in native code

T = TypeVar("T")

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
_STAR = re.compile(r"\s*SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.I)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_BARE_SERVICE = re.compile(r"(?<![\w:\-])service(?![\w:\-])", re.I)
_GRAPH_WORDS = re.compile(r"(?<![\w:\-?$])(?:graph|from)(?![\w:\-])", re.I)
QUERY_FORMS = {"select", "construct", "ask", "describe"}
UPDATE_FORMS = {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}
_OPEN, _CLOSE = "{([", "})]"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_BAD_IRI_CHARS = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_NAMESPACES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def code_only(text: str) -> str:
    """The query with IRIs, string literals and comments blanked (lines and columns kept), so keywords and
    brackets can be found safely."""
    return _LEXICAL.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def query_form(text: str) -> str:
    """'select', 'construct', 'ask', 'describe', an update keyword ('insert', 'load', ...) or ''."""
    code = code_only(text)
    word = _FIRST_WORD.match(code, _PROLOGUE.match(code).end())
    return word.group(0).lower() if word else ""


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_limits(text: str, source: str = "<query>", max_chars: int = MAX_QUERY_CHARS) -> None:
    """Refuse (InputError, exit 2 / HTTP 400) a query longer than `max_chars` or nested deeper than
    MAX_NESTING, before any engine parses it."""
    if len(text) > max_chars:
        raise InputError(f"the query is too long: {len(text)} characters, the limit is {max_chars}", path=source)
    code = code_only(text)
    depth = run = 0
    for index, char in enumerate(code):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        if char == "!":
            run += 1
        elif not char.isspace():
            run = 0
        if depth > MAX_NESTING or run > MAX_NESTING:
            line, column = _position(text, index)
            raise InputError(f"the query nests more than {MAX_NESTING} levels deep; flatten it", path=source,
                             line=line, column=column)


def run_deep(work: Callable[[], T], timeout: float | None = None, source: str = "<query>") -> T:
    """`work()` on a thread with a STACK_BYTES stack; its result or its exception, or QueryTimeout after
    `timeout` seconds (the thread cannot be stopped and finishes in the background: the CLI exits)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as err:  # handed back to the caller's thread, without the frames: pyoxigraph's
            traceback.clear_frames(err.__traceback__)  # answers held there must die on the thread that made them
            outcome["error"] = err.with_traceback(None)

    previous = threading.stack_size(STACK_BYTES)
    try:
        worker = threading.Thread(target=target, name="phoihop-query", daemon=True)
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"the query ran past {timeout:g} s", path=source)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def unescape_codepoints(text: str) -> str:
    """`\\uXXXX` and `\\UXXXXXXXX` replaced by their characters, as SPARQL does before parsing anything."""
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def federated(text: str) -> bool:
    """Whether the query calls another endpoint (SERVICE anywhere in its algebra: OPTIONAL, EXISTS,
    subqueries). The algebra comes from rdflib's parser; a query without the letters of the keyword cannot
    hold it and is not parsed (parsing costs ~50 ms); one that rdflib cannot parse counts as federated when
    the keyword appears outside IRIs, strings and prefixed names."""
    plain = unescape_codepoints(text)
    if "service" not in plain.lower():
        return False
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    found: list[object] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            found.append(node)

    try:
        traverse(translateQuery(parseQuery(plain), initNs=_NAMESPACES).algebra, visitPre=visit)
    except Exception:  # rdflib raises assorted types; whatever it cannot read is judged by its words
        return bool(_BARE_SERVICE.search(code_only(plain)))
    return bool(found)


def names_graphs(text: str) -> bool:
    """Whether a query may name graphs: GRAPH or FROM outside IRIs, strings, comments, prefixed names and
    variables (\\u escapes undone first). Conservative: a false alarm only sends the query to the named
    graphs, which answer every query; a miss would answer from the union alone."""
    return bool(_GRAPH_WORDS.search(code_only(unescape_codepoints(text))))


def star_order(text: str, variables: list[str]) -> list[str] | None:
    """For `SELECT *`, the engine's variables in the order they first appear in the query (engines differ:
    pyoxigraph sorts them, rdflib uses a set); None for any other query."""
    code = code_only(text)
    start = _PROLOGUE.match(code).end()
    if not _STAR.match(code, start):
        return None
    first: dict[str, int] = {}
    for match in _VARIABLE.finditer(code, start):
        first.setdefault(match.group(1), match.start())
    return sorted(variables, key=lambda v: (first.get(v, len(code)), variables.index(v)))


_OX_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
_CHAR_CLASS = re.compile(r"\[[^\[\]]*\.\.=[^\[\]]*\]")
_PNAME = re.compile(r"(?<![\w<?$:.\-])([A-Za-z][\w.\-]*)?:(?=[\w%\\]|\s|$)")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.\-]*)?:", re.I)


def parse_error(err: Exception, text: str, source: str = "<query>", known: Iterable[str] = ()) -> InputError:
    """pyoxigraph's parser message as one short line naming the query, line and column.

    An undeclared prefix is named as such (the parser lists every character it expected instead); `known`
    are the prefixes the engine was given besides the query's own PREFIX lines."""
    message = str(getattr(err, "msg", None) or err)
    match = _OX_ERROR.search(message)
    if not match:
        return InputError(f"query does not parse: {_one_line(message)}", path=source)
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3)
    if "Prefix not found" in detail:
        code = code_only(text)
        declared = {m.group(1) or "" for m in _DECLARED.finditer(code)} | set(known)
        unknown = next((m.group(1) or "" for m in _PNAME.finditer(code) if (m.group(1) or "") not in declared), None)
        if unknown is not None:
            return InputError(f"the prefix {unknown}: is not declared (add `PREFIX {unknown}: <...>`)",
                              path=source, line=line, column=column)
    return InputError(f"query does not parse: {_one_line(_CHAR_CLASS.sub('[…]', detail))}", path=source,
                      line=line, column=column)


def _one_line(message: str, width: int = 200) -> str:
    """A parser message on one short line."""
    message = " ".join(message.split())
    return message if len(message) <= width else message[: width - 1] + "…"


def expand_iri(value: str) -> str:
    """A full IRI from `<iri>`, an IRI, or a prefixed name with a phoihop prefix (`id:actor/...`)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in _NAMESPACES and not local.startswith("//"):
        value = _NAMESPACES[prefix] + local
    if not _SCHEME.match(value) or _BAD_IRI_CHARS.search(value):
        raise UsageError(f"not an IRI: {value!r}")
    return value
