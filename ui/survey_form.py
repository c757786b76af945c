"""The respondent's page of the tie survey (``survey_app.py``; no navigation, no password).

The link's token (``?t=``) opens one organisation's form in one round; every
run checks the link again in the round file (revoking or closing acts at
once); a wrong token costs a growing delay (:class:`graph.access.Throttle`).
One column, every field labelled, Polish or English (``?lang=en``).  All the
logic is in :mod:`graph.survey`; this module only draws and collects.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from graph.access import Attempts, Throttle
from graph.edit.changes import EditError
from graph.model import FREQUENCIES
from graph.settings import Settings
from graph.store import open_store
from graph.survey import (
    AnswerInput,
    PartnerAnswer,
    ProposalInput,
    SurveyError,
    as_input,
    load_round,
    open_any,
    round_day,
    round_path,
    save_answer,
)
from graph.survey.records import org_key
from graph.views.explore import fold, territory_labels
from graph.vocabulary import pick
from ui.i18n import lang, md_escape, set_lang, t, translate

__all__ = ["render", "landing", "MAX_LISTED"]

#: Without a search, organisations are listed by group up to this many (then: search first).
MAX_LISTED = 400
_S = "sv_"


@st.cache_resource(show_spinner=False)
def _throttle() -> Throttle:
    return Throttle(what="survey link")  # logged as such, not as the editor password


def _settings() -> Settings:
    return Settings.from_env()


def _signature(cfg: Settings) -> tuple:
    out = []
    for p in cfg.files:
        try:
            s = Path(p).stat()
            out.append((str(p), s.st_mtime_ns, s.st_size))
        except OSError:
            out.append((str(p), -1, -1))
    return tuple(out)


@st.cache_resource(show_spinner=False, max_entries=2)
def _directory(_cfg: Settings, signature: tuple) -> dict:
    """What the form lists, read once per data version: organisations, kinds, gminy."""
    from graph.edit.lookup import Context

    store = open_store(_cfg)
    ctx = Context(store)
    terc = territory_labels(store)
    return {"orgs": ctx.organisations, "tie_kinds": ctx.tie_kinds, "kinds": ctx.kinds, "terc": terc}


def _lang_switch() -> None:
    other = "en" if lang() == "pl" else "pl"
    if st.button(t("survey.switch_lang"), key=_S + "lang"):
        st.query_params["lang"] = other
        set_lang(other)
        st.rerun()


def _apply_lang() -> None:
    wanted = st.query_params.get("lang", "pl")
    set_lang(wanted if wanted in ("pl", "en") else "pl")


def landing() -> None:
    _apply_lang()
    st.title(t("survey.page_title"))
    st.info(t("survey.start"))


def _label(concept, language: str) -> str:
    return concept.label.in_lang(language)


def _init(key: str, value) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def _prefill(answer: AnswerInput, marker: tuple) -> None:
    """Fill the widgets from the stored answer once per (round, organisation)."""
    if st.session_state.get(_S + "loaded") == marker:
        return
    for k in [k for k in st.session_state if str(k).startswith(_S) and k != _S + "lang"]:
        del st.session_state[k]
    st.session_state[_S + "loaded"] = marker
    st.session_state[_S + "name"], st.session_state[_S + "post"], st.session_state[_S + "email"] = answer.name, answer.post, answer.email
    st.session_state[_S + "chosen"] = [pa.partner for pa in answer.partners]
    for pa in answer.partners:
        k = org_key(pa.partner)
        st.session_state[f"{_S}k_{k}"] = list(pa.kinds)
        st.session_state[f"{_S}f_{k}"] = pa.frequency
        st.session_state[f"{_S}v_{k}"] = pa.value
        st.session_state[f"{_S}t_{k}"] = pa.trust
        st.session_state[f"{_S}c_{k}"] = pa.comment
    st.session_state[_S + "np"] = len(answer.proposals)
    for i, pr in enumerate(answer.proposals, start=1):
        st.session_state[f"{_S}pn_{i}"], st.session_state[f"{_S}pg_{i}"], st.session_state[f"{_S}pk_{i}"] = (
            pr.name,
            pr.gmina or "",
            pr.kind or "",
        )


def _toggle(iri: str, key: str) -> None:
    chosen = st.session_state.setdefault(_S + "chosen", [])
    if st.session_state.get(key):
        if iri not in chosen:
            chosen.append(iri)
    elif iri in chosen:
        chosen.remove(iri)


def _group_of(rec, d: dict, language: str) -> tuple[str, str]:
    kind = d["kinds"].get(rec.kind)
    gmina = rec.gmina.rsplit("/", 1)[-1] if rec.gmina else ""
    return (_label(kind, language) if kind else "—", d["terc"].get(gmina) or t("survey.partners.no_gmina"))


def _partner_list(org: str, d: dict, language: str, day: str) -> None:
    """The organisations the respondent may name: those that exist on the round's ``day``
    (a dissolved one is no partner now), and any named in an earlier answer."""
    st.subheader(t("survey.partners.heading"))
    st.caption(t("survey.partners.help"))
    query = st.text_input(t("survey.partners.search"), key=_S + "q", max_chars=100)
    named = set(st.session_state.get(_S + "chosen", []))
    others = [r for r in d["orgs"].values() if r.iri != org and (r.exists_on(day) or r.iri in named)]
    words = fold(query).split()
    if words:
        others = [r for r in others if all(w in fold(" ".join(r.labels)) for w in words)]
        if not others:
            st.caption(t("survey.partners.none_found", text=md_escape(query)))
    elif len(others) > MAX_LISTED:
        st.caption(t("survey.partners.search_first", n=len(others)))
        others = [r for r in others if r.iri in st.session_state.get(_S + "chosen", [])]
    groups: dict[tuple[str, str], list] = {}
    for r in others:
        groups.setdefault(_group_of(r, d, language), []).append(r)
    chosen = st.session_state.setdefault(_S + "chosen", [])
    for (kind, gmina), recs in sorted(groups.items()):
        st.markdown(f"**{md_escape(kind)}** — {md_escape(gmina)}")
        for r in sorted(recs, key=lambda r: fold(r.label)):
            key = f"{_S}p_{org_key(r.iri)}"
            _init(key, r.iri in chosen)
            st.checkbox(md_escape(r.label), key=key, on_change=_toggle, args=(r.iri, key))
    st.caption(t("survey.partners.chosen", n=len(chosen)))


def _partner_details(d: dict, language: str) -> list[PartnerAnswer]:
    out = []
    kinds = d["tie_kinds"]
    for iri in st.session_state.get(_S + "chosen", []):
        rec = d["orgs"].get(iri)
        if rec is None:
            continue
        k = org_key(iri)
        name = md_escape(rec.label)
        with st.container(border=True):
            st.markdown(f"**{name}**")
            _init(f"{_S}k_{k}", [])
            _init(f"{_S}f_{k}", "occasionally")
            _init(f"{_S}v_{k}", None)
            _init(f"{_S}t_{k}", None)
            _init(f"{_S}c_{k}", "")
            sel = st.multiselect(
                t("survey.partners.kinds", org=name), list(kinds), key=f"{_S}k_{k}", format_func=lambda c: _label(kinds[c], language)
            )
            freq = st.radio(
                t("survey.partners.frequency", org=name),
                FREQUENCIES,
                key=f"{_S}f_{k}",
                format_func=lambda f: translate(f"survey.freq.{f}", language),
                horizontal=True,
            )
            value = st.radio(t("survey.partners.value", org=name), (1, 2, 3, 4), key=f"{_S}v_{k}", horizontal=True)
            trust = st.radio(t("survey.partners.trust", org=name), (1, 2, 3, 4), key=f"{_S}t_{k}", horizontal=True)
            comment = st.text_area(t("survey.partners.comment", org=name), key=f"{_S}c_{k}", max_chars=2000, height=68)
        out.append(PartnerAnswer(iri, tuple(sel), freq, value, trust, comment))
    return out


def _proposals(d: dict, language: str) -> list[ProposalInput]:
    out = []
    with st.expander(t("survey.propose.heading"), expanded=bool(st.session_state.get(_S + "np"))):
        st.caption(t("survey.propose.help"))
        _init(_S + "np", 0)
        n = st.number_input(t("survey.propose.count"), min_value=0, max_value=5, step=1, key=_S + "np")
        gminy = [""] + sorted((c for c in d["terc"] if len(c) == 7), key=lambda c: fold(d["terc"][c]))
        kinds = [""] + list(d["kinds"])
        unknown = translate("survey.propose.unknown", language)
        for i in range(1, int(n) + 1):
            name = st.text_input(t("survey.propose.name", n=i), key=f"{_S}pn_{i}", max_chars=200)
            _init(f"{_S}pg_{i}", "")
            gmina = st.selectbox(
                t("survey.propose.gmina", n=i), gminy, key=f"{_S}pg_{i}", format_func=lambda c: d["terc"].get(c, unknown) if c else unknown
            )
            _init(f"{_S}pk_{i}", "")
            kind = st.selectbox(
                t("survey.propose.kind", n=i),
                kinds,
                key=f"{_S}pk_{i}",
                format_func=lambda c: _label(d["kinds"][c], language) if c else unknown,
            )
            out.append(ProposalInput(name, gmina, kind))
    return out


def _field_label(field: str, partners: list[PartnerAnswer], d: dict) -> str:
    """A problem's field as the form labels it (``partner 2: value`` -> the value question about that partner)."""
    head, _, part = field.partition(": ")
    if head in ("name", "post", "email"):
        return t(f"survey.who.{head}")
    if head.startswith("partner ") and head[8:].isdigit() and 0 < int(head[8:]) <= len(partners):
        rec = d["orgs"].get(partners[int(head[8:]) - 1].partner)
        org = md_escape(rec.label if rec else "?")
        return t(f"survey.partners.{part}", org=org) if part in ("kinds", "frequency", "value", "trust", "comment") else org
    if head.startswith("proposal ") and part in ("name", "gmina", "kind"):
        return t(f"survey.propose.{part}", n=head[9:])
    return md_escape(field)


