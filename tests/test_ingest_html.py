"""Saved web pages: ingest reads the article through a main-text extractor (trafilatura), not the markup.

The fixture is our own invented page in the shape of a provincial news site: a menu, the article, a
related-news list naming other bodies, a footer.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from phoihop.cli import cli
from phoihop.ingest import ingest_file
from phoihop.namespaces import DCT, ID, OA, PH
from phoihop.webpage import is_html, main_text

PAGE = Path(__file__).parent / "fixtures" / "ingest" / "pages" / "phu-yen-ky-ket.html"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return ingest_file(PAGE)


def test_the_article_is_read_and_the_page_around_it_is_not(graph: Graph) -> None:
    actors = {str(s).split("/actor/")[1] for s in graph.subjects(RDF.type, None) if "/actor/" in str(s)}
    assert {"phu-yen/lien-doan-lao-dong", "phu-yen/so-noi-vu"} <= actors
    assert not any(a.startswith("khanh-hoa") or "bo-tai-chinh" in a for a in actors), actors
    leads = {str(a).split("/actor/")[1] for a in graph.objects(None, PH.leadActor)}
    assert leads >= {"phu-yen/lien-doan-lao-dong", "phu-yen/so-noi-vu"}


def test_the_page_gives_title_date_publisher_and_address(graph: Graph) -> None:
    src = ID["source/phu-yen-ky-ket"]
    assert graph.value(src, DCT.title) == Literal("LĐLĐ tỉnh Phú Yên và Sở Nội vụ ký kết chương trình phối hợp",
                                                  lang="vi")
    assert str(graph.value(src, DCT.date)) == "2024-03-05"
    assert graph.value(src, DCT.source) == URIRef("https://example.org/phu-yen/ldld-so-noi-vu-ky-ket.html")
    assert str(graph.value(src, DCT.publisher)) == "Báo Phú Yên điện tử"
    assert str(graph.value(src, DCT["format"])) == "text/html"


def test_offsets_count_characters_of_the_extracted_text(graph: Graph) -> None:
    text = main_text(PAGE.read_text(encoding="utf-8"), PAGE.name).text
    quotes = list(graph.subjects(RDF.type, OA.TextQuoteSelector))
    assert quotes
    for target in graph.subjects(OA.hasSelector, None):
        selectors = list(graph.objects(target, OA.hasSelector))
        position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
        quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
        start, end = int(graph.value(position, OA.start)), int(graph.value(position, OA.end))
        assert text[start:end] == str(graph.value(quote, OA.exact))


@pytest.mark.parametrize(("text", "name", "html"), [
    ("<!DOCTYPE html><html><body>x</body></html>", "a.txt", True),
    ("  <!-- saved --> <html lang='vi'>", "a.txt", True),
    ("Ủy ban nhân dân tỉnh <b>Phú Yên</b>", "a.txt", False),
    ("Ủy ban nhân dân tỉnh", "trang.htm", True),
])
def test_is_html(text: str, name: str, html: bool) -> None:
    assert is_html(text, name) is html


def test_a_page_without_an_article_is_one_line_naming_it(tmp_path: Path) -> None:
    page = tmp_path / "trong.html"
    page.write_text('<html><head><script>var s = "Việt Nam";</script></head><body></body></html>', encoding="utf-8")
    result = CliRunner().invoke(cli, ["-q", "ingest", str(page), "-o", str(tmp_path / "o.ttl")])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "trong.html" in lines[0] and "article" in lines[0], result.stderr
