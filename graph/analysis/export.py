"""The network with its attributes and metrics for Gephi, Cytoscape and yEd.

Formats (:data:`EXPORT_FORMATS`):

* ``gexf`` -- GEXF 1.3 for Gephi, valid against the official XSD: ties
  directed, dated (``start``/``end``) and typed (Gephi's edge ``kind``), nodes
  with the organisation's lifetime (founding to dissolution) as ``start``/``end``.
* ``graphml`` -- GraphML for yEd, igraph and Cytoscape desktop: typed keys,
  the label as a ``label`` key and as yEd's own node label.
* ``cytoscape`` -- Cytoscape.js JSON (``elements`` of ``data``), which
  cytoscape.js loads as-is and Cytoscape desktop imports (``.cyjs``).
* ``node-link`` -- networkx's node-link JSON (``nodes``, ``edges``), read by
  ``nx.node_link_graph(doc, edges="edges")``; ``json`` is its old name.

Attributes are scalars: lists (alternative labels, sources) are joined with
``" | "``, missing text becomes ``""``, booleans stay booleans; metrics are
set on organisations only (an agreement has none) and left out where a
measure is undefined (Burt's constraint of an isolate).  Edge ids are the tie
IRIs (or the membership IRIs).  Characters that XML 1.0 forbids are replaced
in the XML formats (:mod:`graph.xmltext`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import re

import networkx as nx
import pandas as pd

from ..library import internal_query

__all__ = [
    "EXPORT_FORMATS",
    "FORMAT_ALIASES",
    "FILE_TYPES",
    "organisation_lifetimes",
    "export_network",
    "flat_graph",
    "cytoscape_data",
    "gexf_day",
]

EXPORT_FORMATS: tuple[str, ...] = ("gexf", "graphml", "cytoscape", "node-link")
#: Other names accepted for a format (``json`` was the node-link export's name).
FORMAT_ALIASES: dict[str, str] = {"json": "node-link"}
#: File name extension and media type of each format.
FILE_TYPES: dict[str, tuple[str, str]] = {
    "gexf": ("gexf", "application/gexf+xml"),
    "graphml": ("graphml", "application/graphml+xml"),
    "cytoscape": ("cyjs", "application/json"),
    "node-link": ("json", "application/json"),
}


def organisation_lifetimes(store) -> dict[str, dict[str, str]]:
    """``founded``, ``founded_bound``, ``dissolved``, ``dissolved_bound`` of every
    organisation with a ``schema:foundingDate`` or ``schema:dissolutionDate``:
    date text as the data gives it (the first of several in text order), a
    bound's IRI ("not later/earlier than"); missing ones left out.

    :func:`export_network` sets them on the nodes whose projection did not."""
    _, rows = store.select_values(internal_query("list_organisation_lifetimes"))
    found: dict[str, dict[str, str]] = {}
    for org, founded, fbound, dissolved, dbound in rows:
        dates = found.setdefault(org, {})
        for name, value, bound in (("founded", founded, fbound), ("dissolved", dissolved, dbound)):
            if value and (name not in dates or value < dates[name]):
                dates[name] = value
                dates.pop(f"{name}_bound", None)
                if bound:
                    dates[f"{name}_bound"] = bound
    return found


_DATE = re.compile(r"(-?\d{4,})(?:-(\d{2})(?:-(\d{2}))?)?(?!\d)")


def gexf_day(value, *, end: bool = False, wide: bool = False) -> str | None:
    """The day (``YYYY-MM-DD``) from or until which a dated thing certainly holds, else None.

    The rule of the as-of views: a beginning given as a month or a year counts
    from the first day after that period, an end given so up to the last day
    before it; a day is that day.  ``wide`` takes the period's own first (or
    last) day instead.  A time zone or time of day is dropped.

    >>> gexf_day("2017-01-20Z"), gexf_day("2017"), gexf_day("2016-03", end=True), gexf_day("2017", wide=True), gexf_day("soon")
    ('2017-01-20', '2018-01-01', '2016-02-29', '2017-01-01', None)
    """
    m = _DATE.match(str(value or "").strip())
    if m is None:
        return None
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day:
            return dt.date(year, int(month), int(day)).isoformat()
        if month:
            first = dt.date(year, int(month), 1)
            after = first + dt.timedelta(days=calendar.monthrange(year, int(month))[1])
        else:
            first, after = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        if end:
            return ((after if wide else first) - dt.timedelta(days=1)).isoformat()
        return (first if wide else after).isoformat()
    except (ValueError, OverflowError):  # no such month or day, or a year Python's dates cannot hold
        return None


def _scalar(value):
    if isinstance(value, list | tuple | set | frozenset):
        return " | ".join(sorted(map(str, value)))
    if value is None:
        return ""
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value


def flat_graph(g: nx.MultiDiGraph, *, metrics: pd.DataFrame | None = None, lifetimes: dict[str, dict] | None = None) -> nx.MultiDiGraph:
    """A copy of ``g`` with scalar attributes only and the metrics on the organisations.

    Every edge has ``start``, ``end`` and ``role`` (``""`` when open or
    unknown); a metric that is not a finite number is left out.  Nodes get
    ``founded``/``dissolved`` from ``lifetimes`` (see :func:`organisation_lifetimes`)
    unless ``g`` has them already.
    """
    lifetimes = lifetimes or {}
    out = nx.MultiDiGraph(**{k: v for k, v in g.graph.items() if v is not None})
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
        if not d.get("founded") and not d.get("dissolved"):
            attrs.update(lifetimes.get(v, {}))
        m = rows.get(v)
        for c in numeric if m is not None else ():  # agreements and people get no metrics
            x = m[c]
            if x is None or pd.isna(x) or not math.isfinite(x):  # undefined here
                continue
            attrs[c] = int(x) if integer[c] else float(x)
        out.add_node(v, **attrs)
    for u, v, k, d in g.edges(keys=True, data=True):
        attrs = {a: _scalar(x) for a, x in d.items()}
        for a in ("start", "end", "role"):
            attrs.setdefault(a, "")
        out.add_edge(u, v, key=k, id=str(k), **attrs)
    return out


def export_network(g: nx.MultiDiGraph, fmt: str, *, metrics: pd.DataFrame | None = None, lifetimes: dict[str, dict] | None = None) -> bytes:
    """``g`` in format ``fmt`` (UTF-8 bytes), metrics and lifetimes as node attributes.

    >>> g = nx.MultiDiGraph(); g.add_node("a", label="A", alt=["x"]); g.add_edge("a", "b", key="t", kind="funding")
    't'
    >>> b'"interaction": "funding"' in export_network(g, "cytoscape")
    True
    """
    fmt = FORMAT_ALIASES.get(fmt, fmt)
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
    flat = flat_graph(g, metrics=metrics, lifetimes=lifetimes)
    from .export_xml import write_gexf, write_graphml  # lxml only when XML is asked for

    if fmt == "gexf":
        return write_gexf(flat, day=gexf_day)
    if fmt == "graphml":
        return write_graphml(flat)
    data = nx.node_link_data(flat, edges="edges") if fmt == "node-link" else cytoscape_data(flat)
    return json.dumps(_no_nan(data), ensure_ascii=False, indent=1, default=str).encode("utf-8", "replace")


#: Data names cytoscape.js gives a meaning of its own (``parent`` makes compound nodes).
_RESERVED = frozenset({"id", "source", "target", "parent"})


def cytoscape_data(flat: nx.MultiDiGraph) -> dict:
    """Cytoscape.js elements JSON of a :func:`flat_graph`.

    Nodes carry ``name`` (Cytoscape desktop's label column) and ``label``;
    edges carry ``interaction`` (desktop's edge type column) and ``kind``.
    """

    def data(attrs: dict, **fixed) -> dict:
        out = dict(fixed)
        for k, v in attrs.items():
            out[f"attr_{k}" if k in _RESERVED else k] = v
        return out

    nodes = [{"data": data({"name": d["label"], **d}, id=str(v))} for v, d in flat.nodes(data=True)]
    edges = [
        {
            "data": data(
                {"interaction": d.get("kind") or "", **{a: x for a, x in d.items() if a != "id"}}, id=str(k), source=str(u), target=str(v)
            )
        }
        for u, v, k, d in flat.edges(keys=True, data=True)
    ]
    graph = {k: v for k, v in flat.graph.items() if isinstance(v, str | int | float | bool)}
    return {
        "format_version": "1.0",
        "generated_by": "es-graph",
        "target_cytoscapejs_version": "~3",
        "data": {"name": "network", **graph},
        "elements": {"nodes": nodes, "edges": edges},
    }


def _no_nan(x):
    if isinstance(x, dict):
        return {k: _no_nan(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_no_nan(v) for v in x]
    return None if isinstance(x, float) and not math.isfinite(x) else x
