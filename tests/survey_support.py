"""Shared set-up of the survey tests: a copy of the bundled data and a round over it."""

from __future__ import annotations

import shutil
from pathlib import Path

from graph.edit.lookup import Context
from graph.model import ESO, EST
from graph.settings import DATA_DIR, Settings
from graph.store import open_store
from graph.survey import create_round

# B is MGOPS Wąchock, not MOPS Starachowice: MOPS was dissolved by 2021-11-25 (S17), so no round after that invites it
A, B, C, D = (str(ESO[x]) for x in ("koowes", "mgops-wachock", "pup-starachowice", "ss-integracja"))
ADVICE, REFERRAL = str(EST.advice), str(EST.referral)


def data_copy(tmp_path: Path) -> Settings:
    """The bundled entities in a temporary folder (edits and round files land there)."""
    target = tmp_path / "entities.ttl"
    shutil.copy(DATA_DIR / "entities.ttl", target)
    return Settings(data=(target,))


def new_round(settings: Settings, name: str = "r1", **kw):
    ctx = Context(open_store(settings))
    path, data, tokens, _ = create_round(settings.edit_file, name, ctx, **kw)
    return ctx, path, data, tokens
