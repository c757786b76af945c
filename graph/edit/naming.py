"""Slugs for new IRIs and normalised names for finding likely duplicates.

>>> slugify("Spółdzielnia Socjalna „Starachowiczanka”")
'spoldzielnia-socjalna-starachowiczanka'
>>> normalise_name("  Fundacja  „PEStka” ") == normalise_name('fundacja "pestka"')
True
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slugify", "normalise_name", "MAX_SLUG"]

MAX_SLUG = 80
_POLISH = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss"})


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text).translate(_POLISH))
    return "".join(c for c in text if not unicodedata.combining(c)).encode("ascii", "ignore").decode()


def slugify(text: str, *, max_length: int = MAX_SLUG) -> str:
    """Lower-case ASCII words joined by hyphens (the local names of docs/data-model.md)."""
    words = re.findall(r"[a-z0-9]+", _ascii(text).lower())
    slug = "-".join(words)
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug


def normalise_name(text: str) -> str:
    """A name as compared for duplicates: case, accents, quotes, punctuation and spacing ignored."""
    return " ".join(re.findall(r"[a-z0-9]+", _ascii(text).lower()))
