"""`phoihop serve`: a read-only SPARQL 1.1 Protocol endpoint over pyoxigraph, with a query page at `/`.

pyoxigraph cannot cancel a running query from Python, so queries do not run in the web server: a few
worker processes answer one query at a time from the graph held in memory once and shared by fork
(`phoihop.workers`; the release's on-disk store answers while the graph loads). A query past the time
limit gets 503 and its worker is killed and replaced, so no query can stall the endpoint; the pool size
bounds concurrency. The graph never changes while it is served, so an answer given once is kept (a few
dozen MB, least recently asked first out) and the same request is answered again without a worker: on two
cores a named query asked again must not queue behind the one being computed. Starlette and uvicorn
speak HTTP; this module only decides what to answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs

import pyoxigraph as ox

from .errors import InputError, UsageError
from .query import list_queries
from .query_page import page_html
from .release import built_graph
from .results import GRAPH_FORMATS, MEDIA_TYPES, ResultTooLarge, answer_from_ox
from .sparql import (
    UPDATE_FORMS,
    check_limits,
    federated,
    names_graphs,
    parse_error,
    query_form,
    run_deep,
    star_order,
)
from .store import expand_inputs
from .workers import Busy, Late, Lost, Source, WorkerPool, Zygote

log = logging.getLogger("phoihop.serve")

RESULT_CHOICES = ["json", "xml", "csv", "tsv"]  # SPARQL result formats, preferred first (for */*)
GRAPH_CHOICES = list(GRAPH_FORMATS)
EXTRA_MEDIA = {"application/json": "json", "application/xml": "xml", "text/xml": "xml",
               "text/plain": "ntriples", "application/x-turtle": "turtle"}


@dataclass(frozen=True)
class Limits:
    """What one request may cost: seconds, result rows, query characters; and how many run at once."""

    timeout: float = 10.0
    max_rows: int = 100_000
    max_query_chars: int = 20_000
    workers: int = 2
    cache_mb: float = 64.0  # answers kept for the same request again (0: none)


class Answer(NamedTuple):
    status: int
    content_type: str
    body: bytes


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"))


class AnswerCache:
    """Successful answers by request, least recently used out first, within `capacity` bytes of bodies.

    Safe only because the served graph is read-only; an answer larger than a quarter of the budget is not
    kept (it would push out many small ones). A request that arrives while the same one is being answered
    waits for that answer instead of taking a second worker for it."""

    def __init__(self, capacity: int):
        self.capacity, self.size = capacity, 0
        self.answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self.pending: dict[Hashable, asyncio.Future] = {}

    async def answer(self, key: Hashable, compute: Callable[[], Awaitable[Answer]]) -> Answer:
        """The kept answer, else the one being computed for the same request, else `compute()`'s (kept)."""
        while (known := self.get(key)) is None and (pending := self.pending.get(key)) is not None:
            await asyncio.wait({pending})  # our own cancellation still raises here; theirs does not
            if not pending.cancelled():
                return pending.result()
        if known is not None:
            return known
        future = self.pending[key] = asyncio.get_running_loop().create_future()
        try:
            answer = await compute()
        except BaseException:
            future.cancel()  # the requests waiting on it compute their own
            raise
        finally:
            del self.pending[key]
        future.set_result(answer)
        self.put(key, answer)
        return answer

    def get(self, key: Hashable) -> Answer | None:
        answer = self.answers.get(key)
        if answer is not None:
            self.answers.move_to_end(key)
        return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        if answer.status != 200 or len(answer.body) * 4 > self.capacity or key in self.answers:
            return
        self.answers[key] = answer
        self.size += len(answer.body)
        while self.size > self.capacity:
            _, dropped = self.answers.popitem(last=False)
            self.size -= len(dropped.body)


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


