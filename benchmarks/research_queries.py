"""Median latency of issue 13's research queries and checks on the embedded store, beside two older queries.

    phoihop synth --triples 1M -o /tmp/s.nq && phoihop build --data /tmp/s.nq -o /tmp/s-dist
    python benchmarks/research_queries.py --graph /tmp/s-dist/phoihop.trig

Each query runs once to warm up, then --repeat times; the table gives its rows, the median milliseconds and
the ratio to `coordination-pairs` measured in the same run (machines are shared: compare ratios, not
milliseconds). A query that returns no row did no work here and is flagged. Parameters that name a node
(successor-of's actor) are taken from the graph itself: the first body an ORG change event ended. The
script asserts nothing and exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from phoihop.query import Phoihop, open_graph

RESEARCH = ("party-directive-uptake", "targets-by-year", "target-versus-result",
            "agreements-ended-without-successor", "concurrent-posts", "actors-as-of", "successor-of",
            "commitments-in-force-on", "agreement-instrument-mix", "checks/party-outside-agreement-violation",
            "checks/open-ended-reported-result-violation", "checks/group-in-coordination-network-violation")
REFERENCE = ("coordination-pairs", "actors-in-area")
_CHANGED = """SELECT ?actor WHERE { ?change <http://www.w3.org/ns/org#originalOrganization> ?actor ;
  <http://www.w3.org/ns/org#resultingOrganization> ?successor } ORDER BY ?actor LIMIT 1"""


def median_ms(graph: Phoihop, name: str, params: dict[str, str], repeat: int) -> tuple[float, int]:
    rows = len(graph.query(name, **params))  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        graph.query(name, **params)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--graph", nargs="*", type=Path, default=[Path("dist/phoihop.trig")],
                        help="RDF files or folders (default: dist/phoihop.trig)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per query (default 3)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    graph = open_graph(args.graph)
    quads = len(graph.backend.store)
    changed = graph.run_text(_CHANGED)
    params: dict[str, dict[str, str]] = {"actors-in-area": {"area": "id:area/viet-nam"}}
    if len(changed):
        params["successor-of"] = {"actor": changed[0]["actor"]}
    print(f"graph: {', '.join(map(str, args.graph))}: {quads} quads, loaded in {time.perf_counter() - start:.1f} s; "
          f"median of {args.repeat} runs; successor-of actor: {params.get('successor-of', {}).get('actor', '-')}",
          file=sys.stderr)

    measured = {name: median_ms(graph, name, params.get(name, {}), args.repeat) for name in REFERENCE + RESEARCH}
    base_ms = measured[REFERENCE[0]][0]
    print(f"{'query':50s} {'rows':>7s} {'ms':>9s} {'/ pairs':>8s}")
    for name, (ms, rows) in measured.items():
        note = "" if rows or name.startswith("checks/") else "  (no rows: did no work here)"
        print(f"{name:50s} {rows:7d} {ms:9.1f} {ms / base_ms:8.2f}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
