"""Screenshots of phoihop's pages for the README, made in headless Chromium (Debian's /usr/bin/chromium).

    python scripts/screenshots.py                       # every page into docs/img/
    python scripts/screenshots.py --only query --out /tmp/shots
    python scripts/screenshots.py --graph dist/phoihop.trig

Each page is one `Page` in PAGES: a name (the PNG's file name), a function that makes the page and
returns its URL, and an optional function that drives the page (a click, a query) before the shot. To
add a page, write those two functions and append one line to PAGES. Network pages are exported from the
built graph into a scratch folder; the query page is served by `phoihop serve` on a free local port,
started here and stopped by its process id when the script ends.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
VIEWPORT = {"width": 1400, "height": 860}


@dataclass
class Context:
    """What page makers share: the built graph, a scratch folder and the processes to stop at the end."""

    graph: Path
    scratch: Path
    stack: contextlib.ExitStack


@dataclass
class Page:
    name: str
    make: Callable[[Context], str]  # -> URL
    drive: Callable[[object], None] | None = None  # Playwright page -> None, run before the shot
    viewport: dict | None = None


# --- the network pages ------------------------------------------------------------------------------------

def network_page(name: str, lang: str = "vi") -> Callable[[Context], str]:
    def make(ctx: Context) -> str:
        from phoihop import export as ex

        out = ctx.scratch / "network"
        if not (out / f"{name}.html").exists():
            ex.export([ctx.graph], [name], ["html"], out)
        return (out / f"{name}.html").as_uri() + (f"#lang={lang}" if lang != "vi" else "")
    return make


def wait_network(page) -> None:
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    page.wait_for_timeout(300)


# --- the query page ---------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served(graph: Path) -> Iterator[str]:
    """`phoihop serve` on a free port; stopped (by its own pid) when the block ends."""
    port = _free_port()
    command = [sys.executable, "-m", "phoihop.cli", "serve", "--port", str(port), "--graph", str(graph)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url + "sparql?query=ASK%7B%7D", timeout=2):
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"phoihop serve did not start: {process.stderr.read().decode()[-500:]}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()


def query_page(ctx: Context) -> str:
    if not hasattr(ctx, "query_url"):
        ctx.query_url = ctx.stack.enter_context(served(ctx.graph))
    return ctx.query_url


def run_named_query(name: str) -> Callable[[object], None]:
    def drive(page) -> None:
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        page.click(f"[data-query='{name}']")
        page.click("#run")
        page.wait_for_selector("#results table", timeout=60_000)
        page.wait_for_timeout(500)
    return drive


def select_node(iri: str) -> Callable[[object], None]:
    """Click a node, so the side panel shows its commitments and instruments."""
    def drive(page) -> None:
        wait_network(page)
        x, y = page.evaluate("""id => {
            const net = window.phoihop.network, dom = net.canvasToDOM(net.getPositions([id])[id]);
            const box = document.getElementById('network').getBoundingClientRect();
            return [dom.x + box.left, dom.y + box.top]; }""", iri)
        page.mouse.click(x, y)
        page.add_style_tag(content="div.vis-tooltip { display: none !important; }")  # no hover box in the shot
        page.wait_for_timeout(300)
    return drive


# --- the review page (phoihop review) ---------------------------------------------------------------------

REVIEW_FIXTURE = "bo-y-te-tld-chuong-trinh"  # one of our own invented texts, never a ../shared document


def review_page(ctx: Context) -> str:
    from phoihop.ingest import ingest_files
    from phoihop.review import review

    text = ROOT / "tests" / "fixtures" / "ingest" / f"{REVIEW_FIXTURE}.txt"
    graph = ctx.scratch / f"{REVIEW_FIXTURE}.ttl"
    ingest_files([text], graph)
    return Path(review([graph], text, ctx.scratch / "review.html").path).as_uri()


def select_commitment(nth: int) -> Callable[[object], None]:
    def drive(page) -> None:
        page.wait_for_selector("body[data-ready='1']", timeout=30_000)
        page.evaluate("""nth => {
            const facts = window.phoihop.data.facts.filter(f => f.kind === 'commitment' && f.spans.length);
            const fact = facts[Math.min(nth, facts.length - 1)];
            if (fact) { window.phoihop.show(fact.id); } }""", nth)
    return drive


HUB = "https://w3id.org/phoihop/id/actor/ha-noi/lien-doan-lao-dong"
PAGES: list[Page] = [
    Page("coordination", network_page("coordination"), select_node(HUB)),
    Page("hierarchy", network_page("hierarchy"), wait_network),
    Page("citation", network_page("citation"), wait_network),
    Page("bipartite", network_page("bipartite"), wait_network),
    Page("query", query_page, run_named_query("commitments-by-topic")),
    Page("review", review_page, select_commitment(3)),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graph", type=Path, default=ROOT / "dist" / "phoihop.trig",
                        help="the built graph (default: dist/phoihop.trig; run `phoihop build` first)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="folder for the PNG files")
    parser.add_argument("--only", action="append", choices=[p.name for p in PAGES], help="repeat for several")
    args = parser.parse_args(argv)
    if not args.graph.is_file():
        parser.error(f"{args.graph}: no such file (run `phoihop build` first)")
    if not CHROMIUM.exists():
        parser.error(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as tmp, sync_playwright() as play:
        ctx = Context(args.graph, Path(tmp), stack)
        browser = play.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        for page_spec in PAGES:
            if args.only and page_spec.name not in args.only:
                continue
            url = page_spec.make(ctx)
            context = browser.new_context(viewport=page_spec.viewport or VIEWPORT, device_scale_factor=1)
            page = context.new_page()
            page.goto(url)
            if page_spec.drive:
                page_spec.drive(page)
            target = args.out / f"{page_spec.name}.png"
            page.screenshot(path=str(target))
            context.close()
            print(f"{target}", file=sys.stderr)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
