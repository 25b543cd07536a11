"""Ingest every document of the evaluation corpus and score it strictly: one row per document, the mean, floors.

Usage: python benchmarks/ingest_eval.py [--shared ../shared] [--with-metadata] [--official]
                                        [--min-mean PCT] [--min-doc PCT] [--show-gaps] [--keep DIR]
                                        [--write-gaps tests/fixtures/ingest/unseen_gaps.json]

Corpus: the five seeds (../shared/seeds, gold ../shared/gold/seeds_gold.json), the dev texts
(../shared/dev/texts, gold ../shared/dev/gold/<stem>.json) and the unseen fixtures written for the project by
someone who had not read the extractor (tests/fixtures/ingest/unseen/<stem>.txt + <stem>.gold.json), each block
printed with its folder. Every text is ingested exactly as `phoihop ingest FILE` would (no options), and
scored with phoihop.strict (the alignment rules of ../shared/acceptance/score.py; --official also runs that
script and prints its F1 beside ours). Columns: precision, recall, F1 and the count of false facts (output
nodes the gold does not hold).

--with-metadata adds a second set of columns: the same text ingested with a FILE.meta.json sidecar holding
the place, date and publisher of the gold's `documents` entry, the way a user would supply them.

Floors apply to the seeds + dev documents without metadata (the headline): exit 1 when the mean F1 is under
--min-mean or one document's F1 under --min-doc. Exits 0, saying so, when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from phoihop.ingest import SIDECAR_SUFFIX, ingest_file
from phoihop.strict import Score, score

ROOT = Path(__file__).resolve().parents[1]
UNSEEN = ROOT / "tests" / "fixtures" / "ingest" / "unseen"


@dataclass
class Doc:
    block: str
    text: Path
    gold: Path
    only: str | None  # the file name, when the gold file covers several documents

    def gold_data(self) -> dict:
        return json.loads(self.gold.read_text(encoding="utf-8"))


def corpus(shared: Path) -> list[Doc]:
    docs = [Doc("seeds", t, shared / "gold" / "seeds_gold.json", t.name)
            for t in sorted((shared / "seeds").glob("*.txt"))]
    docs += [Doc("dev", t, shared / "dev" / "gold" / f"{t.stem}.json", None)
             for t in sorted((shared / "dev" / "texts").glob("*.txt"))
             if (shared / "dev" / "gold" / f"{t.stem}.json").is_file()]
    docs += [Doc("unseen", t, t.with_suffix(".gold.json"), None) for t in sorted(UNSEEN.glob("*.txt"))
             if t.with_suffix(".gold.json").is_file()]
    return docs


def sidecar(doc: Doc, folder: Path) -> Path:
    """A copy of the text beside a FILE.meta.json from the gold's documents entry (place, date, publisher)."""
    entry = next((d for d in doc.gold_data().get("documents", []) if d.get("file") == doc.text.name), {})
    meta = {"place": entry.get("place"), "date": entry.get("date"), "publisher": entry.get("publisher_or_issuer")}
    copy = folder / doc.text.name
    shutil.copyfile(doc.text, copy)
    Path(f"{copy}{SIDECAR_SUFFIX}").write_text(
        json.dumps({k: v for k, v in meta.items() if v}, ensure_ascii=False), encoding="utf-8")
    return copy


def official(doc: Doc, ttl: Path, shared: Path) -> float | None:
    script = shared / "acceptance" / "score.py"
    args = [sys.executable, str(script), str(doc.gold), str(ttl), "--json"] + (["--only", doc.only] if doc.only else [])
    run = subprocess.run(args, capture_output=True, text=True, check=False)
    return json.loads(run.stdout)["f1"] if run.returncode == 0 and run.stdout else None


def run_one(doc: Doc, path: Path, keep: Path, tag: str, shared: Path, check: bool) -> tuple[Score, float | None]:
    graph = ingest_file(path)
    ttl = keep / f"{doc.text.stem}{tag}.ttl"
    ttl.write_text(graph.serialize(format="turtle"), encoding="utf-8")
    return score(doc.gold_data(), graph, doc.only), official(doc, ttl, shared) if check else None


