"""The query library: headers, parameters, every query answering on the fixture, and engines agreeing.

The fixture (tests/fixtures/graph/dataset) is a small invented graph in the phoihop model on which every
named query returns rows; the checks/*-violation.rq queries return none on it and fire on the
matching file of tests/fixtures/graph/violations.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from phoihop.errors import InputError, UsageError
from phoihop.infer import infer
from phoihop.query import (
    OxigraphBackend,
    Phoihop,
    bind,
    find_query,
    list_queries,
    open_graph,
    query_form,
    sparql_term,
)
from phoihop.resources import queries_dir
from phoihop.results import comparable, results_from_json, same_answer
from phoihop.sparql import federated
from phoihop.store import load_files

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DATASET = FIXTURES / "graph" / "dataset"
VIOLATIONS = FIXTURES / "graph" / "violations"
QUERIES = list_queries()
NAMED = [q for q in QUERIES if not q.name.startswith("checks/")]
CHECKS = [q for q in QUERIES if q.name.startswith("checks/")]


@pytest.fixture(scope="module")
def oxigraph() -> Phoihop:
    return open_graph([DATASET])


@pytest.fixture(scope="module")
def rdflib_engine() -> Phoihop:
    return open_graph([DATASET], engine="rdflib")


@pytest.fixture(scope="module")
def inferred() -> Phoihop:
    """The fixture after the build's inference rules (type closure, inverses, symmetry, transitivity)."""
    store = load_files([DATASET])
    infer(store)
    return Phoihop(OxigraphBackend(store))


def test_the_library_answers_the_issue_questions() -> None:
    assert len(NAMED) >= 20
    names = {q.name for q in NAMED}
    for needed in ("coordination-pairs", "actor-commitments", "commitments-by-topic",
                   "commitments-by-frequency", "commitments-with-target", "programme-basis", "citation-chain",
                   "party-instruments-implemented", "programmes-active-in-year", "programme-lineage",
                   "posts-held", "actors-without-commitments", "indicators-by-actor-and-year",
                   "busiest-coordinators"):
        assert needed in names
    assert "checks/commitment-without-lead-violation" in {q.name for q in CHECKS}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_header_has_title_and_questions_in_both_languages(query) -> None:
    assert query.title and "?" in query.question
    assert re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", query.question_vi.lower())
    assert query.form in ("select", "construct", "ask")


@pytest.mark.parametrize("query", [q for q in QUERIES if q.parameters], ids=lambda q: q.name)
def test_declared_defaults_are_the_values_in_the_query(query, oxigraph) -> None:
    """Binding each default explicitly changes nothing: the VALUES clause holds the declared default."""
    defaults = {p.name: p.default for p in query.parameters}
    plain, bound = oxigraph.query(query.name), oxigraph.query(query.name, **defaults)
    assert comparable(plain) == comparable(bound)


def _optional_groups(text: str) -> list[str]:
    """The text of every `OPTIONAL { ... }` group (nested ones too), comments dropped."""
    text = re.sub(r"#[^\n]*", "", text)
    groups = []
    for match in re.finditer(r"OPTIONAL\s*\{", text):
        depth, i = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        groups.append(text[match.end():i - 1])
    return groups


@pytest.mark.parametrize("query", [q for q in QUERIES if q.parameters], ids=lambda q: q.name)
def test_a_parameter_filtered_inside_an_optional_is_bound_there(query) -> None:
    """Regression (CI on Virtuoso 7.2): a FILTER inside an OPTIONAL does not see a variable bound outside it
    there, so `OPTIONAL { ?x skos:prefLabel ?l FILTER (LANG(?l) = ?lang) }` lost every label. A parameter a
    group's FILTER reads is repeated as a VALUES inside that group (bind() fills every VALUES of it)."""
    for name in (p.name for p in query.parameters):
        for group in _optional_groups(query.text):
            if re.search(rf"FILTER[^{{}}]*\?{name}\b", group):
                assert re.search(rf"VALUES\s*\?{name}\b", group), f"{query.name}: OPTIONAL {{{group}}}"


@pytest.mark.parametrize("query", NAMED, ids=lambda q: q.name)
def test_every_named_query_answers_on_the_fixture(query, oxigraph) -> None:
    results = oxigraph.query(query.name)
    assert len(results) > 0
    if query.form == "ask":
        assert results.boolean is True


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_oxigraph_and_rdflib_agree(query, oxigraph, rdflib_engine) -> None:
    assert same_answer(oxigraph.query(query.name), rdflib_engine.query(query.name), query.ordered)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_answers_do_not_depend_on_materialised_inferences(query, oxigraph, inferred) -> None:
    assert same_answer(oxigraph.query(query.name), inferred.query(query.name))


