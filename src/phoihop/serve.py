"""`phoihop serve`: a read-only SPARQL 1.1 Protocol endpoint over pyoxigraph, with a query page at `/`.

pyoxigraph cannot cancel a running query from Python, so queries do not run in the web server: a few
worker processes open a read-only on-disk copy of the graph and answer one query at a time. A query
past the time limit gets 503 and its worker is killed and replaced, so no query can stall the endpoint;
the pool size bounds concurrency, and the copy on disk is shared through the page cache, not duplicated.
Starlette and uvicorn speak HTTP; this module only decides what to answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import math
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs

import pyoxigraph as ox

from .atomic import output_errors, process_alive
from .errors import InputError, UsageError
from .query import list_queries
from .query_page import page_html
from .release import built_graph_files
from .results import GRAPH_FORMATS, MEDIA_TYPES, ResultTooLarge, answer_from_ox
from .sandbox import forbid_network
from .sparql import UPDATE_FORMS, check_limits, federated, parse_error, query_form, run_deep, star_order
from .store import expand_inputs, load_files

log = logging.getLogger("phoihop.serve")

RESULT_CHOICES = ["json", "xml", "csv", "tsv"]  # SPARQL result formats, preferred first (for */*)
GRAPH_CHOICES = list(GRAPH_FORMATS)
EXTRA_MEDIA = {"application/json": "json", "application/xml": "xml", "text/xml": "xml",
               "text/plain": "ntriples", "application/x-turtle": "turtle"}


@dataclass(frozen=True)
class Limits:
    """What one request may cost: seconds, result rows, query characters; and how many run at once."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_query_chars: int = 20_000
    workers: int = 2


class Answer(NamedTuple):
    status: int
    content_type: str
    body: bytes


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


# --- content negotiation --------------------------------------------------------------------------------


def negotiate(accept: str | None, graph: bool) -> str | None:
    """The best format for an Accept header among those offered for this kind of result (None: 406)."""
    choices = GRAPH_CHOICES if graph else RESULT_CHOICES
    media_of = {fmt: MEDIA_TYPES[fmt] for fmt in choices}
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((accept or "*/*").split(",")):
        media, *options = [part.strip() for part in item.split(";")]
        quality = 1.0
        for option in options:
            key, _, value = option.partition("=")
            if key.strip() == "q":
                with contextlib.suppress(ValueError):
                    quality = float(value)
        media = media.lower()
        if quality <= 0:
            continue
        if media in ("*/*", "") or (media.endswith("/*") and
                                    any(m.startswith(media[:-1]) for m in media_of.values())):
            prefix = media[:-1] if media.endswith("/*") and media != "*/*" else ""
            fmt = next(f for f in choices if media_of[f].startswith(prefix))
        else:
            fmt = next((f for f, m in media_of.items() if m == media), None) or EXTRA_MEDIA.get(media)
            if fmt not in choices:
                continue
        ranked.append((-quality, position, fmt))
    return min(ranked)[2] if ranked else None


# --- what a worker process does -----------------------------------------------------------------------


def execute(store: ox.Store, text: str, accept: str | None, limits: Limits,
            default_graphs: Sequence[str] = (), named_graphs: Sequence[str] = ()) -> Answer:
    """Check and run one query and serialise its answer, within the row limit; errors become HTTP answers.

    Runs in a worker process: the checks that cost more than a glance (nesting, SERVICE in the algebra)
    are here, where the time limit bounds them, not in the web server's event loop."""
    form = query_form(text)
    graph = form in ("construct", "describe")
    fmt = negotiate(accept, graph)
    if fmt is None:
        offered = ", ".join(MEDIA_TYPES[f] for f in (GRAPH_CHOICES if graph else RESULT_CHOICES))
        return _text(406, f"cannot answer in {accept}; this query can be answered as: {offered}")
    try:
        check_limits(text, "query", limits.max_query_chars)
    except InputError as err:
        return _text(400, _located(err))
    if federated(text):
        return _text(403, "this endpoint does not run federated queries (SERVICE)")
    options: dict = {"use_default_graph_as_union": not default_graphs}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        answer = answer_from_ox(store.query(text, **options), form)
        results = answer.reordered(star_order(text, answer.variables)).results(limits.max_rows)
    except ResultTooLarge as err:
        return _text(422, f"{err} (the limit of this endpoint); narrow the query or page through it "
                          "with LIMIT and OFFSET")
    except SyntaxError as err:
        return _text(400, _located(parse_error(err, text)))
    except (OSError, ValueError) as err:
        return _text(400, f"query failed: {err}")
    return Answer(200, f"{MEDIA_TYPES[fmt]}; charset=utf-8", results.serialize(fmt).encode("utf-8"))


