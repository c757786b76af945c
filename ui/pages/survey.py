"""Survey page (coordinator): open a round, follow the answers, accept or reject the claims.

Behind the editor password, like the Data page (unlocking one unlocks the
other).  The logic is in :mod:`graph.survey`; accepting goes through
:class:`graph.edit.Editor` (checked, sourced to the round, in the history,
undoable here or on the Data page).  The links of a new round are offered for
download once: only their hashes are stored.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from graph import survey
from graph.edit.changes import EditError
from graph.results import spreadsheet_frame
from graph.views.explore import territory_labels
from graph.vocabulary import pick
from graph.wording import number
from ui import state
from ui.i18n import lang, md_escape, t, tm
from ui.pages import data as data_page

_LINKS = "survey_links_csv"
_FLASH = "survey_flash"


def _kind_label(c, language: str) -> str:
    return c.label.in_lang(language)


def _links_csv(rows: list[dict]) -> bytes:
    import csv
    import io

    from graph.results import spreadsheet_cell

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(("organisation", "label", "url"))
    for r in rows:
        w.writerow([spreadsheet_cell(r[k]) for k in ("organisation", "label", "url")])
    return out.getvalue().encode("utf-8")


def _create(cfg, ctx, language: str) -> None:
    with st.expander(t("survey.admin.create"), expanded=not survey.round_files(cfg.edit_file)):
        with st.form("survey_create"):
            name = st.text_input(t("survey.admin.name"), max_chars=40, key="survey_new_name")
            as_of = st.date_input(t("survey.admin.as_of"), value=dt.date.today(), key="survey_new_asof")
            expires = st.date_input(t("survey.admin.expires"), value=dt.date.today() + dt.timedelta(days=30), key="survey_new_expires")
            kinds = st.multiselect(
                t("survey.admin.kinds"), list(ctx.kinds), format_func=lambda c: _kind_label(ctx.kinds[c], language), key="survey_new_kinds"
            )
            base = st.text_input(t("survey.admin.base_url"), value="http://127.0.0.1:8502", key="survey_new_base")
            go = st.form_submit_button(t("survey.admin.open"))
        if go:
            try:
                _, data, tokens, left_out = survey.create_round(
                    cfg.edit_file,
                    name,
                    ctx,
                    as_of=as_of.isoformat(),
                    kinds=[ctx.kinds[k].notation for k in kinds],
                    expires=expires.isoformat(),
                )
                rows = survey.link_rows(ctx.organisations, tokens, base)
            except survey.SurveyError as exc:
                st.error(md_escape(str(exc)))
                return
            st.session_state[_LINKS] = (name, _links_csv(rows), len(rows), len(left_out), survey.round_day(data))
    if _LINKS in st.session_state:
        name, blob, n, gone, day = st.session_state[_LINKS]
        st.success(tm("survey.admin.created", name=name, n=n))
        if gone:
            st.info(tm("survey.admin.left_out", n=gone, date=day))
        if st.download_button(t("survey.admin.download"), blob, f"survey-{name}-links.csv", "text/csv", key="survey_links_dl"):
            st.session_state.pop(_LINKS, None)


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return spreadsheet_frame(pd.DataFrame(rows, columns=columns))


def _status(cfg, store, ctx, name: str, language: str) -> dict:
    path = survey.round_path(cfg.edit_file, name)
    data = survey.load(path, name)
    st_ = survey.status(data, ctx, terc_labels=territory_labels(store))
    net = st_["network"]
    if data.round.closed:
        st.info(t("survey.admin.closed", time=data.round.closed.replace("T", " ").rstrip("Z")))
    cols = st.columns(3)
    cols[0].metric(
        t("survey.admin.rate"), f"{st_['responded']}/{st_['invited']}", f"{st_['rate'] * 100:.0f}%".replace(".", ","), delta_color="off"
    )
    cols[1].metric(t("survey.admin.confirmed"), net["confirmed_ties"])
    cols[2].metric(t("survey.admin.one_sided"), net["one_sided_ties"])
    cols = st.columns(3)
    cols[0].metric(t("survey.admin.drafts"), st_["drafts"])
    cols[1].metric(t("survey.admin.density"), number(net["density"], language, 3))
    rec = net["reciprocity"]
    cols[2].metric(
        t("survey.admin.reciprocity"), "—" if rec is None else number(rec, language, 2)
    )
    label = pick(language, "label_pl", "label_en")
    with st.expander(t("survey.admin.by_kind")):
        st.dataframe(_frame(st_["by_kind"], [label, "invited", "responded", "rate"]), hide_index=True, key="survey_by_kind")
    with st.expander(t("survey.admin.by_gmina")):
        st.dataframe(_frame(st_["by_gmina"], ["label", "invited", "responded", "rate"]), hide_index=True, key="survey_by_gmina")
    with st.expander(t("survey.admin.missing")):
        st.dataframe(_frame(st_["not_responded"], ["label", "organisation", "kind", "gmina"]), hide_index=True, key="survey_missing")
    st.subheader(t("survey.admin.ties"))
    tie_cols = ["from_label", "to_label", "kinds", "confirmed", "claimed_by", "in_data", "rejected"]
    st.dataframe(
        _frame([{**x, "kinds": ", ".join(x["kinds"]), "claimed_by": ", ".join(x["claimed_by"])} for x in st_["ties"]], tie_cols),
        hide_index=True,
        key="survey_ties",
    )
    with st.expander(t("survey.admin.unconfirmed")):
        st.dataframe(
            _frame([{**x, "kinds": ", ".join(x["kinds"])} for x in st_["unconfirmed_data_ties"]], ["from_label", "to_label", "kinds"]),
            hide_index=True,
            key="survey_unconfirmed",
        )
    with st.expander(t("survey.admin.proposed")):
        st.dataframe(
            _frame(st_["proposed"], ["name", "gmina", "kind", "proposed_by", "number", "rejected"]), hide_index=True, key="survey_proposed"
        )
    with st.expander(t("survey.admin.scores")):
        st.dataframe(
            _frame(st_["scores"], ["label", "responded", "value_given", "trust_given", "value_received", "trust_received", "named_by"]),
            hide_index=True,
            key="survey_scores",
        )
    c1, c2 = st.columns(2)
    c1.download_button(
        t("survey.admin.export"), survey.to_json(st_).encode("utf-8"), f"survey-{name}.json", "application/json", key="survey_dl_json"
    )
    c2.download_button(
        t("survey.admin.export_csv"), survey.to_csv(st_).encode("utf-8"), f"survey-{name}-ties.csv", "text/csv", key="survey_dl_csv"
    )
    return st_


def _review(cfg, name: str, st_: dict) -> None:
    st.subheader(t("survey.admin.review"))
    pending = {
        f"{x['from_label']} — {x['to_label']} ({', '.join(x['kinds']) or '?'})": (x["from"], x["to"])
        for x in st_["ties"]
        if not x["in_data"]
    }
    chosen = st.multiselect(t("survey.admin.review_pick"), list(pending), key="survey_review_pick")
    pairs = [pending[c] for c in chosen]
    c1, c2, c3 = st.columns(3)
    editor = data_page._editor()
    if c1.button(t("survey.admin.accept"), disabled=not pairs, key="survey_accept", type="primary"):
        try:
            done = survey.accept(editor, survey.load(survey.round_path(cfg.edit_file, name), name), pairs, who=data_page._who())
        except EditError as exc:
            data_page._show_problems(exc.problems, lang_=lang())
            return
        state.refresh(editor)
        st.session_state["survey_last_accept"] = done.id
        st.session_state[_FLASH] = tm("survey.admin.accepted", n=len(pairs), id=done.id)
        st.rerun()
    if c2.button(t("survey.admin.reject"), disabled=not pairs, key="survey_reject"):
        n = survey.reject(survey.round_path(cfg.edit_file, name), name, pairs, editor.context())
        st.session_state[_FLASH] = t("survey.admin.rejected", n=n)
        st.rerun()
    last = st.session_state.get("survey_last_accept")
    if last and c3.button(t("survey.admin.undo"), key="survey_undo"):
        try:
            editor.undo(last, who=data_page._who())
        except EditError as exc:
            data_page._show_problems(exc.problems, lang_=lang())
            return
        state.refresh(editor)
        st.session_state.pop("survey_last_accept", None)
        st.session_state[_FLASH] = t("survey.admin.undone", id=last)
        st.rerun()


def _proposals(cfg, name: str, st_: dict, ctx, language: str) -> None:
    pending = {f"{p['name']} ({p['proposed_by']} #{p['number']})": p for p in st_["proposed"] if not p["rejected"]}
    if not pending:
        return
    st.subheader(t("survey.admin.proposed"))
    pick = st.selectbox(t("survey.admin.proposal_pick"), list(pending), key="survey_proposal_pick")
    p = pending[pick]
    kinds = [""] + list(ctx.kinds)
    kind = st.selectbox(
        t("survey.admin.proposal_kind"),
        kinds,
        index=kinds.index(next((k for k in ctx.kinds if ctx.kinds[k].notation == p["kind"]), "")),
        format_func=lambda k: _kind_label(ctx.kinds[k], language) if k else "—",
        key="survey_proposal_kind",
    )
    gmina = st.text_input(t("survey.admin.proposal_gmina"), value=p["gmina"], max_chars=7, key="survey_proposal_gmina")
    c1, c2 = st.columns(2)
    path = survey.round_path(cfg.edit_file, name)
    if c1.button(t("survey.admin.accept"), key="survey_proposal_accept"):
        try:
            editor = data_page._editor()
            done = survey.accept_proposal(
                editor, survey.load(path, name), p["proposed_by"], p["number"], who=data_page._who(),
                kind=ctx.kinds[kind].notation if kind else "", gmina=gmina,
            )  # fmt: skip
        except EditError as exc:
            data_page._show_problems(exc.problems, lang_=lang())
            return
        state.refresh(editor)
        st.session_state["survey_last_accept"] = done.id
        st.session_state[_FLASH] = tm("survey.admin.accepted_org", name=p["name"], id=done.id)
        st.rerun()
    if c2.button(t("survey.admin.reject"), key="survey_proposal_reject"):
        survey.reject_proposal(path, name, p["proposed_by"], p["number"], ctx)
        st.session_state[_FLASH] = t("survey.admin.rejected", n=1)
        st.rerun()


def render() -> None:
    language = lang()
    st.title(t("survey.admin.title"))
    st.caption(t("survey.admin.intro"))
    password = data_page.editor_password()
    if not password:
        st.info(t("data.disabled"))
        return
    if not data_page._unlock(password):
        return
    st.text_input(t("data.who"), key="data_who", help=t("data.who_help"))
    if not data_page._who():
        st.warning(t("data.who_needed"))
        return
    if message := st.session_state.pop(_FLASH, None):
        st.success(message)
    cfg = state.settings()
    store = state.workspace().store
    from graph.edit.lookup import Context

    ctx = Context(store)
    _create(cfg, ctx, language)
    rounds = survey.round_files(cfg.edit_file)
    if not rounds:
        st.info(t("survey.admin.none"))
        return
    name = st.selectbox(t("survey.admin.pick"), sorted(rounds, reverse=True), key="survey_round")
    st_ = _status(cfg, store, ctx, name, language)
    _review(cfg, name, st_)
    _proposals(cfg, name, st_, ctx, language)
    if not st_["round"]["closed"] and st.button(t("survey.admin.close"), key="survey_close"):
        survey.close_round(rounds[name], name)
        st.rerun()


__all__ = ["render"]
