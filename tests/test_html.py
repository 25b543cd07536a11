"""The interactive page in a real browser: Debian's Chromium driven by Playwright (no `playwright install`).

Checks that the nodes are drawn, that the filters change what is shown, that a click lists a node's
commitments, that the language toggle works, and that the page makes no request beyond its own file and
logs no error. Skips with a message where Chromium or Playwright is missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from phoihop import export as ex
from phoihop import network as nw
from phoihop.resources import ontology_files
from phoihop.store import load_files

CHROMIUM = Path("/usr/bin/chromium")
NETWORK = Path(__file__).parent / "fixtures" / "network"
LDLD_HN = "https://w3id.org/phoihop/id/actor/ha-noi/lien-doan-lao-dong"

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: apt-get install chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    store = load_files([*ontology_files(), NETWORK / "data.ttl"])  # not inferred: levels come via the area
    out = tmp_path_factory.mktemp("html")
    return {name: ex.write_html(nw.build_network(store, name, details=True), out / name)[0]
            for name in ("coordination", "hierarchy")}


class Visit:
    """One page load that records console errors and every request the page makes."""

    def __init__(self, browser, path: Path):
        self.url = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.context = browser.new_context(viewport={"width": 1300, "height": 850})
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready='1']", timeout=30_000)

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
    x, y = v.page.evaluate("""id => {
        const net = window.phoihop.network;
        const dom = net.canvasToDOM(net.getPositions([id])[id]);
        const box = document.getElementById('network').getBoundingClientRect();
        return [dom.x + box.left, dom.y + box.top];
    }""", LDLD_HN)
    v.page.mouse.click(x, y)
    details = v.page.inner_text("#details")
    assert "Liên đoàn Lao động thành phố Hà Nội" in details
    assert "Nhiệm vụ (5)" in details and "Văn bản (3)" in details and "chủ trì" in details


def test_language_toggle(visit):
    v = visit("coordination")
    v.page.click("#lang")
    assert v.page.inner_text("#title") == "Coordination network"
    label = v.page.evaluate("id => window.phoihop.network.body.data.nodes.get(id).label", LDLD_HN)
    assert label == "Ha Noi Federation of Labour" and "nodes" in v.page.inner_text("#status")


def test_network_without_topics_hides_the_topic_filter(visit):
    v = visit("hierarchy")
    assert v.shown() == (22, 28)
    assert not v.page.is_visible("#filter-topic") and v.page.is_visible("#filter-level")
