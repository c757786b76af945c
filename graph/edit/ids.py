"""Polish register identifiers: NIP, REGON (9 and 14 digits) and KRS.

Each ``check_*`` function takes what a person typed (spaces, hyphens and a
``PL`` prefix on a NIP are allowed), returns the identifier as plain digits,
or raises :class:`IdentifierError` saying what is wrong in Polish and English.

* NIP: 10 digits; weights 6 5 7 2 3 4 5 6 7, sum mod 11 is the last digit
  (a remainder of 10 never occurs in a valid NIP).
* REGON: 9 digits, weights 8 9 2 3 4 5 6 7; or 14 digits, weights
  2 4 8 5 0 9 7 3 6 1 2 4 8, whose first 9 digits are a valid REGON too; sum
  mod 11, a remainder of 10 counts as 0.
* KRS: 10 digits (leading zeros kept); the KRS number has no check digit, so
  only its form is checked.

>>> check_nip("123-456-32-18")
'1234563218'
>>> check_regon("123456785")
'123456785'
>>> check_krs("12345")
'0000012345'
>>> check_nip("1234563219")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
IdentifierError: NIP: zła cyfra kontrolna (oczekiwano 8) / NIP: wrong check digit (expected 8)
"""

from __future__ import annotations

import re

__all__ = ["IdentifierError", "check_nip", "check_regon", "check_krs", "CHECKS"]

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
_REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
_SEPARATORS = re.compile(r"[\s\-./]")


class IdentifierError(ValueError):
    """An identifier that is malformed or fails its check digit."""

    def __init__(self, name: str, pl: str, en: str):
        self.name = name
        self.message_pl = f"{name}: {pl}"
        self.message_en = f"{name}: {en}"
        super().__init__(f"{self.message_pl} / {self.message_en}")


def _digits(value: str, name: str, lengths: tuple[int, ...]) -> str:
    text = _SEPARATORS.sub("", str(value))
    if not text:
        raise IdentifierError(name, "puste", "empty")
    if not text.isascii() or not text.isdigit():
        raise IdentifierError(name, f"dozwolone są tylko cyfry: {value!r}", f"only digits are allowed: {value!r}")
    if len(text) not in lengths:
        want = " lub ".join(map(str, lengths))
        want_en = " or ".join(map(str, lengths))
        raise IdentifierError(name, f"ma {len(text)} cyfr, powinno mieć {want}", f"has {len(text)} digits, should have {want_en}")
    return text


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11


def check_nip(value: str) -> str:
    """A NIP (tax number) as 10 digits, or IdentifierError."""
    text = str(value).strip()
    if text[:2].upper() == "PL":
        text = text[2:]
    digits = _digits(text, "NIP", (10,))
    expected = _weighted(digits, _NIP_WEIGHTS)
    if expected == 10:
        raise IdentifierError("NIP", "nie istnieje (suma kontrolna daje 10)", "cannot exist (the checksum gives 10)")
    if int(digits[9]) != expected:
        raise IdentifierError("NIP", f"zła cyfra kontrolna (oczekiwano {expected})", f"wrong check digit (expected {expected})")
    return digits


def _regon_digit(digits: str, weights: tuple[int, ...]) -> int:
    return _weighted(digits, weights) % 10  # a remainder of 10 counts as 0


def check_regon(value: str) -> str:
    """A REGON (statistical number) of 9 or 14 digits, or IdentifierError."""
    digits = _digits(value, "REGON", (9, 14))
    expected9 = _regon_digit(digits[:9], _REGON9_WEIGHTS)
    if int(digits[8]) != expected9:
        raise IdentifierError(
            "REGON",
            f"zła cyfra kontrolna na 9. pozycji (oczekiwano {expected9})",
            f"wrong check digit at position 9 (expected {expected9})",
        )
    if len(digits) == 14:
        expected14 = _regon_digit(digits, _REGON14_WEIGHTS)
        if int(digits[13]) != expected14:
            raise IdentifierError(
                "REGON",
                f"zła cyfra kontrolna na 14. pozycji (oczekiwano {expected14})",
                f"wrong check digit at position 14 (expected {expected14})",
            )
    return digits


def check_krs(value: str) -> str:
    """A KRS number as 10 digits (shorter input is padded with leading zeros).

    The KRS number carries no check digit; a number of zeros only is refused.
    """
    text = _SEPARATORS.sub("", str(value))
    if text.upper().startswith("KRS"):
        text = text[3:]
    if len(text) > 10 and text.isdigit():
        raise IdentifierError("KRS", f"ma {len(text)} cyfr, najwyżej 10", f"has {len(text)} digits, at most 10")
    digits = _digits(text, "KRS", tuple(range(1, 11)))
    digits = digits.zfill(10)
    if not int(digits):
        raise IdentifierError("KRS", "numer nie może składać się z samych zer", "the number cannot be all zeros")
    return digits


#: field name -> check function
CHECKS = {"nip": check_nip, "regon": check_regon, "krs": check_krs}
