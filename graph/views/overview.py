"""The partnership at a glance: members by kind and sector, ties by kind,
the agreement's signatories and later joiners, organisations by gmina.

Tables are pandas DataFrames with plain values, so the dashboard shows them
as they are and a test can compare them.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from ..analysis.projection import local, node_attrs
from ..library import internal_query
from ..model import ESK, ESROLE
from ..store import Store

__all__ = [
    "agreement_timeline",
    "timeline_records",
    "timeline_frame",
    "counts_by",
    "ties_by_kind",
    "gmina_grid",
    "finding_rows",
    "findings_about",
    "JOINED_START",
    "JOINED_LATER",
    "NOT_MEMBER",
    "MEMBER_ROLES",
    "first_members",
    "later_members",
    "non_members",
    "agreements",
    "agreement_table",
]

JOINED_START = "start"
JOINED_LATER = "later"
#: ``joined`` of an initiator or supporter: shown as such, never a member
NOT_MEMBER = "not_member"
#: Roles that make an agent a member of an agreement (signed it at the start
#: or joined later by signing); initiators and supporters are not members.
MEMBER_ROLES = ("signatory",)

TIMELINE_COLUMNS = (
    "agreement", "agreement_label", "membership", "member", "label", "label_en", "kind",
    "role", "role_pl", "role_en", "start", "start_bound", "end", "joined",
)  # fmt: skip


def agreement_timeline(store: Store) -> pd.DataFrame:
    """Everyone tied to every agreement, by date: who signed at the start,
    who joined later, and the initiators and supporters (never members).

    ``joined`` is ``start`` for members (roles :data:`MEMBER_ROLES`) whose
    membership starts on the first date of the agreement's members (or who
    have no date), ``later`` for the other members, and ``not_member`` for
    initiators and supporters.  ``start`` is the date text as the source gives
    it (day, month or year), ``start_bound`` its bound IRI or None
    (graph.dates).  Sorted by agreement, start date, label.
    """
    [rows] = store.select_many([internal_query("list_agreement_timeline")])  # an empty literal reads as none: the same rows
    return timeline_frame(timeline_records(rows).values())


def timeline_records(rows) -> dict[str, tuple]:
    """Membership IRI -> the values of a timeline row (the columns of :data:`TIMELINE_COLUMNS` but
    ``joined``), from rows of ``list_agreement_timeline`` (the first row of a membership counts)."""
    seen: dict[str, tuple] = {}
    for agreement, a_label, m, member, label, label_en, kind, role, role_pl, role_en, start, ub, end in rows:
        if m in seen:
            continue
        role_local = local(role, ESROLE)
        seen[m] = (
            agreement, a_label or agreement, m, member, label or label_en or member, label_en or label or member, local(kind, ESK),
            role_local or "", role_pl or role_local or "", role_en or role_pl or "",
            start[:10] if start else None, ub or None, end[:10] if end else None,
        )  # fmt: skip (the order of TIMELINE_COLUMNS)
    return seen


def timeline_frame(records) -> pd.DataFrame:
    """The timeline of :func:`agreement_timeline` from its records (:func:`timeline_records`):
    ``joined`` computed, rows sorted."""
    df = pd.DataFrame(list(records), columns=[c for c in TIMELINE_COLUMNS if c != "joined"])
    if df.empty:
        return pd.DataFrame(columns=list(TIMELINE_COLUMNS))
    # a member joined at the start unless its start is later than the first start of its agreement's members
    member = df["role"].isin(MEMBER_ROLES)
    first = df[member].dropna(subset=["start"]).groupby("agreement")["start"].min()
    start = df["start"]
    later = member & start.notna() & (start.fillna("") > df["agreement"].map(first).fillna(start).fillna(""))
    df["joined"] = [NOT_MEMBER if not m else JOINED_LATER if lt else JOINED_START for m, lt in zip(member, later)]
    # the membership last: one member's two roles come in a defined order, whatever the store's
    return df.sort_values(["agreement", "start", "label", "membership"], na_position="last").reset_index(drop=True)


def counts_by(g: nx.Graph | dict[str, dict], attr: str, vocab: dict | None = None) -> pd.DataFrame:
    """Organisations by ``kind`` or ``sector``: columns key, label_pl, label_en, count (largest first).
    ``g`` is a projection or the nodes of :func:`graph.analysis.projection.node_table`.

    Unnamed groups of signatories (no kind) count under the key ``group``;
    organisations without the attribute under ``""``.
    """
    counts: dict[str, int] = {}
    for attrs in node_attrs(g):
        if attrs.get("type") not in ("organisation", "group"):
            continue
        key = attrs.get(attr) or ("group" if attrs.get("type") == "group" else "")
        counts[key] = counts.get(key, 0) + 1
    names = (vocab or {}).get(attr, {})
    rows = [
        (key, names.get(key, {}).get("pl", key or "-"), names.get(key, {}).get("en", key or "-"), n)
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return pd.DataFrame(rows, columns=["key", "label_pl", "label_en", "count"])


def ties_by_kind(g: nx.Graph, vocab: dict | None = None, counts: dict[str, int] | None = None) -> pd.DataFrame:
    """Ties by tie kind: columns key, label_pl, label_en, count (memberships and posts left out).

    ``counts`` (kind -> ties), when given, stands for the edges of ``g``
    (:func:`graph.analysis.projection.node_table`: the first page counts ties
    before the network is built)."""
    if counts is None:
        counts = {}
        for _, _, kind in g.edges(data="kind"):
            if kind in ("membership", "post"):
                continue
            counts[kind or ""] = counts.get(kind or "", 0) + 1
    names = (vocab or {}).get("tie_kind", {})
    rows = [
        (key, names.get(key, {}).get("pl", key), names.get(key, {}).get("en", key), n)
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return pd.DataFrame(rows, columns=["key", "label_pl", "label_en", "count"])


def gmina_grid(g: nx.Graph | dict[str, dict], labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Gmina x sector: how many organisations are seated in each gmina (``g`` as for :func:`counts_by`).

    Index: TERC code; columns ``gmina`` (name), one per sector, ``total``.
    Gminy of ``labels`` with no organisation at all get a row of zeros when
    they belong to a powiat that has organisations (they are the gaps).
    """
    from ..model import SECTORS

    rows: dict[str, dict] = {}
    for attrs in node_attrs(g):
        if attrs.get("type") not in ("organisation", "group") or not attrs.get("gmina"):
            continue
        code = attrs["gmina"]
        row = rows.setdefault(code, {"gmina": attrs.get("gmina_label") or (labels or {}).get(code, code), **{s: 0 for s in SECTORS}})
        if attrs.get("sector") in SECTORS:
            row[attrs["sector"]] += 1
    if labels:
        powiaty = {code[:4] for code in rows}
        for code, name in labels.items():
            if len(code) == 7 and code[:4] in powiaty and code not in rows:
                rows[code] = {"gmina": name, **{s: 0 for s in SECTORS}}
    df = pd.DataFrame.from_dict(rows, orient="index", columns=["gmina", *SECTORS])
    df["total"] = df[list(SECTORS)].sum(axis=1)
    df.index.name = "terc"
    return df.sort_values(["gmina"]).astype({s: int for s in (*SECTORS, "total")})


_SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2}


def finding_rows(findings, lang: str = "pl") -> list[dict]:
    """Findings (or suggestions) as display rows, most serious first.

    Each row: severity, kind (``cooperation`` or ``data``), category, code, text (in ``lang``), the first
    resource's IRI and label (``iri``, ``label``), all labels (``about``),
    and ``score``/``reason`` for suggestions.
    """
    rows = []
    for f in findings or ():
        resources = tuple(getattr(f, "resources", ()) or ())
        first = resources[0] if resources else None
        rows.append(
            {
                "severity": f.severity,
                "kind": getattr(f, "kind", "cooperation"),
                "category": f.category,
                "code": f.code,
                "text": f.text(lang),
                "iri": first.iri if first else None,
                "label": first.label_in(lang) if first else "",
                "about": ", ".join(r.label_in(lang) for r in resources),
                "score": getattr(f, "score", None),
                "rule": getattr(f, "rule", None),
            }
        )
    rows.sort(key=lambda r: (_SEVERITY_ORDER.get(r["severity"], 9), -(r["score"] or 0), r["label"]))
    return rows


def findings_about(findings, iri: str) -> list:
    """The findings (or suggestions) that name ``iri`` among their resources."""
    return [f for f in findings or () if any(r.iri == iri for r in getattr(f, "resources", ()) or ())]