def _refuse(reason: str, wait: float = 0.0) -> None:
    st.error(t(f"survey.refuse.{reason}", seconds=f"{wait:.0f}"))


def render() -> None:
    """The respondent's page: refusal, or the organisation's form."""
    _apply_lang()
    language = lang()
    _lang_switch()
    cfg = _settings()
    token = st.query_params.get("t", "")
    if not token:
        st.title(t("survey.page_title"))
        st.warning(t("survey.no_link"))
        return
    attempts = st.session_state.setdefault(_S + "attempts_obj", Attempts())
    name, access = open_any(
        cfg.edit_file, token, throttle=_throttle(), attempts=attempts, only=cfg.survey_round
    )
    if not access.ok:
        st.title(t("survey.page_title"))
        _refuse(access.reason, access.wait)
        return
    d = _directory(cfg, _signature(cfg))
    org = access.org
    path = round_path(cfg.edit_file, name)
    data = load_round(path, name, org)
    rec = d["orgs"].get(org)
    st.title(t("survey.title", org=md_escape(rec.label if rec else org)))
    st.caption(t("survey.round", name=md_escape(data.round.label)))
    st.write(t("survey.intro"))
    if data.round.as_of:
        st.caption(t("survey.as_of", date=data.round.as_of))
    resp = data.responses.get(org)
    _prefill(as_input(resp), (name, org))
    if resp is not None and resp.status == "submitted":
        st.info(t("survey.was_submitted", time=(resp.submitted or "").replace("T", " ").rstrip("Z")))

    st.subheader(t("survey.who.heading"))
    st.caption(t("survey.who.help"))
    who = st.text_input(t("survey.who.name"), key=_S + "name", max_chars=200, autocomplete="name")
    post = st.text_input(t("survey.who.post"), key=_S + "post", max_chars=200, autocomplete="organization-title")
    email = st.text_input(t("survey.who.email"), key=_S + "email", max_chars=200, autocomplete="email")
    _partner_list(org, d, language, round_day(data))
    partners = _partner_details(d, language)
    proposals = _proposals(d, language)
    draft = st.button(t("survey.save_draft"), key=_S + "draft")
    submit = st.button(t("survey.submit"), key=_S + "submit", type="primary")
    if not (draft or submit):
        return
    answer = AnswerInput(who, post, email, tuple(partners), tuple(p for p in proposals if p.name.strip() or p.gmina or p.kind))
    try:
        saved = save_answer(path, name, org, answer, submit=submit, known_orgs=d["orgs"], tie_kinds=d["tie_kinds"], org_kinds=d["kinds"])
    except EditError as exc:
        lines = [
            f"- {_field_label(p.field, partners, d)}: {md_escape(pick(language, p.message_pl, p.message_en, fallback=False))}" for p in exc.problems
        ]
        st.error(t("survey.not_saved") + "\n\n" + "\n".join(lines))
        return
    except SurveyError:
        _, again = open_any(cfg.edit_file, token, throttle=_throttle(), attempts=attempts, only=name)
        _refuse(again.reason or "closed")
        return
    when = (saved.saved or "").replace("T", " ").rstrip("Z")
    if submit:
        st.success(t("survey.submitted", time=when))
    else:
        st.success(t("survey.saved_draft", time=when))
