"""Overview: the partnership at a glance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.model import SECTORS
from graph.views.overview import JOINED_LATER, JOINED_START, NOT_MEMBER, finding_rows
from graph.vocabulary import pick
from graph.workspace import LOCAL_ANALYSIS_OVER
from ui import state
from ui.dates import date_text
from ui.i18n import lang, md_escape, t, tm
from ui.widgets import csv_download, profile_url, vocab_label

HEADLINE_GAPS = 6
#: Past this many agreements the page lists them in one table and the members of the one picked.
MANY_AGREEMENTS = 5


def _chart(df: pd.DataFrame, language: str, title: str, key: str) -> None:
    """Counts as a table with bars: long Polish labels stay readable (charts cut them)."""
    st.markdown(f"**{title}**")
    if df.empty:
        st.caption(t("overview.none"))
        return
    special = {"group": t("overview.unnamed_group"), "": t("overview.unknown")}
    labels = [special[k] if k in special else lab for k, lab in zip(df["key"], df[f"label_{language}"])]
    data = pd.DataFrame({t("overview.col.what"): labels, t("overview.col.count"): df["count"]})
    st.dataframe(
        data,
        hide_index=True,
        column_config={
            t("overview.col.count"): st.column_config.ProgressColumn(format="%d", min_value=0, max_value=int(df["count"].max()))
        },
        key=key,
    )
    csv_download(data, name=title, key=f"{key}_csv")


def _agreements(timeline: pd.DataFrame, language: str) -> list:
    """The agreements whose members the page lists: every one when few; past
    :data:`MANY_AGREEMENTS` (a national programme holds hundreds) one table of
    them all and the members of the one picked."""
    table = state.workspace().agreement_table()
    if len(table) <= MANY_AGREEMENTS:
        return list(timeline.groupby("agreement", sort=False))
    labels = dict(zip(table["agreement"], table["label"]))
    view = pd.DataFrame(
        {
            t("overview.col.agreement"): table["label"],
            t("overview.col.date"): [date_text(d, b, language=language) if d else "?" for d, b in zip(table["first"], table["first_bound"])],
            t("overview.at_start"): table["at_start"],
            t("overview.later"): table["later"],
        }
    )
    st.caption(tm("overview.many_agreements", n=len(table)))
    st.dataframe(view, hide_index=True, key="overview_agreements")
    csv_download(view, name=t("overview.file_agreements"), key="overview_agreements_csv")
    choice = st.selectbox(t("overview.pick_agreement"), list(labels), format_func=labels.get, key="overview_agreement")
    return [(choice, timeline[timeline["agreement"] == choice])]


def render() -> None:
    language = lang()
    st.title(t("overview.title"))
    st.caption(t("overview.lead"))
    counts = state.workspace().summary()
    tables = state.workspace().overview_tables()
    timeline = state.workspace().timeline()

    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("overview.metric.orgs"), counts["organisations"])
    c2.metric(t("overview.metric.ties"), int(tables["ties"]["count"].sum()) if not tables["ties"].empty else 0)
    c3.metric(t("overview.metric.gminas"), int((tables["gminas"]["total"] > 0).sum()) if not tables["gminas"].empty else 0)
    c4.metric(
        t("overview.metric.members"), int(timeline.loc[timeline["joined"] != NOT_MEMBER, "member"].nunique()) if not timeline.empty else 0
    )

    left, right = st.columns(2)
    with left:
        _chart(tables["kind"], language, t("overview.by_kind"), "overview_kind")
    with right:
        _chart(tables["sector"], language, t("overview.by_sector"), "overview_sector")
        _chart(tables["ties"], language, t("overview.ties_by_kind"), "overview_ties")

    st.header(t("overview.timeline"))
    if timeline.empty:
        st.caption(t("overview.no_agreement"))
    else:
        for agreement, rows in _agreements(timeline, language):
            st.subheader(md_escape(rows["agreement_label"].iloc[0]))
            start = rows[rows["joined"] == JOINED_START]
            later = rows[rows["joined"] == JOINED_LATER]
            firsts = start.dropna(subset=["start"]).sort_values("start")
            first = date_text(firsts["start"].iloc[0], firsts["start_bound"].iloc[0], language=language) if not firsts.empty else None
            st.markdown(
                tm("overview.signed", n=start["member"].nunique(), date=first or "?")
                + " "
                + tm("overview.joined_later", n=later["member"].nunique())
            )
            others = rows[rows["joined"] == NOT_MEMBER]
            if not others.empty:
                names = sorted(
                    {
                        f"{lab} ({role})"
                        for lab, role in zip(
                            others[pick(language, "label", "label_en")], others[pick(language, "role_pl", "role_en")]
                        )
                    }
                )
                st.markdown(tm("dates.non_members", names=", ".join(names)))
            table = pd.DataFrame(
                {
                    t("overview.col.date"): [date_text(v, b, language=language) or "?" for v, b in zip(rows["start"], rows["start_bound"])],
                    t("overview.col.member"): rows[pick(language, "label", "label_en")],
                    t("overview.col.kind"): rows["kind"].map(lambda k: vocab_label("kind", k) if k else "-"),
                    t("overview.col.role"): rows[pick(language, "role_pl", "role_en")],
                    t("overview.col.when"): rows["joined"].map(
                        {JOINED_START: t("overview.at_start"), JOINED_LATER: t("overview.later"), NOT_MEMBER: "–"}
                    ),
                    t("overview.col.profile"): rows["member"].map(profile_url),
                }
            )
            st.dataframe(
                table,
                hide_index=True,
                column_config={t("overview.col.profile"): st.column_config.LinkColumn(display_text=t("overview.open_profile"))},
                key=f"timeline_{agreement}",
            )
            csv_download(table, name=f"{t('overview.pick_agreement')}-{rows['agreement_label'].iloc[0]}", key=f"timeline_{agreement}_csv")

    st.header(t("overview.coverage"))
    grid = tables["gminas"]
    if grid.empty:
        st.caption(t("overview.none"))
    else:
        view = pd.DataFrame(
            {
                t("overview.col.gmina"): grid["gmina"],
                **{vocab_label("sector", s): grid[s] for s in SECTORS},
                t("overview.col.total"): grid["total"],
            }
        )
        top = int(grid["total"].max()) or 1
        st.dataframe(
            view,
            hide_index=True,
            column_config={
                t("overview.col.total"): st.column_config.ProgressColumn(format="%d", min_value=0, max_value=top),
                **{vocab_label("sector", s): st.column_config.NumberColumn(format="%d") for s in SECTORS},
            },
            key="overview_grid",
        )
        csv_download(view, name=t("overview.coverage"), key="overview_grid_csv")
        empty = grid[grid["social_economy"] == 0]["gmina"].tolist()
        if empty:
            st.warning(tm("overview.no_pes", n=len(empty), names=", ".join(empty[:15]) + ("…" if len(empty) > 15 else "")))

    st.header(t("overview.headline_gaps"))
    ws = state.workspace()
    large = counts["organisations"] > LOCAL_ANALYSIS_OVER
    status = ws.ahead(("findings", None), ws.findings) if large else "ready"  # the findings alone: no measures
    if status == "running":  # the first visitor: the page is drawn, the findings follow when ready
        _pending_gaps()
    else:
        _headline_gaps(ws.findings(), language)  # "failed": computed here, where the error shows


@st.fragment(run_every=2)
def _pending_gaps() -> None:
    """Polls the background computation; draws the headline gaps once they are ready."""
    ws = state.workspace()
    if ws.ahead(("findings", None), ws.findings) == "running":
        st.caption(t("overview.computing_gaps"))
    else:  # ready (or failed: computed here, where the error shows)
        _headline_gaps(ws.findings(), lang())


def _headline_gaps(found, language: str) -> None:
    rows = finding_rows(found.findings, language)[:HEADLINE_GAPS]
    if not rows:
        st.success(t("overview.no_gaps"))
    for r in rows:
        icon = {"violation": ":material/error:", "warning": ":material/warning:"}.get(r["severity"], ":material/info:")
        with st.container(border=True):
            kind = t("glossary.term.data_gap") if r.get("kind") == "data" else t("glossary.term.cooperation_gap")
            st.markdown(f"{icon} **{md_escape(kind)}** · {md_escape(r['text'])}")
            if r["iri"]:
                st.link_button(tm("overview.open_profile_of", name=r["label"]), profile_url(r["iri"]), type="tertiary")
