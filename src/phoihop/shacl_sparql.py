"""SHACL validation compiled to SPARQL and run on the pyoxigraph store: pySHACL's results, much faster.

pySHACL walks an rdflib graph node by node in Python; at national scale that, plus copying the store into
rdflib, dominates a build. Here every constraint of every shape becomes one SPARQL pattern that matches
exactly its violations, and the store evaluates it natively. Shapes are read generically from the shapes
graph (SHACL Core plus SPARQL-based constraints); anything this module cannot translate raises
UnsupportedShape instead of passing silently.

Semantics follow pySHACL where SHACL leaves room (which results carry sh:value, how values compare), and
tests/test_shacl_sparql.py checks that both engines report the same results on every shape fixture. Two
known limits: results without an sh:message get our own wording (pySHACL's generated texts differ), and a
SPARQL-based constraint is joined with its focus nodes instead of being pre-bound, which is the same for
queries that bind $this in a triple pattern (all of ours do).
The store should already hold the rdf:type closure (`phoihop.infer.infer`), as pySHACL sees it in a build.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import BNode, Literal, Node, URIRef

from .errors import UsageError
from .shacl import ValidationReport, ValidationResult, load_shapes

log = logging.getLogger("phoihop.shacl_sparql")

COMPLEX_PATH = "(complex path)"  # what shacl.py records for a non-IRI sh:resultPath


class UnsupportedShape(UsageError):
    """A shape uses SHACL this engine cannot translate: validate with pySHACL rather than trust a pass."""


# Shape properties that describe or target a shape, or are read by the handler of another parameter.
_NON_CONSTRAINT = {
    RDF.type, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.severity,
    SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.declare,
    SH.flags, SH.ignoredProperties, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.target,
}
_NODE_KINDS = {  # node kind -> the term tests it allows
    SH.IRI: ("isIRI",), SH.BlankNode: ("isBlank",), SH.Literal: ("isLiteral",),
    SH.BlankNodeOrIRI: ("isBlank", "isIRI"), SH.BlankNodeOrLiteral: ("isBlank", "isLiteral"),
    SH.IRIOrLiteral: ("isIRI", "isLiteral"),
}
# Datatypes whose SPARQL cast yields the canonical form. The store keeps well-formed literals canonical,
# so a literal that differs from its own cast is ill-formed: a candidate for a datatype result.
_CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.date, XSD.dateTime,
             XSD.time, XSD.duration}
_RANGE = {SH.minInclusive: (">=", SH.MinInclusiveConstraintComponent),
          SH.minExclusive: (">", SH.MinExclusiveConstraintComponent),
          SH.maxInclusive: ("<=", SH.MaxInclusiveConstraintComponent),
          SH.maxExclusive: ("<", SH.MaxExclusiveConstraintComponent)}
_PAIR = {SH.lessThan: ("<", SH.LessThanConstraintComponent),
         SH.lessThanOrEquals: ("<=", SH.LessThanOrEqualsConstraintComponent)}
_MESSAGE_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_LEADING_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SELECT_HEAD = re.compile(r"^\s*SELECT\s+((?:DISTINCT|REDUCED)\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class Branch:
    """One way a focus node can break a shape: a SPARQL pattern over the focus variable.

    The pattern has one solution per result. `value` names the variable holding sh:value (None: the result
    has none); `path_var` the variable holding the result path where it varies per row (sh:closed, SPARQL).
    Most constraints are a `test` (a boolean expression) on each value node bound by `binding` (scope
    "value") or on the focus node alone (scope "focus"): the tests of one shape then share one query.
    """

    shape: Node
    component: URIRef
    pattern: str
    value: str | None
    path: str | None
    severity: str
    messages: tuple[Literal, ...]
    path_var: str | None = None
    datatype: URIRef | None = None  # re-check candidates with rdflib's reading of the lexical form
    value_or_focus: bool = False  # SPARQL constraint on a node shape: no ?value means the focus node
    message_vars: tuple[str, ...] = ()  # variables the message templates name ({?var})
    scope: str = "pattern"  # value | focus | pattern
    test: str = ""
    binding: str = ""


def _sparql_term(term: Node) -> str:
    """A shapes-graph term written into query text (a blank node cannot be: it is not the data's)."""
    if isinstance(term, URIRef | Literal):
        return term.n3()
    raise UnsupportedShape(f"a blank node ({term}) used as a constant in a constraint")


def _sparql_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _short(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class _Compiler:
    """Turns shapes into violation patterns; fresh variable names keep nested patterns apart."""

    def __init__(self, shapes: rdflib.Graph):
        self.g = shapes
        self.prefixes: dict[str, str] = {}  # collected from SPARQL-based constraints, for every query
        self._counter = 0
        self._active: list[Node] = []  # shapes being compiled, to refuse recursive shapes

    # --- reading the shapes graph --------------------------------------------------------------------
    def fresh(self, stem: str = "v") -> str:
        self._counter += 1
        return f"?{stem}{self._counter}"

    def one(self, node: Node, prop: URIRef) -> Node | None:
        values = list(self.g.objects(node, prop))
        if len(values) > 1:
            raise UnsupportedShape(f"shape {node} has {len(values)} values of {prop.n3()}, expected one")
        return values[0] if values else None

    def items(self, node: Node, what: str) -> list[Node]:
        if node != RDF.nil and self.g.value(node, RDF.first) is None:
            raise UnsupportedShape(f"{what} must be an RDF list, got {node}")
        return list(Collection(self.g, node))

    def path(self, node: Node) -> str:
        """The SPARQL property path of a SHACL path node."""
        if isinstance(node, URIRef):
            return node.n3()
        if isinstance(node, Literal):
            raise UnsupportedShape(f"a literal ({node}) used as sh:path")
        if self.g.value(node, RDF.first) is not None:
            steps = self.items(node, "a sequence path")
            if len(steps) < 2:
                raise UnsupportedShape(f"sequence path {node} has fewer than two steps")
            return "(" + "/".join(self.path(s) for s in steps) + ")"
        for prop, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                               (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
            inner = self.g.value(node, prop)
            if inner is not None:
                return "(" + template.format(self.path(inner)) + ")"
        alternatives = self.g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(a) for a in self.items(alternatives, "sh:alternativePath")) + ")"
        raise UnsupportedShape(f"path {node} is not a SHACL path")

    def flag(self, node: Node, prop: URIRef) -> bool:
        value = self.one(node, prop)
        return isinstance(value, Literal) and value.toPython() is True

    def add_prefixes(self, constraint: Node) -> None:
        """The sh:declare prefixes a SPARQL-based constraint names by sh:prefixes (read as pySHACL does)."""
        sources = set(self.g.objects(constraint, SH.prefixes))
        if sources:
            sources |= set(self.g.subjects(RDF.type, OWL.Ontology))
        for source in sources:
            for declaration in self.g.objects(source, SH.declare):
                prefix = self.g.value(declaration, SH.prefix)
                namespace = self.g.value(declaration, SH.namespace)
                if prefix is None or namespace is None:
                    raise UnsupportedShape(f"sh:declare {declaration} lacks sh:prefix or sh:namespace")
                self.add_prefix(str(prefix), str(namespace))

    def select_text(self, node: Node, text: str) -> str:
        """A SELECT query of the shapes graph, its prefixes (sh:prefixes, leading PREFIX lines) collected."""
        self.add_prefixes(node)
        while match := _LEADING_PREFIX.match(text):
            self.add_prefix(match.group(1) or "", match.group(2))
            text = text[match.end():]
        return text

    def add_prefix(self, prefix: str, namespace: str) -> None:
        if self.prefixes.setdefault(prefix, namespace) != namespace:
            raise UnsupportedShape(f"prefix {prefix}: is declared for two namespaces")

    # --- compiling -----------------------------------------------------------------------------------
    def branches(self, shape: Node, focus: str) -> list[Branch]:
        """Every violation pattern of `shape` for the node in variable `focus`, nested property shapes too."""
        if self.flag(shape, SH.deactivated):
            return []
        if shape in self._active:
            raise UnsupportedShape(f"shape {shape} refers to itself (recursive shapes are undefined)")
        self._active.append(shape)
        try:
            return self._branches(shape, focus)
        finally:
            self._active.pop()

    def _branches(self, shape: Node, focus: str) -> list[Branch]:
        unknown = sorted({str(p) for p in self.g.predicates(shape)
                          if str(p).startswith(str(SH)) and p not in _NON_CONSTRAINT and p not in _HANDLERS})
        if unknown:
            raise UnsupportedShape(f"shape {shape} uses {', '.join(unknown)}, which the SPARQL validator "
                                   "cannot translate; validate with pySHACL (phoihop.shacl)")
        path_node = self.g.value(shape, SH.path)
        path_text = self.path(path_node) if path_node is not None else None
        result_path = None if path_node is None else str(path_node) if isinstance(path_node, URIRef) \
            else COMPLEX_PATH
        var = self.fresh() if path_text else focus
        binding = f"{focus} {path_text} {var} ." if path_text else ""
        out: list[Branch] = []
        for prop in sorted(set(self.g.predicates(shape)) & set(_HANDLERS), key=str):
            for param in sorted(self.g.objects(shape, prop), key=str):
                ctx = _Context(self, shape, focus, path_text, result_path, prop, param, var, binding)
                out.extend(_HANDLERS[prop](ctx, param))
        return out

    def violates(self, shape: Node, var: str) -> str:
        """A group pattern with a solution iff the node in `var` does not conform to `shape`."""
        branches = self.branches(shape, var)
        if not branches:
            return "{ FILTER(false) }"
        return " UNION ".join("{ " + b.pattern + " }" for b in branches)


@dataclass
class _Context:
    """The shape and parameter being compiled: the focus variable and, for a property shape, its path."""

    compiler: _Compiler
    shape: Node
    focus: str
    path: str | None
    result_path: str | None
    prop: URIRef
    param: Node
    var: str  # the value node: bound by `binding` from the path, or the focus node itself
    binding: str

    def branch(self, component: URIRef, pattern: str, value: str | None, **extra) -> Branch:
        c = self.compiler
        messages = extra.pop("messages", None) or tuple(
            m for m in c.g.objects(self.shape, SH.message) if isinstance(m, Literal))
        if not messages:  # our own wording; pySHACL's generated messages are not reproduced
            param = self.param.n3(c.g.namespace_manager) if isinstance(self.param, URIRef | Literal) else ""
            prop = self.prop.n3(c.g.namespace_manager)
            messages = (Literal(f"{_short(component)}: {prop} {param}".strip()),)
        return Branch(shape=self.shape, component=component, pattern=pattern, value=value,
                      path=extra.pop("path", self.result_path), severity=str(c.one(self.shape, SH.severity)
                                                                            or SH.Violation),
                      messages=messages, **extra)

    def values(self) -> tuple[str, str]:
        """(pattern binding a value node, its variable) for a pattern branch of its own."""
        if self.path is None:
            return "", self.focus
        var = self.compiler.fresh()
        return f"{self.focus} {self.path} {var} .", var

    def per_value(self, component: URIRef, test: Callable[[str], str], **extra) -> list[Branch]:
        """One result per value node for which `test(variable)` holds."""
        expression = test(self.var)
        return [self.branch(component, f"{self.binding} FILTER({expression})", self.var, scope="value",
                            test=expression, binding=self.binding, **extra)]

    def per_focus(self, component: URIRef, test: str) -> list[Branch]:
        """One result (without a value) per focus node for which `test` holds."""
        return [self.branch(component, f"FILTER({test})", None, scope="focus", test=test)]

    def at_least(self, n: int, condition: Callable[[str], str] | None = None) -> str:
        """A pattern that matches iff the focus has n distinct value nodes (each meeting `condition`)."""
        names = [self.compiler.fresh() for _ in range(n)]
        parts = [f"{self.focus} {self.path} {v} ." + (f" {condition(v)}" if condition else "") for v in names]
        pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1:]]
        return " ".join(parts) + (f" FILTER({' && '.join(pairs)})" if pairs else "")

    def require_path(self) -> None:
        if self.path is None:
            raise UnsupportedShape(f"{self.prop.n3()} on node shape {self.shape} (it needs sh:path)")


