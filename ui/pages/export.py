"""Export: the current network view as one offline HTML file, as PNG, and as
network data (GEXF, GraphML, Cytoscape.js JSON, node-link JSON)."""

from __future__ import annotations

import streamlit as st

from graph.analysis.export import EXPORT_FORMATS, FILE_TYPES
from graph.viz import ViewSpec
from ui import state
from ui.i18n import lang, t, tm, viz_texts
from ui.pages import page
from ui.pages.network import SPEC_KEY
from ui.widgets import synthetic_banner_text, vocab_label


def _describe(current: dict) -> list[str]:
    spec: ViewSpec = current["spec"]
    f = spec.filters
    parts = []
    if f.kinds:
        parts.append(tm("export.d.kinds", v=", ".join(vocab_label("kind", k) for k in f.kinds)))
    if f.sectors:
        parts.append(tm("export.d.sectors", v=", ".join(vocab_label("sector", s) for s in f.sectors)))
    if f.gminas:
        names = state.workspace().territory()
        parts.append(tm("export.d.gminas", v=", ".join(names.get(c, c) for c in f.gminas)))
    if current.get("tie_kinds"):
        parts.append(tm("export.d.tie_kinds", v=", ".join(vocab_label("tie_kind", k) for k in current["tie_kinds"])))
    if current.get("as_of"):
        parts.append(tm("export.d.as_of", v=current["as_of"]))
    if spec.focus:
        rows = state.workspace().search_iri(spec.focus, spec.lang)
        parts.append(tm("export.d.focus", v=rows[0]["label"] if rows else spec.focus, depth=spec.depth))
    if spec.drill:
        parts.append(tm("export.d.drill", v=state.workspace().territory().get(spec.drill, spec.drill)))
    return parts or [t("export.d.all")]


def render() -> None:
    language = lang()
    st.title(t("export.title"))
    current = st.session_state.get(SPEC_KEY)
    if current is None:
        st.info(t("export.default_view"))
        current = {"spec": ViewSpec(lang=language), "as_of": None, "tie_kinds": None, "memberships": False}
    else:
        st.caption(t("export.from_network"))
    spec: ViewSpec = current["spec"]
    if spec.lang != language:
        from dataclasses import replace

        spec = replace(spec, lang=language)
    st.markdown("\n".join(f"- {p}" for p in _describe(current)))
    st.page_link(page("network"), label=t("export.change_view"), icon=":material/tune:")

    title = st.text_input(
        t("export.title_field"),
        value=t("network.view_title", date=current.get("as_of") or t("network.all_dates")),
        key="export_title",
        max_chars=200,
    )
    view = state.workspace().network(
        spec,
        as_of=current.get("as_of"),
        tie_kinds=current.get("tie_kinds"),
        memberships=current.get("memberships", False),
        title=title,
        banner=synthetic_banner_text(),
        texts=viz_texts(spec.lang),
    )
    st.caption(t("network.count", orgs=view.organisations, nodes=view.node_count, ties=view.edge_count))
    name = t("viz.ui.file_name")

    st.subheader(t("export.html"))
    st.caption(t("export.html_help"))
    st.download_button(
        t("export.download_html"),
        view.html.encode("utf-8"),
        file_name=f"{name}.html",
        mime="text/html",
        icon=":material/download:",
        key="export_html",
    )

    st.subheader(t("export.png"))
    st.caption(t("export.png_help"))
    if st.button(t("export.make_png"), key="export_make_png", icon=":material/image:"):
        from graph.viz.png import PngError, html_to_png

        with st.spinner(t("export.drawing_png")):
            try:
                st.session_state["export_png"] = html_to_png(view.html, width=1600, height=1000)
            except PngError as exc:
                st.session_state.pop("export_png", None)
                st.warning(t("export.png_failed"))
                st.code(str(exc), language=None)
    if st.session_state.get("export_png"):
        st.download_button(
            t("export.download_png"),
            st.session_state["export_png"],
            file_name=f"{name}.png",
            mime="image/png",
            icon=":material/download:",
            key="export_png_dl",
        )

    st.subheader(t("export.data"))
    st.caption(t("export.data_help"))
    fmt = st.selectbox(
        t("export.data_format"), EXPORT_FORMATS, format_func=lambda f: t(f"export.fmt.{f.replace('-', '_')}"), key="export_data_format"
    )
    data, just_view = state.workspace().network_file(
        spec, fmt, as_of=current.get("as_of"), tie_kinds=current.get("tie_kinds"), memberships=current.get("memberships", False)
    )
    if not just_view:
        st.caption(t("export.data_whole"))
    ext, mime = FILE_TYPES[fmt]
    st.download_button(t("export.download_data"), data, file_name=f"{name}.{ext}", mime=mime, icon=":material/download:", key="export_data")

    st.subheader(t("export.preview"))
    st.iframe(view.html, height=560, alt=title)
