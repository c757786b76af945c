"""What a survey round holds, and its RDF (to and from pyoxigraph triples).

The round (a ``prov:Activity``), the invitations (the SHA-256 of each link's
token, never the token), the responses (who answered, as typed), the claimed
ties and the proposed organisations.  Where they are stored:
:mod:`graph.survey.storage`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import GraphError
from ..model import ES, ESF, ESO, ESV, PREFIXES, PROV, RDF, RDFS, SDO, SKOS

__all__ = [
    "SurveyError",
    "Round",
    "Invitation",
    "Claim",
    "Proposal",
    "Response",
    "RoundData",
    "ROUND_NAME",
    "round_path",
    "answers_dir",
    "check_round_name",
    "org_key",
    "round_triples",
    "invitation_triples",
    "response_triples",
    "from_triples",
]

#: A round's name: lower-case letters, digits and hyphens (it names the file and its IRIs).
ROUND_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SURVEY_PREFIXES = {**PREFIXES, "essv": str(ESV), "esfreq": str(ESF)}


class SurveyError(GraphError):
    """A survey command or answer that cannot be carried out (the message says what and where)."""


def N(term) -> ox.NamedNode:
    return ox.NamedNode(str(term))


def check_round_name(name: str) -> str:
    name = str(name or "").strip()
    if not ROUND_NAME.match(name):
        raise SurveyError(f"--round: {name!r} is not a round name (1-40 lower-case letters, digits or hyphens, e.g. 2026-wiosna)")
    return name


def round_path(data_file: str | Path, name: str) -> Path:
    """The round's file beside the data file: ``<stem>.survey-<round>.ttl``."""
    data_file = Path(data_file)
    return data_file.with_name(f"{data_file.stem}.survey-{check_round_name(name)}.ttl")


def answers_dir(path: str | Path) -> Path:
    """The folder of the round's answers, one file per organisation: ``<round file stem>.answers/``."""
    path = Path(path)
    return path.with_name(path.stem + ".answers")


def org_key(iri: str) -> str:
    """A short stable key of an organisation for the IRIs of its records."""
    if iri.startswith(str(ESO)) and re.match(r"^[A-Za-z0-9_-]{1,80}$", iri[len(str(ESO)) :]):
        return iri[len(str(ESO)) :]
    return "x-" + hashlib.sha256(iri.encode()).hexdigest()[:16]


@dataclass
class Round:
    name: str
    label: str = ""
    as_of: str | None = None  # xsd:date
    expires: str | None = None  # xsd:dateTime (UTC, "Z")
    created: str | None = None
    closed: str | None = None  # xsd:dateTime it was closed
    kinds: tuple[str, ...] = ()  # invited kinds (IRIs); empty: all

    @property
    def iri(self) -> str:
        return f"{ESV}{self.name}"


@dataclass
class Invitation:
    org: str
    token_hash: str
    expires: str | None = None
    revoked: str | None = None


@dataclass
class Claim:
    by: str  # the answering organisation
    partner: str
    kinds: tuple[str, ...] = ()  # tie-kind IRIs
    frequency: str = "occasionally"  # notation
    value: int | None = None
    trust: int | None = None
    comment: str = ""
    rejected: bool = False


@dataclass
class Proposal:
    by: str
    name: str
    gmina: str = ""  # TERC code as typed/chosen
    kind: str = ""  # kind IRI
    rejected: bool = False
    n: int = 1


@dataclass
class Response:
    org: str
    status: str = "draft"  # or "submitted"
    name: str = ""
    post: str = ""
    email: str = ""
    saved: str | None = None  # time of the last save
    submitted: str | None = None
    claims: list[Claim] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)


@dataclass
class RoundData:
    round: Round
    invitations: dict[str, Invitation] = field(default_factory=dict)  # org IRI -> invitation
    responses: dict[str, Response] = field(default_factory=dict)  # org IRI -> response

    def by_hash(self) -> dict[str, Invitation]:
        return {inv.token_hash: inv for inv in self.invitations.values()}


# ------------------------------------------------------------------ to Turtle
def _lit(value, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(datatype))
    return ox.Literal(str(value))


_XSD = "http://www.w3.org/2001/XMLSchema#"


def _dt(value: str) -> ox.Literal:
    return _lit(value, _XSD + "dateTime")


