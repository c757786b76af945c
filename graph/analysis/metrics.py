"""Measures of organisations and of the network.

All measures work on the organisations of a :func:`to_networkx` projection
(agreements and people left out, see :mod:`graph.analysis.network`), on the
undirected simple graph (one edge per pair that has any tie) unless said
otherwise: degree by tie kind and direction, and brokerage, use the ties'
direction.

Exact or not
------------
Betweenness and harmonic closeness cost O(n*m).  Up to
:data:`NX_MAX_NODES` organisations they come from networkx (the reference);
up to :data:`EXACT_MAX_NODES` from igraph, exact, in C (the synthetic national
network, 31,000 organisations, takes about 3 s); past that, betweenness is
sampled from :data:`SAMPLE_K` pivots with a seed (networkx ``k=``, ``seed=``)
and harmonic closeness still comes from igraph.  Louvain communities come
from networkx up to :data:`LOUVAIN_NX_MAX_NODES` organisations, from igraph's
multilevel (seeded) past it.  tests/test_metrics.py holds
igraph to networkx within 1e-9 and states the sampling error.

Past :data:`~.offload.OFFLOAD_MIN_NODES` organisations :func:`node_metrics`
computes betweenness and harmonic closeness in forked children
(:mod:`.offload`) while it computes the rest: igraph holds the GIL, so in
the dashboard's process they would stop every other thread for seconds.
Brokerage, k-cores, Burt's measures and transitivity are exact integer or
sparse-matrix computations on the shared arrays of the organisation graph
(:func:`~.network.graph_index`).
"""

from __future__ import annotations

import threading
from collections import Counter
from contextlib import contextmanager

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..model import SECTORS, TIE_KINDS
from .brokerage import BROKERAGE_ROLES, role_counts
from .network import graph_index, organisation_graph, quiet, shared
from .offload import OFFLOAD_MIN_NODES, offload

__all__ = [
    "NX_MAX_NODES",
    "EXACT_MAX_NODES",
    "LOUVAIN_NX_MAX_NODES",
    "SAMPLE_K",
    "METHODS",
    "betweenness",
    "harmonic",
    "burt",
    "node_metrics",
    "network_metrics",
    "ei_index",
    "prefetch_closeness",
]

#: Up to this many organisations, networkx computes betweenness and closeness.
NX_MAX_NODES = 500
#: Up to this many, igraph computes them exactly; past it, betweenness is sampled.
EXACT_MAX_NODES = 100_000
#: Up to this many organisations, networkx finds the Louvain communities; past it, igraph's
#: multilevel (the same method, in C, seeded), about ten times faster on the national network.
LOUVAIN_NX_MAX_NODES = 5000
#: Pivots of sampled betweenness.
SAMPLE_K = 500
METHODS: tuple[str, ...] = ("auto", "networkx", "igraph", "sampled")

_INFO_COLUMNS = ("label", "label_en", "type", "kind", "sector", "gmina", "gmina_label", "synthetic")


def _method(n: int, method: str) -> str:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if method != "auto":
        return method
    if n <= NX_MAX_NODES:
        return "networkx"
    return "igraph" if n <= EXACT_MAX_NODES else "sampled"


def _igraph(h: nx.Graph):
    """``h`` for igraph (once per frozen ``h``) and its nodes in igraph's order.

    igraph's functions hold the GIL while they run: other threads of the process wait."""
    index = graph_index(h)
    return index.igraph(), index.nodes


def betweenness(h: nx.Graph, *, method: str = "auto", k: int = SAMPLE_K, seed: int = 0) -> dict:
    """Normalised betweenness of the undirected simple graph ``h`` (networkx's scale).

    Parameters
    ----------
    h : networkx.Graph
        Undirected, simple (one edge per pair).
    method : {"auto", "networkx", "igraph", "sampled"}, keyword-only
        The algorithm; ``auto`` chooses by size (see the module docstring).
    k : int, keyword-only
        Pivots when sampled.
    seed : int, keyword-only
        Seed of the sampled pivots.

    Returns
    -------
    dict
        Node -> betweenness, divided by ``(n - 1)(n - 2) / 2``.

    References
    ----------
    .. [1] Brandes, U. (2001). A faster algorithm for betweenness centrality.
       *Journal of Mathematical Sociology* 25(2), 163-177.
    .. [2] Krackhardt, D. (1990). Assessing the political landscape: structure,
       cognition, and power in organizations. *Administrative Science
       Quarterly* 35(2), 342-369 (the kite graph).

    Examples
    --------
    >>> round(betweenness(nx.krackhardt_kite_graph())[7], 3)  # Heather, the broker
    0.389
    """
    n = h.number_of_nodes()
    how = _method(n, method)
    if how == "networkx" or n < 3:
        return nx.betweenness_centrality(h)
    if how == "sampled":
        return nx.betweenness_centrality(h, k=min(k, n), seed=seed)
    g, nodes = _igraph(h)
    return _scaled(nodes, g.betweenness(directed=False))


