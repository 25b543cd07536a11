"""The interactive page in a real browser: Debian's Chromium driven by Playwright (no `playwright install`).

Checks that the nodes are drawn, that the filters change what is shown and refit the view, that a click
lists a node's commitments (only those the filters keep), that English mode translates labels, tooltips and
legend, that labels are readable (fixed size, inside the canvas, apart), that commitments are named by
clause and topic, that the hierarchy is a radial tree without empty areas, and that the page makes no
request beyond its own file and logs no error. Skips with a message where Chromium or Playwright is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from phoihop import export as ex
from phoihop import network as nw
from phoihop.query import bind, find_query
from phoihop.resources import ontology_files
from phoihop.store import load_files

CHROMIUM = Path("/usr/bin/chromium")
NETWORK = Path(__file__).parent / "fixtures" / "network"
LDLD_HN = "https://w3id.org/phoihop/id/actor/ha-noi/lien-doan-lao-dong"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: apt-get install chromium", allow_module_level=True)


EMPTY_AREA = "https://w3id.org/phoihop/id/area/ca-mau"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    store = load_files([*ontology_files(), NETWORK / "data.ttl"])  # not inferred: levels come via the area
    out = tmp_path_factory.mktemp("html")
    networks = {name: nw.build_network(store, name, details=True) for name in nw.GRAPH_NAMES}
    hierarchy = networks["hierarchy"].graph  # a province with no actor in the graph, as the gazetteer gives
    hierarchy.add_node(EMPTY_AREA, label="Cà Mau", label_vi="Cà Mau", label_en="Ca Mau",
                       type="AdministrativeArea", level="province", iri=EMPTY_AREA)
    hierarchy.add_edge(EMPTY_AREA, "https://w3id.org/phoihop/id/area/viet-nam", weight=1, relations=["withinArea"])
    return {name: ex.write_html(net, out / name)[0] for name, net in networks.items()}


class Visit:
    """One page load that records console errors and every request the page makes."""

    def __init__(self, browser, path: Path, ready: str | None = "body[data-ready='1']"):
        self.url = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": 1300, "height": 850})
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.url)
        if ready:
            self.page.wait_for_selector(ready, timeout=30_000)

    def labels(self) -> list[dict]:
        return self.page.evaluate("window.phoihop.labels()")

    def click_node(self, iri: str) -> None:
        x, y = self.page.evaluate("""id => {
            const net = window.phoihop.network;
            const dom = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('network').getBoundingClientRect();
            return [dom.x + box.left, dom.y + box.top];
        }""", iri)
        self.page.mouse.click(x, y)

    def shown(self) -> tuple[int, int]:
        status = self.page.locator("#status")
        return int(status.get_attribute("data-nodes")), int(status.get_attribute("data-edges"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser, pages):
    opened: list[Visit] = []

    def open_page(name: str) -> Visit:
        opened.append(Visit(browser, pages[name]))
        return opened[-1]

    yield open_page
    for v in opened:
        assert v.errors == [], v.errors
        assert set(v.requests) <= {v.url}, v.requests  # nothing fetched but the file itself
        v.close()


def test_nodes_are_drawn(visit):
    v = visit("coordination")
    assert v.shown() == (14, 9)
    positions = v.page.evaluate("Object.keys(window.phoihop.network.getPositions()).length")
    inked = v.page.evaluate("""() => {
        const canvas = document.querySelector('#network canvas');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) inked++; }
        return inked;
    }""")
    assert positions == 14 and inked > 2000


FILTERS = [("#filter-topic", "inspection", (3, 2)), ("#filter-year", "2023", (9, 6)),
           ("#filter-level", "district", (2, 1))]


def test_filters_change_what_is_shown(visit):
    v = visit("coordination")
    for select, value, expected in FILTERS:
        v.page.select_option(select, value)
        assert v.shown() == expected, select
        v.page.select_option(select, "")
        assert v.shown() == (14, 9)


def test_click_shows_commitments_and_instruments(visit):
    v = visit("coordination")
    v.click_node(LDLD_HN)
    details = v.page.inner_text("#details")
    assert "Liên đoàn Lao động thành phố Hà Nội" in details
    assert "Nhiệm vụ (5)" in details and "Văn bản (3)" in details and "chủ trì" in details


def test_language_toggle(visit):
    """English mode translates the title, the drawn labels, the tooltips (area and type too) and the legend."""
    v = visit("coordination")
    v.page.click("#lang")
    assert v.page.inner_text("#title") == "Coordination network"
    assert "Ha Noi Federation of Labour" in {label["text"] for label in v.labels()}
    tooltip = v.page.evaluate("id => window.phoihop.tooltip(id)", LDLD_HN)
    assert tooltip.splitlines()[0] == "Ha Noi Federation of Labour" and "Ha Noi" in tooltip.splitlines()[1]
    assert "Hà Nội" not in tooltip and "labour union" in tooltip.splitlines()[1].lower()
    legend = v.page.inner_text("#legend")
    assert "Level (border)" in legend and "Province" in legend and "Cấp" not in legend
    assert "nodes" in v.page.inner_text("#status")


@pytest.mark.parametrize("name", nw.GRAPH_NAMES)
def test_labels_are_readable_inside_the_canvas_and_apart(visit, name):
    """Labels are drawn at 13 px whatever the zoom, never cut by the canvas edge, never on each other."""
    v = visit(name)
    labels = v.labels()
    width, height = v.page.evaluate("""() => { const c = document.querySelector('#network canvas');
        return [c.clientWidth, c.clientHeight]; }""")
    assert len(labels) >= 8
    for a in labels:
        assert a["px"] >= 12 and 0 <= a["x"] and a["x"] + a["w"] <= width and 0 <= a["y"] and a["y"] + a["h"] <= height
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] + a["h"] <= b["y"]
                    or b["y"] + b["h"] <= a["y"]), (a["text"], b["text"])


def test_the_hub_is_labelled_first(visit):
    labels = visit("coordination").labels()
    assert labels[0]["id"] == LDLD_HN


def test_a_filter_refits_the_view_and_the_panel_follows_it(visit):
    v = visit("coordination")
    v.click_node(LDLD_HN)
    assert "Nhiệm vụ (5)" in v.page.inner_text("#details")
    v.page.select_option("#filter-topic", "inspection")
    details = v.page.inner_text("#details")
    assert "Nhiệm vụ (1 / 5)" in details and "II.2 Kiểm tra doanh nghiệp" in details
    spread = v.page.evaluate("""() => {
        const net = window.phoihop.network, ids = window.phoihop.nodes.getIds();
        const points = ids.map(id => net.canvasToDOM(net.getPositions([id])[id]));
        const c = document.querySelector('#network canvas');
        const xs = points.map(p => p.x), ys = points.map(p => p.y);
        const w = c.clientWidth, h = c.clientHeight;
        return [(Math.max(...xs) - Math.min(...xs)) / w, (Math.max(...ys) - Math.min(...ys)) / h,
                Math.min(...xs), Math.min(...ys), w - Math.max(...xs), h - Math.max(...ys)];
    }""")
    assert max(spread[:2]) > 0.5 and min(spread[2:]) > 0  # refitted: the three nodes fill the view


def test_commitments_are_named_by_clause_and_topic_with_the_text_on_hover(visit):
    v = visit("bipartite")
    commitment = "https://w3id.org/phoihop/id/instrument/ha-noi-ubnd-ldld/2021/21-ctr/commitment/ii-1"
    texts = {label["id"]: label["text"] for label in v.labels()}
    assert texts[commitment] == "II.1 · Chăm lo đời sống người lao động"
    tooltip = v.page.evaluate("id => window.phoihop.tooltip(id)", commitment)
    assert len(tooltip.splitlines()[0]) > len(texts[commitment]) and "nhiệm vụ" in tooltip.lower()


def test_hierarchy_hides_areas_without_actors_until_asked(visit):
    v = visit("hierarchy")
    assert v.shown() == (22, 28) and EMPTY_AREA not in v.page.evaluate("window.phoihop.nodes.getIds()")
    v.page.check("#filter-empty")
    assert v.shown() == (23, 29)
    radii = v.page.evaluate("""() => { const p = window.phoihop.network.getPositions();
        return Object.values(p).map(q => Math.round(Math.hypot(q.x, q.y))); }""")
    assert len(set(radii)) <= 6  # nodes sit on a few rings, by depth


def test_network_without_topics_hides_the_topic_filter(visit):
    v = visit("hierarchy")
    assert not v.page.is_visible("#filter-topic") and v.page.is_visible("#filter-level")


def test_ontology_pages_keep_their_languages_apart(browser, tmp_path):
    """One page per language, each titled in its language and linking to the other; nothing fetched."""
    pytest.importorskip("pylode", reason="pyLODE is an optional extra: pip install 'phoihop[docs]'")
    vi_page, en_page = ex.write_ontology_doc(tmp_path / "ontology.html")
    v = Visit(browser, vi_page, ready="h1")
    try:
        assert v.page.get_attribute("html", "lang") == "vi"
        assert v.page.inner_text("h1").startswith("Bản thể học phoihop")
        text = v.page.inner_text("body")
        assert "tổ chức Công đoàn" in text and "labour union" not in text and "chủ thểactor" not in text
        v.page.click("a[hreflang='en']")
        v.page.wait_for_selector("html[lang='en']")
        assert v.page.inner_text("h1").startswith("The phoihop ontology")
        assert "labour union" in v.page.inner_text("body") and "tổ chức Công đoàn" not in v.page.inner_text("body")
        assert v.errors == [] and all(url.startswith("file://") for url in v.requests)
    finally:
        v.close()


# --- the query page of `phoihop serve` ------------------------------------------------------------------

VENDOR = Path(ex.__file__).parent / "templates" / "vendor"


def test_the_vendored_editor_is_the_pinned_one():
    """templates/vendor/ holds what scripts/vendor_editor.sh copied from the locked npm package."""
    import hashlib

    for line in (VENDOR / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split()
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "MIT" in (VENDOR / "LICENSE.yasgui.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    """`phoihop serve` on the network fixture, on a free port; stopped by its process id (test_serve's
    `running`, the one way the tests start a server)."""
    import sys

    from test_serve import free_port, running

    port = free_port()
    graphs = [arg for path in [*ontology_files(), NETWORK / "data.ttl"] for arg in ("--graph", str(path))]
    command = [sys.executable, "-m", "phoihop.cli", "-q", "serve", "--port", str(port), *graphs, "--workers", "1"]
    url = f"http://127.0.0.1:{port}/"
    with running(command, url + "sparql?query=ASK%7B%7D"):
        yield url


@pytest.fixture
def query_page(browser, endpoint):
    context = browser.new_context(viewport={"width": 1300, "height": 850})
    page = context.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "400" not in m.text else None)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(endpoint)
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    yield page
    assert errors == [] and all(url.startswith(endpoint) for url in requests), (errors, requests)
    context.close()


def run_and_wait(page) -> str:
    page.click("#run")
    page.wait_for_function("document.getElementById('status').textContent.match(/rows?|ms|: /)")
    return page.inner_text("#status")


def test_query_page_is_a_sparql_editor(query_page):
    """Syntax highlighting and completion of prefixes and ontology terms from the project's own lists."""
    page = query_page
    assert page.locator(".CodeMirror .cm-keyword").count() > 0  # SELECT, WHERE, … highlighted
    page.evaluate("window.phoihop.yasqe.setValue('PREFIX el')")
    page.evaluate("() => { const y = window.phoihop.yasqe; y.focus(); y.setCursor(y.lineCount(), 0); }")
    page.keyboard.type("i")
    page.wait_for_selector(".CodeMirror-hints")
    assert "eli: <http://data.europa.eu/eli/ontology#>" in page.inner_text(".CodeMirror-hints")