# --- one handler per constraint parameter --------------------------------------------------------------

def _count(param: Node, what: str) -> int:
    if not isinstance(param, Literal) or not isinstance(param.toPython(), int) or param.toPython() < 0:
        raise UnsupportedShape(f"{what} must be a non-negative integer, got {param}")
    return int(param.toPython())


def _min_count(ctx: _Context, param: Node) -> list[Branch]:
    ctx.require_path()
    n = _count(param, "sh:minCount")
    if n == 0:
        return []
    return ctx.per_focus(SH.MinCountConstraintComponent, f"NOT EXISTS {{ {ctx.at_least(n)} }}")


def _max_count(ctx: _Context, param: Node) -> list[Branch]:
    ctx.require_path()
    n = _count(param, "sh:maxCount")
    return ctx.per_focus(SH.MaxCountConstraintComponent, f"EXISTS {{ {ctx.at_least(n + 1)} }}")


def _datatype(ctx: _Context, param: Node) -> list[Branch]:
    if not isinstance(param, URIRef):
        raise UnsupportedShape(f"sh:datatype {param} is not an IRI")
    dt = param.n3()
    recheck = param in _CASTABLE
    if param == RDFS.Literal:
        def test(v: str) -> str:
            return f"!isLiteral({v})"
    elif param == RDFS.Datatype:  # rdflib gives plain and language strings no datatype
        def test(v: str) -> str:
            return f"!isLiteral({v}) || lang({v}) != '' || datatype({v}) = {XSD.string.n3()}"
    elif recheck:
        def test(v: str) -> str:
            return f"!isLiteral({v}) || datatype({v}) != {dt} || !COALESCE(sameTerm({dt}({v}), {v}), false)"
    else:
        def test(v: str) -> str:
            return f"!isLiteral({v}) || datatype({v}) != {dt}"
    return ctx.per_value(SH.DatatypeConstraintComponent, test, datatype=param if recheck else None)


