"""Median latency of every named query on the embedded engines (pyoxigraph and rdflib), with the ratio.

    python benchmarks/queries.py                                  # dist/phoihop.trig
    python benchmarks/queries.py --graph tests/fixtures/graph/dataset --repeat 5
    python benchmarks/queries.py --endpoint http://127.0.0.1:7878/sparql   # a third column: a server

Each query runs once to warm up, then --repeat times; the table shows the median milliseconds per
engine and rdflib / oxigraph. It also checks that both engines agree (the "same" column); it asserts
nothing and exits 0 either way.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from phoihop.query import EndpointBackend, Phoihop, list_queries, open_graph
from phoihop.results import same_answer


def median_ms(graph: Phoihop, name: str, repeat: int) -> tuple[float, object]:
    results = graph.query(name)  # warm-up (and the answer to compare)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        graph.query(name)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graph", nargs="*", type=Path, default=[Path("dist/phoihop.trig")],
                        help="RDF files or folders (default: dist/phoihop.trig)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per query (default 7)")
    parser.add_argument("--endpoint", help="also time a SPARQL endpoint holding the same graph")
    parser.add_argument("--only", nargs="*", default=None, help="query names to run (default: all)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    engines = {"oxigraph": open_graph(args.graph), "rdflib": open_graph(args.graph, engine="rdflib")}
    if args.endpoint:
        engines["endpoint"] = Phoihop(EndpointBackend(args.endpoint, timeout=300))
    store = engines["oxigraph"].backend.store
    print(f"graph: {', '.join(map(str, args.graph))}: {len(store)} quads, loaded into both engines in "
          f"{time.perf_counter() - start:.2f} s; median of {args.repeat} runs, milliseconds", file=sys.stderr)

    header = f"{'query':45s} {'rows':>6s} " + " ".join(f"{name:>10s}" for name in engines) + \
        f" {'rdflib/ox':>10s} same"
    print(header)
    print("-" * len(header))
    totals = dict.fromkeys(engines, 0.0)
    for query in list_queries():
        if args.only and query.name not in args.only:
            continue
        timings, answers = {}, {}
        for name, graph in engines.items():
            timings[name], answers[name] = median_ms(graph, query.name, args.repeat)
            totals[name] += timings[name]
        same = all(same_answer(answers["oxigraph"], other, query.ordered) for other in answers.values())
        ratio = timings["rdflib"] / max(timings["oxigraph"], 1e-6)
        print(f"{query.name:45s} {len(answers['oxigraph']):6d} "
              + " ".join(f"{timings[name]:10.2f}" for name in engines)
              + f" {ratio:10.1f} {'yes' if same else 'NO'}")
    print("-" * len(header))
    print(f"{'total':45s} {'':6s} " + " ".join(f"{totals[name]:10.2f}" for name in engines)
          + f" {totals['rdflib'] / max(totals['oxigraph'], 1e-6):10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
