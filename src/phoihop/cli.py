"""The `phoihop` command: parses options and calls one library function per command, nothing more.

Exit codes: 0 ok, 1 the data is invalid, 2 usage or unreadable input, 3 an external store failed.
"""

from __future__ import annotations

import logging
import os
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


# --- build ---
@cli.command()
@click.option("--data", "data", multiple=True, type=click.Path(path_type=Path),
              help="Data files or folders (default: the project's data/).")
@click.option("-o", "--out", "out_dir", default="dist", show_default=True, type=click.Path(path_type=Path),
              help="Folder for phoihop.ttl, phoihop.trig and the validation report.")
@click.option("--no-validate", is_flag=True, help="Skip SHACL and check queries (faster, unsafe).")
def build(data: tuple[Path, ...], out_dir: Path, no_validate: bool) -> None:
    """Build the graph: load ontology + data, infer, validate, write dist/.

    Exits 1 with a readable report when the graph does not conform; the previous
    outputs are then left untouched.

    \b
    Example:
      phoihop build
      phoihop build --data data/ --data more.ttl -o /tmp/out
    """
    from .build import build as run_build

    result = run_build(list(data) or None, out_dir, validate=not no_validate)
    for name, count in result.counts.items():
        click.echo(f"{count:8d}  {name}", err=True)
    steps = ", ".join(f"{k} {v:.2f}s" for k, v in result.seconds.items())
    click.echo(f"{result.triples} triples ({steps}); wrote {', '.join(map(str, result.outputs))}", err=True)


# --- validate ---
@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@click.option("--owl", is_flag=True, help="Also check OWL consistency with HermiT (needs Java).")
def validate(files: tuple[Path, ...], fmt: str, owl: bool) -> None:
    """SHACL-validate the built graph (dist/phoihop.ttl) or the given data files.

    Exit 0 conforms, 1 violations, 2 unreadable input.

    \b
    Example:
      phoihop validate
      phoihop validate data/001_f716503169c28a2f.ttl --format json
    """
    from .validate import render, validate_report

    report = validate_report(list(files), owl=owl)
    click.echo(render(report, fmt))
    if not report.conforms:
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
# --- query ---
# --- serve ---
# --- push ---
# --- export ---
# --- synth ---


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv, prog_name="phoihop")


if __name__ == "__main__":
    main()
