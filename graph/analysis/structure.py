"""Structure: isolates, peripheral members, articulation points, bridges; what-if removal.

Everything runs on the undirected network of organisations (one edge per
pair with any tie valid on the date of the projection).  Articulation points
and bridges come from one depth-first search (Hopcroft-Tarjan lowpoints) that
also gives the size of every part a removal would cut off, in O(n + m).

* isolate: an organisation with no tie at all (unnamed groups of
  signatories are left out: the source names no one who could have a tie);
* peripheral: exactly one partner (its only tie is a bridge, so it is left
  out of the bridge list);
* articulation point: an organisation whose removal splits its component;
  ranked by how many organisations would lose every path to the rest;
* bridge: a tie between two organisations that both have other partners,
  whose loss splits the component.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from ..wording import count
from .findings import Finding, Resource, sizes
from .network import graph_index, organisation_graph, quiet, resolve_organisation, resource, shared

__all__ = ["SUPPORT_KINDS", "Structure", "structure", "cut_parts", "WhatIf", "what_if"]

#: Kinds whose reach counts as "support" in what-if (ROPS and OWES).
SUPPORT_KINDS = frozenset({"rops", "owes"})


@dataclass(frozen=True)
class Structure:
    """Single points of failure and the edge of the network."""

    isolates: tuple[Resource, ...]
    peripheral: tuple[Resource, ...]
    articulation_points: tuple[Resource, ...]
    bridges: tuple[tuple[Resource, Resource], ...]
    components: tuple[int, ...]
    findings: tuple[Finding, ...]


def cut_parts(h: nx.Graph) -> tuple[dict, dict]:
    """Articulation points and bridges of ``h`` with the parts a removal leaves.

    Returns ``(points, bridges)``: ``points[v]`` is the list of sizes of the
    parts ``v``'s component falls into without ``v``; ``bridges[(u, v)]`` the
    sizes of the two sides.

    Parameters
    ----------
    h : networkx.Graph
        Undirected, simple.

    Returns
    -------
    (dict, dict)
        Articulation point -> part sizes; bridge ``(u, v)`` -> ``(size of u's
        side, size of v's side)``.  One depth-first search, O(n + m).

    References
    ----------
    .. [1] Hopcroft, J. and Tarjan, R. (1973). Algorithm 447: efficient
       algorithms for graph manipulation. *Communications of the ACM* 16(6),
       372-378.

    Examples
    --------
    >>> points, bridges = cut_parts(nx.path_graph(4))
    >>> sorted(points.items()), bridges[(1, 2)]
    ([(1, [2, 1]), (2, [2, 1])], (2, 2))
    """
    disc: dict = {}
    low: dict = {}
    size: dict = {}
    points: dict = {}
    bridges: dict = {}
    counter = 0
    for root in h:
        if root in disc:
            continue
        start = counter
        disc[root] = low[root] = counter
        counter += 1
        size[root] = 1
        parts: dict = {root: []}  # sizes of the child subtrees each node would cut off
        cut_edges: list = []
        stack = [(root, None, iter(h[root]))]
        while stack:
            v, parent, it = stack[-1]
            for w in it:
                if w == v:
                    continue
                if w not in disc:
                    disc[w] = low[w] = counter
                    counter += 1
                    size[w] = 1
                    parts[w] = []
                    stack.append((w, v, iter(h[w])))
                    break
                if w != parent:
                    low[v] = min(low[v], disc[w])
            else:
                stack.pop()
                if parent is not None:
                    low[parent] = min(low[parent], low[v])
                    size[parent] += size[v]
                    if low[v] >= disc[parent]:
                        parts[parent].append(size[v])
                    if low[v] > disc[parent]:
                        cut_edges.append((parent, v))
        comp_size = counter - start
        for v, sub in parts.items():
            if v == root:
                if len(sub) >= 2:
                    points[v] = sorted(sub, reverse=True)
            elif sub:
                rest = comp_size - 1 - sum(sub)
                points[v] = sorted([*sub, rest] if rest > 0 else sub, reverse=True)
        for p, c in cut_edges:
            bridges[(p, c)] = (comp_size - size[c], size[c])
    return points, bridges


def _finding(code, severity, resources, pl, en, basis=(), **data) -> Finding:
    return Finding("structure", code, severity, tuple(resources), pl, en, tuple(basis), tuple(sorted(data.items())))


def _ties(h: nx.Graph, u, v) -> list[str]:
    return list(h.edges[u, v].get("ties", [])) if h.has_edge(u, v) else []


def structure(g: nx.Graph) -> Structure:
    """Isolates, peripheral members (one partner), articulation points and bridges of ``g``.

    Findings are ordered: articulation points by how many organisations they
    would cut off (most first), then bridges likewise, then isolates and
    peripheral members by label.

    Parameters
    ----------
    g : networkx.MultiDiGraph
        A projection; only its organisations count.

    Returns
    -------
    Structure
        The resources in each role, component sizes, and findings (pl/en).

    References
    ----------
    .. [1] Hopcroft, J. and Tarjan, R. (1973). Algorithm 447: efficient
       algorithms for graph manipulation. *Communications of the ACM* 16(6),
       372-378.
    .. [2] Burt, R. S. (1992). *Structural Holes*. Harvard University Press
       (brokers whose removal opens a hole).

    Examples
    --------
    >>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(g, "organisation", "type")
    >>> [r.iri for r in structure(g).articulation_points]
    ['b']
    """
    return shared(g, "structure", lambda: _structure(g))  # once per frozen projection (the report and the page ask)


class _Resources(dict):
    """Node -> :class:`Resource`, made when first asked for."""

    def __init__(self, g: nx.Graph) -> None:
        super().__init__()
        self.g = g

    def __missing__(self, v) -> Resource:
        r = self[v] = resource(self.g, v)
        return r


@quiet
def _structure(g: nx.Graph) -> Structure:
    h = organisation_graph(g)
    res = _Resources(g)
    points, bridges = cut_parts(h)
    findings: list[Finding] = []
    for v, parts in sorted(points.items(), key=lambda kv: (-(sum(kv[1]) - max(kv[1])), res[kv[0]].label, kv[0])):
        cut = sum(parts) - max(parts)
        r = res[v]
        folded = sizes(parts)
        basis = [t for w in list(h[v])[:10] for t in _ties(h, v, w)]
        findings.append(
            _finding(
                "articulation-point",
                "warning",
                [r],
                f"{r.label}: bez tej organizacji {count(cut, 'organizacja traci|organizacje tracą|organizacji traci')} "
                f"wszystkie ścieżki do reszty sieci (części: {folded}).",
                f"{r.label_en}: without this organisation {count(cut, 'organisation loses|organisations lose', 'en')} "
                f"every path to the rest of the network (parts: {folded}).",
                basis,
                cut_off=cut,
                parts=list(parts),
            )
        )
    deg = dict(h.degree())
    real_bridges = [(u, v, sides) for (u, v), sides in bridges.items() if deg[u] > 1 and deg[v] > 1]
    real_bridges.sort(key=lambda b: (-min(b[2]), res[b[0]].label, res[b[1]].label))
    for u, v, sides in real_bridges:
        ru, rv = res[u], res[v]
        small = min(sides)
        findings.append(
            _finding(
                "bridge",
                "warning",
                [ru, rv],
                f"{ru.label} – {rv.label}: jedyne połączenie między dwiema częściami sieci (części: {sides[0]} i {sides[1]}); "
                f"bez niego {count(small, 'organizacja zostaje odcięta|organizacje zostają odcięte|organizacji zostaje odciętych')}.",
                f"{ru.label_en} – {rv.label_en}: the only link between two parts of the network (parts: {sides[0]} and {sides[1]}); "
                f"without it {count(small, 'organisation is|organisations are', 'en')} cut off.",
                _ties(h, u, v),
                cut_off=small,
                sides=list(sides),
            )
        )
    # groups the source does not name (es:UnnamedGroup) cannot have ties of their own: not listed
    isolates = sorted((v for v in h if deg[v] == 0 and h.nodes[v].get("type") != "group"), key=lambda v: (res[v].label, v))
    for v in isolates:
        r = res[v]
        findings.append(
            _finding(
                "isolate",
                "warning",
                [r],
                f"{r.label}: w danych brak powiązań z inną organizacją.",
                f"{r.label_en}: the data shows no tie to any other organisation.",
                [v],
            )
        )
    peripheral = sorted((v for v in h if deg[v] == 1), key=lambda v: (res[v].label, v))
    for v in peripheral:
        (w,) = h[v]
        r, rw = res[v], res[w]
        findings.append(
            _finding(
                "peripheral",
                "info",
                [r, rw],
                f"{r.label}: w danych tylko jeden partner ({rw.label}).",
                f"{r.label_en}: the data shows only one partner ({rw.label_en}).",
                _ties(h, v, w),
            )
        )
    comps = tuple(sorted((len(c) for c in nx.connected_components(h)), reverse=True))
    return Structure(
        isolates=tuple(res[v] for v in isolates),
        peripheral=tuple(res[v] for v in peripheral),
        articulation_points=tuple(f.resources[0] for f in findings if f.code == "articulation-point"),
        bridges=tuple((res[u], res[v]) for u, v, _ in real_bridges),
        components=comps,
        findings=tuple(findings),
    )


@dataclass(frozen=True)
class WhatIf:
    """What changes when organisations are taken out."""

    removed: tuple[Resource, ...]
    components_before: tuple[int, ...]
    components_after: tuple[int, ...]
    lost_support: tuple[Resource, ...]
    isolated: tuple[Resource, ...]
    findings: tuple[Finding, ...]

    @property
    def summary(self) -> Finding:
        """The first finding: the change in one sentence."""
        return self.findings[0]


def _parts(graph, support: list[bool]) -> tuple[tuple[int, ...], set[int]]:
    """Component sizes (largest first) of an igraph graph, and its nodes with a path to support
    (a ROPS or an OWES, those included); ``support[i]``: node ``i`` is one."""
    membership = graph.connected_components().membership
    reached = {c for c, s in zip(membership, support) if s}
    sizes: dict[int, int] = {}
    for c in membership:
        sizes[c] = sizes.get(c, 0) + 1
    return tuple(sorted(sizes.values(), reverse=True)), {i for i, c in enumerate(membership) if c in reached}


@quiet
def what_if(g: nx.Graph, remove: Iterable[str]) -> WhatIf:
    """Take the organisations ``remove`` (IRIs, ``eso:slug`` or slugs) out of ``g``.

    Lists who loses every path to support (to a ROPS or an OWES), who is left
    with no partner at all, and how the components change.  Raises
    :class:`~graph.analysis.errors.UnknownResource` for a name not in the
    network.

    Parameters
    ----------
    g : networkx.MultiDiGraph
        A projection.
    remove : iterable of str
        The organisations to take out.

    Returns
    -------
    WhatIf
        Who loses support, who is left alone, components before and after.

    References
    ----------
    .. [1] Hopcroft, J. and Tarjan, R. (1973). Algorithm 447: efficient
       algorithms for graph manipulation. *Communications of the ACM* 16(6),
       372-378.
    """
    h = organisation_graph(g)
    gone = list(dict.fromkeys(resolve_organisation(g, name) for name in remove))
    # components by igraph on the graph's arrays (built once per projection); the same sets as networkx's
    index = graph_index(h)
    nodes, whole = index.nodes, index.igraph()
    support = [h.nodes[v].get("kind") in SUPPORT_KINDS for v in nodes]
    comps_before, reached = shared(h, "support", lambda: _parts(whole, support))
    before = {nodes[i] for i in reached}
    out = {index.position[v] for v in gone}
    left = [i for i in range(len(nodes)) if i not in out]  # igraph renumbers the rest in this order
    rest = whole.copy()
    rest.delete_vertices(sorted(out))
    comps_after, reached_after = _parts(rest, [support[i] for i in left])
    after = {nodes[left[i]] for i in reached_after}
    key = lambda v: (resource(g, v).label, v)  # noqa: E731
    lost = sorted((before - after) - set(gone), key=key)
    isolated = sorted((nodes[left[i]] for i, d in enumerate(rest.degree()) if d == 0 and h[nodes[left[i]]]), key=key)
    removed = tuple(resource(g, v) for v in gone)
    names_pl = ", ".join(r.label for r in removed)
    names_en = ", ".join(r.label_en for r in removed)
    findings = [
        Finding(
            "structure",
            "what-if",
            "warning" if lost or isolated else "info",
            removed,
            f"Bez: {names_pl}. Spójne części sieci: {len(comps_before)} → {len(comps_after)}; największa: "
            f"{comps_before[0] if comps_before else 0} → {comps_after[0] if comps_after else 0}; "
            f"{count(len(lost), 'organizacja traci|organizacje tracą|organizacji traci')} każdą ścieżkę do wsparcia (ROPS, OWES); "
            f"{count(len(isolated), 'organizacja zostaje|organizacje zostają|organizacji zostaje')} bez partnera.",
            f"Without: {names_en}. Connected parts: {len(comps_before)} → {len(comps_after)}; largest: "
            f"{comps_before[0] if comps_before else 0} → {comps_after[0] if comps_after else 0}; "
            f"organisations losing every path to support (ROPS, OWES): {len(lost)}; left with no partner: {len(isolated)}.",
            tuple(t for v in gone for w in h[v] for t in _ties(h, v, w)),
            (
                ("components_before", len(comps_before)),
                ("components_after", len(comps_after)),
                ("lost_support", len(lost)),
                ("isolated", len(isolated)),
            ),
        )
    ]
    for v in lost:
        r = resource(g, v)
        findings.append(
            Finding(
                "structure",
                "lost-support",
                "warning",
                (r,),
                f"{r.label}: traci każdą ścieżkę do ROPS i OWES.",
                f"{r.label_en}: loses every path to ROPS and OWES.",
                tuple(t for w in h[v] for t in _ties(h, v, w)),
            )
        )
    for v in isolated:
        r = resource(g, v)
        findings.append(
            Finding(
                "structure",
                "left-alone",
                "warning",
                (r,),
                f"{r.label}: zostaje bez partnera.",
                f"{r.label_en}: is left with no partner.",
                tuple(t for w in h[v] for t in _ties(h, v, w)),
            )
        )
    return WhatIf(
        removed=removed,
        components_before=comps_before,
        components_after=comps_after,
        lost_support=tuple(resource(g, v) for v in lost),
        isolated=tuple(resource(g, v) for v in isolated),
        findings=tuple(findings),
    )
