"""graph.viz: bulk pyvis networks, escaping, offline HTML, stable layout, overlays, grouping."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import networkx as nx
import pytest

from graph.analysis.findings import Finding, Resource, Suggestion
from graph.views.explore import Filters
from graph.viz import (
    KIND_COLOURS,
    OVERLAY_STYLES,
    SECTOR_COLOURS,
    Overlay,
    ViewOptions,
    ViewSpec,
    build_network,
    compose,
    layout,
    render_html,
    safe_json,
    script_hash,
    vis_js,
)
from graph.viz.overlays import overlays_from

EVIL = '<img src=x onerror="window.__xss=1">"><script>window.__xss=2</script>'


def _graph(n: int = 4, *, evil: bool = False) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    kinds = ["ops", "owes", "social_cooperative", "gmina"]
    sectors = {"ops": "public", "owes": "social_economy", "social_cooperative": "social_economy", "gmina": "public"}
    for i in range(n):
        kind = kinds[i % 4]
        label = EVIL if (evil and i == 0) else f"Organizacja {i} Wąchock"
        g.add_node(
            f"https://x/o{i}",
            type="organisation",
            label=label,
            label_en=f"Org {i}",
            alt=[],
            kind=kind,
            sector=sectors[kind],
            gmina="2611053",
            gmina_label="Wąchock",
            synthetic=False,
        )
    for i in range(1, n):
        g.add_edge(
            f"https://x/o{i}",
            "https://x/o0",
            key=f"https://x/t{i}",
            kind="funding" if i % 2 else "advice",
            start="2017-01-20",
            end=None,
            sources=[],
        )
    return g


def test_build_is_bulk_and_fast():
    g = _graph(5000)
    started = time.perf_counter()
    view = build_network(g, positions={n: (0.0, 0.0) for n in g})
    elapsed = time.perf_counter() - started
    assert len(view.net.nodes) == 5000 and len(view.net.edges) == 4999
    assert view.net.node_ids[:2] == ["https://x/o0", "https://x/o1"]
    assert elapsed < 2.0, f"building 5,000 nodes took {elapsed:.2f} s (pyvis add_node is quadratic)"


@pytest.mark.parametrize(("colour_by", "expected"), [("kind", KIND_COLOURS["owes"]), ("sector", SECTOR_COLOURS["social_economy"])])
def test_colour_by(colour_by, expected):
    view = build_network(_graph(), options=ViewOptions(colour_by=colour_by))
    node = next(n for n in view.net.nodes if n["id"] == "https://x/o1")
    assert node["color"]["background"] == expected
    assert view.legend["nodes"], "a legend of node colours"


def test_colour_by_community_and_size_by_metric():
    g = _graph()
    metrics = {n: {"degree": (3.0 if n.endswith("o0") else 1.0)} for n in g}
    view = build_network(
        g, options=ViewOptions(colour_by="community", size_by="degree"), metrics=metrics, communities={n: i for i, n in enumerate(g)}
    )
    sizes = {n["id"]: n["size"] for n in view.net.nodes}
    assert sizes["https://x/o0"] > sizes["https://x/o1"]
    assert len({n["color"]["background"] for n in view.net.nodes}) == 4
    assert "Community 1" in {i.label for i in view.legend["nodes"]}


def test_edge_style_by_tie_kind_and_legend():
    view = build_network(_graph())
    colours = {e["title"].splitlines()[1]: e["color"]["color"] for e in view.net.edges}
    assert colours["funding"] != colours["advice"]
    assert {i.label for i in view.legend["ties"]} == {"funding", "advice"}
    assert not any(e.get("dashes") for e in view.net.edges), "dashes are kept for overlays"


def test_overlays_dashed_and_spof_ring():
    g = _graph()
    ov = (
        Overlay("https://x/o1", "https://x/o2", "suggested", "both work with o0"),
        Overlay("https://x/o2", "https://x/o3", "missing"),
        Overlay("https://x/o1", "https://x/elsewhere", "missing"),
    )
    view = build_network(g, options=ViewOptions(highlight=frozenset({"https://x/o0"})), overlays=ov)
    dashed = [e for e in view.net.edges if e.get("dashes")]
    assert len(dashed) == 2  # the overlay to a node not in view is left out
    assert {e["color"]["color"] for e in dashed} == {OVERLAY_STYLES["suggested"]["color"], OVERLAY_STYLES["missing"]["color"]}
    assert "both work with o0" in next(e["title"] for e in dashed if "suggested" in e["title"])
    hub = next(n for n in view.net.nodes if n["id"] == "https://x/o0")
    assert hub["borderWidth"] == 5
    assert {i.shape for i in view.legend["overlays"]} == {"dashed"}


def test_overlays_from_report():
    a, b, c = (Resource(f"https://x/o{i}", f"O{i}") for i in range(3))
    report = type("R", (), {})()
    report.structure = type("S", (), {"articulation_points": (a,)})()
    report.suggestions = (Suggestion("suggestion", "pes-ops", "info", (b, c), "b z c", "b with c", score=0.5),)
    report.findings = (
        Finding("expectation", "gmina-has-ops", "warning", (c, a), "brak", "missing"),
        Finding("coverage", "x", "info", (a,), "p", "e"),
    )
    spof, overlays = overlays_from(report, "en")
    assert spof == {"https://x/o0"}
    assert [(o.source, o.target, o.kind) for o in overlays] == [
        ("https://x/o1", "https://x/o2", "suggested"),
        ("https://x/o2", "https://x/o0", "missing"),
    ]
    assert overlays_from(None) == (frozenset(), ())


def test_tooltips_are_plain_text_with_metrics():
    g = _graph()
    view = build_network(
        g, metrics={"https://x/o0": {"betweenness": 0.123456}}, metric_names={"betweenness": "Pośrednictwo"}, captions={"kind": "Rodzaj"}
    )
    title = next(n["title"] for n in view.net.nodes if n["id"] == "https://x/o0")
    assert "Rodzaj: ops" in title and "Gmina: Wąchock" in title and "Pośrednictwo: 0.123" in title
    assert "<" not in title


def test_layout_is_seeded_and_stable():
    g = nx.les_miserables_graph()
    a, b = layout(g, seed=3), layout(g, seed=3)
    assert a == b
    assert layout(g, seed=4) != a
    assert set(a) == set(g)
    big = nx.gnm_random_graph(2000, 4000, seed=1)
    started = time.perf_counter()
    layout(big)
    assert time.perf_counter() - started < 5.0


def test_html_is_self_contained_and_escaped():
    html = render_html(build_network(_graph(evil=True)), title=EVIL, banner="[SYNT] <b>", ui={"legend": "<i>Legenda</i>"})
    # no outside resource: no src/href to http(s), no CDN, no Bootstrap, no fonts
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    for word in ("cdnjs", "jsdelivr", "bootstrap", "fonts.googleapis", "@import", "sourceMappingURL"):
        assert word not in html
    assert vis_js()[:200] in html, "vis-network is inlined"
    # escaped everywhere: the label's markup never appears raw
    assert "<img src=x" not in html and "<script>window.__xss" not in html
    assert "&lt;img src=x onerror=" in html  # the title, as text
    assert "&lt;i&gt;Legenda&lt;/i&gt;" in html
    data = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S).group(1)
    assert "<" not in data and json.loads(data)["nodes"][0]["label"].startswith("<img")


def test_csp_allows_only_the_pages_own_scripts():
    html = render_html(build_network(_graph()))
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1).replace("&#x27;", "'")
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for body in scripts:
        assert script_hash(body) in csp
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_safe_json_round_trip():
    value = {"a": "</script><!-- & \u2028 \u2029 ąę"}
    text = safe_json(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize("n_orgs", [50, 360])
def test_compose_groups_past_the_threshold(n_orgs):
    g = nx.MultiDiGraph()
    for i in range(n_orgs):
        g.add_node(
            f"o{i}",
            type="organisation",
            label=f"O{i}",
            label_en=f"O{i}",
            kind="ops",
            sector="public",
            gmina=f"26110{i % 6}1",
            gmina_label=f"G{i % 6}",
            synthetic=False,
        )
    for i in range(1, n_orgs):
        g.add_edge(f"o{i}", f"o{i - 1}", key=f"t{i}", kind="advice")
    out = compose(g, ViewSpec(threshold=300))
    assert out.organisations == n_orgs
    if n_orgs > 300:
        assert out.level == "gmina" and out.node_count == 6 and sum(c for _, _, c in out.groups) == n_orgs
        drilled = compose(g, ViewSpec(threshold=300, drill=out.groups[0][0]))
        assert drilled.level is None and drilled.node_count == out.groups[0][2]
    else:
        assert out.level is None and out.node_count == n_orgs
    assert compose(g, ViewSpec(threshold=300)).html == out.html, "same spec, same page (stable layout)"


def test_a_grouped_view_is_the_same_without_the_memberships():
    from graph.analysis.projection import to_networkx
    from graph.settings import Settings
    from graph.store import open_store
    from graph.viz import groups_ignore_memberships

    store = open_store(Settings())
    plain, full = to_networkx(store), to_networkx(store, include_memberships=True)
    for spec in (
        ViewSpec(threshold=20),
        ViewSpec(threshold=5, grouping="powiat"),
        ViewSpec(threshold=3, filters=Filters(kinds=("association", "ops"))),
    ):
        assert groups_ignore_memberships(spec)
        grouped = compose(full, spec)
        assert grouped.level is not None
        assert compose(plain, spec) == grouped
    assert compose(plain, ViewSpec(threshold=20)).edge_count > 5  # ties between gminy
    # node by node the memberships show: the projection with them is needed there
    assert compose(full, ViewSpec()).edge_count > compose(plain, ViewSpec()).edge_count
    assert not groups_ignore_memberships(ViewSpec(threshold=5, focus="https://w3id.org/es-pl/id/org/gmina-brody"))
    assert not groups_ignore_memberships(ViewSpec(threshold=5, filters=Filters(isolated=False)))


def test_compose_focus_and_filters(tmp_path: Path):
    g = _graph(8)
    focused = compose(g, ViewSpec(focus="https://x/o3", depth=1))
    assert set(focused.nodes) == {"https://x/o3", "https://x/o0"}
    filtered = compose(g, ViewSpec(filters=Filters(kinds=("owes",))))
    assert filtered.organisations == 2


@pytest.mark.browser
def test_png_of_a_view():
    from graph.viz.png import chromium_path, html_to_png

    if chromium_path() is None:
        pytest.skip("no chromium")
    png = html_to_png(render_html(build_network(_graph(evil=True), positions=layout(_graph()))), width=800, height=500)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(png))
    assert img.size == (800, 500)
    lo, hi = img.convert("L").getextrema()
    assert hi - lo > 100, "something was drawn"


def _national(per_gmina: int = 9) -> nx.MultiDiGraph:
    """4 voivodeships x 3 powiaty x 4 gminy, ``per_gmina`` organisations each; ties along a chain."""
    g = nx.MultiDiGraph()
    names = []
    for v in ("02", "04", "06", "08"):
        for p in ("01", "02", "03"):
            for m in ("011", "022", "032", "042"):
                for i in range(per_gmina):
                    n = f"o{v}{p}{m}-{i}"
                    g.add_node(n, type="organisation", label=n, label_en=n, kind="ops", sector="public",
                               gmina=f"{v}{p}{m}", gmina_label=f"G{v}{p}{m}", synthetic=False)  # fmt: skip
                    names.append(n)
    for a, b in zip(names, names[1:]):
        g.add_edge(a, b, key=f"{a}>{b}", kind="advice")
    return g


def test_a_national_network_drills_down_voivodeship_powiat_gmina(monkeypatch):
    import graph.views.explore as explore

    monkeypatch.setattr(explore, "VOIVODESHIP_OVER", 300)  # the same rule, on a graph small enough for a test
    g = _national()  # 432 organisations
    top = compose(g, ViewSpec(threshold=100))
    assert top.level == "voivodeship" and [c for c, _, _ in top.groups] == ["02", "04", "06", "08"]
    assert [n for _, _, n in top.groups] == [108] * 4
    opened = compose(g, ViewSpec(threshold=100, drill="04"))
    assert opened.level == "powiat" and sorted(c for c, _, _ in opened.groups) == ["0401", "0402", "0403"]
    powiat = compose(g, ViewSpec(threshold=30, drill="0402"))
    assert powiat.level == "gmina" and sorted(c for c, _, _ in powiat.groups) == ["0402011", "0402022", "0402032", "0402042"]
    gmina = compose(g, ViewSpec(threshold=5, drill="0402022"))
    assert gmina.level is None and gmina.organisations == 9
    # the picture: groups fixed where the layout puts them, ties between groups counted on the lines
    data = _graph_data(compose(g, ViewSpec(threshold=100, physics=True)).html)
    assert data["options"]["physics"]["enabled"] is False  # even with physics asked for
    assert sorted(int(e["label"]) for e in data["edges"]) == [1, 1, 1]  # the chain crosses each border once
    assert sorted(n["label"] for n in data["nodes"]) == ["02 (108)", "04 (108)", "06 (108)", "08 (108)"]
    # the legend names what a group stands for at each level
    assert '<span>Voivodeship</span> <span class="n">(4)</span>' in top.html
    assert '<span>Powiat</span> <span class="n">(3)</span>' in opened.html
    assert '<span>Gmina</span> <span class="n">(4)</span>' in powiat.html


def _graph_data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S)
    return json.loads(m.group(1))


@pytest.mark.parametrize("n", [2, 3, 16, 24, 25, 42, 380])
def test_groups_and_their_labels_never_overlap(n):
    from graph.viz.layout import group_layout, label_box

    g = nx.Graph()
    for i in range(n):
        g.add_node(f"group:{i:04d}", code=f"{i:04d}", label="Powiat " + "w" * (i % 40), count=10**(i % 5))  # fmt: skip
    pos = group_layout(g, font_px=16)
    assert pos == group_layout(g, font_px=16)
    w = max(label_box(g.nodes[v], font_px=16)[0] for v in g)
    h = max(label_box(g.nodes[v], font_px=16)[1] for v in g)
    nodes = sorted(pos)
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 :]:
            dx, dy = abs(pos[a][0] - pos[b][0]), abs(pos[a][1] - pos[b][1])
            assert dx >= w - 0.2 or dy >= h - 0.2, (a, b, pos[a], pos[b])
