"""SHACL constraint components as SPARQL patterns: one handler per constraint parameter.

Each handler turns one parameter of one shape (sh:minCount 1, sh:datatype xsd:date, sh:sparql [...]) into
the branches, SPARQL patterns that match exactly the focus or value nodes that break it. The compiler in
phoihop.shacl_sparql reads the shapes graph and calls the handler HANDLERS names for each parameter; the
handlers reach the shapes graph only through the small `ShapeReader` interface, so this module does not
import the compiler (no import cycle).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Literal, Node, URIRef

from .errors import UsageError


class UnsupportedShape(UsageError):
    """A shape uses SHACL this engine cannot translate: validate with pySHACL rather than trust a pass."""


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
MESSAGE_VAR = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
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


def shape_term(term: Node) -> str:
    """A shapes-graph term written into query text (a blank node cannot be: it is not the data's)."""
    if isinstance(term, URIRef | Literal):
        return term.n3()
    raise UnsupportedShape(f"a blank node ({term}) used as a constant in a constraint")


def _sparql_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _short(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class ShapeReader(Protocol):
    """What a handler needs of the compiler: the shapes graph, fresh variables and nested shapes."""

    g: rdflib.Graph

    def fresh(self, stem: str = "v") -> str: ...
    def one(self, node: Node, prop: URIRef) -> Node | None: ...
    def items(self, node: Node, what: str) -> list[Node]: ...
    def flag(self, node: Node, prop: URIRef) -> bool: ...
    def select_text(self, node: Node, text: str) -> str: ...
    def branches(self, shape: Node, focus: str) -> list[Branch]: ...
    def violates(self, shape: Node, var: str) -> str: ...


@dataclass
class Context:
    """The shape and parameter being compiled: the focus variable and, for a property shape, its path."""

    compiler: ShapeReader
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


def _min_count(ctx: Context, param: Node) -> list[Branch]:
    ctx.require_path()
    n = _count(param, "sh:minCount")
    if n == 0:
        return []
    return ctx.per_focus(SH.MinCountConstraintComponent, f"NOT EXISTS {{ {ctx.at_least(n)} }}")


def _max_count(ctx: Context, param: Node) -> list[Branch]:
    ctx.require_path()
    n = _count(param, "sh:maxCount")
    return ctx.per_focus(SH.MaxCountConstraintComponent, f"EXISTS {{ {ctx.at_least(n + 1)} }}")


def _datatype(ctx: Context, param: Node) -> list[Branch]:
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


def _class(ctx: Context, param: Node) -> list[Branch]:
    cls = shape_term(param)
    typed = f"{RDF.type.n3()}/{RDFS.subClassOf.n3()}*"
    # the plain rdf:type test first: with the closure materialised it settles almost every value
    return ctx.per_value(SH.ClassConstraintComponent,
                         lambda v: f"NOT EXISTS {{ {v} a {cls} }} && NOT EXISTS {{ {v} {typed} {cls} }}")


def _node_kind(ctx: Context, param: Node) -> list[Branch]:
    if param not in _NODE_KINDS:
        raise UnsupportedShape(f"sh:nodeKind {param} is not a SHACL node kind")
    tests = _NODE_KINDS[param]
    return ctx.per_value(SH.NodeKindConstraintComponent,
                         lambda v: "!(" + " || ".join(f"{t}({v})" for t in tests) + ")")


def _pattern(ctx: Context, param: Node) -> list[Branch]:
    flags = ctx.compiler.one(ctx.shape, SH.flags)
    regex = _sparql_string(str(param)) + (f", {_sparql_string(str(flags))}" if flags is not None else "")
    return ctx.per_value(SH.PatternConstraintComponent,
                         lambda v: f"isBlank({v}) || !REGEX(STR({v}), {regex})")


def _length(component: URIRef, op: str):
    def handler(ctx: Context, param: Node) -> list[Branch]:
        n = _count(param, str(component))
        return ctx.per_value(component, lambda v: f"isBlank({v}) || STRLEN(STR({v})) {op} {n}")
    return handler


def _range(ctx: Context, param: Node) -> list[Branch]:
    if not isinstance(param, Literal):
        raise UnsupportedShape(f"{ctx.prop.n3()} {param} is not a literal")
    op, component = _RANGE[ctx.prop]
    return ctx.per_value(component, lambda v: f"!COALESCE({v} {op} {param.n3()}, false)")


def _in(ctx: Context, param: Node) -> list[Branch]:
    allowed = [shape_term(a) for a in ctx.compiler.items(param, "sh:in")]
    def test(v: str) -> str:
        return "!(" + (" || ".join(f"sameTerm({v}, {a})" for a in allowed) or "false") + ")"
    return ctx.per_value(SH.InConstraintComponent, test)


def _has_value(ctx: Context, param: Node) -> list[Branch]:
    term = shape_term(param)
    if ctx.path is None:
        return ctx.per_focus(SH.HasValueConstraintComponent, f"!sameTerm({ctx.focus}, {term})")
    return ctx.per_focus(SH.HasValueConstraintComponent, f"NOT EXISTS {{ {ctx.focus} {ctx.path} {term} }}")


def _language_in(ctx: Context, param: Node) -> list[Branch]:
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


def _unique_lang(ctx: Context, param: Node) -> list[Branch]:
    if not (isinstance(param, Literal) and isinstance(param.toPython(), bool)):
        raise UnsupportedShape(f"sh:uniqueLang {param} is not a boolean")
    if not param.toPython():
        return []
    ctx.require_path()
    a, b = ctx.compiler.fresh(), ctx.compiler.fresh()
    return ctx.per_focus(SH.UniqueLangConstraintComponent, (
        f"EXISTS {{ {ctx.focus} {ctx.path} {a} . {ctx.focus} {ctx.path} {b} . "
        f"FILTER(!sameTerm({a}, {b}) && lang({a}) != '' && LCASE(lang({a})) = LCASE(lang({b}))) }}"))


def _pair_compare(ctx: Context, param: Node) -> list[Branch]:
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


def _equals(ctx: Context, param: Node) -> list[Branch]:
    if not isinstance(param, URIRef):
        raise UnsupportedShape(f"sh:equals {param} is not an IRI")
    other = ctx.compiler.fresh()
    mine = f"{ctx.focus} {ctx.path} {other} ." if ctx.path else f"FILTER(sameTerm({other}, {ctx.focus}))"
    missing = ctx.per_value(SH.EqualsConstraintComponent,
                            lambda v: f"NOT EXISTS {{ {ctx.focus} {param.n3()} {v} }}")
    extra = ctx.branch(SH.EqualsConstraintComponent,
                       f"{ctx.focus} {param.n3()} {other} . FILTER NOT EXISTS {{ {mine} }}", other)
    return [*missing, extra]


def _disjoint(ctx: Context, param: Node) -> list[Branch]:
    if not isinstance(param, URIRef):
        raise UnsupportedShape(f"sh:disjoint {param} is not an IRI")
    return ctx.per_value(SH.DisjointConstraintComponent,
                         lambda v: f"EXISTS {{ {ctx.focus} {param.n3()} {v} }}")


def _node(ctx: Context, param: Node) -> list[Branch]:
    return ctx.per_value(SH.NodeConstraintComponent,
                         lambda v: f"EXISTS {{ {ctx.compiler.violates(param, v)} }}")


def _property(ctx: Context, param: Node) -> list[Branch]:
    if ctx.compiler.g.value(param, SH.path) is None:
        raise UnsupportedShape(f"sh:property {param} of {ctx.shape} has no sh:path")
    return ctx.compiler.branches(param, ctx.focus)


def _not(ctx: Context, param: Node) -> list[Branch]:
    return ctx.per_value(SH.NotConstraintComponent,
                         lambda v: f"NOT EXISTS {{ {ctx.compiler.violates(param, v)} }}")


def _logical(ctx: Context, param: Node) -> list[Branch]:
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


def _qualified(ctx: Context, param: Node) -> list[Branch]:
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


def _closed(ctx: Context, param: Node) -> list[Branch]:
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


def _sparql(ctx: Context, param: Node) -> list[Branch]:
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
                              for v in MESSAGE_VAR.findall(str(m))} - {"this", "value", "path"}))
        return [ctx.branch(SH.SPARQLConstraintComponent, "{ " + text + " }", "?value", path_var="?path",
                           value_or_focus=ctx.path is None, message_vars=names, messages=messages)]
    # nested (only conformance matters): rename the focus, hide every other variable
    renamed = f"{{ SELECT (?this AS {ctx.focus}) WHERE {{ {{ {text} }} }} }}"
    return [ctx.branch(SH.SPARQLConstraintComponent, renamed, None, messages=messages)]


HANDLERS: dict[URIRef, Callable[[Context, Node], list[Branch]]] = {
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
