"""Gould-Fernandez brokerage roles by group (sector by default).

A broker ``b`` sits on an open two-path ``a -> b -> c`` (``a != c`` and no tie
``a -> c``).  By the groups of the three (Gould and Fernandez 1989):

============== ============================= ====================================
role           groups                        reading
============== ============================= ====================================
coordinator    a = b = c                     brokers inside its own sector
consultant     a = c != b                    (itinerant) outsider linking two of a sector
representative a = b != c                    carries its sector's flow out
gatekeeper     b = c != a                    lets flow from outside into its sector
liaison        a, b, c all different         links two other sectors
============== ============================= ====================================

Nodes whose group is unknown (None) form a group of their own.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

__all__ = ["BROKERAGE_ROLES", "brokerage", "role_of"]

#: Roles of a broker b on a two-path a -> b -> c with no tie a -> c.
BROKERAGE_ROLES: tuple[str, ...] = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")


def role_of(ga, gb, gc) -> str:
    """The role of the broker (group ``gb``) between ``a`` (``ga``) and ``c`` (``gc``).

    Parameters
    ----------
    ga, gb, gc : hashable
        The groups of the source ``a``, the broker ``b`` and the target ``c``.

    Returns
    -------
    str
        One of :data:`BROKERAGE_ROLES`.

    References
    ----------
    .. [1] Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation:
       a formal approach to brokerage in transaction networks. *Sociological
       Methodology* 19, 89-126.

    Examples
    --------
    >>> role_of("public", "public", "private"), role_of("x", "y", "x"), role_of(1, 2, 3)
    ('representative', 'consultant', 'liaison')
    """
    if ga == gb:
        return "coordinator" if gb == gc else "representative"
    if gb == gc:
        return "gatekeeper"
    return "consultant" if ga == gc else "liaison"


def brokerage(g: nx.DiGraph, *, attr: str = "sector") -> pd.DataFrame:
    """Counts of each Gould-Fernandez role per node of the directed graph ``g``.

    One row per node (index = node), one column per role in
    :data:`BROKERAGE_ROLES` plus ``brokerage`` (their total).  Parallel edges
    and self-loops are ignored.

    Parameters
    ----------
    g : networkx.DiGraph
        Directed ties (a multigraph is read as simple).
    attr : str, keyword-only
        The node attribute that names the group (default ``sector``).

    Returns
    -------
    pandas.DataFrame
        Index: the nodes; columns: the roles and ``brokerage``, integers.

    References
    ----------
    .. [1] Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation:
       a formal approach to brokerage in transaction networks. *Sociological
       Methodology* 19, 89-126.

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(g, {"a": "public", "b": "social_economy", "c": "social_economy"}, "sector")
    >>> brokerage(g).loc["b", ["gatekeeper", "brokerage"]].tolist()
    [1, 1]
    """
    group = {v: d.get(attr) for v, d in g.nodes(data=True)}
    succ = {v: set(g.successors(v)) - {v} for v in g}
    counts = {v: dict.fromkeys(BROKERAGE_ROLES, 0) for v in g}
    for b in g:
        out = succ[b]
        if not out:
            continue
        gb = group[b]
        for a in g.predecessors(b):
            if a == b:
                continue
            ga, closed = group[a], succ[a]
            row = counts[b]
            for c in out:
                if c == a or c in closed:
                    continue
                row[role_of(ga, gb, group[c])] += 1
    frame = (
        pd.DataFrame.from_dict(counts, orient="index", columns=list(BROKERAGE_ROLES))
        if counts
        else pd.DataFrame(columns=list(BROKERAGE_ROLES))
    )
    frame = frame.astype(int)
    frame["brokerage"] = frame.sum(axis=1).astype(int)
    return frame