def cells(s: Score, theirs: float | None) -> str:
    false = sum(len(k.false) for k in s.judged)
    extra = f" {100 * theirs:6.1f}" if theirs is not None else ""
    return f"{100 * s.precision:6.1f} {100 * s.recall:6.1f} {100 * s.f1:6.1f} {false:5d}{extra}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--with-metadata", action="store_true", help="also score with a sidecar per text")
    parser.add_argument("--official", action="store_true", help="also run ../shared/acceptance/score.py")
    parser.add_argument("--min-mean", type=float, default=0.0, help="floor for the mean F1 (seeds + dev)")
    parser.add_argument("--min-doc", type=float, default=0.0, help="floor for each document's F1 (seeds + dev)")
    parser.add_argument("--show-gaps", action="store_true", help="print each document's misses and false facts")
    parser.add_argument("--keep", help="folder to keep the Turtle outputs in")
    parser.add_argument("--write-gaps", metavar="JSON", help="write the unseen documents' misses and false facts "
                        "here (tests/fixtures/ingest/unseen_gaps.json; review the diff before committing it)")
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    docs = corpus(shared)
    if not any(d.block != "unseen" for d in docs):
        print(f"skipped: no seeds or dev texts under {shared}")
        return 0
    keep = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ingest-eval-"))
    keep.mkdir(parents=True, exist_ok=True)
    meta_dir = Path(tempfile.mkdtemp(prefix="ingest-eval-meta-"))
    head = f"{'P':>6} {'R':>6} {'F1':>6} {'false':>5}" + (f" {'score.py':>6}" if args.official else "")
    print(f"{'document':44} {head}" + (f"   | with metadata: {head}" if args.with_metadata else ""))
    results: dict[str, list[tuple[Doc, Score, Score | None]]] = {}
    started = time.perf_counter()
    for doc in docs:
        if not results.get(doc.block):
            print(f"-- {doc.block}: {doc.text.parent}")
        plain, theirs = run_one(doc, doc.text, keep, "", shared, args.official)
        row = f"{doc.text.stem[:44]:44} {cells(plain, theirs)}"
        with_meta = None
        if args.with_metadata:
            with_meta, theirs_m = run_one(doc, sidecar(doc, meta_dir), keep, ".meta", shared, args.official)
            row += f"   | {' ' * 15}{cells(with_meta, theirs_m)}"
        print(row)
        if args.show_gaps:
            for kind, gap in plain.gaps().items():
                print(f"    {kind}: missed {gap['missed'][:6]} false {gap['false'][:6]}")
        results.setdefault(doc.block, []).append((doc, plain, with_meta))
    elapsed = time.perf_counter() - started
    if args.write_gaps:
        gaps = {doc.text.name: plain.gaps() for doc, plain, _ in results.get("unseen", [])}
        Path(args.write_gaps).write_text(json.dumps(gaps, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                         encoding="utf-8")
        print(f"known gaps of {len(gaps)} unseen documents written to {args.write_gaps}")
    failed = _summary(results, args)
    print(f"{len(docs)} documents in {elapsed:.1f} s (ingest and scoring; outputs in {keep})")
    shutil.rmtree(meta_dir, ignore_errors=True)
    return 1 if failed else 0


def _summary(results: dict[str, list[tuple[Doc, Score, Score | None]]], args: argparse.Namespace) -> bool:
    """Print the means per block and of seeds + dev; True when a floor is broken."""
    def mean(values: list[float]) -> float:
        return 100 * sum(values) / len(values) if values else 0.0

    for block, rows in results.items():
        scores = [s for _, s, _ in rows]
        line = (f"mean {block:10} F1 {mean([s.f1 for s in scores]):5.1f}  P {mean([s.precision for s in scores]):5.1f}"
                f"  R {mean([s.recall for s in scores]):5.1f}  ({len(rows)} documents)")
        if args.with_metadata:
            line += f"   with metadata F1 {mean([m.f1 for _, _, m in rows if m]):5.1f}"
        print(line)
    headline = [s for block in ("seeds", "dev") for _, s, _ in results.get(block, [])]
    worst = min((100 * s.f1 for s in headline), default=0.0)
    print(f"HEADLINE seeds + dev: mean F1 {mean([s.f1 for s in headline]):.1f}%, mean precision "
          f"{mean([s.precision for s in headline]):.1f}%, lowest F1 {worst:.1f}% ({len(headline)} documents)")
    failed = False
    if mean([s.f1 for s in headline]) < args.min_mean:
        print(f"FAIL: mean F1 under the floor of {args.min_mean}%")
        failed = True
    if worst < args.min_doc:
        print(f"FAIL: a document under the floor of {args.min_doc}%")
        failed = True
    return failed


if __name__ == "__main__":
    sys.exit(main())