def _located(err: InputError) -> str:
    """An error about the query as `line:column: message`, as the command line prints it after a file name."""
    return f"{err.line}:{err.column}: {err.message}" if err.line else err.message


def worker_main(conn, store_path: str, limits: Limits) -> None:
    """A worker process: wall itself off from the network, open the read-only store, say ready (and
    whether the wall stands), then answer jobs until the pipe closes. A query runs on a thread with a deep
    stack; an unexpected error answers 500 and the worker carries on."""
    unsandboxed = forbid_network()
    store = ox.Store.read_only(store_path)
    federated("SELECT * { SERVICE <urn:x:warm-up> {} }")  # loads rdflib's parser now, not on a client's time
    conn.send(("ready", unsandboxed))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = run_deep(lambda job=job: execute(store, *job[:2], limits, *job[2:]))
        except Exception as err:  # a bug: the client learns it, the worker stays
            answer = _text(500, f"internal error: {type(err).__name__}: {err}")
        conn.send(answer)


# --- the pool of workers ------------------------------------------------------------------------------


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context, store_path: str, limits: Limits):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, store_path, limits), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float) -> bool:
        """Whether the worker started; says once if it could not wall itself off from the network."""
        if not self.conn.poll(seconds):
            return False
        status, unsandboxed = self.conn.recv()
        if unsandboxed:
            log.warning("query workers can open network connections (%s); SERVICE is still refused by "
                        "the query check", unsandboxed)
        return status == "ready"

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Worker processes handed out one query at a time; a late or dead worker is replaced."""

    def __init__(self, store_path: str, limits: Limits):
        self.store_path = store_path
        self.limits = limits
        self.context = multiprocessing.get_context("spawn")
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()

    async def start(self) -> None:
        await asyncio.gather(*(self._add() for _ in range(self.limits.workers)))

    async def _add(self) -> None:
        worker = Worker(self.context, self.store_path, self.limits)
        self.workers.add(worker)
        if await asyncio.to_thread(worker.wait_ready, 120.0):
            self.idle.put_nowait(worker)
        else:
            log.error("a query worker did not start")
            self._drop(worker)

    def _drop(self, worker: Worker) -> None:
        self.workers.discard(worker)
        worker.kill()

    def _replace(self, worker: Worker) -> None:
        self._drop(worker)
        task = asyncio.get_running_loop().create_task(self._add())
        task.add_done_callback(lambda t: t.exception() and log.error("replacing a worker: %s", t.exception()))

    async def run(self, job: tuple) -> Answer:
        try:
            worker = await asyncio.wait_for(self.idle.get(), timeout=self.limits.timeout)
        except TimeoutError:
            return _text(503, "the endpoint is busy: no query slot came free within "
                              f"{self.limits.timeout:g} s")
        try:
            worker.conn.send(job)
            if not await asyncio.to_thread(worker.conn.poll, self.limits.timeout):
                self._replace(worker)
                return _text(503, f"the query ran past the time limit of this endpoint "
                                  f"({self.limits.timeout:g} s) and was stopped")
            answer = await asyncio.to_thread(worker.conn.recv)
        except (EOFError, OSError) as err:
            self._replace(worker)
            return _text(500, f"the query worker failed ({type(err).__name__}); "
                              "the query may need too much memory")
        except BaseException:  # cancelled mid-query (shutdown, client gone): the worker may still be busy
            self._replace(worker)
            raise
        self.idle.put_nowait(worker)
        return answer

    def stop(self) -> None:
        for worker in list(self.workers):
            self._drop(worker)


# --- the web application ------------------------------------------------------------------------------


def prepare_store(paths: Sequence[str | Path] | None, folder: Path) -> str:
    """Bulk-load the graph into an on-disk store in `folder` that the workers open read-only."""
    files = expand_inputs(paths) if paths else built_graph_files()
    with output_errors(folder):
        store = ox.Store(str(folder))
    load_files(files, store, bulk=True)
    with output_errors(folder):
        store.flush()
    count = len(store)
    del store
    gc.collect()  # release the writer's lock before the workers open the store
    log.info("serving %d quads from %s", count, ", ".join(map(str, files)))
    return str(folder)


def _is_iri(text: str) -> bool:
    """Whether pyoxigraph takes the text for an absolute IRI (as the query workers will)."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


