"""dist/void.ttl: the build's VoID + DCAT description of the dataset, its licence and its version.

The description is checked against the graph it describes (every count recomputed another way), against
its own shapes (shapes/void.ttl, both SHACL engines), and against the files it names (sizes, SHA-256).
The version is written once (phoihop.__version__) and must agree everywhere it is stamped.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF

import phoihop
from phoihop.build import build
from phoihop.errors import DataInvalid
from phoihop.namespaces import DCAT, DCT, ID, PAV, PH, SPDX, VOID
from phoihop.resources import ontology_dir, project_root
from phoihop.store import union_triples
from phoihop.validate import load_shapes, validate_graph, validate_store
from phoihop.void import describe, static_description

ROOT = project_root()
CC_BY = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
DATASET = ID["dataset"]
XSD = "http://www.w3.org/2001/XMLSchema#"  # a string: pytest trips over rdflib's XSD namespace object
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The curated graph built once into a temporary dist/."""
    out = tmp_path_factory.mktemp("dist")
    build(out_dir=out)
    return out


@pytest.fixture(scope="module")
def void(built) -> rdflib.Graph:
    return rdflib.Graph().parse(built / "void.ttl", format="turtle")


def value(graph: rdflib.Graph, subject, predicate):
    found = list(graph.objects(subject, predicate))
    assert len(found) == 1, f"{subject} {predicate}: {found}"
    return found[0].toPython() if isinstance(found[0], rdflib.Literal) else found[0]


def test_build_writes_the_description_beside_the_graph(built) -> None:
    """void.ttl is part of the release: in the release folder, listed with its checksum in the manifest,
    and reachable under its stable name beside the graph."""
    release = (built / "current").resolve()
    assert sorted(p.name for p in release.iterdir()) == ["manifest.json", "phoihop.trig", "phoihop.ttl", "store",
                                                         "void.ttl"]
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert "void.ttl" in manifest["files"]
    assert (built / "void.ttl").resolve() == release / "void.ttl"


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_the_written_description_conforms_to_its_own_shapes(built, engine) -> None:
    store = ox.Store()
    store.load(path=str(built / "void.ttl"), format=ox.RdfFormat.TURTLE)
    report = validate_store(store, engine=engine)
    assert report.conforms, report.to_text()


def test_the_shapes_would_notice_a_broken_description(void) -> None:
    """The shapes are not vacuous on the real file: dropping the version and a count makes it fail."""
    broken = rdflib.Graph() + void
    broken.remove((DATASET, DCAT.version, None))
    broken.remove((DATASET, VOID.triples, None))
    report = validate_graph(broken, load_shapes())
    assert {r.path for r in report.violations} >= {str(DCAT.version), str(VOID.triples)}


def test_counts_agree_with_the_graph_written(built, void) -> None:
    union = rdflib.Graph().parse(built / "phoihop.ttl", format="turtle")
    assert value(void, DATASET, VOID.triples) == len(union)
    assert value(void, DATASET, VOID.distinctSubjects) == len(set(union.subjects()))
    classes = {value(void, p, VOID["class"]): value(void, p, VOID.entities)
               for p in void.objects(DATASET, VOID.classPartition)}
    properties = {value(void, p, VOID.property): value(void, p, VOID.triples)
                  for p in void.objects(DATASET, VOID.propertyPartition)}
    assert classes[PH.Commitment] == len(set(union.subjects(RDF.type, PH.Commitment))) > 100
    assert classes == {c: len(set(union.subjects(RDF.type, c))) for c in set(union.objects(None, RDF.type))
                       if isinstance(c, rdflib.URIRef)}
    assert properties == {p: len(list(union.triples((None, p, None)))) for p in set(union.predicates())}
    assert sum(properties.values()) == len(union)
    assert value(void, DATASET, VOID.classes) == len(classes)
    assert value(void, DATASET, VOID.properties) == len(properties)


def test_every_source_document_is_a_source_of_the_dataset(built, void) -> None:
    union = rdflib.Graph().parse(built / "phoihop.ttl", format="turtle")
    documents = set(union.subjects(RDF.type, PH.SourceDocument))
    assert len(documents) >= 5 and documents <= set(void.objects(DATASET, DCT.source))


