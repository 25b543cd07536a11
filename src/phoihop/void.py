"""The dataset's own description (VoID + DCAT 3), written by `phoihop build` as dist/void.ttl.

A dataset that others are to find, cite and trust says what it is, under which licence, in which version,
how big it is and from which sources, in the vocabularies catalogues read (VoID, DCAT; the checksums as
SPDX, as DCAT 3 recommends). What people decide (title, licence, publisher, addresses) is data in
data/dataset.ttl, which is also part of the graph; what only a build can know is computed here: the
version (from `phoihop.__version__`, the one place it is written), the triple, subject, class and property
counts (SPARQL files in queries/void/, run on the built store), the source documents, and the byte size
and SHA-256 of every output file.

At national scale the counting must stay cheap: the union's distinct triples are the number the build's
writer already counted (passed in), and per-property counts are taken over quads, which is exact when no
triple sits in two named graphs (quads == distinct triples, known for free); otherwise a DISTINCT variant
runs. At 1M triples the statistics take about 1.5 s.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from . import __version__
from .atomic import atomic_write
from .errors import DataInvalid
from .namespaces import DCAT, DCT, OWL, PAV, RDF, SPDX, VOID, XSD
from .resources import data_dir, queries_dir
from .store import PREFIX_MAP, parse_file

log = logging.getLogger("phoihop.void")

_CHUNK = 1 << 20


def _node(iri: object) -> ox.NamedNode:
    return ox.NamedNode(str(iri))


def _integer(value: int, datatype: object = XSD.integer) -> ox.Literal:
    return ox.Literal(str(value), datatype=_node(datatype))


A = _node(RDF.type)


def description_file() -> Path:
    """data/dataset.ttl: the dataset's title, licence, publisher and addresses, written by people."""
    return data_dir() / "dataset.ttl"


def static_description(path: Path | None = None) -> tuple[ox.NamedNode, list[ox.Triple]]:
    """The dataset node and the triples of data/dataset.ttl; exactly one dcat:Dataset must be described."""
    path = path or description_file()
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in parse_file(path)]
    datasets = {t.subject for t in triples if t.predicate == A and t.object == _node(DCAT.Dataset)}
    if len(datasets) != 1 or not isinstance(next(iter(datasets)), ox.NamedNode):
        raise DataInvalid(f"must describe exactly one dcat:Dataset with an IRI (found {len(datasets)})", path=path)
    return next(iter(datasets)), triples


def _run(store: ox.Store, name: str) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    """Rows of queries/void/NAME.rq over the union of the store's graphs."""
    text = (queries_dir() / "void" / f"{name}.rq").read_text(encoding="utf-8")
    solutions = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: s[n] for n in names} for s in solutions]


def _count(store: ox.Store, name: str) -> int:
    rows = _run(store, name)
    return int(rows[0][next(iter(rows[0]))].value)


def _local(term: str) -> str:
    """A readable, unique IRI segment for a class or property: 'ph-Commitment', else the encoded IRI."""
    for prefix, ns in PREFIX_MAP.items():
        local = term.removeprefix(ns)
        if local != term and local and quote(local, safe="-_.") == local:
            return f"{prefix}-{local}"
    return quote(term, safe="")


