"""Every command has help text with an example, and errors are one line with the documented exit code."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from phoihop.cli import cli

COMMANDS = sorted(cli.commands)


def test_there_are_commands() -> None:
    assert {"build", "validate", "eval"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`phoihop {name} --help` shows no example"
    assert cli.commands[name].help and len(cli.commands[name].help.strip()) > 20


def test_unreadable_input_is_one_line_exit_2(tmp_path) -> None:
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b \"unterminated .\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "broken.ttl:" in lines[0]
    assert "Traceback" not in result.output


def test_missing_built_graph_is_explained(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PHOIHOP_HOME", str(tmp_path))  # no project dist/ either
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "phoihop build" in result.output
