"""The readable Turtle writer (phoihop.turtle) against oxigraph's streaming Turtle writer, on one store.

    python benchmarks/turtle.py --input /tmp/b1m/phoihop.trig          # a built graph (phoihop build -o …)
    python benchmarks/turtle.py --input dist/phoihop.trig --runs 5

The streaming writer is what `phoihop build` used before: every distinct triple of the union (SPARQL
DISTINCT) handed to oxigraph's serializer as it comes, subjects repeated, blank-node labels random. Runs
alternate (streaming, readable, streaming, …) so a change in the machine's load hits both; the medians and
their ratio are printed with the file sizes and the triple count each writer reports (they must agree).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from phoihop import turtle
from phoihop.store import PREFIX_MAP, load_files, union_graph


def streaming(store: ox.Store, path: str) -> int:
    count = 0

    def counted():
        nonlocal count
        for triple in union_graph(store):
            count += 1
            yield triple
    ox.serialize(counted(), path, format=ox.RdfFormat.TURTLE, prefixes=PREFIX_MAP)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", action="append", type=Path, required=True, help="built graph file(s)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each writer (default 3)")
    args = parser.parse_args(argv)
    store = load_files(args.input)
    print(f"input: {', '.join(map(str, args.input))} ({len(store):,} quads); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    times: dict[str, list[float]] = {"streaming": [], "readable": []}
    counts, sizes = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for name, write in (("streaming", streaming), ("readable", turtle.write_union)):
                path = str(Path(tmp) / f"{name}.ttl")
                start = time.perf_counter()
                counts[name] = write(store, path)
                times[name].append(time.perf_counter() - start)
                sizes[name] = Path(path).stat().st_size
    for name, values in times.items():
        print(f"{name:<10} median {statistics.median(values):7.2f} s  (min {min(values):.2f}, max "
              f"{max(values):.2f})  {counts[name]:,} triples  {sizes[name] / 1e6:.1f} MB")
    ratio = statistics.median(r / s for r, s in zip(times["readable"], times["streaming"], strict=True))
    print(f"readable / streaming: {ratio:.2f} (median of paired runs)")
    if counts["readable"] != counts["streaming"]:
        print("the writers disagree on the number of triples", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
