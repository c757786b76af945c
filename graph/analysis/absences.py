"""Verified absences: a coordinator's records that something is not there.

The data is an open world: that it holds no PES in gmina Pawłów says nothing
about Pawłów, only about the data.  A coordinator who has checked records it
as an ``es:VerifiedAbsence`` (``data/absences.ttl``, loaded with the data)::

    esabs:pawlow-pes-2024-03-01 a es:VerifiedAbsence ;
        es:absenceAt terc:2611042 ;            # the gmina (or an organisation)
        es:absentKind esk:pes ;                # a kind or a collection of kinds
        es:checkedOn "2024-03-01"^^xsd:date ;  # "stan na"
        es:checkedBy "Jan Kowalski, koordynator" ;
        dcterms:source "rozmowa z GOPS Pawłów" .

Only a record that matches a finding (same resource, same kind, checked on or
before the report's date) lets the finding state the absence as a fact; the
record's IRI is then the finding's basis.  A check made later than the
report's date says nothing about that date.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..library import internal_query
from ..model import ESK
from ..store import Store
from ..vocabulary import pick

__all__ = ["VerifiedAbsence", "verified_absences", "matching", "absence_text", "absences_about"]


@dataclass(frozen=True, order=True)
class VerifiedAbsence:
    """One record: at ``at`` there is no organisation of ``kind``, as of ``checked_on``."""

    iri: str
    at: str
    kind: str
    checked_on: str
    checked_by: str = ""
    source: str = ""
    kind_pl: str = ""
    kind_en: str = ""

    def kind_label(self, lang: str = "pl") -> str:
        """The absent kind's label ("PES" for the collection of PES kinds)."""
        if self.kind == str(ESK.pes):
            return "PES"
        label = pick(lang, self.kind_pl, self.kind_en, fallback=False)
        return label or self.kind.rsplit("/", 1)[-1]


def verified_absences(store: Store) -> tuple[VerifiedAbsence, ...]:
    """Every verified absence in ``store``, sorted (one per record; several sources joined)."""
    _, rows = store.select_values(internal_query("list_verified_absences"))
    out: dict[str, dict] = {}
    for a, at, kind, date, by, src, kind_pl, kind_en in rows:
        rec = out.setdefault(a, {"at": at, "kind": kind, "date": str(date)[:10], "by": set(), "src": set(), "pl": kind_pl, "en": kind_en})
        if by:
            rec["by"].add(str(by))
        if src:
            rec["src"].add(str(src))
    return tuple(
        sorted(
            VerifiedAbsence(
                a, r["at"], r["kind"], r["date"], "; ".join(sorted(r["by"])), "; ".join(sorted(r["src"])), r["pl"] or "", r["en"] or ""
            )
            for a, r in out.items()
        )
    )


def matching(absences, at: str, kinds, as_of: str | None) -> VerifiedAbsence | None:
    """The latest record about ``at`` for one of ``kinds``, checked on or before ``as_of`` (None: any)."""
    kinds = {str(k) for k in kinds}
    found = [a for a in absences if a.at == at and a.kind in kinds and (as_of is None or a.checked_on <= str(as_of))]
    return max(found, key=lambda a: (a.checked_on, a.iri)) if found else None


#: The words around a verified absence (Polish, English).
_WORDS = {
    "absent": ("sprawdzono: brak – {}", "checked: no {}"),
    "as_of": ("stan na {}", "as of {}"),
    "checked_by": ("sprawdził(a): {}", "checked by: {}"),
    "source": ("źródło: {}", "source: {}"),
}


def absence_text(a: VerifiedAbsence, lang: str = "pl", message: str = "") -> str:
    """``message`` (default: what is absent) with the record's day, who checked and the source.

    "sprawdzono: w gminie nie działa żaden PES, stan na 2024-03-01 (sprawdził(a): …; źródło: …)".
    """
    w = {k: pick(lang, pl, en, fallback=False) for k, (pl, en) in _WORDS.items()}
    head = f"{message or w['absent'].format(a.kind_label(lang))}, {w['as_of'].format(a.checked_on)}"
    tail = [w["checked_by"].format(a.checked_by) if a.checked_by else "", w["source"].format(a.source) if a.source else ""]
    tail = [x for x in tail if x]
    return head + (f" ({'; '.join(tail)})" if tail else "")


def absences_about(absences, *iris: str) -> tuple[VerifiedAbsence, ...]:
    """The records about any of ``iris`` (an organisation, its gmina), newest first."""
    wanted = {i for i in iris if i}
    return tuple(sorted((a for a in absences if a.at in wanted), key=lambda a: (a.checked_on, a.iri), reverse=True))
