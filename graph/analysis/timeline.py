"""Time: the network as of a date, and the change between two dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..store import Store
from .findings import Finding

__all__ = ["parse_date", "snapshot_store", "Diff", "diff_report"]


def parse_date(value: dt.date | str | None, *, field: str = "date") -> dt.date | None:
    """A date from ``YYYY-MM-DD`` or ``today``; raises InvalidDate otherwise."""
    raise NotImplementedError


def snapshot_store(store: Store, as_of: dt.date | str | None) -> Store:
    """A store with the ties and memberships not valid on ``as_of`` left out."""
    raise NotImplementedError


@dataclass(frozen=True)
class Diff:
    """The change between two dates."""

    date1: str
    date2: str
    findings: tuple[Finding, ...]


def diff_report(store: Store, date1: dt.date | str, date2: dt.date | str, *, top: int = 10) -> Diff:
    """Who joined and left, ties new and ended, change in coverage and in the main brokers."""
    raise NotImplementedError
