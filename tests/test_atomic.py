"""Atomic writes: a failure part-way leaves the old file intact and no temp file behind."""

from __future__ import annotations

import os

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


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_file_gets_the_umask_mode(tmp_path, umask, expected) -> None:
    """Outputs are readable as any plain file would be, not left at mkstemp's private 0600."""
    previous = os.umask(umask)
    try:
        with atomic_write(tmp_path / "out.ttl") as handle:
            handle.write("data")
    finally:
        os.umask(previous)
    assert (tmp_path / "out.ttl").stat().st_mode & 0o777 == expected
