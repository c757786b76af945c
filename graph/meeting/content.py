"""What the meeting report holds, gathered from the store for one date.

:func:`meeting_report` collects, for ``as_of``: the agreement and its
members (signatories and later joiners; initiators and supporters are listed
as such and never counted as members), the network picture, the change since
an earlier date, the findings with their reasons and kinds, the suggested
ties, the single points of failure and the source documents.  The result is
plain data (:class:`MeetingReport`); :mod:`graph.meeting.render` turns it
into HTML and :mod:`graph.meeting.pdf` into PDF.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ..analysis import diff_report, gap_report, parse_date, to_networkx
from ..analysis.errors import InvalidDate
from ..analysis.findings import Finding, Suggestion
from ..library import internal_query
from ..store import Store
from ..views.explore import vocabulary
from ..views.overview import JOINED_LATER, agreement_timeline
from ..vocabulary import pick

__all__ = ["Member", "MeetingReport", "meeting_report", "NOT_MEMBER_ROLES"]

#: Roles in an agreement that do not make an organisation a member.
NOT_MEMBER_ROLES = ("initiator", "supporter")


@dataclass(frozen=True)
class Member:
    """One organisation's place in the agreement on the report's date."""

    iri: str
    label: str
    label_en: str
    kind: str  # kind label (pl/en chosen at render time: kind_pl / kind_en)
    kind_en: str
    role: str  # signatory, initiator, supporter... (local name)
    role_pl: str
    role_en: str
    start: str | None
    start_is_upper_bound: bool
    joined_later: bool
    group: bool  # an unnamed group the source does not name

    def name(self, lang: str) -> str:
        return pick(lang, self.label, self.label_en, fallback=False)


@dataclass(frozen=True)
class MeetingReport:
    """Everything the printed report shows (plain values; render in either language)."""

    as_of: str
    since: str | None
    agreement: tuple[str, str, str] | None  # (IRI, label pl, label en)
    signed: str | None  # the agreement's first date
    signed_upper_bound: bool
    members: tuple[Member, ...]
    others: tuple[Member, ...]  # initiators, supporters: not members
    network: dict
    graph: object  # the networkx projection on as_of, memberships included
    findings: tuple[Finding, ...]
    suggestions: tuple[Suggestion, ...]
    spof: tuple[Finding, ...]
    changes: tuple[Finding, ...] | None  # None when no --since
    sources: tuple[tuple[str, str, str, str], ...]  # (IRI, title, date, url)
    vocab: dict = field(default_factory=dict)

    def finding_groups(self) -> list[tuple[str, list[Finding]]]:
        """Findings grouped by rule (``code``), most serious rule first, in the data's order within."""
        groups: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            groups[f.code].append(f)
        order = {"violation": 0, "warning": 1, "info": 2}
        return sorted(groups.items(), key=lambda kv: (order.get(kv[1][0].severity, 9), kv[1][0].kind != "cooperation", kv[0]))


def _in_force(start: str | None, end: str | None, day: str) -> bool:
    from ..dates import holds  # the one as-of rule (docs/adr/0006-date-precision.md)

    return holds(start, None, end, None, day)


def _by(bound) -> bool:
    from ..dates import NOT_LATER_THAN

    return isinstance(bound, str) and bound == NOT_LATER_THAN


def _members(store: Store, day: str, vocab: dict) -> tuple:
    timeline = agreement_timeline(store)
    if timeline.empty:
        return None, None, False, (), ()
    agreement_iri = timeline["agreement"].iloc[0]
    rows = timeline[timeline["agreement"] == agreement_iri]
    first = rows["start"].dropna().min() if rows["start"].notna().any() else None
    upper = bool(rows[rows["start"] == first]["start_bound"].map(_by).all()) if first else False
    kinds = vocab.get("kind", {})
    members: dict[str, Member] = {}
    others: dict[tuple[str, str], Member] = {}
    for _, r in rows.iterrows():
        start = r["start"] if isinstance(r["start"], str) else None
        end = r["end"] if isinstance(r["end"], str) else None
        if not _in_force(start, end, day):
            continue
        kind = r["kind"] if isinstance(r["kind"], str) else ""
        m = Member(
            iri=r["member"], label=r["label"], label_en=r["label_en"],
            kind=(kinds.get(kind) or {}).get("pl", kind), kind_en=(kinds.get(kind) or {}).get("en", kind),
            role=r["role"], role_pl=r["role_pl"], role_en=r["role_en"],
            start=start, start_is_upper_bound=_by(r["start_bound"]),
            joined_later=r["joined"] == JOINED_LATER, group=not kind,
        )  # fmt: skip
        if m.role in NOT_MEMBER_ROLES:
            others[(m.iri, m.role)] = m
        else:
            members.setdefault(m.iri, m)
    agreement = (agreement_iri, rows["agreement_label"].iloc[0], rows["agreement_label"].iloc[0])
    ordered = sorted(members.values(), key=lambda m: (m.joined_later, m.group, m.label))
    return agreement, first, upper, tuple(ordered), tuple(sorted(others.values(), key=lambda m: (m.role, m.label)))


def _sources(store: Store) -> tuple:
    _, rows = store.select_values(internal_query("list_source_documents"))
    seen: dict[str, tuple[str, str, str, str]] = {}
    for doc, title, date, url in rows:
        if doc not in seen:
            seen[doc] = (doc, title or doc, (date or "")[:10], url or "")
    return tuple(sorted(seen.values(), key=lambda s: (s[1].casefold(), s[0])))


def meeting_report(
    store: Store, *, as_of: dt.date | str | None = "today", since: dt.date | str | None = None, top: int = 10
) -> MeetingReport:
    """The report for a meeting on ``as_of`` (default today), with the change since ``since`` if given.

    Bad dates raise :class:`~graph.analysis.errors.InvalidDate` naming the option.
    """
    day = parse_date(as_of or "today", field="--as-of")
    since_day = parse_date(since, field="--since") if since else None
    if since_day is not None and since_day > day:
        raise InvalidDate(f"--since {since_day.isoformat()} is after --as-of {day.isoformat()}; give the earlier date to --since")
    d = day.isoformat()
    vocab = vocabulary(store)
    gaps = gap_report(store, as_of=d, top=top)
    agreement, first, upper, members, others = _members(store, d, vocab)
    g = to_networkx(store, as_of=d, include_memberships=True)
    if agreement is not None:
        a = g.nodes[agreement[0]] if agreement[0] in g else {}
        agreement = (agreement[0], a.get("label") or agreement[1], a.get("label_en") or agreement[2])
    changes = None
    if since_day is not None:
        changes = diff_report(store, since_day.isoformat(), d, top=top).findings
    return MeetingReport(
        as_of=d,
        since=since_day.isoformat() if since_day else None,
        agreement=agreement,
        signed=first,
        signed_upper_bound=upper,
        members=members,
        others=others,
        network=dict(gaps.network),
        graph=g,
        findings=tuple(gaps.findings),
        suggestions=tuple(gaps.suggestions),
        spof=tuple(f for f in gaps.structure.findings if f.code == "articulation-point"),
        changes=changes,
        sources=_sources(store),
        vocab=vocab,
    )
