"""Where a round lives, and writing it safely.

Beside the data file it asks about (never loaded into the curated store):

* ``<data stem>.survey-<round>.ttl``: the round and its links (SHA-256 of
  each token);
* ``<data stem>.survey-<round>.answers/<organisation>.ttl``: one file per
  answering organisation (its response, claimed ties and proposals).

So a respondent's save writes one small file, whatever the size of the
round.  Every write holds the round file's lock (``<round file>.lock``),
re-reads what it changes inside it, and replaces files atomically with
stable sorted, verified Turtle (:mod:`graph.edit.writeback`): concurrent
respondents and the coordinator lose nothing.  Readers share one parsed copy
per version of the files (:func:`load`).
"""

from __future__ import annotations

import copy
import gc
import os
import threading
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from ..edit.turtle import serialise
from ..edit.writeback import locked, verify, write_atomic
from ..io import check_regular, read_limited, syntax_error
from .records import (
    SURVEY_PREFIXES,
    Response,
    RoundData,
    SurveyError,
    answers_dir,
    from_triples,
    invitation_triples,
    org_key,
    response_triples,
    round_triples,
)

__all__ = ["load", "load_round", "update", "update_response", "no_gc", "MAX_FILE_BYTES"]

#: Any one file of a round is refused beyond this size.
MAX_FILE_BYTES = 100 << 20
_HEADER = "# Survey round {name!r}: {what}, kept apart from the curated data (docs/survey.md).\n# Share it only with the coordinator.\n\n"


@contextmanager
def no_gc():
    """Many small objects at once: Python's cyclic collector would rescan them all repeatedly."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _parse(path: Path) -> Iterable:
    raw = read_limited(path, max_bytes=MAX_FILE_BYTES)
    try:
        return list(ox.parse(raw, format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise syntax_error(str(path), exc) from None


def _missing(path: Path, name: str) -> SurveyError:
    return SurveyError(f"{path}: no survey round {name!r} here (create it with `python -m graph survey create --round {name}`)")


def _answer_files(path: Path) -> list[Path]:
    folder = answers_dir(path)
    return sorted(folder.glob("*.ttl")) if folder.is_dir() else []


def _version(path: Path, files: list[Path]) -> tuple:
    out = []
    for p in [path, *files]:
        st = check_regular(p)
        out.append((p.name, st.st_ino, st.st_mtime_ns, st.st_size) if st else (p.name,))
    return tuple(out)


_CACHE: dict[tuple, tuple[tuple, RoundData]] = {}
_CACHE_LOCK = threading.Lock()


def _cached(key: tuple, version: tuple, read: Callable[[], RoundData], fresh: bool) -> RoundData:
    if not fresh:
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit and hit[0] == version:
            return hit[1]
    data = read()
    if not fresh:
        with _CACHE_LOCK:
            if len(_CACHE) > 16:
                _CACHE.clear()
            _CACHE[key] = (version, data)
    return data


def load(path: str | Path, name: str, *, fresh: bool = False) -> RoundData:
    """The whole round (links and every answer).  Shared between readers per version of
    the files: treat it as read-only; ``fresh`` parses anew."""
    path = Path(path)
    if not path.exists():
        raise _missing(path, name)
    files = _answer_files(path)

    def read() -> RoundData:
        with no_gc():
            return from_triples(chain(_parse(path), *(_parse(f) for f in files)), name, str(path))

    return _cached(("all", str(path), name), _version(path, files), read, fresh)


def load_round(path: str | Path, name: str, org: str | None = None, *, fresh: bool = False) -> RoundData:
    """The round and its links, with only ``org``'s answer (what a respondent's page needs)."""
    path = Path(path)
    if not path.exists():
        raise _missing(path, name)
    files = [answers_dir(path) / f"{org_key(org)}.ttl"] if org else []
    files = [f for f in files if f.exists()]

    def read() -> RoundData:
        with no_gc():
            return from_triples(chain(_parse(path), *(_parse(f) for f in files)), name, str(path))

    return _cached(("one", str(path), name, org), _version(path, files), read, fresh)


def _write(path: Path, triples: set, name: str, what: str) -> None:
    out = serialise(triples, prefixes=SURVEY_PREFIXES, header=_HEADER.format(name=name, what=what))
    verify(out, triples)
    write_atomic(path, out)


def _write_round(path: Path, data: RoundData) -> None:
    triples = round_triples(data.round)
    for inv in data.invitations.values():
        triples |= invitation_triples(data.round, inv)
    _write(path, triples, data.round.name, "the round and its links (token hashes only)")


def _write_response(path: Path, data: RoundData, resp: Response) -> None:
    folder = answers_dir(path)
    if not folder.exists():
        folder.mkdir(mode=0o700)
    _write(folder / f"{org_key(resp.org)}.ttl", response_triples(data.round, resp), data.round.name, "one organisation's answer")


def update(path: str | Path, name: str, change: Callable[[RoundData], object], *, create: RoundData | None = None):
    """Apply ``change`` to the whole round under its lock (re-read inside it); write back
    the round file and the answers ``change`` altered.  ``create``: a new round (the file
    must not exist).  Returns what ``change`` returns."""
    path = Path(path)
    with locked(path):
        if create is not None:
            if path.exists():
                raise SurveyError(f"{path}: round {name!r} already exists; choose another name")
            data = create
        else:
            data = load(path, name, fresh=True)
        before = copy.deepcopy(data.responses)
        result = change(data)
        _write_round(path, data)
        if create is not None:
            os.chmod(path, 0o600)  # links and answers: the coordinator's eyes only (kept by later writes)
        for org, resp in data.responses.items():
            if before.get(org) != resp:
                _write_response(path, data, resp)
    return result


def update_response(path: str | Path, name: str, org: str, change: Callable[[RoundData], Response]) -> Response:
    """Change one organisation's answer under the round's lock: only the round's links and
    that answer are read, and only that answer's file is written."""
    path = Path(path)
    with locked(path):
        data = load_round(path, name, org, fresh=True)
        resp = change(data)
        _write_response(path, data, resp)
    return resp
