"""Forward-chaining inference as SPARQL CONSTRUCT rules run on pyoxigraph, until nothing new appears.

The rules are data (ontology/rules/*.rq, applied in file-name order); their results land in the
named graph id:graph/inferred so that they can be told apart from asserted facts.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .namespaces import GRAPH_INFERRED
from .resources import ontology_dir

log = logging.getLogger("phoihop.infer")


@dataclass
class InferenceStats:
    """What inference added: triples per rule, rounds until the fixpoint, seconds spent."""

    added: dict[str, int] = field(default_factory=dict)
    rounds: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.added.values())


def load_rules(rules_dir: Path | None = None) -> list[tuple[str, str]]:
    """(name, query text) of every rule file, in file-name order."""
    folder = rules_dir or ontology_dir() / "rules"
    rules = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.rq"))]
    if not rules:
        raise InputError("no inference rules (*.rq) found", path=folder)
    return rules


def infer(store: ox.Store, rules_dir: Path | None = None, max_rounds: int = 32) -> InferenceStats:
    """Apply every rule to the union of the store's graphs until a round adds nothing."""
    graph = ox.NamedNode(str(GRAPH_INFERRED))
    rules = load_rules(rules_dir)
    stats = InferenceStats(added={name: 0 for name, _ in rules})
    start = time.perf_counter()
    for _ in range(max_rounds):
        stats.rounds += 1
        new_in_round = 0
        for name, text in rules:
            try:
                triples = list(store.query(text, use_default_graph_as_union=True))
            except SyntaxError as err:
                raise InputError(f"rule does not parse: {err}", path=name) from None
            if triples:
                store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
                stats.added[name] += len(triples)
                new_in_round += len(triples)
        if not new_in_round:
            break
    stats.seconds = time.perf_counter() - start
    log.info("inference: %d triples in %d rounds (%.2f s)", stats.total, stats.rounds, stats.seconds)
    return stats
