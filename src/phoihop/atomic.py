"""Atomic file output: write beside the target, then rename, so a crash never leaves half a file."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import UsageError


def new_file_mode() -> int:
    """0666 & ~umask: the mode open() gives a new file. mkstemp's temp files are 0600, too private for
    outputs others read (dist/, docs/img/), so whoever renames a temp file into place applies this."""
    return 0o666 & ~_umask()


def _umask() -> int:
    """The process umask. Linux shows it in /proc/self/status, without changing it; elsewhere it can only
    be read by setting it and putting it back."""
    with contextlib.suppress(OSError, StopIteration, ValueError):
        status = Path("/proc/self/status").read_text(encoding="ascii")
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("Umask:")), 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def output_errors(path: str | Path) -> Iterator[None]:
    """An output that cannot be written (a folder in its place, no permission, a read-only disk) is the
    user's to fix: one UsageError naming it (exit 2), not a crash."""
    try:
        yield
    except OSError as err:
        raise UsageError(f"cannot write here: {err.strerror or err}", path=path) from None


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temp file in the target's folder; on success rename it over the target, else delete it.

    The file gets the mode a plain open() would give a new file (0666 & ~umask), not mkstemp's 0600.
    A path of '-' writes to stdout instead (Unix-filter style).
    """
    if str(path) == "-":
        stream = sys.stdout.buffer if "b" in mode else sys.stdout
        yield stream
        stream.flush()
        return
    target = Path(path)
    with output_errors(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            os.chmod(tmp, new_file_mode())
            yield handle
            with output_errors(target):
                handle.flush()
                os.fsync(handle.fileno())
        with output_errors(target):
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
