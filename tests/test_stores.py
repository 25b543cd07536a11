"""The query library on real triple stores (Oxigraph server, Virtuoso) must answer as the embedded store.

.ci/stores.sh starts both stores on loopback and exports their base URLs; without those variables these
tests skip. Each store gets the fixture dataset in a graph of its own (and the built graph, when
dist/phoihop.trig exists, in its own named graphs); every named query then runs with --endpoint,
restricted to that data by the protocol's default-graph-uri, and is compared with the embedded run.

Comparison normalises only what stores legitimately differ in (`phoihop.results.normalise_term`): the
numeric datatype of aggregates (Virtuoso may answer COUNT as xsd:int) and canonical lexical forms of
numbers (1.50 vs 1.5). Queries are not weakened for any store.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from phoihop.errors import QueryTimeout
from phoihop.push import push
from phoihop.query import EndpointBackend, Phoihop, list_queries, open_graph
from phoihop.results import same_answer
from phoihop.store import load_files

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "tests" / "fixtures" / "graph" / "dataset"
BUILT = ROOT / "dist" / "phoihop.trig"
FIXTURE_GRAPH = "https://w3id.org/phoihop/id/graph/test-fixture"
STORES = {
    # name: (variable with the base URL, SPARQL query path, Graph Store Protocol path, credentials variable)
    "oxigraph": ("PHOIHOP_OXIGRAPH_URL", "/query", "/store", None),
    "virtuoso": ("PHOIHOP_VIRTUOSO_URL", "/sparql", "/sparql-graph-crud-auth", "PHOIHOP_VIRTUOSO_AUTH"),
}
QUERIES = list_queries()
# Store bugs that no portable query can work around (not strict: a graph without the affected values passes);
# benchmarks/scale_out.py reads the same table.
KNOWN_BUGS = {(row["store"], row["query"]): row["reason"]
              for row in csv.DictReader((ROOT / "tests" / "fixtures" / "stores" / "known_bugs.csv").open())}


class Store:
    """One running store: where to query, where to push, with which credentials."""

    def __init__(self, name: str):
        self.name = name
        variable, query_path, store_path, auth_variable = STORES[name]
        base = os.environ.get(variable)
        if not base:
            pytest.skip(f"{variable} is not set: start the stores with `source .ci/stores.sh; stores_start` "
                        f"(bash .ci/stores.sh runs this file with them)")
        self.query_url = base.rstrip("/") + query_path
        self.store_url = base.rstrip("/") + store_path
        user, _, password = (os.environ.get(auth_variable, "") if auth_variable else "").partition(":")
        self.credentials = {"user": user, "password": password} if user else {}
        self.stopped = ""  # the query after which the store stopped answering, if it did

    def answer(self, graph: Phoihop, name: str):
        """The named query's answer; once the store has stopped answering, later tests fail at once instead
        of each waiting out the timeout (a hung Virtuoso once cost CI an hour)."""
        if self.stopped:
            pytest.fail(f"{self.name} stopped answering at {self.stopped}; not asked again")
        try:
            return graph.query(name)
        except QueryTimeout:
            self.stopped = name
            raise

    def push(self, paths, graph: str | None = None) -> list[str]:
        return [p.graph for p in push(self.store_url, paths, graph=graph, **self.credentials)]

    def graph(self, default_graphs: list[str]) -> Phoihop:
        timeout = float(os.environ.get("PHOIHOP_STORE_TIMEOUT", "120"))
        return Phoihop(EndpointBackend(self.query_url, timeout=timeout, default_graphs=default_graphs))


@pytest.fixture(scope="module", params=sorted(STORES))
def store(request) -> Store:
    return Store(request.param)


def expect_known_bug(request, store: Store, query) -> None:
    reason = KNOWN_BUGS.get((store.name, query.name))
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))


@pytest.fixture(scope="module")
def on_fixture(store) -> tuple[Phoihop, Phoihop]:
    """(the store restricted to the pushed fixture, the embedded store on the same files)."""
    store.push([DATASET], graph=FIXTURE_GRAPH)
    return store.graph([FIXTURE_GRAPH]), open_graph([DATASET])


@pytest.fixture(scope="module")
def on_built(store) -> tuple[Phoihop, Phoihop]:
    if not BUILT.is_file():
        pytest.skip("no dist/phoihop.trig: run `phoihop build` first")
    graphs = store.push([BUILT])
    return store.graph(graphs), open_graph([BUILT])


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_store_answers_like_the_embedded_store_on_the_fixture(query, store, on_fixture, request) -> None:
    expect_known_bug(request, store, query)
    remote, embedded = on_fixture
    assert same_answer(store.answer(remote, query.name), embedded.query(query.name), query.ordered)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_store_answers_like_the_embedded_store_on_the_built_graph(query, store, on_built, request) -> None:
    expect_known_bug(request, store, query)
    remote, embedded = on_built
    assert same_answer(store.answer(remote, query.name), embedded.query(query.name), query.ordered)


def test_the_pushed_fixture_is_complete(store, on_fixture) -> None:
    remote, _ = on_fixture
    answer = remote.run_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(answer.rows[0][0].value) == len(load_files([DATASET]))
