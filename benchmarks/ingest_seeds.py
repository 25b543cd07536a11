"""Ingest each seed document, score it with the acceptance checker, and measure throughput.

Usage: python benchmarks/ingest_seeds.py [--shared ../shared] [--keep DIR] [--repeat N]

Prints one row per seed (overall, instruments, actors, persons, commitments as the checker reports them)
and the ingest speed in KB of text per second on one core. Acceptance bar: overall >= 85% per document and
instruments >= 95%. Exits 1 when a document's overall score is under 85% (with --strict also when its
instruments are under 95%); exits 0 when ../shared (or --shared) is absent, saying so.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from phoihop.ingest import ingest_file
from phoihop.normalize import read_text_file

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--keep", help="folder to keep the Turtle outputs in")
    parser.add_argument("--repeat", type=int, default=3, help="timing repetitions (best is reported)")
    parser.add_argument("--strict", action="store_true", help="fail on the instruments bar too")
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    seeds = sorted((shared / "seeds").glob("*.txt"))
    checker = shared / "acceptance" / "check_gold.py"
    gold = shared / "gold" / "seeds_gold.json"
    if not seeds or not checker.is_file():
        print(f"skipped: {shared}/seeds or the acceptance checker is not present")
        return 0
    out_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ingest-seeds-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    ingest_file(seeds[0])  # load the lexicon once, outside the timing
    total_chars = total_bytes = 0
    best = float("inf")
    for _ in range(max(1, args.repeat)):
        start = time.perf_counter()
        for seed in seeds:
            ingest_file(seed)
        best = min(best, time.perf_counter() - start)
    print(f"{'document':28} {'overall':>8} {'instr':>6} {'actors':>6} {'persons':>7} {'commit':>6}  verdict")
    failed = 0
    for seed in seeds:
        text, data = read_text_file(seed)
        total_chars += len(text)
        total_bytes += len(data)
        out = out_dir / f"{seed.stem}.ttl"
        out.write_text(ingest_file(seed).serialize(format="turtle"), encoding="utf-8")
        result = subprocess.run([sys.executable, str(checker), str(gold), str(out), "--only", seed.name],
                                capture_output=True, text=True, check=False)
        scores = dict(re.findall(r"^(\w+): .*?\((\d+)%\)", result.stdout, re.M))
        overall = float(re.search(r"overall: ([\d.]+)%", result.stdout).group(1))
        instruments_ok = int(scores.get("instruments", 0)) >= 95
        verdict = "ok" if overall >= 85 and instruments_ok else (
            "instruments below 95%" if overall >= 85 else "BELOW BAR")
        failed += overall < 85 or (args.strict and not instruments_ok)
        print(f"{seed.name:28} {overall:7.1f}% {scores.get('instruments', '-'):>5}% {scores.get('actors', '-'):>5}%"
              f" {scores.get('persons', '-'):>6}% {scores.get('commitments', '-'):>5}%  {verdict}")
    kb = total_bytes / 1024
    print(f"throughput: {kb / best:.0f} KB/s ({kb:.1f} KB, {total_chars} chars in {best * 1000:.0f} ms, "
          f"best of {args.repeat}, one core)")
    print(f"outputs in {out_dir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