def _class(ctx: _Context, param: Node) -> list[Branch]:
    cls = _sparql_term(param)
    typed = f"{RDF.type.n3()}/{RDFS.subClassOf.n3()}*"
    # the plain rdf:type test first: with the closure materialised it settles almost every value
    return ctx.per_value(SH.ClassConstraintComponent,
                         lambda v: f"NOT EXISTS {{ {v} a {cls} }} && NOT EXISTS {{ {v} {typed} {cls} }}")


def _node_kind(ctx: _Context, param: Node) -> list[Branch]:
    if param not in _NODE_KINDS:
        raise UnsupportedShape(f"sh:nodeKind {param} is not a SHACL node kind")
    tests = _NODE_KINDS[param]
    return ctx.per_value(SH.NodeKindConstraintComponent,
                         lambda v: "!(" + " || ".join(f"{t}({v})" for t in tests) + ")")


def _pattern(ctx: _Context, param: Node) -> list[Branch]:
    flags = ctx.compiler.one(ctx.shape, SH.flags)
    regex = _sparql_string(str(param)) + (f", {_sparql_string(str(flags))}" if flags is not None else "")
    return ctx.per_value(SH.PatternConstraintComponent,
                         lambda v: f"isBlank({v}) || !REGEX(STR({v}), {regex})")


