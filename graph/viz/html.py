"""Self-contained network HTML: vis-network inlined, no CDN, no Bootstrap, no fonts.

pyvis's own template links vis-network and Bootstrap from CDNs even with
``cdn_resources='local'``, so it is not used.  This template inlines the
vis-network build that ships inside the pyvis package, and:

* puts the data in a ``<script type="application/json">`` block with ``<``,
  ``>`` and ``&`` escaped as ``\\u003c``...: a label holding ``</script>``
  cannot end the block;
* builds the legend and the info panel from escaped text (``html.escape``
  server-side, ``textContent`` in the browser);
* carries a Content-Security-Policy that allows only its own two scripts (by
  hash), inline styles and ``data:`` images, and no connection at all: even a
  value that slipped through could neither run nor reach the network;
* marks the container ``data-drawn="1"`` with ``data-nodes`` / ``data-edges``
  after the first drawing (what tests and the benchmark wait for).

The same HTML is shown in the dashboard (``st.iframe``) and exported as one
file that works offline in any browser; its "PNG" button saves the canvas.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import cache
from pathlib import Path

from .build import LegendItem, NetworkView

__all__ = ["render_html", "vis_js", "safe_json", "script_hash", "DEFAULT_UI"]

_VIS_DIR = Path(__import__("pyvis").__file__).resolve().parent / "lib" / "vis-9.1.2"

#: Texts of the page chrome; the dashboard passes translated ones.
DEFAULT_UI: dict[str, str] = {
    "fit": "Fit",
    "png": "Save PNG",
    "physics": "Physics",
    "legend": "Legend",
    "nodes": "Nodes",
    "shapes": "Shapes (kind)",
    "ties": "Ties",
    "overlays": "Overlays",
    "info": "Click a node or tie to see its details.",
    "file_name": "network",
    "aria": "Network of organisations",
}

_CSS = """
html, body { margin: 0; padding: 0; height: 100%; font-family: sans-serif; background: #fff; color: #1a1a1a; }
body { display: flex; flex-direction: column; font-size: var(--fs, 14px); }
#banner { background: #fff3cd; color: #5c4400; border-bottom: 2px solid #e0a800; padding: 4px 10px; font-weight: bold; }
#bar { display: flex; gap: 10px; align-items: center; padding: 4px 8px; border-bottom: 1px solid #ddd; flex-wrap: wrap; }
#bar h1 { font-size: 1.05em; margin: 0 auto 0 0; font-weight: 600; }
#bar button { font: inherit; padding: 2px 10px; border: 1px solid #999; border-radius: 4px; background: #f6f6f6; cursor: pointer; }
#main { display: flex; flex: 1 1 auto; min-height: 200px; }
#netwrap { position: relative; flex: 1 1 auto; min-width: 0; }
#mynetwork { position: absolute; inset: 0; }
#legend { flex: 0 0 auto; width: 16em; max-width: 32%; overflow: auto; border-left: 1px solid #ddd; padding: 4px 8px; font-size: 0.85em; background: #fcfcfc; }
#legend summary { cursor: pointer; font-weight: 600; }
#legend h2 { font-size: 1em; margin: 6px 0 2px; }
#legend ul { list-style: none; margin: 0; padding: 0; }
#legend li { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.sw { display: inline-block; flex: 0 0 auto; }
.sw.dot { width: 12px; height: 12px; border-radius: 50%; }
.sw.square { width: 11px; height: 11px; }
.sw.triangle { width: 13px; height: 12px; clip-path: polygon(50% 0, 100% 100%, 0 100%); }
.sw.triangleDown { width: 13px; height: 12px; clip-path: polygon(0 0, 100% 0, 50% 100%); }
.sw.diamond { width: 13px; height: 13px; clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%); }
.sw.hexagon { width: 13px; height: 12px; clip-path: polygon(25% 0, 75% 0, 100% 50%, 75% 100%, 25% 100%, 0 50%); }
.sw.star { width: 14px; height: 14px; clip-path: polygon(50% 0, 61% 35%, 98% 35%, 68% 57%, 79% 91%, 50% 70%, 21% 91%, 32% 57%, 2% 35%, 39% 35%); }
.sw.ring { width: 10px; height: 10px; border-radius: 50%; border: 3px solid; background: #fff; }
.sw.line { width: 22px; height: 0; border-top: 3px solid; }
.sw.dashed { width: 22px; height: 0; border-top: 3px dashed; }
.n { color: #666; }
#info { flex: 0 0 auto; white-space: pre-line; background: #fafafa; border-top: 1px solid #ccc; padding: 4px 8px;
        font-size: 0.9em; max-height: 7.5em; overflow: auto; }
div.vis-tooltip { position: absolute; visibility: hidden; padding: 5px 8px; white-space: pre-line; font-size: 0.9em; max-width: 420px;
        background: #fffdf3; border: 1px solid #808074; border-radius: 3px; box-shadow: 3px 3px 10px rgba(0,0,0,.2); pointer-events: none; z-index: 5; }
"""

_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var container = document.getElementById("mynetwork");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var info = document.getElementById("info");
  network.on("beforeDrawing", function (ctx) {
    ctx.save(); ctx.setTransform(1, 0, 0, 1, 0, 0); ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height); ctx.restore();
  });
  network.once("afterDrawing", function () {
    container.dataset.nodes = String(nodes.length);
    container.dataset.edges = String(edges.length);
    container.dataset.drawn = "1";
  });
  network.once("stabilizationIterationsDone", function () { network.setOptions({ physics: { enabled: false } }); });
  network.on("click", function (params) {
    var item = null;
    if (params.nodes.length) { item = nodes.get(params.nodes[0]); }
    else if (params.edges.length) { item = edges.get(params.edges[0]); }
    info.textContent = item && item.title ? item.title : data.ui.info;
  });
  document.getElementById("fit").addEventListener("click", function () { network.fit({ animation: false }); });
  var physics = document.getElementById("physics");
  physics.checked = !!(data.options.physics && data.options.physics.enabled);
  physics.addEventListener("change", function () { network.setOptions({ physics: { enabled: physics.checked } }); });
  document.getElementById("png").addEventListener("click", function () {
    var canvas = container.querySelector("canvas");
    var a = document.createElement("a");
    a.href = canvas.toDataURL("image/png");
    a.download = data.ui.file_name + ".png";
    document.body.appendChild(a); a.click(); a.remove();
  });
  window.esNetwork = network;
})();
"""


@cache
def vis_js() -> str:
    """vis-network's build shipped inside pyvis (no source-map reference)."""
    text = (_VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    return "\n".join(line for line in text.split("\n") if not line.startswith("//# sourceMappingURL"))


def safe_json(value) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>``, ``&``, U+2028/9.

    >>> safe_json({"label": "</script><img src=x onerror=alert(1)>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def script_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _legend_html(legend: dict[str, list[LegendItem]], ui: dict[str, str]) -> str:
    e = html.escape
    parts = [f"<details open><summary>{e(ui['legend'])}</summary>"]
    for key in ("nodes", "shapes", "ties", "overlays"):
        items = legend.get(key) or []
        if not items:
            continue
        parts.append(f"<h2>{e(ui[key])}</h2><ul>")
        for it in items:
            prop = "border-color" if it.shape in ("line", "dashed", "ring") else "background"
            count = f' <span class="n">({it.count})</span>' if it.count is not None else ""
            parts.append(f'<li><span class="sw {e(it.shape)}" style="{prop}: {e(it.colour)}"></span><span>{e(it.label)}</span>{count}</li>')
        parts.append("</ul>")
    parts.append("</details>")
    return "".join(parts)


def render_html(
    view: NetworkView,
    *,
    title: str = "",
    ui: dict[str, str] | None = None,
    banner: str | None = None,
    font_px: int = 14,
    legend: bool = True,
) -> str:
    """The whole page for ``view``: one string, no outside resource."""
    ui = {**DEFAULT_UI, **(ui or {})}
    e = html.escape
    data = {"nodes": view.net.nodes, "edges": view.net.edges, "options": view.net.options, "ui": {k: ui[k] for k in ("info", "file_name")}}
    js_vis = vis_js()
    csp = (
        "default-src 'none'; "
        f"script-src {script_hash(js_vis)} {script_hash(_JS)}; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src 'none'; connect-src 'none'; "
        "media-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'"
    )
    lang = view.options.lang if view.options.lang in ("pl", "en") else "pl"
    return "".join(
        [
            "<!DOCTYPE html>\n",
            f'<html lang="{e(lang)}"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(title or ui['aria'])}</title>",
            f"<style>{_CSS}</style></head>",
            f'<body style="--fs: {int(font_px)}px">',
            f'<div id="banner">{e(banner)}</div>' if banner else "",
            '<div id="bar">',
            f"<h1>{e(title)}</h1>",
            f'<label><input type="checkbox" id="physics"> {e(ui["physics"])}</label>',
            f'<button type="button" id="fit">{e(ui["fit"])}</button>',
            f'<button type="button" id="png">{e(ui["png"])}</button>',
            "</div>",
            '<div id="main"><div id="netwrap">',
            f'<div id="mynetwork" role="img" aria-label="{e(ui["aria"])}"></div>',
            "</div>",
            f'<aside id="legend">{_legend_html(view.legend, ui)}</aside>' if legend else "",
            "</div>",
            f'<div id="info" role="status" aria-live="polite">{e(ui["info"])}</div>',
            f'<script type="application/json" id="graph-data">{safe_json(data)}</script>',
            f"<script>{js_vis}</script>",
            f"<script>{_JS}</script>",
            "</body></html>\n",
        ]
    )
