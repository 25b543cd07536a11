"""One exception hierarchy; every message points at a file and line, a shape or a source span.

The CLI turns these into one line on stderr and the exit code below, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class PhoihopError(Exception):
    """Base of every error phoihop reports to a user."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 column: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


class InputError(PhoihopError):
    """Unreadable or malformed input: a file that cannot be read, parsed or decoded (exit 2)."""

    exit_code = 2


class UsageError(PhoihopError):
    """Options that do not fit together, or a name that does not exist (exit 2)."""

    exit_code = 2


class DataInvalid(PhoihopError):
    """The data was read but breaks the shapes, a check query or the ontology (exit 1)."""

    exit_code = 1


class StoreError(PhoihopError):
    """An external SPARQL store or endpoint failed (exit 3)."""

    exit_code = 3


class QueryTimeout(PhoihopError):
    """A query ran past its time limit (exit 2: the request, not the data, is at fault)."""

    exit_code = 2
