"""Widgets shared by several pages: the network controls, the synthetic banner, a table's CSV download."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from graph.model import SECTORS, TIE_KINDS
from ui import state
from ui.i18n import lang, t

__all__ = [
    "Controls",
    "network_controls",
    "synthetic_banner_text",
    "vocab_label",
    "profile_url",
    "table_csv",
    "csv_download",
    "COLOUR_BY",
    "SIZE_BY",
]

COLOUR_BY = ("kind", "sector", "community")
SIZE_BY = (None, "degree", "betweenness", "pagerank", "harmonic")
GROUPING = ("auto", "none", "gmina", "powiat")


@dataclass(frozen=True)
class Controls:
    kinds: tuple[str, ...] | None
    sectors: tuple[str, ...] | None
    gminas: tuple[str, ...] | None
    tie_kinds: tuple[str, ...] | None
    as_of: str | None
    memberships: bool
    colour_by: str
    size_by: str | None
    physics: bool
    show_spof: bool
    show_missing: bool
    show_suggested: bool
    grouping: str


def vocab_label(group: str, key: str | None) -> str:
    """The label of a kind, sector or tie kind in the session's language."""
    if not key:
        return "-"
    entry = state.workspace().vocabulary().get(group, {}).get(key)
    return entry.get(lang(), entry.get("pl", key)) if entry else key


def synthetic_banner_text() -> str | None:
    """The banner drawn inside network views when the data is synthetic."""

    counts = state.workspace().summary()
    return t("app.synthetic.banner", n=counts["synthetic"]) if counts["synthetic_nodes"] else None


def _none_if_empty(values) -> tuple[str, ...] | None:
    return tuple(values) if values else None


def network_controls(*, key: str) -> Controls:
    """The sidebar filters and drawing options of a network view."""
    facets = state.workspace().facets()
    labels = state.workspace().territory()
    with st.sidebar:
        st.subheader(t("controls.filters"))
        kinds = st.multiselect(
            t("controls.kind"),
            sorted(facets["kind"], key=lambda k: vocab_label("kind", k)),
            format_func=lambda k: f"{vocab_label('kind', k)} ({facets['kind'][k]})",
            key=f"{key}_kinds",
            placeholder=t("controls.all"),
        )
        sectors = st.multiselect(
            t("controls.sector"),
            [s for s in SECTORS if s in facets["sector"]],
            format_func=lambda s: f"{vocab_label('sector', s)} ({facets['sector'][s]})",
            key=f"{key}_sectors",
            placeholder=t("controls.all"),
        )
        gminas = st.multiselect(
            t("controls.gmina"),
            sorted(facets["gmina"], key=lambda c: labels.get(c, c)),
            format_func=lambda c: f"{labels.get(c, c)} ({facets['gmina'][c]})",
            key=f"{key}_gminas",
            placeholder=t("controls.all"),
        )
        tie_kinds = st.multiselect(
            t("controls.tie_kind"),
            [k for k in TIE_KINDS if k in facets["tie_kind"]],
            format_func=lambda k: f"{vocab_label('tie_kind', k)} ({facets['tie_kind'][k]})",
            key=f"{key}_tie_kinds",
            placeholder=t("controls.all"),
        )
        dates = state.workspace().dates()
        as_of = None
        if dates and st.toggle(t("controls.as_of_on"), key=f"{key}_as_of_on", help=t("controls.as_of_help")):
            today = dt.date.today().isoformat()
            stops = sorted(set(dates) | {today})
            as_of = st.select_slider(t("controls.as_of"), stops, value=today if today in stops else stops[-1], key=f"{key}_as_of")
        memberships = st.checkbox(t("controls.memberships"), value=True, key=f"{key}_memberships", help=t("controls.memberships_help"))

        st.subheader(t("controls.drawing"))
        colour_by = st.radio(
            t("controls.colour_by"), COLOUR_BY, format_func=lambda c: t(f"controls.colour.{c}"), key=f"{key}_colour", horizontal=True
        )
        size_by = st.selectbox(t("controls.size_by"), SIZE_BY, format_func=lambda s: t(f"controls.size.{s or 'none'}"), key=f"{key}_size")
        grouping = st.selectbox(t("controls.grouping"), GROUPING, format_func=lambda g: t(f"controls.group.{g}"), key=f"{key}_grouping")
        physics = st.toggle(t("controls.physics"), value=False, key=f"{key}_physics", help=t("controls.physics_help"))
        st.caption(t("controls.overlays"))
        show_spof = st.checkbox(t("controls.spof"), value=True, key=f"{key}_spof")
        show_missing = st.checkbox(t("controls.missing"), value=True, key=f"{key}_missing")
        show_suggested = st.checkbox(t("controls.suggested"), value=False, key=f"{key}_suggested")
    return Controls(
        kinds=_none_if_empty(kinds),
        sectors=_none_if_empty(sectors),
        gminas=_none_if_empty(gminas),
        tie_kinds=_none_if_empty(tie_kinds),
        as_of=as_of,
        memberships=memberships,
        colour_by=colour_by,
        size_by=size_by,
        physics=physics,
        show_spof=show_spof,
        show_missing=show_missing,
        show_suggested=show_suggested,
        grouping=grouping,
    )


