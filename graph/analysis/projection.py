"""Projection of the knowledge graph to networkx.

Organisations become nodes with their attributes (labels, kind, sector,
gmina); qualified ties become typed, dated, sourced edges of a
``nx.MultiDiGraph`` keyed by the tie's IRI.  Reading the few triples it needs
with two SELECTs through the store's fast path keeps this near a second at a
million triples (``rdflib_to_networkx_graph`` would make every literal a node).
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections.abc import Iterable

import networkx as nx

from ..dates import holds
from ..library import internal_query
from ..model import ESK, EST, TERC
from ..store import Store

__all__ = ["to_networkx", "with_memberships", "node_table", "node_attrs", "skeleton", "local"]


def local(iri: str | None, namespace) -> str | None:
    """The local name of ``iri`` in ``namespace`` (e.g. a kind's notation), else None."""
    if iri is None:
        return None
    base = str(namespace)
    return iri[len(base) :] if iri.startswith(base) else None


def _other(node: str) -> dict:
    """Attributes of a node that is neither organisation, group nor person."""
    return {"type": "other", "label": node, "label_en": node, "alt": [], "kind": None, "sector": None, "gmina": None, "gmina_label": None, "synthetic": False, **_NO_LIFETIME}


_NO_LIFETIME = {"founded": None, "founded_bound": None, "dissolved": None, "dissolved_bound": None}


def _valid(start: str | None, end: str | None, as_of: str | None, start_bound: str | None = None, end_bound: str | None = None) -> bool:
    """The one as-of rule (:func:`graph.dates.holds`): precision and bounds included."""
    return holds(start, start_bound, end, end_bound, as_of)


def to_networkx(
    store: Store,
    *,
    as_of: dt.date | str | None = None,
    tie_kinds: Iterable[str] | None = None,
    include_people: bool = False,
    include_memberships: bool = False,
) -> nx.MultiDiGraph:
    """The network of organisations and ties held in ``store``.

    Parameters
    ----------
    as_of : only organisations that exist on that date (founded, not yet
        dissolved) and the ties (and memberships) that hold on it between
        them, by the one rule of :func:`graph.dates.holds` (a date known to
        the month counts from the next month; "not later than D" from D).
    tie_kinds : tie-kind notations to keep (default: all).
    include_people : add people as nodes, with their posts as ``post`` edges.
    include_memberships : add memberships of the agreement (signatory,
        initiator, supporter) as ``membership`` edges to the agreement node.

    Node attributes: ``type`` (organisation, group, agreement, person),
    ``label``, ``label_en``, ``alt``, ``kind``, ``sector``, ``gmina`` (TERC
    code), ``gmina_label``, ``synthetic``, ``founded``/``dissolved`` (date
    text as the source gives it, or None) with ``founded_bound``/
    ``dissolved_bound``.  Edge keys are tie IRIs; edge attributes ``kind``,
    ``start``, ``end`` (date text), ``start_bound``, ``end_bound``,
    ``sources``.
    """
    as_of_s = as_of.isoformat() if isinstance(as_of, dt.date) else as_of
    kinds = set(tie_kinds) if tie_kinds is not None else None
    # building ~10^5 small dicts and lists triggers many useless cyclic-GC passes
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _project(store, as_of_s, kinds, include_people, include_memberships)
    finally:
        if enabled:
            gc.enable()


def _strip(iri: str | None, base: str) -> str | None:
    return _one(iri[len(base) :]) if iri is not None and iri.startswith(base) else None


def _one(value: str | None) -> str | None:
    """One string object per distinct value: kinds, gminas, dates and sources repeat over
    10^5 rows, and a node's IRI is then shared by the node table and its edges (about 10%
    of a national projection's memory)."""
    return None if value is None else sys.intern(value)


def node_entries(rows, as_of_s: str | None) -> tuple[dict[str, dict], set[str]]:
    """Node attributes from rows of ``list_network_nodes`` and the nodes ``gone`` on ``as_of_s``
    (not founded yet or dissolved: they and their ties are left out)."""
    esk, terc = str(ESK), str(TERC)
    strip, intern = _strip, sys.intern  # (bound here: called 10^5 times)
    nodes: dict[str, dict] = {}
    gone: set[str] = set()
    for node, typ, label, label_en, alt, kind, sector, loc, loc_label, synthetic, founded, fbound, dissolved, dbound in rows:
        if as_of_s is not None and (node in gone or not holds(founded, fbound, dissolved, dbound, as_of_s)):
            gone.add(node)
            nodes.pop(node, None)
            continue
        attrs = nodes.get(node)
        if attrs is not None:
            if alt and alt not in attrs["alt"]:
                attrs["alt"].append(alt)
            continue
        node = intern(node)
        nodes[node] = {
            "type": None if typ is None else intern(typ),
            "label": label or label_en or node,
            "label_en": label_en or label or node,
            "alt": [alt] if alt else [],
            "kind": strip(kind, esk) or ("agreement" if typ == "agreement" else None),
            "sector": strip(sector, esk),
            "gmina": strip(loc, terc),
            "gmina_label": None if loc_label is None else intern(loc_label),
            "synthetic": synthetic == "true",
            "founded": None if founded is None else intern(founded),
            "founded_bound": None if fbound is None else intern(fbound),
            "dissolved": None if dissolved is None else intern(dissolved),
            "dissolved_bound": None if dbound is None else intern(dbound),
        }
    return nodes, gone


def tie_entries(rows, kinds: set | None, as_of_s: str | None, gone) -> dict[str, tuple | None]:
    """Tie IRI -> ``(from, to, tie, attributes)`` from rows of ``list_network_ties``, or None when the
    tie is left out (another kind, not holding on ``as_of_s``, an end ``gone``)."""
    est = str(EST)
    strip, intern = _strip, sys.intern  # (bound here: called 10^5 times)
    edges: dict[str, tuple | None] = {}
    for tie, kind_iri, src, dst, start, end, source, sbound, ebound in rows:
        if tie in edges:
            edge = edges[tie]
            if edge is not None and source:
                edge[3]["sources"].append(intern(source))
            continue
        kind = strip(kind_iri, est)
        if (
            (kinds is not None and kind not in kinds)
            or (as_of_s is not None and not _valid(start, end, as_of_s, sbound, ebound))
            or src in gone
            or dst in gone
        ):
            edges[tie] = None
            continue
        attrs = {
            "kind": kind,
            "start": None if start is None else intern(start),
            "end": None if end is None else intern(end),
            "start_bound": None if sbound is None else intern(sbound),
            "end_bound": None if ebound is None else intern(ebound),
            "sources": [intern(source)] if source else [],
        }
        edges[tie] = (None if src is None else intern(src), None if dst is None else intern(dst), tie, attrs)
    return edges


def _project(store: Store, as_of_s: str | None, kinds: set | None, include_people: bool, include_memberships: bool) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(as_of=as_of_s)
    # build plain dicts first, then hand them to networkx in bulk
    # both queries at once (Store.select_many: 0.8 s against 1.35 s on the country file); an empty literal reads
    # as None there, which every use below treats as the empty string (labels and dates fall back the same way)
    node_rows, tie_rows = store.select_many([internal_query("list_network_nodes"), internal_query("list_network_ties")])
    nodes, gone = node_entries(node_rows, as_of_s)
    edges = tie_entries(tie_rows, kinds, as_of_s, gone)
    for e in edges.values():
        if e is not None:
            for n in (e[0], e[1]):
                if n not in nodes:
                    nodes[n] = _other(n)
    # nodes and edges go in sorted by IRI: every order downstream (neighbours,
    # ties listed as a finding's basis) is then the same whatever order the
    # store answered in
    g.add_nodes_from(sorted(nodes.items()))
    add_edge = g.add_edge  # MultiDiGraph.add_edges_from builds an adjacency view per edge: 3x slower
    for tie in sorted(t for t, e in edges.items() if e is not None):
        e = edges[tie]
        add_edge(e[0], e[1], key=e[2], **e[3])
    if include_people or include_memberships:
        rows = store.select_values(internal_query("list_network_memberships"))[1]
        add_memberships(g, sorted_rows(rows), as_of_s, include_people, include_memberships, gone)
    label_others(g, store, g.nodes)
    g._gone = frozenset(gone)  # what with_memberships needs to extend this projection
    # engines answer in their own order: sort lists so projections compare equal
    for _, alt in g.nodes(data="alt"):
        if len(alt) > 1:
            alt.sort()
    for *_, sources in g.edges(data="sources"):
        if len(sources) > 1:
            sources.sort()
    return g


def node_table(store: Store) -> tuple[dict[str, dict], dict[str, int]] | None:
    """The attributes the first page counts of the nodes of :func:`to_networkx` (no
    date, every tie kind), and how many ties of each kind it holds (a kind outside the
    vocabulary under ``""``): what the first page counts, read without building the
    network (the two queries run at once: :meth:`graph.store.Store.select_many`).

    The nodes come as a dict of attribute dicts by IRI, sorted by IRI, each with the ``type``, ``kind``,
    ``sector``, ``gmina``, ``gmina_label`` and ``synthetic`` the projection gives it
    (the summary and the Overview tables read nothing else); on the country file this
    takes a third of the time of building them as a graph.  None when the counts cannot
    stand for the projection's (a tie with two kinds or two ends on one side: the
    projection keeps one row of it): build that then.  Nodes that are only the end of a
    tie ("other") are left out: nothing counts them.
    """
    node_rows, count_rows = store.select_many([internal_query("list_network_nodes_counted"), internal_query("count_network_ties_by_kind")])
    counts: dict[str, int] = {}
    for kind, n, _ in count_rows:
        key = _strip(kind, str(EST)) or ""
        counts[key] = counts.get(key, 0) + int(n)
    if count_rows and sum(counts.values()) != int(count_rows[0][2]):
        return None
    esk, terc = str(ESK), str(TERC)
    nodes: dict[str, dict] = {}
    for node, typ, kind, sector, loc, loc_label, synthetic in node_rows:
        if node not in nodes:  # its first row, as node_entries reads it
            nodes[node] = {
                "type": _one(typ),
                "kind": _strip(kind, esk) or ("agreement" if typ == "agreement" else None),
                "sector": _strip(sector, esk),
                "gmina": _strip(loc, terc),
                "gmina_label": _one(loc_label),
                "synthetic": synthetic == "true",
            }
    return {n: nodes[n] for n in sorted(nodes)}, counts


def node_attrs(g) -> Iterable[dict]:
    """The node attribute dicts of a projection ``g``, or of the nodes of :func:`node_table`
    (what the summary and the Overview tables count)."""
    return g.values() if isinstance(g, dict) else g.nodes.values()


def skeleton(store: Store, nodes: dict[str, dict], *, rows: list[tuple] | None = None) -> nx.MultiDiGraph | None:
    """The network of :func:`to_networkx` (no date, every tie kind, no memberships) with only
    what grouping, filtering and the gminy's coverage read: the ``nodes`` of :func:`node_table`
    (and a bare node for a tie's end that is none of them), and each tie keyed by its IRI with
    its ``kind`` alone.  Nodes and ties go in in the projection's order, so a grouped view of it
    (:func:`graph.viz.visible_graph`) and :func:`graph.analysis.coverage` are those of the
    projection, node for node and tie for tie, in the same order: what a page shows while the
    network is built (on the country file 0.1 s from its rows, 0.55 s with its query, against 1.5 s).  None when a tie has two kinds
    or two ends on one side (the projection keeps one row of it: build that then).  ``rows``
    are those of ``list_network_tie_ends`` when the caller has read them already (sorted here,
    in place).
    """
    if rows is None:
        (rows,) = store.select_many([internal_query("list_network_tie_ends")])
    est = str(EST)
    enabled = gc.isenabled()
    gc.disable()  # 10^5 small dicts and tuples, as in to_networkx
    try:
        rows.sort(key=lambda r: r[0])  # ties in the projection's order (by IRI), read in place
        every = dict(nodes)
        for _, _, src, dst in rows:
            for n in (src, dst):
                if n not in every:
                    every[n] = _other(n)
        # the adjacency written as MultiDiGraph.add_edge writes it, tie after tie (a third quicker; as with_memberships):
        # each pair's key dict shared by its two ends; attribute dicts shared (read-only): a node's with the node
        # table, a tie's with every tie of its kind; a node's IRI is the node table's string, not the row's
        order = sorted(every)
        succ: dict[str, dict] = {n: {} for n in order}
        pred: dict[str, dict] = {n: {} for n in order}
        same = {n: n for n in order}
        of_kind: dict[str | None, dict] = {}
        last = None
        for tie, kind_iri, src, dst in rows:
            if tie == last:
                return None
            last = tie
            kind = _strip(kind_iri, est)
            src, dst = same[src], same[dst]
            keyed = succ[src].get(dst)
            if keyed is None:
                keyed = succ[src][dst] = pred[dst][src] = {}
            keyed[tie] = of_kind.get(kind) or of_kind.setdefault(kind, {"kind": kind})
        g = nx.MultiDiGraph(as_of=None)
        g._node = {n: every[n] for n in order}
        g._succ = g._adj = succ
        g._pred = pred
        return g
    finally:
        if enabled:
            gc.enable()


def with_memberships(base: nx.MultiDiGraph, store: Store, *, include_people: bool = False, include_memberships: bool = True) -> nx.MultiDiGraph:
    """``base`` (a :func:`to_networkx` projection without people and memberships)
    extended with them: equal to ``to_networkx(..., include_people=...,
    include_memberships=...)`` with the same ``as_of`` and ``tie_kinds``, built
    in a fraction of the time and memory (0.4 s and 3 MB against 2 s and about
    100 MB on the country file).

    ``base`` is not changed and shares everything the memberships leave as it
    was: node and edge attribute dicts, and the adjacency of every node that
    gets no membership (copy on write).  Both graphs are for reading only
    (the workspace freezes them); a change to a shared attribute dict would
    show in both.  ``base`` must carry the organisations gone on its date
    (``_gone``, set by :func:`to_networkx` and kept by a patch).
    """
    if not hasattr(base, "_gone"):
        raise ValueError("with_memberships needs a projection made by to_networkx")
    g = nx.MultiDiGraph()
    g.graph = dict(base.graph)
    g._node = dict(base._node)
    g._succ = g._adj = dict(base._succ)
    g._pred = dict(base._pred)
    rows = sorted_rows(store.select_values(internal_query("list_network_memberships"))[1])
    touched = {n for r in rows for n in (r[1], r[2]) if n in g._node}
    for n in touched:  # private adjacency dicts for the nodes the new edges meet
        g._succ[n] = dict(g._succ[n])
        g._pred[n] = dict(g._pred[n])
    for u in touched:  # and private key dicts where a new edge may join an existing pair
        for v in g._succ[u]:
            if v in touched:
                keys = dict(g._succ[u][v])
                g._succ[u][v] = g._pred[v][u] = keys
    add_memberships(g, rows, base.graph.get("as_of"), include_people, include_memberships, base._gone)
    label_others(g, store, [n for n in g._node if n not in base._node])
    g._gone = base._gone
    return g


def label_others(g, store: Store, nodes) -> None:
    """Labels for the few ``nodes`` that are neither organisations, groups nor people
    (e.g. an unnamed agent that only the source mentions)."""
    from rdflib import URIRef

    for node in nodes:
        attrs = g.nodes[node]
        if attrs["type"] != "other" or attrs["label"] != node:
            continue
        _, rows = store.select_values(internal_query("get_node_label"), {"node": URIRef(node)})
        if rows:
            label, label_en, name = rows[0]
            attrs["label"] = label or name or label_en or node
            attrs["label_en"] = label_en or name or label or node


def sorted_rows(rows: list) -> list:
    """Rows in a defined order, whatever the store's (None first)."""
    rows.sort(key=lambda r: tuple("" if v is None else v for v in r))
    return rows


def add_memberships(g, rows, as_of: str | None, people: bool, memberships: bool, gone) -> None:
    """Add the memberships (and posts of people) of ``rows`` (of ``list_network_memberships``,
    sorted) to ``g`` (a MultiDiGraph or anything with its has_edge/get_edge_data/add_node/add_edge)."""
    for m, member, org, role, start, end, source, mtype, name, sbound, ebound in rows:
        is_post = mtype == "person"
        if (is_post and not people) or (not is_post and not memberships) or not _valid(start, end, as_of, sbound, ebound):
            continue
        if member in gone or org in gone:
            continue
        if g.has_edge(member, org, key=m):
            sources = g.get_edge_data(member, org, m)["sources"]
            if source and source not in sources:  # every source of the membership, not the first only
                sources.append(source)
            continue
        if is_post and member not in g:
            g.add_node(member, type="person", label=name or member, label_en=name or member, alt=[], kind="person", sector=None, gmina=None, gmina_label=None, synthetic=False, **_NO_LIFETIME)
        for n in (member, org):
            if n not in g:
                g.add_node(n, **_other(n))
        g.add_edge(
            member, org, key=m, kind="post" if is_post else "membership", role=role, start=start, end=end,
            start_bound=sbound, end_bound=ebound, sources=[source] if source else [],
        )  # fmt: skip
