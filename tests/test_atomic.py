"""Atomic writes: a failure part-way leaves the old file intact and no temp file behind."""

from __future__ import annotations

import pytest

from phoihop.atomic import atomic_write


def test_success_replaces(tmp_path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    with atomic_write(target) as handle:
        handle.write("new")
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_failure_keeps_old_and_cleans_up(tmp_path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_dash_writes_stdout(capsys) -> None:
    with atomic_write("-") as handle:
        handle.write("to stdout")
    assert capsys.readouterr().out == "to stdout"
