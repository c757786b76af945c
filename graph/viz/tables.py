"""The network view as two tables: its text alternative (WCAG 1.1.1).

The same graph the picture draws (same filters, focus, as-of date and
grouping), as rows a screen reader or a keyboard user can read: one per
organisation (name, kind, sector, gmina, partners drawn, single point of
failure) and one per tie (from, to, kind, dates).  Plain values; the page
gives the headings in its language.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from .labels import full_label

__all__ = ["view_tables", "ORG_COLUMNS", "TIE_COLUMNS"]

ORG_COLUMNS = ("iri", "label", "kind", "sector", "gmina", "partners", "spof")
TIE_COLUMNS = ("source", "target", "kind", "start", "end")


def _vocab(vocab: Mapping, group: str, key: str | None, lang: str) -> str:
    if not key:
        return ""
    entry = (vocab or {}).get(group, {}).get(key)
    return (entry.get(lang) or entry.get("pl") or key) if entry else key


def view_tables(
    g: nx.Graph,
    *,
    vocab: Mapping | None = None,
    lang: str = "pl",
    spof: frozenset[str] = frozenset(),
    captions: Mapping[str, str] | None = None,
) -> tuple[list[dict], list[dict]]:
    """``(organisations, ties)`` of the drawn graph ``g``, sorted by name.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", type="organisation", label="Gmina A", kind="gmina")
    >>> g.add_node("b", type="organisation", label="OPS B")
    >>> _ = g.add_edge("a", "b", key="t1", kind="funding", start="2020-01-01")
    >>> orgs, ties = view_tables(g)
    >>> [(o["label"], o["partners"]) for o in orgs], [(t["source"], t["target"], t["kind"]) for t in ties]
    ([('Gmina A', 1), ('OPS B', 1)], [('Gmina A', 'OPS B', 'funding')])
    """
    cap = dict(captions or {})
    simple = nx.Graph(g)
    orgs = []
    for node, a in g.nodes(data=True):
        grouped = a.get("type") == "territory"
        kind = a.get("kind")
        orgs.append(
            {
                "iri": None if grouped else node,
                "label": full_label(a, lang) + (f" ({a.get('count')})" if grouped else ""),
                "kind": cap.get(a.get("type"), a.get("type"))
                if a.get("type") in ("agreement", "group")
                else _vocab(vocab, "kind", kind, lang),
                "sector": _vocab(vocab, "sector", a.get("sector"), lang),
                "gmina": a.get("gmina_label") or a.get("gmina") or "",
                "partners": simple.degree(node) - (1 if simple.has_edge(node, node) else 0),
                "spof": node in spof,
            }
        )
    orgs.sort(key=lambda r: (r["label"].casefold(), r["iri"] or ""))
    ties = []
    edges = g.edges(keys=True, data=True) if g.is_multigraph() else ((u, v, None, d) for u, v, d in g.edges(data=True))
    for u, v, _key, d in edges:
        kind = d.get("kind")
        name = cap.get(kind, kind) if kind in ("membership", "post") else _vocab(vocab, "tie_kind", kind, lang)
        if d.get("weight") and not kind:
            name = f"{d.get('weight')}"
        ties.append(
            {
                "source": full_label(g.nodes[u], lang),
                "target": full_label(g.nodes[v], lang),
                "kind": name or "",
                "start": (d.get("start") or "")[:10],
                "end": (d.get("end") or "")[:10],
            }
        )
    ties.sort(key=lambda r: (r["source"].casefold(), r["target"].casefold(), r["kind"]))
    return orgs, ties
