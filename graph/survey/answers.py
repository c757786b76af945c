"""A respondent's answer: checked, then saved as a draft or submitted.

Only what the respondent types is kept (name, post, an optional e-mail, the
ties and proposals).  Every value is bounded; a problem names its form field
(``partner 2: value``).  A submitted answer can be reopened by its link until
the round closes; reopened, it is a draft again and counts once submitted
anew.  The link is checked again inside the file's lock, so a link revoked or
a round closed a moment ago refuses the save.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..edit.changes import EditError, Problem, now_utc
from ..model import FREQUENCIES
from .records import Claim, Proposal, Response, RoundData, SurveyError
from .storage import update_response

__all__ = ["PartnerAnswer", "ProposalInput", "AnswerInput", "check_answer", "save_answer", "reopen", "MAX_PARTNERS", "MAX_PROPOSALS"]

MAX_PARTNERS = 300
MAX_PROPOSALS = 20
MAX_TEXT = 200
MAX_COMMENT = 2000
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,}$")


@dataclass(frozen=True)
class PartnerAnswer:
    partner: str  # organisation IRI
    kinds: tuple[str, ...] = ()  # tie-kind IRIs
    frequency: str = "occasionally"
    value: int | None = None
    trust: int | None = None
    comment: str = ""


@dataclass(frozen=True)
class ProposalInput:
    name: str
    gmina: str = ""
    kind: str = ""


@dataclass(frozen=True)
class AnswerInput:
    name: str = ""
    post: str = ""
    email: str = ""
    partners: tuple[PartnerAnswer, ...] = ()
    proposals: tuple[ProposalInput, ...] = field(default_factory=tuple)


def _p(fld: str, pl: str, en: str) -> Problem:
    return Problem(fld, pl, en, rule="survey")


def check_answer(ans: AnswerInput, *, org: str, known_orgs, tie_kinds, org_kinds=(), submit: bool) -> list[Problem]:
    """Every problem of ``ans`` (for a submission: the scales are required too)."""
    out: list[Problem] = []
    for fld, v, limit in (("name", ans.name, MAX_TEXT), ("post", ans.post, MAX_TEXT), ("email", ans.email, MAX_TEXT)):
        if len(v) > limit:
            out.append(_p(fld, f"najwyżej {limit} znaków", f"at most {limit} characters"))
    if submit and not ans.name.strip():
        out.append(_p("name", "podaj imię i nazwisko osoby odpowiadającej", "give the name of the person answering"))
    if submit and not ans.post.strip():
        out.append(_p("post", "podaj stanowisko osoby odpowiadającej", "give the post of the person answering"))
    if ans.email.strip() and not _EMAIL.match(ans.email.strip()):
        out.append(_p("email", f"to nie jest adres e-mail: {ans.email.strip()!r}", f"not an e-mail address: {ans.email.strip()!r}"))
    if len(ans.partners) > MAX_PARTNERS:
        out.append(_p("partners", f"najwyżej {MAX_PARTNERS} partnerów", f"at most {MAX_PARTNERS} partners"))
    seen = set()
    for i, pa in enumerate(ans.partners[:MAX_PARTNERS], start=1):
        f = f"partner {i}"
        if pa.partner == org:
            out.append(_p(f, "nie można wskazać własnej organizacji", "your own organisation cannot be a partner"))
        elif pa.partner not in known_orgs:
            out.append(_p(f, "nieznana organizacja", "unknown organisation"))
        if pa.partner in seen:
            out.append(_p(f, "ta organizacja jest już na liście", "this organisation is already listed"))
        seen.add(pa.partner)
        bad = [k for k in pa.kinds if k not in tie_kinds]
        if bad:
            out.append(_p(f"{f}: kinds", f"nieznany rodzaj powiązania {bad[0]!r}", f"unknown tie kind {bad[0]!r}"))
        if pa.frequency not in FREQUENCIES:
            out.append(_p(f"{f}: frequency", f"nieznana częstotliwość {pa.frequency!r}", f"unknown frequency {pa.frequency!r}"))
        for name, v in (("value", pa.value), ("trust", pa.trust)):
            if v is None:
                if submit:
                    out.append(_p(f"{f}: {name}", "wybierz 1-4", "choose 1-4"))
            elif not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 4:
                out.append(_p(f"{f}: {name}", f"skala 1-4, jest {v!r}", f"a 1-4 scale, got {v!r}"))
        if len(pa.comment) > MAX_COMMENT:
            out.append(_p(f"{f}: comment", f"najwyżej {MAX_COMMENT} znaków", f"at most {MAX_COMMENT} characters"))
    if len(ans.proposals) > MAX_PROPOSALS:
        out.append(_p("proposals", f"najwyżej {MAX_PROPOSALS} propozycji", f"at most {MAX_PROPOSALS} proposals"))
    for i, pr in enumerate(ans.proposals[:MAX_PROPOSALS], start=1):
        f = f"proposal {i}"
        if not pr.name.strip() or len(pr.name) > MAX_TEXT:
            out.append(_p(f"{f}: name", f"nazwa: 1-{MAX_TEXT} znaków", f"name: 1-{MAX_TEXT} characters"))
        if pr.gmina and not re.match(r"^\d{7}$", pr.gmina.strip()):
            out.append(
                _p(f"{f}: gmina", f"kod gminy TERC ma 7 cyfr, jest {pr.gmina!r}", f"a TERC gmina code has 7 digits, got {pr.gmina!r}")
            )
        if pr.kind and org_kinds and pr.kind not in org_kinds:
            out.append(_p(f"{f}: kind", "nieznany rodzaj organizacji", "unknown organisation kind"))
    return out


def _refusal(data: RoundData, org: str, now: str) -> str | None:
    inv = data.invitations.get(org)
    if inv is None:
        return "unknown"
    if data.round.closed:
        return "closed"
    if inv.revoked:
        return "revoked"
    if (inv.expires and now > inv.expires) or (data.round.expires and now > data.round.expires):
        return "expired"
    return None


def save_answer(
    path: str | Path, name: str, org: str, ans: AnswerInput, *, submit: bool, known_orgs, tie_kinds, org_kinds=(), now=None
) -> Response:
    """Check ``ans`` and store it as ``org``'s draft or submission; EditError names every bad field."""
    problems = check_answer(ans, org=org, known_orgs=known_orgs, tie_kinds=tie_kinds, org_kinds=org_kinds, submit=submit)
    if problems:
        raise EditError(problems)
    now = now or now_utc()

    def change(data: RoundData) -> Response:
        why = _refusal(data, org, now)
        if why:
            raise SurveyError(f"this link is {why}; the answer was not saved")
        old = data.responses.get(org)
        resp = Response(
            org,
            status="submitted" if submit else "draft",
            name=ans.name.strip(),
            post=ans.post.strip(),
            email=ans.email.strip(),
            saved=now,
            submitted=now if submit else None,
            claims=[
                Claim(org, pa.partner, tuple(sorted(set(pa.kinds))), pa.frequency, pa.value, pa.trust, pa.comment.strip())
                for pa in ans.partners
            ],
            proposals=[Proposal(org, pr.name.strip(), pr.gmina.strip(), pr.kind, n=i) for i, pr in enumerate(ans.proposals, start=1)],
        )
        if old is not None:  # a coordinator's rejections stay with the same partner
            rejected = {c.partner for c in old.claims if c.rejected}
            for c in resp.claims:
                c.rejected = c.partner in rejected
        data.responses[org] = resp
        return resp

    return update_response(path, name, org, change)


def reopen(path: str | Path, name: str, org: str, *, now=None) -> Response:
    """Turn ``org``'s submitted answer back into a draft (until the round closes)."""
    now = now or now_utc()

    def change(data: RoundData) -> Response:
        why = _refusal(data, org, now)
        if why:
            raise SurveyError(f"this link is {why}; the answer cannot be reopened")
        resp = data.responses.get(org)
        if resp is None:
            raise SurveyError("there is no answer to reopen")
        resp.status, resp.submitted, resp.saved = "draft", None, now
        return resp

    return update_response(path, name, org, change)


def as_input(resp: Response | None) -> AnswerInput:
    """A stored response as form input (to fill the form again)."""
    if resp is None:
        return AnswerInput()
    return AnswerInput(
        resp.name,
        resp.post,
        resp.email,
        tuple(PartnerAnswer(c.partner, c.kinds, c.frequency, c.value, c.trust, c.comment) for c in resp.claims),
        tuple(ProposalInput(p.name, p.gmina, p.kind) for p in resp.proposals),
    )
