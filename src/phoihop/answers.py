"""Answers of `phoihop query` kept per release, so a query asked again of the same release is not run again.

A release never changes once published (`phoihop.release`), so an answer written from it stays true for as
long as that release exists: the key is the SHA-256 of the release's manifest (which lists every file with
its checksum), the bound query text, the output format, the row limit, the table width and phoihop's
version. Nothing is kept for graph files named on the command line or for endpoints, whose contents may
change under the same name.

Why a cache at all: at national scale the release's on-disk store answers the heaviest named queries in
1-5 s (RocksDB reads cost 2-7x the in-memory store's), and loading the graph into memory costs more than
that. A researcher who runs the same query again (a script, a notebook, a tweak of the output format
downstream) gets it from here in milliseconds. `phoihop export` keeps the rows of its network queries the
same way (`network.KeptRows`): a second export of the release, in another format or with other filters,
reads no graph.

Files live in $PHOIHOP_CACHE_DIR, else $XDG_CACHE_HOME/phoihop/answers, else ~/.cache/phoihop/answers, one
folder per release; answers of the KEEP most recently used releases are kept. A cache that cannot be
read or written is skipped (logged), never an error: it only ever saves time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from . import __version__
from .atomic import atomic_write
from .errors import UsageError

log = logging.getLogger("phoihop.answers")

KEEP = 3  # releases whose answers are kept
MAX_CHARS = 32 * 1024 * 1024  # an answer larger than this is written but not kept
_HEADER = "phoihop-answer"


def cache_root() -> Path:
    """Where answers are kept (see the module's docstring)."""
    if os.environ.get("PHOIHOP_CACHE_DIR"):
        return Path(os.environ["PHOIHOP_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "phoihop" / "answers"


class _Tee:
    """Writes through to `out` and keeps a copy of what was written, up to MAX_CHARS."""

    def __init__(self, out: IO[str]):
        self.out = out
        self.parts: list[str] | None = []
        self.size = 0

    def write(self, text: str) -> int:
        if self.parts is not None:
            self.size += len(text)
            if self.size > MAX_CHARS:
                self.parts = None  # too large to keep: written through only
            else:
                self.parts.append(text)
        return self.out.write(text)

    def __getattr__(self, name: str):
        return getattr(self.out, name)


class Answers:
    """The kept answers of one release (`folder` holds its manifest.json)."""

    def __init__(self, release: Path, root: Path | None = None):
        manifest = Path(release) / "manifest.json"
        self.release = hashlib.sha256(manifest.read_bytes()).hexdigest()[:32]
        self.folder = (root or cache_root()) / self.release

    @classmethod
    def of(cls, release: Path) -> Answers | None:
        """The kept answers of the release in `release`, or None when it has no manifest to key them on."""
        try:
            return cls(release)
        except OSError as err:
            log.debug("no answer cache for %s: %s", release, err)
            return None

    def path(self, text: str, fmt: str | None, max_rows: int | None = None, width: int | None = None) -> Path:
        """Where the answer to `text` in `fmt` (with that row limit and table width) is kept."""
        key = "\x00".join([__version__, text, str(fmt), str(max_rows), str(width)])
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()}.txt"

    def write(self, key: Path, out: IO[str], run: Callable[[IO[str]], int]) -> int:
        """The kept answer written to `out` (returns its row count), or else `run(out)`'s, which is kept."""
        kept = self.read(key)
        if kept is not None:
            log.info("answer kept from an earlier run on this release (%s)", key.name[:12])
            out.write(kept[1])  # read whole first: an error writing `out` is the caller's, never a re-run
            return kept[0]
        tee = _Tee(out)
        count = run(tee)  # a query that fails or is refused raises here: nothing is kept
        if tee.parts is not None:
            self.keep(key, count, tee.parts)
        return count

    def read(self, key: Path) -> tuple[int, str] | None:
        """The row count and text of a kept answer, or None (none kept, unreadable or not one of ours)."""
        try:
            with key.open(encoding="utf-8", newline="") as handle:
                header, _, text = handle.read().partition("\n")
            os.utime(self.folder)  # recently used: kept by _prune
        except (OSError, UnicodeDecodeError):
            return None
        tag, _, count = header.partition(" ")
        return (int(count), text) if tag == _HEADER and count.isdigit() else None

    def keep(self, key: Path, count: int, parts: Iterable[str]) -> None:
        """Keep an answer of `count` rows under `key`; a cache that cannot be written is skipped."""
        try:
            key.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(key) as handle:
                handle.write(f"{_HEADER} {count}\n")
                handle.writelines(parts)
            self._prune()
        except (OSError, UsageError) as err:  # atomic_write says why as a UsageError
            log.debug("answer not kept: %s", err)

    def _prune(self) -> None:
        """Keep the answers of the KEEP most recently used releases."""
        folders = sorted((p for p in self.folder.parent.iterdir() if p.is_dir()),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[KEEP:]:
            if old != self.folder:
                shutil.rmtree(old, ignore_errors=True)