def _length(component: URIRef, op: str):
    def handler(ctx: _Context, param: Node) -> list[Branch]:
        n = _count(param, str(component))
        return ctx.per_value(component, lambda v: f"isBlank({v}) || STRLEN(STR({v})) {op} {n}")
    return handler


def _range(ctx: _Context, param: Node) -> list[Branch]:
    if not isinstance(param, Literal):
        raise UnsupportedShape(f"{ctx.prop.n3()} {param} is not a literal")
    op, component = _RANGE[ctx.prop]
    return ctx.per_value(component, lambda v: f"!COALESCE({v} {op} {param.n3()}, false)")


def _in(ctx: _Context, param: Node) -> list[Branch]:
    allowed = [_sparql_term(a) for a in ctx.compiler.items(param, "sh:in")]
    def test(v: str) -> str:
        return "!(" + (" || ".join(f"sameTerm({v}, {a})" for a in allowed) or "false") + ")"
    return ctx.per_value(SH.InConstraintComponent, test)


def _has_value(ctx: _Context, param: Node) -> list[Branch]:
    term = _sparql_term(param)
    if ctx.path is None:
        return ctx.per_focus(SH.HasValueConstraintComponent, f"!sameTerm({ctx.focus}, {term})")
    return ctx.per_focus(SH.HasValueConstraintComponent, f"NOT EXISTS {{ {ctx.focus} {ctx.path} {term} }}")


def _language_in(ctx: _Context, param: Node) -> list[Branch]:
    wanted = [str(x).lower() for x in ctx.compiler.items(param, "sh:languageIn")]
    tags = ", ".join(_sparql_string(t) for t in wanted)

    def test(v: str) -> str:
        if "*" in wanted:
            return f"!isLiteral({v}) || lang({v}) = ''"
        # pySHACL: the tag, or its first subtag, is one of the listed tags (case-insensitively)
        listed = f"LCASE(lang({v})) IN ({tags}) || LCASE(STRBEFORE(lang({v}), '-')) IN ({tags})" \
            if tags else "false"
        return f"!isLiteral({v}) || lang({v}) = '' || !({listed})"
    return ctx.per_value(SH.LanguageInConstraintComponent, test)