@pytest.mark.parametrize("check", CHECKS, ids=lambda q: q.name)
def test_check_is_silent_on_a_good_graph_and_fires_on_its_violation(check, oxigraph) -> None:
    assert len(oxigraph.query(check.name)) == 0
    bad = VIOLATIONS / f"{check.name.removeprefix('checks/')}.ttl"
    assert bad.is_file(), f"no violation fixture for {check.name}"
    assert len(open_graph([DATASET / "ontology.ttl", bad]).query(check.name)) > 0


def test_parameters_change_the_answer(oxigraph) -> None:
    in_2018 = {r["number"] for r in oxigraph.query("programmes-active-in-year", year=2018)}
    in_2023 = {r["number"] for r in oxigraph.query("programmes-active-in-year", year="2023")}
    assert in_2018 == {"01/CTr-UBND-LĐLĐ"}
    assert "07/QCPH-UBND-LĐLĐ" in in_2023 and "01/CTr-UBND-LĐLĐ" not in in_2023
    led = oxigraph.query("actor-commitments", actor="id:actor/da-nang/uy-ban-nhan-dan")
    assert {r["role"] for r in led} == {"lead", "partner"}
    assert oxigraph.query("any-commitment-on-topic", topic="id:topic/party-building").boolean is False


# Issue 13: named queries count obligations unless asked (status=...), leave placeholder groups out unless
# asked (groups=true), and read actors and posts through their validity intervals. Each row: query,
# parameters, a column, and a value that must (or must not) be among the answers.
GROUP = "https://w3id.org/phoihop/id/actor/da-nang/cac-so-nganh"
FUNDING = "https://w3id.org/phoihop/id/topic/funding-support"
SO_NOI_VU = "https://w3id.org/phoihop/id/actor/da-nang/so-noi-vu"
PARAMETER_CASES = [
    ("commitments-by-topic", {}, "topic", FUNDING, False),
    ("commitments-by-topic", {"status": "reported-result"}, "topic", FUNDING, True),
    ("commitments-by-topic", {"status": "any"}, "topic", FUNDING, True),
    ("busiest-coordinators", {"status": "any"}, "actor", GROUP, False),
    ("busiest-coordinators", {"status": "any", "groups": "true"}, "actor", GROUP, True),
    ("coordination-pairs", {"status": "any", "groups": True}, "actorA", GROUP, True),
    ("coordination-pairs", {"status": "any"}, "actorA", GROUP, False),
    ("actors-in-area", {"area": "id:area/da-nang", "date": "2025-01-01"}, "actor", SO_NOI_VU, True),
    ("actors-in-area", {"area": "id:area/da-nang", "date": "2026-01-01"}, "actor", SO_NOI_VU, False),
]


@pytest.mark.parametrize(("name", "params", "column", "value", "present"), PARAMETER_CASES)
def test_status_groups_and_dates_select_the_answers(oxigraph, name, params, column, value, present) -> None:
    found = {str(row[column]) for row in oxigraph.query(name, **params)}
    assert (value in found) is present, sorted(found)


def test_a_request_is_not_counted_as_a_lead_unless_asked(oxigraph) -> None:
    """Regression (issue 13): requests and results were counted as duties in every per-actor count."""
    union = "https://w3id.org/phoihop/id/actor/da-nang/lien-doan-lao-dong"
    duties = {r["actor"]: r["leads"] for r in oxigraph.query("lead-versus-partner")}
    requests = {r["actor"]: r["leads"] for r in oxigraph.query("lead-versus-partner", status="request")}
    everything = {r["actor"]: r["leads"] for r in oxigraph.query("lead-versus-partner", status="any")}
    assert requests[union] == 1 and everything[union] == duties[union] + 2


def test_records_are_plain_python_values(oxigraph) -> None:
    row = oxigraph.query("programmes-active-in-year", year=2022)[0]
    assert row["agreement"] == "https://w3id.org/phoihop/id/instrument/ha-noi-ubnd-ldld/163-ctr"
    assert row["begin"] == date(2020, 1, 1) and row["commitments"] == 2
    targets = {r["clause"]: r for r in oxigraph.query("commitments-with-target")}
    assert targets["II.2"]["minValue"] == 20.0 and targets["II.2"]["unit"] == "doanh nghiệp"


