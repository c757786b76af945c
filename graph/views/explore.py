"""Shaping the projected network for exploration: search, filters, focus, groups.

Pure functions over the ``nx.MultiDiGraph`` from
:func:`graph.analysis.projection.to_networkx` (plus a few small SPARQL reads
of the vocabulary and the territory); the dashboard calls them, and so can a
test or a notebook.

Examples
--------
>>> fold("Wąchock")
'wachock'
>>> fold("ŁÓDŹ  Żółć")
'lodz zolc'
>>> powiat_of("2611011"), voivodeship_of("2611011")
('2611', '26')
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from ..analysis.projection import local, node_attrs
from ..library import internal_query
from ..model import TERC
from ..store import Store
from ..vocabulary import load_vocabulary, pick

__all__ = [
    "fold",
    "synthetic_count",
    "summary",
    "Filters",
    "filter_graph",
    "drop_lone_agreements",
    "facets",
    "search",
    "search_index",
    "neighbourhood",
    "focus_graph",
    "powiat_of",
    "voivodeship_of",
    "group_graph",
    "group_level",
    "drill_path",
    "GROUP_LEVELS",
    "VOIVODESHIP_OVER",
    "members_of_group",
    "GROUP_PREFIX",
    "vocabulary",
    "territory_labels",
    "history_dates",
    "store_dates",
    "node_rows",
    "organisations",
]

# Letters NFKD does not decompose (ł has no combining form).
_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss"})

#: Node id prefix of a group node (a gmina or powiat standing for its organisations).
GROUP_PREFIX = "group:"

#: Node types that are organisations for counting and filtering.
ORG_TYPES = ("organisation", "group")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (Polish ł included), collapse spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def synthetic_count(g: nx.Graph | dict[str, dict]) -> int:
    """How many nodes are synthetic (``es:isSynthetic true``)."""
    return sum(1 for a in node_attrs(g) if a.get("synthetic"))


def summary(g: nx.Graph | dict[str, dict], ties: int | None = None) -> dict[str, int]:
    """Counts for the sidebar: organisations (and groups), ties, synthetic
    organisations and synthetic nodes of any type (agreements too).  ``g`` is a
    projection, or the nodes of :func:`graph.analysis.projection.node_table`
    with its ``ties`` counted."""
    orgs = synthetic_orgs = synthetic_nodes = 0
    for a in node_attrs(g):
        org = a.get("type") in ORG_TYPES
        orgs += org
        if a.get("synthetic"):
            synthetic_nodes += 1
            synthetic_orgs += org
    return {"organisations": orgs, "ties": g.number_of_edges() if ties is None else ties, "synthetic": synthetic_orgs, "synthetic_nodes": synthetic_nodes}


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class Filters:
    """Which organisations stay visible; ``None`` (or empty) keeps everything.

    ``kinds`` and ``sectors`` are notations (``ops``, ``social_economy``),
    ``gminas`` TERC codes (``2611011``); a powiat or voivodeship code keeps
    every gmina inside it.  ``isolated`` keeps nodes left without ties.
    """

    kinds: tuple[str, ...] | None = None
    sectors: tuple[str, ...] | None = None
    gminas: tuple[str, ...] | None = None
    isolated: bool = True

    def keeps(self, attrs: dict) -> bool:
        if attrs.get("type") == "agreement":
            return True
        if self.kinds and attrs.get("kind") not in self.kinds:
            return False
        if self.sectors and attrs.get("sector") not in self.sectors:
            return False
        if self.gminas:
            code = attrs.get("gmina") or ""
            if not any(code.startswith(g) for g in self.gminas):
                return False
        return True


def _induced(g: nx.MultiDiGraph, keep: Iterable[str]) -> nx.MultiDiGraph:
    """The induced subgraph as a new graph (attribute dicts shared: read-only), nodes
    and ties in ``g``'s order.  Only the ties of kept nodes are looked at, and they
    are added one by one (networkx's ``add_edges_from`` on a multigraph looks each
    pair up again): a voivodeship of a 31,000-organisation network takes 0.1 s
    where ``g.subgraph(keep).copy()`` takes several times longer."""
    keep = keep if isinstance(keep, (set, frozenset)) else set(keep)
    h = g.__class__(**g.graph)
    nodes = [n for n in g if n in keep]
    h.add_nodes_from((n, g.nodes[n]) for n in nodes)
    add_edge, adj = h.add_edge, g.adj
    if g.is_multigraph():
        seen = set()  # an undirected multigraph lists each tie under both ends
        for u in nodes:
            for v, keyed in adj[u].items():
                if v not in keep or (not g.is_directed() and v in seen):
                    continue
                for k, d in keyed.items():
                    add_edge(u, v, key=k, **d)
            seen.add(u)
    else:
        h.add_edges_from((u, v, d) for u, v, d in g.edges(nodes, data=True) if v in keep)
    return h


def _tieless(g: nx.Graph, node: str) -> bool:
    """True when ``node`` has no tie either way (faster than ``degree`` on a multigraph)."""
    return not g.adj[node] and not (g.is_directed() and g.pred[node])


def filter_graph(g: nx.MultiDiGraph, filters: Filters = Filters(), *, lone_agreements: bool = False) -> nx.MultiDiGraph:
    """The organisations ``filters`` keeps, and the ties among them.

    An agreement stays only with at least one member in view, unless
    ``lone_agreements`` (a grouped view ignores agreements, and a whole network
    is then not copied to drop them: :func:`drop_lone_agreements` does it later).
    Returns ``g`` itself when nothing is filtered out: treat the result as
    read-only.
    """
    keep = [n for n, attrs in g.nodes(data=True) if filters.keeps(attrs)]
    sub = g if len(keep) == len(g) else _induced(g, keep)
    if not filters.isolated:  # nodes left without ties go (agreements too)
        drop = {n for n in sub if _tieless(sub, n)}
        sub = _induced(sub, set(sub) - drop) if drop else sub
    return sub if lone_agreements else drop_lone_agreements(sub)


def drop_lone_agreements(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g`` without the agreements that have no tie in it (``g`` itself when there are none)."""
    drop = {n for n, t in g.nodes(data="type") if t == "agreement" and _tieless(g, n)}
    return _induced(g, set(g) - drop) if drop else g


