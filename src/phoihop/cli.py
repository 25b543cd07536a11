"""The `phoihop` command: parses options and calls one library function per command, nothing more.

Exit codes: 0 ok, 1 the data is invalid, 2 usage or unreadable input, 3 an external store failed.
"""

from __future__ import annotations

import logging
import os
import sys

import click

from . import __version__
from .errors import PhoihopError

log = logging.getLogger("phoihop")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
# --- validate ---
# --- eval ---
# --- ingest ---
# --- query ---
# --- serve ---
# --- push ---
# --- export ---
# --- synth ---


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the command; a PhoihopError becomes one line on stderr and its exit code."""
    try:
        cli.main(args=argv, prog_name="phoihop", standalone_mode=False)
    except PhoihopError as err:
        click.echo(f"phoihop: {err}", err=True)
        return err.exit_code
    except click.exceptions.Abort:
        click.echo("phoihop: interrupted", err=True)
        return 130
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except KeyboardInterrupt:
        click.echo("phoihop: interrupted", err=True)
        return 130
    except Exception as err:  # noqa: BLE001 - the last line of defence: never a traceback
        if os.environ.get("PHOIHOP_DEBUG"):
            raise
        click.echo(f"phoihop: internal error: {type(err).__name__}: {err} (PHOIHOP_DEBUG=1 shows more)",
                   err=True)
        return 70
    return 0


if __name__ == "__main__":
    sys.exit(main())
