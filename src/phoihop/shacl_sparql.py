"""SHACL validation compiled to SPARQL and run on the pyoxigraph store: pySHACL's results, much faster.

pySHACL walks an rdflib graph node by node in Python; at national scale that, plus copying the store into
rdflib, dominates a build. Here every constraint of every shape becomes one SPARQL pattern that matches
exactly its violations, and the store evaluates it natively. Shapes are read generically from the shapes
graph (SHACL Core plus SPARQL-based constraints); anything this module cannot translate raises
UnsupportedShape instead of passing silently.
This module reads the shapes graph, targets and groups the patterns and runs them; the pattern of each
constraint component is made in phoihop.shacl_components.

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
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import BNode, Literal, Node, URIRef

from .shacl import ValidationReport, ValidationResult, load_shapes
from .shacl_components import HANDLERS, MESSAGE_VAR, Branch, Context, UnsupportedShape, shape_term

log = logging.getLogger("phoihop.shacl_sparql")

COMPLEX_PATH = "(complex path)"  # what shacl.py records for a non-IRI sh:resultPath


_NON_CONSTRAINT = {
    RDF.type, SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.severity,
    SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.declare,
    SH.flags, SH.ignoredProperties, SH.qualifiedMinCount, SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint, SH.target,
}
_LEADING_PREFIX = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)


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
                          if str(p).startswith(str(SH)) and p not in _NON_CONSTRAINT and p not in HANDLERS})
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
        for prop in sorted(set(self.g.predicates(shape)) & set(HANDLERS), key=str):
            for param in sorted(self.g.objects(shape, prop), key=str):
                ctx = Context(self, shape, focus, path_text, result_path, prop, param, var, binding)
                out.extend(HANDLERS[prop](ctx, param))
        return out

    def violates(self, shape: Node, var: str) -> str:
        """A group pattern with a solution iff the node in `var` does not conform to `shape`."""
        branches = self.branches(shape, var)
        if not branches:
            return "{ FILTER(false) }"
        return " UNION ".join("{ " + b.pattern + " }" for b in branches)


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
    parts += [f"?this {typed} {shape_term(cls)} ." for cls in classes]
    nodes = [shape_term(n) for n in shapes.objects(shape, SH.targetNode)]
    if nodes:
        parts.append(f"VALUES ?this {{ {' '.join(nodes)} }}")
    parts += [f"?this {shape_term(p)} [] ." for p in shapes.objects(shape, SH.targetSubjectsOf)]
    parts += [f"[] {shape_term(p)} ?this ." for p in shapes.objects(shape, SH.targetObjectsOf)]
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
    return MESSAGE_VAR.sub(value, template)


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
