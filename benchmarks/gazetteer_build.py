"""What putting whole gazetteer levels into the built graph would cost: the curated build as it is (nation,
provinces, and only the districts and communes the data refers to) against the same build with every district,
and with every district and commune, of data/gazetteer.

Usage: python benchmarks/gazetteer_build.py [--repeat N]

Each variant writes the extra areas (area_graph(levels=...)) to a Turtle file that the build loads beside
data/, so the time includes making them. Prints triples, the size of dist/phoihop.ttl and the best wall time of
N runs per variant, and each as a ratio to the plain build measured in the same run.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

from rdflib import Graph, URIRef

from phoihop.build import build
from phoihop.gazetteer import area_graph, load_gazetteer
from phoihop.namespaces import PH, RDF
from phoihop.resources import data_dir

VARIANTS = {"referenced only (default)": (), "+ every district": ("district",),
            "+ every district and commune": ("district", "commune")}


def described() -> set[URIRef]:
    """Areas the curated data describes itself (they keep their own labels, as in the build)."""
    g = Graph()
    for path in sorted(data_dir().glob("*.ttl")):
        g.parse(path, format="turtle")
    return set(g.subjects(RDF.type, PH.AdministrativeArea))


def run(levels: tuple[str, ...], folder: Path) -> tuple[float, int, int]:
    """(seconds, triples, bytes of dist/phoihop.ttl) of one build with these levels added."""
    tick = time.perf_counter()
    data = [data_dir()]
    if levels:
        extra = folder / "levels.ttl"
        units = area_graph(levels=levels, described=described()) - area_graph()  # the units alone
        units.serialize(extra, format="turtle")
        data.append(extra)
    result = build(data, out_dir=folder / "dist")
    seconds = time.perf_counter() - tick
    return seconds, result.triples, (folder / "dist" / "phoihop.ttl").stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant (best is reported)")
    args = parser.parse_args(argv)
    logging.disable(logging.INFO)
    gaz = load_gazetteer()
    print(f"corpus: {data_dir()} (curated data) + data/gazetteer: {len(gaz.areas)} nation/province rows, "
          f"{sum(u.level == 'district' for u in gaz.units.values())} districts, "
          f"{sum(u.level == 'commune' for u in gaz.units.values())} communes")
    rows = []
    with tempfile.TemporaryDirectory(prefix="gazetteer-bench-") as tmp:
        for name, levels in VARIANTS.items():
            best = min((run(levels, Path(tmp)) for _ in range(args.repeat)), key=lambda r: r[0])
            rows.append((name, *best))
    base = rows[0]
    print(f"{'variant':<30} {'triples':>9} {'x':>6} {'ttl bytes':>11} {'x':>6} {'build s':>8} {'x':>6}")
    for name, seconds, triples, size in rows:
        print(f"{name:<30} {triples:>9} {triples / base[2]:>6.1f} {size:>11} {size / base[3]:>6.1f} "
              f"{seconds:>8.2f} {seconds / base[1]:>6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