def _unique_lang(ctx: _Context, param: Node) -> list[Branch]:
    if not (isinstance(param, Literal) and isinstance(param.toPython(), bool)):
        raise UnsupportedShape(f"sh:uniqueLang {param} is not a boolean")
    if not param.toPython():
        return []
    ctx.require_path()
    a, b = ctx.compiler.fresh(), ctx.compiler.fresh()
    return ctx.per_focus(SH.UniqueLangConstraintComponent, (
        f"EXISTS {{ {ctx.focus} {ctx.path} {a} . {ctx.focus} {ctx.path} {b} . "
        f"FILTER(!sameTerm({a}, {b}) && lang({a}) != '' && LCASE(lang({a})) = LCASE(lang({b}))) }}"))


def _pair_compare(ctx: _Context, param: Node) -> list[Branch]:
    if not isinstance(param, URIRef):
        raise UnsupportedShape(f"{ctx.prop.n3()} {param} is not an IRI")
    op, component = _PAIR[ctx.prop]
    other = ctx.compiler.fresh()

    def test(v: str) -> str:
        # pySHACL compares IRIs as strings and other terms as values; anything incomparable fails
        ok = (f"IF(isIRI({v}) || isIRI({other}), isIRI({v}) && isIRI({other}) && STR({v}) {op} STR({other}),"
              f" COALESCE({v} {op} {other}, false))")
        return f"EXISTS {{ {ctx.focus} {param.n3()} {other} . FILTER(!({ok})) }}"
    return ctx.per_value(component, test)


def _equals(ctx: _Context, param: Node) -> list[Branch]:
    if not isinstance(param, URIRef):
        raise UnsupportedShape(f"sh:equals {param} is not an IRI")
    other = ctx.compiler.fresh()
    mine = f"{ctx.focus} {ctx.path} {other} ." if ctx.path else f"FILTER(sameTerm({other}, {ctx.focus}))"
    missing = ctx.per_value(SH.EqualsConstraintComponent,
                            lambda v: f"NOT EXISTS {{ {ctx.focus} {param.n3()} {v} }}")
    extra = ctx.branch(SH.EqualsConstraintComponent,
                       f"{ctx.focus} {param.n3()} {other} . FILTER NOT EXISTS {{ {mine} }}", other)
    return [*missing, extra]


def _disjoint(ctx: _Context, param: Node) -> list[Branch]:
    if not isinstance(param, URIRef):
        raise UnsupportedShape(f"sh:disjoint {param} is not an IRI")
    return ctx.per_value(SH.DisjointConstraintComponent,
                         lambda v: f"EXISTS {{ {ctx.focus} {param.n3()} {v} }}")


def _node(ctx: _Context, param: Node) -> list[Branch]:
    return ctx.per_value(SH.NodeConstraintComponent,
                         lambda v: f"EXISTS {{ {ctx.compiler.violates(param, v)} }}")


def _property(ctx: _Context, param: Node) -> list[Branch]:
    if ctx.compiler.g.value(param, SH.path) is None:
        raise UnsupportedShape(f"sh:property {param} of {ctx.shape} has no sh:path")
    return ctx.compiler.branches(param, ctx.focus)


def _not(ctx: _Context, param: Node) -> list[Branch]:
    return ctx.per_value(SH.NotConstraintComponent,
                         lambda v: f"NOT EXISTS {{ {ctx.compiler.violates(param, v)} }}")


def _logical(ctx: _Context, param: Node) -> list[Branch]:
    members = ctx.compiler.items(param, ctx.prop.n3())
    breaks = [f"EXISTS {{ {ctx.compiler.violates(m, ctx.var)} }}" for m in members]
    if ctx.prop == SH["and"]:
        component, test = SH.AndConstraintComponent, " || ".join(breaks) or "false"
    elif ctx.prop == SH["or"]:
        component, test = SH.OrConstraintComponent, " && ".join(breaks) or "true"
    else:  # xone: exactly one member conforms
        component = SH.XoneConstraintComponent
        test = "(" + (" + ".join(f"IF({b}, 0, 1)" for b in breaks) or "0") + ") != 1"
    return ctx.per_value(component, lambda _: test)


