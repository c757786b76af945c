"""Errors of the analysis layer: bad input named plainly (exit code 2 in the CLI)."""

from __future__ import annotations

from ..errors import DataError, GraphError

__all__ = ["AnalysisError", "InvalidDate", "UnknownResource", "ExpectationsError"]


class AnalysisError(GraphError):
    """Base class of the analysis layer's input errors."""


class InvalidDate(AnalysisError):
    """A date that is not a date (``YYYY-MM-DD`` or ``today``), or dates in the wrong order."""


class UnknownResource(AnalysisError):
    """An organisation that is not in the network (what-if, lookups)."""


class ExpectationsError(DataError, AnalysisError):
    """An expectations file that cannot be read or is not valid SHACL."""
