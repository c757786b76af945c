"""Names of nodes on a drawing: the full name, and a short one for the canvas.

A county's organisations have long names ("Regionalny Ośrodek Polityki
Społecznej Urzędu Marszałkowskiego Województwa Świętokrzyskiego"); drawn in
full they cover each other.  The short name is the shortest recorded
alternative name (``skos:altLabel``), an abbreviation with its seat
("GOPS Brody", since every gmina has a GOPS), or the name cut at a word.
The full name stays in the tooltip and the side panel.
"""

from __future__ import annotations

from ..vocabulary import pick

__all__ = ["full_label", "short_label", "SHORT_MAX"]

#: Longest short name on the canvas, in characters.
SHORT_MAX = 24


def full_label(attrs: dict, lang: str = "pl") -> str:
    """The node's name in ``lang`` (Polish as the fallback); a bare IRI shows its local name."""
    text = str(pick(lang, attrs.get("label"), attrs.get("label_en")) or "")
    return text.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1] if text.startswith(("http://", "https://")) else text


def _cut(text: str, n: int) -> str:
    if len(text) <= n:
        return text
    head = text[: n - 1]
    if " " in head[n // 2 :]:
        head = head[: head.rfind(" ")]
    head = head.rstrip(" ,;:–-")
    if len(head) > 2 and head[-2] == " ":  # no one-letter word before the ellipsis ("Porozumienie o…")
        head = head[:-2]
    return head + "…"


def short_label(attrs: dict, lang: str = "pl", limit: int = SHORT_MAX) -> str:
    """A name short enough for the canvas.

    >>> short_label({"label": "Gminny Ośrodek Pomocy Społecznej w Brodach", "alt": ["GOPS"], "gmina_label": "Brody"})
    'GOPS Brody'
    >>> short_label({"label": "Gmina Brody"})
    'Gmina Brody'
    >>> short_label({"label": "Porozumienie o partnerskiej współpracy na rzecz rozwoju"})
    'Porozumienie…'
    """
    full = full_label(attrs, lang)
    if len(full) <= limit:
        return full
    alts = sorted((str(a) for a in attrs.get("alt") or () if a and len(str(a)) <= limit), key=lambda a: (len(a), a))
    if alts:
        alt = alts[0]
        seat = attrs.get("gmina_label")
        if alt.isupper() and len(alt) <= 6 and seat and len(alt) + len(seat) < limit:
            return f"{alt} {seat}"
        return alt
    return _cut(full, limit)
