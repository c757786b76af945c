"""Dates of the analysis: parsing what a user types, and the data as of a date.

The primitives every part of the analysis shares (the projection, the gap
report, expectations and the timeline), in a module that imports none of
them, so no import circle runs through time.  The one as-of rule is
:func:`graph.dates.holds` (precision and bounds, see
docs/adr/0006-date-precision.md); the queries below are composed from its
SPARQL form, :func:`graph.dates.holds_sparql`, with ``?date`` bound.
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from ..dates import holds_sparql
from ..model import ES, ORG
from ..store import OxigraphStore, Store
from ..terms import to_oxigraph
from .errors import InvalidDate

__all__ = ["parse_date", "iso", "snapshot_store", "INVALID_QUERY", "VALID_TIE_QUERY", "ABSENT_QUERY"]

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