def _qualified(ctx: _Context, param: Node) -> list[Branch]:
    ctx.require_path()
    c = ctx.compiler
    if c.flag(ctx.shape, SH.qualifiedValueShapesDisjoint):
        raise UnsupportedShape(f"sh:qualifiedValueShapesDisjoint on {ctx.shape}")
    low, high = c.one(ctx.shape, SH.qualifiedMinCount), c.one(ctx.shape, SH.qualifiedMaxCount)

    def conforming(v: str) -> str:
        return f"FILTER NOT EXISTS {{ {c.violates(param, v)} }}"
    out = []
    if low is not None and _count(low, "sh:qualifiedMinCount") > 0:
        enough = ctx.at_least(_count(low, "sh:qualifiedMinCount"), conforming)
        out += ctx.per_focus(SH.QualifiedMinCountConstraintComponent, f"NOT EXISTS {{ {enough} }}")
    if high is not None:
        too_many = ctx.at_least(_count(high, "sh:qualifiedMaxCount") + 1, conforming)
        out += ctx.per_focus(SH.QualifiedMaxCountConstraintComponent, f"EXISTS {{ {too_many} }}")
    return out


def _closed(ctx: _Context, param: Node) -> list[Branch]:
    c = ctx.compiler
    if not (isinstance(param, Literal) and param.toPython() is True):
        return []
    allowed = {c.g.value(p, SH.path) for p in c.g.objects(ctx.shape, SH.property)}
    ignored = c.one(ctx.shape, SH.ignoredProperties)
    allowed |= set(c.items(ignored, "sh:ignoredProperties")) if ignored is not None else set()
    names = sorted(a.n3() for a in allowed if isinstance(a, URIRef))
    pattern, var = ctx.values()
    pred, obj = c.fresh("p"), c.fresh("o")
    keep = f" FILTER({pred} NOT IN ({', '.join(names)}))" if names else ""
    # pySHACL never reports `rdf:type rdfs:Resource`
    skip = f" FILTER(!(sameTerm({pred}, {RDF.type.n3()}) && sameTerm({obj}, {RDFS.Resource.n3()})))"
    return [ctx.branch(SH.ClosedConstraintComponent, f"{pattern} {var} {pred} {obj} .{keep}{skip}", obj,
                       path=None, path_var=pred)]


def _sparql(ctx: _Context, param: Node) -> list[Branch]:
    """A SPARQL-based constraint: its SELECT, joined with the focus nodes on $this."""
    c = ctx.compiler
    if c.flag(param, SH.deactivated):
        return []
    select = c.one(param, SH.select)
    if not isinstance(select, Literal):
        raise UnsupportedShape(f"SPARQL constraint {param} of {ctx.shape} has no sh:select")
    text = str(select)
    for name in ("currentShape", "shapesGraph", "failure"):
        if re.search(rf"[?$]{name}\b", text):
            raise UnsupportedShape(f"SPARQL constraint {param} uses ${name}")
    text = c.select_text(param, text)
    if ctx.path is not None:
        text = re.sub(r"[$?]PATH\b", lambda _: ctx.path, text)
    head = _SELECT_HEAD.match(text)
    if head is None:
        raise UnsupportedShape(f"sh:select of {param} is not a SELECT query")
    projection = text[head.end():].split("{", 1)[0]
    if "*" not in projection and not re.search(r"[?$]this\b", projection):
        text = text[:head.end()] + "$this " + text[head.end():]
    messages = tuple(m for m in c.g.objects(param, SH.message) if isinstance(m, Literal))
    if ctx.focus == "?this":  # a top-level query: keep the constraint's own variables for its messages
        names = tuple(sorted({v for m in messages or c.g.objects(ctx.shape, SH.message)
                              for v in _MESSAGE_VAR.findall(str(m))} - {"this", "value", "path"}))
        return [ctx.branch(SH.SPARQLConstraintComponent, "{ " + text + " }", "?value", path_var="?path",
                           value_or_focus=ctx.path is None, message_vars=names, messages=messages)]
    # nested (only conformance matters): rename the focus, hide every other variable
    renamed = f"{{ SELECT (?this AS {ctx.focus}) WHERE {{ {{ {text} }} }} }}"
    return [ctx.branch(SH.SPARQLConstraintComponent, renamed, None, messages=messages)]


_HANDLERS: dict[URIRef, Callable[[_Context, Node], list[Branch]]] = {
    SH.minCount: _min_count, SH.maxCount: _max_count,
    SH.datatype: _datatype, SH["class"]: _class, SH.nodeKind: _node_kind,
    SH.pattern: _pattern,
    SH.minLength: _length(SH.MinLengthConstraintComponent, "<"),
    SH.maxLength: _length(SH.MaxLengthConstraintComponent, ">"),
    SH.minInclusive: _range, SH.minExclusive: _range, SH.maxInclusive: _range, SH.maxExclusive: _range,
    SH["in"]: _in, SH.hasValue: _has_value,
    SH.languageIn: _language_in, SH.uniqueLang: _unique_lang,
    SH.lessThan: _pair_compare, SH.lessThanOrEquals: _pair_compare,
    SH.equals: _equals, SH.disjoint: _disjoint,
    SH.node: _node, SH.property: _property, SH["not"]: _not,
    SH["and"]: _logical, SH["or"]: _logical, SH.xone: _logical,
    SH.qualifiedValueShape: _qualified,
    SH.closed: _closed,
    SH.sparql: _sparql,
}