def _scaled(nodes, values) -> dict:
    """igraph's betweenness of each node on networkx's scale (divided by (n - 1)(n - 2) / 2)."""
    n = len(nodes)
    scale = 2.0 / ((n - 1) * (n - 2))
    return {v: b * scale for v, b in zip(nodes, values)}


def harmonic(h: nx.Graph, *, method: str = "auto") -> dict:
    """Harmonic closeness of ``h``, divided by n - 1 (1.0 = next to everyone).

    Parameters
    ----------
    h : networkx.Graph
        Undirected, simple.
    method : {"auto", "networkx", "igraph"}, keyword-only
        The algorithm; ``auto`` chooses by size.

    Returns
    -------
    dict
        Node -> the sum of ``1 / d(v, u)`` over the other nodes, divided by
        ``n - 1``; 0.0 for every node of a graph of fewer than two.

    References
    ----------
    .. [1] Marchiori, M. and Latora, V. (2000). Harmony in the small-world.
       *Physica A* 285(3-4), 539-546.

    Examples
    --------
    >>> harmonic(nx.path_graph(3))[1]
    1.0
    """
    n = h.number_of_nodes()
    if n < 2:
        return dict.fromkeys(h, 0.0)
    if _method(n, method) == "networkx":
        # networkx's harmonic_centrality adds the terms in the order of a set (it changes
        # with the process's hash seed, and so did the last digit): here in a fixed order
        return {v: sum(1 / d for d in nx.single_source_shortest_path_length(h, v).values() if d) / (n - 1) for v in h}
    g, nodes = _igraph(h)
    return dict(zip(nodes, g.harmonic_centrality(normalized=True)))


def burt(h: nx.Graph) -> tuple[dict, dict]:
    """Burt's constraint and effective size on the unweighted graph ``h``.

    Vectorised with sparse matrices: ``p_ij = 1/deg(i)`` for a neighbour j,
    constraint ``c_i = sum_j (p_ij + sum_q p_iq p_qj)^2`` over neighbours j,
    effective size ``deg - 2 t / deg`` (t = ties among the neighbours).  The
    same values as networkx's ``constraint`` and ``effective_size``.

    Parameters
    ----------
    h : networkx.Graph
        Undirected; edge weights are ignored.

    Returns
    -------
    (dict, dict)
        Node -> constraint, node -> effective size; NaN for an isolate.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of
       Competition*. Harvard University Press.

    Examples
    --------
    >>> c, e = burt(nx.krackhardt_kite_graph())
    >>> round(c[7], 3), round(e[7], 3)
    (0.431, 2.333)
    """
    index = graph_index(h)
    nodes = index.nodes
    if not nodes:
        return {}, {}
    a = index.adjacency()
    deg = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    p = sp.diags(inv) @ a
    indirect = (p @ p).multiply(a)  # only for j a neighbour of i
    direct = p.tocsr()
    total = (direct + indirect).tocsr()
    total.data **= 2
    cons = np.asarray(total.sum(axis=1)).ravel()
    tri = index.triangles() / 2.0
    eff = np.where(deg > 0, deg - np.divide(2 * tri, deg, out=np.zeros_like(deg), where=deg > 0), np.nan)
    cons = np.where(deg > 0, cons, np.nan)
    return dict(zip(nodes, cons.tolist())), dict(zip(nodes, eff.tolist()))


def _communities(h: nx.Graph, seed: int) -> dict:
    out = {}
    if not len(graph_index(h).src):  # no edge (networkx counts them node by node)
        parts = [{v} for v in h]
    elif h.number_of_nodes() <= LOUVAIN_NX_MAX_NODES:
        parts = nx.community.louvain_communities(h, seed=seed)
    else:
        parts = _igraph_louvain(h, seed)
    # number communities by size, then by their smallest member, so numbers are stable
    for i, part in enumerate(sorted(parts, key=lambda c: (-len(c), min(map(str, c))))):
        for v in part:
            out[v] = i
    return out


_IGRAPH_RNG = threading.Lock()


