"""Everything the data says about one organisation, with its sources.

:func:`organisation_profile` reads the store with a handful of SELECTs, the
organisation bound as ``?org`` (never pasted into the text, SECURITY T7),
and returns a small frozen :class:`Profile` the dashboard renders and a test
can check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis.projection import local
from ..errors import GraphError
from ..library import internal_query
from ..model import ESK, EST, TERC
from ..store import Store
from ..terms import checked_iri
from ..vocabulary import pick

__all__ = ["Source", "Post", "TieRow", "MembershipRow", "Profile", "organisation_profile", "source_map"]


@dataclass(frozen=True)
class Source:
    iri: str
    title: str
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class Post:
    """A person's post in the organisation (``org:Membership`` with a role)."""

    person: str
    name: str
    role: str
    role_pl: str
    role_en: str
    start: str | None = None
    end: str | None = None
    sources: tuple[Source, ...] = ()
    start_bound: str | None = None  # graph.dates bounds (IRI) of the dates above
    end_bound: str | None = None


@dataclass(frozen=True)
class TieRow:
    """One tie, seen from the organisation: ``direction`` is ``out`` or ``in``."""

    tie: str
    direction: str
    kind: str
    kind_pl: str
    kind_en: str
    other: str
    other_label: str
    other_label_en: str
    start: str | None = None
    end: str | None = None
    start_bound: str | None = None  # es:notLaterThan / es:notEarlierThan IRI (graph.dates)
    end_bound: str | None = None
    comment: str | None = None
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class MembershipRow:
    """Membership of an agreement (signatory, initiator, supporter)."""

    membership: str
    agreement: str
    agreement_label: str
    role: str
    role_pl: str
    role_en: str
    start: str | None = None
    end: str | None = None
    sources: tuple[Source, ...] = ()
    start_bound: str | None = None
    end_bound: str | None = None


@dataclass(frozen=True)
class Profile:
    iri: str
    label: str
    label_en: str
    alt: tuple[str, ...] = ()
    type: str = "organisation"
    kind: str | None = None
    kind_pl: str | None = None
    kind_en: str | None = None
    sector: str | None = None
    gmina: str | None = None
    gmina_label: str | None = None
    area_served: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()  # ("NIP", "..."), ("REGON", ...), ("KRS", ...), ("www", url)
    parent: tuple[tuple[str, str], ...] = ()  # org:subOrganizationOf (iri, label)
    synthetic: bool = False
    sources: tuple[Source, ...] = ()
    posts: tuple[Post, ...] = ()
    memberships: tuple[MembershipRow, ...] = ()
    ties: tuple[TieRow, ...] = field(default=())
    # lifetime as the sources give it (graph.dates): date text and bound IRI
    founded: str | None = None
    founded_bound: str | None = None
    dissolved: str | None = None
    dissolved_bound: str | None = None

    def label_in(self, lang: str) -> str:
        return pick(lang, self.label, self.label_en)



def source_map(store: Store) -> dict[str, Source]:
    """Every source document by IRI (title, URL, date)."""
    _, rows = store.select_values(internal_query("list_all_sources"))
    out: dict[str, Source] = {}
    for src, title, url, date in rows:
        if src not in out or (title and not out[src].title):
            out[src] = Source(src, title or src.rsplit("/", 1)[-1], url, date)
    return out


def _sources(iris, sources: dict[str, Source]) -> tuple[Source, ...]:
    return tuple(sources.get(i) or Source(i, i.rsplit("/", 1)[-1]) for i in sorted(set(iris)))


