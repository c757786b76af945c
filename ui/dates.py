"""Dates on the dashboard as the sources give them: "najpóźniej od 2017-01-20",
"styczeń 2017" / "by 2017-01-20 at the latest", "January 2017"
(:func:`graph.dates.format_date` with the phrases of ui/strings/dates.toml)."""

from __future__ import annotations

from graph.dates import format_date

from .i18n import lang, translate

__all__ = ["date_text"]

_KEYS = ("start_not_later", "start_not_earlier", "end_not_later", "end_not_earlier", "not_later", "not_earlier")


def date_text(value, bound=None, role: str = "start", language: str | None = None, preposition: bool = False) -> str:
    """``value`` (day, month or year text) with its ``bound`` IRI in words; "" for no date.

    ``preposition``: a plain start reads "od …"/"since …", a plain end "do …"/"until …".
    """
    language = language or lang()
    phrases = {k: translate(f"dates.{k}", language, d="{d}") for k in _KEYS}
    return format_date(value, bound, language, role=role, phrases=phrases, preposition=preposition)
