"""Gould-Fernandez brokerage roles by group (sector by default)."""

from __future__ import annotations

import networkx as nx
import pandas as pd

__all__ = ["BROKERAGE_ROLES", "brokerage"]

#: Roles of a broker b on a two-path a -> b -> c with no tie a -> c.
BROKERAGE_ROLES: tuple[str, ...] = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")


def brokerage(g: nx.DiGraph, *, attr: str = "sector") -> pd.DataFrame:
    """Counts of each Gould-Fernandez role per node of the directed graph ``g``.

    One row per node (index = node), one column per role in
    :data:`BROKERAGE_ROLES` plus ``brokerage`` (their total).
    """
    raise NotImplementedError