# --- targets and queries -------------------------------------------------------------------------------

def _focus_pattern(compiler: _Compiler, shape: Node) -> str | None:
    """A subquery binding ?this to the shape's focus nodes (None: the shape has no target)."""
    shapes = compiler.g
    parts = []
    classes = list(shapes.objects(shape, SH.targetClass))
    class_types = {RDFS.Class} | set(shapes.subjects(RDFS.subClassOf, RDFS.Class))
    if any(t in class_types for t in shapes.objects(shape, RDF.type)):
        classes.append(shape)  # an implicit class target
    typed = f"{RDF.type.n3()}/{RDFS.subClassOf.n3()}*"
    parts += [f"?this {typed} {_sparql_term(cls)} ." for cls in classes]
    nodes = [_sparql_term(n) for n in shapes.objects(shape, SH.targetNode)]
    if nodes:
        parts.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
    parts += [f"?this {_sparql_term(p)} [] ." for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"[] {_sparql_term(p)} ?this ." for p in shapes.objects(shape, SH.targetObjectsOf)]
    for target in shapes.objects(shape, SH.target):  # SHACL-AF: a SPARQL-based target
        select = compiler.one(target, SH.select)
        if not isinstance(select, Literal) or set(shapes.objects(target, SH.parameter)):
            raise UnsupportedShape(f"shape {shape} has an sh:target that is not a plain sh:SPARQLTarget")
        parts.append("{ " + compiler.select_text(target, str(select)) + " }")
    if not parts:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + p + " }" for p in parts) + " } }"


@dataclass(frozen=True)
class CompiledQuery:
    """A SELECT query over one targeted shape's focus nodes and the branches whose results it returns.

    With `flags`, the query tests several branches at once and flags[i] names the boolean column that
    says whether row breaks branches[i]; without, every row is a result of its single branch.
    """

    branches: tuple[Branch, ...]
    text: str
    flags: tuple[str, ...] = ()


def _grouped(branches: list[Branch], focus: str) -> Iterator[tuple[tuple[Branch, ...], str, tuple[str, ...]]]:
    """(branches, query text, flag columns): the tests on the values of one path share a query, and so do
    all tests on the focus nodes themselves, so each is read once rather than once per constraint."""
    groups: dict[tuple, list[Branch]] = {}
    for branch in branches:
        key = (branch.binding,) if branch.scope != "pattern" else (id(branch),)
        groups.setdefault(key, []).append(branch)
    for members in groups.values():
        first = members[0]
        if first.scope == "pattern":
            extra = (first.value, first.path_var, *("?" + v for v in first.message_vars))
            project = " ".join(dict.fromkeys(x for x in extra if x and x != "?this"))
            yield (first,), f"SELECT DISTINCT ?this {project} WHERE {{ {focus} {first.pattern} }}", ()
            continue
        flags = tuple(f"?flag{i}" for i in range(len(members)))
        value = next((f"{b.value} " for b in members if b.value and b.value != "?this"), "")
        columns = " ".join(f"({b.test} AS {f})" for b, f in zip(members, flags, strict=True))
        tests = " || ".join(f"({b.test})" for b in members)
        text = f"SELECT DISTINCT ?this {value}{columns} WHERE {{ {focus} {first.binding} FILTER({tests}) }}"
        yield tuple(members), text, flags


def compile_shapes(shapes: rdflib.Graph) -> list[CompiledQuery]:
    """Every targeted shape's constraints as SELECT queries (UnsupportedShape is raised before any runs)."""
    for prop in (SH.rule,):
        for shape in shapes.subjects(prop, None):
            raise UnsupportedShape(f"shape {shape} uses {prop.n3()} (SHACL-AF), which the SPARQL validator "
                                   "cannot translate; validate with pySHACL (phoihop.shacl)")
    compiler = _Compiler(shapes)
    shape_nodes = {s for kind in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, kind)}
    for prop in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
        shape_nodes |= set(shapes.subjects(prop, None))
    compiled = []
    for shape in sorted(shape_nodes, key=lambda n: (isinstance(n, BNode), str(n))):
        focus = _focus_pattern(compiler, shape)
        if focus is not None:
            compiled += _grouped(compiler.branches(shape, "?this"), focus)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(compiler.prefixes.items()))
    return [CompiledQuery(branches, prologue + text, flags) for branches, text, flags in compiled]