def first_members(timeline: pd.DataFrame) -> pd.DataFrame:
    """Rows of the timeline for the members who signed at the start (not initiators or supporters)."""
    return timeline[timeline["joined"] == JOINED_START] if not timeline.empty else timeline


def non_members(timeline: pd.DataFrame) -> pd.DataFrame:
    """Rows of the timeline for initiators and supporters: shown as such, never counted as members."""
    return timeline[timeline["joined"] == NOT_MEMBER] if not timeline.empty else timeline


def later_members(timeline: pd.DataFrame) -> pd.DataFrame:
    """Rows of the timeline for members who joined after the start."""
    return timeline[timeline["joined"] == JOINED_LATER] if not timeline.empty else timeline


def agreement_table(timeline: pd.DataFrame) -> pd.DataFrame:
    """One row per agreement of the timeline, in its order: ``agreement``,
    ``label``, ``first`` (the earliest start of a member, as the source gives
    it, or None), ``first_bound``, ``at_start`` and ``later`` (distinct members
    who signed at the start, who joined later).

    Vectorised: a national programme holds hundreds of agreements, and a loop
    over them took seconds per page view.
    """
    if timeline.empty:
        return pd.DataFrame(columns=["agreement", "label", "first", "first_bound", "at_start", "later"])
    order = timeline.drop_duplicates("agreement")[["agreement", "agreement_label"]].rename(columns={"agreement_label": "label"})
    dated = timeline[(timeline["joined"] != NOT_MEMBER) & timeline["start"].notna()]
    firsts = dated.sort_values("start", kind="stable").drop_duplicates("agreement").set_index("agreement")
    out = order.set_index("agreement")
    out["first"] = firsts["start"].reindex(out.index)
    out["first_bound"] = firsts["start_bound"].reindex(out.index)
    for col, joined in (("at_start", JOINED_START), ("later", JOINED_LATER)):
        out[col] = timeline[timeline["joined"] == joined].groupby("agreement")["member"].nunique().reindex(out.index, fill_value=0).astype(int)
    out = out.reset_index()
    return out.astype({"first": object, "first_bound": object}).where(out.notna(), None)


def agreements(timeline: pd.DataFrame) -> list[tuple[str, str, str | None, str | None]]:
    """``(IRI, label, as-of day, first date's bound)`` of each agreement in the timeline.

    The as-of day is the first day on which the first signatories count
    (graph.dates: "by 2017-01-20" counts from 2017-01-20, "2017-01" from
    2017-02-01), so a view on it shows them; the bound (an IRI or None)
    says how to word it.
    """
    import datetime as dt

    from ..dates import first_day, precision

    out = []
    for row in agreement_table(timeline).itertuples(index=False):
        if row.first is None:
            out.append((row.agreement, row.label, None, None))
            continue
        day = first_day(row.first)
        if precision(row.first) == "month":
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        elif precision(row.first) == "year":
            day = day.replace(year=day.year + 1)
        out.append((row.agreement, row.label, day.isoformat(), row.first_bound))
    return out
