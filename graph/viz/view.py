"""One network view from a projection and a frozen :class:`ViewSpec`:
filter -> focus -> group (past a threshold) -> layout -> pyvis -> HTML.

The Network page, meeting mode and the export all call :func:`compose`; the
spec is hashable, so the dashboard caches the result per spec and data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx

from ..views.explore import GROUP_PREFIX, Filters, drop_lone_agreements, filter_graph, focus_graph, group_graph, group_level
from .build import DEFAULT_CAPTIONS, Overlay, ViewOptions, build_network
from .html import render_html
from .layout import DEFAULT_SEED, group_layout, layout
from .tables import view_tables

__all__ = ["ViewSpec", "Composed", "compose", "visible_graph", "groups_ignore_memberships", "GROUP_THRESHOLD", "HARD_MAX", "METRIC_COLUMNS"]

#: Past this many visible organisations the view groups them by gmina (or powiat).
GROUP_THRESHOLD = 300

#: Even with grouping switched off, past this many organisations the view groups.
HARD_MAX = 3000

#: Metrics shown in tooltips (when the analysis provides them), in this order.
METRIC_COLUMNS = ("degree", "betweenness", "pagerank", "harmonic", "core")


@dataclass(frozen=True)
class ViewSpec:
    """Everything that decides what the network view shows (hashable)."""

    filters: Filters = Filters()
    focus: str | None = None
    depth: int = 1
    drill: str | None = None  # TERC code prefix to drill into (a powiat or gmina)
    grouping: str = "auto"  # auto | none | gmina | powiat | voivodeship
    threshold: int = GROUP_THRESHOLD
    colour_by: str = "kind"
    size_by: str | None = None
    physics: bool = False
    show_spof: bool = True
    show_missing: bool = True
    show_suggested: bool = True
    lang: str = "pl"
    font_px: int = 14
    seed: int = DEFAULT_SEED
    survey: str | None = None  # a survey round whose ties are drawn over the network (graph.survey.overlays)


@dataclass
class Composed:
    html: str
    node_count: int  # nodes drawn (groups count as one)
    edge_count: int
    organisations: int  # organisations in view (inside groups too)
    level: str | None  # None, "gmina", "powiat" or "voivodeship"
    groups: list[tuple[str, str, int]] = field(default_factory=list)  # (TERC code, label, organisations), largest first
    nodes: list[str] = field(default_factory=list)  # ids of the drawn nodes
    organisation_rows: list[dict] = field(default_factory=list)  # the text alternative (graph.viz.tables)
    tie_rows: list[dict] = field(default_factory=list)


def visible_graph(g: nx.MultiDiGraph, spec: ViewSpec, labels: Mapping[str, str] | None = None) -> tuple[nx.Graph, str | None, int]:
    """``(graph to draw, grouping level or None, organisations in view)`` for ``spec``."""
    filters = spec.filters
    if spec.drill:
        current = filters.gminas or ()
        inside = {c for c in current if c.startswith(spec.drill)}
        if not current or any(spec.drill.startswith(c) for c in current):
            inside.add(spec.drill)
        filters = Filters(filters.kinds, filters.sectors, tuple(sorted(inside)) or ("-",), filters.isolated)
    # agreements without a member in view stay until the view is known not to be grouped
    # (groups hold organisations alone): a whole network is not copied to drop them
    sub = filter_graph(g, filters, lone_agreements=not spec.focus)
    if spec.focus and spec.focus in sub:
        sub = focus_graph(sub, spec.focus, max(1, min(3, spec.depth)))
    orgs = sum(1 for _, t in sub.nodes(data="type") if t in ("organisation", "group"))
    if spec.grouping == "none" and orgs <= HARD_MAX:
        level = None
    elif spec.grouping in ("gmina", "powiat", "voivodeship"):
        level = spec.grouping
    else:
        level = group_level(sub, threshold=spec.threshold if spec.grouping != "none" else HARD_MAX, drill=spec.drill)
    if level is None:
        return drop_lone_agreements(sub), None, orgs
    return group_graph(sub, level, labels=dict(labels or {})), level, orgs


def groups_ignore_memberships(spec: ViewSpec) -> bool:
    """True when a grouped view of ``spec`` is the same with or without the memberships
    of the agreement: groups stand for organisations and weigh the ties between them,
    and a membership ties an organisation to an agreement, which no group holds.
    Not so around a focus (its neighbourhood reaches through the agreement) or
    without tieless organisations (one whose only tie is a membership would stay).
    The grouped view is then drawn from the projection without memberships.
    """
    return not spec.focus and spec.filters.isolated


def compose(
    g: nx.MultiDiGraph,
    spec: ViewSpec = ViewSpec(),
    *,
    metrics: Mapping[str, Mapping[str, float]] | None = None,
    metric_names: Mapping[str, str] | None = None,
    communities: Mapping[str, int] | None = None,
    spof: frozenset[str] = frozenset(),
    overlays: tuple[Overlay, ...] = (),
    vocab: Mapping | None = None,
    labels: Mapping[str, str] | None = None,
    captions: Mapping[str, str] | None = None,
    ui: Mapping[str, str] | None = None,
    title: str = "",
    banner: str | None = None,
    visible: tuple[nx.Graph, str | None, int] | None = None,
) -> Composed:
    """Draw ``g`` as ``spec`` says; ``spof`` and ``overlays`` come from the gap analysis.

    ``visible`` is :func:`visible_graph`'s answer when the caller has it already.
    """
    visible, level, orgs = visible or visible_graph(g, spec, labels)
    overlays = tuple(
        o
        for o in overlays
        if (o.kind == "missing" and spec.show_missing)
        or (o.kind == "suggested" and spec.show_suggested)
        or o.kind not in ("missing", "suggested")
    )
    options = ViewOptions(
        colour_by=spec.colour_by,
        size_by=spec.size_by,
        physics=spec.physics and level is None,  # groups stay where the layout puts them
        lang=spec.lang,
        font_size=spec.font_px,
        highlight=frozenset(spof) if spec.show_spof and level is None else frozenset(),
        selected=spec.focus,
    )
    view = build_network(
        visible,
        options=options,
        positions=(
            group_layout(visible, font_px=spec.font_px)
            if level is not None
            else layout(visible, seed=spec.seed, spacing=max(170.0, spec.font_px * 10.0))
        ),
        metrics=metrics if level is None else None,
        metric_names=metric_names,
        communities=communities if level is None else None,
        overlays=overlays if level is None else (),
        vocab=vocab,
        captions=captions,
    )
    html = render_html(view, title=title, ui=dict(ui or {}), banner=banner, font_px=spec.font_px)
    groups = []
    if level is not None:
        groups = sorted(
            ((n[len(GROUP_PREFIX) :], a.get("label", n), int(a.get("count", 0))) for n, a in visible.nodes(data=True)),
            key=lambda r: (-r[2], r[1]),
        )
    org_rows, tie_rows = view_tables(
        visible, vocab=vocab, lang=spec.lang, spof=options.highlight, captions={**DEFAULT_CAPTIONS, **dict(captions or {})}
    )
    return Composed(
        html=html,
        node_count=view.node_count,
        edge_count=view.edge_count,
        organisations=orgs,
        level=level,
        groups=groups,
        nodes=list(visible.nodes),
        organisation_rows=org_rows,
        tie_rows=tie_rows,
    )