_QUIET = threading.Lock()


def _ill_typed_by_rdflib(term: ox.Literal, datatype: URIRef) -> bool:
    """Re-check a datatype candidate as pySHACL does: right datatype, and rdflib can read the lexical form."""
    if term.datatype.value != str(datatype):
        return True
    with _QUIET:  # rdflib logs a traceback for every unreadable literal; the logger level is global
        rdflib_log = logging.getLogger("rdflib.term")
        level = rdflib_log.level
        rdflib_log.setLevel(logging.CRITICAL)
        try:
            return bool(getattr(Literal(term.value, datatype=datatype), "ill_typed", False))
        finally:
            rdflib_log.setLevel(level)


def _fill(template: str, row: ox.QuerySolution, names: dict[str, object]) -> str:
    """A message with its {?var} / {$var} placeholders replaced, as pySHACL does for SPARQL constraints."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        term = names.get(name) if name in names else row[name]
        return match.group(0) if term is None else str(getattr(term, "value", term))
    return _MESSAGE_VAR.sub(value, template)


def _result(branch: Branch, row: ox.QuerySolution) -> ValidationResult | None:
    """The result a row of a branch's query stands for (None: rdflib reads the literal after all)."""
    focus = row["this"]
    value = row[branch.value[1:]] if branch.value else None
    if value is None and branch.value_or_focus:
        value = focus
    if branch.datatype is not None and isinstance(value, ox.Literal) \
            and not _ill_typed_by_rdflib(value, branch.datatype):
        return None
    path = row[branch.path_var[1:]] if branch.path_var else None
    messages = {}
    for m in branch.messages:
        text = str(m)
        if branch.component == SH.SPARQLConstraintComponent and "{" in text:
            text = _fill(text, row, {"this": focus, "value": value, "path": path})
        messages[m.language] = text
    return ValidationResult(
        focus=focus.value, path=path.value if isinstance(path, ox.NamedNode) else branch.path,
        shape=str(branch.shape), component=str(branch.component),
        value=value.value if value is not None else None, severity=branch.severity,
        message_vi=messages.get("vi", ""), message_en=messages.get("en", messages.get(None, "")))


def _results(store: ox.Store, query: CompiledQuery) -> Iterator[ValidationResult]:
    for row in store.query(query.text, use_default_graph_as_union=True):
        if query.flags:
            hits = [b for b, flag in zip(query.branches, query.flags, strict=True)
                    if (mark := row[flag[1:]]) is not None and mark.value == "true"]
        else:
            hits = list(query.branches)
        for branch in hits:
            result = _result(branch, row)
            if result is not None:
                yield result


def _run(store: ox.Store, query: CompiledQuery) -> list[ValidationResult]:
    try:
        return list(_results(store, query))
    except SyntaxError as err:  # a query we built, or a shape's sh:select, does not parse
        raise UnsupportedShape(f"shape {query.branches[0].shape} gives a query the store rejects ({err}): "
                               f"{query.text}") from None


def validate_store(store: ox.Store, shapes_graph: rdflib.Graph | None = None,
                   workers: int | None = None) -> ValidationReport:
    """Validate the union of the store's graphs against the shapes (default: shapes/*.ttl).

    The queries run on `workers` threads (default: one per core, at most four): the store evaluates
    them without holding the GIL.
    """
    shapes = shapes_graph if shapes_graph is not None else load_shapes()
    start = time.perf_counter()
    queries = compile_shapes(shapes)
    results: set[ValidationResult] = set()
    with ThreadPoolExecutor(max_workers=workers or min(4, os.cpu_count() or 1)) as pool:
        for found in pool.map(lambda q: _run(store, q), queries):
            results.update(found)
    ordered = sorted(results, key=lambda r: (r.shape, r.focus, r.component, r.path or "", r.value or ""))
    conforms = not any(r.severity == str(SH.Violation) for r in ordered)
    log.info("SPARQL SHACL: %d queries, %d results (%.2f s)", len(queries), len(ordered),
             time.perf_counter() - start)
    return ValidationReport(conforms=conforms, results=ordered, engine="sparql")
