"""GEXF 1.3 and GraphML writers for a flat network (:func:`graph.analysis.export.flat_graph`).

Written with lxml rather than networkx, whose GEXF writer produces files the
GEXF XSD refuses (``<graph name="">``, ``NaN`` values, a ``networkx_key``
attribute) and whose GraphML has no label yEd shows.  Every string goes
through :func:`graph.xmltext.xml_text`, so a label with a control character
still makes a well-formed file; lxml escapes markup and quotes.

Attribute types are read off the values: all booleans ``boolean``, all
integers ``long``, numbers ``double``, anything else ``string``; a missing
value (None, a non-finite number, or ``""`` in a non-text column) is left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

import networkx as nx
from lxml import etree

from ..xmltext import xml_text

__all__ = ["GEXF_NS", "GRAPHML_NS", "YFILES_NS", "write_gexf", "write_graphml"]

GEXF_NS = "http://gexf.net/1.3"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
YFILES_NS = "http://www.yworks.com/xml/graphml"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
CREATOR = "es-graph (social-economy network explorer)"


def _type(values: Iterable) -> str:
    seen = [v for v in values if v is not None and v != "" and not (isinstance(v, float) and not math.isfinite(v))]
    if seen and all(isinstance(v, bool) for v in seen):
        return "boolean"
    if seen and all(isinstance(v, int) and not isinstance(v, bool) for v in seen):
        return "long"
    if seen and all(isinstance(v, int | float) and not isinstance(v, bool) for v in seen):
        return "double"
    return "string"


def _columns(records: list[dict], skip: frozenset[str]) -> dict[str, str]:
    """Attribute name -> type, in order of first appearance."""
    names: dict[str, None] = {}
    for d in records:
        names.update(dict.fromkeys(k for k in d if k not in skip))
    return {n: _type(d.get(n) for d in records) for n in names}


def _value(value, typ: str) -> str | None:
    """The text of ``value`` in a column of type ``typ``, or None to leave it out."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if typ == "boolean":
        return "true" if value else "false"
    if typ == "long":
        return None if value == "" else str(int(value))
    if typ == "double":
        return None if value == "" else repr(float(value))
    return xml_text(str(value))


def _token(value) -> str:
    """An ``xs:token`` (GEXF labels and edge kinds): XML-safe, whitespace collapsed as the schema reads it."""
    return " ".join(xml_text(str(value)).split())


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---------------------------------------------------------------- GEXF 1.3


def write_gexf(flat: nx.MultiDiGraph, *, day: Callable[..., str | None]) -> bytes:
    """GEXF 1.3 of ``flat``: directed edges keyed by tie IRI, typed by ``kind``.

    ``day(text, end=..., wide=...)`` turns a data date into a GEXF day.
    Organisations live from ``founded`` to ``dissolved``, ties from ``start``
    to ``end``: the days on which the as-of views count them.  Where those
    views never count a thing (begun "not earlier than", ended "not later
    than", or begun and ended within one month or year) the dates' whole
    periods are taken instead.  The dates as the data gives them stay
    attributes (``founded``, ``dissolved``, ``start_date``, ``end_date``, with
    their ``*_bound``).
    """
    root = etree.Element(f"{{{GEXF_NS}}}gexf", nsmap={None: GEXF_NS, "xsi": XSI_NS}, version="1.3")
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{GEXF_NS} {GEXF_NS}/gexf.xsd")
    meta = etree.SubElement(root, "meta")
    etree.SubElement(meta, "creator").text = CREATOR
    as_of = flat.graph.get("as_of")
    etree.SubElement(meta, "description").text = xml_text(
        f"Network of organisations and ties as of {as_of}" if as_of else "Network of organisations and ties"
    )

    nodes = [(v, d, _interval(d, "founded", "dissolved", day)) for v, d in flat.nodes(data=True)]
    edges = []
    for u, v, k, d in flat.edges(keys=True, data=True):
        attrs = {("start_date" if a == "start" else "end_date" if a == "end" else a): x for a, x in d.items() if a != "id"}
        edges.append((u, v, k, attrs, _interval(d, "start", "end", day)))
    dynamic = any(span != (None, None) for *_, span in nodes) or any(span != (None, None) for *_, span in edges)
    graph = etree.SubElement(root, "graph", defaultedgetype="directed", mode="dynamic" if dynamic else "static", idtype="string")
    if dynamic:
        graph.set("timeformat", "date")
        graph.set("timerepresentation", "interval")
    node_cols = _columns([d for _, d, _ in nodes], frozenset({"label"}))
    edge_cols = _columns([a for *_, a, _ in edges], frozenset())
    for cls, cols in (("node", node_cols), ("edge", edge_cols)):
        block = etree.SubElement(graph, "attributes", {"class": cls, "mode": "static"})
        for name, typ in cols.items():
            etree.SubElement(block, "attribute", id=xml_text(name), title=xml_text(name), type=typ)

    xnodes = etree.SubElement(graph, "nodes", count=str(len(nodes)))
    for v, d, span in nodes:
        el = etree.SubElement(xnodes, "node", id=xml_text(str(v)), label=_token(d.get("label") or v) or _token(v))
        _span(el, span)
        _attvalues(el, d, node_cols)
    xedges = etree.SubElement(graph, "edges", count=str(len(edges)))
    for u, v, k, attrs, span in edges:
        el = etree.SubElement(xedges, "edge", id=xml_text(str(k)), source=xml_text(str(u)), target=xml_text(str(v)))
        if attrs.get("kind"):
            el.set("kind", _token(attrs["kind"]))
            el.set("label", _token(attrs["kind"]))
        _span(el, span)
        _attvalues(el, attrs, edge_cols)
    return _bytes(root)


