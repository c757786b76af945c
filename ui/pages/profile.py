"""Organisation profile: labels, kind, gmina, identifiers, people, ties, metrics, findings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.analysis.absences import absence_text, absences_about
from graph.model import TERC
from graph.views.overview import finding_rows, findings_about
from graph.vocabulary import pick
from graph.wording import number
from ui import state
from ui.dates import date_text
from ui.i18n import lang, md_escape, t, tm
from ui.pages import page
from ui.widgets import csv_download, profile_url, vocab_label


def _sources_md(sources) -> str:
    """Sources as markdown links (titles escaped for markdown; URLs only http(s))."""
    out = []
    for s in sources:
        title = md_escape(s.title)
        if s.url and s.url.startswith(("http://", "https://")):
            out.append(f"[{title}](<{s.url.replace('>', '%3E').replace(' ', '%20')}>)")
        else:
            out.append(title)
    return " · ".join(out)


def _pick(language: str) -> str | None:
    current = st.query_params.get("org")
    if current:  # a prefixed name (eso:mops-starachowice) is the same organisation as its IRI
        from graph.errors import GraphError
        from graph.library import expand_iri

        try:
            current = str(expand_iri(current, field="org"))
        except GraphError:
            pass  # shown below as "not in the data"
    query = st.text_input(t("profile.search"), key="profile_search", placeholder=t("network.search_hint"))
    if query.strip():
        hits = state.workspace().search(query, language)
        if not hits:
            st.caption(tm("profile.not_found", query=query))
        else:
            labels = {h["iri"]: f"{h['label']} · {h['kind']} · {h['gmina']}" for h in hits}
            choice = st.selectbox(t("profile.pick"), [h["iri"] for h in hits], format_func=labels.get, key="profile_pick")
            if choice and choice != current:
                st.query_params["org"] = choice
                current = choice
    return current


def render() -> None:
    language = lang()
    st.title(t("profile.title"))
    iri = _pick(language)
    if not iri:
        st.info(t("profile.choose"))
        return
    try:
        p = state.workspace().profile(iri)
    except state.GraphError:
        st.warning(t("profile.unknown"))
        st.code(iri, language=None)
        return

    st.header(md_escape(p.label_in(language)))
    if p.synthetic:
        st.badge(t("app.synthetic.badge"), color="orange", icon=":material/science:")
    other = pick(language, p.label_en, p.label, fallback=False)  # the other language
    if other and other != p.label_in(language):
        st.caption(md_escape(other))
    facts = {
        t("profile.kind"): vocab_label("kind", p.kind) if p.kind else "-",
        t("profile.sector"): vocab_label("sector", p.sector) if p.sector else "-",
        t("profile.gmina"): f"{p.gmina_label or '-'} ({p.gmina})" if p.gmina else "-",
        t("profile.served"): ", ".join(p.area_served) or "-",
        t("profile.alt"): ", ".join(p.alt) or "-",
        **{name: value for name, value in p.identifiers},
        t("profile.parent"): ", ".join(label for _, label in p.parent) or "-",
        **({t("profile.founded"): date_text(p.founded, p.founded_bound, language=language)} if p.founded else {}),
        **({t("profile.dissolved"): date_text(p.dissolved, p.dissolved_bound, role="end", language=language)} if p.dissolved else {}),
        "IRI": p.iri,
    }
    frame = pd.DataFrame({t("profile.field"): list(facts), t("profile.value"): list(facts.values())})
    st.dataframe(frame, hide_index=True, key="profile_facts")
    org_name = p.label_in(language)
    csv_download(frame, name=f"{t('profile.title')}-{org_name}", key="profile_facts_csv")
    if p.sources:
        st.markdown(f"**{t('profile.sources')}:** " + _sources_md(p.sources))
    st.page_link(page("network"), label=t("profile.show_in_network"), query_params={"focus": p.iri}, icon=":material/hub:")

    st.subheader(t("profile.people"))
    if p.posts:
        frame = pd.DataFrame(
            {
                t("profile.col.name"): [x.name for x in p.posts],
                t("profile.col.role"): [pick(language, x.role_pl, x.role_en, fallback=False) for x in p.posts],
                t("profile.col.from"): [date_text(x.start, x.start_bound, language=language) for x in p.posts],
                t("profile.col.to"): [date_text(x.end, x.end_bound, role="end", language=language) for x in p.posts],
                t("profile.col.source"): [x.sources[0].url if x.sources and x.sources[0].url else "" for x in p.posts],
            }
        )
        st.dataframe(
            frame,
            hide_index=True,
            column_config={t("profile.col.source"): st.column_config.LinkColumn(display_text=t("profile.source_link"))},
            key="profile_posts",
        )
        csv_download(frame, name=f"{t('profile.people')}-{org_name}", key="profile_posts_csv")
    else:
        st.caption(t("profile.no_people"))

    if p.memberships:
        st.subheader(t("profile.memberships"))
        for m in p.memberships:
            role = pick(language, m.role_pl, m.role_en, fallback=False)
            st.markdown(
                f"- {md_escape(role)}: {md_escape(m.agreement_label)} ({md_escape(date_text(m.start, m.start_bound, language=language, preposition=True) or '?')}) — "
                + _sources_md(m.sources)
            )

    st.subheader(t("profile.ties"))
    if p.ties:
        frame = pd.DataFrame(
            {
                t("profile.col.direction"): [t(f"profile.dir.{r.direction}") for r in p.ties],
                t("profile.col.kind"): [pick(language, r.kind_pl, r.kind_en, fallback=False) for r in p.ties],
                t("profile.col.partner"): [pick(language, r.other_label, r.other_label_en, fallback=False) for r in p.ties],
                t("profile.col.from"): [date_text(r.start, r.start_bound, language=language) for r in p.ties],
                t("profile.col.to"): [date_text(r.end, r.end_bound, role="end", language=language) for r in p.ties],
                t("profile.col.partner_profile"): [profile_url(r.other) for r in p.ties],
                t("profile.col.source"): [next((s.url for s in r.sources if s.url), "") for r in p.ties],
            }
        )
        st.dataframe(
            frame,
            hide_index=True,
            column_config={
                t("profile.col.partner_profile"): st.column_config.LinkColumn(display_text=t("overview.open_profile")),
                t("profile.col.source"): st.column_config.LinkColumn(display_text=t("profile.source_link")),
            },
            key="profile_ties",
        )
        csv_download(frame, name=f"{t('profile.ties')}-{org_name}", key="profile_ties_csv")
        with st.expander(t("profile.tie_details")):
            for r in p.ties:
                arrow = "→" if r.direction == "out" else "←"
                name = pick(language, r.other_label, r.other_label_en, fallback=False)
                kind = pick(language, r.kind_pl, r.kind_en, fallback=False)
                st.markdown(
                    f"**{arrow} {md_escape(name)}** ({md_escape(kind)}, {md_escape(date_text(r.start, r.start_bound, language=language) or '?')}–{md_escape(date_text(r.end, r.end_bound, role='end', language=language))})"
                )
                if r.comment:
                    st.text(r.comment)
                if r.sources:
                    st.markdown(_sources_md(r.sources))
    else:
        st.caption(t("profile.no_ties"))

    st.subheader(t("profile.metrics"))
    table = state.workspace().metrics()
    if p.iri in table.index:
        row = table.loc[p.iri]
        cols = st.columns(4)
        for i, name in enumerate(("degree", "betweenness", "pagerank", "harmonic")):
            if name in row.index:
                value = row[name]
                cols[i].metric(t(f"viz.metric.{name}"), number(value, language, 3) if isinstance(value, float) else number(value, language))
    else:
        st.caption(t("profile.no_metrics"))

    st.subheader(t("profile.findings"))
    report = state.workspace().report()
    rows = finding_rows(findings_about((*report.findings, *report.suggestions), p.iri), language)
    if not rows:
        st.success(t("profile.no_findings"))
    for r in rows:
        kind = t("glossary.term.data_gap") if r.get("kind") == "data" else t("glossary.term.cooperation_gap")
        if r.get("category") == "suggestion":
            kind = t("glossary.term.suggested_tie")
        st.markdown(f"- **{t('glossary.term.' + r['severity'])}** · {md_escape(kind)} · {md_escape(r['text'])}")
    checked = absences_about(report.absences, p.iri, f"{TERC}{p.gmina}" if p.gmina else "")
    if checked:
        st.markdown(f"**{t('profile.absences')}**")
        for a in checked:
            st.markdown(f"- {md_escape(absence_text(a, language))}")
