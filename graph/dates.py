"""Dates as the sources give them: to the day, the month or the year, or only
as a bound ("not later than D" / "not earlier than D"), and the one rule by
which every as-of view counts a dated thing (docs/adr/0006-date-precision.md).

A date is a literal whose datatype is its precision: ``xsd:date``
("2017-01-30", day), ``xsd:gYearMonth`` ("2017-01", month) or ``xsd:gYear``
("2017", year).  Beside it an optional bound (``es:startBound``,
``es:endBound``, ``es:foundingBound``, ``es:dissolutionBound``) says that the
source gives only a limit: ``es:notLaterThan`` or ``es:notEarlierThan``.

As of a day D a thing counts only from the last day its beginning may
have happened, at the precision the source gives (:func:`holds`):

* a beginning on a day counts from that day; in a month or a year, from
  the next month or year (2017-01 counts from 2017-02-01);
* an end on a day counts through that day; in a month or a year, up to
  that month or year, excluded (2018 counts through 2017-12-31).

A bound does not move these days: "in force by 2017-01-20 at the latest"
(``es:notLaterThan``) counts from 2017-01-20, never before; "still in force
on D" (an end ``es:notEarlierThan``) through D.  The bound changes how the
date is shown ("najpóźniej od 2017-01-20" / "by 2017-01-20 at the latest"),
never which day a view starts counting.

The same rule is written once in SPARQL (:func:`holds_sparql`) for the queries
that filter inside the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "NOT_LATER_THAN",
    "NOT_EARLIER_THAN",
    "DatePoint",
    "precision",
    "begins_by",
    "ends_after",
    "holds",
    "holds_sparql",
    "first_day",
    "change_day",
    "format_date",
    "MONTHS_PL_GENITIVE",
    "MONTHS_EN",
]

_DEF = "https://w3id.org/es-pl/def#"
NOT_LATER_THAN = _DEF + "notLaterThan"
NOT_EARLIER_THAN = _DEF + "notEarlierThan"

_MONTHS_PL = (
    "styczeń",
    "luty",
    "marzec",
    "kwiecień",
    "maj",
    "czerwiec",
    "lipiec",
    "sierpień",
    "wrzesień",
    "październik",
    "listopad",
    "grudzień",
)
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    # an xsd:date may carry a time zone ("2017-01-20Z"); a gYear "2017Z"
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return text[:10]
    if len(text) >= 7 and text[4] == "-" and text[5:7].isdigit():
        return text[:7]
    return text[:4]


def precision(value) -> str | None:
    """``day``, ``month`` or ``year`` of a date literal's text (None for none).

    >>> precision("2017-01-30"), precision("2017-01"), precision("2017")
    ('day', 'month', 'year')
    """
    text = _text(value)
    if text is None:
        return None
    return {10: "day", 7: "month"}.get(len(text), "year")


def first_day(value) -> dt.date | None:
    """The first day of the period a date literal names ("2017-01" -> 2017-01-01)."""
    text = _text(value)
    if text is None:
        return None
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    if len(text) == 7:
        return dt.date(int(text[:4]), int(text[5:7]), 1)
    return dt.date(int(text[:4]), 1, 1)


def change_day(value, role: str = "start") -> str | None:
    """The day (YYYY-MM-DD) on which a dated thing starts to count (``role`` start)
    or, for an end known to the month or year, stops counting: a stop of the
    as-of slider.  A day is itself.

    >>> change_day("2017-01"), change_day("2017-12"), change_day("2018"), change_day("2018", "end")
    ('2017-02-01', '2018-01-01', '2019-01-01', '2018-01-01')
    """
    text = _text(value)
    if text is None:
        return None
    day = first_day(text)
    if len(text) == 10 or role == "end":
        return day.isoformat()
    if len(text) == 7:
        return (dt.date(day.year + 1, 1, 1) if day.month == 12 else dt.date(day.year, day.month + 1, 1)).isoformat()
    return dt.date(day.year + 1, 1, 1).isoformat()


def begins_by(start, bound, day: str) -> bool:
    """Does a thing beginning at ``start`` count on ``day`` (YYYY-MM-DD)?  ``bound`` is shown, not counted."""
    text = _text(start)
    if text is None:
        return True
    if len(text) == 10:
        return text <= day
    return day[: len(text)] > text


def ends_after(end, bound, day: str) -> bool:
    """Does a thing ending at ``end`` still count on ``day``?  ``bound`` is shown, not counted."""
    text = _text(end)
    if text is None:
        return True
    if len(text) == 10:
        return text >= day
    return day[: len(text)] < text


def holds(start, start_bound, end, end_bound, day: str | None) -> bool:
    """Does a tie, membership, post or organisation count on ``day`` (None: every day)?

    >>> holds("2017-01-20", NOT_LATER_THAN, None, None, "2017-01-19")
    False
    >>> holds("2017-01-20", NOT_LATER_THAN, None, None, "2017-01-20")
    True
    >>> holds("2017-01", None, None, None, "2017-01-31"), holds("2017-01", None, None, None, "2017-02-01")
    (False, True)
    >>> holds("2016-09-01", None, "2019-08-31", None, "2019-09-01")
    False
    >>> holds("2018", None, "2021-11-23", None, "2018-06-01"), holds(None, None, "2018", None, "2017-12-31")
    (False, True)
    """
    if day is None:
        return True
    return begins_by(start, start_bound, day) and ends_after(end, end_bound, day)


def _begins_sparql(start: str, date: str) -> str:
    s = f"STR({start})"
    return f"(!BOUND({start}) || IF(STRLEN({s}) >= 10, SUBSTR({s}, 1, 10) <= {date}, SUBSTR({date}, 1, STRLEN({s})) > {s}))"


def _ends_sparql(end: str, date: str) -> str:
    e = f"STR({end})"
    return f"(!BOUND({end}) || IF(STRLEN({e}) >= 10, SUBSTR({e}, 1, 10) >= {date}, SUBSTR({date}, 1, STRLEN({e})) < {e}))"


def holds_sparql(start: str = "?start", end: str = "?end", date: str = "?date") -> str:
    """The SPARQL expression of :func:`holds` over the given variables (``date`` a plain ``YYYY-MM-DD`` string).

    The variables come from ``OPTIONAL`` patterns; unbound means "no such date".

    >>> "SUBSTR(?date, 1, STRLEN(STR(?start))) > STR(?start)" in holds_sparql()
    True
    """
    return f"({_begins_sparql(start, date)} && {_ends_sparql(end, date)})"


@dataclass(frozen=True)
class DatePoint:
    """A date as the source gives it: its text (day, month or year) and bound (IRI or None)."""

    value: str | None
    bound: str | None = None

    @property
    def precision(self) -> str | None:
        return precision(self.value)

    def text(self, lang: str = "pl", *, role: str = "start") -> str:
        return format_date(self.value, self.bound, lang, role=role)


MONTHS_PL_GENITIVE = (
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
)


def _period(text: str, lang: str, genitive: bool = False) -> str:
    if len(text) == 7:
        month = int(text[5:7])
        names = (MONTHS_PL_GENITIVE if genitive else _MONTHS_PL) if lang == "pl" else MONTHS_EN
        return f"{names[month - 1]} {text[:4]}"
    return text


#: The phrases around a date; the dashboard passes its own from ui/strings (dates.toml).
DATE_PHRASES = {
    "pl": {"start_not_later": "najpóźniej od {d}", "start_not_earlier": "nie wcześniej niż od {d}",
           "end_not_later": "najpóźniej do {d}", "end_not_earlier": "co najmniej do {d}",
           "not_later": "{d} (najpóźniej)", "not_earlier": "{d} (nie wcześniej)"},
    "en": {"start_not_later": "by {d} at the latest", "start_not_earlier": "not before {d}",
           "end_not_later": "until {d} at the latest", "end_not_earlier": "at least until {d}",
           "not_later": "{d} at the latest", "not_earlier": "not before {d}"},
}  # fmt: skip


def format_date(value, bound=None, lang: str = "pl", *, role: str = "start", phrases: dict | None = None, preposition: bool = False) -> str:
    """A date in words with its precision and bound: "2017-01-30", "styczeń 2017",
    "najpóźniej od 2017-01-20" / "by 2017-01-20 at the latest".

    ``role`` is ``start`` (a beginning), ``end`` or ``point`` (a single event);
    ``preposition`` words a plain start or end as "od …"/"since …", "do …"/"until …".

    >>> format_date("2017-01-20", NOT_LATER_THAN, "pl"), format_date("2017-01", None, "en")
    ('najpóźniej od 2017-01-20', 'January 2017')
    >>> format_date("2017-08", NOT_LATER_THAN, "pl"), format_date("2017-01", None, "pl")
    ('najpóźniej od sierpnia 2017', 'styczeń 2017')
    >>> format_date("2019-06", None, "pl", preposition=True), format_date("2018", None, "en", role="end", preposition=True)
    ('od czerwca 2019', 'until 2018')
    """
    text = _text(value)
    if text is None:
        return ""
    lang = "pl" if lang == "pl" else "en"
    b = str(bound or "")
    if b not in (NOT_LATER_THAN, NOT_EARLIER_THAN):
        if preposition and role in ("start", "end"):
            word = {("pl", "start"): "od", ("pl", "end"): "do", ("en", "start"): "since", ("en", "end"): "until"}[(lang, role)]
            return f"{word} {_period(text, lang, genitive=True)}"
        return _period(text, lang)
    table = phrases or DATE_PHRASES[lang]
    which = "not_later" if b == NOT_LATER_THAN else "not_earlier"
    key = f"{role}_{which}" if role in ("start", "end") else which
    # Polish "od"/"do" govern the genitive: "najpóźniej od stycznia 2017"
    return table.get(key, "{d}").format(d=_period(text, lang, genitive=role in ("start", "end")))
