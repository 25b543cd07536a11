"""The curated graph (data/*.ttl) keeps the contract's invariants that no single file can check alone."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SKOS

from phoihop.namespaces import ELI, PH
from phoihop.store import parse_file

ROOT = Path(__file__).resolve().parents[1]
DATA_FILES = sorted((ROOT / "data").glob("*.ttl"))
YEAR_IN_IRI = re.compile(r"/instrument/[^/]+/(\d{4}|undated)/")


@cache
def curated() -> Graph:
    """The union of every data file, plus the ontology for its class hierarchy."""
    graph = Graph()
    for path in [*DATA_FILES, ROOT / "ontology" / "phoihop.ttl"]:
        graph.parse(path, format="turtle")
    return graph


def instances_of(graph: Graph, cls) -> set:
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c)}


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).casefold().strip()


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: p.name)
def test_data_file_parses(path: Path) -> None:
    assert parse_file(path), f"{path} holds no triples"


def test_no_two_actors_share_a_preferred_label() -> None:
    graph = curated()
    holders: dict[tuple[str, str | None], set] = defaultdict(set)
    for actor in instances_of(graph, PH.Actor):
        for label in graph.objects(actor, SKOS.prefLabel):
            holders[(fold(label), label.language)].add(actor)
    shared = {label: sorted(map(str, actors)) for label, actors in holders.items() if len(actors) > 1}
    assert not shared, shared


def test_numbers_are_unique_per_issuer_and_year() -> None:
    """Two instruments of one issuer and year cannot carry the same số ký hiệu."""
    graph = curated()
    holders: dict[tuple, set] = defaultdict(set)
    for node, number in graph.subject_objects(ELI.id_local):
        date = graph.value(node, ELI.date_document)
        match = YEAR_IN_IRI.search(str(node))
        year = str(date)[:4] if date is not None else (match.group(1) if match else None)
        for issuer in graph.objects(node, ELI.passed_by):
            holders[(re.sub(r"\s+", "", fold(number)), issuer, year)].add(node)
    clashes = {key: sorted(map(str, nodes)) for key, nodes in holders.items() if len(nodes) > 1}
    assert not clashes, clashes


def test_every_commitment_has_a_lead_and_one_programme() -> None:
    graph = curated()
    commitments = set(graph.subjects(RDF.type, PH.Commitment))
    assert commitments, "the curated graph holds no commitments"
    bad = sorted(str(c) for c in commitments
                 if not any(graph.objects(c, PH.leadActor)) or len(set(graph.objects(c, PH.programme))) != 1)
    assert not bad, bad