@dataclass(frozen=True)
class QueryHandler:
    """What a query worker does with a job (text, Accept, default graphs, named graphs): `execute` on a
    thread with a deep stack; an unexpected error answers 500 and the worker carries on."""

    limits: Limits

    def warm_up(self) -> None:
        federated("SELECT * { SERVICE <urn:x:warm-up> {} }")  # loads rdflib's parser now, not on a client's time

    def __call__(self, store: ox.Store, job: tuple) -> Answer:
        try:
            return run_deep(lambda: execute(store, *job[:2], self.limits, *job[2:]))
        except Exception as err:  # a bug: the client learns it, the worker stays
            return _text(500, f"internal error: {type(err).__name__}: {err}")


def source_of(paths: Sequence[str | Path] | None) -> Source:
    """The given files, or the built graph with its release's store."""
    if paths:
        return Source(expand_inputs(paths))
    built = built_graph()
    return Source(built.files, built.store)


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


async def _answer(request, limits: Limits, pool: WorkerPool, cache: AnswerCache) -> Answer:
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
    key = (text, job[1], tuple(job[2]), tuple(job[3]))
    return await cache.answer(key, lambda: _run(job, limits, pool))


async def _run(job: tuple, limits: Limits, pool: WorkerPool) -> Answer:
    """A query worker's answer to the job, or why there is none."""
    graphs = bool(job[2] or job[3]) or names_graphs(job[0])
    try:
        return await pool.run(job, needs_graphs=graphs)
    except Busy:
        return _text(503, f"the endpoint is busy: no query slot came free within {limits.timeout:g} s")
    except Late:
        return _text(503, f"the query ran past the time limit of this endpoint ({limits.timeout:g} s) and was "
                          "stopped")
    except Lost:
        return _text(500, "the query worker failed; the query may need too much memory")


def create_app(source: Source, limits: Limits = Limits(), zygote: Zygote | None = None):
    """The Starlette app: /sparql (SPARQL 1.1 Protocol, read-only), / (query page), /queries (the library).

    `zygote`: the process loading `source` into memory, when the caller started it (to see it load)."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    pool = WorkerPool(source, QueryHandler(limits), limits.workers, limits.timeout, zygote)
    cache = AnswerCache(int(limits.cache_mb * 2**20))

    async def sparql(request) -> Response:
        answer = await _answer(request, limits, pool, cache)
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
        try:
            await pool.start()
            yield
        finally:
            pool.stop()

    routes = [Route("/", page), Route("/queries", queries), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/sparql", not_allowed, methods=["PUT", "DELETE", "PATCH"])]
    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                             allow_headers=["Accept", "Content-Type"], max_age=3600)]
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan)


def serve(graphs: Sequence[str | Path] | None = None, host: str = "127.0.0.1", port: int = 7878,
          limits: Limits = Limits()) -> None:
    """Start the workers and serve until interrupted: at once from the release's store when there is one
    (the graph loads into memory meanwhile), else once the given files are loaded."""
    import socket

    import uvicorn

    if limits.workers < 1 or not 0 < limits.timeout < math.inf or limits.max_rows < 1 or limits.max_query_chars < 1:
        raise UsageError("--workers, --timeout, --max-rows and --max-query-chars must be positive numbers")
    if not 0 <= limits.cache_mb < math.inf:
        raise UsageError(f"--cache-mb must be 0 or more, not {limits.cache_mb:g}")
    if not 0 < port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    try:  # fail before loading the graph when the address is taken
        with socket.create_server((host, port)):
            pass
    except OSError as err:
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    source = source_of(graphs)
    zygote = Zygote(source.files, QueryHandler(limits))
    try:
        if source.store is None:  # nothing answers before the files are loaded: a bad file ends here
            try:
                log.info("serving %d quads from %s", zygote.wait_loaded(), ", ".join(map(str, source.files)))
            except RuntimeError as err:
                raise InputError(str(err)) from None
        app = create_app(source, limits, zygote)
        log.warning("SPARQL endpoint at http://%s:%d/sparql (query page at /)", host, port)
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        zygote.stop()
