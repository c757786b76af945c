"""Adding a tie between two organisations (an es:Tie with its kind, dates,
amount and source, plus the plain triple of its kind's direct property)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef

from ..model import ES, ESO, ESTIE, PROV, RDF, RDFS
from .changes import Change
from .draft import Draft, date_literal, draft_source, find_one_org, finish, local_part, read_date
from .lookup import Context

__all__ = ["TieInput", "draft_tie", "add_tie"]


@dataclass(frozen=True)
class TieInput:
    from_: str
    to: str
    kind: str
    start: object
    source: str
    end: object = None
    amount: str = ""
    comment: str = ""
    upper_bound: bool = False


def draft_tie(draft: Draft, inp: TieInput, *, resolve=None) -> URIRef | None:
    """``resolve(text, field)`` may name organisations not yet in the graph (the importer's)."""
    ctx = draft.ctx
    before = len(draft.errors)
    ends = []
    for fld, text in (("from", inp.from_), ("to", inp.to)):
        n = len(draft.errors)
        iri = resolve(text, fld) if resolve else None
        if iri is None and len(draft.errors) == n:
            rec = find_one_org(draft, text, fld)
            iri = URIRef(rec.iri) if rec else None
        ends.append(iri)
    kind = ctx.find_concept(ctx.tie_kinds, inp.kind) if str(inp.kind or "").strip() else None
    if kind is None:
        shown = str(inp.kind or "").strip()
        names = ", ".join(c.notation for c in ctx.tie_kinds.values())
        draft.error("kind", f"nieznany rodzaj powiązania {shown!r}; wybierz: {names}", f"unknown tie kind {shown!r}; choose: {names}")
    start = read_date(draft, "start", inp.start, required=True)
    end = read_date(draft, "end", inp.end, required=False)
    if start and end and end < start:
        draft.error("end", "data końca jest wcześniejsza niż data początku", "the end date is before the start date")
    amount = None
    if str(inp.amount or "").strip():
        try:
            amount = Decimal(str(inp.amount).replace(" ", "").replace(",", "."))
            if amount <= 0:
                raise InvalidOperation
        except InvalidOperation:
            draft.error(
                "amount",
                f"kwota musi być liczbą dodatnią, jest {inp.amount!r}",
                f"the amount must be a positive number, got {inp.amount!r}",
            )
    source = draft_source(draft, inp.source)
    if ends[0] is not None and ends[0] == ends[1]:
        draft.error("to", "powiązanie musi łączyć dwie różne organizacje", "a tie must join two different organisations")
    if len(draft.errors) > before or None in ends:
        return None
    frm, to = ends
    existing = [t for t in ctx.ties if t["from"] == str(frm) and t["to"] == str(to) and t["kind"] == kind.iri]
    match = [t for t in existing if t["start"] == start.isoformat()]
    base = f"{local_part(frm, ESO)}-{kind.notation.replace('_', '-')}-{local_part(to, ESO)}"
    if match:
        tie = URIRef(match[0]["iri"])
    else:
        tie = ESTIE[base]
        if draft.taken(tie):
            tie = ESTIE[f"{base}-{start.isoformat()}"]
        for t in [t for t in existing if not t["end"]][:1]:  # one warning is enough
            draft.warn(
                "kind",
                f"takie powiązanie już trwa: {t['iri'].rsplit('/', 1)[-1]} (od {t['start']})",
                f"such a tie is already in force: {t['iri'].rsplit('/', 1)[-1]} (since {t['start']})",
                rule="duplicate",
            )
    facts = {
        (tie, RDF.type, ES.Tie),
        (tie, ES.tieKind, URIRef(kind.iri)),
        (tie, ES.tieFrom, frm),
        (tie, ES.tieTo, to),
        (tie, ES.startDate, date_literal(start)),
        (tie, PROV.wasDerivedFrom, source),
        (frm, URIRef(kind.direct_property), to),
    }
    if end:
        facts.add((tie, ES.endDate, date_literal(end)))
    if amount is not None:
        facts.add((tie, ES.amountPLN, Literal(amount)))
    if inp.comment.strip():
        facts.add((tie, RDFS.comment, Literal(inp.comment.strip(), lang="pl")))
    if inp.upper_bound:
        facts.add((tie, ES.startBound, ES.notLaterThan))
    draft.add_new(tie, facts)
    return tie


def add_tie(ctx: Context, inp: TieInput, *, who: str) -> Change:
    draft = Draft(ctx)
    tie = draft_tie(draft, inp)
    return finish(draft, op="add_tie", what=f"add tie {local_part(tie, ESTIE) if tie else ''}", who=who)
