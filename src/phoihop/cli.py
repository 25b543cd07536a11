"""The `phoihop` command: parses options and calls one library function per command, nothing more.

Exit codes: 0 ok, 1 the data is invalid, 2 usage or unreadable input, 3 an external store failed.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import signal
import sys
from pathlib import Path

import click

from . import __version__
from .errors import PhoihopError


class PhoihopGroup(click.Group):
    """A click group that turns phoihop errors into one line on stderr and the documented exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PhoihopError as err:
            click.echo(f"phoihop: {err}", err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("phoihop: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # the reader went away (`phoihop query ... | head`): stop quietly, as cat does
            with contextlib.suppress(OSError, ValueError):  # point stdout at /dev/null so exit's flush is quiet
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as err:  # the last line of defence: never a traceback
            if os.environ.get("PHOIHOP_DEBUG"):
                raise
            click.echo(f"phoihop: internal error: {type(err).__name__}: {err} "
                       "(set PHOIHOP_DEBUG=1 to see where)", err=True)
            ctx.exit(70)


@click.group(cls=PhoihopGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="phoihop")
@click.option("-v", "--verbose", count=True, help="More log lines on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """phoihop: the knowledge graph of Vietnamese coordination programmes (chương trình phối hợp).

    \b
    Example:
      phoihop build            # ontology + data/ -> dist/phoihop.ttl, dist/phoihop.trig
      phoihop validate         # SHACL-check the built graph
    """
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose + 1, 2)]
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    logging.getLogger("httpx").setLevel(max(level, logging.WARNING))  # one line per HTTP request is noise
    rdflib_term = logging.getLogger("rdflib.term")
    if not any(isinstance(f, OneLineLiteralWarning) for f in rdflib_term.filters):
        rdflib_term.addFilter(OneLineLiteralWarning())


class OneLineLiteralWarning(logging.Filter):
    """rdflib logs an ill-typed literal ("2020-02-30"^^xsd:date) with a full traceback each time it meets
    it; SHACL reports such literals as violations, so stderr gets one line per kind of problem instead."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.exc_info or not record.getMessage().startswith("Failed to convert Literal"):
            return True
        datatype = str(record.args[0]) if isinstance(record.args, tuple) and record.args else "?"
        error = record.exc_info[1]
        record.msg, record.args, record.exc_info, record.exc_text = (
            "phoihop: warning: a literal of type %s is ill-typed (%s); it is kept as text", (datatype, error),
            None, None)
        key = f"{datatype}:{error}"
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


class Seconds(click.ParamType):
    """A positive, finite number of seconds: NaN, infinity, zero and less are usage errors (exit 2)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        if isinstance(value, float):
            seconds = value
        else:
            try:
                seconds = float(value)
            except ValueError:
                self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not 0 < seconds < math.inf:
            self.fail(f"{value!r} is not a positive number of seconds", param, ctx)
        return seconds


SECONDS = Seconds()


# --- build ---
@cli.command()
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path),
              help="Data files or folders (default: the project's data/).")
@click.option("-o", "--out", "out_dir", default="dist", show_default=True, type=click.Path(path_type=Path),
              help="Folder for phoihop.ttl, phoihop.trig and the validation report.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL and check queries (faster, unsafe).")
@click.option("--shacl-engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="SHACL compiled to SPARQL on the store, or pySHACL (the slower reference).")
@click.option("--no-store", is_flag=True, help="Do not write the on-disk store (dist/store) that query, serve, "
              "export and phoihop.open() open in milliseconds; they then load phoihop.trig.")
def build(data: tuple[Path, ...], out_dir: Path, no_validate: bool, shacl_engine: str, no_store: bool) -> None:
    """Build the graph: load ontology + data, infer, validate, write dist/.

    Exits 1 with a readable report when the graph does not conform; the previous
    outputs are then left untouched.

    \b
    Example:
      phoihop build
      phoihop build --data data/ --data more.ttl -o /tmp/out
      phoihop build --data /tmp/national.nq --no-store -o /tmp/check   # validate only
    """
    from .build import build as run_build
    from .progress import activity

    with activity("build"):  # a live line with the time elapsed, on a terminal only
        result = run_build(list(data) or None, out_dir, validate=not no_validate, shacl_engine=shacl_engine,
                           persist=not no_store)
    log = logging.getLogger("phoihop.build")
    for name, count in result.counts.items():
        log.info("%8d  %s", count, name)
    steps = ", ".join(f"{k} {v:.2f}s" for k, v in result.seconds.items())
    log.info("%d triples (%s); wrote %s", result.triples, steps, ", ".join(map(str, result.outputs)))


# --- validate ---
@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--base", "bases", multiple=True, type=click.Path(path_type=Path),
              help="A graph the files extend (refer to), validated with them, e.g. dist/phoihop.trig.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@click.option("--shacl-engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="SHACL compiled to SPARQL on the store, or pySHACL (the slower reference).")
@click.option("--owl", is_flag=True, help="Also check OWL consistency with HermiT (needs Java).")
def validate(files: tuple[Path, ...], bases: tuple[Path, ...], fmt: str, shacl_engine: str, owl: bool) -> None:
    """Validate the built graph, or data files, with the SHACL shapes and the check queries.

    Files are read as the build reads data (ontology, gazetteer, inference); a file that
    refers to actors or instruments of other files is validated with them (--base).
    Exit 0 conforms, 1 violations, 2 unreadable input.

    \b
    Example:
      phoihop validate
      phoihop validate data/ --owl
      phoihop validate new.ttl --base dist/phoihop.trig --format json
    """
    from .validate import render as render_verdict
    from .validate import validate_command

    verdict = validate_command(list(files), list(bases), owl=owl, engine=shacl_engine)
    click.echo(render_verdict(verdict, fmt))
    if not verdict.conforms:
        raise SystemExit(1)


# --- eval ---
@cli.command("eval")
@click.option("--gold", required=True, type=click.Path(path_type=Path), help="Gold annotation JSON.")
@click.option("--only", multiple=True, help="Score only items evidenced in these source files.")
@click.option("--min", "minimum", type=float, default=0.0, help="Exit 1 when overall coverage is below this.")
@click.argument("graphs", nargs=-1, required=True, type=click.Path(path_type=Path))
def evaluate(gold: Path, only: tuple[str, ...], minimum: float, graphs: tuple[Path, ...]) -> None:
    """Score graphs against a gold annotation file: coverage per category and overall.

    \b
    Example:
      phoihop eval --gold ../shared/gold/seeds_gold.json dist/phoihop.ttl
      phoihop eval --gold gold.json --only 001_f716503169c28a2f.txt out.ttl
    """
    from .evaluate import evaluate as run_eval

    scores = run_eval(gold, list(graphs), set(only) or None)
    click.echo(scores.to_text())
    if scores.overall < minimum:
        raise SystemExit(1)
# --- ingest ---
@cli.command("ingest")
@click.argument("files", nargs=-1, required=True, metavar="FILE…")
@click.option("-o", "--out", default="-", show_default=True, help="Turtle output file; - = stdout.")
@click.option("--base", type=click.Path(path_type=Path), help="Graph whose actors and instruments are reused.")
@click.option("--max-mb", default=20, show_default=True, type=click.IntRange(min=1),
              help="Refuse input files larger than this.")
@click.option("--place", help="Province or district the document is about, when its text does not say.")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The document's date, when its text does not say.")
@click.option("--title", help="The document's headline, when the copied text has none.")
@click.option("--source-url", metavar="URL", help="Where the document was published.")
@click.option("--publisher", help="Who published it (a site, a newspaper, an agency).")
def ingest_cmd(files: tuple[str, ...], out: str, base: Path | None, max_mb: int, place: str | None,
               day: str | None, title: str | None, source_url: str | None, publisher: str | None) -> None:
    """Read Vietnamese documents (plain text, Markdown or a saved HTML page) and write what they state as Turtle.

    One ph:SourceDocument per file; every fact carries its source and character offsets. A
    file of '-' is standard input. Accepts UTF-8, UTF-16 and Windows-1258; refuses binary input.
    What the text does not say can be given in a sidecar FILE.meta.json ({"place": …, "date": …,
    "title": …, "source-url": …, "publisher": …}) or with the options below, which win over it and
    apply to every FILE.

    \b
    Example:
      phoihop ingest quy-che-ben-tre.txt > ben-tre.ttl
      phoihop ingest a.txt b.md -o new.ttl --base dist/phoihop.ttl
      phoihop ingest tin-hoi-nghi.txt --place "Lạng Sơn" --date 2019-05-14 -o tin.ttl
      cat note.txt | phoihop ingest - -o note.ttl
    """
    from .ingest import ingest_files, metadata

    meta = metadata("command line", place=place, date=day, title=title, publisher=publisher,
                    **{"source-url": source_url})
    ingest_files(files, out, base, max_bytes=max_mb * 1024 * 1024, meta=meta)
# --- query ---
@cli.command("query")
@click.argument("target", required=False, metavar="NAME|FILE|-")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a declared parameter (typed and escaped, see --list).")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle",
                                                           "ntriples", "rdfxml"]),
              help="Output format (default: table, or turtle for CONSTRUCT).")
@click.option("--list", "list_only", is_flag=True, help="List the named queries with their questions.")
@click.option("--endpoint", metavar="URL", help="Run on a remote SPARQL 1.1 endpoint instead.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True)
@click.option("-g", "--graph", "graphs", multiple=True, type=click.Path(path_type=Path),
              help="RDF files or folders to query (default: dist/phoihop.trig).")
@click.option("--timeout", type=SECONDS, metavar="SECONDS", help="Give up after this long (exit 2).")
@click.option("--max-rows", type=click.IntRange(min=1), metavar="N",
              help="Refuse (exit 2) an answer with more rows or triples than this, instead of printing it.")
@click.option("-o", "--out", default="-", show_default=True, help="Write the results here.")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of labels, actions and topics (the named queries' lang parameter).")
@click.option("--no-cache", is_flag=True, help="Run the query even if this release answered it before (answers "
              "of the built release are kept in ~/.cache/phoihop/answers; a release never changes).")
def query_cmd(target: str | None, params: tuple[str, ...], fmt: str | None, list_only: bool,
              endpoint: str | None, engine: str, graphs: tuple[Path, ...], timeout: float | None,
              max_rows: int | None, out: str, lang: str, no_cache: bool) -> None:
    """Run a named query, a .rq file or SPARQL from stdin on the graph.

    \b
    Example:
      phoihop query --list
      phoihop query programmes-active-in-year --param year=2023 --format csv
      phoihop query actor-commitments -p actor=id:actor/ha-noi/lien-doan-lao-dong --lang en
      echo 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | phoihop query -
      phoihop query coordination-pairs --endpoint http://127.0.0.1:7878/sparql
      phoihop query - --max-rows 1000 < big.rq
    """
    from .query import run_command

    stdin_text = sys.stdin.read() if target == "-" else None
    run_command(target, stdin_text=stdin_text, params=params, fmt=fmt, list_only=list_only, endpoint=endpoint,
                engine=engine, graphs=graphs, timeout=timeout, max_rows=max_rows, out=out, lang=lang,
                cache=not no_cache)


# --- serve ---
@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
@click.option("-g", "--graph", "graphs", multiple=True, type=click.Path(path_type=Path),
              help="RDF files or folders to serve (default: the built graph; its store answers at once while "
              "the graph loads into memory).")
@click.option("--timeout", default=10.0, show_default=True, type=SECONDS, help="Seconds one query may run.")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(min=1),
              help="Largest result served.")
@click.option("--max-query-chars", default=20_000, show_default=True, type=click.IntRange(min=1),
              help="Longest query accepted.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="Queries run at once (processes).")
@click.option("--cache-mb", default=64.0, show_default=True, type=click.FloatRange(min=0),
              help="Answers kept to answer the same request again at once (the graph is read-only); 0: none.")
def serve_cmd(host: str, port: int, graphs: tuple[Path, ...], timeout: float, max_rows: int,
              max_query_chars: int, workers: int, cache_mb: float) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql, with a query page at /.

    \b
    Example:
      phoihop serve
      phoihop serve --port 8000 --graph dist/phoihop.trig --timeout 30
      curl 'http://127.0.0.1:7878/sparql?query=ASK%7B%7D' -H 'Accept: application/sparql-results+json'
    """
    from .serve import Limits, serve

    serve(list(graphs) or None, host=host, port=port,
          limits=Limits(timeout=timeout, max_rows=max_rows, max_query_chars=max_query_chars, workers=workers,
                        cache_mb=cache_mb))


# --- push ---
@cli.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store (Oxigraph) or "
                   "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--update-endpoint", metavar="URL",
              help="The store's SPARQL Update URL (Oxigraph: .../update): the staged graphs are then swapped "
                   "in by one update request instead of a second upload.")
@click.option("--graph", metavar="IRI", help="Push only this named graph (or put a triples file into it).")
@click.option("--prune/--no-prune", default=True, show_default=True,
              help="Remove graphs an earlier push wrote that this build no longer has.")
@click.option("--user", help="User name when the store asks for one (Basic or Digest).")
@click.option("--password", help="Password for --user.")
@click.option("--timeout", default=300.0, show_default=True, type=SECONDS, help="Seconds per request.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def push_cmd(endpoint: str, update_endpoint: str | None, graph: str | None, prune: bool, user: str | None,
             password: str | None, timeout: float, files: tuple[Path, ...]) -> None:
    """Replace the graphs in a triple store with the built graph (SPARQL 1.1 Graph Store Protocol).

    Every graph is staged under a temporary name first: when the store refuses one, nothing
    changes. Prints what changed, graph by graph. Exit 3 with the server's message when the
    store fails.

    \b
    Example:
      phoihop push --endpoint http://127.0.0.1:7878/store --update-endpoint http://127.0.0.1:7878/update
      phoihop push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --user dba --password dba
      phoihop push --endpoint http://127.0.0.1:7878/store --graph id:graph/common
    """
    from .push import push

    pushed = push(endpoint, list(files) or None, graph=graph, user=user, password=password, timeout=timeout,
                  update=update_endpoint, prune=prune)
    for item in pushed:
        click.echo(f"{item.triples:8d}  {item.graph}  {item.change}", err=True)
    changes = {c: sum(1 for p in pushed if p.change == c) for c in ("replaced", "created", "removed")}
    click.echo(", ".join(f"{n} {c}" for c, n in changes.items()), err=True)


# --- review ---
@cli.command("review")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE.ttl…")
@click.option("--text", "text", type=click.Path(path_type=Path),
              help="The source text (default: the file named by the graph's ph:SourceDocument, beside "
                   "FILE or in the current folder).")
@click.option("-o", "--out", help="HTML page to write (a folder: <source>.review.html in it); - = stdout.  "
                                  "[default: <source>.review.html]")
@click.option("--threshold", default=0.6, show_default=True, type=click.FloatRange(0.0, 1.0),
              help="Facts whose confidence is below this stand out.")
def review_cmd(files: tuple[Path, ...], text: Path | None, out: str | None, threshold: float) -> None:
    """Write one offline HTML page showing a source text with every fact of the graph marked at its offsets.

    Colours tell the kind (actor, instrument, person, post, commitment, event, indicator); a click opens
    the fact's triples in plain words, and a commitment's lead, partners, addressees and instruments light
    up. Several files are read as one graph (curated data: the source's file plus data/actors.ttl, or
    the built dist/phoihop.trig); when they describe several sources, --text chooses one.

    \b
    Example:
      phoihop ingest quy-che.txt -o quy-che.ttl && phoihop review quy-che.ttl
      phoihop review new.ttl --text ~/docs/new.txt -o /tmp/new.html --threshold 0.7
      phoihop review dist/phoihop.trig --text ../shared/seeds/001_f716503169c28a2f.txt
    """
    from .review import review

    review(files, text, out, threshold)


# --- export ---
_EXPORT_GRAPHS = ("coordination", "citation", "hierarchy", "bipartite", "all")
_EXPORT_FORMATS = ("graphml", "gexf", "cyjs", "json", "dot", "csv", "html", "svg", "png", "all")


@cli.command("export")
@click.option("--graph", "graphs", multiple=True, default=("all",), show_default=True,
              type=click.Choice(_EXPORT_GRAPHS), help="Network(s) to build; repeat for several.")
@click.option("--format", "formats", multiple=True, default=("all",), show_default=True,
              type=click.Choice(_EXPORT_FORMATS), help="File format(s); repeat for several.")
@click.option("--out", "out_dir", default="dist/network", show_default=True, type=click.Path(path_type=Path),
              help="Folder for <graph>.<format> files.")
@click.option("--input", "inputs", multiple=True, type=click.Path(path_type=Path),
              help="Built graph files or folders (default: dist/phoihop.trig).")
@click.option("--topic", help="Keep ties about this topic code (e.g. worker-welfare).")
@click.option("--year", type=int, help="Keep ties in force in this year.")
@click.option("--level", help="Keep nodes of this level (national, province, district, commune, grassroots).")
@click.option("--metrics", "with_metrics", is_flag=True,
              help="Also write <graph>-metrics.csv (degree, betweenness, community) and print the top nodes.")
@click.option("--ontology-doc", type=click.Path(path_type=Path),
              help="Also write the ontology documentation page here (needs pip install 'phoihop[docs]').")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
              help="Language of labels, legends and titles (the html page can switch at any time).")
@click.option("--max-nodes", type=click.IntRange(min=0), default=150, show_default=True,
              help="Nodes in an svg/png picture, best connected first; 0 draws the whole network.")
def export_command(graphs, formats, out_dir, inputs, topic, year, level, with_metrics, ontology_doc, lang,
                   max_nodes) -> None:
    """Export who-coordinates-with-whom networks for Gephi, Cytoscape, igraph, Graphviz and the browser.

    Networks: coordination (actors sharing an agreement or a commitment), citation (instruments),
    hierarchy (actors and areas), bipartite (actors and commitments). GraphML, GEXF, DOT and CSV hold
    scalars only, so list attributes (topics, years, programmes, relations) are joined with ';'.
    The html page works offline from the one file. --format all also writes ontology.html.

    \b
    Example:
      phoihop export --graph coordination --format html --out /tmp/net
      phoihop export --graph all --format graphml --format gexf --topic worker-welfare --year 2023
      phoihop export --graph coordination --format png --metrics --level province
      phoihop export --graph citation --format svg --max-nodes 0 --lang en
    """
    from .export import export, format_top
    from .network import Filters
    from .style import Options

    result = export(list(inputs), graphs, formats, out_dir,
                    Filters(topic=topic, year=year, level=level), with_metrics, ontology_doc,
                    Options(lang=lang, max_nodes=max_nodes))
    for name, rows in result.metrics.items():
        click.echo(format_top(name, rows))
    seconds = sum(result.seconds.values())
    click.echo(f"wrote {len(result.outputs)} files to {out_dir} in {seconds:.2f}s", err=True)


# --- synth ---
@cli.command("synth")
@click.option("--triples", "size", required=True, help="Target size: a number or 10k, 100k, 1M, 5M.")
@click.option("-o", "--out", required=True, help="Output file: .nt, .nq (one graph per source) or .ttl; - = stdout.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed and size, same bytes.")
def synth_command(size: str, out: str, seed: int) -> None:
    """Write a synthetic all-Vietnam graph (benchmarks, scale tests) that conforms to the shapes.

    Provinces come from the gazetteer; bodies, pairs, tasks and names from data/synth and the lexicon.
    Build it with the gazetteer and ontology: phoihop build --data FILE.

    \b
    Example:
      phoihop synth --triples 100k -o /tmp/synth-100k.nt
      phoihop synth --triples 1M --seed 7 -o /tmp/synth-1m.nq
    """
    from .synth import synth

    result = synth(size, out, seed)
    kinds = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    click.echo(f"{result.triples} triples in {result.seconds:.1f}s -> {out} ({kinds})", err=True)


def _terminate(signum: int, _frame) -> None:
    """SIGTERM unwinds like Ctrl-C, so atomic writers delete their temp files on the way out."""
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    cli.main(args=argv, prog_name="phoihop")


if __name__ == "__main__":
    main()
