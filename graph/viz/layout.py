"""A seeded, stable layout: the same graph always gets the same positions.

igraph's Fruchterman-Reingold (the grid variant past 500 nodes) takes 0.3 s
on 3,000 nodes where networkx's ``spring_layout`` takes 25 s here.  igraph's
random generator is global, so it is seeded (and restored) under a lock for
each call; the node order is sorted so the answer depends only on the graph.
"""

from __future__ import annotations

import math
import random
import threading

import networkx as nx

__all__ = ["layout", "DEFAULT_SEED"]

DEFAULT_SEED = 7
_LOCK = threading.Lock()


def layout(g: nx.Graph, *, seed: int = DEFAULT_SEED, spacing: float = 140.0) -> dict[str, tuple[float, float]]:
    """Pixel positions ``{node: (x, y)}`` for ``g``, deterministic for a seed.

    Examples
    --------
    >>> g = nx.path_graph(["a", "b", "c"])
    >>> layout(g) == layout(g)
    True
    >>> sorted(layout(g))
    ['a', 'b', 'c']
    """
    import igraph as ig

    nodes = sorted(g.nodes, key=str)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {node: i for i, node in enumerate(nodes)}
    edges = sorted({tuple(sorted((index[u], index[v]))) for u, v in g.edges() if u != v})
    h = ig.Graph(n=n, edges=edges)
    with _LOCK:
        ig.set_random_number_generator(random.Random(seed))
        try:
            coords = h.layout_fruchterman_reingold(niter=500 if n <= 500 else 300, grid=n > 500).coords
        finally:
            ig.set_random_number_generator(random)
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    # spread so the canvas holds about `spacing` pixels per node along a side
    scale = spacing * math.sqrt(n) / extent
    return {node: (round((x - cx) * scale, 1), round((y - cy) * scale, 1)) for node, (x, y) in zip(nodes, coords)}