@pytest.mark.parametrize(("value", "type_", "term"), [
    ("2022", "xsd:integer", '"2022"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ("-7", "xsd:integer", '"-7"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    ("2.50", "xsd:decimal", '"2.50"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    ("2024-02-29", "xsd:date", '"2024-02-29"^^<http://www.w3.org/2001/XMLSchema#date>'),
    (date(2020, 1, 1), "xsd:date", '"2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>'),
    ('x" } } ; DROP ALL #', "xsd:string", '"x\\" } } ; DROP ALL #"'),
    ("a\\b\nc", "xsd:string", '"a\\\\b\\nc"'),
    ("id:actor/ha-noi/uy-ban-nhan-dan", "iri", "<https://w3id.org/phoihop/id/actor/ha-noi/uy-ban-nhan-dan>"),
    ("<http://example.org/x>", "iri", "<http://example.org/x>"),
    ("true", "xsd:boolean", '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'),
])
def test_parameter_values_become_typed_escaped_terms(value, type_, term) -> None:
    assert sparql_term(value, type_) == term


@pytest.mark.parametrize(("value", "type_"), [
    ("2022 } ?s ?p ?o {", "xsd:integer"), ("2022.5", "xsd:integer"), (True, "xsd:integer"),
    ("NaN", "xsd:decimal"), ("2022-02-30", "xsd:date"), ("http://x/> } DROP ALL", "iri"),
    ("no scheme", "iri"), ("maybe", "xsd:boolean"),
])
def test_bad_parameter_values_are_refused(value, type_) -> None:
    with pytest.raises(UsageError):
        sparql_term(value, type_)


def test_an_injected_string_stays_one_literal(oxigraph) -> None:
    query = find_query("# parameters: q (xsd:string, default x)\n"
                       "SELECT ?v WHERE { VALUES ?q { \"x\" } BIND (STRLEN(?q) AS ?v) }")
    hostile = '" } ?s ?p ?o . } #'
    results = oxigraph.run_text(bind(query, {"q": hostile}))
    assert results[0]["v"] == len(hostile)


def test_undeclared_parameter_and_missing_values_clause_are_errors() -> None:
    with pytest.raises(UsageError, match="no parameter 'month'"):
        bind(find_query("programmes-active-in-year"), {"month": 3})
    broken = find_query("# parameters: year (xsd:integer, default 1)\nSELECT * WHERE { ?s ?p ?year }")
    with pytest.raises(InputError, match="VALUES"):
        bind(broken, {"year": 2})


def test_unknown_query_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--list"):
        find_query("no-such-query")


def test_syntax_errors_name_the_query_line_and_column(oxigraph) -> None:
    with pytest.raises(InputError) as caught:
        oxigraph.run_text("SELECT ?x WHERE {\n  ?x ?y\n}", "broken.rq")
    assert caught.value.path == "broken.rq" and caught.value.line == 3


@pytest.mark.parametrize(("text", "form", "service"), [
    ("PREFIX ask: <http://x#>\n# SELECT here\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }", "construct", False),
    ('SELECT * WHERE { ?s ?p "SERVICE <http://evil/>" }', "select", False),
    ("SELECT * WHERE { ?s ex:service ?o }", "select", False),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1/sparql> { ?s ?p ?o } }", "select", True),
    ("SELECT * WHERE { {} .SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }", "select", True),
    ("SELECT * WHERE { \\u0053ERVICE SILENT <http://127.0.0.1:9/x> { ?s ?p ?o } }", "select", True),
    ("ASK { ?s ?p ?o FILTER EXISTS { SERVICE ?endpoint { ?a ?b ?c } } }", "ask", True),
    ("SELECT * { { SELECT * { OPTIONAL { SERVICE <http://a/> { ?x ?y ?z } } } } }", "select", True),
    ("BASE <http://x/> PREFIX : <http://y#> INSERT DATA { <a> <b> <c> }", "insert", False),
    ("LOAD <http://example.org/data.ttl>", "load", False),
])
def test_query_form_and_service_ignore_strings_iris_and_comments(text, form, service) -> None:
    """SERVICE is found in the algebra, wherever it hides (issue 14: `{} .SERVICE` passed a text pattern)."""
    assert query_form(text) == form
    assert federated(text) is service


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_result_formats_round_trip_through_a_sparql_parser(fmt, oxigraph) -> None:
    results = oxigraph.query("posts-held")
    parser_format = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
                     "tsv": ox.QueryResultsFormat.TSV}[fmt]
    parsed = ox.parse_query_results(results.serialize(fmt).encode("utf-8"), format=parser_format)
    assert [v.value for v in parsed.variables] == results.variables
    assert [tuple(s[i] for i in range(len(results.variables))) for s in parsed] == results.rows


