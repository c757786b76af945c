"""Meeting mode: full width, large fonts, controls hidden, saved views stepped with next/back.

For a projector with no internet: every view is drawn from the local data and
the network views are self-contained.  The step is in the URL (``?step=2``),
so a reload or a second screen lands on the same view.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from graph.model import SECTORS
from graph.views.explore import Filters
from graph.views.overview import agreements, first_members, later_members, non_members
from graph.viz import ViewSpec
from graph.vocabulary import pick
from ui import a11y, state
from ui.dates import date_text
from ui.i18n import lang, md_escape, t, tm, viz_texts
from ui.pages import page
from ui.widgets import csv_download, network_table, report_download, synthetic_banner_text, vocab_label

#: The saved views, in order (titles: meeting.step.<name>).
STEPS = ("signed", "joined", "network", "gaps_by_gmina", "spof")
STEP_KEY = "meeting_step"
FONT_PX = 22

# Static CSS (no data in it): hide the sidebar and the toolbar, use the full
# width, enlarge the text for a projector.
_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 0.8rem 2rem 1rem 2rem !important; }
[data-testid="stMain"] p { font-size: 1.55rem !important; line-height: 1.45; }
[data-testid="stMain"] li { font-size: 1.15rem !important; line-height: 1.3; }
[data-testid="stMain"] h1 { font-size: 2.6rem !important; }
[data-testid="stMain"] h2 { font-size: 2.0rem !important; }
[data-testid="stMain"] button p { font-size: 1.3rem !important; }
</style>"""


def _step() -> int:
    if STEP_KEY not in st.session_state:
        try:
            st.session_state[STEP_KEY] = max(0, min(len(STEPS) - 1, int(st.query_params.get("step", "1")) - 1))
        except ValueError:
            st.session_state[STEP_KEY] = 0
    return st.session_state[STEP_KEY]


def _go(delta: int) -> None:
    st.session_state[STEP_KEY] = max(0, min(len(STEPS) - 1, st.session_state.get(STEP_KEY, 0) + delta))
    st.query_params["step"] = str(st.session_state[STEP_KEY] + 1)


def _network(spec: ViewSpec, *, as_of: str | None, memberships: bool, title: str) -> None:
    view = state.workspace().network(spec, as_of=as_of, memberships=memberships, title=title, banner=synthetic_banner_text(), texts=viz_texts(spec.lang))
    st.iframe(view.html, height=680, alt=title)
    network_table(view, key=f"meeting_table_{spec.focus or 'all'}")


def _names(rows: pd.DataFrame, language: str, columns: int = 1, limit: int = 30) -> None:
    names = sorted(set(rows[pick(language, "label", "label_en")]))
    shown = names[:limit]
    cols = st.columns(columns)
    per = (len(shown) + columns - 1) // columns
    for i, col in enumerate(cols):
        col.markdown("\n".join(f"- {md_escape(n)}" for n in shown[i * per : (i + 1) * per]))
    if len(names) > limit:
        st.caption(t("meeting.more_names", n=len(names) - limit))


