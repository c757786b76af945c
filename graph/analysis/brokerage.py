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
import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["BROKERAGE_ROLES", "brokerage", "role_counts", "role_of"]

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
    nodes = list(g)
    if not nodes:
        frame = pd.DataFrame(columns=list(BROKERAGE_ROLES)).astype(int)
        frame["brokerage"] = frame.sum(axis=1).astype(int)
        return frame
    position = {v: i for i, v in enumerate(nodes)}
    pairs = {(position[u], position[v]) for u, v in g.edges() if u != v}
    codes: dict = {}
    group = [codes.setdefault(d.get(attr), len(codes)) for _, d in g.nodes(data=True)]
    counts = role_counts(len(nodes), [u for u, _ in pairs], [v for _, v in pairs], group)
    frame = pd.DataFrame(counts, index=pd.Index(nodes), columns=list(BROKERAGE_ROLES))
    frame["brokerage"] = frame.sum(axis=1).astype(int)
    return frame


def role_counts(n: int, src, dst, group) -> np.ndarray:
    """Counts of each role (columns in :data:`BROKERAGE_ROLES` order) of nodes ``0 .. n-1``.

    ``src[i] -> dst[i]`` are the ties of a directed simple graph (no loop, no
    pair twice); ``group[v]`` the number of the group of ``v``.  Exact
    integers, with sparse matrices: for broker ``b`` and groups ``x`` (of
    ``a``) and ``y`` (of ``c``), the open two-paths are all pairs of a
    predecessor in ``x`` and a successor in ``y``, less the pairs ``a = c``
    (reciprocal ties) and those closed by a tie ``a -> c``.

    >>> role_counts(3, [0, 1], [1, 2], [0, 1, 1]).tolist()  # a -> b -> c, b and c in one group
    [[0, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 0, 0]]
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    group = np.asarray(group, dtype=np.int64)
    k = int(group.max()) + 1 if n else 0
    a = sp.csr_array((np.ones(len(src), dtype=np.int64), (src, dst)), shape=(n, n))
    one_hot = sp.csr_array((np.ones(n, dtype=np.int64), (np.arange(n), group)), shape=(n, k))
    into = (a.T @ one_hot).toarray()  # [b, x]: predecessors of b in group x
    out = (a @ one_hot).toarray()  # [b, y]: successors of b in group y
    paths = into[:, :, None] * out[:, None, :]  # [b, x, y]: every a -> b -> c
    both = (a.multiply(a.T) @ one_hot).toarray()  # a = c: a -> b -> a
    idx = np.arange(k)
    paths[:, idx, idx] -= both
    for y in range(k):
        in_y = sp.diags_array((group == y).astype(np.int64), dtype=np.int64)
        shared = a @ in_y @ a.T  # [a, b]: successors of both a and b in group y
        closed = sp.csr_array(a.multiply(shared))  # only where a -> b
        paths[:, :, y] -= (closed.T @ one_hot).toarray()
    rows = np.arange(n)
    coordinator = paths[rows, group, group]
    representative = paths[rows, group, :].sum(axis=1) - coordinator
    gatekeeper = paths[rows, :, group].sum(axis=1) - coordinator
    consultant = paths[:, idx, idx].sum(axis=1) - coordinator
    liaison = paths.sum(axis=(1, 2)) - coordinator - representative - gatekeeper - consultant
    return np.column_stack([coordinator, gatekeeper, representative, consultant, liaison])
