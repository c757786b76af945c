"""Measures of organisations and of the network."""

from __future__ import annotations

import networkx as nx
import pandas as pd

__all__ = ["EXACT_MAX_NODES", "node_metrics", "network_metrics"]

#: Past this many organisations, betweenness and closeness are sampled.
EXACT_MAX_NODES = 5000


def node_metrics(g: nx.MultiDiGraph, *, seed: int = 0, exact: bool | None = None) -> pd.DataFrame:
    """One row per organisation (index = IRI).

    Columns: ``label``, ``label_en``, ``kind``, ``sector``, ``gmina``,
    ``gmina_label``; ``degree`` (distinct partners), ``ties``, ``out_<kind>``
    and ``in_<kind>`` per tie kind; ``betweenness``, ``harmonic``
    (normalised harmonic closeness), ``pagerank``, ``core`` (k-core number),
    ``constraint`` and ``effective_size`` (Burt), the five brokerage roles by
    sector, and ``community`` (Louvain, seeded).
    """
    raise NotImplementedError


def network_metrics(g: nx.MultiDiGraph) -> dict:
    """Size, density, components, share of cross-sector ties, E-I indices, sector densities."""
    raise NotImplementedError
