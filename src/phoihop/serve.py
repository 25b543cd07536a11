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
import multiprocessing
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs

import pyoxigraph as ox

from .errors import UsageError
from .query import UPDATE_FORMS, default_graph_files, list_queries, query_form, uses_service
from .query_page import page_html
from .results import GRAPH_FORMATS, MEDIA_TYPES, ResultTooLarge, results_from_ox
from .store import expand_inputs, load_file

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
    """Run one query and serialise its answer, within the row limit; errors become HTTP answers."""
    form = query_form(text)
    graph = form in ("construct", "describe")
    fmt = negotiate(accept, graph)
    if fmt is None:
        offered = ", ".join(MEDIA_TYPES[f] for f in (GRAPH_CHOICES if graph else RESULT_CHOICES))
        return _text(406, f"cannot answer in {accept}; this query can be answered as: {offered}")
    options: dict = {"use_default_graph_as_union": not default_graphs}
    if default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        results = results_from_ox(store.query(text, **options), form, limits.max_rows)
    except ResultTooLarge as err:
        return _text(422, f"{err} (the limit of this endpoint); narrow the query or page through it "
                          "with LIMIT and OFFSET")
    except SyntaxError as err:
        return _text(400, f"query does not parse: {err}")
    except (OSError, ValueError) as err:
        return _text(400, f"query failed: {err}")
    return Answer(200, f"{MEDIA_TYPES[fmt]}; charset=utf-8", results.serialize(fmt).encode("utf-8"))


def worker_main(conn, store_path: str, limits: Limits) -> None:
    """A worker process: open the read-only store, say ready, then answer jobs until the pipe closes."""
    store = ox.Store.read_only(store_path)
    conn.send("ready")
    while True:
        try:
            text, accept, default_graphs, named_graphs = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(execute(store, text, accept, limits, default_graphs, named_graphs))


# --- the pool of workers ------------------------------------------------------------------------------


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context, store_path: str, limits: Limits):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, store_path, limits), daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, seconds: float) -> bool:
        return self.conn.poll(seconds) and self.conn.recv() == "ready"

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
    files = expand_inputs(paths) if paths else default_graph_files()
    store = ox.Store(str(folder))
    for path in files:
        load_file(store, path, bulk=True)
    store.flush()
    count = len(store)
    del store
    gc.collect()  # release the writer's lock before the workers open the store
    log.info("serving %d quads from %s", count, ", ".join(map(str, files)))
    return str(folder)


async def _read_body(request, limit: int) -> bytes | None:
    """The request body, or None once it passes `limit` bytes (so a huge POST is never held in memory)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


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
        answer = await _answer(request)
        return Response(answer.body, status_code=answer.status, media_type=answer.content_type)

    async def _answer(request) -> Answer:
        if request.method == "GET":
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
        if uses_service(text):
            return _text(403, "this endpoint does not run federated queries (SERVICE)")
        job = (text, request.headers.get("accept"), params.get("default-graph-uri", []),
               params.get("named-graph-uri", []))
        return await pool.run(job)

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

    if limits.workers < 1 or limits.timeout <= 0 or limits.max_rows < 1:
        raise UsageError("--workers, --timeout and --max-rows must be positive")
    try:  # fail before loading the graph when the address is taken
        with socket.create_server((host, port)):
            pass
    except OSError as err:
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    folder = Path(tempfile.mkdtemp(prefix="phoihop-serve-"))
    try:
        app = create_app(prepare_store(graphs, folder / "store"), limits, owned=folder)
        log.warning("SPARQL endpoint at http://%s:%d/sparql (query page at /)", host, port)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
