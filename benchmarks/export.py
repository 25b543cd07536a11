"""Time `phoihop export` step by step on graphs of several sizes, and how each step grows against linear.

    phoihop synth --triples 100k -o /tmp/s100k.nq && phoihop build --data /tmp/s100k.nq -o /tmp/b100k
    phoihop synth --triples 1M -o /tmp/s1m.nq && phoihop build --data /tmp/s1m.nq -o /tmp/b1m
    python benchmarks/export.py --input /tmp/b100k/phoihop.trig --input /tmp/b1m/phoihop.trig --format html
    python benchmarks/export.py --copies 200          # the test fixture, replicated 200 times

Each --input is one size (a built graph). Without --input the test fixture is used, copied --copies times
with the real ontology and schemes once: provincial actors and instruments get one copy each while national
ones stay shared, so the copies form one network around national hubs, as the real graph does.

Steps: load, the node facts (read once per export), each network's build and each format's write, in CPU
seconds of this process (the median of --runs interleaved runs), and `html end to end` = load + facts + the
coordination network + its page (what `phoihop export --graph coordination --format html` does). For two or
more sizes it prints, per step, the time at each size and the growth from one size to the next as a
multiple of linear growth (1.00 = linear, 2.00 = twice as fast as the data grew). Every network must have
nodes, so no step is timed on an empty result. Asserts nothing else.
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

from phoihop import export as ex
from phoihop import network as nw
from phoihop.resources import ontology_files
from phoihop.store import load_files, parse_file

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "network" / "data.ttl"
ID = "https://w3id.org/phoihop/id/"
SHARED = tuple(ID + p for p in ("actor/viet-nam/", "instrument/tw/", "instrument/cp/",
                                 "instrument/quoc-hoi/"))
LOCAL = (ID + "actor/", ID + "instrument/")
CLOCK = time.process_time  # CPU seconds of this process: on a shared machine, steadier than the wall clock


def _copy(term, k: int):
    if isinstance(term, ox.NamedNode) and term.value.startswith(LOCAL) and not term.value.startswith(SHARED):
        return ox.NamedNode(f"{term.value}-{k}")
    return term


def replicated_fixture(copies: int) -> ox.Store:
    """The network fixture `copies` times over, provincial IRIs suffixed with the copy number."""
    store = load_files(ontology_files())
    quads = parse_file(FIXTURE)
    for k in range(copies):
        store.extend(ox.Quad(_copy(q.subject, k), q.predicate, _copy(q.object, k), q.graph_name)
                     for q in quads)
    return store


def measure(load, graphs: list[str], formats: list[str]) -> tuple[int, dict[str, float]]:
    """Seconds per step for one graph; the number of quads."""
    seconds: dict[str, float] = {}

    def timed(label: str, action):
        start = CLOCK()
        value = action()
        seconds[label] = CLOCK() - start
        return value

    store = timed("load", load)
    attributes = timed("node facts", lambda: nw.all_node_attributes(store))
    with tempfile.TemporaryDirectory() as tmp:
        for name in graphs:
            net = timed(f"{name}: build", lambda name=name: nw.build_network(
                store, name, details="html" in formats, attributes=attributes))
            if not len(net.graph):
                raise SystemExit(f"the {name} network is empty: nothing to measure")
            seconds[f"{name}: nodes"] = len(net.graph)
            for fmt in formats:
                timed(f"{name}: {fmt}", lambda fmt=fmt, net=net: ex.EXPORTERS[fmt](net, Path(tmp) / net.name))
    if "coordination" in graphs and "html" in formats:
        seconds["html end to end"] = sum(seconds[k] for k in ("load", "node facts", "coordination: build",
                                                              "coordination: html"))
    return len(store), seconds


def report(sizes: list[tuple[str, int, dict[str, float]]]) -> None:
    steps = list(sizes[0][2])
    names = [label for label, _, _ in sizes]
    print(f"{'step':<26}" + "".join(f"{n:>14}" for n in names)
          + "".join(f"{'growth ' + a + '->' + b:>22}" for a, b in zip(names, names[1:], strict=False)))
    for step in steps:
        cells = [s[2].get(step) for s in sizes]
        row = "".join(f"{c:>14.0f}" if step.endswith("nodes") else f"{c:>14.3f}" for c in cells)
        growth = ""
        for (_, q0, s0), (_, q1, s1) in zip(sizes, sizes[1:], strict=False):
            ratio = (s1[step] / s0[step]) / (q1 / q0) if s0[step] else float("nan")
            growth += f"{ratio:>21.2f}x"
        print(f"{step:<26}{row}{'' if step.endswith('nodes') else growth}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", action="append", type=Path, help="a built graph, one per size")
    parser.add_argument("--copies", type=int, default=50, help="fixture copies when no --input (default 50)")
    parser.add_argument("--graph", action="append", choices=nw.GRAPH_NAMES, help="default: every network")
    parser.add_argument("--format", action="append", choices=sorted(ex.EXPORTERS),
                        help="default: every format")
    parser.add_argument("--runs", type=int, default=1, help="runs per size, interleaved; medians are shown")
    args = parser.parse_args(argv)
    graphs, formats = args.graph or list(nw.GRAPH_NAMES), args.format or list(ex.EXPORTERS)
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start (shared). "
          "Figures are CPU seconds of this process, median of the runs; runs of the sizes alternate.")
    inputs = args.input or [None]
    runs: dict[int, list[dict[str, float]]] = {i: [] for i in range(len(inputs))}
    quads: dict[int, int] = {}
    for _ in range(args.runs):
        for i, path in enumerate(inputs):
            load = (lambda path=path: nw.load([path])) if path else (lambda: replicated_fixture(args.copies))
            quads[i], seconds = measure(load, graphs, formats)
            runs[i].append(seconds)
    sizes = []
    for i, path in enumerate(inputs):
        label = path.parent.name if path else f"fixture x{args.copies}"
        print(f"{label}: {path or FIXTURE} ({quads[i]:,} quads)")
        medians = {step: statistics.median(r[step] for r in runs[i]) for step in runs[i][0]}
        sizes.append((label, quads[i], medians))
    report(sizes)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
