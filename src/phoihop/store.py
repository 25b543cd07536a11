"""The one loader: RDF files and folders into the embedded pyoxigraph store, and terms between oxigraph
and rdflib.

pyoxigraph parses about ten times faster than rdflib and answers SPARQL far faster, so every stage
works on a Store; only pySHACL and the OWL reasoner need an rdflib graph, made by `to_rdflib`. Every
command that reads RDF comes through `load_files` (or `parse_file` for callers that want the quads), so a
file is refused for the same reasons, with the same one-line message, everywhere: a syntax error names
file, line and column; a symlink loop, a folder without RDF or a byte-order mark are said as such; and
RDF/XML entity declarations that could expand without bound are refused before parsing (`dtd`).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import mmap
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, URIRef

from .dtd import check_entities
from .errors import InputError
from .gazetteer import SOURCE, area_graph
from .namespaces import DCT, GRAPH_COMMON, GRAPH_ONTOLOGY, ID, OWL, PH, PREFIXES, RDF, SKOS, graph_for_source
from .resources import ontology_files

log = logging.getLogger("phoihop.store")

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
QUAD_FORMATS = {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
PREFIX_MAP = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
_BOM = b"\xef\xbb\xbf"
ONTOLOGY_IRI = "https://w3id.org/phoihop/ontology"


def rdf_format(path: str | Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its extension; unknown extensions are a usage error."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(FORMATS))
        raise InputError(f"unknown RDF file extension (expected one of {known})", path=path)
    return fmt


def file_kind(path: str | Path) -> int:
    """The st_mode of what `path` names (following symlinks), or an InputError saying why there is none:
    a loop of symlinks is not "no such file"."""
    try:
        return os.stat(path).st_mode
    except OSError as err:
        reasons = {errno.ENOENT: "no such file or folder", errno.ELOOP: "a loop of symbolic links",
                   errno.EACCES: "permission denied", errno.ENOTDIR: "no such file or folder"}
        raise InputError(reasons.get(err.errno, err.strerror or str(err)), path=path) from None


def _syntax_error(err: SyntaxError, path: str | Path) -> InputError:
    message = str(err.msg or err)
    message = message.split(": ", 1)[1] if message.startswith("Parser error") and ": " in message else message
    return InputError(message, path=path, line=err.lineno, column=err.offset)


@contextlib.contextmanager
def _opened(path: Path, fmt: ox.RdfFormat) -> Iterator[dict]:
    """Keyword arguments that give the parser the file: its path, or past a UTF-8 byte-order mark an open
    handle (the parsers take the mark for a character of the first term). Parser and file errors become an
    InputError naming the file, line and column."""
    if not stat.S_ISREG(file_kind(path)):
        raise InputError("is a folder, not an RDF file" if path.is_dir() else "not a regular file", path=path)
    if fmt == ox.RdfFormat.RDF_XML:
        check_entities(path)
    try:
        with open(path, "rb") as handle:
            if handle.read(3) == _BOM:
                yield {"input": handle}
            else:
                yield {"path": str(path)}
    except SyntaxError as err:
        raise _syntax_error(err, path) from None
    except (OSError, ValueError) as err:
        raise InputError(str(err), path=path) from None


def parse_file(path: str | Path, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
    """Parse one RDF file into quads (triples land in `graph`, or the default graph), for callers that
    need the quads themselves; `load_files` puts files into a store without them."""
    path = Path(path)
    fmt = rdf_format(path)
    with _opened(path, fmt) as source:
        quads = ox.parse(format=fmt, **source)
        if graph is None or fmt in QUAD_FORMATS:
            return list(quads)
        return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads]


def load_file(store: ox.Store, path: str | Path, graph: ox.NamedNode | None = None, bulk: bool = False) -> None:
    """Load one RDF file into the store in native code, without Python quads (twice as fast at 1M
    triples); triples land in `graph`, or the default graph. A file that does not parse adds nothing,
    except with `bulk` (for on-disk stores: faster, not transactional)."""
    path = Path(path)
    fmt = rdf_format(path)
    with _opened(path, fmt) as source:
        target = graph if graph is not None and fmt not in QUAD_FORMATS else None
        (store.bulk_load if bulk else store.load)(format=fmt, to_graph=target, **source)


def load_files(inputs: Iterable[str | Path], store: ox.Store | None = None, *,
               graph_of: Callable[[Path], ox.NamedNode | None] | None = None, sources: bool = False,
               bulk: bool = False) -> ox.Store:
    """The one loader: RDF files, and every RDF file below folders, into a store (a new one unless given).

    `graph_of(path)` names the graph of a triples file (default: the default graph). With `sources`, the
    inputs are read as the build reads data: each triples file into the graph of the source document it
    describes (else id:graph/common), and the ontology, its schemes and the province gazetteer are added
    unless the inputs already hold them, which a built graph (or a base graph) does; adding them twice
    would give every area a second validity interval, since intervals are blank nodes.
    """
    store = store if store is not None else ox.Store()
    if sources and graph_of is None:
        graph_of = source_graph
    for path in expand_inputs(inputs):
        load_file(store, path, graph_of(path) if graph_of else None, bulk=bulk)
        log.debug("loaded %s", path)
    if sources:
        add_sources(store)
    return store


def graph_dumps(store: ox.Store) -> Iterator[bytes]:
    """Every graph of the store as N-Triples, dumped natively one graph at a time (a triple in two graphs
    comes twice): what the Turtle writer reads, holding one graph's bytes at a time rather than all."""
    for graph in (ox.DefaultGraph(), *store.named_graphs()):
        yield store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)


