"""Draw docs/img/review.png: the review page of an ingested fixture, one commitment selected.

The text is one of our own invented fixtures (tests/fixtures/ingest/), never a ../shared document, so the
picture copies no source sentence. Needs Chromium (/usr/bin/chromium) and Playwright (pip install -e
'.[test]'). Usage: python scripts/screenshot_review.py [--fixture NAME] [--out docs/img/review.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions",
                 "--disable-component-update", "--disable-default-apps", "--no-first-run"]


def screenshot(page_path: Path, out: Path, select_kind: str | None = "commitment", nth: int = 0,
               size: tuple[int, int] = (1400, 860)) -> Path:
    """Open a review page in headless Chromium, select the nth fact of a kind (its panel opens and its
    actors and instruments light up), and save a PNG of the window."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": size[0], "height": size[1]}, device_scale_factor=1)
            page.goto(page_path.resolve().as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=30_000)
            if select_kind:
                page.evaluate("""([kind, nth]) => {
                    const facts = window.phoihop.data.facts.filter(f => f.kind === kind && f.spans.length);
                    const fact = facts[Math.min(nth, facts.length - 1)];
                    if (fact) { window.phoihop.show(fact.id); }
                }""", [select_kind, nth])
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
        finally:
            browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", default="bo-y-te-tld-chuong-trinh", help="a tests/fixtures/ingest/ text")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "review.png")
    parser.add_argument("--nth", type=int, default=3, help="which commitment to select (0-based)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"screenshot_review: {CHROMIUM} not found (apt-get install chromium)", file=sys.stderr)
        return 2
    from phoihop.ingest import ingest_files
    from phoihop.review import review

    text = ROOT / "tests" / "fixtures" / "ingest" / f"{args.fixture}.txt"
    with tempfile.TemporaryDirectory() as tmp:
        graph = Path(tmp) / f"{args.fixture}.ttl"
        ingest_files([text], graph)
        page = Path(review([graph], text, Path(tmp) / "review.html").path)
        screenshot(page, args.out, nth=args.nth)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
