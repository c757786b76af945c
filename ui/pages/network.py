"""Network: the interactive network with filters, search, focus, overlays and grouping."""

from __future__ import annotations

import streamlit as st

from graph.survey import round_files as survey_rounds
from graph.views.explore import Filters, drill_path
from graph.viz import GROUP_THRESHOLD, ViewSpec
from ui import state
from ui.i18n import lang, md_escape, t, tm, viz_texts
from ui.pages import page
from ui.widgets import network_controls, network_table, synthetic_banner_text

SPEC_KEY = "network_spec"  # the current view, for the Export page


def render() -> None:
    language = lang()
    st.title(t("network.title"))
    controls = network_controls(key="net")

    # search and focus
    col_search, col_focus, col_depth = st.columns([3, 4, 1.3])
    query = col_search.text_input(t("network.search"), key="net_search", placeholder=t("network.search_hint"))
    hits = state.workspace().search(query, language) if query.strip() else []
    preset = st.query_params.get("focus")
    options = [h["iri"] for h in hits]
    labels = {h["iri"]: f"{h['label']} · {h['kind']} · {h['gmina']}" for h in hits}
    if preset and preset not in options:
        rows = state.workspace().search_iri(preset, language)
        options = [r["iri"] for r in rows] + options
        labels.update({r["iri"]: f"{r['label']} · {r['kind']} · {r['gmina']}" for r in rows})
    focus = col_focus.selectbox(
        t("network.focus"),
        [None, *options],
        index=(options.index(preset) + 1) if preset in options else 0,
        format_func=lambda iri: t("network.focus_none") if iri is None else labels.get(iri, iri),
        key="net_focus",
    )
    depth = col_depth.number_input(t("network.depth"), min_value=1, max_value=3, value=1, key="net_depth")
    if query.strip():
        st.caption(tm("network.found", n=len(hits), query=query.strip()))
        if hits:
            with st.expander(t("network.results"), expanded=len(hits) <= 5):
                for h in hits[:30]:
                    st.page_link(
                        page("profile"),
                        label=md_escape(f"{h['label']} ({h['kind']}, {h['gmina']})"),
                        query_params={"org": h["iri"]},
                        icon=":material/apartment:",
                    )

    rounds = sorted(survey_rounds(state.settings().edit_file), reverse=True)
    survey = None
    if rounds:  # the tie survey's claims over the network: confirmed, one-sided, unconfirmed (docs/survey.md)
        survey = st.selectbox(
            t("survey.network.pick"), [None, *rounds], format_func=lambda r: t("survey.network.none") if r is None else r, key="net_survey"
        )
    drill = st.session_state.get("net_drill")
    spec = ViewSpec(
        filters=Filters(kinds=controls.kinds, sectors=controls.sectors, gminas=controls.gminas),
        focus=focus,
        depth=int(depth),
        drill=drill,
        grouping=controls.grouping,
        threshold=GROUP_THRESHOLD,
        colour_by=controls.colour_by,
        size_by=controls.size_by,
        physics=controls.physics,
        show_spof=controls.show_spof,
        show_missing=controls.show_missing,
        show_suggested=controls.show_suggested,
        lang=language,
        survey=survey,
    )
    view_title = t("network.view_title", date=controls.as_of or t("network.all_dates"))
    with st.spinner(t("network.drawing")):
        view = state.workspace().network(
            spec,
            as_of=controls.as_of,
            tie_kinds=controls.tie_kinds,
            memberships=controls.memberships,
            title=view_title,
            banner=synthetic_banner_text(),
            texts=viz_texts(spec.lang),
        )
    st.session_state[SPEC_KEY] = {
        "spec": spec,
        "as_of": controls.as_of,
        "tie_kinds": controls.tie_kinds,
        "memberships": controls.memberships,
    }

    if view.level:
        st.info(
            t(
                "network.grouped",
                n=view.organisations,
                groups=view.node_count,
                level=t(f"network.level.{view.level}"),
                threshold=GROUP_THRESHOLD,
            )
        )
        codes = [g[0] for g in view.groups]
        names = {g[0]: f"{g[1]} ({g[2]})" for g in view.groups}
        col_a, col_b = st.columns([4, 1])
        choice = col_a.selectbox(
            t("network.drill"),
            [None, *codes],
            format_func=lambda c: t("network.drill_none") if c is None else names.get(c, c),
            key=f"net_drill_pick_{drill}" if drill else "net_drill_pick",  # one per level: each opens on "(choose a group)"
        )
        if choice and col_b.button(t("network.drill_go"), key="net_drill_go"):
            st.session_state["net_drill"] = choice
            st.rerun()
    if drill:
        _breadcrumb(drill)

    st.markdown(f"**{t('network.count', orgs=view.organisations, nodes=view.node_count, ties=view.edge_count)}**")
    st.iframe(view.html, height=680, alt=view_title)
    network_table(view, key="net_table")
    st.download_button(
        t("network.download_html"),
        view.html.encode("utf-8"),
        file_name=f"{t('viz.ui.file_name')}.html",
        mime="text/html",
        icon=":material/download:",
        key="net_download",
    )


def _breadcrumb(drill: str) -> None:
    """The path of groups down to the open one; each step above it opens that group."""
    names = state.workspace().territory()
    path = drill_path(drill) or [drill]
    st.caption(t("network.crumb"))
    cols = st.columns(len(path) + 1)
    if cols[0].button(t("network.drill_up"), key="net_drill_up", icon=":material/public:"):
        st.session_state["net_drill"] = None
        st.rerun()
    for i, code in enumerate(path):
        label = f"{names.get(code, code)} ({code})"
        if code == drill:
            cols[i + 1].markdown(f"**{md_escape(label)}**")
        elif cols[i + 1].button(label, key=f"net_crumb_{code}"):
            st.session_state["net_drill"] = code
            st.rerun()
