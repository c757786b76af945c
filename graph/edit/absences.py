"""Recording a verified absence (``es:VerifiedAbsence``): a coordinator checked
that a gmina has no organisation of a kind (or an organisation no partner of
a kind) on a day.

The change goes through the editing path like any other (checked against
``data/shapes.ttl``, written atomically, logged, undoable); it is written to
``data/absences.ttl`` (:func:`absence_settings` puts that file first, so the
editor writes there and keeps its own history beside it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from rdflib import Literal, URIRef

from ..model import DCTERMS, ES, ESK, RDF, RDFS, TERC
from ..settings import DATA_DIR, Settings
from .changes import Change, EditError
from .draft import Draft, date_literal, find_one_org, finish, read_date
from .lookup import Context

__all__ = ["ABSENCES_FILE", "AbsenceInput", "add_absence", "absence_settings"]

ABSENCES_FILE = DATA_DIR / "absences.ttl"
ESABS = "https://w3id.org/es-pl/id/absence/"


@dataclass(frozen=True)
class AbsenceInput:
    at: str  # a gmina's TERC code (7 digits, or terc:...) or an organisation (id, NIP, name)
    kind: str  # a kind notation or label ("spółdzielnia socjalna"), or "pes" for every PES kind
    on: object  # the day checked ("stan na")
    by: str  # who checked
    source: str  # on what basis (an address or a description)
    comment: str = ""


def absence_settings(settings: Settings, path: str | Path = ABSENCES_FILE) -> Settings:
    """``settings`` with the absences file first among the data files (the editor writes there)."""
    path = Path(path)
    rest = tuple(p for p in settings.data if Path(p).resolve() != path.resolve())
    return dataclasses.replace(settings, data=(path, *rest))


def _at(draft: Draft, text: str) -> URIRef | None:
    value = str(text or "").strip()
    code = value.removeprefix("terc:").removeprefix(str(TERC))
    if code.isdigit():
        if draft.ctx.gmina(code) is None:
            draft.error("at", f"nie ma gminy o kodzie TERC {code!r}", f"no gmina with TERC code {code!r}")
            return None
        return TERC[code]
    rec = find_one_org(draft, value, "at")
    return URIRef(rec.iri) if rec else None


def add_absence(ctx: Context, inp: AbsenceInput, *, who: str) -> Change:
    """The change recording ``inp``, or :class:`~graph.edit.EditError` naming each bad field."""
    draft = Draft(ctx)
    at = _at(draft, inp.at)
    kind_text = str(inp.kind or "").strip()
    if kind_text.casefold() in ("pes", "esk:pes", str(ESK.pes).casefold()):
        kind = ESK.pes
    else:
        found = ctx.find_concept(ctx.kinds, kind_text)
        kind = URIRef(found.iri) if found else None
        if kind is None:
            names = ", ".join(["pes", *(c.notation for c in ctx.kinds.values())])
            draft.error("kind", f"nieznany rodzaj {kind_text!r}; wybierz: {names}", f"unknown kind {kind_text!r}; choose: {names}")
    on = read_date(draft, "on", inp.on, required=True)
    for fld, value in (("by", inp.by), ("source", inp.source)):
        if not str(value or "").strip():
            draft.error(fld, "pole jest wymagane", "this field is required")
    if draft.errors:
        raise EditError(draft.problems)
    iri = URIRef(f"{ESABS}{str(at).rsplit('/', 1)[-1]}-{str(kind).rsplit('/', 1)[-1].replace('_', '-')}-{on.isoformat()}")
    facts = {
        (iri, RDF.type, ES.VerifiedAbsence),
        (iri, ES.absenceAt, at),
        (iri, ES.absentKind, kind),
        (iri, ES.checkedOn, date_literal(on)),
        (iri, ES.checkedBy, Literal(str(inp.by).strip())),
        (iri, DCTERMS.source, Literal(str(inp.source).strip())),
    }
    if str(inp.comment or "").strip():
        facts.add((iri, RDFS.comment, Literal(str(inp.comment).strip(), lang="pl")))
    draft.add_new(iri, facts)
    return finish(
        draft, op="absence", what=f"absence: {str(at).rsplit('/', 1)[-1]}, {str(kind).rsplit('/', 1)[-1]}, {on.isoformat()}", who=who
    )
