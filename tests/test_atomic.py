"""Outputs: a failure part-way leaves the old file intact and no temp file behind; links, pipes and devices
are written through, never replaced; an input is never overwritten; a full disk is a usage error."""

from __future__ import annotations

import errno
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from phoihop.atomic import atomic_write, check_not_input
from phoihop.errors import UsageError


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


# --- never destroy what -o names (issue 14, items 8, 9, 14) --------------------------------------------


def _symlink(tmp_path: Path) -> tuple[Path, Path]:
    target = tmp_path / "real.ttl"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.ttl"
    link.symlink_to("real.ttl")
    return link, target


def _chain(tmp_path: Path) -> tuple[Path, Path]:
    first, target = _symlink(tmp_path)
    outer = tmp_path / "outer.ttl"
    outer.symlink_to(first)
    return outer, target


def _dangling(tmp_path: Path) -> tuple[Path, Path]:
    link = tmp_path / "link.ttl"
    link.symlink_to(tmp_path / "sub" / "new.ttl")
    (tmp_path / "sub").mkdir()
    return link, tmp_path / "sub" / "new.ttl"


@pytest.mark.parametrize("make", [_symlink, _chain, _dangling], ids=["link", "chain-of-links", "dangling-link"])
def test_a_link_is_written_through_and_stays_a_link(tmp_path, make) -> None:
    """Item 9: -o onto a symlink replaced the link with a regular file."""
    link, target = make(tmp_path)
    with atomic_write(link) as handle:
        handle.write("new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"


def test_a_fifo_is_written_into_not_replaced(tmp_path) -> None:
    """Item 9: -o onto a FIFO replaced the pipe with a file; the reader got nothing."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    with atomic_write(fifo) as handle:
        handle.write("through the pipe")
    reader.join(30)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and got == [b"through the pipe"]


def test_a_character_device_is_written_into_not_replaced(tmp_path) -> None:
    """Item 9: as root, -o /dev/full replaced the device with a file. A link here points at the device, so a
    regression replaces the link, not the device."""
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    with atomic_write(link) as handle:
        handle.write("discarded")
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("make", ["socket", "folder"])
def test_what_is_neither_file_pipe_nor_device_is_refused(tmp_path, make) -> None:
    path = tmp_path / "odd"
    if make == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    else:
        path.mkdir()
    with pytest.raises(UsageError, match="cannot write here"), atomic_write(path) as handle:
        handle.write("x")


@pytest.mark.parametrize("through", ["direct", "atomic"])
def test_a_full_disk_is_a_usage_error_naming_the_output(tmp_path, through) -> None:
    """Item 14: a full disk on -o was exit 70 (an internal error); now exit 2, "No space left on device"."""
    if through == "direct":
        out = tmp_path / "full"
        out.symlink_to("/dev/full")
    else:  # a regular file on a disk that fails every write: simulated with a handle that raises ENOSPC
        out = tmp_path / "out.ttl"
    with pytest.raises(UsageError, match="cannot write here: No space left on device") as info:
        with atomic_write(out) as handle:
            if through == "atomic":
                handle._handle.write = _raise_enospc  # the Guarded wrapper must turn the OSError into a UsageError
            handle.write("x" * 100_000)
            handle.flush()
    assert info.value.exit_code == 2 and info.value.path == str(out)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def _raise_enospc(_data) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_an_existing_files_mode_is_kept(tmp_path) -> None:
    target = tmp_path / "private.ttl"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    with atomic_write(target) as handle:
        handle.write("new")
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_killed_writers_temp_file_is_removed_by_the_next_write(tmp_path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    left = tmp_path / f".out.ttl.{dead}.abc123.tmp"
    left.write_text("half", encoding="utf-8")
    with atomic_write(tmp_path / "out.ttl") as handle:
        handle.write("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]


@pytest.mark.parametrize("alias", ["same", "symlink", "hardlink"])
def test_an_output_that_is_an_input_is_refused(tmp_path, alias) -> None:
    """Item 8: `phoihop ingest X -o X` and `query -g G -o G` overwrote their input."""
    source = tmp_path / "input.ttl"
    source.write_text("precious", encoding="utf-8")
    out = {"same": lambda: source, "symlink": lambda: _linked(tmp_path / "alias.ttl", source),
           "hardlink": lambda: _hard(tmp_path / "alias.ttl", source)}[alias]()
    with pytest.raises(UsageError, match="the output is one of the inputs"):
        check_not_input(out, [source])
    check_not_input(tmp_path / "other.ttl", [source])  # a new file is fine
    assert source.read_text(encoding="utf-8") == "precious"


def _linked(link: Path, target: Path) -> Path:
    link.symlink_to(target)
    return link


def _hard(link: Path, target: Path) -> Path:
    os.link(target, link)
    return link
