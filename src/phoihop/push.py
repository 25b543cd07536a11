"""`phoihop push`: load the built graph into any store that speaks the SPARQL 1.1 Graph Store HTTP Protocol.

A push never leaves the store half-updated without saying so:

1. stage: every graph is first PUT under a temporary name (id:graph/staging/<push>/<n>); if the store
   refuses any (too large, no permission, down), the staged graphs are deleted and nothing else changed;
2. swap: with `--update-endpoint` (the store's SPARQL Update URL) one update request MOVEs every staged
   graph onto its name and drops the graphs the build no longer has, which Oxigraph applies in one
   transaction; with the Graph Store Protocol alone each graph is PUT again under its name (the store has
   shown it accepts them) and the staged copies are deleted;
3. record: the names of a whole build's graphs are kept in the store, in the graph id:graph/pushed, so
   that the next push knows which graphs it wrote and can prune those the build dropped (never anybody
   else's graphs, nor one pushed alone with --graph).

The report says, graph by graph, what changed: replaced, created or removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox

from . import progress
from .errors import StoreError, UsageError
from .namespaces import DCT, ID
from .release import load_graph
from .remote import ChallengeAuth, endpoint_url, positive_timeout, server_message
from .sparql import expand_iri

log = logging.getLogger("phoihop.push")

DEFAULT_GRAPH = "default"
PUSHED = str(ID["graph/pushed"])  # the graph where a push records the graphs it wrote
_HAS_PART = ox.NamedNode(str(DCT.hasPart))


@dataclass(frozen=True)
class Pushed:
    """One graph: its IRI (or 'default'), how many triples, what happened to it, the server's status, how long."""

    graph: str
    triples: int
    status: int
    seconds: float
    change: str = "replaced"  # replaced, created or removed


@dataclass
class PushPlan:
    """What one push sends where."""

    content: dict[str, list[ox.Triple]]
    previous: set[str]
    prune: set[str]
    record: set[str] | None  # the graphs to record as the build's (None: a one-graph push leaves the record)
    staged: dict[str, str] = field(default_factory=dict)  # graph -> its staging name

    def change(self, name: str) -> str:
        return "replaced" if name in self.previous else "created"


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


def _params(name: str) -> dict[str, str]:
    return {"default": ""} if name == DEFAULT_GRAPH else {"graph": name}


def _label(name: str) -> str:
    return "the default graph" if name == DEFAULT_GRAPH else f"graph <{name}>"


class GraphStore:
    """One Graph Store Protocol endpoint (and, when known, its SPARQL Update endpoint) over one client."""

    def __init__(self, client: httpx.Client, endpoint: str, update: str | None):
        self.client, self.endpoint, self.update = client, endpoint, update

    def request(self, method: str, name: str, **kwargs) -> httpx.Response:
        try:
            return self.client.request(method, self.endpoint, params=_params(name), **kwargs)
        except httpx.HTTPError as err:
            raise StoreError(f"cannot reach {self.endpoint}: {err}") from None

    def put(self, name: str, triples: list[ox.Triple]) -> httpx.Response:
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        return self.request("PUT", name, content=body, headers={"Content-Type": "application/n-triples"})

    def delete(self, name: str) -> None:
        """Delete a graph; a graph that is not there is fine."""
        response = self.request("DELETE", name)
        if response.status_code >= 300 and response.status_code != 404:
            raise StoreError(f"{self.endpoint}: deleting {_label(name)} failed: {server_message(response)}")

    def pushed_before(self) -> set[str]:
        """The graphs earlier pushes recorded in id:graph/pushed (none when there is no such graph)."""
        response = self.request("GET", PUSHED, headers={"Accept": "application/n-triples"})
        if response.status_code == 404 or (response.status_code < 300 and not response.content.strip()):
            return set()
        if response.status_code >= 300:
            raise StoreError(f"{self.endpoint}: reading {_label(PUSHED)} failed: {server_message(response)}")
        try:
            triples = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
            return {t.object.value for t in triples if t.predicate == _HAS_PART}
        except (SyntaxError, ValueError) as err:
            raise StoreError(f"{self.endpoint}: {_label(PUSHED)} is unreadable: {err}") from None

    def run_update(self, text: str) -> None:
        try:
            response = self.client.post(self.update, data={"update": text})
        except httpx.HTTPError as err:
            raise StoreError(f"cannot reach {self.update}: {err}") from None
        if response.status_code >= 300:
            raise StoreError(f"{self.update}: the swap failed, nothing changed: {server_message(response)}")


def _record(names: set[str]) -> list[ox.Triple]:
    subject = ox.NamedNode(PUSHED)
    now = ox.Literal(dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                     datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))
    return [ox.Triple(subject, ox.NamedNode(str(DCT.modified)), now)] + \
        [ox.Triple(subject, _HAS_PART, ox.NamedNode(n)) for n in sorted(names) if n != DEFAULT_GRAPH]


