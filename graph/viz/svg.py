"""A static SVG picture of a network, drawn from the seeded layout.

For printed output (the meeting report): no script, no browser needed to
draw it, the same positions as the dashboard's seeded layout.  Every label is
escaped, and characters XML forbids are replaced (:mod:`graph.xmltext`: the
SVG stays XML); the picture carries a ``<title>`` and ``role="img"`` so a
reader of the HTML report hears what it shows.  Nodes are coloured by sector and shaped
by type (agreement: star, unnamed group: square, organisation: circle);
labels are the short names (:func:`short_label`), the full name is the
node's ``<title>`` (a tooltip in a browser).
"""

from __future__ import annotations

import math
from html import escape

import networkx as nx

from ..xmltext import xml_text
from .labels import full_label, short_label
from .layout import layout
from .style import SECTOR_COLOURS, TIE_STYLES, UNKNOWN_COLOUR, colour_for

__all__ = ["network_svg"]

_EDGE_MEMBERSHIP = TIE_STYLES["membership"]["color"]


def _star(x: float, y: float, r: float) -> str:
    points = []
    for i in range(10):
        a = math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.45
        points.append(f"{x + rr * math.cos(a):.1f},{y - rr * math.sin(a):.1f}")
    return " ".join(points)


_CHAR_W = 7.0  # px per character at font-size 12 (DejaVu Sans, about)
#: Where a label may go relative to its node: (dx, dy of the baseline, anchor), tried in order.
_SPOTS = ((0, 22, "middle"), (0, -13, "middle"), (12, 4, "start"), (-12, 4, "end"), (0, 36, "middle"), (0, -27, "middle"))


def _box(x: float, y: float, anchor: str, text: str) -> tuple[float, float, float, float]:
    w = _CHAR_W * len(text)
    left = x - w / 2 if anchor == "middle" else (x if anchor == "start" else x - w)
    return (left, y - 11, left + w, y + 3)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_labels(g, at: dict, lang: str, width: int, height: int) -> dict:
    """A spot for every label that covers no other label or node, where one of :data:`_SPOTS` allows (greedy)."""
    nodes = [(x - 9, y - 9, x + 9, y + 9) for x, y in at.values()]
    boxes: list[tuple[float, float, float, float]] = []
    out = {}
    # crowded nodes first: they have the fewest free spots
    order = sorted(at, key=lambda n: (-sum(1 for m in at if abs(at[m][0] - at[n][0]) < 120 and abs(at[m][1] - at[n][1]) < 40), str(n)))
    for node in order:
        x, y = at[node]
        text = short_label(g.nodes[node], lang)
        best = None
        for dx, dy, anchor in _SPOTS:
            box = _box(x + dx, y + dy, anchor, text)
            inside = box[0] >= 0 and box[2] <= width and box[1] >= 0 and box[3] <= height
            clash = sum(_overlaps(box, b) for b in boxes) + sum(_overlaps(box, b) for b in nodes)
            if inside and clash == 0:
                best = (x + dx, y + dy, anchor, box)
                break
            if best is None:
                best = (x + dx, y + dy, anchor, box)
        out[node] = best[:3]
        boxes.append(best[3])
    return out


def network_svg(
    g: nx.Graph,
    *,
    lang: str = "pl",
    title: str = "",
    width: int = 1000,
    height: int = 680,
    seed: int | None = None,
) -> str:
    """``g`` (a projection, memberships included or not) as an SVG element (text)."""
    kw = {"seed": seed} if seed is not None else {}
    pos = layout(g, **kw) if g.number_of_nodes() else {}
    margin_x, margin_y = 90.0, 30.0
    if pos:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        span_x = (max(xs) - min(xs)) or 1.0
        span_y = (max(ys) - min(ys)) or 1.0
        scale = min((width - 2 * margin_x) / span_x, (height - 2 * margin_y - 14) / span_y)
        ox = (width - scale * span_x) / 2 - scale * min(xs)
        oy = (height - 14 - scale * span_y) / 2 - scale * min(ys)
        at = {n: (ox + scale * x, oy + scale * y) for n, (x, y) in pos.items()}
    else:
        at = {}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="svg-title" font-family="DejaVu Sans, sans-serif">',
        f'<title id="svg-title">{escape(xml_text(title))}</title>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        '<g class="ties">',
    ]
    seen: set[tuple[str, str]] = set()
    for u, v, attrs in g.edges(data=True):
        if u not in at or v not in at or u == v or (u, v) in seen:
            continue
        seen.add((u, v))
        kind = attrs.get("kind")
        colour = _EDGE_MEMBERSHIP if kind == "membership" else TIE_STYLES.get(kind or "", {"color": UNKNOWN_COLOUR})["color"]
        w = 1.2 if kind in ("membership", "post") else 2.0
        (x1, y1), (x2, y2) = at[u], at[v]
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width="{w}"/>')
    out.append("</g>")
    out.append('<g class="nodes">')
    placed = _place_labels(g, at, lang, width, height)
    for node in sorted(at, key=str):
        attrs = g.nodes[node]
        x, y = at[node]
        typ = attrs.get("type") or "other"
        fill = colour_for(attrs, "sector")
        full = escape(xml_text(full_label(attrs, lang)))
        if typ == "agreement":
            shape = f'<polygon points="{_star(x, y, 13)}" fill="{fill}" stroke="#222" stroke-width="1"/>'
        elif typ == "group":
            shape = f'<rect x="{x - 8:.1f}" y="{y - 8:.1f}" width="16" height="16" fill="{fill}" stroke="#222" stroke-width="1"/>'
        else:
            shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{fill}" stroke="#222" stroke-width="1"/>'
        label = escape(xml_text(short_label(attrs, lang)))
        lx, ly, anchor = placed[node]
        out.append(
            f"<g><title>{full}</title>{shape}"
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="12" fill="#111" '
            f'stroke="#fff" stroke-width="3" paint-order="stroke">{label}</text></g>'
        )
    out.append("</g></svg>")
    return "\n".join(out)


def sector_legend(vocab: dict, lang: str = "pl") -> list[tuple[str, str]]:
    """``(colour, sector label)`` for the legend under the picture."""
    names = vocab.get("sector", {})
    return [(colour, (names.get(key) or {}).get(lang) or key) for key, colour in SECTOR_COLOURS.items()]
