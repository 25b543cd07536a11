"""The query processes behind `phoihop serve`: the graph in memory, shared by forked workers.

pyoxigraph cannot cancel a running query from Python, so queries run in worker processes that can be
killed at the time limit and replaced. Where the workers' graph comes from decides the endpoint's speed:

- **In memory, shared.** A *zygote* process loads the graph into an in-memory store once, then forks a
  worker per request of the pool: a fork shares the store's pages copy-on-write, so N workers cost one
  copy of the graph, and a replacement is ready in milliseconds, not after another load. The zygote
  runs no query; each worker walls itself off from the network (`sandbox.forbid_network`) before it
  answers anything. The pipe to a forked worker reaches the web server over the zygote's control
  connection (SCM_RIGHTS), as multiprocessing's forkserver passes its pipes.
- **On disk, at once.** Loading 1M triples takes 3-4 s; a release's on-disk store (`dist/store`, the
  union graph) opens in milliseconds but answers 3-6 times slower. When the release has one, spawned
  workers answer from it while the zygote loads, and are retired once the in-memory workers are ready.
  Queries that name graphs (GRAPH, FROM, default-graph-uri) wait for the in-memory workers, which hold
  the named graphs.

This module knows nothing of SPARQL or HTTP: a `Handler` (picklable, as spawned processes receive it)
answers a job with a store, and the pool raises `Busy`, `Late` or `Lost` for the caller to put in words.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from .sandbox import forbid_network
from .store import load_files, open_read_only

log = logging.getLogger("phoihop.workers")

START_SECONDS = 600.0  # a worker or the zygote that says nothing for this long did not start
CONTEXT = multiprocessing.get_context("spawn")  # fresh interpreters: the server's threads are not copied


class Handler(Protocol):
    """What a worker does with a job; must not raise (a failure is an answer too)."""

    def warm_up(self) -> None: ...

    def __call__(self, store: ox.Store, job: Any) -> Any: ...


class Busy(Exception):
    """No worker came free within the time limit."""


class Late(Exception):
    """The job ran past the time limit; its worker was killed and is being replaced."""


class Lost(Exception):
    """The worker died while answering (out of memory, a crash); it is being replaced."""


@dataclass(frozen=True)
class Source:
    """Where the workers' graph comes from: the graph files (loaded into memory by the zygote) and, when the
    release has one, the on-disk store of their union that spawned workers answer from meanwhile."""

    files: Sequence[Path]
    store: Path | None = None


def _answer_jobs(conn: Connection, store: ox.Store, handler: Handler) -> None:
    """Answer jobs from the pipe until it closes."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(handler(store, job))


def _disk_worker(conn: Connection, folder: str, handler: Handler) -> None:
    """A spawned worker on the release's store: sandboxed, the store opened read-only, then jobs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    unsandboxed = forbid_network()
    store = open_read_only(folder)
    handler.warm_up()
    conn.send(("ready", unsandboxed))
    _answer_jobs(conn, store, handler)


def _zygote(control: Connection, files: list[str], handler: Handler) -> None:
    """Load the graph, say so, then fork a worker for every request until the control pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server stops us
    try:
        store = load_files(files)
    except Exception as err:  # told to the server, which ends with it when nothing else can answer
        control.send(("error", str(err)))
        return
    handler.warm_up()  # once here: every fork inherits the loaded parsers
    control.send(("ready", len(store)))
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    while True:
        try:
            control.recv()
        except (EOFError, OSError):  # the server is gone: so are we; the workers see their pipes close
            return
        ours, theirs = multiprocessing.Pipe()
        pid = os.fork()
        if pid == 0:
            _forked_worker(control, ours, theirs, store, handler)
        theirs.close()
        control.send(pid)
        reduction.send_handle(control, ours.fileno(), 0)
        ours.close()


def _forked_worker(control: Connection, ours: Connection, conn: Connection, store: ox.Store,
                   handler: Handler) -> None:
    """A forked worker: drop the zygote's ends, wall off the network, answer jobs, never return."""
    status = 0
    try:
        control.close()
        ours.close()
        conn.send(("ready", forbid_network()))
        _answer_jobs(conn, store, handler)
    except BaseException:  # noqa: BLE001 - a forked child must never unwind into the zygote's loop
        status = 1
    finally:
        os._exit(status)


class Worker:
    """One worker process (spawned on the store, or forked by the zygote) and the pipe to it."""

    def __init__(self, conn: Connection, pid: int, in_memory: bool, process=None):
        self.conn, self.pid, self.in_memory, self.process = conn, pid, in_memory, process

    def wait_ready(self, seconds: float) -> bool:
        """Whether the worker started; says once if it could not wall itself off from the network."""
        try:
            if not self.conn.poll(seconds):
                return False
            status, unsandboxed = self.conn.recv()
        except (EOFError, OSError):
            return False
        if unsandboxed:
            log.warning("query workers can open network connections (%s); SERVICE is still refused by "
                        "the query check", unsandboxed)
        return status == "ready"

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.join(5)
        self.conn.close()


