"""Network views: pyvis networks built in bulk, drawn by a self-contained page.

The only place pyvis is imported.  Typical use::

    from graph.views.explore import filter_graph, vocabulary
    from graph.viz import ViewOptions, build_network, layout, render_html
    g = filter_graph(to_networkx(store))
    view = build_network(g, options=ViewOptions(colour_by="sector"), positions=layout(g), vocab=vocabulary(store))
    Path("siec.html").write_text(render_html(view, title="Sieć"), encoding="utf-8")

The page works offline: vis-network is inlined from the pyvis package, the
data is escaped JSON and a Content-Security-Policy forbids every outside
request (SECURITY T5, T6).
"""

from __future__ import annotations

from .build import DEFAULT_CAPTIONS, LegendItem, NetworkView, Overlay, ViewOptions, build_network
from .html import DEFAULT_UI, render_html, safe_json, script_hash, vis_js
from .layout import DEFAULT_SEED, layout
from .style import COMMUNITY_COLOURS, KIND_COLOURS, OVERLAY_STYLES, SECTOR_COLOURS, TIE_STYLES
from .view import GROUP_THRESHOLD, HARD_MAX, METRIC_COLUMNS, Composed, ViewSpec, compose, groups_ignore_memberships, visible_graph

__all__ = [
    "ViewOptions",
    "Overlay",
    "LegendItem",
    "NetworkView",
    "build_network",
    "DEFAULT_CAPTIONS",
    "render_html",
    "DEFAULT_UI",
    "safe_json",
    "script_hash",
    "vis_js",
    "layout",
    "ViewSpec",
    "Composed",
    "compose",
    "visible_graph",
    "groups_ignore_memberships",
    "HARD_MAX",
    "GROUP_THRESHOLD",
    "METRIC_COLUMNS",
    "DEFAULT_SEED",
    "KIND_COLOURS",
    "SECTOR_COLOURS",
    "COMMUNITY_COLOURS",
    "TIE_STYLES",
    "OVERLAY_STYLES",
]
