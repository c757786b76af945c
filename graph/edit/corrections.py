"""Changing what the graph already holds: ending a tie or a membership (an
end date, not a deletion), correcting one field of an organisation, and
removing a mistaken entry (refused while others refer to it, unless cascaded).
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef

from ..library import internal_query
from ..model import ES, ORG, PROV, RDF, SDO, SKOS, TIME
from .changes import Change, EditError, Problem
from .draft import Draft, date_literal, draft_source, draft_territory, finish, read_date
from .ids import CHECKS, IdentifierError
from .lookup import Context

__all__ = ["end_tie", "end_membership", "ORG_FIELDS", "correct_organisation", "remove_entry"]

#: organisation fields a correction may change
ORG_FIELDS = ("name", "name_en", "kind", "teryt", "address", "nip", "regon", "krs")


# ------------------------------------------------------------------ endings


def _end(ctx: Context, iri: str, end, source: str, *, who: str, kind: str) -> Change:
    draft = Draft(ctx)
    rows = ctx.ties if kind == "tie" else ctx.memberships
    row = next((r for r in rows if r["iri"] == str(iri)), None)
    fld = "tie" if kind == "tie" else "membership"
    if row is None:
        draft.error(fld, f"nie ma {'powiązania' if kind == 'tie' else 'członkostwa'} {iri}", f"no {kind} {iri}")
    date = read_date(draft, "end", end, required=True)
    src = draft_source(draft, source)
    if row is not None and date is not None:
        if row["start"] and date.isoformat() < row["start"]:
            draft.error(
                "end",
                f"data końca jest wcześniejsza niż data początku ({row['start']})",
                f"the end date is before the start date ({row['start']})",
            )
        if row["end"] and row["end"] != date.isoformat():
            draft.error(
                "end",
                f"już zakończone {row['end']}; zmień datę przez korektę",
                f"already ended on {row['end']}; change it with a correction",
            )
    if draft.errors:
        raise EditError(draft.problems)
    node = URIRef(str(iri))
    draft.facts |= {(node, ES.endDate, date_literal(date)), (node, PROV.wasDerivedFrom, src)}
    if kind == "membership":
        during = ctx.store.query(internal_query("get_membership_interval"), {"m": node}).column("d")
        if during:
            instant = URIRef(str(node) + "-end")
            draft.facts |= {
                (during[0], TIME.hasEnd, instant),
                (instant, RDF.type, TIME.Instant),
                (instant, TIME.inXSDDate, date_literal(date)),
            }
    draft.modified.append(node)
    draft.subjects.append(node)
    local = str(iri).rsplit("/", 1)[-1]
    return finish(draft, op=f"end_{kind}", what=f"end {kind} {local} on {date.isoformat()}", who=who)


def end_tie(ctx: Context, tie: str, end, source: str, *, who: str) -> Change:
    """Record that a tie ended (an end date, not a deletion)."""
    return _end(ctx, tie, end, source, who=who, kind="tie")


def end_membership(ctx: Context, membership: str, end, source: str, *, who: str) -> Change:
    """Record that a membership ended: es:endDate and the interval's time:hasEnd."""
    return _end(ctx, membership, end, source, who=who, kind="membership")


# ------------------------------------------------------------------ corrections

_FIELD_PREDICATE = {
    "name": SKOS.prefLabel,
    "name_en": SKOS.prefLabel,
    "kind": ORG.classification,
    "teryt": SDO.location,
    "address": SDO.address,
    "nip": ES.nip,
    "regon": ES.regon,
    "krs": ES.krs,
}


