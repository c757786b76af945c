"""Counts of the network: organisations by kind, sector and gmina; ties by kind."""

from __future__ import annotations

from ..library import internal_query
from ..store import Store

__all__ = ["stats", "STATS_QUERIES"]

#: Dimension -> its query in graph/queries/internal/.
STATS_QUERIES: dict[str, str] = {name: f"count_by_{name}" for name in ("kind", "sector", "gmina", "tie_kind")}


def stats(store: Store, as_of=None) -> dict[str, list[tuple[str, str, int]]]:
    """For each dimension, rows of (IRI, Polish label, count), largest first.

    ``as_of`` (a date, ``YYYY-MM-DD`` or ``today``): only the organisations
    that exist and the ties that hold on that day (graph.dates.holds); the
    triple total stays that of the whole store.
    """
    from .dates import snapshot_store

    total = len(store)
    store = snapshot_store(store, as_of)
    out = {}
    for name, query in STATS_QUERIES.items():
        _, rows = store.select_values(internal_query(query))
        out[name] = [(key, label or key, int(n)) for key, label, n in rows]
    out["totals"] = [("triples", "triples", total)]
    return out