def facets(g: nx.Graph | dict[str, dict], ties: Mapping[str, int] | None = None) -> dict[str, Counter]:
    """What the filters can offer, with counts: kinds, sectors, gminas, tie kinds.  ``g`` is a
    projection, or the nodes of :func:`graph.analysis.projection.node_table` with its ``ties``
    counted by kind (the same counts, before the network is built)."""
    out = {"kind": Counter(), "sector": Counter(), "gmina": Counter(), "tie_kind": Counter()}
    for attrs in node_attrs(g):
        if attrs.get("type") not in ORG_TYPES:
            continue
        for name in ("kind", "sector", "gmina"):
            if attrs.get(name):
                out[name][attrs[name]] += 1
    if ties is not None:
        out["tie_kind"].update({kind: n for kind, n in sorted(ties.items()) if kind and n})
        return out
    for _, _, kind in g.edges(data="kind"):
        if kind:
            out["tie_kind"][kind] += 1
    return out


# ---------------------------------------------------------------- search and focus


def search_index(g: nx.Graph, types: Iterable[str] = ORG_TYPES + ("agreement",)) -> tuple[tuple[str, tuple[str, ...], str, str], ...]:
    """The folded labels :func:`search` looks through, one ``(node, labels, joined, sort key)``
    per node of ``types``: folding every label is most of a search's time, so a caller
    that searches one graph often builds this once and passes it."""
    types = set(types)
    folded: dict[str, str] = {}  # labels repeat (the English one is often the Polish one, gminy have many members)

    def fold_once(text: str) -> str:
        if text not in folded:
            folded[text] = fold(text)
        return folded[text]

    out = []
    for node, attrs in g.nodes(data=True):
        if attrs.get("type") not in types:
            continue
        values = [attrs.get("label") or "", attrs.get("label_en") or "", *(attrs.get("alt") or [])]
        hay = [fold_once(v) for v in values if v] + [fold_once(attrs.get("gmina_label") or "")]
        out.append((node, tuple(hay), " | ".join(hay), fold_once(attrs.get("label") or node)))
    return tuple(out)


def search(g: nx.Graph, text: str, *, limit: int = 20, types: Iterable[str] = ORG_TYPES + ("agreement",), index=None) -> list[str]:
    """Nodes whose labels (pl, en, alternative) contain ``text``, diacritics ignored.

    Every word of the query must occur; whole-label and prefix matches come
    first, then by label.  Returns node ids.  ``index`` is :func:`search_index`
    of ``g`` and ``types`` when the caller keeps one.
    """
    words = fold(text).split()
    if not words:
        return []
    query = " ".join(words)
    hits: list[tuple[int, str, str]] = []
    for node, hay, joined, key in index if index is not None else search_index(g, types):
        if all(w in joined for w in words):
            rank = 0 if query in hay[:3] else 1 if any(h.startswith(query) for h in hay) else 2
            hits.append((rank, key, node))
    hits.sort()
    return [node for _, _, node in hits[:limit]]