def correct_organisation(ctx: Context, org: str, fld: str, value: str, source: str, *, who: str) -> Change:
    """Replace one field of an organisation (all its old values) by ``value``; empty clears an optional field."""
    draft = Draft(ctx)
    rec = ctx.organisations.get(str(org))
    if rec is None:
        draft.error("organisation", f"nie ma organizacji {org}", f"no organisation {org}")
    if fld not in _FIELD_PREDICATE:
        draft.error("field", f"nieznane pole {fld!r}", f"unknown field {fld!r}")
    if draft.errors:
        raise EditError(draft.problems)
    node = URIRef(rec.iri)
    pred = _FIELD_PREDICATE[fld]
    value = " ".join(str(value or "").split())
    new = None
    if fld in ("name", "kind", "teryt") and not value:
        draft.error(fld, "to pole jest wymagane", "this field is required")
    elif fld == "name":
        new = Literal(value, lang="pl")
    elif fld == "name_en":
        new = Literal(value, lang="en") if value else None
    elif fld == "kind":
        kind = ctx.find_concept(ctx.kinds, value)
        if kind is None:
            draft.error("kind", f"nieznany rodzaj {value!r}", f"unknown kind {value!r}")
        else:
            new = URIRef(kind.iri)
    elif fld == "teryt":
        new = draft_territory(draft, value) if re.fullmatch(r"\d{7}", value) else None
        if new is None and not draft.errors:
            draft.error("teryt", f"kod TERC gminy ma 7 cyfr, jest {value!r}", f"a gmina's TERC code has 7 digits, got {value!r}")
    elif fld in CHECKS and value:
        try:
            new = Literal(CHECKS[fld](value))
        except IdentifierError as exc:
            draft.error(fld, exc.message_pl, exc.message_en)
    elif value:
        new = Literal(value)
    src = draft_source(draft, source)
    if draft.errors:
        raise EditError(draft.problems)
    current = ctx.about([node])
    lang = "pl" if fld == "name" else "en" if fld == "name_en" else None
    old = {t for t in current if t[1] == pred and (lang is None or getattr(t[2], "language", None) == lang)}
    draft.removed |= {t for t in old if new is None or t[2] != new}
    if new is not None:
        draft.facts.add((node, pred, new))
    if draft.removed or (new is not None and (node, pred, new) not in current):
        draft.facts.add((node, PROV.wasDerivedFrom, src))
    draft.modified.append(node)
    draft.subjects.append(node)
    return finish(draft, op="correct", what=f"correct {fld} of {rec.local}: {value or '(cleared)'}", who=who)


# ------------------------------------------------------------------ removals


def _parts(ctx: Context, node: URIRef) -> set:
    """The triples of a resource and of the parts it owns (a membership's interval and instants)."""
    triples = ctx.about([node])
    parts = {o for s, p, o in triples if p == ORG.memberDuring}
    if parts:
        inner = ctx.about(parts)
        instants = {o for s, p, o in inner if p in (TIME.hasBeginning, TIME.hasEnd)}
        triples |= inner | ctx.about(instants)
    kinds = {o for s, p, o in triples if p == ES.tieKind}
    if kinds:
        frm = next((o for s, p, o in triples if p == ES.tieFrom), None)
        to = next((o for s, p, o in triples if p == ES.tieTo), None)
        kind = ctx.tie_kinds.get(str(next(iter(kinds))))
        others = [
            t
            for t in ctx.ties
            if t["iri"] != str(node) and t["from"] == str(frm) and t["to"] == str(to) and t["kind"] == str(next(iter(kinds)))
        ]
        if kind and kind.direct_property and frm is not None and to is not None and not others:
            triples.add((frm, URIRef(kind.direct_property), to))
    return triples


def remove_entry(ctx: Context, iri: str, *, who: str, cascade: bool = False) -> Change:
    """Remove a mistaken entry: the resource, its owned parts and, with ``cascade``, the ties and
    memberships that refer to it; refused (naming them) when other entries still refer to it."""
    draft = Draft(ctx)
    node = URIRef(str(iri))
    if not ctx.exists(node):
        raise EditError([Problem("entry", f"nie ma wpisu {iri}", f"no entry {iri}")])
    removed = _parts(ctx, node)
    owned = {t[0] for t in removed}
    refs = {t for t in ctx.incoming(node) if t[0] not in owned and t[1] not in (PROV.wasGeneratedBy,)}
    dependants = {s for s, p, o in refs}
    dependent_kinds = {}
    for s in dependants:
        types = {o for _, p, o in ctx.about([s]) if p == RDF.type}
        dependent_kinds[s] = types
    if cascade:
        for s, types in dependent_kinds.items():
            if types & {ES.Tie, ORG.Membership}:
                removed |= _parts(ctx, s)
        owned = {t[0] for t in removed}
        refs = {t for t in refs if t[0] not in owned and t not in removed}
    # plain tie triples pointing here are removed with their ties
    plain = {t for t in refs if t[1] in {URIRef(c.direct_property) for c in ctx.tie_kinds.values() if c.direct_property}}
    refs -= {t for t in plain if t in removed}
    if refs:
        names = ", ".join(sorted({str(s).rsplit("/", 1)[-1] for s, p, o in refs})[:10])
        raise EditError(
            [
                Problem(
                    "entry",
                    f"inne wpisy odwołują się do {str(iri).rsplit('/', 1)[-1]}: {names}; usuń je najpierw lub usuń kaskadowo",
                    f"other entries refer to {str(iri).rsplit('/', 1)[-1]}: {names}; remove them first or remove with cascade",
                    rule="references",
                )
            ]
        )
    draft.removed |= removed
    draft.subjects.append(node)
    return finish(
        draft, op="remove", what=f"remove {str(iri).rsplit('/', 1)[-1]}" + (" with its ties and memberships" if cascade else ""), who=who
    )
