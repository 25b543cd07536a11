"""File output that never loses a user's file: atomic replacement of regular files, write-through for
links, devices and pipes, and one clear error when the disk is full.

- A regular file is written beside the target and renamed over it, so a crash never leaves half a file;
  the temp file's name carries the writer's process id, so the next write removes what a killed one left.
- A symbolic link is written through: its target is replaced, the link stays a link.
- A character device (/dev/null, a terminal) or a FIFO is written directly: a temp file renamed over it
  would replace the device or the pipe with a plain file. Anything else that is not a file is refused.
- An output that is one of the command's inputs is refused before anything is read or written.
- Writing errors (no space left, quota, read-only disk) are UsageErrors naming the output (exit 2); a
  reader that went away (EPIPE) stays a BrokenPipeError, which the CLI turns into exit 141.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

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


def reason(err: OSError) -> str:
    """The words of an OS error, without the "(os error 28)" that errors from native code carry."""
    return re.sub(r"\s*\(os error \d+\)$", "", err.strerror or str(err))


@contextlib.contextmanager
def output_errors(path: str | Path) -> Iterator[None]:
    """An output that cannot be written (a folder in its place, no permission, a full or read-only disk)
    is the user's to fix: one UsageError naming it (exit 2), not a crash. EPIPE passes through."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as err:
        raise UsageError(f"cannot write here: {reason(err)}", path=path) from None


def check_not_input(output: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse to write onto one of the command's inputs (the same file under any name or link)."""
    if str(output) == "-" or not os.path.exists(output):
        return
    for item in inputs:
        if str(item) != "-" and os.path.exists(item) and os.path.isfile(item) and os.path.samefile(output, item):
            raise UsageError(f"the output is one of the inputs ({item}): write it somewhere else", path=output)


class Guarded:
    """A file object whose writing errors become UsageErrors naming the output (see `output_errors`)."""

    def __init__(self, handle: IO[Any], where: str | Path):
        self._handle, self._where = handle, where

    def write(self, data):
        with output_errors(self._where):
            return self._handle.write(data)

    def flush(self) -> None:
        with output_errors(self._where):
            self._handle.flush()

    def __getattr__(self, name: str):
        return getattr(self._handle, name)


def _final_target(path: Path) -> Path:
    """Where a write to `path` lands: the end of its chain of symbolic links (a dangling link's target
    too), else the path itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _remove_stale_temps(target: Path) -> None:
    """Temp files of earlier writes to `target` whose process is gone (killed before it could clean up)."""
    with contextlib.suppress(OSError):
        for entry in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
            pid = entry.name[len(target.name) + 2:].split(".", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
                entry.unlink()


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (ours or someone else's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open the output for writing; on success it holds everything written, on failure it is unchanged.

    A path of '-' writes to stdout (Unix-filter style). See the module for links, devices and pipes.
    """
    if str(path) == "-":
        stream = sys.stdout.buffer if "b" in mode else sys.stdout
        guarded = Guarded(stream, "<stdout>")
        yield guarded
        guarded.flush()
        return
    target = _final_target(Path(path))
    try:
        kind = os.stat(target).st_mode
    except FileNotFoundError:
        kind = None
    except OSError as err:
        raise UsageError(f"cannot write here: {reason(err)}", path=path) from None
    if kind is not None and not stat.S_ISREG(kind):
        if stat.S_ISDIR(kind):
            raise UsageError("cannot write here: Is a directory", path=path)
        if not (stat.S_ISCHR(kind) or stat.S_ISFIFO(kind)):
            raise UsageError("cannot write here: not a regular file, a FIFO or a character device", path=path)
        with output_errors(path), open(target, mode, encoding=None if "b" in mode else encoding) as handle:
            guarded = Guarded(handle, path)
            yield guarded
            guarded.flush()
        return
    with output_errors(path):
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temps(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    handle = os.fdopen(fd, mode, encoding=None if "b" in mode else encoding)
    try:
        os.chmod(tmp, stat.S_IMODE(kind) if kind is not None else new_file_mode())
        yield Guarded(handle, path)
        with output_errors(path):
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):  # closing flushes again, and a full disk fails again: said above
            handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
