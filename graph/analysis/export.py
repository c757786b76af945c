"""The network with its attributes and metrics for Gephi, Cytoscape and yEd."""

from __future__ import annotations

import networkx as nx
import pandas as pd

__all__ = ["EXPORT_FORMATS", "export_network"]

EXPORT_FORMATS: tuple[str, ...] = ("gexf", "graphml", "json")


def export_network(g: nx.MultiDiGraph, fmt: str, *, metrics: pd.DataFrame | None = None) -> bytes:
    """``g`` serialised as GEXF, GraphML or node-link JSON, metrics as node attributes."""
    raise NotImplementedError
