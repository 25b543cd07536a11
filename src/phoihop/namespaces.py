"""Every IRI namespace phoihop uses, in one place, so code, data and queries never disagree."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, XSD

PH = Namespace("https://w3id.org/phoihop/ontology#")
ID = Namespace("https://w3id.org/phoihop/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
CV = Namespace("http://data.europa.eu/m8g/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
DCT = DCTERMS
# the dataset's own description (dist/void.ttl, data/dataset.ttl)
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
PAV = Namespace("http://purl.org/pav/")

PREFIXES: dict[str, Namespace] = {
    "ph": PH,
    "id": ID,
    "org": ORG,
    "cv": CV,
    "eli": ELI,
    "prov": PROV,
    "skos": SKOS,
    "time": TIME,
    "dct": DCTERMS,
    "foaf": FOAF,
    "oa": OA,
    "xsd": XSD,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "sh": SH,
    "void": VOID,
    "dcat": DCAT,
    "spdx": SPDX,
    "pav": PAV,
}

# Named graphs of the built dataset.
GRAPH_ONTOLOGY = ID["graph/ontology"]
GRAPH_COMMON = ID["graph/common"]
GRAPH_INFERRED = ID["graph/inferred"]


def graph_for_source(stem: str):
    """The named graph holding the facts of one source document."""
    return ID[f"graph/{stem}"]


def sparql_prologue() -> str:
    """PREFIX lines for every namespace, for queries written in code."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def bind_all(graph) -> None:
    """Bind every phoihop prefix on an rdflib graph so serialisations read well."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)


__all__ = [
    "CV", "DCAT", "DCT", "ELI", "FOAF", "GRAPH_COMMON", "GRAPH_INFERRED", "GRAPH_ONTOLOGY", "ID", "OA", "ORG",
    "OWL", "PAV", "PH", "PREFIXES", "PROV", "RDF", "RDFS", "SH", "SKOS", "SPDX", "TIME", "VOID", "XSD", "bind_all",
    "graph_for_source", "sparql_prologue",
]
