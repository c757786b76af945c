"""Findings as readable lists: one expander per rule and kind, each finding in full.

Replaces cut-off table cells on the Gaps page: the severity as an icon and
the glossary's word, the kind, the whole text with its reason, and the
organisations as links to their profiles.  The grouping and the filters are
in the core (:mod:`graph.finding_groups`); this module only draws.
"""

from __future__ import annotations

import streamlit as st

from graph.finding_groups import Group, severity_label
from graph.wording import count, number
from ui.i18n import lang, md_escape, t
from ui.widgets import profile_url

__all__ = ["finding_groups", "kind_word", "LIMIT"]

#: Findings listed per group (the rest: in the CSV download).
LIMIT = 60


def kind_word(kind: str) -> str:
    """The kind in the glossary's words (a data gap says: complete the data)."""
    if kind == "suggestion":
        return t("glossary.term.suggested_tie")
    if kind == "data":
        return f"{t('glossary.term.data_gap')} – {t('glossary.term.complete_data')}"
    if kind in ("structure", "change"):
        return t(f"gaps.kind_{kind}")
    return t("glossary.term.cooperation_gap")


def _line(entry, language: str) -> str:
    text = f"- {md_escape(entry.text)}"
    links = [f"[{md_escape(label)}]({profile_url(iri)})" if is_org else md_escape(label) for iri, label, is_org in entry.resources]
    if links:
        text += f"  \n  {t('gaps.about_label')}: " + ", ".join(links)
    if entry.score is not None:
        text += f" · {t('gaps.col.score').lower()} {number(entry.score, language, 3)}"
    return text


def finding_groups(groups: list[Group], *, key: str, expanded: bool = True) -> None:
    """Each group as an expander: heading with severity, kind and count; the findings as a list."""
    language = lang()
    if not groups:
        st.success(t("gaps.none"))
        return
    for i, g in enumerate(groups):
        head = f"{severity_label(g.severity, language)} · {kind_word(g.kind)} · {g.title} ({count(len(g.entries), 'finding', language)})"
        with st.expander(md_escape(head), expanded=expanded and i < 12):
            lines = [_line(e, language) for e in g.entries[:LIMIT]]
            st.markdown("\n".join(lines))
            if len(g.entries) > LIMIT:
                st.caption(t("gaps.more_in_csv", n=len(g.entries) - LIMIT))
