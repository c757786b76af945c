"""The coordinator's review: accept claimed ties into the curated data, or reject them.

Accepting goes through the editing path that exists (:mod:`graph.edit`):
the ties are drafted like any other (``draft_tie``), checked (SHACL), written
atomically with provenance, logged in the history and undoable.  Their
source is the round ("Ankieta powiązań: runda NAME"), and their start date is
the round's as-of day (or the day it opened) as an upper bound: the survey
attests the tie was in force by then, not when it began.  A tie accepted
goes from the organisation that claimed it (for a confirmed pair, the first
in order) to its partner, once per kind claimed.

A proposed organisation is accepted the same way (``add_organisation``, the
kind and gmina as proposed or as the coordinator corrects them) or rejected.

Rejecting marks the claims in the round file (``es:reviewStatus
"rejected"``); :func:`reject` with ``undo=True`` clears the mark.  Accepted
claims need no mark: a tie in the data is what accepting means, and undoing
the change makes the claim new again.
"""

from __future__ import annotations

from pathlib import Path

from ..edit.changes import Change, EditError, Problem
from ..edit.draft import Draft, finish
from ..edit.editor import Editor
from ..edit.ties import TieInput, draft_tie
from .records import RoundData, SurveyError
from .status import survey_ties
from .storage import update

__all__ = ["source_title", "accept", "reject", "resolve_pair", "accept_proposal", "reject_proposal"]


def source_title(data: RoundData) -> str:
    return f"Ankieta powiązań: runda {data.round.name}"


def resolve_pair(data: RoundData, ctx, frm: str, to: str) -> frozenset:
    """The claimed pair of ``frm`` and ``to`` (ids or IRIs); a clear error when nobody claimed it."""
    ends = []
    for text, fld in ((frm, "from"), (to, "to")):
        found = ctx.find_org(text)
        if len(found) != 1:
            raise SurveyError(f"--{fld}: no single organisation {text!r}")
        ends.append(found[0].iri)
    pair = frozenset(ends)
    if pair not in survey_ties(data):
        raise SurveyError(f"no submitted answer of round {data.round.name!r} names a tie between {frm} and {to}")
    return pair


def accept(editor: Editor, data: RoundData, pairs: list[tuple[str, str]], *, who: str, kinds: dict | None = None) -> Change:
    """Add the ties of ``pairs`` ((from, to) ids or IRIs) to the curated data as one change.

    ``kinds`` may give the tie kinds for a pair (``{(from, to): ["advice"]}``)
    where the respondents named none or the coordinator chooses others.
    """
    ctx = editor.context()
    claimed = survey_ties(data)
    draft = Draft(ctx)
    start = data.round.as_of or (data.round.created or "")[:10]
    title = source_title(data)
    problems: list[Problem] = []
    for frm, to in pairs:
        pair = resolve_pair(data, ctx, frm, to)
        sides = claimed[pair]
        first = sorted(sides)[0]
        partner = next(iter(pair - {first}))
        chosen = (kinds or {}).get((frm, to))
        tie_kinds = list(chosen) if chosen else sorted({k for c in sides.values() for k in c.kinds})
        if not tie_kinds:
            problems.append(
                Problem(
                    f"{frm} - {to}",
                    "respondenci nie wskazali rodzaju powiązania; wybierz go",
                    "the respondents named no tie kind; choose one",
                    rule="survey",
                )
            )
            continue
        comment = "; ".join(c.comment for c in sides.values() if c.comment)[:500]
        for k in tie_kinds:
            draft_tie(
                draft,
                TieInput(first, partner, k.rsplit("/", 1)[-1], start, title, comment=comment, upper_bound=True),
            )
    if problems:
        raise EditError(problems)
    change = finish(draft, op="survey_accept", what=f"accept {len(pairs)} survey ties of round {data.round.name}", who=who)
    return editor.commit(change)


def reject(path: str | Path, name: str, pairs: list[tuple[str, str]], ctx, *, undo: bool = False) -> int:
    """Mark (or with ``undo``, unmark) the claims of ``pairs`` as rejected; returns how many claims changed."""

    def change(data: RoundData) -> int:
        n = 0
        for frm, to in pairs:
            pair = resolve_pair(data, ctx, frm, to)
            for org in pair:
                resp = data.responses.get(org)
                for c in resp.claims if resp else ():
                    if c.partner in pair and c.rejected == undo:
                        c.rejected = not undo
                        n += 1
        return n

    return update(path, name, change)


def _proposal(data: RoundData, ctx, by: str, n: int):
    found = ctx.find_org(by)
    org = found[0].iri if len(found) == 1 else by
    resp = data.responses.get(org)
    for p in resp.proposals if resp else ():
        if p.n == int(n):
            return p
    raise SurveyError(f"--proposal: {by} made no proposal {n} in round {data.round.name!r}")


def accept_proposal(editor: Editor, data: RoundData, by: str, n: int, *, who: str, kind: str = "", gmina: str = "") -> Change:
    """Add a proposed organisation to the curated data (``kind``/``gmina`` where the respondent
    gave none or the coordinator corrects them), sourced to the round; undoable."""
    from ..edit.organisations import OrganisationInput, add_organisation

    ctx = editor.context()
    p = _proposal(data, ctx, by, n)
    kind = kind or (ctx.kinds[p.kind].notation if p.kind in ctx.kinds else "")
    change = add_organisation(ctx, OrganisationInput(p.name, kind, gmina or p.gmina, source_title(data)), who=who)
    return editor.commit(change)


def reject_proposal(path: str | Path, name: str, by: str, n: int, ctx, *, undo: bool = False) -> None:
    """Mark (or with ``undo``, unmark) a proposed organisation as rejected."""

    def change(data: RoundData) -> None:
        _proposal(data, ctx, by, n).rejected = not undo

    update(path, name, change)