def round_triples(r: Round) -> set[ox.Triple]:
    s = N(r.iri)
    out = {
        ox.Triple(s, N(RDF.type), N(ES.SurveyRound)),
        ox.Triple(s, N(RDF.type), N(PROV.Activity)),
        ox.Triple(s, N(RDFS.label), _lit(r.label or r.name)),
        ox.Triple(s, N(SKOS.notation), _lit(r.name)),
    }
    if r.as_of:
        out.add(ox.Triple(s, N(ES.asOf), _lit(r.as_of, _XSD + "date")))
    if r.expires:
        out.add(ox.Triple(s, N(ES.expires), _dt(r.expires)))
    if r.created:
        out.add(ox.Triple(s, N(PROV.startedAtTime), _dt(r.created)))
    if r.closed:
        out.add(ox.Triple(s, N(PROV.endedAtTime), _dt(r.closed)))
    for k in r.kinds:
        out.add(ox.Triple(s, N(ES.invitedKind), ox.NamedNode(k)))
    return out


def invitation_triples(r: Round, inv: Invitation) -> set[ox.Triple]:
    s = ox.NamedNode(f"{r.iri}/link/{org_key(inv.org)}")
    out = {
        ox.Triple(s, N(RDF.type), N(ES.SurveyInvitation)),
        ox.Triple(s, N(ES.surveyRound), N(r.iri)),
        ox.Triple(s, N(ES.invitee), ox.NamedNode(inv.org)),
        ox.Triple(s, N(ES.tokenHash), _lit(inv.token_hash)),
    }
    if inv.expires:
        out.add(ox.Triple(s, N(ES.expires), _dt(inv.expires)))
    if inv.revoked:
        out.add(ox.Triple(s, N(ES.revokedAt), _dt(inv.revoked)))
    return out


def response_triples(r: Round, resp: Response) -> set[ox.Triple]:
    key = org_key(resp.org)
    s = ox.NamedNode(f"{r.iri}/response/{key}")
    org = ox.NamedNode(resp.org)
    rnd = N(r.iri)
    out = {
        ox.Triple(s, N(RDF.type), N(ES.SurveyResponse)),
        ox.Triple(s, N(RDF.type), N(PROV.Entity)),
        ox.Triple(s, N(PROV.wasAttributedTo), org),
        ox.Triple(s, N(PROV.wasGeneratedBy), rnd),
        ox.Triple(s, N(ES.responseStatus), _lit(resp.status)),
    }
    for p, v in ((ES.respondentName, resp.name), (ES.respondentPost, resp.post), (ES.respondentEmail, resp.email)):
        if v:
            out.add(ox.Triple(s, N(p), _lit(v)))
    if resp.saved:
        out.add(ox.Triple(s, N(PROV.generatedAtTime), _dt(resp.saved)))
    if resp.submitted:
        out.add(ox.Triple(s, N(ES.submittedAt), _dt(resp.submitted)))
    for c in resp.claims:
        cs = ox.NamedNode(f"{r.iri}/claim/{key}/{org_key(c.partner)}")
        out |= {
            ox.Triple(cs, N(RDF.type), N(ES.ClaimedTie)),  # a prov:Entity (vocabulary); its response: essv:<round>/response/<org>
            ox.Triple(cs, N(ES.tieFrom), org),
            ox.Triple(cs, N(ES.tieTo), ox.NamedNode(c.partner)),
            ox.Triple(cs, N(PROV.wasAttributedTo), org),
            ox.Triple(cs, N(PROV.wasGeneratedBy), rnd),
            ox.Triple(cs, N(ES.frequency), N(ESF[c.frequency])),
        }
        if resp.submitted:
            out.add(ox.Triple(cs, N(PROV.generatedAtTime), _dt(resp.submitted)))
        for k in c.kinds:
            out.add(ox.Triple(cs, N(ES.tieKind), ox.NamedNode(k)))
        if c.value is not None:
            out.add(ox.Triple(cs, N(ES.valueScore), _lit(c.value, _XSD + "integer")))
        if c.trust is not None:
            out.add(ox.Triple(cs, N(ES.trustScore), _lit(c.trust, _XSD + "integer")))
        if c.comment:
            out.add(ox.Triple(cs, N(RDFS.comment), _lit(c.comment)))
        if c.rejected:
            out.add(ox.Triple(cs, N(ES.reviewStatus), _lit("rejected")))
    for p in resp.proposals:
        ps = ox.NamedNode(f"{r.iri}/proposal/{key}/{p.n}")
        out |= {
            ox.Triple(ps, N(RDF.type), N(ES.ProposedOrganisation)),
            ox.Triple(ps, N(PROV.wasAttributedTo), org),
            ox.Triple(ps, N(PROV.wasGeneratedBy), rnd),
            ox.Triple(ps, N(ES.inResponse), s),
            ox.Triple(ps, N(SKOS.prefLabel), _lit(p.name, lang="pl")),
        }
        if p.gmina:
            out.add(ox.Triple(ps, N(SDO.location), _lit(p.gmina)))
        if p.kind:
            out.add(ox.Triple(ps, N("http://www.w3.org/ns/org#classification"), ox.NamedNode(p.kind)))
        if p.rejected:
            out.add(ox.Triple(ps, N(ES.reviewStatus), _lit("rejected")))
    return out