def dump_graphs(store: ox.Store, path: str | Path) -> None:
    """Every graph of the store as N-Triples into one file, natively, nothing held in Python (a triple in
    two graphs comes twice): what the on-disk union store is bulk-loaded from."""
    with open(path, "wb") as handle:
        for graph in (ox.DefaultGraph(), *store.named_graphs()):
            store.dump(handle, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)


def write_union_store(ntriples: str | Path, folder: str | Path) -> None:
    """A new on-disk store in `folder` whose default graph is the union of the graphs dumped into the
    N-Triples file `ntriples` (`dump_graphs`; a triple in two graphs is stored once), bulk-loaded in one
    call and compacted, then closed.

    The union rather than the quads: readers query the union (every named query does), and the compacted
    store answers the named queries about 30% faster. A query that names graphs is answered from
    phoihop.trig instead (`sparql.names_graphs`). One bulk load of the whole file, not one per graph: each
    call writes and ingests its own sorted files, so a thousand graphs cost 29.5 CPU-s at 1M triples where
    one call costs 6; `lenient` skips re-validating IRIs the store itself wrote."""
    disk = ox.Store(str(folder))
    disk.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    disk.optimize()  # one sorted run per index: ~30% faster reads for 0.7 CPU-s at 1M triples
    del disk  # closes the database and releases its lock before readers open it


def open_read_only(folder: str | Path) -> ox.Store:
    """An on-disk store opened read-only: nothing in its folder is written (several processes may open it
    at once, and a release stays as its manifest describes it)."""
    if not Path(folder).is_dir():
        raise InputError("no store here: rebuild it", path=folder)
    try:
        return ox.Store.read_only(str(folder))
    except OSError as err:
        raise InputError(f"the store cannot be opened ({err}): rebuild it", path=folder) from None


def add_sources(store: ox.Store) -> None:
    """The ontology with its schemes, and the gazetteer's areas, each unless the store already holds it."""
    if not _has_type(store, ONTOLOGY_IRI, OWL.Ontology):
        onto = ox.NamedNode(str(GRAPH_ONTOLOGY))
        for path in ontology_files():
            load_file(store, path, onto)
    if not _has_type(store, SOURCE, PH.ReferenceTable):
        used, described = _areas_in_use(store)
        add_rdflib_graph(store, area_graph(used=used, described=described), ox.NamedNode(str(GRAPH_COMMON)))


_AREAS_IN_USE = """SELECT DISTINCT ?area ?described WHERE {{
  {{ ?x <{spatial}>|<{within}>|<{original}>|<{resulting}> ?area }} UNION {{ ?area a <{area_class}> }}
  FILTER (isIRI(?area) && STRSTARTS(STR(?area), "{prefix}"))
  BIND (EXISTS {{ ?area <{label}> ?label }} AS ?described)
}}"""