def _stage(store: GraphStore, plan: PushPlan) -> list[Pushed]:
    """PUT every graph under its staging name; on a refusal delete what was staged: nothing changed."""
    push_id = secrets.token_hex(4)
    timed = []
    graphs = progress.steps(sorted(plan.content.items()), "push", unit="graph", describe=lambda g: g[0])
    for n, (name, triples) in enumerate(graphs):
        staged = str(ID[f"graph/staging/{push_id}/{n}"])
        start = time.perf_counter()
        response = store.put(staged, triples)
        plan.staged[name] = staged
        if response.status_code >= 300:
            _discard_staged(store, plan)
            raise StoreError(f"{store.endpoint}: the store refused {_label(name)}, so nothing changed: "
                             f"{server_message(response)}")
        timed.append(Pushed(name, len(triples), response.status_code, time.perf_counter() - start,
                            plan.change(name)))
        log.info("staged %s: %d triples (HTTP %d)", name, len(triples), response.status_code)
    return timed


def _discard_staged(store: GraphStore, plan: PushPlan) -> None:
    for staged in plan.staged.values():
        try:
            store.delete(staged)
        except StoreError as err:
            log.warning("could not delete the staging graph <%s>: %s", staged, err)


def _swap_by_update(store: GraphStore, plan: PushPlan) -> None:
    """One SPARQL Update request: MOVE each staged graph onto its name, DROP the pruned, rewrite the record."""
    moves = [f"MOVE SILENT <{staged}> TO {'DEFAULT' if name == DEFAULT_GRAPH else f'<{name}>'}"
             for name, staged in sorted(plan.staged.items())]
    drops = [f"DROP SILENT GRAPH <{name}>" for name in sorted(plan.prune)]
    record = []
    if plan.record is not None:
        triples = " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in _record(plan.record))
        record = [f"DROP SILENT GRAPH <{PUSHED}>", f"INSERT DATA {{ GRAPH <{PUSHED}> {{ {triples} }} }}"]
    store.run_update(" ;\n".join([*moves, *drops, *record]))


def _swap_by_put(store: GraphStore, plan: PushPlan) -> None:
    """Each graph PUT again under its name, then the pruned deleted; a failure says exactly what changed."""
    done: list[str] = []
    try:
        for name, triples in sorted(plan.content.items()):
            response = store.put(name, triples)
            if response.status_code >= 300:
                raise StoreError(f"{store.endpoint}: replacing {_label(name)} failed: {server_message(response)}")
            done.append(name)
        for name in sorted(plan.prune):
            store.delete(name)
        response = store.put(PUSHED, _record(plan.record)) if plan.record is not None else None
        if response is not None and response.status_code >= 300:
            raise StoreError(f"{store.endpoint}: recording the pushed graphs failed: {server_message(response)}")
    except StoreError as err:
        left = sorted(set(plan.content) - set(done))
        raise StoreError(f"{err.message}; already replaced: {', '.join(done) or 'none'}; unchanged: "
                         f"{', '.join(left) or 'none'}") from None
    finally:
        _discard_staged(store, plan)


def push(endpoint: str, paths: Sequence[str | Path] | None = None, graph: str | None = None,
         user: str | None = None, password: str | None = None, timeout: float = 300.0,
         update: str | None = None, prune: bool = True) -> list[Pushed]:
    """Replace each graph of the built graph (or of the given files) in a Graph Store Protocol endpoint:
    staged first, then swapped in (see the module); with `prune`, graphs an earlier push wrote that this
    build no longer has are removed. Returns what changed, graph by graph."""
    if (user is None) != (password is None):
        raise UsageError("give both --user and --password, or neither")
    endpoint = endpoint_url(endpoint)
    update = endpoint_url(update) if update else None
    content = graphs_to_push(load_graph(paths), graph)
    auth = ChallengeAuth(user, password) if user is not None and password is not None else None
    with httpx.Client(auth=auth, timeout=positive_timeout(timeout)) as client:
        store = GraphStore(client, endpoint, update)
        previous = store.pushed_before()
        whole = graph is None  # a one-graph push is the user's: it neither prunes nor changes the record
        dropped = previous - set(content) if prune and whole else set()
        plan = PushPlan(content, previous, dropped, (previous - dropped) | set(content) if whole else None)
        pushed = _stage(store, plan)
        if update:
            _swap_by_update(store, plan)
        else:
            _swap_by_put(store, plan)
    removed = [Pushed(name, 0, 204, 0.0, "removed") for name in sorted(plan.prune)]
    for item in pushed + removed:
        log.info("%s: %s, %d triples", item.graph, item.change, item.triples)
    return pushed + removed
