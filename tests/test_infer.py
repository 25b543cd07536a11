"""The SPARQL rules add exactly the entailments they promise, and stop at a fixpoint."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic, to_isomorphic

from phoihop.infer import infer, load_rules
from phoihop.namespaces import GRAPH_INFERRED
from phoihop.store import load_files, to_rdflib_term


def _inferred(store: ox.Store) -> rdflib.Graph:
    graph = rdflib.Graph()
    for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(GRAPH_INFERRED))):
        graph.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
    return graph


def test_rules_add_exactly_the_expected_triples(fixtures) -> None:
    store = load_files([fixtures / "infer" / "input.ttl"], graph_of=lambda _: ox.NamedNode("http://g/input"))
    stats = infer(store)
    expected = rdflib.Graph().parse(fixtures / "infer" / "expected.ttl")
    got = _inferred(store)
    if not isomorphic(got, expected):
        missing = to_isomorphic(expected) - to_isomorphic(got)
        extra = to_isomorphic(got) - to_isomorphic(expected)
        raise AssertionError(f"missing {sorted(missing)}\nextra {sorted(extra)}")
    assert stats.total == len(expected)
    assert stats.rounds >= 2  # the transitive chain needs more than one round


def test_inference_is_idempotent(fixtures) -> None:
    store = load_files([fixtures / "infer" / "input.ttl"], graph_of=lambda _: ox.NamedNode("http://g/input"))
    infer(store)
    before = len(store)
    again = infer(store)
    assert again.total == 0 and len(store) == before


def test_every_rule_has_a_header() -> None:
    for name, text in load_rules():
        assert "# title:" in text and "# question:" in text and "# question-vi:" in text, name
