"""Progress on stderr for long work (export --format all, a build at scale, ingest of many files, push),
drawn by tqdm when stderr is a terminal; nothing at all when it is a pipe or a file, with `-q`, or with
PHOIHOP_PROGRESS=0, so logs and scripts see exactly what they saw before.

Two shapes: `steps` counts through known work (files, graphs, formats); `activity` shows a live line with
the time elapsed and the last thing logged, for work whose length is not known in advance (a build). While
either is on screen, log lines are written above it rather than through it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
REFRESH_SECONDS = 0.5
STATUS_CHARS = 70


def enabled() -> bool:
    """Whether to draw progress: stderr is a terminal, not silenced by -q, not switched off."""
    if os.environ.get("PHOIHOP_PROGRESS", "").strip() in ("0", "false", "no"):
        return False
    if logging.getLogger().getEffectiveLevel() > logging.WARNING:  # -q
        return False
    stream = sys.stderr
    return bool(getattr(stream, "isatty", None)) and stream.isatty()


def steps(items: Iterable[T], label: str, total: int | None = None, unit: str = "step",
          describe: Callable[[T], str] | None = None) -> Iterator[T]:
    """The items, one by one, with a bar `label: 3/8 [00:04<00:07, …] coordination: html` on a terminal."""
    if not enabled():
        yield from items
        return
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    with logging_redirect_tqdm(), tqdm(items, desc=label, total=total, unit=unit, file=sys.stderr, leave=False,
                                       dynamic_ncols=True) as bar:
        for item in bar:
            if describe:
                bar.set_postfix_str(describe(item), refresh=True)
            yield item


class _LastMessage(logging.Handler):
    """Puts the latest log message of the work on the progress line."""

    def __init__(self, bar):
        super().__init__(level=logging.INFO)
        self.bar = bar

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())
        self.bar.set_postfix_str(message[:STATUS_CHARS] + ("…" if len(message) > STATUS_CHARS else ""),
                                 refresh=False)


@contextlib.contextmanager
def activity(label: str) -> Iterator[None]:
    """A live line `label 00:12, <last message>` while the block runs (on a terminal only)."""
    if not enabled():
        yield
        return
    from tqdm import tqdm
    from tqdm.contrib.logging import logging_redirect_tqdm

    bar = tqdm(total=None, desc=label, bar_format="{desc} {elapsed}{postfix}", file=sys.stderr, leave=False,
               dynamic_ncols=True)
    handler = _LastMessage(bar)
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(REFRESH_SECONDS):
            bar.refresh()

    ticker = threading.Thread(target=tick, name="phoihop-progress", daemon=True)
    logging.getLogger().addHandler(handler)
    try:
        with logging_redirect_tqdm():
            ticker.start()
            yield
    finally:
        stop.set()
        ticker.join()
        logging.getLogger().removeHandler(handler)
        bar.close()
