"""SHACL: the shapes (shapes/*.ttl), the results model both engines report in, and pySHACL, the reference.

`shacl_sparql` compiles the same shapes to SPARQL (the fast engine); `validate` is the one entry point
that runs an engine and the check queries. Validation runs on a graph whose rdf:type closure has been
materialised by `infer`, so the shapes can target superclasses without asking pySHACL to reason again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import rdflib
from rdflib.namespace import SH

from .errors import InputError
from .namespaces import PREFIXES
from .resources import shapes_dir


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: where it is, which shape and constraint said so, and why (vi and en)."""

    focus: str
    path: str | None
    shape: str
    component: str
    value: str | None
    severity: str
    message_vi: str
    message_en: str

    def key(self) -> tuple:
        """What two engines must agree on for the same result."""
        return (self.focus, self.path, self.shape, self.component, self.value)


@dataclass
class ValidationReport:
    """Whether the data conforms, and every result, from one engine."""

    conforms: bool
    results: list[ValidationResult] = field(default_factory=list)
    engine: str = "pyshacl"

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity.endswith("Violation")]

    def to_text(self, limit: int | None = None) -> str:
        """One line per result: focus node, property, message (en and vi)."""
        if self.conforms:
            return f"conforms ({len(self.results)} warnings)" if self.results else "conforms"
        lines = [f"does not conform: {len(self.violations)} violations, "
                 f"{len(self.results) - len(self.violations)} other results ({self.engine})"]
        for r in sorted(self.results, key=lambda r: (r.severity, r.focus, r.path or ""))[:limit]:
            severity = r.severity.rsplit("#", 1)[-1]
            path = f" {_short(r.path)}" if r.path else ""
            value = f" = {r.value}" if r.value and r.value != r.focus else ""
            lines.append(f"{severity}: {_short(r.focus)}{path}{value}: {r.message_en or r.message_vi}"
                         + (f" / {r.message_vi}" if r.message_vi and r.message_en else "")
                         + f" [{_short(r.shape)}]")
        if limit is not None and len(self.results) > limit:
            lines.append(f"… and {len(self.results) - limit} more")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"conforms": self.conforms, "engine": self.engine,
                           "results": [asdict(r) for r in self.results]}, ensure_ascii=False, indent=2)

    def to_graph(self) -> rdflib.Graph:
        """The report as a SHACL ValidationReport graph."""
        g = rdflib.Graph()
        g.bind("sh", SH)
        report = rdflib.BNode()
        g.add((report, rdflib.RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, rdflib.Literal(self.conforms)))
        for r in self.results:
            node = rdflib.BNode()
            g.add((report, SH.result, node))
            g.add((node, rdflib.RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, _term(r.focus)))
            g.add((node, SH.sourceShape, _term(r.shape)))
            g.add((node, SH.sourceConstraintComponent, rdflib.URIRef(r.component)))
            g.add((node, SH.resultSeverity, rdflib.URIRef(r.severity)))
            if r.path:
                g.add((node, SH.resultPath, _term(r.path)))
            if r.value is not None:
                g.add((node, SH.value, rdflib.Literal(r.value)))
            for text, lang in ((r.message_vi, "vi"), (r.message_en, "en")):
                if text:
                    g.add((node, SH.resultMessage, rdflib.Literal(text, lang=lang)))
        return g


def _short(iri: str | None) -> str:
    if not iri:
        return ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return iri


def _term(text: str) -> rdflib.term.Node:
    return rdflib.URIRef(text) if "://" in text else rdflib.BNode(text)


def load_shapes(folder: Path | None = None) -> rdflib.Graph:
    """Every shapes file of shapes/ in one graph."""
    folder = folder or shapes_dir()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise InputError("no SHACL shapes (*.ttl) found", path=folder)
    graph = rdflib.Graph()
    for f in files:
        try:
            graph.parse(f, format="turtle")
        except Exception as err:  # rdflib raises several unrelated types for bad Turtle
            raise InputError(f"shapes do not parse: {err}", path=f) from None
    return graph


def _node_text(term) -> str | None:
    if term is None:
        return None
    return str(term)


def _results_from_pyshacl(report_graph: rdflib.Graph) -> list[ValidationResult]:
    results = []
    for node in report_graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        messages = {getattr(m, "language", None): str(m) for m in report_graph.objects(node, SH.resultMessage)}
        path = report_graph.value(node, SH.resultPath)
        results.append(ValidationResult(
            focus=_node_text(report_graph.value(node, SH.focusNode)) or "",
            path=_node_text(path) if isinstance(path, rdflib.URIRef) else (path and "(complex path)"),
            shape=_node_text(report_graph.value(node, SH.sourceShape)) or "",
            component=_node_text(report_graph.value(node, SH.sourceConstraintComponent)) or "",
            value=_node_text(report_graph.value(node, SH.value)),
            severity=_node_text(report_graph.value(node, SH.resultSeverity)) or str(SH.Violation),
            message_vi=messages.get("vi", ""),
            message_en=messages.get("en", messages.get(None, "")),
        ))
    return results


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph | None = None) -> ValidationReport:
    """Validate an rdflib graph with pySHACL (no extra inference: the build materialised it)."""
    import pyshacl

    shapes = shapes if shapes is not None else load_shapes()
    conforms, report_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    return ValidationReport(conforms=bool(conforms), results=_results_from_pyshacl(report_graph))