def statistics(store: ox.Store, dataset: ox.NamedNode, triples: int | None = None) -> list[ox.Triple]:
    """VoID counts of the store's union graph: triples, distinct subjects, class and property partitions,
    and dct:source for every source document. `triples`: the distinct triple count when already known."""
    if triples is None:
        triples = _count(store, "triples")
    duplicated = len(store) != triples  # some triple sits in two graphs: count per property exactly
    properties = _run(store, "properties-distinct" if duplicated else "properties")
    classes = _run(store, "classes")
    out = [
        ox.Triple(dataset, A, _node(VOID.Dataset)),
        ox.Triple(dataset, _node(VOID.triples), _integer(triples)),
        ox.Triple(dataset, _node(VOID.distinctSubjects), _integer(_count(store, "subjects"))),
        ox.Triple(dataset, _node(VOID.properties), _integer(len(properties))),
        ox.Triple(dataset, _node(VOID.classes), _integer(len(classes))),
    ]
    base = dataset.value
    for row in classes:
        part = ox.NamedNode(f"{base}/class-{_local(row['class'].value)}")
        out += [ox.Triple(dataset, _node(VOID.classPartition), part),
                ox.Triple(part, _node(VOID["class"]), row["class"]),
                ox.Triple(part, _node(VOID.entities), _integer(int(row["entities"].value)))]
    for row in properties:
        part = ox.NamedNode(f"{base}/property-{_local(row['property'].value)}")
        out += [ox.Triple(dataset, _node(VOID.propertyPartition), part),
                ox.Triple(part, _node(VOID.property), row["property"]),
                ox.Triple(part, _node(VOID.triples), _integer(int(row["triples"].value)))]
    out += [ox.Triple(dataset, _node(DCT.source), row["source"]) for row in _run(store, "sources")]
    return out


def version_triples(dataset: ox.NamedNode, version: str = __version__) -> list[ox.Triple]:
    """The release, stated the ways DCAT 3, PAV (the HCLS dataset profile) and OWL readers look for it."""
    literal = ox.Literal(version)
    return [ox.Triple(dataset, _node(p), literal) for p in (DCAT.version, PAV.version, OWL.versionInfo)]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_triples(static: Iterable[ox.Triple], files: Sequence[Path]) -> list[ox.Triple]:
    """dcat:byteSize and an spdx:checksum (SHA-256) on each distribution whose dcat:downloadURL ends with
    the name of a file written; a file no distribution names is left out (and logged)."""
    by_name = {t.object.value.rsplit("/", 1)[-1]: t.subject for t in static
               if t.predicate == _node(DCAT.downloadURL)}
    out = []
    for path in files:
        distribution = by_name.get(path.name)
        if distribution is None:
            log.debug("no distribution in %s names %s; not described", description_file(), path.name)
            continue
        checksum = ox.NamedNode(f"{distribution.value}-sha256")
        out += [
            ox.Triple(distribution, _node(DCAT.byteSize),
                      _integer(path.stat().st_size, XSD.nonNegativeInteger)),
            ox.Triple(distribution, _node(SPDX.checksum), checksum),
            ox.Triple(checksum, A, _node(SPDX.Checksum)),
            ox.Triple(checksum, _node(SPDX.algorithm), _node(SPDX.checksumAlgorithm_sha256)),
            ox.Triple(checksum, _node(SPDX.checksumValue), ox.Literal(sha256(path), datatype=_node(XSD.hexBinary))),
        ]
    return out


def describe(store: ox.Store, files: Sequence[Path] = (), triples: int | None = None,
             description: Path | None = None) -> list[ox.Triple]:
    """The whole description: data/dataset.ttl, the version, the store's statistics and the files' sizes
    and checksums, sorted so that equal inputs give equal files."""
    dataset, static = static_description(description)
    out = set(static) | set(version_triples(dataset)) | set(statistics(store, dataset, triples))
    out |= set(file_triples(static, files))
    return sorted(out, key=lambda t: (t.subject.value, t.predicate.value, str(t.object)))


def write_void(store: ox.Store, out_dir: Path, files: Sequence[Path] = (), triples: int | None = None) -> Path:
    """Describe the built store and its output files in out_dir/void.ttl (written atomically)."""
    start = time.perf_counter()
    path = Path(out_dir) / "void.ttl"
    description = describe(store, files, triples)
    dataset = next(t.subject for t in description if t.predicate == A and t.object == _node(VOID.Dataset))
    prefixes = {**PREFIX_MAP, "dataset": f"{dataset.value}/"}  # dataset:class-ph-Commitment reads well
    with atomic_write(path, "wb") as handle:
        ox.serialize(description, handle, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    log.info("dataset description: %s (%d triples, %.2f s)", path, len(description), time.perf_counter() - start)
    return path
