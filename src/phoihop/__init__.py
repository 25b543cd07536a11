"""phoihop: a knowledge graph of Vietnamese coordination programmes and the commitments in them."""

__version__ = "0.1.0"


def open(paths=None, **options):  # noqa: A001 - `phoihop.open()` reads like the researcher's intent
    """Open the built graph (dist/, found from any folder) or the given RDF files for querying.

    Options are those of `phoihop.query.open_graph` (engine="oxigraph"|"rdflib", endpoint=URL, timeout=s).

    >>> import phoihop
    >>> g = phoihop.open()                      # or phoihop.open("my-graph.trig")
    >>> rows = g.query("programmes-active-in-year", year=2022)
    >>> sorted(rows[0])
    ['agreement', 'begin', 'commitments', 'end', 'number']
    >>> [q.name for q in g.queries()][:2]
    ['actor-commitments', 'actor-hierarchy']
    """
    from .query import open_graph

    return open_graph(paths, **options)
