"""Servers the benchmarks start on loopback: a free port, and a stop that cannot leave one running.

Shared by load_serve.py (`phoihop serve`) and scale_out.py (the Oxigraph server, Virtuoso) so both stop their
processes the same way: the polite signal first, then SIGKILL after a grace period.
"""

from __future__ import annotations

import signal
import socket
import subprocess

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
