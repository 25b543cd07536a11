"""`phoihop ingest --base` (issue 15, item 2): a merge that cannot break the build.

Of a node the base graph already describes, an ingest output says only what a new file may add (docs/curating.md):
a name the base does not know (skos:altLabel), prov:wasDerivedFrom its source and the evidence in it. A date or
number it reads differently is a conflict for the reviewer (stderr and a skos:editorialNote), never a second
value. The last test runs the README's workflow end to end on a copy of data/: build, ingest with --base,
review, add the output to data/, build again, and the graph conforms.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from phoihop.cli import cli
from phoihop.ingest import ingest_text
from phoihop.ingest_base import settle, single_valued
from phoihop.namespaces import ELI, ID, PH, PROV
from phoihop.resources import data_dir

DATE = rdflib.XSD.date  # a module-level XSD namespace object makes pytest warn while collecting
WORKFLOW = Path(__file__).parent / "fixtures" / "ingest" / "workflow" / "ha-noi-so-noi-vu-ldld-2024.txt"
DIRECTIVE = ID["instrument/tw/37-ct"]
FEDERATION = ID["actor/ha-noi/lien-doan-lao-dong"]


def _base() -> Graph:
    """A small base: Directive 37-CT/TW of 3 September 2019 and Hanoi's Federation of Labour, as a build has them."""
    g = Graph()
    g.add((DIRECTIVE, RDF.type, PH.Directive))
    g.add((DIRECTIVE, RDF.type, ELI.LegalResource))
    g.add((DIRECTIVE, ELI.id_local, Literal("37-CT/TW")))
    g.add((DIRECTIVE, ELI.date_document, Literal("2019-09-03", datatype=DATE)))
    g.add((DIRECTIVE, SKOS.prefLabel, Literal("Chỉ thị 37-CT/TW", lang="vi")))
    g.add((FEDERATION, RDF.type, PH.LabourUnion))
    g.add((FEDERATION, SKOS.prefLabel, Literal("Liên đoàn Lao động thành phố Hà Nội", lang="vi")))
    g.add((FEDERATION, SKOS.prefLabel, Literal("Hanoi Federation of Labour", lang="en")))
    return g


@pytest.fixture(scope="module")
def merged() -> Graph:
    return ingest_text(WORKFLOW.read_text(encoding="utf-8"), WORKFLOW.name, _base())


def test_the_shapes_say_which_properties_take_one_value() -> None:
    one, per_language = single_valued()
    assert {ELI.date_document, ELI.id_local, PH.period, PH.status} <= one
    assert {SKOS.prefLabel, PH.action} <= per_language


def test_a_node_the_base_describes_gets_only_its_source_and_evidence(merged: Graph) -> None:
    source = ID[f"source/{WORKFLOW.stem}"]
    for node in (DIRECTIVE, FEDERATION):
        assert (node, PROV.wasDerivedFrom, source) in merged and (node, PH.evidence, None) in merged
        kept = {p for p in merged.predicates(node, None)}
        assert kept <= {PROV.wasDerivedFrom, PH.evidence, SKOS.altLabel, SKOS.editorialNote}, kept
        assert (node, SKOS.prefLabel, None) not in merged and (node, RDF.type, None) not in merged


def test_a_name_the_base_does_not_know_is_an_alternative_label(merged: Graph) -> None:
    labels = {str(x) for x in merged.objects(DIRECTIVE, SKOS.altLabel)}
    assert any("37-CT/TW" in label for label in labels), labels
    known = Literal("Liên đoàn Lao động thành phố Hà Nội", lang="vi")
    assert known not in set(merged.objects(FEDERATION, SKOS.altLabel))


def test_a_date_read_differently_is_a_conflict_not_a_second_value(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="phoihop.ingest"):
        g = ingest_text(WORKFLOW.read_text(encoding="utf-8"), WORKFLOW.name, _base())
    assert (DIRECTIVE, ELI.date_document, None) not in g
    notes = {n.language: str(n) for n in g.objects(DIRECTIVE, SKOS.editorialNote)}
    assert set(notes) == {"vi", "en"} and "2019-09-05" in notes["en"] and "2019-09-03" in notes["en"]
    assert any("eli:date_document" in r.getMessage() and "2019-09-05" in r.getMessage() for r in caplog.records)


def test_a_yearless_number_dated_another_year_is_another_instrument() -> None:
    text = "Thực hiện Chỉ thị số 37-CT/TW ngày 02/4/2021 của Ban Bí thư, hai bên phối hợp tuyên truyền.\n"
    g = ingest_text(text, "chi-thi-2021.txt", _base())
    assert (ID["instrument/tw/37-ct-2021"], ELI.date_document, Literal("2021-04-02", datatype=DATE)) in g
    assert (DIRECTIVE, PH.evidence, None) not in g


SHORT, LONG = Literal("Bộ luật Lao động", lang="vi"), Literal("Bộ luật Lao động năm 2019", lang="vi")
DAY, OTHER_DAY = Literal("2019-11-20", datatype=DATE), Literal("2019-11-21", datatype=DATE)
ENGLISH = Literal("Labour Code", lang="en")


@pytest.mark.parametrize(("triples", "want"), [
    # two records that name one node: the second preferred name in a language becomes an alternative one
    ([(SKOS.prefLabel, SHORT), (SKOS.prefLabel, LONG)], {(SKOS.prefLabel, SHORT), (SKOS.altLabel, LONG)}),
    # a second value of a one-valued property goes; a preferred name in another language stays
    ([(ELI.date_document, DAY), (ELI.date_document, OTHER_DAY), (SKOS.prefLabel, ENGLISH)],
     {(ELI.date_document, DAY), (SKOS.prefLabel, ENGLISH)}),
])
def test_settle_keeps_one_value_where_the_model_allows_one(triples: list, want: set) -> None:
    node = URIRef(ID["instrument/quoc-hoi/bo-luat-lao-dong-2019"])
    g = Graph()
    for prop, value in triples:
        g.add((node, prop, value))
    settle(g)
    assert set(g.predicate_objects(node)) == want


def test_the_readme_workflow_builds_a_conforming_graph(tmp_path: Path) -> None:
    """README, 'Reading new documents': build, ingest with --base, review, add to data/, build again."""
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    run = CliRunner().invoke
    first = run(cli, ["build", "--data", str(data), "-o", str(tmp_path / "dist")])
    assert first.exit_code == 0, first.output
    new = tmp_path / "new.ttl"
    ingested = run(cli, ["ingest", str(WORKFLOW), "-o", str(new), "--base", str(tmp_path / "dist" / "phoihop.ttl")])
    assert ingested.exit_code == 0, ingested.output
    page = tmp_path / "review.html"
    reviewed = run(cli, ["review", str(new), "--text", str(WORKFLOW), "-o", str(page)])
    assert reviewed.exit_code == 0 and page.stat().st_size > 0, reviewed.output
    shutil.copyfile(new, data / f"{WORKFLOW.stem}.ttl")
    second = run(cli, ["build", "--data", str(data), "-o", str(tmp_path / "dist2")])
    assert second.exit_code == 0, second.output
    built = Graph().parse(tmp_path / "dist2" / "phoihop.ttl", format="turtle")
    assert len(set(built.objects(DIRECTIVE, ELI.date_document))) == 1
    assert len([x for x in built.objects(FEDERATION, SKOS.prefLabel) if x.language == "vi"]) == 1
    assert (FEDERATION, PROV.wasDerivedFrom, ID[f"source/{WORKFLOW.stem}"]) in built
