"""Findings grouped for reading: by rule and kind, each in full with its organisations.

The Gaps page and the meeting report show findings as groups (one per rule
and kind), most serious first, each finding with its whole text (the reason
is the point of a finding) and the organisations it names.  Filters by gmina
(a TERC code: the finding names the gmina or an organisation seated in it)
and by kind (``cooperation`` / ``data`` / ``suggestion``).  Plain values; the
page turns IRIs into profile links.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .library import internal_query
from .vocabulary import pick
from .wording import term

__all__ = ["SEVERITY_ICONS", "Entry", "Group", "group_findings", "severity_label", "finding_kind", "seats"]

#: The severity as an icon beside its word (never the icon alone).
SEVERITY_ICONS: dict[str, str] = {"violation": "⛔", "warning": "⚠️", "info": "ℹ️"}
_ORDER = {"violation": 0, "warning": 1, "info": 2}
_TERC = "https://w3id.org/es-pl/id/terc/"


@dataclass(frozen=True)
class Entry:
    """One finding: its text and the resources it names as (IRI, label, is an organisation)."""

    text: str
    resources: tuple[tuple[str, str, bool], ...]
    score: float | None = None


@dataclass(frozen=True)
class Group:
    """The findings of one rule and kind."""

    code: str
    title: str
    severity: str
    kind: str  # cooperation | data | suggestion | structure | change
    entries: tuple[Entry, ...]


def severity_label(severity: str, lang: str = "pl") -> str:
    """ "⚠️ ostrzeżenie": the icon and the glossary's word."""
    word = term(severity, lang) if severity in _ORDER else severity
    return f"{SEVERITY_ICONS.get(severity, '')} {word}".strip()


def finding_kind(f) -> str:
    """``suggestion``, ``structure``, ``change``, or the finding's kind (``cooperation`` / ``data``)."""
    if f.category == "suggestion":
        return "suggestion"
    if f.category in ("structure", "change"):
        return f.category
    return getattr(f, "kind", "cooperation") or "cooperation"


def _gminas_of(f, seats: Mapping[str, str]) -> set[str]:
    out = set()
    for r in f.resources:
        if r.iri.startswith(_TERC):
            out.add(r.iri[len(_TERC) :])
        elif seats.get(r.iri):
            out.add(seats[r.iri])
    return out


def group_findings(
    findings: Iterable,
    *,
    lang: str = "pl",
    seats: Mapping[str, str] | None = None,
    gminas: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    titles: Mapping[str, str] | None = None,
    organisations: set[str] | frozenset[str] | None = None,
) -> list[Group]:
    """``findings`` grouped by (rule, kind), most serious first, filtered by gmina and kind.

    ``seats``: organisation IRI -> TERC code of its gmina; ``gminas``: keep
    findings about these gminas (by code; a powiat code keeps its gminy);
    ``kinds``: keep these kinds; ``titles``: a heading per rule code where the
    finding carries none; ``organisations``: IRIs that have a profile (the
    others are shown as text).
    """
    seats = seats or {}
    want_g = tuple(gminas or ())
    want_k = set(kinds or ())
    groups: dict[tuple[str, str], list] = {}
    for f in findings:
        kind = finding_kind(f)
        if want_k and kind not in want_k:
            continue
        if want_g and not any(code.startswith(g) for code in _gminas_of(f, seats) for g in want_g):
            continue
        groups.setdefault((f.code, kind), []).append(f)
    out = []
    for (code, kind), fs in groups.items():
        first = fs[0]
        title = first.value(pick(lang, "rule", "rule_en")) or (titles or {}).get(code) or code
        entries = tuple(
            Entry(
                text=f.text(lang),
                resources=tuple(
                    (r.iri, r.label_in(lang), organisations is None and not r.iri.startswith(_TERC) or r.iri in (organisations or ()))
                    for r in f.resources
                ),
                score=getattr(f, "score", None) if kind == "suggestion" else None,
            )
            for f in fs
        )
        out.append(Group(code=code, title=str(title), severity=first.severity, kind=kind, entries=entries))
    out.sort(key=lambda g: (_ORDER.get(g.severity, 9), g.kind != "cooperation", g.title.casefold(), g.code))
    return out



def seats(store) -> dict[str, str]:
    """Organisation IRI -> TERC code of its seat (for the gmina filter)."""
    _, rows = store.select_values(internal_query("list_seats"))
    return {org: loc[len(_TERC) :] for org, loc in rows if loc and loc.startswith(_TERC)}
