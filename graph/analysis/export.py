"""The network with its attributes and metrics for Gephi, Cytoscape and yEd.

GEXF and GraphML take scalar attributes only: lists (alternative labels,
sources) are joined with ``" | "``, missing text becomes ``""``, booleans
stay booleans; metrics are set on organisations only (an agreement has
none), NaN where a measure is undefined (Burt's constraint of an isolate).  Edge ids are the tie IRIs (or the
membership IRIs).  JSON is networkx's node-link form (``nodes``, ``edges``).
"""

from __future__ import annotations

import io
import json
import math

import networkx as nx
import pandas as pd

__all__ = ["EXPORT_FORMATS", "export_network", "flat_graph"]

EXPORT_FORMATS: tuple[str, ...] = ("gexf", "graphml", "json")


def _scalar(value):
    if isinstance(value, list | tuple | set | frozenset):
        return " | ".join(sorted(map(str, value)))
    if value is None:
        return ""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value


def flat_graph(g: nx.MultiDiGraph, *, metrics: pd.DataFrame | None = None, dates: str = "text") -> nx.MultiDiGraph:
    """A copy of ``g`` with scalar attributes only and the metrics on the organisations.

    ``dates="text"`` gives every edge ``start`` and ``end`` (``""`` when
    open); ``dates="gexf"`` leaves open ends out, so Gephi reads the ties as
    intervals on its timeline.
    """
    out = nx.MultiDiGraph()
    numeric = (
        [c for c in metrics.columns if pd.api.types.is_numeric_dtype(metrics[c]) and not pd.api.types.is_bool_dtype(metrics[c])]
        if metrics is not None
        else []
    )
    rows = metrics[numeric].to_dict(orient="index") if metrics is not None else {}
    integer = {c: pd.api.types.is_integer_dtype(metrics[c]) for c in numeric} if metrics is not None else {}
    for v, d in g.nodes(data=True):
        attrs = {k: _scalar(x) for k, x in d.items()}
        attrs["label"] = str(d.get("label") or v)
        m = rows.get(v)
        for c in numeric if m is not None else ():  # agreements and people get no metrics
            x = m[c]
            attrs[c] = int(x) if integer[c] else float(x)
        out.add_node(v, **attrs)
    for u, v, k, d in g.edges(keys=True, data=True):
        attrs = {a: _scalar(x) for a, x in d.items()}
        for a in ("start", "end", "role"):
            if dates == "gexf" and a in ("start", "end"):
                if not attrs.get(a):
                    attrs.pop(a, None)
                continue
            attrs.setdefault(a, "")
        out.add_edge(u, v, key=k, id=str(k), **attrs)
    return out


def export_network(g: nx.MultiDiGraph, fmt: str, *, metrics: pd.DataFrame | None = None) -> bytes:
    """``g`` as GEXF, GraphML or node-link JSON (UTF-8 bytes), metrics as node attributes.

    >>> g = nx.MultiDiGraph(); g.add_node("a", label="A", alt=["x"]); g.add_edge("a", "b", key="t", kind="funding")
    't'
    >>> b"funding" in export_network(g, "graphml")
    True
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    flat = flat_graph(g, metrics=metrics, dates="gexf" if fmt == "gexf" else "text")
    if fmt == "json":
        data = nx.node_link_data(flat, edges="edges")
        return json.dumps(_no_nan(data), ensure_ascii=False, indent=1, default=str).encode("utf-8")
    buf = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(flat, buf, encoding="utf-8")
    else:
        nx.write_graphml(flat, buf, encoding="utf-8", named_key_ids=True)
    return buf.getvalue()


def _no_nan(x):
    if isinstance(x, dict):
        return {k: _no_nan(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_no_nan(v) for v in x]
    return None if isinstance(x, float) and math.isnan(x) else x