def neighbourhood(g: nx.Graph, node: str, depth: int = 1) -> set[str]:
    """``node`` and everything within ``depth`` ties of it (either direction)."""
    if node not in g:
        return set()
    und = g.to_undirected(as_view=True)
    return set(nx.single_source_shortest_path_length(und, node, cutoff=max(0, depth)))


def focus_graph(g: nx.MultiDiGraph, node: str, depth: int = 1) -> nx.MultiDiGraph:
    """The subgraph around ``node`` to ``depth`` (1-3 in the dashboard)."""
    return _induced(g, neighbourhood(g, node, depth))


# ---------------------------------------------------------------- territory groups


def powiat_of(code: str | None) -> str | None:
    """The powiat TERC code (4 digits) of a gmina code."""
    return code[:4] if code and len(code) >= 4 else None


def voivodeship_of(code: str | None) -> str | None:
    return code[:2] if code and len(code) >= 2 else None


#: The levels of grouping, from the top; a drill code of 2, 4 or 7 digits opens one unit.
GROUP_LEVELS = ("voivodeship", "powiat", "gmina")

#: Past this many organisations in more than one voivodeship, the whole network groups by voivodeship.
VOIVODESHIP_OVER = 3000


def group_level(g: nx.Graph, *, threshold: int = 300, drill: str | None = None) -> str | None:
    """How to group ``g``: ``None`` (node by node), ``voivodeship``, ``powiat`` or ``gmina``.

    Up to ``threshold`` organisations nothing is grouped.  Past it, a view
    opened on a voivodeship (``drill`` of 2 digits) groups by powiat, one
    opened on a powiat (4 digits) by gmina, one on a gmina is never grouped.
    The whole network groups by voivodeship past :data:`VOIVODESHIP_OVER`
    organisations in more than one voivodeship, else by gmina or, when there
    are more than ``threshold`` gminy, by powiat.

    >>> g = nx.Graph()
    >>> g.add_nodes_from((f"o{i}", {"type": "organisation", "gmina": f"{10 + i % 16}0{i % 9}011"}) for i in range(4000))
    >>> group_level(g), group_level(g, drill="12"), group_level(g, drill="1203"), group_level(g, drill="1203011")
    ('voivodeship', 'powiat', 'gmina', None)
    """
    orgs = [c for _, t, c in _orgs(g)]
    if len(orgs) <= threshold:
        return None
    depth = len(drill or "")
    if depth >= 7:
        return None
    if depth >= 4:
        return "gmina"
    if depth >= 2:
        return "powiat"
    if len(orgs) > VOIVODESHIP_OVER and len({voivodeship_of(c) for c in orgs if c}) > 1:
        return "voivodeship"
    return "gmina" if len(set(orgs)) <= threshold else "powiat"


def drill_path(drill: str | None) -> list[str]:
    """The units a drill code lies in, from the voivodeship down: the breadcrumb.

    >>> drill_path("2611011"), drill_path("2611"), drill_path(None)
    (['26', '2611', '2611011'], ['26', '2611'], [])
    """
    code = (drill or "").strip()
    return [code[:n] for n in (2, 4, 7) if len(code) >= n]


def _orgs(g: nx.Graph):
    for n, attrs in g.nodes(data=True):
        if attrs.get("type") in ORG_TYPES:
            yield n, attrs.get("type"), attrs.get("gmina")


def _unit(code: str | None, level: str) -> str | None:
    if level == "voivodeship":
        return voivodeship_of(code)
    return powiat_of(code) if level == "powiat" else code


