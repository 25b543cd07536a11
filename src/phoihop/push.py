"""`phoihop push`: load the built graph into any store that speaks the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph is sent with one PUT, which the protocol defines as "replace this graph": the store
swaps the old content for the new in one request, so a reader sees the old graph or the new one (the
Oxigraph server does it in one transaction; Virtuoso, Fuseki and GraphDB likewise per request).
This is the scale-out path when the graph outgrows the embedded store.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from . import progress
from .errors import StoreError, UsageError
from .query import endpoint_url, expand_iri, load_store, server_message

log = logging.getLogger("phoihop.push")

DEFAULT_GRAPH = "default"


class ChallengeAuth(httpx.Auth):
    """Answer the server's challenge with Basic or Digest, whichever it asks for (Virtuoso wants Digest)."""

    requires_request_body = True

    def __init__(self, user: str, password: str):
        self.basic = httpx.BasicAuth(user, password)
        self.digest = httpx.DigestAuth(user, password)
        self.scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.scheme == "digest":  # the digest flow reuses the last challenge, so no second upload
            yield from self.digest.auth_flow(request)
            return
        if self.scheme == "basic":
            yield from self.basic.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        self.scheme = "digest" if challenge == "digest" else "basic"
        if self.scheme == "basic":
            yield from self.basic.auth_flow(request)
            return
        flow = self.digest.auth_flow(request)
        next(flow)  # the digest flow's first, unauthenticated attempt: already made above
        yield flow.send(response)


@dataclass(frozen=True)
class Pushed:
    """One graph sent: its IRI (or 'default'), how many triples, the server's status, how long it took."""

    graph: str
    triples: int
    status: int
    seconds: float


def graphs_to_push(store: ox.Store, graph: str | None) -> dict[str, list[ox.Triple]]:
    """Triples per target graph: every named graph (and a non-empty default graph), or the one asked."""
    content: dict[str, list[ox.Triple]] = {}
    for quad in store:
        name = DEFAULT_GRAPH if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        content.setdefault(name, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
    if graph is None:
        return content
    target = expand_iri(graph)
    if target in content:
        return {target: content[target]}
    if set(content) == {DEFAULT_GRAPH}:  # a triples file pushed into the graph the user names
        return {target: content[DEFAULT_GRAPH]}
    known = ", ".join(sorted(content)) or "none"
    raise UsageError(f"the data has no graph <{target}> (its graphs: {known})")


def push(endpoint: str, paths: Sequence[str | Path] | None = None, graph: str | None = None,
         user: str | None = None, password: str | None = None, timeout: float = 300.0) -> list[Pushed]:
    """PUT each graph of the built graph (or of the given files) to a Graph Store Protocol endpoint."""
    if (user is None) != (password is None):
        raise UsageError("give both --user and --password, or neither")
    endpoint = endpoint_url(endpoint)
    content = graphs_to_push(load_store(paths), graph)
    auth = ChallengeAuth(user, password) if user is not None and password is not None else None
    pushed = []
    with httpx.Client(auth=auth, timeout=timeout) as client:
        for name, triples in progress.steps(sorted(content.items()), "push", unit="graph", describe=lambda g: g[0]):
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            params = {"default": ""} if name == DEFAULT_GRAPH else {"graph": name}
            start = time.perf_counter()
            try:
                response = client.put(endpoint, params=params, content=body,
                                      headers={"Content-Type": "application/n-triples"})
            except httpx.HTTPError as err:
                raise StoreError(f"cannot reach {endpoint}: {err}") from None
            if response.status_code >= 300:
                target = "the default graph" if name == DEFAULT_GRAPH else f"graph <{name}>"
                raise StoreError(f"{endpoint}: replacing {target} failed: {server_message(response)}")
            pushed.append(Pushed(name, len(triples), response.status_code, time.perf_counter() - start))
            log.info("%s: %d triples (HTTP %d, %.2f s)", name, len(triples), response.status_code,
                     pushed[-1].seconds)
    return pushed