def profile_url(iri: str) -> str:
    """A relative link to the profile page of ``iri`` (keeps the language)."""
    from urllib.parse import urlencode

    return "./profile?" + urlencode({"org": iri, "lang": lang()})


def table_csv(frame) -> bytes:
    """The table ``frame`` as shown (its headings, its rows, no index) as a CSV for
    spreadsheets: UTF-8 like the project's other CSV downloads, and every text cell or
    heading a spreadsheet would run as a formula neutralised (SECURITY T19)."""
    from graph.results import spreadsheet_frame

    return spreadsheet_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


def csv_download(frame, *, name: str, key: str, label_key: str = "table.download") -> None:
    """A button, under a table, that downloads ``frame`` as :func:`table_csv`.  The file is
    ``name`` slugged (lower-case ASCII words and hyphens, so a label from the data is safe
    in it) with ``.csv``."""
    from graph.edit.naming import slugify

    file_name = f"{slugify(name) or t('table.file_name')}.csv"
    st.download_button(
        t(label_key),
        table_csv(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        help=t("table.download_help", file=file_name),
        icon=":material/download:",
        on_click="ignore",
    )


def report_download(*, as_of: str | None, key: str) -> None:
    """Buttons for the meeting report (PDF, HTML) on ``as_of`` (None: today), with an optional "since" date.

    The report is made only when a button is clicked (deferred ``data``), on
    the store this run holds; the core does the work (``graph.meeting``).
    """
    from graph.meeting import report_bytes

    language = lang()
    day = as_of or dt.date.today().isoformat()
    dates = [d for d in state.workspace().dates() if d < day]
    since = st.selectbox(t("report.since"), [None, *dates], format_func=lambda d: d or t("report.since_none"), key=f"{key}_since")
    store = state.workspace().store
    name = f"{t('report.file_name')}-{day}"
    formats = (("pdf", "application/pdf", ":material/picture_as_pdf:"), ("html", "text/html", ":material/description:"))
    for column, (fmt, mime, icon) in zip(st.columns(2), formats):
        column.download_button(
            t(f"report.{fmt}"),
            lambda fmt=fmt: report_bytes(store, as_of=day, since=since, lang=language, fmt=fmt),
            file_name=f"{name}.{fmt}",
            mime=mime,
            key=f"{key}_{fmt}",
            icon=icon,
            on_click="ignore",
        )
    st.caption(t("report.help"))


def network_table(view, *, key: str) -> None:
    """The text alternative of a network picture: its organisations and ties as tables (same filters, same date)."""
    import pandas as pd

    orgs, ties = view.organisation_rows, view.tie_rows
    with st.expander(t("network.table", orgs=len(orgs), ties=len(ties)), icon=":material/table_rows:"):
        st.caption(t("network.table_help"))
        frame = pd.DataFrame(
            {
                t("network.col.name"): [r["label"] for r in orgs],
                t("network.col.kind"): [r["kind"] for r in orgs],
                t("network.col.sector"): [r["sector"] for r in orgs],
                t("network.col.gmina"): [r["gmina"] for r in orgs],
                t("network.col.partners"): [r["partners"] for r in orgs],
                t("network.col.spof"): [t("network.yes") if r["spof"] else "" for r in orgs],
                t("network.col.profile"): [profile_url(r["iri"]) if r["iri"] else None for r in orgs],
            }
        )
        st.dataframe(
            frame,
            hide_index=True,
            key=f"{key}_orgs",
            column_config={t("network.col.profile"): st.column_config.LinkColumn(display_text=t("overview.open_profile"))},
        )
        csv_download(frame, name=t("table.organisations"), key=f"{key}_orgs_csv")
        frame = pd.DataFrame(
            {
                t("network.col.from"): [r["source"] for r in ties],
                t("network.col.to"): [r["target"] for r in ties],
                t("network.col.tie"): [r["kind"] for r in ties],
                t("network.col.start"): [r["start"] for r in ties],
                t("network.col.end"): [r["end"] for r in ties],
            }
        )
        st.dataframe(frame, hide_index=True, key=f"{key}_ties")
        csv_download(frame, name=t("table.ties"), key=f"{key}_ties_csv")


def lazy_tabs(names: list[str], *, key: str) -> tuple[list, list[bool]]:
    """``st.tabs`` of ``names`` and which of them to draw: on large data (past
    :data:`graph.warm_up.WARM_UP_OVER` organisations) only the open one
    (``on_change="rerun"``: switching tabs reruns the page); otherwise every
    one, so switching costs nothing."""
    from graph import warm_up

    if state.workspace().summary()["organisations"] > warm_up.WARM_UP_OVER:
        tabs = st.tabs(names, key=key, on_change="rerun")
        return tabs, [tab.open for tab in tabs]
    tabs = st.tabs(names)
    return tabs, [True] * len(tabs)

