"""README recipes work as written (issue 14, item 21): the `phoihop validate` line of the tour, and the
Oxigraph server recipe, which returned 0 rows without --union-default-graph."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_push import OXIGRAPH
from test_serve import free_port, running

from phoihop.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DATASET = ROOT / "tests" / "fixtures" / "graph" / "dataset"


def recipe(start: str) -> list[str]:
    """The README's command line that begins with `start`, as words (its trailing comment dropped)."""
    line = next(line for line in README.splitlines() if line.startswith(start))
    return shlex.split(line, comments=True)


def test_the_validate_recipe_of_the_tour_conforms(monkeypatch) -> None:
    """`phoihop validate data/001_….ttl --owl` gave 145 violations: the file refers to other files' actors."""
    words = recipe("phoihop validate data/")
    if "--owl" in words and shutil.which("java") is None:
        words.remove("--owl")  # HermiT needs Java; the SHACL half of the recipe still runs
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, words[1:])
    assert result.exit_code == 0, result.output[-2000:]


@pytest.mark.skipif(not OXIGRAPH, reason="the Oxigraph server is not installed (pip install oxigraph)")
def test_the_oxigraph_recipe_returns_rows(tmp_path) -> None:
    port = str(free_port())
    serve = [word.replace("7879", port).replace("/srv/phoihop", str(tmp_path / "db"))
             for word in recipe("oxigraph serve")]
    push = [word.replace("7879", port) for word in recipe("phoihop push --endpoint http://127.0.0.1:7879/store")]
    query = [word.replace("7879", port) for word in recipe("phoihop query coordination-pairs --endpoint "
                                                           "http://127.0.0.1:7879")]
    with running([OXIGRAPH, *serve[1:]], f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
        pushed = subprocess.run([sys.executable, "-m", "phoihop.cli", *push[1:], str(DATASET)],
                                capture_output=True, text=True, timeout=120, check=False)
        assert pushed.returncode == 0, pushed.stderr
        answer = subprocess.run([sys.executable, "-m", "phoihop.cli", *query[1:], "--format", "csv"],
                                capture_output=True, text=True, timeout=120, check=False)
    assert answer.returncode == 0, answer.stderr
    assert len(answer.stdout.splitlines()) > 1  # a header and rows
