"""Progress on stderr: drawn on a terminal, absent on a pipe, with -q or with PHOIHOP_PROGRESS=0."""

from __future__ import annotations

import io
import logging
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from phoihop import progress
from phoihop.cli import cli
from phoihop.resources import ontology_files

FIXTURES = [*ontology_files(), Path(__file__).parent / "fixtures" / "network" / "data.ttl"]
INPUT_OPTIONS = [arg for path in FIXTURES for arg in ("--input", str(path))]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch):
    """Call it in the test itself: pytest puts its own stderr back after a fixture's setup."""
    def on_terminal() -> Terminal:
        screen = Terminal()
        monkeypatch.setattr("sys.stderr", screen)
        monkeypatch.delenv("PHOIHOP_PROGRESS", raising=False)
        logging.getLogger().setLevel(logging.INFO)
        return screen
    return on_terminal


def test_steps_draw_a_bar_on_a_terminal(terminal):
    screen = terminal()
    items = list(progress.steps(["a.txt", "b.txt", "c.txt"], "ingest", unit="file", describe=str))
    assert items == ["a.txt", "b.txt", "c.txt"]
    shown = screen.getvalue()
    assert "ingest:" in shown and "/3" in shown and "c.txt" in shown and shown.endswith("\r")  # cleared


@pytest.mark.parametrize("stream, env, level", [
    (io.StringIO(), None, logging.INFO),  # a pipe or a file
    (Terminal(), "0", logging.INFO),  # switched off
    (Terminal(), None, logging.ERROR),  # phoihop -q
])
def test_steps_stay_silent_otherwise(monkeypatch, stream, env, level):
    monkeypatch.setattr("sys.stderr", stream)
    if env is None:
        monkeypatch.delenv("PHOIHOP_PROGRESS", raising=False)
    else:
        monkeypatch.setenv("PHOIHOP_PROGRESS", env)
    logging.getLogger().setLevel(level)
    assert list(progress.steps(range(3), "export")) == [0, 1, 2] and stream.getvalue() == ""


def test_activity_shows_the_time_and_the_last_message(terminal, monkeypatch):
    monkeypatch.setattr(progress, "REFRESH_SECONDS", 0.05)
    screen = terminal()
    with progress.activity("build"):
        logging.getLogger("phoihop.build").info("validation: conforms; 21 check queries, 0 failed (3.10 s)")
        time.sleep(0.2)
    shown = screen.getvalue()
    assert "build 00:00, validation: conforms" in shown


def test_the_command_prints_no_progress_into_a_pipe(tmp_path):
    result = CliRunner().invoke(cli, ["export", *INPUT_OPTIONS, "--graph", "citation", "--format", "json",
                                      "--format", "dot", "--out", str(tmp_path)])
    assert result.exit_code == 0 and "\r" not in result.output and "export:" not in result.output