async def _read_body(request, limit: int) -> bytes | None:
    """The request body, or None once it passes `limit` bytes (so a huge POST is never held in memory)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _answer(request, limits: Limits, pool: WorkerPool) -> Answer:
    """What one /sparql request gets: refused here when the request is malformed, too long or an update,
    else the answer of a query worker."""
    if request.method in ("GET", "HEAD"):
        params = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
    else:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            return _text(403, "this endpoint is read-only: SPARQL updates are refused")
        body = await _read_body(request, 4 * limits.max_query_chars)
        if body is None:
            return _text(413, f"the request is too large (queries are limited to "
                              f"{limits.max_query_chars} characters)")
        try:
            decoded = body.decode("utf-8")
        except UnicodeDecodeError:
            return _text(400, "the request body is not UTF-8")
        if media == "application/sparql-query":
            params = {k: request.query_params.getlist(k) for k in request.query_params.keys()}
            params["query"] = [decoded]
        elif media == "application/x-www-form-urlencoded":
            params = parse_qs(decoded, keep_blank_values=True)
        else:
            return _text(415, "send the query as application/sparql-query or "
                              "application/x-www-form-urlencoded (query=...)")
    if "update" in params:
        return _text(403, "this endpoint is read-only: SPARQL updates are refused")
    queries = params.get("query", [])
    if len(queries) != 1:
        return _text(400, "give exactly one query parameter (SPARQL 1.1 Protocol)")
    text = queries[0]
    if len(text) > limits.max_query_chars:
        return _text(413, f"the query is too long: {len(text)} characters, the limit is "
                          f"{limits.max_query_chars}")
    if query_form(text) in UPDATE_FORMS:
        return _text(403, "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, "
                          "DROP, ...) are refused")
    for key in ("default-graph-uri", "named-graph-uri"):
        bad = next((g for g in params.get(key, []) if not _is_iri(g)), None)
        if bad is not None:
            return _text(400, f"{key}: not an IRI: {bad[:200]!r}")
    job = (text, request.headers.get("accept"), params.get("default-graph-uri", []),
           params.get("named-graph-uri", []))
    return await pool.run(job)


def create_app(store_path: str, limits: Limits = Limits(), owned: Path | None = None):
    """The Starlette app: /sparql (SPARQL 1.1 Protocol, read-only), / (query page), /queries (the library).

    `owned` is a folder removed at shutdown (uvicorn ends the process by re-raising SIGTERM/SIGINT
    after the lifespan has finished, so this is the last place where cleaning up is sure to run).
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    pool = WorkerPool(store_path, limits)

    async def sparql(request) -> Response:
        answer = await _answer(request, limits, pool)
        return Response(answer.body, status_code=answer.status, media_type=answer.content_type)

    async def page(request) -> Response:
        return HTMLResponse(page_html())  # phoihop.query_page: the SPARQL editor, built once

    async def queries(request) -> Response:
        return JSONResponse([{"name": q.name, "title": q.title, "question": q.question,
                              "question_vi": q.question_vi, "form": q.form, "text": q.text,
                              "parameters": [p.__dict__ for p in q.parameters]} for q in list_queries()])

    async def not_allowed(request) -> Response:
        return PlainTextResponse("this endpoint is read-only", status_code=403)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await pool.start()
        try:
            yield
        finally:
            pool.stop()
            if owned is not None:
                shutil.rmtree(owned, ignore_errors=True)

    routes = [Route("/", page), Route("/queries", queries), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/sparql", not_allowed, methods=["PUT", "DELETE", "PATCH"])]
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                             allow_headers=["Accept", "Content-Type"], max_age=3600)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def serve(graphs: Sequence[str | Path] | None = None, host: str = "127.0.0.1", port: int = 7878,
          limits: Limits = Limits()) -> None:
    """Load the graph, start the workers and serve until interrupted; the on-disk copy is removed after."""
    import socket

    import uvicorn

    if limits.workers < 1 or not 0 < limits.timeout < math.inf or limits.max_rows < 1 or limits.max_query_chars < 1:
        raise UsageError("--workers, --timeout, --max-rows and --max-query-chars must be positive numbers")
    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    try:  # fail before loading the graph when the address is taken
        with socket.create_server((host, port)):
            pass
    except OSError as err:
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    _remove_stale_copies(Path(tempfile.gettempdir()))
    folder = Path(tempfile.mkdtemp(prefix=f"{COPY_PREFIX}{os.getpid()}-"))
    try:
        app = create_app(prepare_store(graphs, folder / "store"), limits, owned=folder)
        log.warning("SPARQL endpoint at http://%s:%d/sparql (query page at /)", host, port)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


COPY_PREFIX = "phoihop-serve-"


def _remove_stale_copies(tmp: Path) -> None:
    """Store copies of endpoints that were killed (kill -9, a crash) before they could remove them: the
    folder names carry the process id."""
    with contextlib.suppress(OSError):
        for folder in tmp.glob(f"{COPY_PREFIX}*-*"):
            pid = folder.name[len(COPY_PREFIX):].split("-", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
                log.info("removing %s, left by a stopped endpoint", folder)
                shutil.rmtree(folder, ignore_errors=True)
