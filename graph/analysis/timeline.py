"""Time: the network as of a date, and the change between two dates.

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

import pyoxigraph as ox

from ..dates import format_date, holds_sparql
from ..model import ES, EST, ORG
from ..store import OxigraphStore, Store
from ..terms import to_oxigraph
from ..wording import number
from .errors import InvalidDate
from .findings import Finding, Resource
from .network import organisation_graph, resource

__all__ = ["parse_date", "iso", "snapshot_store", "INVALID_QUERY", "TIE_KIND_QUERY", "Diff", "diff_report"]

_HOLDS = holds_sparql("?start", "?end", "?date")
_EXISTS = holds_sparql("?founded", "?dissolved", "?date")

#: Ties and memberships that do not hold on ?date (graph.dates.holds), with the plain triple of each tie.
INVALID_QUERY = f"""
SELECT ?x ?from ?p ?to WHERE {{
  {{ ?x a es:Tie . OPTIONAL {{ ?x es:tieFrom ?from ; es:tieTo ?to ; es:tieKind/es:directProperty ?p }} }}
  UNION {{ ?x a org:Membership }}
  OPTIONAL {{ ?x es:startDate ?start }}
  OPTIONAL {{ ?x es:endDate ?end }}
  FILTER (!{_HOLDS})
}}
"""

#: Ties that hold on ?date (to keep a plain triple another valid tie still stands for).
VALID_TIE_QUERY = f"""
SELECT ?from ?p ?to WHERE {{
  ?x a es:Tie ; es:tieFrom ?from ; es:tieTo ?to ; es:tieKind/es:directProperty ?p .
  OPTIONAL {{ ?x es:startDate ?start }}
  OPTIONAL {{ ?x es:endDate ?end }}
  FILTER ({_HOLDS})
}}
"""

#: Organisations (and agreements) that do not exist on ?date: not yet founded or already dissolved.
ABSENT_QUERY = f"""
SELECT DISTINCT ?x WHERE {{
  ?x schema:foundingDate|schema:dissolutionDate ?any .
  OPTIONAL {{ ?x schema:foundingDate ?founded }}
  OPTIONAL {{ ?x schema:dissolutionDate ?dissolved }}
  FILTER (!{_EXISTS})
}}
"""


def parse_date(value: dt.date | str | None, *, field: str = "date") -> dt.date | None:
    """A date from a ``date``, ``YYYY-MM-DD`` or ``today``; None stays None.

    >>> parse_date("2017-01-20")
    datetime.date(2017, 1, 20)
    >>> parse_date("2017-02-30", field="--as-of")
    Traceback (most recent call last):
    ...
    graph.analysis.errors.InvalidDate: --as-of: '2017-02-30' is not a date (use YYYY-MM-DD, e.g. 2017-01-20, or 'today')
    """
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = str(value).strip()
    if text.lower() in {"today", "dzis", "dziś"}:
        return dt.date.today()
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidDate(f"{field}: {text!r} is not a date (use YYYY-MM-DD, e.g. 2017-01-20, or 'today')") from None


def iso(value: dt.date | str | None, *, field: str = "date") -> str | None:
    """``YYYY-MM-DD`` of a date given in any form :func:`parse_date` takes."""
    d = parse_date(value, field=field)
    return None if d is None else d.isoformat()


def snapshot_store(store: Store, as_of: dt.date | str | None) -> Store:
    """A store as of ``as_of`` (None: ``store`` itself): without the
    organisations that do not exist then (every triple about or pointing at
    them), and without the ties and memberships that do not hold then or
    touch such an organisation.

    The plain triple of a left-out tie (``eso:a es:funds eso:b``) goes too,
    unless another tie valid on that date stands for it.  The copy is an
    in-memory Oxigraph store; ``store`` is unchanged.
    """
    day = iso(as_of, field="as_of")
    if day is None:
        return store
    import rdflib

    bind = {"date": rdflib.Literal(day)}
    _, invalid = store.select_values(INVALID_QUERY, bind)
    _, absent_rows = store.select_values(ABSENT_QUERY, bind)
    absent = {x for (x,) in absent_rows}
    if not invalid and not absent:
        return store
    _, valid = store.select_values(VALID_TIE_QUERY, bind)
    keep = {(f, p, t) for f, p, t in valid if f not in absent and t not in absent}
    drop_subjects = {x for x, *_ in invalid} | absent
    drop_plain = {(f, p, t) for _, f, p, t in invalid if p and (f, p, t) not in keep}
    if isinstance(store, OxigraphStore):
        with store.lock:
            quads = list(store.ox)
    else:
        quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in store.to_graph()]

    if absent:
        # a tie or membership with an end that does not exist goes with it
        touching = {q.subject.value for q in quads if getattr(q.object, "value", None) in absent and q.predicate.value in _ENDS}
        drop_subjects |= touching

    def kept(q: ox.Quad) -> bool:
        s = q.subject.value
        if s in drop_subjects:
            return False
        o = getattr(q.object, "value", None)
        if o in absent:
            return False
        return not drop_plain or (s, q.predicate.value, o) not in drop_plain

    fresh = ox.Store()
    fresh.extend([q for q in quads if kept(q)])
    return OxigraphStore(fresh)


_ENDS = {str(ES.tieFrom), str(ES.tieTo), str(ORG.member), str(ORG.organization)}

TIE_KIND_QUERY = """
SELECT ?kind ?pl ?en WHERE {
  ?kind skos:inScheme est:scheme .
  OPTIONAL { ?kind skos:prefLabel ?pl FILTER(lang(?pl) = "pl") }
  OPTIONAL { ?kind skos:prefLabel ?en FILTER(lang(?en) = "en") }
}
"""


def tie_kind_labels(store: Store) -> dict[str, tuple[str, str]]:
    """Tie-kind notation -> (Polish, English) label, from the vocabulary."""
    from .projection import local

    _, rows = store.select_values(TIE_KIND_QUERY)
    return {k: (pl or k, en or pl or k) for iri, pl, en in rows if (k := local(iri, EST))}


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
    from .metrics import betweenness

    h = organisation_graph(g)
    b = betweenness(h, seed=seed)
    return sorted(((v, x) for v, x in b.items() if x > 0), key=lambda t: (-t[1], t[0]))[:top]


def diff_report(store: Store, date1: dt.date | str, date2: dt.date | str, *, top: int = 10, seed: int = 0, expectations=None) -> Diff:
    """Who joined and left, ties new and ended, change in coverage, brokers and gaps.

    ``date1`` must not be after ``date2``; both are ``YYYY-MM-DD`` (or
    ``today``), else :class:`~graph.analysis.errors.InvalidDate`.
    """
    import pandas as pd

    from ..overview import MEMBER_ROLES
    from .expectations import EXPECTATIONS_FILE, check_expectations, load_expectations
    from .gaps import COVERAGE_COLUMNS, COVERAGE_LABELS, coverage, pes_kinds
    from .projection import to_networkx

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
