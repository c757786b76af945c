"""Views of the projection that the measures work on.

:func:`to_networkx` gives a ``MultiDiGraph`` of organisations, unnamed groups,
agreements (and, on request, people), with one edge per qualified tie.  Most
measures want the organisations only, with at most one edge per pair:

* :func:`organisation_graph` - undirected, simple; edge attribute ``ties``
  (the tie IRIs) and ``kinds``; ``weight`` = number of ties;
* :func:`organisation_digraph` - directed, simple (tie from -> to).

Agreements, people and memberships are left out: signing the agreement is not
a working tie (the signatory expectation, "cooperation beyond signing", checks exactly that).
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps

import networkx as nx

from ..model import ESO, PREFIXES
from .errors import UnknownResource
from .findings import Resource

__all__ = [
    "ORG_TYPES",
    "organisation_graph",
    "organisation_digraph",
    "GraphIndex",
    "graph_index",
    "paused_gc",
    "quiet",
    "shared",
    "resource",
    "resolve_organisation",
]

#: Node types that count as organisations in the measures.
ORG_TYPES = frozenset({"organisation", "group", "other"})


def _org_nodes(g: nx.Graph):
    # a node without a type (a classic graph from networkx) counts as an organisation
    return [(n, d) for n, d in g.nodes(data=True) if d.get("type", "organisation") in ORG_TYPES]


_GC_LOCK = threading.Lock()
_GC_PAUSES = 0
_GC_RESUME = False


@contextmanager
def paused_gc():
    """Cyclic garbage collection off while the measures build their many small objects.

    At 30,000 organisations every full collection walks the whole projection
    (0.4 s each), and building a graph, a table or thousands of findings
    triggers several: half the time of a measure.  Nested and concurrent
    pauses are counted; collection resumes when the last one ends (if it was
    on when the first began).
    """
    global _GC_PAUSES, _GC_RESUME
    with _GC_LOCK:
        if _GC_PAUSES == 0:
            _GC_RESUME = gc.isenabled()
            gc.disable()
        _GC_PAUSES += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES -= 1
            if _GC_PAUSES == 0 and _GC_RESUME:
                gc.enable()


def quiet(fn: Callable) -> Callable:
    """``fn`` run inside :func:`paused_gc`."""

    @wraps(fn)
    def run(*args, **kwargs):
        with paused_gc():
            return fn(*args, **kwargs)

    return run


#: what each frozen graph still alive was asked for: name -> value (a graph, its index, its
#: structure); a shared projection (the workspace's) is frozen, so each is computed once
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def shared(g: nx.Graph, name: str, build: Callable[[], object]) -> object:
    """``build()`` computed once per frozen ``g`` (each time for a graph that can change).

    The value must be read-only (a frozen graph, a tuple, a frozen dataclass): every caller
    gets the same object.  Two threads asking at once may both build; the first one kept wins.
    """
    if not nx.is_frozen(g):
        return build()
    with _SHARED_LOCK:
        found = _SHARED.get(g, {}).get(name)
    if found is not None:
        return found
    value = build()
    with _SHARED_LOCK:
        return _SHARED.setdefault(g, {}).setdefault(name, value)


def organisation_graph(g: nx.Graph) -> nx.Graph:
    """Undirected simple graph of organisations; parallel ties merged.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", type="organisation"); g.add_node("b", type="organisation")
    >>> g.add_node("agr", type="agreement")
    >>> g.add_edge("a", "b", key="t1", kind="funding"); g.add_edge("b", "a", key="t2", kind="advice")
    't1'
    't2'
    >>> g.add_edge("a", "agr", key="m1", kind="membership")
    'm1'
    >>> h = organisation_graph(g)
    >>> sorted(h.nodes), h.edges["a", "b"]["weight"], sorted(h.edges["a", "b"]["kinds"])
    (['a', 'b'], 2, ['advice', 'funding'])
    """
    # a shared projection (the workspace's) is frozen: its organisation graph is built once,
    # shared frozen (the measures of one page ask for it five times)
    return shared(g, "organisation_graph", lambda: nx.freeze(_organisation_graph(g))) if nx.is_frozen(g) else _organisation_graph(g)


@quiet
def _organisation_graph(g: nx.Graph) -> nx.Graph:
    h = nx.Graph()
    h.add_nodes_from(_org_nodes(g))
    pairs: dict[tuple, dict] = {}  # merged first in plain dicts: the same insertion order as edge by edge
    for u, v, key, d in _edges(g):
        if u == v or u not in h or v not in h:
            continue
        e = pairs.get((u, v)) or pairs.get((v, u))
        if e is not None:
            e["weight"] += 1
            e["ties"].append(key)
            e["kinds"].add(d.get("kind"))
        else:
            pairs[(u, v)] = {"weight": 1, "ties": [key], "kinds": {d.get("kind")}}
    h.add_edges_from((u, v, e) for (u, v), e in pairs.items())
    return h


def organisation_digraph(g: nx.Graph) -> nx.DiGraph:
    """Directed simple graph of organisations (tie from -> to); parallel ties merged.

    Of a frozen projection (the workspace's): built once, shared, frozen (as
    :func:`organisation_graph`)."""
    return shared(g, "organisation_digraph", lambda: nx.freeze(_organisation_digraph(g))) if nx.is_frozen(g) else _organisation_digraph(g)


@quiet
def _organisation_digraph(g: nx.Graph) -> nx.DiGraph:
    h = nx.DiGraph()
    h.add_nodes_from(_org_nodes(g))
    pairs: dict[tuple, dict] = {}  # merged first in plain dicts: the same insertion order as edge by edge
    for u, v, key, d in _edges(g):
        if u == v or u not in h or v not in h:
            continue
        e = pairs.get((u, v))
        if e is not None:
            e["weight"] += 1
            e["ties"].append(key)
        else:
            pairs[(u, v)] = {"weight": 1, "ties": [key], "kind": d.get("kind")}
    h.add_edges_from((u, v, e) for (u, v), e in pairs.items())
    return h


@dataclass(frozen=True, eq=False)
class GraphIndex:
    """An undirected simple graph as arrays: what igraph and scipy read.

    ``nodes`` in the graph's order, ``position`` node -> its number, ``src`` and ``dst``
    the numbers of the ends of each edge in the graph's edge order (numpy int64).
    """

    nodes: tuple
    position: dict
    src: object
    dst: object
    _cache: dict = field(default_factory=dict, repr=False)

    def adjacency(self):
        """The symmetric 0/1 adjacency (scipy CSR, float, indices sorted), built once."""
        if "adjacency" not in self._cache:
            import numpy as np
            import scipy.sparse as sp

            n = len(self.nodes)
            keep = self.src != self.dst
            rows = np.concatenate([self.src[keep], self.dst[keep]])
            cols = np.concatenate([self.dst[keep], self.src[keep]])
            a = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
            a.sum_duplicates()
            a.data[:] = 1.0
            self._cache["adjacency"] = a
        return self._cache["adjacency"]

    def triangles(self):
        """Per node, twice the triangles it is in (a float array), counted once."""
        if "triangles" not in self._cache:
            import numpy as np

            a = self.adjacency()
            self._cache["triangles"] = np.asarray((a @ a).multiply(a).sum(axis=1)).ravel()
        return self._cache["triangles"]

    def igraph(self):
        """The same graph for igraph (undirected; read-only: it is shared), built once."""
        if "igraph" not in self._cache:
            import igraph as ig

            self._cache["igraph"] = ig.Graph(n=len(self.nodes), edges=list(zip(self.src.tolist(), self.dst.tolist())), directed=False)
        return self._cache["igraph"]


def graph_index(h: nx.Graph) -> GraphIndex:
    """The :class:`GraphIndex` of the undirected simple graph ``h`` (once per frozen ``h``)."""

    def build():
        import numpy as np

        nodes = tuple(h)
        position = {v: i for i, v in enumerate(nodes)}
        ends = np.fromiter((position[x] for e in h.edges() for x in e), dtype=np.int64)
        return GraphIndex(nodes, position, ends[0::2].copy(), ends[1::2].copy())

    return shared(h, "index", build)


def _edges(g: nx.Graph):
    if g.is_multigraph():
        yield from g.edges(keys=True, data=True)
    else:
        for u, v, d in g.edges(data=True):
            yield u, v, d.get("key", f"{u}|{v}"), d


def resource(g: nx.Graph, iri: str) -> Resource:
    """The :class:`Resource` of node ``iri`` (its labels from the graph)."""
    d = g.nodes[iri] if iri in g else {}
    label = d.get("label") or iri
    return Resource(iri, label, d.get("label_en") or label)


def resolve_organisation(g: nx.Graph, name: str) -> str:
    """The IRI of an organisation given as a full IRI, ``prefix:local`` or a bare ``eso:`` slug.

    Raises :class:`UnknownResource` naming what was not found.

    >>> g = nx.MultiDiGraph(); g.add_node(str(ESO) + "mops", type="organisation")
    >>> resolve_organisation(g, "mops") == resolve_organisation(g, "eso:mops") == str(ESO) + "mops"
    True
    """
    text = name.strip().strip("<>")
    candidates = [text]
    prefix, sep, localname = text.partition(":")
    if sep and prefix in PREFIXES and not localname.startswith("//"):
        candidates.insert(0, PREFIXES[prefix] + localname)
    if not sep:
        candidates.insert(0, str(ESO) + text)
    for c in candidates:
        if c in g and g.nodes[c].get("type") in ORG_TYPES:
            return c
    raise UnknownResource(f"unknown organisation {name!r}: not in the network (give its IRI, eso:slug or slug)")
