"""Data page: keep the graph current (forms, spreadsheet import, history with undo).

Editing is switched off unless an editor password is configured
(``GRAPH_EDITOR_PASSWORD`` in the environment or in Streamlit secrets); a
viewer sees no form.  Every change goes through :class:`graph.edit.Editor`:
checked (fields, identifiers, SHACL shapes), written atomically under a file
lock (or as one SPARQL Update), and logged in the history, from which it can
be undone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

import pandas as pd
import streamlit as st

from graph.access import Attempts
from graph.edit import (
    ORG_FIELDS,
    JoinInput,
    OrganisationInput,
    TieInput,
    add_organisation,
    add_tie,
    correct_organisation,
    end_membership,
    end_tie,
    join_agreement,
    remove_entry,
)
from graph.edit.changes import Change, EditError, Problem
from graph.edit.editor import Editor
from graph.edit.importer import ImportError_, plan_import, read_table, template_csv, template_xlsx
from graph.terc import gminy_by_code
from graph.vocabulary import pick
from ui import state
from ui.i18n import lang, md_escape, t, tm
from ui.widgets import lazy_tabs

_OK = "data_unlocked"
_FLASH = "data_flash"
_ATTEMPTS = "data_password_attempts"
_MIN_DATE = dt.date(1990, 1, 1)
_AGREEMENT_ROLES = ("signatory", "initiator", "supporter")


def editor_password() -> str | None:
    """The configured password: GRAPH_EDITOR_PASSWORD in Streamlit secrets or the environment."""
    return state.settings().editor_password or None


def _editor() -> Editor:
    return Editor(state.settings(), store=state.workspace().store)


def _field(name: str) -> str:
    key = f"data.field.{name}"
    text = t(key)
    return name if text.startswith("⟦") else text


def _show_problems(problems, *, lang_: str) -> None:
    for p in problems:
        msg = pick(lang_, p.message_pl, p.message_en, fallback=False)
        where = []
        if p.file:
            where.append(p.file)
        if p.row is not None:
            where.append(t("data.row", n=p.row))
        if p.column:
            where.append(t("data.column", c=p.column))
        where.append(_field(p.field) if p.field else "")
        rule = f" [{t('data.rule')}: {p.rule}]" if p.rule else ""
        text = md_escape(", ".join(w for w in where if w) + ": " + msg + rule)
        (st.error if p.severity == "error" else st.warning)(text)


def _commit(change: Change, *, confirmed: bool, check: bool = True) -> Change | None:
    """Write ``change`` (after the warnings are confirmed); show what happened."""
    language = lang()
    if change.warnings and not confirmed:
        _show_problems(change.warnings, lang_=language)
        st.warning(t("data.confirm_warnings"))
        return None
    if change.empty:
        st.info(t("data.nothing"))
        return change
    editor = _editor()
    try:
        done = editor.commit(change, check=check)
    except EditError as exc:
        _show_problems(exc.problems, lang_=language)
        st.error(t("data.refused"))
        return None
    state.refresh(editor)  # the workspace adopts the edit: the store is not read again
    _flash(tm("data.saved", what=done.what, id=done.id, n=len(done.added), m=len(done.removed)))
    return done


def _flash(message: str) -> None:
    """Show ``message`` after a rerun, so every form lists the entry just saved."""
    st.session_state[_FLASH] = message
    st.rerun()


def _run(build, *, confirmed: bool):
    try:
        change = build()
    except EditError as exc:
        _show_problems(exc.problems, lang_=lang())
        return None
    return _commit(change, confirmed=confirmed)


def _who() -> str:
    return st.session_state.get("data_who", "").strip()


# ------------------------------------------------------------------ forms


def _org_options(ctx) -> dict[str, str]:
    return {iri: f"{rec.label} ({rec.local})" for iri, rec in sorted(ctx.organisations.items(), key=lambda kv: kv[1].label.casefold())}


def _concept_label(c, language: str) -> str:
    return c.label.in_lang(language)


def _form_organisation(ctx, language: str) -> None:
    gminy = gminy_by_code()
    codes = sorted(gminy, key=lambda c: (gminy[c].name, c))
    kinds = ctx.kinds
    with st.form("data_form_org"):
        name = st.text_input(t("data.field.name"), key="data_org_name")
        name_en = st.text_input(t("data.field.name_en"), key="data_org_name_en")
        kind = st.selectbox(
            t("data.field.kind"), list(kinds), format_func=lambda k: _concept_label(kinds[k], language), key="data_org_kind"
        )
        teryt = st.selectbox(
            t("data.field.teryt"),
            codes,
            index=codes.index("2611011") if "2611011" in codes else 0,
            format_func=lambda c: f"{gminy[c].name} ({c})",
            key="data_org_teryt",
        )
        address = st.text_input(t("data.field.address"), key="data_org_address")
        c1, c2, c3 = st.columns(3)
        nip = c1.text_input(t("data.field.nip"), key="data_org_nip")
        regon = c2.text_input(t("data.field.regon"), key="data_org_regon")
        krs = c3.text_input(t("data.field.krs"), key="data_org_krs")
        source = st.text_input(t("data.field.source"), help=t("data.source_help"), key="data_org_source")
        confirmed = st.checkbox(t("data.confirm"), key="data_org_confirm")
        submitted = st.form_submit_button(t("data.org.submit"))
    if submitted:
        inp = OrganisationInput(
            name=name, kind=kind, teryt=teryt, source=source, name_en=name_en, address=address, nip=nip, regon=regon, krs=krs
        )
        _run(lambda: add_organisation(ctx, inp, who=_who()), confirmed=confirmed)


def _form_join(ctx, language: str) -> None:
    orgs = _org_options(ctx)
    roles = ctx.roles
    agreement_roles = [r for r in roles if roles[r].notation in _AGREEMENT_ROLES]
    posts = [""] + [r for r in roles if roles[r].notation not in _AGREEMENT_ROLES]
    with st.form("data_form_join"):
        org = st.selectbox(t("data.field.organisation"), list(orgs), format_func=orgs.get, key="data_join_org")
        agreement = st.selectbox(t("data.field.agreement"), list(ctx.agreements), format_func=ctx.agreements.get, key="data_join_agreement")
        date = st.date_input(t("data.field.date"), value=None, min_value=_MIN_DATE, key="data_join_date")
        upper = st.checkbox(t("data.field.upper_bound"), key="data_join_upper")
        default = next((i for i, r in enumerate(agreement_roles) if roles[r].notation == "signatory"), 0)
        role = st.selectbox(
            t("data.field.role"),
            agreement_roles,
            index=default,
            format_func=lambda r: _concept_label(roles[r], language),
            key="data_join_role",
        )
        signer = st.text_input(t("data.field.signer"), key="data_join_signer")
        post = st.selectbox(
            t("data.field.post"), posts, format_func=lambda r: _concept_label(roles[r], language) if r else "-", key="data_join_post"
        )
        source = st.text_input(t("data.field.source"), help=t("data.source_help"), key="data_join_source")
        confirmed = st.checkbox(t("data.confirm"), key="data_join_confirm")
        submitted = st.form_submit_button(t("data.join.submit"))
    if submitted:
        inp = JoinInput(
            organisation=org or "",
            date=date,
            source=source,
            role=role or "",
            agreement=agreement or "",
            signer=signer,
            post=post or "",
            upper_bound=upper,
        )
        _run(lambda: join_agreement(ctx, inp, who=_who()), confirmed=confirmed)


def _form_tie(ctx, language: str) -> None:
    orgs = _org_options(ctx)
    kinds = ctx.tie_kinds
    with st.form("data_form_tie"):
        kind = st.selectbox(
            t("data.field.tie_kind"), list(kinds), format_func=lambda k: _concept_label(kinds[k], language), key="data_tie_kind"
        )
        frm = st.selectbox(t("data.field.from"), list(orgs), format_func=orgs.get, key="data_tie_from")
        to = st.selectbox(t("data.field.to"), list(orgs), format_func=orgs.get, key="data_tie_to")
        c1, c2 = st.columns(2)
        start = c1.date_input(t("data.field.start"), value=None, min_value=_MIN_DATE, key="data_tie_start")
        end = c2.date_input(t("data.field.end"), value=None, min_value=_MIN_DATE, key="data_tie_end")
        amount = st.text_input(t("data.field.amount"), key="data_tie_amount")
        comment = st.text_area(t("data.field.comment"), key="data_tie_comment")
        source = st.text_input(t("data.field.source"), help=t("data.source_help"), key="data_tie_source")
        confirmed = st.checkbox(t("data.confirm"), key="data_tie_confirm")
        submitted = st.form_submit_button(t("data.tie.submit"))
    if submitted:
        inp = TieInput(from_=frm or "", to=to or "", kind=kind or "", start=start, end=end, amount=amount, comment=comment, source=source)
        _run(lambda: add_tie(ctx, inp, who=_who()), confirmed=confirmed)


def _form_end(ctx, language: str) -> None:
    orgs = {**_org_options(ctx), **ctx.agreements}
    kinds = ctx.tie_kinds
    roles = ctx.roles
    open_ties = {
        r[
            "iri"
        ]: f"{orgs.get(r['from'], r['from'])} → {orgs.get(r['to'], r['to'])} · {_concept_label(kinds[r['kind']], language) if r['kind'] in kinds else r['kind']} · {r['start'] or '?'}"
        for r in ctx.ties
        if not r["end"]
    }
    open_members = {
        r[
            "iri"
        ]: f"{orgs.get(r['member'], r['member'].rsplit('/', 1)[-1])} · {orgs.get(r['org'], r['org'].rsplit('/', 1)[-1])} · {_concept_label(roles[r['role']], language) if r['role'] in roles else '-'} · {r['start'] or '?'}"
        for r in ctx.memberships
        if not r["end"]
    }
    with st.form("data_form_end"):
        what = st.radio(
            t("data.end.what"), ("tie", "membership"), format_func=lambda w: t(f"data.end.{w}"), horizontal=True, key="data_end_what"
        )
        tie = st.selectbox(t("data.end.tie"), list(open_ties), format_func=open_ties.get, key="data_end_tie")
        membership = st.selectbox(t("data.end.membership"), list(open_members), format_func=open_members.get, key="data_end_membership")
        end = st.date_input(t("data.field.end"), value=None, min_value=_MIN_DATE, key="data_end_date")
        source = st.text_input(t("data.field.source"), help=t("data.source_help"), key="data_end_source")
        submitted = st.form_submit_button(t("data.end.submit"))
    if submitted:
        if what == "tie":
            _run(lambda: end_tie(ctx, tie or "", end, source, who=_who()), confirmed=True)
        else:
            _run(lambda: end_membership(ctx, membership or "", end, source, who=_who()), confirmed=True)


def _form_correct(ctx, language: str) -> None:
    orgs = _org_options(ctx)
    with st.form("data_form_correct"):
        org = st.selectbox(t("data.field.organisation"), list(orgs), format_func=orgs.get, key="data_fix_org")
        fld = st.selectbox(t("data.fix.field"), ORG_FIELDS, format_func=_field, key="data_fix_field")
        value = st.text_input(t("data.fix.value"), help=t("data.fix.help"), key="data_fix_value")
        source = st.text_input(t("data.field.source"), help=t("data.source_help"), key="data_fix_source")
        submitted = st.form_submit_button(t("data.fix.submit"))
    if submitted:
        _run(lambda: correct_organisation(ctx, org or "", fld, value, source, who=_who()), confirmed=True)

    st.subheader(t("data.remove.title"))
    entries = {
        **orgs,
        **{r["iri"]: f"{t('data.end.tie')}: {r['iri'].rsplit('/', 1)[-1]}" for r in ctx.ties},
        **{r["iri"]: f"{t('data.end.membership')}: {r['iri'].rsplit('/', 1)[-1]}" for r in ctx.memberships},
    }
    with st.form("data_form_remove"):
        entry = st.selectbox(t("data.remove.entry"), list(entries), format_func=entries.get, key="data_remove_entry")
        cascade = st.checkbox(t("data.remove.cascade"), key="data_remove_cascade")
        sure = st.checkbox(t("data.remove.sure"), key="data_remove_sure")
        submitted = st.form_submit_button(t("data.remove.submit"), type="primary")
    if submitted:
        if not sure:
            st.error(t("data.remove.unconfirmed"))
        else:
            _run(lambda: remove_entry(ctx, entry or "", who=_who(), cascade=cascade), confirmed=True)


def _import(ctx, language: str) -> None:
    st.caption(t("data.import.columns"))
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("data.import.template_orgs"), template_csv("organisations"), "organisations.csv", "text/csv", key="data_tpl_orgs")
    c2.download_button(t("data.import.template_ties"), template_csv("ties"), "ties.csv", "text/csv", key="data_tpl_ties")
    c3.download_button(
        t("data.import.template_xlsx"),
        template_xlsx(),
        "template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="data_tpl_xlsx",
    )
    files = st.file_uploader(t("data.import.files"), type=["csv", "xlsx"], accept_multiple_files=True, key="data_import_files")
    encoding = st.selectbox(
        t("data.import.encoding"),
        ("auto", "utf-8", "cp1250"),
        format_func=lambda e: t(f"data.import.enc.{e.replace('-', '')}"),
        key="data_import_encoding",
    )
    if not files:
        return
    blobs = [(f.name, f.getvalue()) for f in files]
    try:
        tables = [tb for name, data in blobs for tb in read_table(data, name, encoding=None if encoding == "auto" else encoding)]
    except ImportError_ as exc:
        st.error(md_escape(str(exc)))
        return
    plan = plan_import(ctx, tables, who=_who() or "?")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("data.import.file"): tb.name,
                    t("data.import.kind"): t(f"data.import.{tb.kind}"),
                    t("data.import.rows"): len(tb.rows),
                    t("data.import.enc_col"): tb.encoding or "xlsx",
                }
                for tb in tables
            ]
        ),
        hide_index=True,
        key="data_import_tables",
    )
    if plan.problems:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("data.import.severity"): t(f"data.import.{p.severity}"),
                        t("data.import.file"): p.file or "",
                        t("data.import.row"): p.row,
                        t("data.import.column"): p.column or "",
                        t("data.import.field"): _field(p.field) if p.field else "",
                        t("data.import.message"): pick(language, p.message_pl, p.message_en, fallback=False),
                    }
                    for p in plan.problems
                ]
            ),
            hide_index=True,
            key="data_import_problems",
        )
    if not plan.ok:
        st.error(t("data.import.has_errors", n=len(plan.errors)))
        return
    if plan.change is None or plan.change.empty:
        st.info(t("data.nothing"))
        return
    st.info(t("data.import.ready", orgs=plan.counts["organisations"], ties=plan.counts["ties"], n=len(plan.change.added)))
    if st.button(t("data.import.apply"), type="primary", key="data_import_apply"):
        # plan_import already checked the shapes; a second click finds nothing new to write
        _commit(plan.change, confirmed=True, check=False)


def _history(language: str) -> None:
    editor = _editor()
    entries = editor.history()
    if not entries:
        st.info(t("data.history.empty"))
        return
    undone = {e.undoes for e in entries if e.undoes}
    rows = [
        {
            "id": e.id,
            t("data.history.when"): e.when,
            t("data.history.who"): e.who,
            t("data.history.what"): e.what,
            "+": len(e.added),
            "-": len(e.removed),
            t("data.history.undone"): e.id in undone,
        }
        for e in reversed(entries)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="data_history_table")
    candidates = [e for e in reversed(entries) if not e.undoes and e.id not in undone]
    if not candidates:
        return
    labels = {e.id: f"{e.id} · {e.who} · {e.what}" for e in candidates}
    with st.form("data_form_undo"):
        choice = st.selectbox(
            t("data.history.pick"), list(labels), format_func=labels.get, key=f"data_undo_id_{len(entries)}"
        )  # a new key per change: the newest is preselected
        sure = st.checkbox(t("data.history.sure"), key="data_undo_sure")
        submitted = st.form_submit_button(t("data.history.undo"))
    if submitted:
        if not sure:
            st.error(t("data.remove.unconfirmed"))
            return
        try:
            done = editor.undo(choice, who=_who())
        except EditError as exc:
            _show_problems(exc.problems, lang_=language)
            return
        state.refresh(editor)
        _flash(tm("data.history.undone_ok", id=done.undoes, n=len(done.added), m=len(done.removed)))


# ------------------------------------------------------------------ page


def _unlock(password: str) -> bool:
    if st.session_state.get(_OK) == hashlib.sha256(password.encode()).hexdigest():
        return True
    attempts = st.session_state.setdefault(_ATTEMPTS, Attempts())
    with st.form("data_form_login"):
        given = st.text_input(t("data.password"), type="password", key="data_password")
        submitted = st.form_submit_button(t("data.unlock"))
    if submitted:
        verdict = state.password_gate().try_password(given, password, attempts)  # hmac.compare_digest inside
        if verdict.ok:
            st.session_state[_OK] = hashlib.sha256(password.encode()).hexdigest()
            st.rerun()
        seconds = math.ceil(verdict.wait)
        st.error(t("data.wrong_password_wait" if verdict.checked else "data.password_too_soon", seconds=seconds))
    return False


def render() -> None:
    language = lang()
    st.title(t("data.title"))
    password = editor_password()
    if not password:
        st.info(t("data.disabled"))
        return
    if not _unlock(password):
        return
    st.text_input(t("data.who"), key="data_who", help=t("data.who_help"))
    if not _who():
        st.warning(t("data.who_needed"))
        return
    if message := st.session_state.pop(_FLASH, None):
        st.success(message)
    editor = _editor()
    target = editor.history_path if editor.remote else editor.path
    st.caption(tm("data.target", target=str(target)))
    ws = state.workspace()
    ctx = ws.edit_context() if editor.store is ws.store else editor.context()  # lookups read once per data version
    names = [t(f"data.tab.{name}") for name in ("org", "join", "tie", "end", "fix", "import", "history")]
    tabs, shown = lazy_tabs(names, key="data_tab")  # large data: only the open tab's form is drawn
    forms = (_form_organisation, _form_join, _form_tie, _form_end, _form_correct, _import)
    for tab, show, form in zip(tabs, shown, forms):
        if show:
            with tab:
                form(ctx, language)
    if shown[6]:
        with tabs[6]:
            _history(language)


__all__ = ["render", "editor_password", "Problem"]
