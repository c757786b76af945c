"""Time: the change between two dates (the date primitives, :func:`parse_date`,
:func:`iso` and :func:`snapshot_store`, are in :mod:`graph.analysis.dates`).

The one as-of rule is :func:`graph.dates.holds` (precision and bounds, see
docs/adr/0006-date-precision.md): an organisation counts while it exists
(``schema:foundingDate``/``schema:dissolutionDate``), a tie, membership or
post while it holds and both its ends exist.  :func:`snapshot_store` (for
the SPARQL-based views: expectations, catalogue queries) and
:func:`graph.analysis.projection.to_networkx` (for the networkx views) apply
the same rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..dates import format_date
from ..store import Store
from ..views.overview import MEMBER_ROLES
from ..vocabulary import load_vocabulary
from ..wording import number
from .dates import iso, parse_date, snapshot_store
from .errors import InvalidDate
from .expectations import EXPECTATIONS_FILE, check_expectations, load_expectations
from .findings import Finding, Resource
from .gaps import COVERAGE_COLUMNS, COVERAGE_LABELS, coverage, pes_kinds
from .metrics import betweenness
from .network import organisation_graph, resource
from .projection import to_networkx

__all__ = ["parse_date", "iso", "snapshot_store", "Diff", "diff_report"]  # the first three from .dates




def tie_kind_labels(store: Store) -> dict[str, tuple[str, str]]:
    """Tie-kind notation -> (Polish, English) label, from the vocabulary."""
    return load_vocabulary(store).labels("tie_kind")


@dataclass(frozen=True)
class Diff:
    """The change between two dates, as findings of category ``change``.

    Codes: ``joined`` / ``left`` (memberships of an agreement), ``tie-new`` /
    ``tie-ended``, ``coverage-change`` (a gmina's counts), ``broker-in`` /
    ``broker-out`` (the top brokers by betweenness), ``gap-new`` /
    ``gap-resolved`` (expectation findings).  ``coverage`` holds the changed
    cells (gmina, column, before, after); ``brokers`` the top brokers on each
    date.
    """

    date1: str
    date2: str
    findings: tuple[Finding, ...]
    coverage: object = None  # pandas.DataFrame
    brokers: dict = field(default_factory=dict)

    def of(self, code: str) -> tuple[Finding, ...]:
        """The findings with ``code``."""
        return tuple(f for f in self.findings if f.code == code)


def _change(code, resources, pl, en, basis=(), **data) -> Finding:
    return Finding("change", code, "info", tuple(resources), pl, en, tuple(basis), tuple(sorted(data.items())))


def _top_brokers(g, top: int, seed: int) -> list[tuple[str, float]]:
    h = organisation_graph(g)
    b = betweenness(h, seed=seed)
    return sorted(((v, x) for v, x in b.items() if x > 0), key=lambda t: (-t[1], t[0]))[:top]


def diff_report(store: Store, date1: dt.date | str, date2: dt.date | str, *, top: int = 10, seed: int = 0, expectations=None) -> Diff:
    """Who joined and left, ties new and ended, change in coverage, brokers and gaps.

    ``date1`` must not be after ``date2``; both are ``YYYY-MM-DD`` (or
    ``today``), else :class:`~graph.analysis.errors.InvalidDate`.
    """
    import pandas as pd


    d1, d2 = iso(date1, field="DATE1"), iso(date2, field="DATE2")
    if d1 is None or d2 is None:
        raise InvalidDate("diff needs two dates")
    if d1 > d2:
        raise InvalidDate(f"DATE1 {d1} is after DATE2 {d2}; give the earlier date first")
    shapes = load_expectations(expectations or EXPECTATIONS_FILE)
    g1 = to_networkx(store, as_of=d1, include_memberships=True)
    g2 = to_networkx(store, as_of=d2, include_memberships=True)
    kinds = tie_kind_labels(store)
    out: list[Finding] = []

    def edges(g):
        return {k: (u, v, d) for u, v, k, d in g.edges(keys=True, data=True)}

    e1, e2 = edges(g1), edges(g2)
    for code, keys, g in (("joined", e2.keys() - e1.keys(), g2), ("left", e1.keys() - e2.keys(), g1)):
        for k in sorted(keys, key=lambda k: (resource(g, e2.get(k, e1.get(k))[0]).label, k)):
            u, v, d = e2.get(k) or e1[k]
            if d.get("kind") != "membership" or (d.get("role") or "").rsplit("/", 1)[-1] not in MEMBER_ROLES:
                continue  # initiators and supporters neither join nor leave: they are not members
            ru, rv = resource(g, u), resource(g, v)
            verb = ("dołącza do", "joins") if code == "joined" else ("odchodzi z", "leaves")
            out.append(
                _change(
                    code,
                    [ru, rv],
                    f"{ru.label} {verb[0]}: {rv.label}.",
                    f"{ru.label_en} {verb[1]}: {rv.label_en}.",
                    [k, *d.get("sources", [])],
                )
            )
    for code, keys, g in (("tie-new", e2.keys() - e1.keys(), g2), ("tie-ended", e1.keys() - e2.keys(), g1)):
        for k in sorted(keys, key=lambda k: (resource(g, (e2.get(k) or e1[k])[0]).label, k)):
            u, v, d = e2.get(k) or e1[k]
            if d.get("kind") in ("membership", "post"):
                continue
            ru, rv = resource(g, u), resource(g, v)
            kpl, ken = kinds.get(d.get("kind"), (d.get("kind"), d.get("kind")))
            role = "start" if code == "tie-new" else "end"
            when, bound = d.get(role), d.get(f"{role}_bound")
            head = ("Nowe powiązanie", "New tie") if code == "tie-new" else ("Zakończone powiązanie", "Ended tie")
            since = tuple(f" ({format_date(when, bound, lang, role=role, preposition=True)})" if when else "" for lang in ("pl", "en"))
            out.append(
                _change(
                    code,
                    [ru, rv],
                    f"{head[0]}: {ru.label} → {rv.label}, {kpl}{since[0]}.",
                    f"{head[1]}: {ru.label_en} → {rv.label_en}, {ken}{since[1]}.",
                    [k, *d.get("sources", [])],
                    kind=d.get("kind"),
                )
            )
    pes = pes_kinds(store)
    c1, c2 = coverage(g1, store, pes=pes), coverage(g2, store, pes=pes)
    cells = []
    for iri in c2.index.union(c1.index):
        for col in COVERAGE_COLUMNS:
            a = int(c1.at[iri, col]) if iri in c1.index else 0
            b = int(c2.at[iri, col]) if iri in c2.index else 0
            if a != b:
                label = c2.at[iri, "label"] if iri in c2.index else c1.at[iri, "label"]
                cells.append((iri, label, col, a, b))
    for iri, label, col, a, b in sorted(cells, key=lambda c: (c[1], c[0], COVERAGE_COLUMNS.index(c[2]))):
        r = Resource(iri, label, label)
        pl, en = COVERAGE_LABELS[col]
        out.append(
            _change("coverage-change", [r], f"{label}: {pl} {a} → {b}.", f"{label}: {en} {a} → {b}.", [iri], column=col, before=a, after=b)
        )
    b1, b2 = _top_brokers(g1, top, seed), _top_brokers(g2, top, seed)
    s1, s2 = {v for v, _ in b1}, {v for v, _ in b2}
    for v, x in b2:
        if v not in s1:
            r = resource(g2, v)
            out.append(
                _change(
                    "broker-in",
                    [r],
                    f"{r.label}: wchodzi do {top} głównych pośredników (pośrednictwo {number(x, 'pl', 3)}).",
                    f"{r.label_en}: enters the top {top} brokers (betweenness {number(x, 'en', 3)}).",
                    [v],
                    betweenness=round(x, 6),
                )
            )
    for v, x in b1:
        if v not in s2:
            r = resource(g1, v)
            out.append(
                _change(
                    "broker-out",
                    [r],
                    f"{r.label}: wypada z {top} głównych pośredników (było {number(x, 'pl', 3)}).",
                    f"{r.label_en}: leaves the top {top} brokers (was {number(x, 'en', 3)}).",
                    [v],
                    betweenness=round(x, 6),
                )
            )
    f1 = {(f.code, f.resources[0].iri): f for f in check_expectations(store, shapes, as_of=d1)}
    f2 = {(f.code, f.resources[0].iri): f for f in check_expectations(store, shapes, as_of=d2)}
    for key in sorted(f2.keys() - f1.keys(), key=lambda k: (k[0], f2[k].resources[0].label, k[1])):
        f = f2[key]
        out.append(_change("gap-new", f.resources, f"Nowa luka: {f.text_pl}", f"New gap: {f.text_en}", f.basis, rule=f.code))
    for key in sorted(f1.keys() - f2.keys(), key=lambda k: (k[0], f1[k].resources[0].label, k[1])):
        f = f1[key]
        out.append(_change("gap-resolved", f.resources, f"Luka zamknięta: {f.text_pl}", f"Gap closed: {f.text_en}", f.basis, rule=f.code))
    frame = pd.DataFrame(cells, columns=["gmina", "label", "column", "before", "after"])
    brokers = {d1: [(resource(g1, v), x) for v, x in b1], d2: [(resource(g2, v), x) for v, x in b2]}
    return Diff(d1, d2, tuple(out), frame, brokers)