def _areas_in_use(store: ox.Store) -> tuple[set[URIRef], set[URIRef]]:
    """The areas the data points at, and those of them it describes itself: the gazetteer adds the nation
    and every province, but of the ~700 districts and ~13k communes only these (a described one gets only
    its code, so data and gazetteer never give one area two labels or two intervals)."""
    query = _AREAS_IN_USE.format(spatial=DCT.spatial, within=PH.withinArea, original=PH.originalArea,
                                 resulting=PH.resultingArea, area_class=PH.AdministrativeArea,
                                 prefix=ID["area/"], label=SKOS.prefLabel)
    used: set[URIRef] = set()
    described: set[URIRef] = set()
    for row in store.query(query, use_default_graph_as_union=True):
        used.add(URIRef(row["area"].value))
        if row["described"].value == "true":
            described.add(URIRef(row["area"].value))
    return used, described


def _has_type(store: ox.Store, node, cls) -> bool:
    pattern = store.quads_for_pattern(ox.NamedNode(str(node)), ox.NamedNode(str(RDF.type)), ox.NamedNode(str(cls)))
    return next(iter(pattern), None) is not None


_DESCRIBES_ITSELF = """ASK {{ ?doc a <{cls}> ; <{identifier}> ?id .
  FILTER (isLiteral(?id) && (STR(?id) = "{stem}" || STRSTARTS(STR(?id), "{stem}."))) }}"""


def source_graph(path: Path) -> ox.NamedNode | None:
    """A data file named after the source document it describes goes to that document's graph; other
    triples files go to id:graph/common, and quad files (TriG, N-Quads) keep their own graphs (None).

    The file is read natively into a scratch store only when its bytes hold its own name; a million-triple
    file that cannot describe itself costs one substring search, not a second parse.
    """
    if rdf_format(path) in QUAD_FORMATS:
        return None
    common = ox.NamedNode(str(GRAPH_COMMON))
    stem = path.stem
    if not stat.S_ISREG(file_kind(path)) or not path.stat().st_size:  # load_file says what is wrong with it
        return common
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if stem.isascii() and data.find(stem.encode()) < 0:
            return common
    scratch = ox.Store()
    load_file(scratch, path)
    literal = stem.replace("\\", "\\\\").replace('"', '\\"')
    ask = _DESCRIBES_ITSELF.format(cls=PH.SourceDocument, identifier=DCT.identifier, stem=literal)
    return ox.NamedNode(str(graph_for_source(stem))) if scratch.query(ask) else common


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus every RDF file below a named folder, in a stable order; a file named
    twice (directly and inside a named folder, say) once, since reading it twice would double its blank
    nodes."""
    files: list[Path] = []
    seen: set[str] = set()
    for item in inputs:
        path = Path(item)
        if stat.S_ISDIR(file_kind(path)):
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in FORMATS)
            if not found:  # a mistyped folder must not build, validate or serve an empty graph
                raise InputError(f"no RDF files ({', '.join(sorted(FORMATS))}) in this folder", path=path)
        else:
            found = [path]
        for file in found:
            key = os.path.realpath(file)
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


# --- moving terms between pyoxigraph and rdflib ---------------------------------------------------

def to_rdflib_term(term):
    """One pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:  # rdflib keeps plain literals untyped
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"cannot convert {term!r}")


def to_ox_term(term):
    """One rdflib term as the equal pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r}")


def union_triples(store: ox.Store) -> Iterator[tuple]:
    """Every distinct triple of every graph of the store, as pyoxigraph terms (deduplicated in native
    code: a Python set of 1M triples took 4.4 s, this 3.4 s)."""
    for triple in union_graph(store):
        yield triple.subject, triple.predicate, triple.object


def union_graph(store: ox.Store) -> Iterator[ox.Triple]:
    """The union of the store's graphs, each triple once (a CONSTRUCT alone repeats a triple that is
    in the default graph and in a named graph)."""
    return iter(store.query(_UNION, use_default_graph_as_union=True))


def to_rdflib(store: ox.Store) -> rdflib.Graph:
    """The union of the store's graphs as one rdflib Graph (for pySHACL and the reasoner)."""
    graph = rdflib.Graph()
    for prefix, ns in PREFIX_MAP.items():
        graph.bind(prefix, ns, override=True)
    add = graph.add
    for s, p, o in union_triples(store):
        add((to_rdflib_term(s), to_rdflib_term(p), to_rdflib_term(o)))
    return graph


def add_rdflib_graph(store: ox.Store, graph: rdflib.Graph, into: ox.NamedNode) -> None:
    """Copy an rdflib graph's triples into one named graph of the store."""
    store.extend(ox.Quad(to_ox_term(s), to_ox_term(p), to_ox_term(o), into) for s, p, o in graph)
