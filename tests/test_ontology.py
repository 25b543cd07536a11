"""The OWL ontology and the SKOS schemes: they parse, every term is labelled, and they match docs/model.md."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from phoihop.iris import slug
from phoihop.namespaces import ELI, ID, PH, PREFIXES
from phoihop.resources import ontology_dir

MODEL = Path(__file__).resolve().parents[1] / "docs" / "model.md"
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDFS.Datatype,
         OWL.NamedIndividual)
SCHEMES = ("doctype", "topic", "frequency", "level", "role", "status", "date-status", "change-kind")


@cache
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "phoihop.ttl", format="turtle")


@cache
def scheme(name: str) -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "schemes" / f"{name}.ttl", format="turtle")


@cache
def model_text() -> str:
    if not MODEL.is_file():
        pytest.skip(f"docs/model.md not present: {MODEL}")
    return MODEL.read_text(encoding="utf-8")


def ph_terms() -> list[rdflib.URIRef]:
    g = ontology()
    return sorted({s for kind in KINDS for s in g.subjects(RDF.type, kind) if str(s).startswith(str(PH))})


def concepts(name: str) -> list[rdflib.URIRef]:
    return sorted(scheme(name).subjects(SKOS.inScheme, ID[f"scheme/{name}"]))


def test_ontology_header():
    g = ontology()
    onto = rdflib.URIRef("https://w3id.org/phoihop/ontology")
    assert (onto, RDF.type, OWL.Ontology) in g
    assert g.value(onto, OWL.versionInfo) is not None
    for prop in (
        rdflib.URIRef("http://purl.org/dc/terms/title"),
        rdflib.URIRef("http://purl.org/dc/terms/description"),
    ):
        assert {lit.language for lit in g.objects(onto, prop)} >= {"vi", "en"}


@pytest.mark.parametrize("term", ph_terms(), ids=lambda t: t.removeprefix(str(PH)))
def test_term_is_labelled_and_defined(term):
    g = ontology()
    labels = Counter(lit.language for lit in g.objects(term, RDFS.label))
    assert labels["vi"] == 1 and labels["en"] == 1, f"{term}: rdfs:label {dict(labels)}"
    definitions = {lit.language for lit in g.objects(term, SKOS.definition)}
    assert {"en", "vi"} <= definitions, f"{term}: skos:definition in {definitions}"


def test_every_term_of_the_model_is_declared():
    """Every prefixed term docs/model.md names exists in the ontology with a declared kind."""
    g = ontology()
    declared = {s for kind in KINDS for s in g.subjects(RDF.type, kind)}
    named = set(
        re.findall(r"\b(ph|org|cv|eli|prov|skos|time|dct|foaf|oa):([A-Za-z_][A-Za-z0-9_]*)", model_text())
    )
    missing = sorted(
        f"{p}:{local}" for p, local in named if rdflib.URIRef(str(PREFIXES[p]) + local) not in declared
    )
    assert not missing, missing


def test_every_used_term_is_declared_once():
    """OWL 2 DL without imports: each IRI used as a predicate or class has exactly one kind."""
    g = ontology()
    kinds = {
        s: {k for k in KINDS if (s, RDF.type, k) in g}
        for s in set(g.subjects()) | set(g.objects())
        if isinstance(s, rdflib.URIRef)
    }
    clashes = sorted(str(s) for s, k in kinds.items() if len(k - {OWL.Class}) > 1)
    assert not clashes, clashes
    predicates = {p for _, p, _ in g} - {
        RDF.type,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.inverseOf,
        OWL.members,
        RDF.first,
        RDF.rest,
    }
    undeclared = sorted(str(p) for p in predicates if not kinds.get(p) and not str(p).startswith(str(OWL)))
    assert not undeclared, undeclared


def test_no_datatype_ranges_outside_the_owl2_datatype_map():
    """xsd:date and xsd:duration are not OWL 2 datatypes; the shapes check them instead."""
    bad = {rdflib.XSD.date, rdflib.XSD.duration, rdflib.XSD.gYear, rdflib.XSD.dateTimeStamp}
    assert not [s for s, o in ontology().subject_objects(RDFS.range) if o in bad]


def test_key_axioms():
    g = ontology()
    assert (PH.succeeds, OWL.inverseOf, PH.succeededBy) in g
    assert (PH.succeeds, RDFS.subPropertyOf, rdflib.URIRef("http://purl.org/dc/terms/replaces")) in g
    assert (PH.withinArea, RDF.type, OWL.TransitiveProperty) in g
    assert (PH.coordinatesWith, RDF.type, OWL.SymmetricProperty) in g
    org = PREFIXES["org"]
    assert (org.subOrganizationOf, RDFS.subPropertyOf, org.transitiveSubOrganizationOf) in g
    assert (org.transitiveSubOrganizationOf, RDF.type, OWL.TransitiveProperty) in g
    assert (PH.CoordinationAgreement, RDFS.subClassOf, ELI.LegalResource) in g
    assert (PH.StateBody, RDFS.subClassOf, PREFIXES["cv"].PublicOrganisation) in g
    assert (PH.ReferenceTable, RDFS.subClassOf, PREFIXES["prov"].Entity) in g


# --- concept schemes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SCHEMES)
def test_scheme_concepts_are_labelled(name):
    g = scheme(name)
    assert (ID[f"scheme/{name}"], RDF.type, SKOS.ConceptScheme) in g
    assert concepts(name)
    for concept in concepts(name):
        assert str(concept).startswith(str(ID[f"{name}/"])), concept
        labels = Counter(lit.language for lit in g.objects(concept, SKOS.prefLabel))
        assert labels["vi"] == 1 and labels["en"] == 1, f"{concept}: prefLabel {dict(labels)}"
        assert all(lit.language == "vi" for lit in g.objects(concept, SKOS.altLabel)), concept


def model_codes(heading: str) -> set[str]:
    """The codes docs/model.md lists for one scheme, e.g. `id:topic/<code>: a, b, c`."""
    match = re.search(rf"`id:{heading}/<[^>]+>`?:?\s*([^)]*)\)", model_text())
    assert match, heading
    codes = match.group(1).replace("\n", " ").split(";")[0]
    return {c.strip(" `…") for c in codes.split(",") if c.strip(" `…")}


@pytest.mark.parametrize("name", ["topic", "frequency"])
def test_scheme_has_every_code_of_the_model(name):
    present = {str(c).rsplit("/", 1)[1] for c in concepts(name)}
    assert model_codes(name) <= present


def test_levels_and_roles_of_the_model_exist():
    levels = {str(c).rsplit("/", 1)[1] for c in concepts("level")}
    assert {"national", "province", "district", "commune", "grassroots"} <= levels
    roles = {str(c).rsplit("/", 1)[1] for c in concepts("role")}
    assert model_codes("role") <= roles


def test_role_iris_are_slugs_of_their_names():
    g = scheme("role")
    for concept in concepts("role"):
        vi = next(lit for lit in g.objects(concept, SKOS.prefLabel) if lit.language == "vi")
        assert concept == ID[f"role/{slug(vi)}"]
        assert (concept, RDF.type, PREFIXES["org"].Role) in g


def test_doctype_iris_notations_and_classes():
    g = scheme("doctype")
    instrument_classes = set(ontology().subjects(RDFS.subClassOf, ELI.LegalResource))
    instrument_classes |= {
        c for sup in list(instrument_classes) for c in ontology().subjects(RDFS.subClassOf, sup)
    }
    notations = []
    for concept in concepts("doctype"):
        notation = g.value(concept, SKOS.notation)
        assert notation is not None, concept
        notations.append(str(notation))
        assert concept == ID[f"doctype/{slug(str(notation))}"]
        assert g.value(concept, PH.instrumentClass) in instrument_classes, concept
    assert len(notations) == len(set(notations))


def test_doctype_covers_the_model_table():
    """Each `| ph:Class | Vietnamese | NOTATION |` model row: a concept with that notation and class."""
    g = scheme("doctype")
    by_notation = {
        str(g.value(c, SKOS.notation)): g.value(c, PH.instrumentClass) for c in concepts("doctype")
    }
    instrument_classes = set(by_notation.values())
    rows = re.findall(r"^\| ph:(\w+) \| [^|]+ \| ([^|]*) \|$", model_text(), flags=re.M)
    checked = 0
    for cls, notation_cell in rows:
        if PH[cls] not in instrument_classes:  # the actor table has the same shape
            continue
        for notation in filter(None, (n.strip() for n in notation_cell.split(","))):
            assert by_notation.get(notation) == PH[cls], (
                f"{notation} -> {by_notation.get(notation)}, not ph:{cls}"
            )
            checked += 1
    assert checked >= 15


@pytest.mark.parametrize("name", SCHEMES)
def test_alt_labels_are_unambiguous(name):
    """Ingest maps a surface form to one concept, so no altLabel may belong to two concepts of a scheme."""
    g = scheme(name)
    owners = Counter(
        label
        for c in concepts(name)
        for label in {str(lit).casefold() for lit in g.objects(c, SKOS.altLabel)}
    )
    assert not [label for label, n in owners.items() if n > 1]


def test_frequencies_carry_their_period():
    g = scheme("frequency")
    for code in (
        "weekly",
        "twice-weekly",
        "monthly",
        "quarterly",
        "every-6-months",
        "twice-yearly",
        "annually",
        "every-2-years",
        "every-5-years",
    ):
        concept = ID[f"frequency/{code}"]
        assert g.value(concept, PH.timesPerPeriod).datatype == rdflib.XSD.integer
        assert g.value(concept, PH.periodDuration).datatype == rdflib.XSD.duration
