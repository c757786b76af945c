"""Expectations as data: SHACL shapes (data/expectations.ttl) checked as findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import rdflib

from ..settings import DATA_DIR
from ..store import Store
from .findings import Finding

__all__ = ["EXPECTATIONS_FILE", "load_expectations", "check_expectations"]

#: The bundled expectations coordinators edit.
EXPECTATIONS_FILE = DATA_DIR / "expectations.ttl"


def load_expectations(path: str | Path = EXPECTATIONS_FILE) -> rdflib.Graph:
    """The shapes of an expectations file; raises ExpectationsError if it is not valid SHACL."""
    raise NotImplementedError


def check_expectations(
    store: Store,
    shapes: rdflib.Graph | None = None,
    *,
    as_of: dt.date | str | None = None,
    engine: str = "auto",
) -> tuple[Finding, ...]:
    """Findings of the expectations on the data valid on ``as_of``.

    ``engine``: ``"pyshacl"`` (the reference), ``"oxigraph"`` (each SPARQL
    constraint as one query over every focus node; SPARQL-based shapes only)
    or ``"auto"`` (oxigraph where the shapes allow).
    """
    raise NotImplementedError
