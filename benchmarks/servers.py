"""Servers the benchmarks start on loopback: a free port, and a stop that cannot leave one running.

Shared by load_serve.py (`phoihop serve`) and scale_out.py (the Oxigraph server, Virtuoso) so both wait for
and stop their processes the same way: poll until ready (an HTTP error is "not yet"), the polite signal
first, then SIGKILL after a grace period.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import time
from collections.abc import Callable

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen, polite: signal.Signals = signal.SIGTERM, grace: float = 30) -> None:
    """Stop a server by its own process id: `polite` (SIGINT is Ctrl-C), then SIGKILL after `grace` s."""
    if process.poll() is not None:
        return
    process.send_signal(polite)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until(ready: Callable[[], bool], process: subprocess.Popen, seconds: float, interval: float) -> float:
    """Poll `ready` until it holds and return perf_counter() then; an HTTP error counts as not ready.
    Raises RuntimeError when the process exits first or after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if ready():
                return time.perf_counter()
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready within {seconds:g} s")
        time.sleep(interval)
