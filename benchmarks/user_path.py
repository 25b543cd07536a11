"""What a researcher meets at scale, for benchmarks/run.py: `phoihop build` as a command (wall, CPU-seconds,
peak memory), `phoihop query NAME` end to end from the release's on-disk store (first and later runs) against
the same query on the graph file loaded into memory, every bound named query cold and warm, and `phoihop
serve`: seconds to the first answer and to the graph in memory, each named query's median over HTTP, and a
mixed load from 8 clients (benchmarks/load_serve.py) with its errors on good queries and its p50/p99.

Every figure comes from processes started here, on the queries the fast phase bound to nodes of the graph.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from bindings import Bound  # the benchmarks folder is on sys.path (run.py puts it there)
from servers import HOST, free_port

CLI = [sys.executable, "-m", "phoihop.cli", "-q"]
QUERY_RUNS = 3  # `phoihop query` runs per form; the first is the coldest this machine allows (page cache kept)
TARGET_WALL = 1.5  # seconds: issue 17's bound for `phoihop query NAME` at 1M, cold and warm


def children() -> tuple[float, float]:
    """CPU-seconds and peak memory (MB) of the children waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def run_user(graph: Path, bound: list[Bound], key: str, requests: int, timeout: float) -> dict:
    """Build with the CLI into a scratch folder, then time `phoihop query` and `phoihop serve` there."""
    scratch = Path(tempfile.mkdtemp(prefix="phoihop-user-"))
    steps: dict = {}
    try:
        cpu = children()[0]
        start = time.perf_counter()
        done = subprocess.run([*CLI, "build", "--data", str(graph), "-o", str(scratch / "dist")],
                              capture_output=True, text=True, cwd=scratch)
        steps["phoihop build (command)"] = {"seconds": time.perf_counter() - start,
                                            "cpu_seconds": children()[0] - cpu, "peak_mb": children()[1],
                                            "exit": done.returncode, "stderr": done.stderr.strip()[-300:]}
        if done.returncode:
            return {"steps": steps}
        item = next(b for b in bound if b.name == key)
        steps["phoihop query (store)"] = cli_query(item, scratch, [])
        steps["phoihop query, every named query (store)"] = cli_every_query(bound, scratch)
        steps["phoihop query (graph file in memory)"] = cli_query(
            item, scratch, ["--graph", str(scratch / "dist" / "current" / "phoihop.trig")])
        steps.update(serve_figures(bound, scratch, requests, timeout))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"steps": steps}


def _query_command(item: Bound, cwd: Path, extra: list[str]) -> list[str]:
    fmt = "csv" if item.query.form in ("select", "ask") else "ntriples"  # CONSTRUCT gives a graph
    command = [*CLI, "query", item.name, "--format", fmt, "--max-rows", "10000000", "-o",
               str(cwd / f"answer.{fmt}"), *extra]
    for name, value in item.params.items():
        command += ["-p", f"{name}={value}"]
    return command


def _timed(command: list[str], cwd: Path) -> tuple[float, float, str | None]:
    """Wall seconds and CPU-seconds of one command (the CPU figure holds on a busy machine), and its error
    (None when it succeeded). Answers the release keeps (phoihop.answers) go to the scratch folder, so the
    first run of a query is a cold one."""
    env = {**os.environ, "PHOIHOP_CACHE_DIR": str(cwd / "answers")}
    cpu = children()[0]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)
    wall = time.perf_counter() - start
    return wall, children()[0] - cpu, f"exit {done.returncode}: {done.stderr.strip()[-200:]}" if done.returncode \
        else None


def cli_query(item: Bound, cwd: Path, extra: list[str]) -> dict:
    """`phoihop query NAME -p …` end to end, QUERY_RUNS times: every wall time, the first (cold: the query
    runs), the median (warm: from the store, the release's kept answer; from a graph file, the query again)."""
    walls = []
    for _ in range(QUERY_RUNS):
        wall, _, error = _timed(_query_command(item, cwd, extra), cwd)
        if error:
            return {"error": error}
        walls.append(wall)
    return {"seconds": statistics.median(walls), "first": walls[0], "runs": walls, "query": item.name}


def cli_every_query(bound: list[Bound], cwd: Path) -> dict:
    """Every bound named query through `phoihop query` on the release's store: cold (the query runs on the
    on-disk store) and warm (asked again: the kept answer), wall seconds each; the slowest of each and how
    many take longer than TARGET_WALL."""
    cold: dict[str, float] = {}
    warm: dict[str, float] = {}
    cpu: dict[str, list[float]] = {}
    for item in bound:
        if item.is_check:
            continue
        for walls in (cold, warm):
            wall, seconds, error = _timed(_query_command(item, cwd, []), cwd)
            if error:
                return {"error": f"{item.name}: {error}"}
            walls[item.name] = wall
            cpu.setdefault(item.name, []).append(seconds)
    slowest = max(cold, key=cold.get)
    return {"seconds": cold[slowest], "query": slowest, "warm": max(warm.values()),
            "cold_cpu": max(c[0] for c in cpu.values()), "warm_cpu": max(c[1] for c in cpu.values()),
            "over_cold": sorted(n for n, w in cold.items() if w > TARGET_WALL),
            "over_warm": sorted(n for n, w in warm.items() if w > TARGET_WALL), "cold": cold, "warm_each": warm,
            "cpu_cold_warm": cpu}


