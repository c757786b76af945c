"""A projection patched after an edit: only what the edit touched is read again.

An edit changes the triples of a few subjects (:attr:`graph.edit.editor.Editor.changed`).
:func:`patch_projection` re-reads, with bound ``VALUES`` queries, the nodes
among them, the ties and memberships among them or at them, and builds a new
graph that shares everything else with the old one (copy-on-write): the
top-level dicts are shallow copies, and only a touched node gets a new
attribute dict or adjacency dict, only a touched pair of nodes a new dict of
edges.  The old graph is never changed, so whoever still reads it is not
disturbed.  The result equals :func:`graph.analysis.to_networkx` on the
changed store, orders of nodes, neighbours and edges included (the tests
compare both after every kind of edit).

A changed subject that nodes read as their kind, its sector or their place
(``list_term_readers``) has those nodes read again too.  When too many
subjects changed or read them (:data:`MAX_CHANGED`, :data:`MAX_READERS`), it
returns None and the caller builds the projection afresh.

Where the data holds two values that to_networkx keeps one of (two Polish
labels of a node, two ends on one side of a tie), both keep the first row the
store answers, and a bound query may answer in another order than the whole
one: such data may then differ in which of the two values is shown.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable

import networkx as nx
from rdflib import URIRef

from ..bind import inject_rows
from ..library import internal_query
from ..store import Store
from .projection import _other, _valid, add_memberships, label_others, node_entries, sorted_rows, tie_entries

__all__ = ["patch_projection", "MAX_CHANGED", "MAX_READERS"]

#: Past this many changed subjects (an import), a fresh projection is as quick as a patch.
MAX_CHANGED = 2000
#: Past this many nodes reading a changed kind, sector or place, a fresh projection is as quick.
MAX_READERS = 5000
#: Node types read from ``list_network_nodes`` (the others come from ties and memberships).
PROPER = frozenset({"organisation", "group", "agreement"})
_CHUNK = 400  # values per VALUES block


def _select(store: Store, name: str, var: str, values: Iterable[str]) -> list[tuple]:
    """Rows of the internal query ``name`` for ``values`` bound to ``?var`` (chunked)."""
    values = sorted(set(values))
    rows: list[tuple] = []
    for i in range(0, len(values), _CHUNK):
        text = inject_rows(internal_query(name), var, [URIRef(v) for v in values[i : i + _CHUNK]])
        rows.extend(store.select_values(text)[1])
    return rows


def patch_projection(old: nx.MultiDiGraph, store: Store, changed: Iterable[str], *, ends: Iterable[str] | None = None,
                     tie_kinds: Iterable[str] | None = None, include_people: bool = False,
                     include_memberships: bool = False) -> nx.MultiDiGraph | None:  # fmt: skip
    """``old`` (a projection of ``store`` before an edit, with these options; its ``as_of`` is
    its graph attribute) patched for the subjects ``changed`` (IRIs): a new, unfrozen graph
    (``old`` itself when nothing changed), or None when a fresh projection is needed (see the
    module's text).

    ``ends``: the IRIs the triples the edit removed pointed to
    (:attr:`graph.edit.editor.Editor.dropped_objects`), among them the old ends of a tie or
    membership it moved or removed; the old edges are then looked for at those and at the
    ends the store names now, not among all edges.
    """
    subjects = sorted({str(s) for s in changed})
    if len(subjects) > MAX_CHANGED:
        return None
    if not subjects:
        return old
    readers = {r[0] for r in _select(store, "list_term_readers", "s", subjects)} - set(subjects)
    if len(readers) > MAX_READERS:
        return None
    kinds = set(tie_kinds) if tie_kinds is not None else None
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _patch(old, store, subjects, readers, None if ends is None else set(ends), kinds, include_people, include_memberships)
    finally:
        if enabled:
            gc.enable()


class _Cow:
    """A new MultiDiGraph sharing the inner dicts of ``old`` until one is written."""

    def __init__(self, old: nx.MultiDiGraph):
        g = nx.MultiDiGraph()
        g.graph.update(old.graph)
        g._node = dict(old._node)
        g._adj = dict(old._succ)  # _succ is _adj
        g._pred = dict(old._pred)
        self.g = g
        self.succ: set = set()  # nodes whose successor dict is this graph's own
        self.pred: set = set()
        self.keys: set = set()  # (u, v) whose dict of edges is this graph's own
        self.added: list = []  # nodes added
        self.reorder = False  # a node added or removed
        self.edges: dict = {}  # (u, v, key) of memberships and edges at a person or other node -> +1 added, -1 dropped

    def __contains__(self, n) -> bool:
        return n in self.g._node

    def _own_succ(self, u) -> dict:
        if u not in self.succ:
            self.g._succ[u] = dict(self.g._succ[u])
            self.succ.add(u)
        return self.g._succ[u]

    def _own_pred(self, v) -> dict:
        if v not in self.pred:
            self.g._pred[v] = dict(self.g._pred[v])
            self.pred.add(v)
        return self.g._pred[v]

    def _own_keys(self, u, v) -> dict:
        if (u, v) not in self.keys:
            kd = dict(self.g._succ[u][v])
            self._own_succ(u)[v] = kd
            self._own_pred(v)[u] = kd
            self.keys.add((u, v))
        return self.g._succ[u][v]

    def add_node(self, n, **attrs) -> None:
        self.set_node(n, attrs)

    def set_node(self, n, attrs: dict) -> None:
        if n not in self.g._node:
            self.g._succ[n], self.g._pred[n] = {}, {}
            self.succ.add(n)
            self.pred.add(n)
            self.added.append(n)
            self.reorder = True
        self.g._node[n] = attrs

    def remove_node(self, n) -> None:  # only a node without edges
        del self.g._node[n], self.g._succ[n], self.g._pred[n]
        self.reorder = True

    def _note(self, u, v, key, attrs, step: int) -> None:
        """An edge comes or goes: the order of the nodes may follow (see :func:`_node_order`)."""
        if "role" in attrs or self.g._node[u]["type"] not in PROPER or self.g._node[v]["type"] not in PROPER:
            edge = (u, v, key, "role" in attrs)
            self.edges[edge] = self.edges.get(edge, 0) + step

    @property
    def reordered(self) -> bool:
        """True when the order of the nodes may have changed: a node came or went, or an edge
        that orders the people and other nodes (not one dropped and added again)."""
        return self.reorder or any(self.edges.values())

    def has_edges(self, n) -> bool:
        return bool(self.g._succ[n] or self.g._pred[n])

    def has_edge(self, u, v, key) -> bool:
        return key in self.g._succ.get(u, {}).get(v, {})

    def get_edge_data(self, u, v, key):
        return self.g._succ[u][v][key] if self.has_edge(u, v, key) else None

    def add_edge(self, u, v, key, **attrs) -> None:
        if v not in self.g._succ[u]:
            kd: dict = {}
            self._own_succ(u)[v] = kd
            self._own_pred(v)[u] = kd
            self.keys.add((u, v))
        self._own_keys(u, v)[key] = attrs
        self._note(u, v, key, attrs, 1)

    def remove_edge(self, u, v, key) -> None:
        kd = self._own_keys(u, v)
        self._note(u, v, key, kd.pop(key), -1)
        if not kd:
            del self._own_succ(u)[v], self._own_pred(v)[u]
            self.keys.discard((u, v))


def _edge_order(key, attrs) -> tuple:
    """Ties first, then memberships (to_networkx adds them so), each by IRI."""
    return ("role" in attrs, key)


def _patch(old, store, subjects: list[str], readers: set, ends: set | None, kinds, people: bool, memberships: bool) -> nx.MultiDiGraph:
    as_of = old.graph.get("as_of")
    changed = set(subjects)
    # readers' own triples are unchanged (so are their lifetimes and ties): only their attributes are read again
    fresh, gone = node_entries(_select(store, "list_network_nodes_of", "node", changed | readers), as_of)
    tie_keys = changed | {r[0] for r in _select(store, "list_node_ties", "node", subjects)}
    tie_rows = _select(store, "list_network_ties_of", "tie", tie_keys)
    mem_keys: set = set()
    mem_rows: list = []
    if people or memberships:
        mem_keys = changed | {r[0] for r in _select(store, "list_node_memberships", "node", subjects)}
        mem_rows = sorted_rows(_select(store, "list_network_memberships_of", "m", mem_keys))
    if as_of is not None:  # ends neither in the old graph nor changed may be gone (not founded yet, dissolved)
        others = {r[i] for r in tie_rows for i in (2, 3)} | {r[i] for r in mem_rows for i in (1, 2)}
        others -= changed | old._node.keys()
        if others:
            gone |= node_entries(_select(store, "list_network_nodes_of", "node", others), as_of)[1]
    cow = _Cow(old)
    # 1. the old edges read again go; their ends are looked at again below
    ends_of_dropped: set = set()
    wanted = tie_keys | mem_keys
    if ends is None:
        sources = old._succ.keys()  # every edge is looked at
    else:  # an old edge starts where the store says now, or where a removed triple pointed
        sources = (ends | {r[0] for r in _select(store, "list_edge_sources", "k", wanted)}) & old._succ.keys()
    for u in sources:
        for v, kd in old._succ[u].items():
            if not wanted.isdisjoint(kd):
                for k in [k for k in kd if k in wanted]:
                    cow.remove_edge(u, v, k)
                ends_of_dropped.update((u, v))
    # 2. the changed organisations, groups and agreements
    for n, attrs in fresh.items():
        attrs["alt"].sort()
        before = old._node.get(n)
        cow.set_node(n, before if before == attrs else attrs)
    # 3. ties, then memberships, as to_networkx adds them
    created: list = []
    entries = tie_entries(tie_rows, kinds, as_of, gone)
    for tie in sorted(t for t, e in entries.items() if e is not None):
        u, v, key, attrs = entries[tie]
        for n in (u, v):
            if n not in cow:
                cow.set_node(n, _other(n))
                created.append(n)
        attrs["sources"].sort()
        cow.add_edge(u, v, key, **attrs)
    added = len(cow.added)
    add_memberships(cow, mem_rows, as_of, people, memberships, gone)
    created.extend(cow.added[added:])
    for m, u, v in {r[:3] for r in mem_rows}:
        data = cow.get_edge_data(u, v, m)  # an edge of this graph's own: added above
        if data is not None and len(data["sources"]) > 1:
            data["sources"].sort()
    # 4. nodes that are no organisation (any more): kept while an edge holds them, typed as to_networkx would
    g = cow.g
    for n in sorted((changed | ends_of_dropped) - fresh.keys()):
        if n not in cow:
            continue
        was = g._node[n]
        if n not in changed and was["type"] in PROPER:
            continue  # an organisation whose tie changed
        if not cow.has_edges(n):
            cow.remove_node(n)
            continue
        if n in changed:  # its memberships were all read again
            attrs = _identity(n, g, mem_rows, as_of, people, memberships, gone)
            cow.set_node(n, attrs)
            if attrs["type"] == "other":
                created.append(n)
    label_others(g, store, [n for n in dict.fromkeys(created) if n in cow])
    # 5. the orders to_networkx gives: neighbours by their first edge, edges by IRI, nodes below
    for u in cow.succ & g._succ.keys():
        g._succ[u] = _ordered(g._succ[u])
    for v in cow.pred & g._pred.keys():
        g._pred[v] = _ordered(g._pred[v])
    for u, v in cow.keys:
        if u in g._succ and v in g._succ[u]:
            kd = g._succ[u][v]
            items = sorted(kd.items(), key=lambda kv: _edge_order(*kv))
            if list(kd) != [k for k, _ in items]:
                kd.clear()
                kd.update(items)
    retyped = any(  # a node that changed type, or a person or other node that changed: its place may change
        g._node[n] is not old._node[n] and (g._node[n]["type"] != old._node[n]["type"] or g._node[n]["type"] not in PROPER)
        for n in g._node.keys() & old._node.keys() & (changed | ends_of_dropped | fresh.keys())
    )
    if cow.reordered or retyped:
        order = _node_order(g)
        if order != list(g._node):
            g._node = {n: g._node[n] for n in order}
            g._adj = {n: g._succ[n] for n in order}
            g._pred = {n: g._pred[n] for n in order}
    if hasattr(old, "_gone"):  # the organisations gone on the date: those read again say so now
        g._gone = frozenset((old._gone - (changed | readers)) | gone)
    return g


def _ordered(nbrs: dict) -> dict:
    """Neighbours in the order of their first edge (ties before memberships, by IRI)."""
    return dict(sorted(nbrs.items(), key=lambda kv: min((*_edge_order(k, d), kv[0]) for k, d in kv[1].items())))


def _identity(n, g, mem_rows, as_of, people, memberships, gone) -> dict:
    """The attributes to_networkx gives ``n``, neither organisation, group nor agreement: an
    end of a tie is "other"; else the first membership naming it makes it a person (its member,
    in a post) or "other"."""
    if any("role" not in d for nbrs in (g._succ[n], g._pred[n]) for kd in nbrs.values() for d in kd.values()):
        return _other(n)
    for _, member, org, _, start, end, _, mtype, name, sbound, ebound in mem_rows:
        if n not in (member, org):
            continue
        is_post = mtype == "person"
        if (is_post and not people) or (not is_post and not memberships) or not _valid(start, end, as_of, sbound, ebound):
            continue
        if member in gone or org in gone:
            continue
        if is_post and member == n:
            other = _other(n)
            return {**other, "type": "person", "label": name or n, "label_en": name or n, "kind": "person"}
        return _other(n)
    return _other(n)


def _node_order(g) -> list:
    """The node order of to_networkx: organisations, groups, agreements and ends of ties by IRI,
    then the others in the order of the first membership naming them (its member first)."""
    first, later = [], {}
    for n, attrs in g._node.items():
        if attrs["type"] in PROPER:
            first.append(n)
            continue
        seen = None
        for nbrs, mine in ((g._succ[n], 0), (g._pred[n], 1)):
            for other, kd in nbrs.items():
                for k, d in kd.items():
                    if "role" not in d:
                        seen = ()
                        break
                    u, v = (n, other) if mine == 0 else (other, n)
                    at = (k, u, v, mine)
                    if seen is None or (seen != () and at < seen):
                        seen = at
                if seen == ():
                    break
            if seen == ():
                break
        if seen == () or seen is None:
            first.append(n)
        else:
            later[n] = seen
    first.sort()
    return first + sorted(later, key=later.get)