def _igraph_louvain(h: nx.Graph, seed: int) -> list[set]:
    """Louvain communities by igraph's multilevel (Blondel et al.), its random order seeded."""
    import random

    import igraph as ig

    g, nodes = _igraph(h)
    with _IGRAPH_RNG:  # igraph's generator is process-wide: seeded, then given back
        ig.set_random_number_generator(random.Random(seed))
        try:
            membership = g.community_multilevel().membership
        finally:
            ig.set_random_number_generator(random)
    parts: dict[int, set] = {}
    for v, m in zip(nodes, membership):
        parts.setdefault(m, set()).add(v)
    return list(parts.values())


@quiet
def node_metrics(g: nx.Graph, *, seed: int = 0, method: str = "auto") -> pd.DataFrame:
    """One row per organisation of the projection ``g`` (index = IRI).

    Columns: ``label``, ``label_en``, ``type``, ``kind``, ``sector``,
    ``gmina``, ``gmina_label``, ``synthetic``; ``degree`` (distinct partners),
    ``ties`` (ties of any direction), ``out_<kind>`` and ``in_<kind>`` per tie
    kind; ``betweenness`` (normalised), ``harmonic`` (divided by n - 1),
    ``pagerank``, ``core`` (k-core number), ``constraint`` and
    ``effective_size`` (Burt), the brokerage roles by sector
    (``coordinator``, ``gatekeeper``, ``representative``, ``consultant``,
    ``liaison``, ``brokerage``), and ``community`` (Louvain, seeded; 0 is the
    largest).  ``method`` picks the betweenness and closeness algorithm (see
    the module docstring); the result is sorted by betweenness, largest
    first, then by IRI.

    Parameters
    ----------
    g : networkx.MultiDiGraph
        A :func:`~graph.analysis.projection.to_networkx` projection.
    seed : int, keyword-only
        Seed of the communities (and of sampled betweenness).
    method : {"auto", "networkx", "igraph", "sampled"}, keyword-only
        Betweenness and closeness algorithm.

    Returns
    -------
    pandas.DataFrame
        One row per organisation, the columns above.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes*. Harvard University Press
       (constraint, effective size).
    .. [2] Gould, R. V. and Fernandez, R. M. (1989). Structures of mediation.
       *Sociological Methodology* 19, 89-126 (brokerage roles).
    .. [3] Blondel, V. D. et al. (2008). Fast unfolding of communities in large
       networks. *J. Stat. Mech.* P10008 (Louvain).
    """
    h = organisation_graph(g)
    index = graph_index(h)
    with _closeness(h, method, seed) as closeness:  # at scale, started now in forked children
        nodes = list(index.nodes)
        n = len(nodes)
        attrs = [h.nodes[v] for v in nodes]
        columns: dict[str, object] = {col: [d.get(col) for d in attrs] for col in _INFO_COLUMNS}
        columns["degree"] = [len(h[v]) for v in nodes]
        # ties by kind and direction: one pass over the projection's ties between organisations
        position, kinds = index.position, {}
        src, dst, kind = [], [], []
        for u, v, k in g.edges(data="kind"):
            if u != v and u in position and v in position:
                src.append(position[u])
                dst.append(position[v])
                kind.append(kinds.setdefault(k, len(kinds)))
        src_a, dst_a, kind_a = (np.asarray(x, dtype=np.int64) for x in (src, dst, kind))
        size = n * max(len(kinds), 1)
        out = np.bincount(src_a * len(kinds) + kind_a, minlength=size).reshape(n, -1) if kinds else np.zeros((n, 1), dtype=np.int64)
        into = np.bincount(dst_a * len(kinds) + kind_a, minlength=size).reshape(n, -1) if kinds else np.zeros((n, 1), dtype=np.int64)
        columns["ties"] = (out.sum(axis=1) + into.sum(axis=1)).tolist()
        for k in TIE_KINDS:
            # a kind is matched as the text "out_<kind>" was: None and "None" are one kind
            at = [i for x, i in kinds.items() if str(x) == k]
            columns[f"out_{k}"] = out[:, at].sum(axis=1).tolist()
            columns[f"in_{k}"] = into[:, at].sum(axis=1).tolist()
        frame = pd.DataFrame(columns, index=pd.Index(nodes, name="iri"))
        if not nodes:
            return frame
        pr = nx.pagerank(h) if len(index.src) else dict.fromkeys(nodes, 1.0 / len(nodes))
        core = index.igraph().coreness()  # the k-core numbers (networkx's core_number), in C
        cons, eff = burt(h)
        # brokerage on the ties' direction (one per ordered pair), groups by sector
        pairs = np.unique(src_a * n + dst_a) if len(src_a) else np.zeros(0, dtype=np.int64)
        groups: dict = {}
        roles = role_counts(n, pairs // n, pairs % n, [groups.setdefault(d.get("sector"), len(groups)) for d in attrs])
        com = _communities(h, seed)
        bet, har = closeness()
    frame["betweenness"] = [bet[v] for v in nodes]
    frame["harmonic"] = [har[v] for v in nodes]
    frame["pagerank"] = [pr[v] for v in nodes]
    frame["core"] = core
    frame["constraint"] = [cons[v] for v in nodes]
    frame["effective_size"] = [eff[v] for v in nodes]
    for i, role in enumerate(BROKERAGE_ROLES):
        frame[role] = roles[:, i]
    frame["brokerage"] = roles.sum(axis=1)
    frame["community"] = [com[v] for v in nodes]
    frame["_iri"] = frame.index
    frame = frame.sort_values(["betweenness", "_iri"], ascending=[False, True]).drop(columns="_iri")
    return frame


def _offloaded(h: nx.Graph) -> bool:
    """Whether betweenness and harmonic closeness of ``h`` (method auto) run in forked children."""
    n = h.number_of_nodes()
    return n >= max(OFFLOAD_MIN_NODES, 3) and _method(n, "auto") == "igraph"


def _closeness_jobs(h: nx.Graph) -> tuple:
    """Betweenness and harmonic closeness of ``h`` started in forked children (once per frozen ``h``)."""

    def start():
        g, nodes = _igraph(h)  # built here: the children only call its methods
        return nodes, offload(True, g.betweenness, directed=False), offload(True, g.harmonic_centrality, normalized=True)

    return shared(h, "closeness", start)


def prefetch_closeness(g: nx.Graph) -> None:
    """Start, for a frozen projection past :data:`~.offload.OFFLOAD_MIN_NODES` organisations,
    the children that compute its betweenness and harmonic closeness (:func:`node_metrics`
    takes their answers).  The gap findings call it: on large data the report, and so the
    metrics, follow them, and the children work meanwhile."""
    if nx.is_frozen(g):
        h = organisation_graph(g)
        if _offloaded(h):
            _closeness_jobs(h)


@contextmanager
def _closeness(h: nx.Graph, method: str, seed: int):
    """A function giving (betweenness, harmonic closeness) of ``h``.

    Past :data:`~.offload.OFFLOAD_MIN_NODES` organisations (exact, by igraph) each runs
    in a forked child (:mod:`.offload`: the same values, while this process computes the
    other measures), started now unless :func:`prefetch_closeness` started it; else both
    are computed when asked for.
    """
    if not (_method(h.number_of_nodes(), method) == "igraph" and _offloaded(h)):
        yield lambda: (betweenness(h, method=method, seed=seed), harmonic(h, method=method))
        return
    nodes, bet, har = _closeness_jobs(h)
    try:
        yield lambda: (_scaled(nodes, bet.result()), dict(zip(nodes, har.result())))
    finally:
        if not nx.is_frozen(h):  # not shared: nobody else will ask these children
            bet.close()
            har.close()


def ei_index(h: nx.Graph, attr: str) -> float | None:
    """Krackhardt's E-I index of ``h`` by node attribute ``attr``: (E - I) / (E + I).

    Only pairs whose ends both have the attribute count.

    Parameters
    ----------
    h : networkx.Graph
        Undirected, simple.
    attr : str
        The node attribute that names the group (``sector``, ``gmina``).

    Returns
    -------
    float or None
        From -1 (every tie inside a group) to +1 (every tie between groups);
        None when no pair has both ends known.

    References
    ----------
    .. [1] Krackhardt, D. and Stern, R. N. (1988). Informal networks and
       organizational crises: an experimental simulation. *Social Psychology
       Quarterly* 51(2), 123-140.

    Examples
    --------
    >>> h = nx.Graph([(1, 2), (2, 3)]); nx.set_node_attributes(h, {1: "a", 2: "a", 3: "b"}, "s")
    >>> ei_index(h, "s")
    0.0
    """
    ext = inn = 0
    for u, v in h.edges():
        a, b = h.nodes[u].get(attr), h.nodes[v].get(attr)
        if a is None or b is None:
            continue
        if a == b:
            inn += 1
        else:
            ext += 1
    return None if ext + inn == 0 else (ext - inn) / (ext + inn)


def _sector_density(h: nx.Graph, pairs: Counter | None = None) -> dict[str, float | None]:
    """Density within and between sectors; ``pairs``: edges by sorted (sector, sector) text, if counted."""
    size = Counter(h.nodes[v].get("sector") for v in h)
    if pairs is None:
        pairs = Counter()
        for u, v in h.edges():
            pairs[tuple(sorted((str(h.nodes[u].get("sector")), str(h.nodes[v].get("sector")))))] += 1
    out: dict[str, float | None] = {}
    for i, a in enumerate(SECTORS):
        for b in SECTORS[i:]:
            x, y = sorted((a, b))
            possible = size[a] * (size[a] - 1) / 2 if a == b else size[a] * size[b]
            out[f"{x}|{y}"] = pairs[(x, y)] / possible if possible else None
    return out


def _density(n: int, m: int):
    """networkx's ``density`` of an undirected graph of ``n`` nodes and ``m`` edges (0, an int, when empty)."""
    if m == 0 or n <= 1:
        return 0
    return m / (n * (n - 1)) * 2


def _transitivity(h: nx.Graph):
    """networkx's ``transitivity`` (the same two integers, the same division), triangles by sparse matrices."""
    if not h.number_of_nodes():
        return 0
    triangles = int(graph_index(h).triangles().sum())  # twice the triangles at each node, summed: exact
    contri = sum(d * (d - 1) for _, d in h.degree())
    return 0 if triangles == 0 else triangles / contri


@quiet
def network_metrics(g: nx.Graph) -> dict:
    """Measures of the whole network of organisations, as plain values.

    Keys: ``organisations``, ``ties`` (qualified ties between organisations),
    ``pairs`` (pairs with any tie), ``density``, ``mean_degree``,
    ``components``, ``largest_component``, ``isolates``, ``transitivity``,
    ``cross_sector_share`` (share of ties whose ends are in different
    sectors, of those with both sectors known), ``ei_sector`` and
    ``ei_gmina`` (E-I index of the pairs), ``sector_density`` (density within
    and between sectors, keyed ``"public|social_economy"`` etc.).

    Parameters
    ----------
    g : networkx.MultiDiGraph
        A projection; only its organisations count.

    Returns
    -------
    dict
        The keys above, plain Python values (JSON-ready).

    References
    ----------
    .. [1] Krackhardt, D. and Stern, R. N. (1988). Informal networks and
       organizational crises: an experimental simulation. *Social Psychology
       Quarterly* 51(2), 123-140. (E-I index)

    Examples
    --------
    >>> m = network_metrics(nx.florentine_families_graph())
    >>> m["organisations"], m["pairs"], round(m["density"], 4), m["components"]
    (15, 20, 0.1905, 1)
    """
    h = organisation_graph(g)
    n, m = h.number_of_nodes(), len(graph_index(h).src)
    comps = sorted(graph_index(h).igraph().connected_components().sizes(), reverse=True) if n else []
    sector = {v: d.get("sector") for v, d in h.nodes(data=True)}
    gmina = {v: d.get("gmina") for v, d in h.nodes(data=True)}
    ties = cross = known = 0
    ei = {"sector": [0, 0], "gmina": [0, 0]}  # [between groups, within], pairs with both ends known
    pairs: Counter = Counter()
    for u, v, w in h.edges(data="weight", default=1):
        a, b = sector[u], sector[v]
        ties += w
        if a is not None and b is not None:
            known += w
            cross += w if a != b else 0
            ei["sector"][a == b] += 1
        pairs[(str(a), str(b)) if str(a) <= str(b) else (str(b), str(a))] += 1
        if gmina[u] is not None and gmina[v] is not None:
            ei["gmina"][gmina[u] == gmina[v]] += 1
    e_i = {k: None if ext + inn == 0 else (ext - inn) / (ext + inn) for k, (ext, inn) in ei.items()}
    return {
        "organisations": n,
        "ties": ties,
        "pairs": m,
        "density": _density(n, m) if n > 1 else 0.0,
        "mean_degree": 2 * m / n if n else 0.0,
        "components": len(comps),
        "largest_component": comps[0] if comps else 0,
        "isolates": sum(1 for v in h if not h[v]),
        "transitivity": _transitivity(h) if n else 0.0,
        "cross_sector_share": cross / known if known else None,
        "ei_sector": e_i["sector"],
        "ei_gmina": e_i["gmina"],
        "sector_density": _sector_density(h, pairs),
    }
