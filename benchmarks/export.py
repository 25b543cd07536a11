"""Time every network build and every export format of `phoihop export` on one graph.

    python benchmarks/export.py --input dist/phoihop.trig
    python benchmarks/export.py --copies 200          # the test fixture, replicated 200 times

Without --input it uses tests/fixtures/network/data.ttl, copied --copies times, with the real ontology and
schemes once: each copy gets its own provincial actors and instruments while national actors and
instruments stay shared, so the copies form one network around national hubs, as the real graph does.
Prints seconds per step; asserts nothing.
"""

from __future__ import annotations

import argparse
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


def timed(label: str, action):
    start = time.perf_counter()
    value = action()
    print(f"{label:<28} {time.perf_counter() - start:8.3f} s", flush=True)
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", action="append", type=Path, help="built graph file(s); default: fixture")
    parser.add_argument("--copies", type=int, default=50, help="fixture copies when no --input (default 50)")
    parser.add_argument("--graph", action="append", choices=nw.GRAPH_NAMES, help="default: every network")
    parser.add_argument("--format", action="append", choices=sorted(ex.EXPORTERS),
                        help="default: every format")
    args = parser.parse_args(argv)
    if args.input:
        store = timed("load " + ", ".join(map(str, args.input)), lambda: nw.load(args.input))
    else:
        store = timed(f"load fixture x{args.copies}", lambda: replicated_fixture(args.copies))
    print(f"{len(store):,} quads")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.graph or nw.GRAPH_NAMES:
            net = timed(f"{name}: build", lambda name=name: nw.build_network(store, name, details=True))
            print(f"{'':<28} {net.graph.number_of_nodes():,} nodes, {net.graph.number_of_edges():,} edges")
            base = Path(tmp) / name
            for fmt in args.format or ex.EXPORTERS:
                write = ex.EXPORTERS[fmt]
                paths = timed(f"{name}: {fmt}", lambda write=write, net=net, base=base: write(net, base))
                size = sum(p.stat().st_size for p in paths)
                print(f"{'':<28} {size / 1e6:8.2f} MB")
            timed(f"{name}: metrics", lambda net=net: nw.metrics(net.graph))
    return 0


if __name__ == "__main__":
    sys.exit(main())
