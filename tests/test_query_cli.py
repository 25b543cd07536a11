"""`phoihop query` through click: names, files, stdin, parameters, formats, engines and its errors."""

from __future__ import annotations

import doctest
import json
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from phoihop.cli import cli
from phoihop.query import list_queries

DATASET = Path(__file__).resolve().parent / "fixtures" / "graph" / "dataset"
ON_FIXTURE = ["-g", str(DATASET)]


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["-q", "query", *args], input=input)


def test_list_shows_every_query_with_its_questions() -> None:
    result = run("--list")
    assert result.exit_code == 0, result.output
    for query in list_queries():
        assert query.name in result.output and query.question_vi in result.output
    assert "--param year=…  (xsd:integer, default 2022)" in result.output


def test_named_query_as_sparql_json() -> None:
    result = run("programmes-active-in-year", *ON_FIXTURE, "--format", "json", "--param", "year=2016")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [b["number"]["value"] for b in doc["results"]["bindings"]] == ["01/CTr-UBND-LĐLĐ"]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table"])
def test_engines_print_the_same_results(fmt: str) -> None:
    outputs = [run("agreements-overview", *ON_FIXTURE, "-f", fmt, "--engine", engine).output
               for engine in ("oxigraph", "rdflib")]
    assert outputs[0] == outputs[1] and "07/QCPH-UBND-LĐLĐ" in outputs[0]


def test_query_file_and_stdin(tmp_path) -> None:
    text = ("PREFIX ph: <https://w3id.org/phoihop/ontology#>\n"
            "SELECT (COUNT(*) AS ?n) WHERE { ?c a ph:Commitment }\n")
    path = tmp_path / "count.rq"
    path.write_text(text, encoding="utf-8")
    from_file = run(str(path), *ON_FIXTURE, "-f", "csv")
    from_stdin = run("-", *ON_FIXTURE, "-f", "csv", input=text)
    assert from_file.stdout_bytes == from_stdin.stdout_bytes == b"n\r\n15\r\n"  # 2 added for issue 13


def test_construct_defaults_to_turtle_and_writes_a_file(tmp_path) -> None:
    out = tmp_path / "network.ttl"
    result = run("coordination-network", *ON_FIXTURE, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "ph:coordinatesWith" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(("args", "message"), [
    (["no-such-query"], "no named query or file"),
    (["programmes-active-in-year", "--param", "year=twenty"], "not a valid xsd:integer"),
    (["programmes-active-in-year", "--param", "colour=red"], "no parameter 'colour'"),
    (["programmes-active-in-year", "--param", "year"], "NAME=VALUE"),
    (["posts-held", "-f", "turtle"], "gives a table"),
    ([], "name a query"),
])
def test_usage_errors_are_one_line_exit_2(args, message) -> None:
    result = run(*args, *ON_FIXTURE)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(("query", "fmt", "message"), [
    ("coordination-network", "csv", "gives a graph"),
    ("posts-held", "ntriples", "gives a table"),
])
def test_a_format_the_answer_cannot_take_is_refused_before_the_graph_is_read(query, fmt, message) -> None:
    """Regression: a CONSTRUCT asked for as CSV ran (2 s at 1M) before it was refused; a graph that does not
    exist shows the refusal comes first."""
    result = run(query, "--graph", "/nonexistent/graph.trig", "-f", fmt)
    assert result.exit_code == 2 and message in result.output and "nonexistent" not in result.output


def test_syntax_error_names_file_line_and_column(tmp_path) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("# title: broken\nSELECT ?x WHERE {\n  ?x ?y\n}\n", encoding="utf-8")
    result = run(str(path), *ON_FIXTURE)
    assert result.exit_code == 2
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: query does not parse", result.output)


def test_missing_built_graph_is_explained(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PHOIHOP_HOME", str(tmp_path))
    result = run("-", input="ASK {}")
    assert result.exit_code == 2 and "phoihop build" in result.output


def test_unreachable_endpoint_is_a_store_error() -> None:
    result = run("posts-held", "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", "5")
    assert result.exit_code == 3 and "127.0.0.1:9" in result.output


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_max_rows_refuses_a_larger_answer_and_passes_a_smaller_one(engine: str, tmp_path) -> None:
    out = tmp_path / "pairs.csv"
    small = run("coordination-pairs", *ON_FIXTURE, "--engine", engine, "--max-rows", "1", "-o", str(out))
    assert small.exit_code == 2, small.output
    assert "too large: more than 1 rows" in small.output and "Traceback" not in small.output
    assert not out.exists()  # nothing half-written
    big = run("coordination-pairs", *ON_FIXTURE, "--engine", engine, "--max-rows", "10000", "-f", "csv")
    assert big.exit_code == 0 and len(big.output.strip().splitlines()) > 2, big.output


# --- streaming and column order (issue 14, items 12 and 20) --------------------------------------------

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # a billion rows on the fixture


def _two_gigabytes() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.parametrize(("fmt", "query"), [(fmt, CROSS) for fmt in ("csv", "tsv", "json", "xml", "table")] + [
    ("ntriples", "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")])
def test_rows_stream_to_a_reader_that_leaves_after_64_kib(fmt, query) -> None:
    """Item 12: every row was held in memory before the first was written (a cross join piped to `head` ran
    out of memory), and a reader leaving after 64 KiB gave exit 0 with rows silently dropped. Within a
    2 GB address space the billion-row answer must stream, and the writer must end with 141."""
    proc = subprocess.Popen([sys.executable, "-m", "phoihop.cli", "-q", "query", "-", *ON_FIXTURE, "--format", fmt],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_two_gigabytes)
    proc.stdin.write(query.encode())
    proc.stdin.close()
    first = proc.stdout.read(65536)
    proc.stdout.close()
    assert proc.wait(120) == 141, proc.stderr.read().decode()
    assert len(first) == 65536 and proc.stderr.read() == b""


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_select_star_columns_come_in_the_order_of_the_query(engine) -> None:
    """Item 20: the two engines gave SELECT * columns in two different orders, neither the query's."""
    result = run("-", *ON_FIXTURE, "--engine", engine, "--format", "csv",
                 input="SELECT * WHERE { ?source a ?type ; ?predicate ?object } LIMIT 1")
    assert result.output.splitlines()[0] == "source,type,predicate,object"


def test_the_example_of_phoihop_open_runs(monkeypatch) -> None:
    """Item 20: `help(phoihop.open)` showed an example that raised (a parameter the query does not have)."""
    import phoihop
    from phoihop import query, release

    # open_graph reads the release through query.built_graph (store or files): point it at the fixture, so
    # the example runs on a fresh clone too (it read ./dist when only built_graph_files was patched)
    monkeypatch.setattr(query, "built_graph", lambda verify=False: release.Built(files=[DATASET]))
    outcome = doctest.DocTestRunner().run(doctest.DocTestFinder().find(phoihop.open, "open")[0])
    assert outcome.attempted >= 3 and outcome.failed == 0