def test_named_query_runs_with_its_parameter_and_shows_language_badges(query_page):
    page = query_page
    page.click("[data-query='actor-commitments']")
    assert "Which commitments does an actor lead" in page.inner_text("#question")
    page.fill("#parameters input[name=actor]", "id:actor/ha-noi/uy-ban-nhan-dan")
    text = page.evaluate("window.phoihop.yasqe.getValue()")
    assert "VALUES ?actor { <https://w3id.org/phoihop/id/actor/ha-noi/uy-ban-nhan-dan> }" in text
    store = load_files([*ontology_files(), NETWORK / "data.ttl"])
    bound = bind(find_query("actor-commitments"), {"actor": "id:actor/ha-noi/uy-ban-nhan-dan"})
    expected = len(list(store.query(bound, use_default_graph_as_union=True)))
    assert expected > 1 and run_and_wait(page).startswith(f"{expected} rows")  # as the library answers
    cells = page.inner_text("#results table")
    assert "@vi" not in cells and "@en" not in cells
    assert page.locator("#results .lang-badge").count() > 0 and page.locator("#results .dataTables_paginate, "
                                                                             "#results .dt-paging").count() > 0


def test_a_bad_parameter_is_refused_before_running(query_page):
    page = query_page
    page.click("[data-query='actor-commitments']")
    page.fill("#parameters input[name=actor]", "not an iri")
    assert page.get_attribute("#parameters input[name=actor]", "class") == "invalid"