def organisation_profile(store: Store, iri: str) -> Profile:
    """The profile of ``iri``; raises GraphError when the data does not know it."""
    try:
        org = checked_iri(iri, field="organisation")
    except ValueError as exc:
        raise GraphError(f"{iri}: no such organisation in the data ({exc})") from None
    _, rows = store.select_values(internal_query("get_profile_facts"), {"org": org})
    if not rows:
        raise GraphError(f"{iri}: no such organisation in the data")
    sources = source_map(store)
    first = rows[0]
    alt, served, src, parents, ids = [], {}, set(), {}, []
    synthetic = False
    for r in rows:
        (_, _, _, a, _, _, _, _, _, _, sv, sv_label, nip, regon, krs, url, parent, parent_label, syn, s) = r
        if a and a not in alt:
            alt.append(a)
        if sv:
            served[sv] = sv_label or local(sv, TERC) or sv
        if s:
            src.add(s)
        if parent:
            parents[parent] = parent_label or parent
        for name, value in (("NIP", nip), ("REGON", regon), ("KRS", krs), ("www", url)):
            if value and (name, value) not in ids:
                ids.append((name, value))
        synthetic = synthetic or syn == "true"
    typ, label, label_en, _, kind, kind_pl, kind_en, sector, loc, loc_label = first[:10]

    _, tie_rows = store.select_values(internal_query("list_profile_ties"), {"org": org})
    ties: dict[tuple[str, str], dict] = {}
    for tie, direction, k, k_pl, k_en, other, o_label, o_label_en, start, end, ub, comment, s, eb in tie_rows:
        key = (tie, direction)
        entry = ties.setdefault(
            key,
            dict(tie=tie, direction=direction, kind=local(k, EST) or k, kind_pl=k_pl or "", kind_en=k_en or k_pl or "", other=other,
                 other_label=o_label or o_label_en or other, other_label_en=o_label_en or o_label or other, start=start, end=end,
                 start_bound=ub, end_bound=eb, comment=comment, sources=set()),
        )  # fmt: skip
        if s:
            entry["sources"].add(s)
    tie_list = [TieRow(**{**e, "sources": _sources(e["sources"], sources)}) for e in ties.values()]
    tie_list.sort(key=lambda r: (r.direction != "out", r.start or "9999", r.kind, r.other_label, r.tie))

    _, m_rows = store.select_values(internal_query("list_profile_memberships"), {"org": org})
    posts: dict[str, dict] = {}
    members: dict[str, dict] = {}
    for m, member, name, target, target_label, role, role_pl, role_en, start, end, s, side, sb, eb in m_rows:
        role_name = (role or "").rsplit("/", 1)[-1]
        if side == "post":
            e = posts.setdefault(
                m,
                dict(
                    person=member,
                    name=name or member,
                    role=role_name,
                    role_pl=role_pl or role_name,
                    role_en=role_en or role_pl or role_name,
                    start=start,
                    end=end,
                    start_bound=sb,
                    end_bound=eb,
                    sources=set(),
                ),
            )
        else:
            e = members.setdefault(m, dict(membership=m, agreement=target, agreement_label=target_label or target, role=role_name, role_pl=role_pl or role_name, role_en=role_en or role_pl or role_name, start=start, end=end, start_bound=sb, end_bound=eb, sources=set()))  # fmt: skip
        if s:
            e["sources"].add(s)
    post_list = sorted(
        (Post(**{**e, "sources": _sources(e["sources"], sources)}) for e in posts.values()), key=lambda p: (p.start or "", p.name, p.person, p.role)
    )
    member_list = sorted(
        (MembershipRow(**{**e, "sources": _sources(e["sources"], sources)}) for e in members.values()),
        key=lambda p: (p.start or "", p.agreement, p.membership),
    )

    _, life = store.select_values(internal_query("get_profile_lifetime"), {"org": org})
    founded, fbound, dissolved, dbound = life[0] if life else (None, None, None, None)
    return Profile(
        iri=iri,
        founded=founded,
        founded_bound=fbound,
        dissolved=dissolved,
        dissolved_bound=dbound,
        label=label or label_en or iri,
        label_en=label_en or label or iri,
        alt=tuple(sorted(alt)),  # a defined order, whatever order the store answers in
        type=typ,
        kind=local(kind, ESK),
        kind_pl=kind_pl,
        kind_en=kind_en,
        sector=local(sector, ESK),
        gmina=local(loc, TERC),
        gmina_label=loc_label,
        area_served=tuple(sorted(served.values())),
        identifiers=tuple(sorted(ids, key=lambda x: (("NIP", "REGON", "KRS", "www").index(x[0]), x[1]))),
        parent=tuple(sorted(parents.items())),
        synthetic=synthetic,
        sources=_sources(src, sources),
        posts=tuple(post_list),
        memberships=tuple(member_list),
        ties=tuple(tie_list),
    )
