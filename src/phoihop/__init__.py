"""phoihop: a knowledge graph of Vietnamese coordination programmes and the commitments in them."""

__version__ = "0.1.0"


def open(paths=None, **options):  # noqa: A001 - `phoihop.open()` reads like the researcher's intent
    """Open the built graph (dist/) for querying: `phoihop.open().query("coordination-pairs", year=2022)`.

    Options are those of `phoihop.query.open_graph` (engine="oxigraph"|"rdflib", endpoint=URL).
    """
    from .query import open_graph

    return open_graph(paths, **options)
