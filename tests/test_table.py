"""Tables that fit the terminal: names instead of IRIs, IRIs cut in the middle, text wrapped, counts said
right; and `phoihop query … --lang` choosing the language of labels, actions and topics."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from phoihop import table
from phoihop.cli import cli

DATASET = Path(__file__).parent / "fixtures" / "graph" / "dataset"
ID = "https://w3id.org/phoihop/id/"


def iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(ID + path)


@pytest.mark.parametrize("variables, pairs", [
    (["actor", "label", "degree"], {0: 1}),
    (["actorA", "labelA", "actorB", "labelB", "agreements"], {0: 1, 2: 3}),
    (["original", "originalLabel", "resulting", "resultingLabel"], {0: 1, 2: 3}),
    (["topic", "topicLabel", "commitments"], {0: 1}),
    (["agreement", "number", "date"], {0: 1}),
    (["person", "name", "role"], {0: 1}),
    (["partyInstrument", "partyNumber", "agreement", "agreementNumber"], {0: 1, 2: 3}),
    (["role", "commitment", "programme", "number"], {2: 3}),
    (["instrument", "type", "number"], {}),
    (["actor", "year", "indicator", "what"], {}),
])
def test_name_columns(variables, pairs):
    assert table.name_columns(variables) == pairs


@pytest.mark.parametrize("text, width, expected", [
    ("id:actor/ha-noi/lien-doan-lao-dong", 40, "id:actor/ha-noi/lien-doan-lao-dong"),
    ("id:instrument/long-an-ubnd-ldld/undated/quy-che/commitment/2024-doi-thoai", 30,
     "id:instru…tment/2024-doi-thoai"),
    ("abcdef", 1, "…"),
])
def test_shorten_middle_keeps_the_distinguishing_end(text, width, expected):
    shortened = table.shorten_middle(text, width)
    assert shortened == expected and len(shortened) <= width


@pytest.mark.parametrize("natural, floors, width, first, expected", [
    ([10, 20, 5], [10, 12, 5], None, None, [10, 20, 5]),  # no terminal: as wide as the values
    ([10, 20, 5], [10, 12, 5], 80, None, [10, 20, 5]),  # fits
    ([10, 60, 60], [10, 12, 12], 80, None, [10, 33, 33]),  # the wide ones give up room alike
    ([40, 60], [20, 12], 80, [True, False], [20, 58]),  # IRIs first, down to their floor
    ([40, 90], [20, 12], 40, [True, False], [20, 18]),  # then everyone
])
def test_fit(natural, floors, width, first, expected):
    assert table.fit(natural, floors, width, first) == expected


def test_format_table_fits_names_iris_and_counts():
    rows = [(iri("actor/ha-noi/lien-doan-lao-dong"), ox.Literal("Liên đoàn Lao động thành phố Hà Nội", language="vi"),
             iri("instrument/long-an-ubnd-ldld/undated/quy-che/commitment/2024-doi-thoai"),
             ox.Literal("Tổ chức hội nghị đối thoại định kỳ giữa lãnh đạo tỉnh và công nhân lao động " * 2,
                        language="vi"), ox.Literal(3)),
            (iri("actor/long-an/lien-doan-lao-dong"), None,
             iri("instrument/long-an-ubnd-ldld/undated/quy-che/commitment/2024-nam-tinh-hinh"),
             ox.Literal("Nắm tình hình doanh nghiệp", language="vi"), ox.Literal(12))]
    text = table.format_table(["actor", "label", "commitment", "action", "n"], rows, width=70)
    lines = text.splitlines()
    assert all(len(line) <= 70 for line in lines) and lines[-1] == "(2 rows)"
    assert lines[0].split() == ["actor", "commitment", "action", "n"]  # label folded into actor
    assert "Liên đoàn Lao động" in text and re.search(r"id:act\S*…\S*lao-dong ", text)  # IRI without name
    assert re.search(r"…\S*doi-thoai ", text) and re.search(r"…\S*nam-tinh-hinh ", text)  # the tails tell apart
    assert "\n\n" in text  # wrapped rows are separated
    assert any(line.rstrip().endswith(" 3") for line in lines) and "   12" in text  # numbers right-aligned


@pytest.mark.parametrize("rows, graph, last", [(1, False, "(1 row)"), (0, False, "(0 rows)"),
                                               (2, True, "(2 triples)"), (1, True, "(1 triple)")])
def test_the_count_says_rows_or_triples(rows, graph, last):
    term = ox.Literal("x")
    assert table.format_table(["a"], [(term,)] * rows, graph=graph).splitlines()[-1] == last


def run(*args: str, columns: int = 100) -> str:
    result = CliRunner().invoke(cli, ["query", *args, "--graph", str(DATASET)], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_actor_commitments_in_a_100_column_terminal():
    """The issue's case: rows told apart, actions in Vietnamese; --lang en switches them."""
    vi = run("actor-commitments", "-p", "actor=id:actor/da-nang/uy-ban-nhan-dan")
    en = run("actor-commitments", "-p", "actor=id:actor/da-nang/uy-ban-nhan-dan", "--lang", "en")
    for text in (vi, en):
        lines = text.splitlines()
        assert all(len(line) <= 100 for line in lines)
        cells = [re.split(r"\s{2,}", line)[1] for line in lines[2:-1] if line[:1].strip()]  # commitments
        assert len(cells) == len(set(cells)) > 1
    vietnamese = re.compile("[\u1ea0-\u1ef9]")  # letters with Vietnamese tone marks (ạ … ỹ)
    assert vietnamese.search(vi) and not vietnamese.search(en)


@pytest.mark.parametrize("name, vi, en", [
    ("commitments-by-topic", "Chăm lo đời sống người lao động", "Worker welfare"),
    ("busiest-coordinators", "Sở Nội vụ thành phố Đà Nẵng", "Department of Home Affairs"),
])
def test_lang_chooses_the_labels(name, vi, en):
    assert vi in run(name, columns=200) and en in run(name, "--lang", "en", columns=200)


def test_a_lang_parameter_wins_over_the_option():
    assert run("commitments-by-topic", "-p", "lang=en", "--lang", "vi", columns=200) == run(
        "commitments-by-topic", "--lang", "en", columns=200)


def test_construct_answers_are_readable_turtle_and_counted_in_triples():
    result = CliRunner().invoke(cli, ["query", "coordination-network", "--graph", str(DATASET)])
    assert result.exit_code == 0, result.output
    assert "\\/" not in result.stdout and "@base <https://w3id.org/phoihop/id/> ." in result.stdout
    subjects = re.findall(r"^<[^>]+>$", result.stdout, flags=re.M)
    assert len(subjects) == len(set(subjects)) > 1  # each subject once, with its predicate list
    assert re.search(r"coordination-network: \d+ triples in", result.stderr)
