"""Acceptance of the curated graph on the twelve dev texts: check_gold.py and score.py per dev gold file.

Usage: python benchmarks/curated_dev.py [--graph dist/phoihop.ttl] [--shared ../shared] [--bars CSV]

Runs the two public acceptance tools of ../shared/acceptance on the built graph, once per file of
../shared/dev/gold with `--only <text>`: check_gold.py (recall through the public terms, `overall`) and
score.py (strict one-to-one alignment, precision, recall, `F1`). Prints one row per file and compares it
with its bars in tests/fixtures/curated/dev-acceptance.csv (98 and 95 unless a known gap says why).
Exits 1 when a file is under a bar or a gold file has no row; exits 0 saying so when ../shared is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARS = ROOT / "tests" / "fixtures" / "curated" / "dev-acceptance.csv"


def read_bars(path: Path) -> dict[str, dict[str, str]]:
    """file name -> its row (check_min, f1_min, reason); lines starting with # are comments."""
    with path.open(encoding="utf-8") as handle:
        return {row["file"]: row for row in csv.DictReader(line for line in handle if not line.startswith("#"))}


def _run(script: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{script.name} failed on {args[0]}: {result.stderr.strip().splitlines()[-1:]}")
    return result.stdout


def measure(acceptance: Path, gold: Path, graph: Path, text: str) -> dict[str, float]:
    """The two figures for one dev file: check_gold's overall recall and score.py's P, R and F1 (percent)."""
    out = _run(acceptance / "check_gold.py", str(gold), str(graph), "--only", text)
    match = re.search(r"^overall: ([\d.]+)%", out, re.M)
    if match is None:
        raise SystemExit(f"check_gold.py printed no overall figure for {text}")
    strict = json.loads(_run(acceptance / "score.py", str(gold), str(graph), "--only", text, "--json"))
    return {"check": float(match.group(1)), "precision": 100 * strict["precision"],
            "recall": 100 * strict["recall"], "f1": 100 * strict["f1"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", type=Path, default=ROOT / "dist" / "phoihop.ttl")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--bars", type=Path, default=BARS)
    args = parser.parse_args(argv)
    golds = sorted((args.shared / "dev" / "gold").glob("*.json"))
    acceptance = args.shared / "acceptance"
    if not golds or not (acceptance / "score.py").is_file():
        print(f"skipped: {args.shared}/dev/gold or the acceptance tools are not present")
        return 0
    if not args.graph.is_file():
        print(f"curated_dev: {args.graph}: no such graph (run phoihop build first)", file=sys.stderr)
        return 2
    bars = read_bars(args.bars)
    print(f"graph: {args.graph}")
    print(f"{'dev text':44} {'check':>6} {'P':>6} {'R':>6} {'F1':>6}  verdict")
    failed = 0
    for gold in golds:
        text = f"{gold.stem}.txt"
        row = bars.get(text)
        if row is None:
            print(f"{text:44} no row in {args.bars.name}")
            failed += 1
            continue
        got = measure(acceptance, gold, args.graph, text)
        ok = got["check"] >= float(row["check_min"]) and got["f1"] >= float(row["f1_min"])
        failed += not ok
        verdict = "ok" if ok else f"UNDER {row['check_min']}/{row['f1_min']}"
        gap = f"  (known gap: bar {row['f1_min']})" if row["reason"] else ""
        print(f"{text:44} {got['check']:6.1f} {got['precision']:6.1f} {got['recall']:6.1f} {got['f1']:6.1f}  "
              f"{verdict}{gap}")
    print(f"{len(golds) - failed}/{len(golds)} dev files at their bars")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
