"""The readable Turtle writer: same graph in, same bytes out; every triple kept; nothing escaped that need
not be; blank nodes nested, listed or labelled by content."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from phoihop import turtle
from phoihop.resources import ontology_files
from phoihop.store import load_files

NETWORK = Path(__file__).parent / "fixtures" / "network" / "data.ttl"
PREFIXES = """@prefix ph: <https://w3id.org/phoihop/ontology#> .
@prefix id: <https://w3id.org/phoihop/id/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""


def written(text: str) -> str:
    """Our Turtle for a small Turtle document."""
    return turtle.serialize(q.triple for q in ox.parse(PREFIXES + text, format=ox.RdfFormat.TURTLE))


def same_graph(a: str, b: str) -> bool:
    return isomorphic(rdflib.Graph().parse(data=a, format="turtle"), rdflib.Graph().parse(data=b, format="turtle"))


CASES = [  # (input, what the output must contain)
    ("id:actor\\/ha-noi\\/ldld a ph:LabourUnion .", "<actor/ha-noi/ldld>\n    a ph:LabourUnion ."),
    ("id:x ph:count 3 ; ph:share 0.5 ; ph:ok true ; ph:on \"2021-05-01\"^^xsd:date .",
     'ph:count 3 ;\n    ph:ok true ;\n    ph:on "2021-05-01"^^xsd:date ;\n    ph:share 0.5 .'),
    ('id:x skos:prefLabel "Hà Nội"@vi, "Ha Noi"@en .', 'skos:prefLabel "Ha Noi"@en, "Hà Nội"@vi .'),
    ('id:x ph:note "a \\"quoted\\" line\\nand a \\\\ slash" .', 'ph:note "a \\"quoted\\" line\\nand a \\\\ slash" .'),
    ("id:x ph:evidence [ a oa:SpecificResource ; oa:hasSelector [ oa:start 1 ; oa:end 9 ] ] .",
     "oa:hasSelector [\n            oa:end 9 ;\n            oa:start 1\n        ]"),
    ("id:x owl:members ( ph:A ph:B ph:C ) .", "owl:members ( ph:A ph:B ph:C ) ."),
    ("<http://example.org/a/b> <http://example.org/p> <https://w3id.org/phoihop/ontology#a/b> .",
     "<http://example.org/a/b>\n    <http://example.org/p> <https://w3id.org/phoihop/ontology#a/b> ."),
    ("id:x ph:period _:c0ffee . id:y ph:period _:c0ffee . _:c0ffee ph:year 2020 .", "_:b1\n    ph:year 2020 ."),
    ("_:a ph:next _:b . _:b ph:next _:a .", "_:c1\n    ph:next [ ph:next _:c1 ] ."),
    ("id:x ph:empty [] .", "ph:empty [] ."),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_written_forms(text, expected):
    out = written(text)
    assert expected in out, out
    assert same_graph(PREFIXES + text, out)
    assert "\\/" not in out


def test_a_chosen_blank_node_label_is_kept_when_shared():
    out = written("id:x ph:validDuring _:validity-ha-noi . id:y ph:validDuring _:validity-ha-noi . "
                  "_:validity-ha-noi a ph:Interval .")
    assert "_:validity-ha-noi\n    a ph:Interval ." in out


def test_long_object_lists_go_one_per_line():
    objects = ", ".join(f"id:actor\\/ha-noi\\/so-{i}" for i in range(8))
    out = written(f"id:x ph:coordinatesWith {objects} .")
    assert "ph:coordinatesWith\n        <actor/ha-noi/so-0>,\n        <actor/ha-noi/so-1>," in out


def test_two_blank_nodes_that_read_the_same_stay_two():
    text = "id:x ph:evidence [ oa:start 1 ], [ oa:start 1 ] ."
    out = written(text)
    assert out.count("oa:start 1") == 2 and same_graph(PREFIXES + text, out)


@pytest.fixture(scope="module")
def graph_store() -> ox.Store:
    return load_files([*ontology_files(), NETWORK])


def test_the_union_round_trips_and_names_each_subject_once(graph_store, tmp_path):
    path = tmp_path / "g.ttl"
    count = turtle.write_union(graph_store, path)
    text = path.read_text(encoding="utf-8")
    original = rdflib.Graph().parse(data="\n".join(turtle.union_ntriples(graph_store)), format="nt")
    assert count == len(original) and isomorphic(original, rdflib.Graph().parse(path, format="turtle"))
    starts = re.findall(r"^(<[^>]*>|\w+:\S+)$", text, flags=re.M)
    assert len(starts) == len(set(starts)) > 100  # every subject starts one statement
    assert "\\/" not in text


def test_same_graph_same_bytes(tmp_path):
    """Blank nodes get new random ids at every parse; the output must not change with them."""
    outputs = []
    for run in range(2):
        store = load_files([*ontology_files(), NETWORK])
        turtle.write_union(store, tmp_path / f"{run}.ttl")
        outputs.append((tmp_path / f"{run}.ttl").read_bytes())
    assert outputs[0] == outputs[1]


def test_a_triple_in_two_graphs_is_written_once(tmp_path):
    store = ox.Store()
    text = ("<https://w3id.org/phoihop/id/x> <https://w3id.org/phoihop/ontology#p> _:s . "
            "_:s <http://www.w3.org/ns/oa#start> 1 .")
    for graph in ("a", "b"):
        store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"https://example.org/{graph}"))
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/phoihop/id/x"), ox.NamedNode("https://w3id.org/phoihop/ontology#q"),
                      ox.Literal("v"), ox.NamedNode("https://example.org/a")))
    store.add(ox.Quad(ox.NamedNode("https://w3id.org/phoihop/id/x"), ox.NamedNode("https://w3id.org/phoihop/ontology#q"),
                      ox.Literal("v"), ox.NamedNode("https://example.org/b")))
    path = tmp_path / "u.ttl"
    count = turtle.write_union(store, path)
    text_out = path.read_text(encoding="utf-8")
    assert text_out.count('ph:q "v"') == 1 and count == len(rdflib.Graph().parse(path, format="turtle"))
