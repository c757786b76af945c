"""Errors that name what went wrong and where.

Every error the core raises for bad input is a :class:`GraphError`; its
``str()`` is a one-line message fit for a terminal or a page (shown as text,
never as HTML).  Commands map them to exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GraphError",
    "DataError",
    "QueryError",
    "QueryRefused",
    "QueryTimeout",
    "SettingsError",
]


class GraphError(Exception):
    """Base class: bad input or a refused operation, with a clear message."""


@dataclass(frozen=True)
class Place:
    """Where a problem is: a file (or other source name) and a 1-based position."""

    source: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        out = self.source
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out


class DataError(GraphError):
    """An RDF file that cannot be read: missing, empty, binary, not UTF-8, bad syntax."""

    def __init__(self, source: str, problem: str, line: int | None = None, column: int | None = None):
        self.place = Place(str(source), line, column)
        self.problem = problem
        super().__init__(f"{self.place}: {problem}")

    def __reduce__(self):
        return (DataError, (self.source, self.problem, self.line, self.column))

    @property
    def source(self) -> str:
        return self.place.source

    @property
    def line(self) -> int | None:
        return self.place.line

    @property
    def column(self) -> int | None:
        return self.place.column


class QueryError(GraphError):
    """A SPARQL query that does not parse; ``line``/``column`` are 1-based."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None):
        self.problem = problem
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(f"SPARQL syntax error: {where}{problem}")

    def __reduce__(self):
        return (QueryError, (self.problem, self.line, self.column))


class QueryRefused(GraphError):
    """A query the read-only guard refuses (update, SERVICE, LOAD, remote FROM...)."""


class QueryTimeout(GraphError):
    """A query stopped at its time limit."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"query stopped at the time limit of {seconds:g} s")

    def __reduce__(self):
        return (QueryTimeout, (self.seconds,))


class SettingsError(GraphError):
    """A setting (environment variable, CLI option) with a bad value."""
