"""Opening, closing and guarding a round: personal links and their tokens.

A link's token is ``secrets.token_urlsafe(32)`` (256 random bits); the round
file keeps only its SHA-256, so the file leaks no working link.  A token is
looked up by its hash and compared with ``hmac.compare_digest``; a wrong one
costs a growing delay (:class:`graph.access.Throttle`, the editor password's),
a revoked or expired link or a closed round is refused at once.

>>> t = new_token(); len(t) >= 43 and token_hash(t) != t
True
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

from ..access import Attempts, Throttle
from ..edit.changes import now_utc
from ..edit.lookup import Context, OrgRecord
from .records import ROUND_NAME, Invitation, Round, RoundData, SurveyError, check_round_name, round_path
from .storage import load_round, update

__all__ = [
    "new_token",
    "token_hash",
    "Access",
    "open_link",
    "create_round",
    "round_day",
    "NewRound",
    "invited_orgs",
    "Invitees",
    "revoke",
    "close_round",
    "reissue",
    "link_rows",
    "end_of_day",
    "round_files",
    "open_any",
]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(str(token).encode("utf-8")).hexdigest()


def end_of_day(text: str | None, field: str = "--expires") -> str | None:
    """``2026-06-30`` -> ``2026-06-30T23:59:59Z`` (a link works through the whole day, UTC)."""
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise SurveyError(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None
    return f"{day.isoformat()}T23:59:59Z"


def _as_of(text: str | None) -> str | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text).strip()).isoformat()
    except ValueError:
        raise SurveyError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Access:
    """What a token opens: ``ok`` with the organisation, or why not (``reason``:
    ``unknown``, ``revoked``, ``expired``, ``closed``, ``wait``)."""

    ok: bool
    reason: str = ""
    org: str | None = None
    wait: float = 0.0


def _expired(when: str | None, now: str) -> bool:
    return bool(when) and now > when


def open_link(path: str | Path, name: str, token: str, *, throttle: Throttle, attempts: Attempts, now: str | None = None) -> Access:
    """The organisation ``token`` opens in the round, read afresh from its file (revoking and closing act at once)."""
    now = now or now_utc()
    wait = throttle.wait(attempts)
    if wait > 0:
        return Access(False, "wait", wait=wait)
    token = str(token or "")[:200]
    data = load_round(path, name)
    given = token_hash(token)
    inv = data.by_hash().get(given)
    # the comparison itself is constant-time, and a miss counts as a wrong password
    verdict = throttle.try_password(given, inv.token_hash if inv else "-", attempts)
    if not verdict.ok or inv is None:
        return Access(False, "unknown" if verdict.checked else "wait", wait=verdict.wait)
    if not hmac.compare_digest(given, inv.token_hash):  # pragma: no cover - try_password compared already
        return Access(False, "unknown")
    if data.round.closed:
        return Access(False, "closed", inv.org)
    if inv.revoked:
        return Access(False, "revoked", inv.org)
    if _expired(inv.expires, now) or _expired(data.round.expires, now):
        return Access(False, "expired", inv.org)
    return Access(True, org=inv.org)


@dataclass(frozen=True)
class Invitees:
    """Whom a round invites: ``orgs`` (sorted by label), the chosen kind IRIs (empty: all) and
    ``left_out``, the organisations of those kinds that do not exist on the round's day."""

    orgs: tuple[OrgRecord, ...]
    kinds: tuple[str, ...]
    left_out: tuple[OrgRecord, ...] = ()


class NewRound(NamedTuple):
    """What :func:`create_round` returns: the round file, the round, the tokens by organisation
    IRI (shown once, never stored) and the organisations left out (not existing on the round's day)."""

    path: Path
    data: RoundData
    tokens: dict[str, str]
    left_out: tuple[OrgRecord, ...]


def _by_label(orgs) -> tuple[OrgRecord, ...]:
    return tuple(sorted(orgs, key=lambda o: (o.label.casefold(), o.iri)))


def invited_orgs(ctx: Context, kinds: list[str] | tuple[str, ...] = (), *, day: str | None = None) -> Invitees:
    """The organisations of the data to invite: all with a kind, or those of ``kinds`` (notations
    or labels), that exist on ``day`` (YYYY-MM-DD; None: every organisation) by the one as-of
    rule (:func:`graph.dates.holds` over founding and dissolution, at the precision the data gives)."""
    chosen = []
    for k in kinds:
        if k == "all":
            continue
        c = ctx.find_concept(ctx.kinds, k)
        if c is None:
            names = ", ".join(sorted(c.notation for c in ctx.kinds.values()))
            raise SurveyError(f"--orgs: unknown organisation kind {k!r}; choose all or some of: {names}")
        chosen.append(c.iri)
    of_kind = [o for o in ctx.organisations.values() if o.kind and (not chosen or o.kind in chosen)]
    orgs = [o for o in of_kind if o.exists_on(day)]
    left_out = [o for o in of_kind if not o.exists_on(day)]
    if not orgs:
        gone = f" on {day} ({len(left_out)} did not exist then)" if left_out else ""
        raise SurveyError(f"--orgs: no organisation of the data to invite{gone}")
    return Invitees(_by_label(orgs), tuple(sorted(chosen)), _by_label(left_out))


