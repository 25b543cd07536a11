"""The curated graph of the twelve dev texts (data/<dev stem>.ttl) against their gold annotations.

`phoihop eval` (the library's reading of the gold, as check_gold.py reads it) on the built graph, per dev
gold file, holds the recall bar of tests/fixtures/curated/dev-acceptance.csv; the strict scorer runs in CI
through benchmarks/curated_dev.py. Skips with a message where ../shared is absent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from phoihop.build import build
from phoihop.evaluate import evaluate

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "curated_dev.py"
sys.path.insert(0, str(SCRIPT.parent))
from curated_dev import BARS, read_bars  # noqa: E402

pytestmark = pytest.mark.seeds


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Path:
    """The curated graph of data/, built once."""
    out = tmp_path_factory.mktemp("dist")
    build(None, out)
    return out / "phoihop.ttl"


def test_every_dev_gold_file_has_bars_and_a_data_file(shared) -> None:
    texts = {p.stem for p in (shared / "dev" / "texts").glob("*.txt")}
    golds = {p.stem for p in (shared / "dev" / "gold").glob("*.json")}
    assert texts == golds and len(texts) == 12
    assert {name.removesuffix(".txt") for name in read_bars(BARS)} == golds
    assert all((ROOT / "data" / f"{stem}.ttl").is_file() for stem in texts)


def test_known_gaps_say_why() -> None:
    for name, row in read_bars(BARS).items():
        below = float(row["check_min"]) < 98 or float(row["f1_min"]) < 95
        assert below == bool(row["reason"].strip()), name


def test_each_dev_file_holds_its_recall_bar(shared, graph) -> None:
    bars = read_bars(BARS)
    under = {}
    for gold in sorted((shared / "dev" / "gold").glob("*.json")):
        text = f"{gold.stem}.txt"
        overall = evaluate(gold, [graph], {text}).overall
        if overall < float(bars[text]["check_min"]):
            under[text] = overall
    assert under == {}


@pytest.mark.parametrize(("args", "code", "says"), [
    (["--shared", "/nonexistent/shared"], 0, "skipped:"),
    (["--graph", "/nonexistent/phoihop.ttl"], 2, "no such graph"),
])
def test_acceptance_script_edges(shared, args, code, says) -> None:
    """Without ../shared it skips saying so; without a built graph it says what to run (one line)."""
    result = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False)
    assert result.returncode == code
    assert says in result.stdout + result.stderr and "Traceback" not in result.stderr
