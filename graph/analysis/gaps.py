"""Gaps in cooperation: coverage of gminy and the whole gap report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pandas as pd

from ..store import Store
from .findings import Finding, Suggestion
from .structure import Structure

__all__ = ["COVERAGE_COLUMNS", "coverage", "GapReport", "gap_report"]

#: Coverage columns besides one ``pes:<kind>`` column per PES kind.
COVERAGE_COLUMNS: tuple[str, ...] = ("ops", "pes", "firm", "pup_tie", "owes_support", "rops_advice")


def coverage(g: nx.MultiDiGraph, store: Store) -> pd.DataFrame:
    """Gmina x expected partner: counts of organisations seated in each gmina."""
    raise NotImplementedError


@dataclass(frozen=True)
class GapReport:
    """Everything ``python -m graph gaps`` shows."""

    as_of: str | None
    coverage: pd.DataFrame
    findings: tuple[Finding, ...]
    structure: Structure
    suggestions: tuple[Suggestion, ...]
    network: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)


def gap_report(
    store: Store,
    *,
    as_of: dt.date | str | None = None,
    expectations: str | Path | None = None,
    top: int = 10,
    seed: int = 0,
    graph: nx.MultiDiGraph | None = None,
) -> GapReport:
    """Coverage, expectation findings, structure and suggested ties on ``as_of``."""
    raise NotImplementedError
