"""A survey round's file: what it holds, read from and written to Turtle.

One Turtle file per round, beside the data file it asks about:
``<data stem>.survey-<round>.ttl`` (``data/entities.survey-2026.ttl``).  It is
never loaded into the curated store; it holds the round (a ``prov:Activity``),
the invitations (the SHA-256 of each link's token, never the token), the
responses (who answered, as typed), the claimed ties and the proposed
organisations.  Every write goes through :func:`update`: the file's lock,
re-read inside it, stable sorted Turtle, verified, atomically replaced
(:mod:`graph.edit.writeback`), so concurrent respondents lose nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..edit.turtle import serialise
from ..edit.writeback import locked, read_triples, verify, write_atomic
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
    "check_round_name",
    "load",
    "update",
    "org_key",
]

#: A round's name: lower-case letters, digits and hyphens (it names the file and its IRIs).
ROUND_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
#: The round file is refused beyond this size (a county round is well under 10 MB).
MAX_ROUND_BYTES = 200 << 20
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


def org_key(iri: str) -> str:
    """A short stable key of an organisation for the IRIs of its records."""
    if iri.startswith(str(ESO)) and re.match(r"^[A-Za-z0-9_-]{1,80}$", iri[len(str(ESO)) :]):
        return iri[len(str(ESO)) :]
    import hashlib

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
            ox.Triple(cs, N(RDF.type), N(ES.ClaimedTie)),
            ox.Triple(cs, N(RDF.type), N(PROV.Entity)),
            ox.Triple(cs, N(ES.tieFrom), org),
            ox.Triple(cs, N(ES.tieTo), ox.NamedNode(c.partner)),
            ox.Triple(cs, N(PROV.wasAttributedTo), org),
            ox.Triple(cs, N(PROV.wasGeneratedBy), rnd),
            ox.Triple(cs, N(ES.inResponse), s),
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


def to_triples(data: RoundData) -> set[ox.Triple]:
    out = round_triples(data.round)
    for inv in data.invitations.values():
        out |= invitation_triples(data.round, inv)
    for resp in data.responses.values():
        out |= response_triples(data.round, resp)
    return out


# ------------------------------------------------------------------ from Turtle
def _int(v) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def from_triples(triples, name: str, source: str) -> RoundData:
    by_s: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        by_s[t.subject.value][t.predicate.value].append(t.object)
    types = {s: {o.value for o in p.get(str(RDF.type), [])} for s, p in by_s.items()}

    def one(p: dict, term) -> str | None:
        vals = p.get(str(term))
        return vals[0].value if vals else None

    rnd_iri = f"{ESV}{name}"
    if str(ES.SurveyRound) not in types.get(rnd_iri, ()):
        raise SurveyError(f"{source}: holds no survey round {name!r}")
    p = by_s[rnd_iri]
    rnd = Round(
        name=name,
        label=one(p, RDFS.label) or name,
        as_of=one(p, ES.asOf),
        expires=one(p, ES.expires),
        created=one(p, PROV.startedAtTime),
        closed=one(p, PROV.endedAtTime),
        kinds=tuple(sorted(o.value for o in p.get(str(ES.invitedKind), []))),
    )
    data = RoundData(rnd)
    claims, proposals = [], []
    for s, ts in types.items():
        p = by_s[s]
        if str(ES.SurveyInvitation) in ts:
            org = one(p, ES.invitee)
            data.invitations[org] = Invitation(org, one(p, ES.tokenHash) or "", one(p, ES.expires), one(p, ES.revokedAt))
        elif str(ES.SurveyResponse) in ts:
            org = one(p, PROV.wasAttributedTo)
            data.responses[org] = Response(
                org,
                status=one(p, ES.responseStatus) or "draft",
                name=one(p, ES.respondentName) or "",
                post=one(p, ES.respondentPost) or "",
                email=one(p, ES.respondentEmail) or "",
                saved=one(p, PROV.generatedAtTime),
                submitted=one(p, ES.submittedAt),
            )
        elif str(ES.ClaimedTie) in ts:
            freq = one(p, ES.frequency) or ""
            claims.append(
                Claim(
                    by=one(p, ES.tieFrom),
                    partner=one(p, ES.tieTo),
                    kinds=tuple(sorted(o.value for o in p.get(str(ES.tieKind), []))),
                    frequency=freq.rsplit("/", 1)[-1],
                    value=_int(one(p, ES.valueScore)),
                    trust=_int(one(p, ES.trustScore)),
                    comment=one(p, RDFS.comment) or "",
                    rejected=one(p, ES.reviewStatus) == "rejected",
                )
            )
        elif str(ES.ProposedOrganisation) in ts:
            proposals.append(
                Proposal(
                    by=one(p, PROV.wasAttributedTo),
                    name=one(p, SKOS.prefLabel) or "",
                    gmina=one(p, SDO.location) or "",
                    kind=one(p, "http://www.w3.org/ns/org#classification") or "",
                    rejected=one(p, ES.reviewStatus) == "rejected",
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


def load(path: str | Path, name: str) -> RoundData:
    """The round in ``path``; a missing file is a clear error."""
    path = Path(path)
    if not path.exists():
        raise SurveyError(f"{path}: no survey round {name!r} here (create it with `python -m graph survey create --round {name}`)")
    triples, _ = read_triples(path, max_bytes=MAX_ROUND_BYTES)
    return from_triples(triples, name, str(path))


def write(path: str | Path, data: RoundData) -> None:
    triples = to_triples(data)
    header = f"# Survey round {data.round.name!r}: claims and links, kept apart from the curated data (docs/survey.md).\n# Holds what respondents typed; share it only with the coordinator.\n\n"
    out = serialise(triples, prefixes=SURVEY_PREFIXES, header=header)
    verify(out, triples)
    write_atomic(path, out)


def update(path: str | Path, name: str, change: Callable[[RoundData], object], *, create: RoundData | None = None):
    """Apply ``change`` to the round under the file's lock (re-read inside it) and write it back.

    ``create``: the file must not exist yet and is written from this data.
    Returns what ``change`` returns.
    """
    path = Path(path)
    with locked(path):
        if create is not None:
            if path.exists():
                raise SurveyError(f"{path}: round {name!r} already exists; choose another name")
            data = create
        else:
            data = load(path, name)
        result = change(data)
        write(path, data)
        if create is not None:
            path.chmod(0o600)  # what respondents type: the coordinator's eyes only (kept by later writes)
    return result