def _interval(d: dict, begin: str, end: str, day) -> tuple[str | None, str | None]:
    start, stop = d.get(begin), d.get(end)
    first = day(start, wide=str(d.get(f"{begin}_bound") or "").endswith("notEarlierThan"))
    last = day(stop, end=True, wide=str(d.get(f"{end}_bound") or "").endswith("notLaterThan"))
    if first and last and first > last:  # e.g. begun and ended within one year
        first, last = day(start, wide=True), day(stop, end=True, wide=True)
    return first, last


def _span(el, span: tuple[str | None, str | None]) -> None:
    for name, when in zip(("start", "end"), span):
        if when:
            el.set(name, when)


def _attvalues(el, attrs: dict, cols: dict[str, str]) -> None:
    values = [(name, _value(attrs.get(name), typ)) for name, typ in cols.items()]
    values = [(name, text) for name, text in values if text is not None]
    if values:
        box = etree.SubElement(el, "attvalues")
        for name, text in values:
            etree.SubElement(box, "attvalue", {"for": xml_text(name), "value": text})


# ---------------------------------------------------------------- GraphML


def _key_ids(prefix: str, names: Iterable[str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for i, name in enumerate(names):
        ids[name] = f"{prefix}{i}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"
    return ids


def write_graphml(flat: nx.MultiDiGraph) -> bytes:
    """GraphML of ``flat`` with typed keys (``attr.name``/``attr.type``), which
    igraph and networkx read with labels and kinds, and yEd's own node labels
    (``y:ShapeNode``) and edge labels (the tie kind on a ``y:PolyLineEdge``
    with an arrow), which yEd shows without a mapping."""
    root = etree.Element(f"{{{GRAPHML_NS}}}graphml", nsmap={None: GRAPHML_NS, "y": YFILES_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{GRAPHML_NS} http://www.yworks.com/xml/schema/graphml/1.1/ygraphml.xsd")
    node_records = [d for _, d in flat.nodes(data=True)]
    edge_records = [{a: x for a, x in d.items() if a != "id"} for *_, d in flat.edges(keys=True, data=True)]
    node_cols, edge_cols = _columns(node_records, frozenset()), _columns(edge_records, frozenset())
    node_ids, edge_ids = _key_ids("n", node_cols), _key_ids("e", edge_cols)
    for cls, cols, ids in (("node", node_cols, node_ids), ("edge", edge_cols, edge_ids)):
        for name, typ in cols.items():
            etree.SubElement(root, "key", {"id": ids[name], "for": cls, "attr.name": xml_text(name), "attr.type": typ})
    etree.SubElement(root, "key", {"id": "yfiles_node", "for": "node", "yfiles.type": "nodegraphics"})
    etree.SubElement(root, "key", {"id": "yfiles_edge", "for": "edge", "yfiles.type": "edgegraphics"})
    graph = etree.SubElement(root, "graph", id="G", edgedefault="directed")
    for (v, d), record in zip(flat.nodes(data=True), node_records):
        el = etree.SubElement(graph, "node", id=xml_text(str(v)))
        _data(el, record, node_cols, node_ids)
        shape = etree.SubElement(etree.SubElement(el, "data", key="yfiles_node"), f"{{{YFILES_NS}}}ShapeNode")
        etree.SubElement(shape, f"{{{YFILES_NS}}}NodeLabel").text = xml_text(str(d.get("label") or v))
    for (u, v, k), record in zip(flat.edges(keys=True), edge_records):
        el = etree.SubElement(graph, "edge", id=xml_text(str(k)), source=xml_text(str(u)), target=xml_text(str(v)))
        _data(el, record, edge_cols, edge_ids)
        line = etree.SubElement(etree.SubElement(el, "data", key="yfiles_edge"), f"{{{YFILES_NS}}}PolyLineEdge")
        etree.SubElement(line, f"{{{YFILES_NS}}}Arrows", source="none", target="standard")
        if record.get("kind"):
            etree.SubElement(line, f"{{{YFILES_NS}}}EdgeLabel").text = xml_text(str(record["kind"]))
    return _bytes(root)


def _data(el, attrs: dict, cols: dict[str, str], ids: dict[str, str]) -> None:
    for name, typ in cols.items():
        text = _value(attrs.get(name), typ)
        if text is not None:
            etree.SubElement(el, "data", key=ids[name]).text = text
