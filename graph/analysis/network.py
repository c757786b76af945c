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

import weakref

import networkx as nx

from ..model import ESO, PREFIXES
from .errors import UnknownResource
from .findings import Resource

__all__ = ["ORG_TYPES", "organisation_graph", "organisation_digraph", "resource", "resolve_organisation"]

#: Node types that count as organisations in the measures.
ORG_TYPES = frozenset({"organisation", "group", "other"})


def _org_nodes(g: nx.Graph):
    # a node without a type (a classic graph from networkx) counts as an organisation
    return [(n, d) for n, d in g.nodes(data=True) if d.get("type", "organisation") in ORG_TYPES]


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
    if nx.is_frozen(g):  # a shared projection (the workspace's): built once, shared frozen
        h = _SHARED.get(g)
        if h is None:
            h = _SHARED[g] = nx.freeze(_organisation_graph(g))
        return h
    return _organisation_graph(g)


#: organisation_graph of each frozen projection still alive (the measures of one page
#: ask for it five times; at 31,000 organisations each build takes seconds).
_SHARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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
    """Directed simple graph of organisations (tie from -> to); parallel ties merged."""
    h = nx.DiGraph()
    h.add_nodes_from(_org_nodes(g))
    for u, v, key, d in _edges(g):
        if u == v or u not in h or v not in h:
            continue
        if h.has_edge(u, v):
            h.edges[u, v]["weight"] += 1
            h.edges[u, v]["ties"].append(key)
        else:
            h.add_edge(u, v, weight=1, ties=[key], kind=d.get("kind"))
    return h


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