def serve_figures(bound: list[Bound], cwd: Path, requests: int, timeout: float) -> dict:
    """`phoihop serve` on the release: start-up, each bound query's median over HTTP, then the mixed load."""
    import load_serve

    steps: dict = {}
    port = free_port()
    url = f"http://{HOST}:{port}/sparql"
    with load_serve.server(None, port, timeout, 2, cwd=cwd) as started:
        steps["serve: first answer"] = {"seconds": started.first_answer}
        steps["serve: graph in memory"] = {"seconds": started.in_memory}
        medians, errors = {}, []
        with httpx.Client(timeout=timeout + 5) as client:
            for item in bound:
                walls = []
                for run in range(3):
                    start = time.perf_counter()
                    accept = load_serve.JSON if item.query.form in ("select", "ask") else load_serve.NTRIPLES
                    response = client.post(url, data={"query": load_serve.uncached(item.text, run)},
                                           headers={"Accept": accept})
                    walls.append(time.perf_counter() - start)
                    if response.status_code != 200:
                        errors.append(f"{item.name}: HTTP {response.status_code}")
                        break
                medians[item.name] = statistics.median(walls)
        slowest = max(medians, key=medians.get)
        steps["serve: slowest named query median over HTTP"] = {"seconds": medians[slowest], "query": slowest,
                                                                "errors": errors, "medians": medians}
        jobs = load_serve.mixed_jobs(bound, requests, 0.7, 3, seed=1)
        result = load_serve.run_load(url, jobs, 8, timeout, started.process)
    good = result["classes"].get("good", {})
    bad = sum(len(c["unexpected"]) for c in result["classes"].values())
    steps["serve: mixed load, 8 clients"] = {
        "seconds": result["seconds"], "requests": sum(c["requests"] for c in result["classes"].values()),
        "good_p50": good.get("p50"), "good_p99": good.get("p99"), "good_errors": len(good.get("unexpected", [])),
        "unexpected": bad, "still_up": result["still_up"]}
    return steps


def user_rows(key: str) -> list[tuple[str, Callable[[dict], str]]]:
    """The table rows of this phase for benchmarks/run.py: (label, a size's record -> cell)."""
    def cell(step: str, *fields: str, unit: str = "s") -> Callable[[dict], str]:
        def text(record: dict) -> str:
            phase = record.get("user", {})
            figures = phase.get("steps", {}).get(step)
            if not figures or "error" in figures:
                return str((figures or {}).get("error") or phase.get("error") or "n/a")[:40]
            return " / ".join(_number(figures.get(f), unit) for f in fields or ("seconds",))
        return text

    def with_query(step: str) -> Callable[[dict], str]:
        return lambda r: f"{cell(step)(r)} ({r.get('user', {}).get('steps', {}).get(step, {}).get('query', '?')})"
    build, load = "phoihop build (command)", "serve: mixed load, 8 clients"
    every = "phoihop query, every named query (store)"
    return [
        ("`phoihop build` command: wall s / CPU-s / peak MB", lambda r: cell(build, "seconds", "cpu_seconds")(r)
         + " / " + cell(build, "peak_mb", unit="n")(r)),
        (f"`phoihop query {key}` from the release store: first / median wall, s",
         cell("phoihop query (store)", "first", "seconds")),
        (f"`phoihop query {key} --graph phoihop.trig`: first / median wall, s",
         cell("phoihop query (graph file in memory)", "first", "seconds")),
        ("`phoihop query`, every named query from the release store: slowest cold / warm wall, s",
         lambda r: cell(every, "seconds", "warm")(r) + f" ({_step(r, every).get('query', '?')})"),
        ("`phoihop query`, every named query: most CPU-seconds cold / warm", cell(every, "cold_cpu", "warm_cpu")),
        (f"`phoihop query`, named queries over {TARGET_WALL} s: cold / warm", lambda r: " / ".join(
            ", ".join(_step(r, every).get(k, [])) or "none" for k in ("over_cold", "over_warm"))),
        ("`phoihop serve`: first answer / graph in memory, s after start", lambda r: cell("serve: first answer")(r)
         + " / " + cell("serve: graph in memory")(r)),
        ("`phoihop serve`: slowest named query, median over HTTP, s",
         with_query("serve: slowest named query median over HTTP")),
        ("`phoihop serve`: mixed load: requests / errors on good queries", cell(load, "requests", "good_errors",
                                                                                  unit="n")),
        ("`phoihop serve`: mixed load: good queries p50 / p99, s", cell(load, "good_p50", "good_p99")),
    ]


def _step(record: dict, step: str) -> dict:
    return record.get("user", {}).get("steps", {}).get(step) or {}


def _number(value, unit: str) -> str:
    if not isinstance(value, int | float):
        return "n/a"
    if unit == "n":
        return f"{value:,.0f}"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"
