"""Gaps: coverage, findings, single points of failure with what-if, suggestions, change over time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.analysis.absences import absence_text
from graph.analysis.coverage import coverage_view
from graph.finding_groups import group_findings
from graph.workspace import LOCAL_ANALYSIS_OVER
from ui import state
from ui.findings_list import finding_groups, kind_word
from ui.i18n import lang, t, tm
from ui.widgets import lazy_tabs, report_download


def _absences(report, language: str) -> None:
    """The verified absences the findings may rest on, and how to record one."""
    st.subheader(t("gaps.absences"))
    st.caption(t("gaps.absences_help"))
    if not report.absences:
        st.info(t("gaps.no_absences"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("gaps.col.about"): [a.at for a in report.absences],
                t("gaps.col.text"): [absence_text(a, language) for a in report.absences],
            }
        ),
        hide_index=True,
        key="gaps_absences",
    )


RULE_TITLES = (
    "coverage-data", "coverage-cooperation", "coverage-verified", "articulation-point",
    "pes-ops", "pes-firm", "pes-pup", "pes-owes", "gmina-owes",
    "joined", "left", "tie-new", "tie-ended", "coverage-change", "broker-in", "broker-out", "gap-new", "gap-resolved",
    "what-if", "lost-support", "left-alone", "isolated",
)  # fmt: skip
FILTER_KINDS = ("cooperation", "data", "suggestion")


def _filters() -> dict:
    """Gmina (or powiat) and kind filters for the grouped lists."""
    labels = state.workspace().territory()
    codes = sorted(state.workspace().facets()["gmina"], key=lambda c: labels.get(c, c))
    powiaty = sorted({c[:4] for c in codes if len(c) == 7}, key=lambda c: labels.get(c, c))
    c1, c2 = st.columns(2)
    gminas = c1.multiselect(
        t("gaps.filter_gmina"), powiaty + codes, format_func=lambda c: labels.get(c, c), key="gaps_f_gmina", placeholder=t("controls.all")
    )
    kinds = c2.multiselect(t("gaps.filter_kind"), FILTER_KINDS, format_func=kind_word, key="gaps_f_kind", placeholder=t("controls.all"))
    st.caption(t("gaps.filters_help"))
    return {"gminas": tuple(gminas), "kinds": tuple(kinds)}


def _groups(findings, language: str, filters: dict, *, kinds: tuple[str, ...] | None = None):
    want = filters["kinds"] or None
    if kinds is not None:  # a tab of one kind (suggestions, structure) ignores the kind filter unless it excludes it
        want = kinds if not filters["kinds"] or set(kinds) & set(filters["kinds"]) else ("-",)
    return group_findings(
        findings,
        lang=language,
        seats=state.workspace().seats(),
        gminas=filters["gminas"] or None,
        kinds=want,
        titles={code: t(f"gaps.rule.{code}") for code in RULE_TITLES},
    )


def _as_of() -> str | None:
    dates = state.workspace().dates()
    if not dates or not st.toggle(t("controls.as_of_on"), key="gaps_as_of_on", help=t("controls.as_of_help")):
        return None
    return st.select_slider(t("controls.as_of"), dates, value=dates[-1], key="gaps_as_of")


def _what_if(language: str, as_of: str | None, filters: dict) -> None:
    st.subheader(t("gaps.spof"))
    structure = state.workspace().structure(as_of)
    spof = [f for f in structure.findings if f.code == "articulation-point"]
    finding_groups(_groups(spof, language, filters, kinds=("structure",)), key="gaps_spof")

    st.subheader(t("gaps.what_if"))
    st.caption(t("gaps.what_if_help"))
    choices = {r["iri"]: f"{r['label']} · {r['kind']} · {r['gmina']}" for r in state.workspace().org_choices(language)}
    spof_iris = [r.iri for r in structure.articulation_points]
    points = set(spof_iris)
    options = spof_iris + [i for i in choices if i not in points]
    remove = st.multiselect(
        t("gaps.remove"),
        options,
        default=spof_iris[:1],
        format_func=lambda i: choices.get(i, i) + (" ⚠" if i in points else ""),
        key="gaps_remove",
    )
    if not remove:
        return
    result = state.workspace().what_if(tuple(remove), as_of)
    before, after = result.components_before, result.components_after
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("gaps.parts"), len(after), delta=len(after) - len(before), delta_color="inverse")
    c2.metric(t("gaps.largest"), after[0] if after else 0, delta=(after[0] if after else 0) - (before[0] if before else 0))
    c3.metric(t("gaps.lost_support"), len(result.lost_support), delta_color="inverse")
    c4.metric(t("gaps.isolated"), len(result.isolated), delta_color="inverse")
    finding_groups(_groups(result.findings, language, {"gminas": filters["gminas"], "kinds": ()}), key="gaps_what_if_findings")


def _change(language: str, filters: dict) -> None:
    st.subheader(t("gaps.change"))
    dates = state.workspace().dates()
    if len(dates) < 2:
        st.caption(t("gaps.change_no_dates"))
        return
    c1, c2 = st.columns(2)
    d1 = c1.selectbox(t("gaps.date1"), dates, index=0, key="gaps_d1")
    d2 = c2.selectbox(t("gaps.date2"), dates, index=len(dates) - 1, key="gaps_d2")
    if d1 >= d2:
        st.warning(t("gaps.change_order"))
        return
    ws = state.workspace()
    if not ws.has("diff", d1, d2) and ws.summary()["organisations"] > LOCAL_ANALYSIS_OVER:  # large: on request
        st.caption(t("gaps.change_large"))
        if not st.button(t("gaps.change_run"), key="gaps_change_run"):
            return
    diff = ws.diff(d1, d2)
    findings = getattr(diff, "findings", None)
    if findings is not None:
        finding_groups(_groups(findings, language, {"gminas": filters["gminas"], "kinds": ()}), key="gaps_diff")
    else:
        st.text(str(diff))


def _coverage_view(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """The coverage matrix with headings a coordinator reads (IRIs left out, counts formatted)."""
    kinds = {k: (v.get("pl", k), v.get("en", k)) for k, v in state.workspace().vocabulary().get("kind", {}).items()}
    return coverage_view(frame, language, kinds)


def _coverage_tab(report, language: str, as_of: str | None, filters: dict) -> None:
    st.subheader(t("gaps.coverage"))
    st.caption(t("gaps.coverage_help"))
    frame = report.coverage if report is not None else state.workspace().coverage(as_of)
    st.dataframe(_coverage_view(frame, language), key="gaps_coverage", hide_index=True)


def _findings_tab(report, language: str, as_of: str | None, filters: dict) -> None:
    st.subheader(t("gaps.findings"))
    finding_groups(_groups([f for f in report.findings if f.category != "structure"], language, filters), key="gaps_findings")
    _absences(report, language)


def _spof_tab(report, language: str, as_of: str | None, filters: dict) -> None:
    _what_if(language, as_of, filters)


def _suggestions_tab(report, language: str, as_of: str | None, filters: dict) -> None:
    st.subheader(t("gaps.suggestions"))
    st.caption(t("gaps.suggestions_help"))
    finding_groups(_groups(report.suggestions, language, filters, kinds=("suggestion",)), key="gaps_suggestions")


def _change_tab(report, language: str, as_of: str | None, filters: dict) -> None:
    _change(language, filters)


def _download_tab(report, language: str, as_of: str | None, filters: dict) -> None:
    st.subheader(t("gaps.download"))
    md = state.workspace().report_text(as_of, "md", language)
    csv = state.workspace().report_text(as_of, "csv", language)
    name = t("gaps.file_name") + (f"-{as_of}" if as_of else "")
    c1, c2 = st.columns(2)
    c1.download_button(t("gaps.download_md"), md.encode("utf-8"), file_name=f"{name}.md", mime="text/markdown", key="gaps_md")
    c2.download_button(t("gaps.download_csv"), csv.encode("utf-8"), file_name=f"{name}.csv", mime="text/csv", key="gaps_csv")
    with st.expander(t("gaps.preview")):
        st.code(md, language="markdown")
    st.subheader(t("report.heading"))
    report_download(as_of=as_of, key="gaps_report")


def render() -> None:
    language = lang()
    st.title(t("gaps.title"))
    st.caption(t("gaps.lead"))
    as_of = _as_of()
    filters = _filters()
    ws = state.workspace()
    names = [t(f"gaps.tab.{name}") for name in ("coverage", "findings", "spof", "suggestions", "change", "download")]
    tabs, shown = lazy_tabs(names, key="gaps_tab")  # large data: only the open tab is computed and drawn
    # the coverage (the first tab) needs the network alone, and is the report's: on large data it is drawn
    # before the expectations, the measures and the suggestions are computed (seconds more on national data)
    if shown[0] and not any(shown[1:]) and not ws.has("report", as_of):
        key, compute = ("coverage", as_of), ws.coverage
    else:
        key, compute = ("report", as_of), ws.report
    if not ws.has(*key):  # computed once per data version and date; on large data it takes a while: say so
        with st.spinner(t("gaps.computing"), show_time=True):
            compute(as_of)
    report = ws.report(as_of) if key[0] == "report" else None  # the coverage tab alone reads the coverage (memoised)

    draw = (_coverage_tab, _findings_tab, _spof_tab, _suggestions_tab, _change_tab, _download_tab)
    for tab, show, section in zip(tabs, shown, draw):
        if show:
            with tab:
                section(report, language, as_of, filters)
    if as_of:
        st.caption(tm("gaps.as_of_note", date=as_of))