class Zygote:
    """The process that holds the graph in memory and forks workers from it."""

    def __init__(self, files: Sequence[Path], handler: Handler):
        self.conn, child = CONTEXT.Pipe()
        self.loaded: int | None = None
        self.process = CONTEXT.Process(target=_zygote, args=(child, [str(f) for f in files], handler),
                                       daemon=True, name="phoihop-zygote")
        self.process.start()
        child.close()

    def wait_loaded(self) -> int:
        """Block until the graph is loaded; its quad count, or RuntimeError saying why it could not be."""
        if self.loaded is not None:
            return self.loaded
        try:
            if not self.conn.poll(START_SECONDS):
                raise RuntimeError(f"the graph did not load within {START_SECONDS:g} s")
            status, detail = self.conn.recv()
        except (EOFError, OSError):
            raise RuntimeError("the process loading the graph died (out of memory?)") from None
        if status != "ready":
            raise RuntimeError(detail)
        self.loaded = detail
        return detail

    def fork(self) -> Worker:
        """A new worker forked from the loaded graph (blocking; call from a thread)."""
        self.conn.send("fork")
        pid = self.conn.recv()
        return Worker(Connection(reduction.recv_handle(self.conn)), pid, in_memory=True)

    def stop(self) -> None:
        self.conn.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)


class WorkerPool:
    """`size` workers handed out one job at a time; a late or dead worker is replaced. Workers on the
    release's store answer first when there is one; in-memory workers take over once the graph is loaded."""

    def __init__(self, source: Source, handler: Handler, size: int, timeout: float, zygote: Zygote | None = None):
        self.source, self.handler, self.size, self.timeout = source, handler, size, timeout
        self.context = CONTEXT
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()
        self.zygote = zygote  # started by the caller when it wants to see the graph load first
        self.in_memory = asyncio.Event()
        self.lock = asyncio.Lock()  # one fork request at a time on the zygote's pipe
        self.loading: asyncio.Task | None = None

    async def start(self) -> None:
        """Return once the first workers answer: at once on a store, else after the graph is loaded."""
        if self.zygote is None:
            self.zygote = Zygote(self.source.files, self.handler)
        if self.source.store is not None:
            await asyncio.gather(*(self._add_disk() for _ in range(self.size)))
            self.loading = asyncio.get_running_loop().create_task(self._go_in_memory())
            self.loading.add_done_callback(_report_failure)
        else:
            await self._go_in_memory()

    async def _go_in_memory(self) -> None:
        quads = await asyncio.to_thread(self.zygote.wait_loaded)
        await asyncio.gather(*(self._add_forked() for _ in range(self.size)))
        self.in_memory.set()
        waiting = [self.idle.get_nowait() for _ in range(self.idle.qsize())]
        for worker in waiting:  # workers on the store leave now, or as they come back idle
            if worker.in_memory:
                self.idle.put_nowait(worker)
            else:
                self._drop(worker)
        log.info("%d query workers share the graph in memory (%d quads)", self.size, quads)

    async def _add_disk(self) -> None:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_disk_worker, args=(theirs, str(self.source.store), self.handler),
                                       daemon=True, name="phoihop-worker")
        process.start()
        theirs.close()
        await self._admit(Worker(ours, process.pid, in_memory=False, process=process))

    async def _add_forked(self) -> None:
        async with self.lock:
            worker = await asyncio.to_thread(self.zygote.fork)
        await self._admit(worker)

    async def _admit(self, worker: Worker) -> None:
        self.workers.add(worker)
        if await asyncio.to_thread(worker.wait_ready, START_SECONDS):
            self.idle.put_nowait(worker)
        else:
            log.error("a query worker did not start")
            self._drop(worker)

    def _drop(self, worker: Worker) -> None:
        self.workers.discard(worker)
        worker.kill()

    def _replace(self, worker: Worker) -> None:
        self._drop(worker)
        add = self._add_forked if self.in_memory.is_set() or self.source.store is None else self._add_disk
        task = asyncio.get_running_loop().create_task(add())
        task.add_done_callback(_report_failure)

    async def run(self, job: Any, needs_graphs: bool = False) -> Any:
        """The handler's answer to `job` from an idle worker; `needs_graphs`: only in-memory workers hold
        the named graphs. Raises Busy, Late or Lost."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        try:
            if needs_graphs and not self.in_memory.is_set():
                await asyncio.wait_for(self.in_memory.wait(), timeout=self.timeout)
            worker = await asyncio.wait_for(self.idle.get(), timeout=max(deadline - loop.time(), 0.001))
        except TimeoutError:
            raise Busy from None
        try:
            worker.conn.send(job)
            if not await asyncio.to_thread(worker.conn.poll, self.timeout):
                self._replace(worker)
                raise Late
            answer = await asyncio.to_thread(worker.conn.recv)
        except (EOFError, OSError):
            self._replace(worker)
            raise Lost from None
        except BaseException:  # cancelled mid-query (shutdown, client gone): the worker may still be busy
            self._replace(worker)
            raise
        if worker.in_memory or not self.in_memory.is_set():
            self.idle.put_nowait(worker)
        else:
            self._drop(worker)  # the in-memory workers have taken over
        return answer

    def stop(self) -> None:
        if self.loading is not None:
            self.loading.cancel()
        for worker in list(self.workers):
            self._drop(worker)
        if self.zygote is not None:
            self.zygote.stop()


def _report_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("query workers: %s", task.exception())
