"""The tables benchmarks/run.py prints: ratios, growth, queries and exports from the run's records.

Split from run.py so that measuring and rendering stay apart; `render` is the one entry point.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable

from user_path import user_rows

KEY_QUERY = "coordination-pairs"  # the query whose ratio against rdflib the tables single out
def _step(record: dict, phase: str, name: str, field: str = "seconds"):
    return record.get(phase, {}).get("steps", {}).get(name, {}).get(field)


def _cell(value, unit: str = "s") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    if unit == "s":
        return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"
    if unit == "x":
        return f"{value:.1f}x"
    return f"{value:,.0f}"


def _ratio(slow, fast):
    numbers = isinstance(slow, float | int) and isinstance(fast, float | int)
    return slow / fast if numbers and fast > 0 else None


def _error(record: dict, phase: str, name: str) -> str | None:
    step = record.get(phase, {}).get("steps", {}).get(name, {})
    return step.get("error") or record.get(phase, {}).get("error")


def summary_rows(records: list[dict]) -> list[tuple[str, list[str]]]:
    """(label, one cell per size) for the main table."""
    rows: list[tuple[str, list[str]]] = []

    def add(label: str, cell: Callable[[dict], str]) -> None:
        rows.append((label, [cell(r) for r in records]))

    def seconds(phase: str, step: str) -> Callable[[dict], str]:
        return lambda r: _cell(_step(r, phase, step)) if _step(r, phase, step) is not None \
            else (_error(r, phase, step) or "n/a")[:40]

    def speedup(slow: tuple[str, str], fast: tuple[str, str]) -> Callable[[dict], str]:
        return lambda r: _cell(_ratio(_step(r, *slow), _step(r, *fast)), "x")

    def rate(phase: str, step: str) -> Callable[[dict], str]:
        def cell(r: dict) -> str:
            triples, took = r["synth"]["triples"], _step(r, phase, step)
            return _cell(triples / took if took else None, "n") + " /s" if took else "n/a"
        return cell

    add("triples (synthetic data)", lambda r: _cell(r["synth"]["triples"], "n"))
    add("quads after load + inference", lambda r: _cell(
        (_step(r, "fast", "load (build)", "quads") or 0) + (_step(r, "fast", "infer", "added") or 0), "n"))
    add("parse: pyoxigraph triples/s", rate("fast", "parse"))
    add("parse: rdflib triples/s", rate("reference", "parse"))
    add("parse speed-up", speedup(("reference", "parse"), ("fast", "parse")))
    add("load as the build does, s", seconds("fast", "load (build)"))
    add("inference: SPARQL rules on pyoxigraph, s", seconds("fast", "infer"))
    add("inference: same rules on rdflib, s", seconds("reference", "infer"))
    add("inference speed-up", speedup(("reference", "infer"), ("fast", "infer")))
    add("SHACL: compiled to SPARQL (the graph conforms), s", seconds("fast", "validate (sparql)"))
    add("SHACL on the damaged graph: compiled to SPARQL, s", seconds("fast", "validate damaged (sparql)"))
    add("SHACL on the damaged graph: pySHACL on rdflib, s", seconds("reference", "validate damaged (pyshacl)"))
    add("SHACL speed-up (damaged graph)", speedup(("reference", "validate damaged (pyshacl)"),
                                                  ("fast", "validate damaged (sparql)")))
    add("SHACL reports equal key by key (damaged graph)", lambda r: _same_report(r))
    add("check queries, s", seconds("fast", "checks"))
    add("named queries doing work (rows > 0; checks return none)", lambda r: _working(r))
    add("named queries: slowest median, s", lambda r: _query_extreme(r)[0])
    add("named queries: median of medians, s", lambda r: _query_extreme(r)[1])
    add(f"{KEY_QUERY}: pyoxigraph median, s", lambda r: _cell(_query(r, "fast", KEY_QUERY)))
    add(f"{KEY_QUERY}: rdflib, s", lambda r: _cell(_query(r, "reference", KEY_QUERY)))
    add(f"{KEY_QUERY} speed-up", lambda r: _cell(_ratio(_query(r, "reference", KEY_QUERY),
                                                         _query(r, "fast", KEY_QUERY)), "x"))
    add("all network exports, s", lambda r: _cell(r.get("fast", {}).get("exports", {}).get("all exports", {})
                                                  .get("seconds")))
    add("build, embedded path (load+infer+SHACL+checks+write), s", seconds("fast", "build (fast path)"))
    add("`phoihop build` as committed, s", seconds("build", "phoihop build"))
    add("`phoihop build` CPU-seconds (user + system)",
        lambda r: _cell(_step(r, "build", "phoihop build", "cpu_seconds")))
    add("`phoihop build` status", lambda r: str(_step(r, "build", "phoihop build", "status")
                                                or _error(r, "build", "phoihop build") or "n/a")[:40])
    for label, cell in user_rows(KEY_QUERY):
        add(label, cell)
    add("peak memory: embedded path, MB", lambda r: _cell(r.get("fast", {}).get("peak_mb"), "n"))
    add("peak memory: `phoihop build`, MB", lambda r: _cell(r.get("build", {}).get("peak_mb"), "n"))
    add("peak memory: rdflib reference, MB", lambda r: _cell(r.get("reference", {}).get("peak_mb"), "n"))
    add("OWL consistency: HermiT, s", seconds("hermit", "hermit"))
    add("peak memory: HermiT (Java), MB", lambda r: _cell(r.get("hermit", {}).get("peak_mb"), "n"))
    return rows


def _same_report(record: dict) -> str:
    fast = _step(record, "fast", "validate damaged (sparql)", "keys")
    ref = _step(record, "reference", "validate damaged (pyshacl)", "keys")
    if fast is None or ref is None:
        return "n/a"
    same = sorted(map(repr, fast)) == sorted(map(repr, ref))
    return f"{'yes' if same else 'NO'} ({len(fast)} results)"


def _query(record: dict, phase: str, name: str):
    return record.get(phase, {}).get("queries", {}).get(name, {}).get("seconds")


def _working(record: dict) -> str:
    queries = record.get("fast", {}).get("queries", {})
    return f"{sum(1 for q in queries.values() if q.get('rows'))} of {len(queries)}" if queries else "n/a"


def _query_extreme(record: dict) -> tuple[str, str]:
    """The slowest median and the median of medians, over the queries that return rows (a query that
    matches nothing returns at once and would flatter the figure)."""
    times = {n: q["seconds"] for n, q in record.get("fast", {}).get("queries", {}).items()
             if isinstance(q, dict) and "seconds" in q and q.get("rows")}
    if not times:
        return "n/a", "n/a"
    slowest = max(times, key=times.get)
    return f"{_cell(times[slowest])} ({slowest})", _cell(statistics.median(times.values()))


def growth_rows(records: list[dict]) -> list[str]:
    """How cost grows between consecutive sizes, relative to how the data grows (1.0 = linear)."""
    lines = []
    for a, b in zip(records, records[1:], strict=False):
        scale = b["synth"]["triples"] / a["synth"]["triples"]
        for label, phase, step in (("build, embedded path", "fast", "build (fast path)"),
                                   ("SHACL compiled to SPARQL", "fast", "validate (sparql)"),
                                   ("`phoihop build`", "build", "phoihop build"),
                                   ("pySHACL (damaged graph)", "reference", "validate damaged (pyshacl)")):
            ta, tb = _step(a, phase, step), _step(b, phase, step)
            if ta and tb:
                lines.append(f"{label} {a['size']} -> {b['size']}: x{tb / ta:.1f} time for x{scale:.1f} data "
                             f"(growth ratio {tb / ta / scale:.2f}; 1.00 = linear)")
    return lines


def query_rows(records: list[dict]) -> list[tuple[str, list[str]]]:
    names = sorted({n for r in records for n in r.get("fast", {}).get("queries", {})})
    rows = []
    for name in names:
        cells = []
        for r in records:
            fast, ref = _query(r, "fast", name), _query(r, "reference", name)
            err = r.get("reference", {}).get("queries", {}).get(name, {}).get("error")
            mine = r.get("fast", {}).get("queries", {}).get(name, {})
            theirs = r.get("reference", {}).get("queries", {}).get(name, {})
            text = _cell(fast) + ("" if mine.get("rows") else " (no rows)")
            if ref is not None:
                text += f" / {_cell(ref)} ({_cell(_ratio(ref, fast), 'x')})"
                if theirs.get("digest") != mine.get("digest"):
                    text += " VALUES DIFFER"
            elif err:  # rdflib wraps the benchmark's time limit in its own error
                text += " / timeout" if "StepTimeout" in err or err.startswith("timeout") else f" / {err[:24]}"
            cells.append(text)
        rows.append((name, cells))
    return rows


def export_rows(records: list[dict]) -> list[tuple[str, list[str]]]:
    """Seconds to load the written graph, build each network, and write each format (summed over networks)."""
    def totals(record: dict) -> dict[str, float]:
        out: dict[str, float] = {}
        for key, value in record.get("fast", {}).get("exports", {}).items():
            if key != "all exports" and "seconds" in value:
                name, _, fmt = key.partition(":")
                label = "load the written graph" if not fmt else f"build {name} network" if fmt == "build" \
                    else f"write {fmt} (all networks)"
                out[label] = out.get(label, 0.0) + value["seconds"]
        return out
    per_size = [totals(r) for r in records]
    labels = list(dict.fromkeys(label for t in per_size for label in t))
    return [(label, [_cell(t.get(label)) for t in per_size]) for label in labels]


def render(records: list[dict], ingest: dict, info: dict, markdown: bool) -> str:
    sizes = [r["size"] for r in records]
    main, queries, exports = summary_rows(records), query_rows(records), export_rows(records)
    ingest_text = (f"{ingest['ingest']['kb_per_s']:.1f} KB/s ({ingest['ingest']['kb']:.0f} KB of "
                   f"{ingest['ingest']['source']}, best of runs)") if "kb_per_s" in ingest.get("ingest", {}) \
        else ingest.get("ingest", {}).get("error", "n/a")
    header = (f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; "
              f"Python {info['python']}, "
              f"pyoxigraph {info['pyoxigraph']}, rdflib {info['rdflib']}, pySHACL {info['pyshacl']}; "
              f"load average at start {info['load_average'][0]:.1f}")
    if markdown:
        command = f"python benchmarks/run.py --sizes {','.join(sizes)}"
        lines = [f"Measured {dt.date.today().isoformat()} with `{command}`.",
                 "", header + ".", "", "| step | " + " | ".join(sizes) + " |",
                 "| --- | " + " | ".join("---:" for _ in sizes) + " |"]
        lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in main]
        lines += ["", f"Ingest throughput: {ingest_text}.", ""]
        lines += [f"- {g}" for g in growth_rows(records)]
        for title, rows in (("Named queries, bound to nodes of the graph (benchmarks/bindings.py): pyoxigraph "
                             "median / rdflib (speed-up), seconds; the answers' values are compared.", queries),
                            ("Network exports (`phoihop export`), seconds.", exports)):
            lines += ["", title, "", "| step | " + " | ".join(sizes) + " |",
                      "| --- | " + " | ".join("---:" for _ in sizes) + " |"]
            lines += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]
        return "\n".join(lines) + "\n"
    width = max(len(label) for label, _ in main + queries) + 2
    col = max(16, *(len(c) for _, cells in main for c in cells)) + 2
    lines = [header, "", "step".ljust(width) + "".join(s.rjust(col) for s in sizes)]
    lines += [label.ljust(width) + "".join(c.rjust(col) for c in cells) for label, cells in main]
    lines += ["", f"ingest throughput: {ingest_text}", *growth_rows(records), "",
              "named queries: pyoxigraph median / rdflib (speed-up), s"]
    lines += [label.ljust(width) + "".join(c.rjust(col + 12) for c in cells) for label, cells in queries]
    lines += ["", "network exports, s"] + [label.ljust(width) + "".join(c.rjust(col) for c in cells)
                                          for label, cells in exports]
    return "\n".join(lines)
