"""Time: the network as of a date, and the change between two dates.

A tie or membership is valid on a date when it started on or before it (or
has no start) and did not end before it (or has no end), as in
:func:`graph.analysis.projection.to_networkx`.
"""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from ..store import OxigraphStore, Store
from ..terms import to_oxigraph
from .errors import InvalidDate

__all__ = ["parse_date", "iso", "snapshot_store", "INVALID_QUERY"]

#: Ties and memberships not valid on ?date, with the plain triple of each tie.
INVALID_QUERY = """
SELECT ?x ?from ?p ?to WHERE {
  { ?x a es:Tie . OPTIONAL { ?x es:tieFrom ?from ; es:tieTo ?to ; es:tieKind/es:directProperty ?p } }
  UNION { ?x a org:Membership }
  OPTIONAL { ?x es:startDate ?start }
  OPTIONAL { ?x es:endDate ?end }
  FILTER ((BOUND(?start) && STR(?start) > ?date) || (BOUND(?end) && SUBSTR(STR(?end), 1, 10) < ?date))
}
"""

#: Ties valid on ?date (to keep a plain triple another valid tie still stands for).
VALID_TIE_QUERY = """
SELECT ?from ?p ?to WHERE {
  ?x a es:Tie ; es:tieFrom ?from ; es:tieTo ?to ; es:tieKind/es:directProperty ?p .
  OPTIONAL { ?x es:startDate ?start }
  OPTIONAL { ?x es:endDate ?end }
  FILTER (!(BOUND(?start) && STR(?start) > ?date) && !(BOUND(?end) && SUBSTR(STR(?end), 1, 10) < ?date))
}
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
    """A store without the ties and memberships not valid on ``as_of`` (None: ``store`` itself).

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
    if not invalid:
        return store
    _, valid = store.select_values(VALID_TIE_QUERY, bind)
    keep = set(valid)
    drop_subjects = {x for x, *_ in invalid}
    drop_plain = {(f, p, t) for _, f, p, t in invalid if p and (f, p, t) not in keep}
    if isinstance(store, OxigraphStore):
        with store.lock:
            quads = list(store.ox)
    else:
        quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in store.to_graph()]

    def kept(q: ox.Quad) -> bool:
        s = q.subject.value
        if s in drop_subjects:
            return False
        return not drop_plain or (s, q.predicate.value, getattr(q.object, "value", None)) not in drop_plain

    fresh = ox.Store()
    fresh.extend([q for q in quads if kept(q)])
    return OxigraphStore(fresh)


class Diff:  # placeholder, replaced below
    pass


def diff_report(store, date1, date2, *, top=10):
    raise NotImplementedError