def create_round(
    data_file: str | Path, name: str, ctx: Context, *, as_of=None, kinds=(), expires=None, label: str = "", now: str | None = None
) -> NewRound:
    """Open round ``name``: one link per organisation that exists on the round's day (``as_of``,
    else the UTC day of ``now``).  Returns the file, the round, the tokens by organisation IRI
    (shown once, never stored) and the organisations left out because they did not exist then."""
    name = check_round_name(name)
    path = round_path(data_file, name)
    now = now or now_utc()
    day = _as_of(as_of)
    invitees = invited_orgs(ctx, list(kinds), day=day or now[:10])
    exp = end_of_day(expires)
    if exp and exp < now:
        raise SurveyError(f"--expires: {expires} is already past")
    rnd = Round(name=name, label=label or name, as_of=day, expires=exp, created=now, kinds=invitees.kinds)
    tokens = {o.iri: new_token() for o in invitees.orgs}
    data = RoundData(rnd, {o: Invitation(o, token_hash(t), exp) for o, t in tokens.items()})
    update(path, name, lambda d: None, create=data)
    return NewRound(path, data, tokens, invitees.left_out)


def round_day(data: RoundData) -> str:
    """The day a round compares the data on: its as-of day, else the day it was created
    (UTC), on which :func:`create_round` invited; a round that names
    neither, today (UTC)."""
    return data.round.as_of or (data.round.created or "")[:10] or dt.datetime.now(dt.UTC).date().isoformat()


def link_rows(orgs: dict[str, OrgRecord], tokens: dict[str, str], base_url: str) -> list[dict[str, str]]:
    """Rows of the links CSV: ``organisation`` (id), ``label``, ``url`` (``<base>/survey?t=TOKEN``)."""
    base = str(base_url or "http://127.0.0.1:8502").rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise SurveyError(f"--base-url: {base_url!r} must start with http:// or https://")
    rows = []
    for iri, token in tokens.items():
        rec = orgs.get(iri)
        rows.append(
            {"organisation": rec.local if rec else iri, "label": rec.label if rec else iri, "url": f"{base}/survey?t={quote(token)}"}
        )
    return sorted(rows, key=lambda r: (r["label"].casefold(), r["organisation"]))


def _find_invitation(data: RoundData, org: str) -> Invitation:
    from ..model import ESO

    for key in (org, f"{ESO}{org}", f"{ESO}{org.removeprefix('eso:')}"):
        if key in data.invitations:
            return data.invitations[key]
    raise SurveyError(f"--org: {org!r} is not invited to round {data.round.name!r}")


def revoke(path: str | Path, name: str, orgs: list[str], *, now: str | None = None) -> list[str]:
    """Revoke the links of ``orgs`` (ids or IRIs); takes effect on the next page load."""
    now = now or now_utc()

    def change(data: RoundData):
        done = []
        for o in orgs:
            inv = _find_invitation(data, o)
            inv.revoked = inv.revoked or now
            done.append(inv.org)
        return done

    return update(path, name, change)


def reissue(path: str | Path, name: str, orgs: list[str]) -> dict[str, str]:
    """New links for ``orgs`` (the old ones stop working); returns the new tokens."""

    def change(data: RoundData):
        out = {}
        for o in orgs:
            inv = _find_invitation(data, o)
            token = new_token()
            inv.token_hash, inv.revoked = token_hash(token), None
            out[inv.org] = token
        return out

    return update(path, name, change)


def close_round(path: str | Path, name: str, *, now: str | None = None) -> str:
    """Close the round: every link is refused from now on; answers stay for the coordinator."""
    now = now or now_utc()

    def change(data: RoundData):
        data.round.closed = data.round.closed or now
        return data.round.closed

    return update(path, name, change)


def round_files(data_file: str | Path) -> dict[str, Path]:
    """The rounds beside ``data_file``: name -> file."""
    data_file = Path(data_file)
    prefix = f"{data_file.stem}.survey-"
    out = {}
    for p in sorted(data_file.parent.glob(f"{prefix}*.ttl")):
        name = p.name[len(prefix) : -len(".ttl")]
        if ROUND_NAME.match(name):
            out[name] = p
    return out


def open_any(
    data_file: str | Path, token: str, *, throttle: Throttle, attempts: Attempts, only: str | None = None, now=None
) -> tuple[str | None, Access]:
    """The round (of those beside ``data_file``, or only ``only``) and organisation ``token`` opens.

    Files are first searched for the token's hash as text (cheap), then the
    round holding it is read and checked by :func:`open_link`.  A token found
    nowhere counts as a wrong password.
    """
    wait = throttle.wait(attempts)
    if wait > 0:
        return None, Access(False, "wait", wait=wait)
    given = token_hash(str(token or "")[:200]).encode()
    files = round_files(data_file)
    if only:
        files = {only: files[only]} if only in files else {}
    for name, path in files.items():
        try:
            found = given in path.read_bytes()
        except OSError:
            continue
        if found:
            return name, open_link(path, name, token, throttle=throttle, attempts=attempts, now=now)
    verdict = throttle.try_password(given.decode(), "-", attempts)
    return None, Access(False, "unknown" if verdict.checked else "wait", wait=verdict.wait)
