"""The dashboard's entry point: navigation and the shared sidebar only.

``streamlit run app.py`` opens it on the bundled data, or on ``GRAPH_DATA``.
Pages live in :mod:`ui.pages` (listed in ``ui/pages/__init__.py``).
"""

from __future__ import annotations

import streamlit as st

from ui import a11y, state
from ui.i18n import LANGS, t
from ui.i18n import lang as current_lang
from ui.pages import PAGES, SECTIONS, register_pages, runner

st.set_page_config(page_title="Sieć ES / ES network", page_icon="🕸️", layout="wide")

lang = current_lang()

pages: dict[str, st.Page] = {}
menu: dict[str, list[st.Page]] = {}
for entry in PAGES:
    p = st.Page(runner(entry), title=t(entry.title_key), url_path=entry.url_path, icon=entry.icon, default=entry.default)
    pages[entry.url_path] = p
    section = entry.section if entry.section in SECTIONS else SECTIONS[0]
    menu.setdefault(t(section), []).append(p)
register_pages(pages)
current = st.navigation(menu)

with st.sidebar:
    st.radio(t("app.language"), LANGS, key="lang", format_func=lambda code: t(f"app.lang.{code}"), horizontal=True)
    a11y.mount(current_lang())  # <html lang>, list structure, contrast (ui/a11y.py)

try:
    workspace = state.begin_run()  # looks at the data files once per run
    cfg = workspace.settings
    if not workspace.has("summary"):  # the first visitor after a change sees the steps (saved answers need no store)
        box = st.empty()
        with box.status(t("app.loading.title"), expanded=True) as status:
            st.text(t("app.loading.files", files=", ".join(p.name for p in cfg.data) if cfg.backend != "remote" else cfg.query_url))
            _ = workspace.store  # assigned: a bare expression would be written to the page (Streamlit's magic)
            st.text(t("app.loading.network"))
            _ = workspace.summary()
            status.update(label=t("app.loading.done"), state="complete", expanded=False)
        box.empty()
    counts = workspace.summary()
except state.GraphError as exc:
    state.error_page(exc)
    st.stop()

with st.sidebar:
    st.caption(t("app.source.heading"))
    if cfg.backend == "remote":
        st.text(t("app.source.remote", url=cfg.query_url))
    elif cfg.data == state.DEFAULT_DATA:
        st.text(t("app.source.bundled"))
    else:
        st.text(t("app.source.files", files=", ".join(p.name for p in cfg.data)))
    st.text(t("app.source.triples", n=workspace.triples(), orgs=counts["organisations"], ties=counts["ties"]))
    if counts["synthetic_nodes"]:
        st.badge(t("app.synthetic.badge"), color="orange", icon=":material/science:")

if counts["synthetic_nodes"]:
    st.warning(t("app.synthetic.banner", n=counts["synthetic"]), icon=":material/science:")

try:
    with workspace.drawing():  # the background warm-up waits for the page between its steps
        current.run()
except state.GraphError as exc:
    state.error_page(exc)
else:
    workspace.warm_up(lang)  # large data: the other pages' answers, computed once in the background
