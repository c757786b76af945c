"""Build the pyvis network of a (filtered, focused or grouped) projection, in bulk.

pyvis 0.3.2's ``add_node`` scans every node already added, and ``from_nx``
calls it per node: 5,000 nodes take 30 s.  Here the node and edge dicts are
built in one pass and assigned to ``net.nodes`` / ``net.edges`` directly
(0.02 s).  Labels are drawn on the canvas and tooltips are plain-text
``title`` strings, which vis-network 9 shows as text, so nothing a label
holds is ever parsed as HTML (SECURITY T5).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx
from pyvis.network import Network

from ..dates import format_date
from .labels import full_label, short_label
from .style import GROUP_COLOUR, OVERLAY_STYLES, SHAPES, SPOF_BORDER, colour_for, shape_for, tie_style

__all__ = ["ViewOptions", "Overlay", "LegendItem", "NetworkView", "build_network", "DEFAULT_CAPTIONS"]

#: Captions used in tooltips and the legend; the dashboard passes translated ones.
DEFAULT_CAPTIONS: dict[str, str] = {
    "kind": "Kind",
    "sector": "Sector",
    "gmina": "Gmina",
    "community": "Community",
    "synthetic": "SYNTHETIC",
    "organisations": "organisations",
    "ties": "ties",
    "internal": "ties inside",
    "spof": "single point of failure",
    "missing": "expected, missing",
    "suggested": "suggested",
    "confirmed": "survey: confirmed by both",
    "one_sided": "survey: named by one side",
    "unconfirmed": "in the data, named by neither",
    "since": "since",
    "until": "until",
    "legend_nodes": "Nodes",
    "legend_ties": "Ties",
    "legend_overlays": "Overlays",
    "other": "other",
    "agreement": "agreement",
    "group": "unnamed group",
    "membership": "member of the agreement",
    "initiator": "initiator of the agreement (not a member)",
    "supporter": "supporter of the agreement (not a member)",
    "post": "post",
    "powiat": "Powiat",
    "voivodeship": "Voivodeship",
    "family_government": "government",
    "family_services": "public services",
    "family_reintegration": "reintegration units",
    "family_enterprise": "social enterprises",
    "family_ngo": "associations and foundations",
    "family_support": "support centres (OWES)",
    "family_firm": "firms",
}


@dataclass(frozen=True)
class ViewOptions:
    """How to draw: colour, size, physics, language, fonts."""

    colour_by: str = "kind"  # kind | sector | community
    size_by: str | None = None  # a metric name, or None for equal sizes
    physics: bool = False  # False: fixed seeded positions; True: settle from them, then stop
    lang: str = "pl"
    font_size: int = 14
    max_label: int = 42  # grouped views: longer labels are shortened on the canvas (the tooltip has all)
    short_label: int = 24  # organisations: the short name (graph.viz.labels) on the canvas, the full one in the tooltip
    highlight: frozenset[str] = frozenset()  # single points of failure: red border
    selected: str | None = None  # focus node: larger, bold


@dataclass(frozen=True)
class Overlay:
    """An edge that is not in the data: ``missing`` (expected) or ``suggested``."""

    source: str
    target: str
    kind: str  # "missing" | "suggested"
    reason: str = ""


@dataclass(frozen=True)
class LegendItem:
    colour: str
    label: str
    shape: str = "dot"  # dot | square | triangle | diamond | triangleDown | hexagon | star | line | dashed | ring
    count: int | None = None


@dataclass
class NetworkView:
    """A built network: the pyvis object plus what the page and the template need."""

    net: Network
    legend: dict[str, list[LegendItem]] = field(default_factory=dict)
    node_count: int = 0
    edge_count: int = 0
    options: ViewOptions = field(default_factory=ViewOptions)


def _label(attrs: dict, lang: str) -> str:
    return full_label(attrs, lang)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _vocab_label(vocab: Mapping[str, Mapping[str, Mapping[str, str]]], group: str, key: str | None, lang: str) -> str:
    if not key:
        return "-"
    entry = vocab.get(group, {}).get(key)
    return (entry.get(lang) or entry.get("pl") or key) if entry else key


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def _sizes(g: nx.Graph, metrics: Mapping[str, Mapping[str, float]] | None, size_by: str | None) -> dict[str, float]:
    if g.graph.get("level") or any(t == "territory" for _, t in g.nodes(data="type")):
        values = {n: float(a.get("count", 1)) for n, a in g.nodes(data=True)}
    elif size_by and metrics:
        values = {n: float((metrics.get(n) or {}).get(size_by) or 0.0) for n in g}
    else:
        return {n: 16.0 for n in g}
    top = max(values.values(), default=0.0) or 1.0
    return {n: 10.0 + 35.0 * math.sqrt(max(v, 0.0) / top) for n, v in values.items()}


def build_network(
    g: nx.Graph,
    *,
    options: ViewOptions = ViewOptions(),
    positions: Mapping[str, tuple[float, float]] | None = None,
    metrics: Mapping[str, Mapping[str, float]] | None = None,
    metric_names: Mapping[str, str] | None = None,
    communities: Mapping[str, int] | None = None,
    overlays: list[Overlay] | tuple[Overlay, ...] = (),
    vocab: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
    captions: Mapping[str, str] | None = None,
) -> NetworkView:
    """The pyvis network of ``g`` (an organisation projection or a grouped graph).

    ``metrics`` maps node -> {metric: value} (shown in tooltips; ``size_by``
    picks one for the size; ``metric_names`` gives their display names);
    ``communities`` maps node -> community number (for ``colour_by="community"``);
    ``vocab`` is :func:`graph.views.explore.vocabulary` (labels of kinds etc.).
    """
    cap = {**DEFAULT_CAPTIONS, **(captions or {})}
    vocab = vocab or {}
    lang = options.lang
    positions = positions or {}
    sizes = _sizes(g, metrics, options.size_by)
    metric_names = metric_names or {}
    grouped = any(t == "territory" for _, t in g.nodes(data="type"))

    nodes: list[dict] = []
    colour_count: dict[tuple[str, str], int] = {}
    for node, attrs in g.nodes(data=True):
        label = _label(attrs, lang)
        typ = attrs.get("type") or "other"
        colour = colour_for(attrs, "sector" if grouped else options.colour_by, communities, node)
        lines = [label]
        if grouped:
            lines.append(f"{attrs.get('count', 0)} {cap['organisations']}, {attrs.get('internal', 0)} {cap['internal']}")
            kinds = attrs.get("kinds") or {}
            for kind, n in sorted(kinds.items(), key=lambda kv: (-kv[1], str(kv[0])))[:8]:
                lines.append(f"  {_vocab_label(vocab, 'kind', kind, lang)}: {n}")
            colour = "#5c7fa3"
        else:
            if attrs.get("kind") and typ != "agreement":
                lines.append(f"{cap['kind']}: {_vocab_label(vocab, 'kind', attrs.get('kind'), lang)}")
            if attrs.get("gmina_label") or attrs.get("gmina"):
                lines.append(f"{cap['gmina']}: {attrs.get('gmina_label') or attrs.get('gmina')}")
            if communities and node in communities:
                lines.append(f"{cap['community']}: {communities[node] + 1}")
            for name, value in (metrics or {}).get(node, {}).items():
                lines.append(f"{metric_names.get(name, name)}: {_fmt(value)}")
            if node in options.highlight:
                lines.append(f"⚠ {cap['spof']}")
        if attrs.get("synthetic"):
            lines.append(f"[{cap['synthetic']}]")
        key = (colour, "sector" if grouped else options.colour_by)
        colour_count[key] = colour_count.get(key, 0) + 1
        spof = node in options.highlight
        selected = node == options.selected
        item = {
            "id": node,
            "label": (_short(label, options.max_label) + f" ({attrs.get('count')})")
            if grouped
            else short_label(attrs, lang, min(options.max_label, options.short_label)),
            "title": "\n".join(lines),
            "shape": SHAPES.get(typ, "dot") if grouped else shape_for(attrs),
            "size": sizes.get(node, 16.0) * (1.4 if selected else 1.0),
            "color": {
                "background": colour,
                "border": SPOF_BORDER if spof else "#2b2b2b",
                "highlight": {"background": colour, "border": "#000000"},
            },
            "borderWidth": 5 if spof else (3 if selected else 1),
            "font": {"size": options.font_size * (1.3 if selected else 1.0), "bold": selected} if selected else {"size": options.font_size},
        }
        if typ == "group":  # not an organisation: dashed border
            item["shapeProperties"] = {"borderDashes": [4, 3]}
        if node in positions:
            item["x"], item["y"] = positions[node]
        nodes.append(item)

    edges: list[dict] = []
    tie_count: dict[str, int] = {}
    multi = g.is_multigraph()
    iterator = g.edges(keys=True, data=True) if multi else ((u, v, f"{u}|{v}", d) for u, v, d in g.edges(data=True))
    for u, v, key, attrs in iterator:
        if grouped:
            weight = int(attrs.get("weight", 1))
            kinds = attrs.get("kinds") or {}
            desc = ", ".join(
                f"{_vocab_label(vocab, 'tie_kind', k, lang)}: {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])[:6]
            )
            edges.append(
                {
                    "id": str(key),
                    "from": u,
                    "to": v,
                    "width": min(1 + math.log2(weight) * 2, 12),
                    "color": {"color": "#8a9bb0"},
                    "label": str(weight),  # the tie count between the two groups, on the line
                    "font": {"size": max(10, options.font_size - 2), "strokeWidth": 3, "strokeColor": "#ffffff", "align": "middle"},
                    "title": f"{weight} {cap['ties']}\n{desc}",
                }
            )
            tie_count["__grouped"] = tie_count.get("__grouped", 0) + weight
            continue
        kind = attrs.get("kind")
        style = tie_style(kind)
        role = (attrs.get("role") or "").rsplit("/", 1)[-1] if kind == "membership" else ""
        title = [
            f"{_label(g.nodes[u], lang)} → {_label(g.nodes[v], lang)}",
            _vocab_label(vocab, "tie_kind", kind, lang) if kind not in ("membership", "post") else cap.get(role) or cap[kind],
        ]
        # dates as the sources give them: "najpóźniej od 2017-01-20", "od stycznia 2017" (graph.dates)
        if attrs.get("start"):
            title.append(format_date(attrs["start"], attrs.get("start_bound"), lang, preposition=True))
        if attrs.get("end"):
            title.append(format_date(attrs["end"], attrs.get("end_bound"), lang, role="end", preposition=True))
        edges.append(
            {
                "id": str(key),
                "from": u,
                "to": v,
                "arrows": "to",
                "color": {"color": style["color"]},
                "width": style["width"],
                "title": "\n".join(title),
            }
        )
        tie_count[kind or "other"] = tie_count.get(kind or "other", 0) + 1

    overlay_count: dict[str, int] = {}
    present = set(g.nodes)
    for i, ov in enumerate(overlays):
        if ov.source not in present or ov.target not in present:
            continue
        style = OVERLAY_STYLES.get(ov.kind, OVERLAY_STYLES["suggested"])
        title = [f"{_label(g.nodes[ov.source], lang)} → {_label(g.nodes[ov.target], lang)}", cap.get(ov.kind, ov.kind)]
        if ov.reason:
            title.append(ov.reason)
        edges.append(
            {
                "id": f"overlay:{ov.kind}:{i}",
                "from": ov.source,
                "to": ov.target,
                "arrows": "to",
                "dashes": style["dashes"],
                "color": {"color": style["color"]},
                "width": style["width"],
                "title": "\n".join(title),
                "physics": False,
            }
        )
        overlay_count[ov.kind] = overlay_count.get(ov.kind, 0) + 1

    net = Network(height="100%", width="100%", directed=not grouped, cdn_resources="in_line")
    net.nodes = nodes  # bulk: see the module docstring
    net.edges = edges
    net.node_ids = [n["id"] for n in nodes]
    net.node_map = {n["id"]: n for n in nodes}
    net.options = _vis_options(options, len(nodes), grouped)

    legend = _legend(g, options, vocab, cap, colour_count, tie_count, overlay_count, grouped, communities)
    return NetworkView(net=net, legend=legend, node_count=len(nodes), edge_count=len(edges), options=options)


def _vis_options(options: ViewOptions, n: int, grouped: bool) -> dict:
    return {
        "autoResize": True,
        "nodes": {
            "font": {"size": options.font_size, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"enabled": False}},
        },
        "edges": {"smooth": False, "arrows": {"to": {"enabled": not grouped, "scaleFactor": 0.6}}, "selectionWidth": 2},
        "physics": {
            "enabled": bool(options.physics),
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 150 if n < 500 else 60, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n > 800, "navigationButtons": False, "keyboard": False},
        "layout": {"randomSeed": 7, "improvedLayout": False},
    }


def _legend(g, options, vocab, cap, colour_count, tie_count, overlay_count, grouped, communities) -> dict[str, list[LegendItem]]:
    from .style import COMMUNITY_COLOURS, FAMILY_SHAPES, KIND_COLOURS, KIND_FAMILY, SECTOR_COLOURS, TIE_STYLES, UNKNOWN_COLOUR

    lang = options.lang
    node_items: list[LegendItem] = []
    if grouped:
        level = g.graph.get("level")  # what a group stands for: a voivodeship, powiat or gmina
        name = cap[level] if level in ("voivodeship", "powiat") else cap["gmina"]
        node_items.append(LegendItem("#5c7fa3", name, "dot", g.number_of_nodes()))
    elif options.colour_by == "community":
        used = sorted({c for n, c in (communities or {}).items() if n in g})
        for c in used[: len(COMMUNITY_COLOURS)]:
            colour = COMMUNITY_COLOURS[c % len(COMMUNITY_COLOURS)]
            node_items.append(LegendItem(colour, f"{cap['community']} {c + 1}", "dot", colour_count.get((colour, "community"))))
    else:
        group = "sector" if options.colour_by == "sector" else "kind"
        palette = SECTOR_COLOURS if group == "sector" else KIND_COLOURS
        counts: dict[str, int] = {}
        for _, attrs in g.nodes(data=True):
            if attrs.get("type") in ("agreement", "group"):
                key = attrs["type"]
            else:
                key = attrs.get(group) or ""
            counts[key] = counts.get(key, 0) + 1
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            label = _vocab_label(vocab, group, key, lang) if key not in ("", "agreement", "group") else cap[key or "other"]
            shape = {"agreement": "star"}.get(key, "dot")
            if group == "kind" and key not in ("", "agreement", "group"):
                shape = FAMILY_SHAPES.get(KIND_FAMILY.get(key, ""), "dot")
            node_items.append(LegendItem(palette.get(key) or KIND_COLOURS.get(key, UNKNOWN_COLOUR), label, shape, n))
    shape_items: list[LegendItem] = []
    if not grouped:  # the shapes say the kind's family whatever the colour says
        families: dict[str, int] = {}
        for _, attrs in g.nodes(data=True):
            if attrs.get("type") == "organisation":
                fam = KIND_FAMILY.get(attrs.get("kind") or "")
                if fam:
                    families[fam] = families.get(fam, 0) + 1
        for fam, n in sorted(families.items(), key=lambda kv: (-kv[1], kv[0])):
            shape_items.append(LegendItem("#555555", cap.get(f"family_{fam}", fam), FAMILY_SHAPES.get(fam, "dot"), n))
        if any(t == "group" for _, t in g.nodes(data="type")):
            shape_items.append(LegendItem(GROUP_COLOUR, cap["group"], "dot", sum(1 for _, t in g.nodes(data="type") if t == "group")))
    if options.highlight & set(g.nodes):
        node_items.append(LegendItem(SPOF_BORDER, cap["spof"], "ring", len(options.highlight & set(g.nodes))))
    tie_items = [
        LegendItem(
            TIE_STYLES.get(k, {"color": UNKNOWN_COLOUR})["color"],
            _vocab_label(vocab, "tie_kind", k, lang) if k not in ("membership", "post") else cap[k],
            "line",
            n,
        )
        for k, n in sorted(tie_count.items(), key=lambda kv: (-kv[1], kv[0]))
        if k != "__grouped"
    ]
    if "__grouped" in tie_count:
        tie_items.append(LegendItem("#8a9bb0", cap["ties"], "line", tie_count["__grouped"]))
    overlay_items = [
        LegendItem(OVERLAY_STYLES[k]["color"], cap.get(k, k), "dashed" if OVERLAY_STYLES[k]["dashes"] else "line", n) for k, n in sorted(overlay_count.items())
    ]
    return {"nodes": node_items, "shapes": shape_items, "ties": tie_items, "overlays": overlay_items}