def test_the_question_goes_stale_when_the_query_is_edited(query_page):
    page = query_page
    page.click("[data-query='busiest-coordinators']")
    assert "edited" not in (page.get_attribute("#question", "class") or "")
    page.evaluate("window.phoihop.yasqe.setValue('SELECT * WHERE { ?s ?p ?o } LIMIT 1')")
    assert "edited" in page.get_attribute("#question", "class")


def test_errors_show_the_parser_message_on_one_line(query_page):
    page = query_page
    page.evaluate("window.phoihop.yasqe.setValue('SELECT ?x WHERE { ?x ?y }')")
    message = run_and_wait(page)
    assert re.match(r"400: 1:\d+: query does not parse: ", message) and "\n" not in message
    assert page.get_attribute("#status", "class") == "error" and not page.is_visible("#results")


def test_counts_can_be_charted_and_iris_open_a_local_query(query_page):
    page = query_page
    page.click("[data-query='commitments-by-topic']")
    assert run_and_wait(page).endswith("ms")
    page.click(".select_chart, [class*='select_chart'], button:has-text('Chart')")
    assert page.locator("#results svg.phoihop-chart rect").count() >= 3
    page.click(".select_table, [class*='select_table'], button:has-text('Table')")
    page.click("#results a.iri >> nth=0")
    page.wait_for_function("document.getElementById('question').textContent.includes('What the graph says')")
    assert run_and_wait(page).endswith("ms")