# ------------------------------------------------------------------ from Turtle
def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


_T_TYPE = str(RDF.type)
_KEYS = {
    str(ES.invitee): "invitee",
    str(ES.tokenHash): "hash",
    str(ES.expires): "expires",
    str(ES.revokedAt): "revoked",
    str(PROV.wasAttributedTo): "by",
    str(ES.responseStatus): "status",
    str(ES.respondentName): "name",
    str(ES.respondentPost): "post",
    str(ES.respondentEmail): "email",
    str(PROV.generatedAtTime): "saved",
    str(ES.submittedAt): "submitted",
    str(ES.tieFrom): "from",
    str(ES.tieTo): "to",
    str(ES.frequency): "frequency",
    str(ES.valueScore): "value",
    str(ES.trustScore): "trust",
    str(RDFS.comment): "comment",
    str(ES.reviewStatus): "review",
    str(SKOS.prefLabel): "label",
    str(SDO.location): "location",
    "http://www.w3.org/ns/org#classification": "classification",
    str(RDFS.label): "rlabel",
    str(ES.asOf): "as_of",
    str(PROV.startedAtTime): "started",
    str(PROV.endedAtTime): "ended",
}
_MULTI = {str(ES.tieKind): "kinds", str(ES.invitedKind): "kinds"}
_CLASSES = {
    str(ES.SurveyRound): "round",
    str(ES.SurveyInvitation): "inv",
    str(ES.SurveyResponse): "resp",
    str(ES.ClaimedTie): "claim",
    str(ES.ProposedOrganisation): "proposal",
}


def from_triples(triples, name: str, source: str) -> RoundData:
    """The round held by ``triples`` (pyoxigraph triples or quads), read in one pass."""
    rec: dict[str, dict] = {}
    kind: dict[str, str] = {}
    keys, multi, classes = _KEYS, _MULTI, _CLASSES
    for t in triples:
        s, p = t.subject.value, t.predicate.value
        if p == _T_TYPE:
            c = classes.get(t.object.value)
            if c:
                kind[s] = c
            continue
        k = keys.get(p)
        if k is not None:
            rec.setdefault(s, {})[k] = t.object.value
        else:
            m = multi.get(p)
            if m is not None:
                rec.setdefault(s, {}).setdefault(m, []).append(t.object.value)
    rnd_iri = f"{ESV}{name}"
    if kind.get(rnd_iri) != "round":
        raise SurveyError(f"{source}: holds no survey round {name!r}")
    p = rec.get(rnd_iri, {})
    data = RoundData(
        Round(
            name=name,
            label=p.get("rlabel") or name,
            as_of=p.get("as_of"),
            expires=p.get("expires"),
            created=p.get("started"),
            closed=p.get("ended"),
            kinds=tuple(sorted(p.get("kinds", ()))),
        )
    )
    claims, proposals = [], []
    for s, c in kind.items():
        p = rec.get(s, {})
        if c == "inv":
            data.invitations[p["invitee"]] = Invitation(p["invitee"], p.get("hash", ""), p.get("expires"), p.get("revoked"))
        elif c == "resp":
            data.responses[p["by"]] = Response(
                p["by"],
                status=p.get("status", "draft"),
                name=p.get("name", ""),
                post=p.get("post", ""),
                email=p.get("email", ""),
                saved=p.get("saved"),
                submitted=p.get("submitted"),
            )
        elif c == "claim":
            claims.append(
                Claim(
                    by=p.get("from"),
                    partner=p.get("to"),
                    kinds=tuple(sorted(p.get("kinds", ()))),
                    frequency=p.get("frequency", "").rsplit("/", 1)[-1],
                    value=_int(p.get("value")),
                    trust=_int(p.get("trust")),
                    comment=p.get("comment", ""),
                    rejected=p.get("review") == "rejected",
                )
            )
        elif c == "proposal":
            proposals.append(
                Proposal(
                    by=p.get("by"),
                    name=p.get("label", ""),
                    gmina=p.get("location", ""),
                    kind=p.get("classification", ""),
                    rejected=p.get("review") == "rejected",
                    n=_int(s.rsplit("/", 1)[-1]) or 1,
                )
            )
    for c in sorted(claims, key=lambda c: (c.by, c.partner)):
        if c.by in data.responses:
            data.responses[c.by].claims.append(c)
    for pr in sorted(proposals, key=lambda p: (p.by, p.n)):
        if pr.by in data.responses:
            data.responses[pr.by].proposals.append(pr)
    return data
