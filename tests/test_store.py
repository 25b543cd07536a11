"""Loading RDF: good files load into the right graph; bad ones name the file, line and column."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from phoihop.errors import InputError
from phoihop.store import (
    add_rdflib_graph,
    dump_graphs,
    load_files,
    open_read_only,
    parse_file,
    to_rdflib,
    union_triples,
    write_union_store,
)

BAD = {
    "unterminated.ttl": ("@prefix ex: <http://example.org/> .\nex:a ex:b \"oops .\n", 2),
    "unknown-prefix.ttl": ("@prefix ex: <http://example.org/> .\n\nex:a nope:b ex:c .\n", 3),
    "bad-iri.ttl": ("<http://example.org/a> <http://example.org/b> <not an iri> .\n", 1),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_syntax_errors_name_file_and_line(tmp_path, name: str) -> None:
    text, line = BAD[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_file(path)
    assert info.value.path == str(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}:")


def test_unknown_extension_and_missing_file(tmp_path) -> None:
    with pytest.raises(InputError, match="unknown RDF file extension"):
        parse_file(tmp_path / "x.docx")
    with pytest.raises(InputError, match="no such file"):
        parse_file(tmp_path / "absent.ttl")


def test_round_trip_between_oxigraph_and_rdflib(tmp_path) -> None:
    source = rdflib.Graph()
    source.parse(data="""
        @prefix ex: <http://example.org/> .
        ex:a ex:name "Liên đoàn Lao động"@vi, "Labour Federation"@en ;
             ex:date "2020-07-28"^^<http://www.w3.org/2001/XMLSchema#date> ;
             ex:plain "x" ; ex:part [ ex:n 3 ] .
    """, format="turtle")
    store = ox.Store()
    add_rdflib_graph(store, source, ox.NamedNode("http://example.org/g"))
    assert isomorphic(to_rdflib(store), source)


def test_load_files_puts_each_file_in_its_graph(tmp_path) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.ttl").write_text(f"<http://e/{name}> <http://e/p> <http://e/o> .\n", encoding="utf-8")
    store = load_files(sorted(tmp_path.glob("*.ttl")), graph_of=lambda p: ox.NamedNode(f"http://g/{p.stem}"))
    assert {q.graph_name.value for q in store} == {"http://g/a", "http://g/b"}


def test_union_holds_each_triple_once_whatever_graphs_repeat_it() -> None:
    """Regression: a plain CONSTRUCT over the union repeated a triple stated in the default graph and in
    named graphs, which would have doubled lines in dist/phoihop.ttl and the build's triple count."""
    store = ox.Store()
    a, b, node = ox.NamedNode("http://a"), ox.NamedNode("http://b"), ox.BlankNode("x")
    for graph in (ox.DefaultGraph(), ox.NamedNode("http://g1"), ox.NamedNode("http://g2")):
        store.add(ox.Quad(a, b, node, graph))
    store.add(ox.Quad(a, a, a, ox.NamedNode("http://g1")))
    assert sorted(map(str, union_triples(store))) == sorted(map(str, [(a, a, a), (a, b, node)]))


def test_the_on_disk_union_keeps_a_blank_node_that_two_graphs_describe_as_one_node(tmp_path) -> None:
    """Regression: the union store was bulk-loaded one graph per call, and each call gave a blank node
    labels of its own, so a type inferred into another graph (time:TemporalEntity on an interval's blank
    node) landed on a second, empty-handed node."""
    store = ox.Store()
    node, kind, label = ox.BlankNode("x"), ox.NamedNode("http://e/Kind"), ox.Literal("one")
    store.add(ox.Quad(node, ox.NamedNode("http://e/label"), label, ox.NamedNode("http://g/data")))
    store.add(ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), kind,
                      ox.NamedNode("http://g/inferred")))
    dump_graphs(store, tmp_path / "graphs.nt")
    write_union_store(tmp_path / "graphs.nt", tmp_path / "store")
    union = open_read_only(tmp_path / "store")
    assert len(union) == 2 and len({quad.subject for quad in union}) == 1