def test_csv_holds_the_lexical_forms(oxigraph) -> None:
    results = oxigraph.query("posts-held")
    rows = list(csv.reader(io.StringIO(results.serialize("csv"), newline="")))
    assert rows[0] == results.variables
    assert rows[1:] == [[t.value if t is not None else "" for t in row] for row in results.rows]


def test_json_and_csv_follow_the_sparql_result_specs(oxigraph) -> None:
    results = oxigraph.query("programmes-active-in-year")
    doc = json.loads(results.serialize("json"))
    first = doc["results"]["bindings"][0]
    assert doc["head"]["vars"] == results.variables
    assert first["begin"] == {"type": "literal", "value": "2020-01-01",
                              "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    assert first["agreement"]["type"] == "uri"
    lines = results.serialize("csv").split("\r\n")
    assert lines[0] == ",".join(results.variables)
    assert next(csv.reader(io.StringIO(lines[1])))[1] == "163/CTr-UBND-LĐLĐ"
    ask = json.loads(oxigraph.query("any-commitment-on-topic").serialize("json"))
    assert ask == {"head": {}, "boolean": True}


def test_construct_gives_turtle_that_parses_to_the_same_graph(oxigraph) -> None:
    results = oxigraph.query("coordination-network")
    graph = rdflib.Graph().parse(data=results.serialize("turtle"), format="turtle")
    expected = rdflib.Graph().parse(data=results.serialize("ntriples"), format="nt")
    assert len(graph) == len(results) and isomorphic(graph, expected)
    with pytest.raises(UsageError, match="graph"):
        results.serialize("csv")


def test_table_shortens_iris_with_prefixes(oxigraph) -> None:
    table = oxigraph.query("citation-chain").serialize("table")  # ?instrument is not followed by its name
    assert "id:instrument/" in table and "https://w3id.org/phoihop/id/" not in table
    named = oxigraph.query("agreements-overview").serialize("table")  # ?agreement ?number: the number shows
    assert "07/QCPH-UBND-LĐLĐ" in named and "id:instrument/da-nang" not in named
    assert named.rstrip().endswith("(5 rows)")


def test_fixture_evidence_spans_lie_inside_their_source_files(oxigraph) -> None:
    spans = oxigraph.run_text("""
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?file ?start ?end WHERE {
          ?e oa:hasSource/dct:identifier ?file ; oa:hasSelector [ oa:start ?start ; oa:end ?end ] }""")
    assert len(spans) >= 10
    for span in spans:
        text = (FIXTURES / "graph" / "sources" / span["file"]).read_text(encoding="utf-8")
        assert 0 <= span["start"] < span["end"] <= len(text)


def test_queries_folder_is_the_projects() -> None:
    assert all(q.path is not None and q.path.is_relative_to(queries_dir()) for q in QUERIES)


def test_json_answers_are_read_leniently_where_stores_stray() -> None:
    virtuoso_table = """{ "head": { "link": [], "vars": ["x", "n"] }, "results": { "bindings": [
        { "x": { "type": "bnode", "value": "nodeID://b10006" },
          "n": { "type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                 "value": "3" }},
        { "n": { "type": "literal", "xml:lang": "vi", "value": "Hà Nội" }} ] } }"""
    table = results_from_json(virtuoso_table.encode("utf-8"), "select")
    assert table.variables == ["x", "n"] and table[0]["n"] == 3 and table[1] == {"x": None, "n": "Hà Nội"}
    assert isinstance(table.rows[0][0], ox.BlankNode)
    virtuoso_ask = b"""{ "head": { "vars": ["__ASK_RETVAL"] }, "results": { "bindings": [
        { "__ASK_RETVAL": { "type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                            "value": "1" }} ] } }"""
    assert results_from_json(virtuoso_ask, "ask").boolean is True
    assert results_from_json(b'{"head": {}, "boolean": false}', "ask").boolean is False


def test_a_parameter_fills_every_values_clause_of_it() -> None:
    """Regression: only the first VALUES ?node was bound, so a query repeating it inside an OPTIONAL (for
    speed) would have mixed the given node with the default one."""
    query = find_query("evidence-of-node")
    text = bind(query, {"node": "<http://example.org/x>"})
    assert text.count("<http://example.org/x>") == 2
    assert "163-ctr" not in text.split("WHERE", 1)[1]
