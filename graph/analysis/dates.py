"""Dates of the analysis: parsing what a user types, and the data as of a date.

The primitives every part of the analysis shares (the projection, the gap
report, expectations and the timeline), in a module that imports none of
them, so no import circle runs through time.  The one as-of rule is
:func:`graph.dates.holds` (precision and bounds, see
docs/adr/0006-date-precision.md); the as-of queries are internal queries
whose FILTER is its SPARQL form, :func:`graph.dates.holds_sparql`, written
out, with ``?date`` bound.
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from ..library import internal_query
from ..model import ES, ORG
from ..store import OxigraphStore, Store
from ..terms import to_oxigraph
from .errors import InvalidDate

__all__ = ["parse_date", "iso", "snapshot_store", "INVALID_QUERY", "VALID_TIE_QUERY", "ABSENT_QUERY", "AS_OF_RULES"]

#: The as-of queries (``graph/queries/internal/``, ``?date`` bound).  Their
#: FILTERs are the text of :func:`graph.dates.holds_sparql` written out (the
#: same rule each time, so a file, not composed here); tests/test_library.py
#: checks each file still holds that text.
INVALID_QUERY = "list_invalid_on_date"  # ties and memberships that do not hold on ?date
VALID_TIE_QUERY = "list_valid_ties_on_date"  # ties that hold on ?date
ABSENT_QUERY = "list_absent_on_date"  # organisations (and agreements) that do not exist on ?date
#: Each query's FILTER: graph.dates.holds_sparql over these variables.
AS_OF_RULES = {
    INVALID_QUERY: ("?start", "?end", "?date"),
    VALID_TIE_QUERY: ("?start", "?end", "?date"),
    ABSENT_QUERY: ("?founded", "?dissolved", "?date"),
}


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
    _, invalid = store.select_values(internal_query(INVALID_QUERY), bind)
    _, absent_rows = store.select_values(internal_query(ABSENT_QUERY), bind)
    absent = {x for (x,) in absent_rows}
    if not invalid and not absent:
        return store
    _, valid = store.select_values(internal_query(VALID_TIE_QUERY), bind)
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