def test_files_are_described_by_size_and_sha256(built, void) -> None:
    described = 0
    for distribution in void.objects(DATASET, DCAT.distribution):
        url = void.value(distribution, DCAT.downloadURL)
        if url is None:  # the SPARQL endpoint
            assert void.value(distribution, DCAT.accessURL) == void.value(DATASET, VOID.sparqlEndpoint)
            continue
        data = (built / str(url).rsplit("/", 1)[-1]).read_bytes()
        checksum = void.value(distribution, SPDX.checksum)
        assert value(void, distribution, DCAT.byteSize) == len(data)
        assert str(void.value(distribution, DCAT.byteSize).datatype) == XSD + "nonNegativeInteger"
        assert value(void, checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        described += 1
    assert described == 2


def test_triples_in_two_graphs_are_counted_once() -> None:
    """Regression: per-property counts over quads counted a triple stated in two named graphs twice."""
    store = ox.Store()
    s, p, o = ox.NamedNode("http://example.org/s"), ox.NamedNode(str(DCT.title)), ox.Literal("x")
    for graph in ("http://example.org/g1", "http://example.org/g2"):
        store.add(ox.Quad(s, p, o, ox.NamedNode(graph)))
    store.add(ox.Quad(s, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(PH.Actor)), ox.NamedNode("http://example.org/g1")))
    triples = {(t.subject, t.predicate, t.object) for t in describe(store)}
    part = ox.NamedNode(f"{DATASET}/property-dct-title")
    assert (part, ox.NamedNode(str(VOID.triples)), ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))) in triples
    assert (ox.NamedNode(str(DATASET)), ox.NamedNode(str(VOID.triples)),
            ox.Literal("2", datatype=ox.NamedNode(XSD + "integer"))) in triples
    assert sum(1 for _ in union_triples(store)) == 2


@pytest.mark.parametrize(("text", "found"), [
    ("", 0),
    ("<http://example.org/a> a <http://www.w3.org/ns/dcat#Dataset> .\n"
     "<http://example.org/b> a <http://www.w3.org/ns/dcat#Dataset> .", 2),
    ("[] a <http://www.w3.org/ns/dcat#Dataset> .", 1),
])
def test_a_description_file_must_describe_one_dataset(tmp_path, text, found) -> None:
    path = tmp_path / "dataset.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataInvalid, match=rf"dataset.ttl: .*exactly one dcat:Dataset.*\(found {found}\)"):
        static_description(path)


# --- licence ---------------------------------------------------------------------------------------------

def test_the_graph_states_the_data_licence(built) -> None:
    union = rdflib.Graph().parse(built / "phoihop.ttl", format="turtle")
    assert (DATASET, DCT.license, CC_BY) in union
    ontology = next(union.subjects(RDF.type, OWL.Ontology))
    assert (ontology, DCT.license, CC_BY) in union


def test_data_and_code_licences_are_stated_apart() -> None:
    assert "CC BY 4.0" in (ROOT / "LICENSE-DATA").read_text(encoding="utf-8")
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"] == "MIT"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "LICENSE-DATA" in readme and "CC BY 4.0" in readme


# --- version -------------------------------------------------------------------------------------------

def test_the_version_is_read_from_one_place() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/phoihop/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+([.+-][0-9A-Za-z.]+)?", phoihop.__version__)


def test_the_version_stamped_everywhere_agrees(void) -> None:
    version = phoihop.__version__
    for predicate in (DCAT.version, PAV.version, OWL.versionInfo):
        assert str(value(void, DATASET, predicate)) == version
    ontology = rdflib.Graph().parse(ontology_dir() / "phoihop.ttl", format="turtle")
    header = rdflib.URIRef("https://w3id.org/phoihop/ontology")
    assert str(value(ontology, header, OWL.versionInfo)) == version
    assert value(ontology, header, OWL.versionIRI) == rdflib.URIRef(f"{header}/{version}")


def test_the_changelog_names_the_current_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in text or f"## [{phoihop.__version__}]" in text
    assert re.search(rf"^## \[{re.escape(phoihop.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M)
