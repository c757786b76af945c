"""Joining the agreement: a membership (org:Membership with its time:Interval),
with the role, the date and, when given, the person who signed and their post.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rdflib import Literal, URIRef

from ..model import ES, ESM, ESO, ESP, FOAF, ORG, PROV, RDF, RDFS, TIME
from .changes import Change
from .draft import Draft, date_literal, draft_source, find_one_org, finish, local_part, read_date
from .lookup import Context
from .naming import slugify

__all__ = ["DEFAULT_AGREEMENT", "JoinInput", "draft_join", "join_agreement"]

DEFAULT_AGREEMENT = ESO["porozumienie-starachowice-2017"]


@dataclass(frozen=True)
class JoinInput:
    organisation: str  # IRI, id, NIP or exact Polish name
    date: object
    source: str
    role: str = "signatory"
    agreement: str = ""
    signer: str = ""  # who signed (a person's name)
    post: str = ""  # the signer's post: a role of esrole:scheme (wójt, starosta...) or free text
    upper_bound: bool = False  # the source only says "a member by this date"


def _membership_parts(m: URIRef, member: URIRef, org: URIRef, role: URIRef, start: dt.date, source: URIRef, upper: bool) -> set:
    during, begin = URIRef(str(m) + "-during"), URIRef(str(m) + "-start")
    facts = {
        (m, RDF.type, ORG.Membership),
        (m, ORG.member, member),
        (m, ORG.organization, org),
        (m, ORG.role, role),
        (m, ORG.memberDuring, during),
        (m, ES.startDate, date_literal(start)),
        (m, PROV.wasDerivedFrom, source),
        (during, RDF.type, TIME.Interval),
        (during, TIME.hasBeginning, begin),
        (begin, RDF.type, TIME.Instant),
        (begin, TIME.inXSDDate, date_literal(start)),
    }
    if upper:
        facts.add((m, ES.startBound, ES.notLaterThan))
    return facts


def draft_join(draft: Draft, inp: JoinInput) -> URIRef | None:
    ctx = draft.ctx
    before = len(draft.errors)
    rec = find_one_org(draft, inp.organisation, "organisation")
    agreements = ctx.agreements
    agreement = str(inp.agreement or "").strip() or (
        str(DEFAULT_AGREEMENT) if str(DEFAULT_AGREEMENT) in agreements else next(iter(agreements), "")
    )
    if agreement.startswith("eso:"):
        agreement = str(ESO) + agreement[4:]
    if agreement not in agreements:
        draft.error("agreement", f"nie ma porozumienia {agreement!r}", f"no agreement {agreement!r}")
    role = ctx.find_concept(ctx.roles, inp.role or "signatory")
    if role is None:
        draft.error("role", f"nieznana rola {inp.role!r}", f"unknown role {inp.role!r}")
    start = read_date(draft, "date", inp.date, required=True)
    source = draft_source(draft, inp.source)
    post = None
    signer = " ".join(str(inp.signer or "").split())
    if inp.post and str(inp.post).strip():
        post = ctx.find_concept(ctx.roles, inp.post)
        if not signer:
            draft.error("signer", "podaj, kto podpisał (stanowisko bez osoby)", "give who signed (a post without a person)")
    if len(draft.errors) > before:
        return None
    member = URIRef(rec.iri)
    ag = URIRef(agreement)
    prefix = "agreement" if ag == DEFAULT_AGREEMENT else local_part(ag, ESO)
    m = ESM[f"{prefix}-{rec.local}"]
    same = [x for x in ctx.memberships if x["member"] == rec.iri and x["org"] == agreement]
    exact = [x for x in same if x["start"] == start.isoformat() and x["role"] == role.iri]
    if exact:
        m = URIRef(exact[0]["iri"])
    else:
        for x in same:
            if not x["end"]:
                draft.warn(
                    "organisation",
                    f"{rec.local} jest już członkiem ({x['iri'].rsplit('/', 1)[-1]}, od {x['start']})",
                    f"{rec.local} is already a member ({x['iri'].rsplit('/', 1)[-1]}, since {x['start']})",
                    rule="duplicate",
                )
        if draft.taken(m):
            m = ESM[f"{prefix}-{rec.local}-{start.isoformat()}"]
    facts = _membership_parts(m, member, ag, URIRef(role.iri), start, source, inp.upper_bound)
    if signer:
        person = ESP[slugify(signer) or "osoba"]
        facts |= {(person, RDF.type, FOAF.Person), (person, FOAF.name, Literal(signer)), (person, PROV.wasDerivedFrom, source)}
        if not ctx.exists(person):
            draft.created.append(person)
        post_text = post.label.pl if post else str(inp.post or "").strip()
        note_pl = f"Podpisał(a) w imieniu organizacji: {signer}" + (f" ({post_text})" if post_text else "") + "."
        note_en = f"Signed for the organisation by {signer}" + (f" ({post.label.en if post else post_text})" if post_text else "") + "."
        facts |= {(m, RDFS.comment, Literal(note_pl, lang="pl")), (m, RDFS.comment, Literal(note_en, lang="en"))}
        if post is not None:
            pm = ESM[f"{slugify(signer)}-{slugify(post.notation)}"]
            facts |= _membership_parts(pm, person, member, URIRef(post.iri), start, source, inp.upper_bound)
            draft.created.append(pm)
    draft.add_new(m, facts)
    return m


def join_agreement(ctx: Context, inp: JoinInput, *, who: str) -> Change:
    draft = Draft(ctx)
    m = draft_join(draft, inp)
    return finish(draft, op="join_agreement", what=f"join the agreement: {local_part(m, ESM) if m else inp.organisation}", who=who)
