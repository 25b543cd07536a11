"""How fast `phoihop review` writes and Chromium shows the review page as documents grow.

Usage: python benchmarks/review_page.py [--sizes 1,2,4,8] [--synthetic 400,2000] [--seeds] [--shared ../shared]

Corpus: our own invented fixtures (tests/fixtures/ingest/*.txt) joined into one document and repeated
1, 2, 4, 8… times; ingest finds the same facts again in a repeated text, so --synthetic adds graphs made
here with many more facts on the largest text: N facts (actors, instruments, persons, one commitment per
paragraph leading two actors) with M spans in all at word boundaries, nested inside the paragraphs. With
--seeds also each ../shared seed. Each document is ingested (or given its synthetic graph), then reviewed;
the page is opened in headless Chromium (/usr/bin/chromium), and the page itself times selecting every
commitment (panel + highlights) and moving the threshold. Prints per document the facts and spans, the
page size, ingest and review seconds (and their ratio), the time until the page is ready, and each
document's ready time as a ratio of the first one's, measured in one run.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from phoihop.ingest import ingest_files
from phoihop.review import review

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
MEASURE = """() => {
  const data = window.phoihop.data;
  const tasks = data.facts.filter(f => f.kind === 'commitment' && f.spans.length);
  let t = performance.now();
  tasks.forEach(f => window.phoihop.select(f.id));
  const select = tasks.length ? (performance.now() - t) / tasks.length : 0;
  const slider = document.getElementById('threshold');
  t = performance.now();
  slider.value = '0.9'; slider.dispatchEvent(new Event('input'));
  const threshold = performance.now() - t;
  return [select, threshold, document.querySelectorAll('#text mark').length];
}"""


def documents(sizes: list[int], out: Path, shared: Path | None) -> list[tuple[str, Path]]:
    """(name, text file) per size: the fixtures joined and repeated; then the seeds when asked."""
    joined = "\n\n".join(p.read_text("utf-8") for p in sorted((ROOT / "tests/fixtures/ingest").glob("*.txt")))
    docs = []
    for n in sizes:
        path = out / f"fixtures-x{n}.txt"
        path.write_text("\n\n".join([joined] * n), encoding="utf-8")
        docs.append((f"fixtures x{n}", path))
    if shared is not None:
        docs += [(p.name, p) for p in sorted((shared / "seeds").glob("*.txt"))]
    return docs


SYNTH_HEAD = """@prefix ph: <https://w3id.org/phoihop/ontology#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix eli: <http://data.europa.eu/eli/ontology#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@base <https://w3id.org/phoihop/id/> .
<source/S> a ph:SourceDocument ; <http://purl.org/dc/terms/identifier> "NAME" .
"""
KIND_CLASS = ["ph:LabourUnion", "ph:Decree", "foaf:Person"]


def synthetic(text: str, name: str, facts: int, spans: int, seed: int = 1) -> str:
    """A graph with `facts` facts and about `spans` spans on `text` (see the module docstring)."""
    rng = random.Random(seed)
    words = [m.span() for m in re.finditer(r"\w+(?: \w+){0,3}", text)]
    paragraphs = [m.span() for m in re.finditer(r"[^\n]+", text) if m.end() - m.start() > 40]
    out = [SYNTH_HEAD.replace("NAME", name)]

    def evidence(node: str, ranges: list[tuple[int, int]]) -> None:
        ev = " , ".join(f"[ a oa:Annotation ; ph:confidence {rng.choice([0.4, 0.7, 0.9])} ; oa:hasTarget [ "
                        f"oa:hasSource <source/S> ; oa:hasSelector [ a oa:TextPositionSelector ; oa:start {s} ; "
                        f"oa:end {e} ] ] ]" for s, e in ranges)
        out.append(f"<{node}> prov:wasDerivedFrom <source/S> ; ph:evidence {ev} .")

    plain = max(1, facts - len(paragraphs))
    for n in range(plain):
        node = f"synth/{n}"
        out.append(f"<{node}> a {KIND_CLASS[n % 3]} ; skos:prefLabel \"fact {n}\"@vi .")
        evidence(node, rng.sample(words, max(1, (spans - len(paragraphs)) // plain)))
    for n, span in enumerate(paragraphs[:facts]):
        node = f"synth/task/{n}"
        lead = " , ".join(f"<synth/{rng.randrange(plain)}>" for _ in range(2))
        out.append(f"<{node}> a ph:Commitment ; ph:leadActor {lead} ; ph:action \"task {n}\"@vi .")
        evidence(node, [span])
    return "\n".join(out)


def measure(browser, page: Path) -> tuple[float, float, float, int]:
    tab = browser.new_page(viewport={"width": 1400, "height": 900})
    start = time.perf_counter()
    tab.goto(page.resolve().as_uri())
    tab.wait_for_selector("body[data-ready='1']", timeout=120_000)
    ready = time.perf_counter() - start
    select, threshold, marks = tab.evaluate(MEASURE)
    tab.close()
    return ready, select / 1000, threshold / 1000, marks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4,8", help="repetitions of the joined fixtures")
    parser.add_argument("--synthetic", default="400,2000", help="facts,spans of a synthetic graph on the "
                        "largest text (empty: none)")
    parser.add_argument("--seeds", action="store_true", help="also each seed of ../shared")
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"skipped: {CHROMIUM} not found (apt-get install chromium)")
        return 0
    from playwright.sync_api import sync_playwright

    shared = Path(args.shared) if args.seeds and (Path(args.shared) / "seeds").is_dir() else None
    print("corpus: tests/fixtures/ingest/*.txt joined" + (f", and {shared}/seeds" if shared else ""))
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        sizes = [int(n) for n in args.sizes.split(",")]
        docs = documents(sizes, Path(tmp), shared)
        if args.synthetic:
            facts, spans = (int(n) for n in args.synthetic.split(","))
            docs.insert(len(sizes), (f"synthetic {facts}/{spans}", docs[len(sizes) - 1][1]))
        for number, (name, text) in enumerate(docs):
            graph, page = Path(tmp) / f"{number}.ttl", Path(tmp) / f"{number}.html"
            start = time.perf_counter()
            if name.startswith("synthetic"):  # its 'ingest s' is the time to write the graph
                graph.write_text(synthetic(text.read_text("utf-8"), text.name, facts, spans), encoding="utf-8")
            else:
                ingest_files([text], graph)
            ingest_s = time.perf_counter() - start
            start = time.perf_counter()
            result = review([graph], text, page)
            review_s = time.perf_counter() - start
            ready, select, threshold, marks = measure(browser, page)
            rows.append((name, text.stat().st_size, result.facts, result.spans, marks, page.stat().st_size,
                         ingest_s, review_s, ready, select, threshold))
        browser.close()
    print(f"{'document':24} {'text KB':>7} {'facts':>6} {'spans':>6} {'marks':>6} {'page KB':>8} {'ingest s':>8} "
          f"{'review s':>8} {'rev/ing':>7} {'ready s':>7} {'select ms':>9} {'thresh ms':>9} {'ready/1st':>9}")
    for row in rows:
        name, size, facts, spans, marks, page_size, ingest_s, review_s, ready, select, threshold = row
        print(f"{name:24} {size / 1024:7.1f} {facts:6d} {spans:6d} {marks:6d} {page_size / 1024:8.0f} "
              f"{ingest_s:8.2f} {review_s:8.2f} {review_s / ingest_s:7.2f} {ready:7.2f} {select * 1000:9.1f} "
              f"{threshold * 1000:9.1f} {ready / rows[0][8]:9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
