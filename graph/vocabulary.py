"""The vocabulary's labels, in one shape, and the one way to choose a language.

Kinds, sectors and tie kinds are SKOS concepts (``data/vocabulary.ttl``);
:func:`load_vocabulary` reads them with one query into a frozen
:class:`Vocabulary` whose every label is a :class:`Label` (Polish and
English).  Code that shows text in the reader's language calls :func:`pick`
(or ``Label.in_lang``) rather than writing ``x_en if lang == "en" else x``.

>>> pick("en", "gmina", "commune")
'commune'
>>> pick("en", "gmina", "")
'gmina'
>>> pick("en", "gmina", "", fallback=False)
''
>>> Label("spółdzielnia socjalna", "social cooperative").in_lang("pl")
'spółdzielnia socjalna'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeVar

from .model import ESK, EST

if TYPE_CHECKING:
    from .store import Store

__all__ = ["LANGS", "pick", "Label", "Concept", "Vocabulary", "load_vocabulary"]

#: The languages of the project: Polish first, English second.
LANGS = ("pl", "en")
T = TypeVar("T")


def pick(lang: str, pl: T, en: T, *, fallback: bool = True) -> T:
    """``en`` when ``lang`` is English, else ``pl``; with ``fallback`` an empty one gives way to the other."""
    if lang == "en":
        return (en or pl) if fallback else en
    return (pl or en) if fallback else pl


@dataclass(frozen=True)
class Label:
    """A label in both languages."""

    pl: str
    en: str

    def in_lang(self, lang: str) -> str:
        return pick(lang, self.pl, self.en)

    @classmethod
    def of(cls, by_lang: Mapping[str, str]) -> Label:
        """The label of literals by language tag: Polish (else untagged, else
        any other) and English (may be empty: ``in_lang`` then shows the Polish).

        >>> Label.of({"": "KOOWES", "en": "Koowes centre"})
        Label(pl='KOOWES', en='Koowes centre')
        >>> Label.of({"de": "Zentrum"}).in_lang("en")
        'Zentrum'
        """
        pl = by_lang.get("pl") or by_lang.get("") or next((v for v in by_lang.values() if v), "")
        return cls(pl, by_lang.get("en") or "")


@dataclass(frozen=True)
class Concept:
    """A concept of the vocabulary: its IRI, notation (local name), label, for
    a kind the notation of its sector, and for a tie kind the property of its
    direct triple (``es:directProperty``; the editor reads it)."""

    iri: str
    notation: str
    label: Label
    sector: str = ""
    direct_property: str = ""


def _local(iri: str, namespace) -> str | None:
    ns = str(namespace)
    return iri[len(ns) :] or None if iri.startswith(ns) else None


@dataclass(frozen=True)
class Vocabulary:
    """Kinds, sectors and tie kinds by notation (read-only mappings)."""

    kind: Mapping[str, Concept]
    sector: Mapping[str, Concept]
    tie_kind: Mapping[str, Concept]

    def group(self, name: str) -> Mapping[str, Concept]:
        return getattr(self, name)

    def label(self, group: str, notation: str | None, lang: str = "pl") -> str:
        """The label of ``notation`` in ``group`` (the notation itself when unknown)."""
        concept = self.group(group).get(notation or "")
        return concept.label.in_lang(lang) if concept else (notation or "")

    def labels(self, *groups: str) -> dict[str, tuple[str, str]]:
        """``notation -> (Polish, English)`` over ``groups``."""
        return {n: (c.label.pl, c.label.en) for g in groups for n, c in self.group(g).items()}

    def as_dict(self) -> dict[str, dict[str, dict[str, str]]]:
        """``{"kind": {"ops": {"pl":.., "en":.., "sector":..}}, "sector": .., "tie_kind": ..}``."""
        return {
            g: {n: {"pl": c.label.pl, "en": c.label.en, "sector": c.sector} for n, c in self.group(g).items()}
            for g in ("kind", "sector", "tie_kind")
        }


def load_vocabulary(store: Store) -> Vocabulary:
    """The kinds, sectors and tie kinds the store holds (one query)."""
    from .library import internal_query  # the library chooses languages with pick(): imported late

    found: dict[str, dict[str, dict]] = {"kind": {}, "sector": {}, "tie_kind": {}}
    _, rows = store.select_values(internal_query("list_vocabulary"))
    for c, pl, en, broader, scheme in rows:
        if scheme.startswith(str(EST)):
            name, group = _local(c, EST), "tie_kind"
        else:
            name = _local(c, ESK)
            group = "kind" if broader else "sector"
        if not name:
            continue
        entry = found[group].setdefault(name, {"iri": c, "pl": pl or name, "en": en or pl or name, "sector": ""})
        if broader and group == "kind":
            entry["sector"] = _local(broader, ESK) or ""
    return Vocabulary(
        **{
            g: MappingProxyType({n: Concept(e["iri"], n, Label(e["pl"], e["en"]), e["sector"]) for n, e in entries.items()})
            for g, entries in found.items()
        }
    )
