"""Words and numbers as a reader expects them, in Polish and English.

One place for three things every report, the CLI and the dashboard use:

* :func:`count` - a number with its noun in the right form: 1 gmina,
  2 gminy, 5 gmin, 12 gmin, 22 gminy, 112 gmin; 1 organisation,
  2 organisations.  Polish has three forms (CLDR "one", "few", "many"):
  "one" for 1 only, "few" when the last digit is 2-4 and the last two are
  not 12-14, "many" otherwise (0, 5-21, 25-31, 112...).
* :func:`number` - decimal comma and a non-breaking space between thousands
  in Polish (0,250; 12 345), a point and commas in English (0.250; 12,345).
  As in CLDR (``minimumGroupingDigits`` = 2 for Polish) a four-digit Polish
  number is not grouped: 1531, 12 345.
* :func:`term` - the one word for a thing (``graph/glossary.toml``), e.g.
  "pojedyncze punkty awarii", never also "punkty krytyczne".
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from pathlib import Path

__all__ = ["GLOSSARY_FILE", "NBSP", "glossary", "plural_form", "count", "number", "term"]

GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary.toml"
#: The thousands separator of Polish numbers (no line break inside a number).
NBSP = "\u00a0"


@cache
def glossary() -> dict[str, dict[str, str]]:
    """``noun.<key>`` and ``term.<key>`` -> {"pl": ..., "en": ...} from the glossary file."""
    with GLOSSARY_FILE.open("rb") as fh:
        data = tomllib.load(fh)["glossary"]
    return {f"{section}.{key}": value for section, table in data.items() for key, value in table.items()}


def plural_form(n: int, lang: str = "pl") -> int:
    """Index of the form for ``n``: Polish 0 one, 1 few, 2 many; English 0 one, 1 other.

    >>> [plural_form(n) for n in (0, 1, 2, 5, 12, 22, 112, 124)]
    [2, 0, 1, 2, 2, 1, 2, 1]
    """
    n = abs(int(n))
    if lang == "en":
        return 0 if n == 1 else 1
    if n == 1:
        return 0
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return 1
    return 2


def _forms(noun: str, lang: str) -> list[str]:
    entry = glossary().get(f"noun.{noun}") if "|" not in noun else None
    text = (entry.get(lang) or entry["pl"]) if entry else noun
    forms = [f.strip() for f in text.split("|")]
    want = 2 if lang == "en" else 3
    return (forms + forms[-1:] * want)[:want]


def count(n: int, noun: str, lang: str = "pl", *, digits: bool = True) -> str:
    """``n`` with ``noun`` in the form ``n`` takes.

    ``noun``: a key of ``[glossary.noun]`` (``gmina``, ``organisation``...) or
    the forms themselves, ``"one|few|many"`` in Polish, ``"one|other"`` in
    English (phrases with a verb agree too: ``"organizacja traci|organizacje
    tracą|organizacji traci"``).  ``digits=False`` leaves the number out.

    >>> count(22, "gmina"), count(112, "gmina"), count(1, "organisation", "en"), count(12345, "tie")
    ('22 gminy', '112 gmin', '1 organisation', '12\\xa0345 powiązań')
    """
    word = _forms(noun, lang)[plural_form(n, lang)]
    return f"{number(n, lang)} {word}" if digits else word


def number(x, lang: str = "pl", digits: int | None = None) -> str:
    """``x`` as a reader of ``lang`` writes it; ``digits``: places after the decimal sign.

    Floats without ``digits`` get three places; None and NaN are "–".

    >>> number(0.25, "pl"), number(0.25, "en"), number(12345), number(1531), number(-1234567.5, "en", 1)
    ('0,250', '0.250', '12\\xa0345', '1531', '-1,234,567.5')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if hasattr(x, "item"):  # numpy scalars
        x = x.item()
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, float) or digits is not None:
        places = 3 if digits is None else digits
        text = f"{float(x):,.{places}f}"
    else:
        text = f"{int(x):,d}"
    if lang == "en":
        return text
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = body.partition(".")
    if len(whole.replace(",", "")) <= 4:  # CLDR pl: no grouping below 10 000
        whole = whole.replace(",", "")
    whole = whole.replace(",", NBSP)
    return sign + whole + ("," + frac if frac else "")


def term(key: str, lang: str = "pl") -> str:
    """The glossary's word for ``key`` (``[glossary.term]``) in ``lang``.

    >>> term("spof"), term("spof", "en")
    ('pojedyncze punkty awarii', 'single points of failure')
    """
    entry = glossary()[f"term.{key}"]
    return entry.get(lang) or entry["pl"]