def _view(name: str, language: str) -> None:
    timeline = state.workspace().timeline()
    today = dt.date.today().isoformat()
    agreement = agreements(timeline)[0] if not timeline.empty else None
    if name == "signed":
        rows = first_members(timeline)
        rows = rows[rows["agreement"] == agreement[0]] if agreement else rows
        if agreement is None or rows.empty:
            st.info(t("overview.no_agreement"))
            return
        first = rows.dropna(subset=["start"]).sort_values("start")
        when = date_text(first["start"].iloc[0], first["start_bound"].iloc[0], language=language) if not first.empty else "?"
        st.markdown(tm("meeting.signed_lead", n=rows["member"].nunique(), date=when, name=agreement[1]))
        others = non_members(timeline)
        others = others[others["agreement"] == agreement[0]]
        if not others.empty:  # initiators and supporters: shown as such, never counted
            col = pick(language, ("label", "role_pl"), ("label_en", "role_en"))
            names = sorted({f"{a} ({b})" for a, b in zip(others[col[0]], others[col[1]], strict=True)})
            st.caption(tm("dates.non_members", names=", ".join(names)))
        left, right = st.columns([1, 3])
        with left:
            _names(rows, language)
        with right:
            spec = ViewSpec(
                focus=agreement[0], depth=1, colour_by="sector", lang=language, font_px=FONT_PX, show_missing=False, show_suggested=False
            )
            _network(spec, as_of=agreement[2], memberships=True, title=t("meeting.step.signed"))
    elif name == "joined":
        rows = later_members(timeline)
        rows = rows[rows["agreement"] == agreement[0]] if agreement else rows
        if agreement is None:
            st.info(t("overview.no_agreement"))
            return
        if rows.empty:
            st.markdown(tm("meeting.nobody_later", date=agreement[2] or "?"))
        else:
            st.markdown(tm("meeting.joined_lead", n=rows["member"].nunique()))
            _names(rows, language, columns=3)
        spec = ViewSpec(
            focus=agreement[0], depth=1, colour_by="sector", lang=language, font_px=FONT_PX, show_missing=False, show_suggested=False
        )
        _network(spec, as_of=today, memberships=True, title=t("meeting.step.joined"))
    elif name == "network":
        st.markdown(t("meeting.network_lead"))
        spec = ViewSpec(filters=Filters(isolated=False), colour_by="sector", lang=language, font_px=FONT_PX, show_suggested=False)
        _network(spec, as_of=today, memberships=True, title=t("meeting.step.network"))
    elif name == "gaps_by_gmina":
        grid = state.workspace().overview_tables()["gminas"]
        if grid.empty:
            st.info(t("overview.none"))
            return
        empty = grid[grid["social_economy"] == 0]["gmina"].tolist()
        if empty:
            st.markdown(tm("meeting.no_pes", n=len(empty), names=", ".join(empty[:12]) + ("…" if len(empty) > 12 else "")))
        view = pd.DataFrame(
            {
                t("overview.col.gmina"): grid["gmina"],
                **{vocab_label("sector", s): grid[s] for s in SECTORS},
                t("overview.col.total"): grid["total"],
            }
        )
        st.dataframe(view, hide_index=True, row_height=44, key="meeting_grid")
        csv_download(view, name=t("meeting.step.gaps_by_gmina"), key="meeting_grid_csv")
    elif name == "spof":
        structure = state.workspace().structure()
        found = [f for f in structure.findings if f.code == "articulation-point"]
        if not found:
            st.markdown(t("meeting.no_spof"))
        for f in found[:6]:
            st.markdown(f"- {md_escape(f.text(language))}")
        if len(found) > 6:
            st.caption(tm("meeting.more", n=len(found) - 6))


def render() -> None:
    language = lang()
    st.html(_CSS)
    i = _step()
    name = STEPS[i]
    head, nav = st.columns([3, 2], vertical_alignment="center")
    head.title(t(f"meeting.step.{name}"))
    back, pos, nxt, leave = nav.columns([3, 2, 3, 3], vertical_alignment="center")
    back.button(t("meeting.back"), on_click=_go, args=(-1,), disabled=i == 0, key="meeting_back", icon=":material/arrow_back:")
    pos.markdown(f"**{i + 1} / {len(STEPS)}**")
    a11y.announce(t("meeting.step_of", i=i + 1, n=len(STEPS), title=t(f"meeting.step.{name}")), lang=language)
    nxt.button(
        t("meeting.next"),
        on_click=_go,
        args=(1,),
        disabled=i == len(STEPS) - 1,
        key="meeting_next",
        icon=":material/arrow_forward:",
        type="primary",
    )
    leave.page_link(page("overview"), label=t("meeting.exit"), icon=":material/close:")
    _view(name, language)
    with st.expander(t("report.heading"), icon=":material/print:"):
        report_download(as_of=None, key="meeting_report")