def group_graph(g: nx.MultiDiGraph, level: str = "gmina", *, labels: dict[str, str] | None = None) -> nx.Graph:
    """One node per gmina (or powiat, or voivodeship) standing for its organisations.

    Group nodes are ``group:<TERC code>`` with ``type`` "territory",
    ``label``, ``count`` (organisations), ``kinds`` (a Counter) and
    ``synthetic`` (any member synthetic); an edge between two groups has
    ``weight`` (ties between their members, either way) and ``kinds``.
    Ties inside a group are counted on the node as ``internal``.
    """
    labels = labels or {}
    out = nx.Graph(level=level)
    groups: dict[str, dict] = {}
    unit_of: dict[str, str] = {}
    for node, attrs in g.nodes(data=True):
        if attrs.get("type") not in ORG_TYPES:
            continue
        code = _unit(attrs.get("gmina"), level) or "unknown"
        gid = GROUP_PREFIX + code
        unit_of[node] = gid
        data = groups.get(gid)
        if data is None:
            label = labels.get(code) or attrs.get("gmina_label") if level == "gmina" else labels.get(code)
            groups[gid] = data = {
                "type": "territory", "code": code, "label": label or code, "label_en": label or code,
                "count": 0, "kinds": Counter(), "internal": 0, "synthetic": False, "gmina": code,
            }  # fmt: skip
        data["count"] += 1
        data["kinds"][attrs.get("kind")] += 1
        if not data["synthetic"] and attrs.get("synthetic"):
            data["synthetic"] = True
    # ties counted in plain dicts first (pair in the order first met), then added in bulk
    pairs: dict[tuple[str, str], list] = {}
    internal: Counter = Counter()
    get = unit_of.get
    for u, v, kind in g.edges(data="kind"):
        a, b = get(u), get(v)
        if a is None or b is None:
            continue
        if a == b:
            internal[a] += 1
            continue
        entry = pairs.get((a, b)) or pairs.get((b, a))
        if entry is None:
            pairs[(a, b)] = entry = [0, Counter()]
        entry[0] += 1
        entry[1][kind] += 1
    for gid, n in internal.items():
        groups[gid]["internal"] = n
    out.add_nodes_from(groups.items())
    out.add_edges_from((a, b, {"weight": w, "kinds": kinds}) for (a, b), (w, kinds) in pairs.items())
    return out


def members_of_group(g: nx.Graph, group: str) -> list[str]:
    """The organisations a group node stands for."""
    code = group[len(GROUP_PREFIX) :] if group.startswith(GROUP_PREFIX) else group
    return [n for n, _, gmina in _orgs(g) if (gmina or "unknown").startswith(code)]


# ---------------------------------------------------------------- vocabulary, territory, time


def vocabulary(store: Store) -> dict[str, dict[str, dict[str, str]]]:
    """Labels of kinds, sectors and tie kinds by notation: ``{"kind": {"ops": {"pl":..,"en":..,"sector":..}}}``
    (:meth:`graph.vocabulary.Vocabulary.as_dict`, read with the one vocabulary query)."""
    return load_vocabulary(store).as_dict()


def territory_labels(store: Store) -> dict[str, str]:
    """Names of the territorial units by TERC code (gminy, powiaty, voivodeships)."""
    _, rows = store.select_values(internal_query("list_territory_labels"))
    return {local(u, TERC): label for u, label in rows if local(u, TERC)}



def store_dates(store: Store, *, rows: list[tuple] | None = None) -> list[str]:
    """Every day on which a tie, membership or organisation starts or stops
    counting (graph.dates.change_day; ISO, sorted, unique).

    The same stops as :func:`history_dates` of a projection with memberships,
    without building one (plus founding and dissolution dates).  ``rows`` are
    those of ``list_dates`` when the caller has read them already.
    """
    from ..dates import change_day

    if rows is None:
        _, rows = store.select_values(internal_query("list_dates"))
    return sorted({change_day(d, role) for d, role in rows if d})


def history_dates(g: nx.Graph) -> list[str]:
    """Every day a tie or organisation starts or stops counting in the network (ISO, sorted, unique): the as-of slider's stops."""
    from ..dates import change_day

    dates = set()
    for _, _, attrs in g.edges(data=True):
        for key in ("start", "end"):
            if attrs.get(key):
                dates.add(change_day(attrs[key], key))
    for _, attrs in g.nodes(data=True):
        for key, role in (("founded", "start"), ("dissolved", "end")):
            if attrs.get(key):
                dates.add(change_day(attrs[key], role))
    return sorted(dates)


def node_rows(g: nx.Graph, nodes: Iterable[str], *, vocab: dict | None = None, lang: str = "pl") -> list[dict]:
    """Display rows for ``nodes``: iri, label (in ``lang``), kind (label), gmina, synthetic."""
    kinds = (vocab or {}).get("kind", {})
    out = []
    for n in nodes:
        if n not in g:
            continue
        a = g.nodes[n]
        label = pick(lang, a.get("label"), a.get("label_en"))
        kind = a.get("kind")
        out.append(
            {
                "iri": n,
                "label": label or n,
                "kind": kinds.get(kind, {}).get(lang, kind) if kind else "",
                "gmina": a.get("gmina_label") or a.get("gmina") or "",
                "synthetic": bool(a.get("synthetic")),
            }
        )
    return out


def organisations(g: nx.Graph) -> list[str]:
    """Ids of the organisation (and unnamed group) nodes, in graph order."""
    return [n for n, t in g.nodes(data="type") if t in ORG_TYPES]
