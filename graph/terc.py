"""The GUS TERC register: voivodeships, powiaty and gminy with their codes.

``read_terc`` reads the semicolon-separated TERC file (bundled in
``data/teryt/``) into :class:`Unit` values; a missing file or a bad row raises
:class:`TercError` naming ``file:line``.  Used by the synthetic-data
generator, the import (gmina codes) and the data-entry forms (gmina picker).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import GraphError

__all__ = ["DEFAULT_TERC", "TERC_HEADER", "TERC_ATTRIBUTION", "TercError", "Unit", "read_terc", "gminy_by_code"]

DEFAULT_TERC = Path(__file__).resolve().parents[1] / "data" / "teryt" / "TERC_2020-01-01.csv"
TERC_HEADER = ("WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA")
TERC_ATTRIBUTION = "Źródło: GUS, rejestr TERYT (TERC), stan na 2020-01-01"


class TercError(GraphError, ValueError):
    """A TERC file that cannot be read; the message names ``file:line``."""


@dataclass(frozen=True)
class Unit:
    """A territorial unit from TERC: code of 2 (voivodeship), 4 or 7 digits."""

    code: str
    name: str
    level: str  # "voivodeship" | "powiat" | "gmina"
    parent: str | None = None
    rodz: int | None = None  # gmina kind: 1 miejska, 2 wiejska, 3 miejsko-wiejska
    city: bool = False  # a city with powiat rights (the powiat or its gmina)


def _digits(value: str, n: int, what: str, where: str) -> None:
    if len(value) != n or not value.isdigit():
        raise TercError(f"{where}: {what} must be {n} digits, got {value!r}")


def read_terc(path: str | os.PathLike[str] = DEFAULT_TERC) -> list[Unit]:
    """All voivodeships, powiaty and gminy (RODZ 1-3) of a GUS TERC CSV file.

    Parts of gminy (RODZ 4, 5, 8, 9) are skipped.  A missing file or a bad
    row raises :class:`TercError` naming ``file:line``.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TercError(f"TERC file not found: {path}") from None
    except OSError as exc:
        raise TercError(f"cannot read TERC file {path}: {exc.strerror}") from None
    units: list[Unit] = []
    seen: dict[str, Unit] = {}
    for lineno, line in enumerate(raw.split(b"\n"), start=1):
        where = f"{path}:{lineno}"
        try:
            text = line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            raise TercError(f"{where}: not UTF-8 text") from None
        if not text.strip():
            continue
        fields = text.split(";")
        if lineno == 1:
            if tuple(f.strip().lstrip("\ufeff") for f in fields) != TERC_HEADER:
                raise TercError(f"{where}: expected header {';'.join(TERC_HEADER)}, got {text!r}")
            continue
        if len(fields) != len(TERC_HEADER):
            raise TercError(f"{where}: expected 7 ';'-separated fields, got {len(fields)}")
        woj, pow_, gmi, rodz, name = (f.strip() for f in fields[:5])
        kind = fields[5].strip()
        _digits(woj, 2, "WOJ", where)
        if not name:
            raise TercError(f"{where}: empty NAZWA")
        if not pow_:
            if gmi or rodz:
                raise TercError(f"{where}: GMI/RODZ given without POW")
            unit = Unit(woj, name, "voivodeship")
        else:
            _digits(pow_, 2, "POW", where)
            if not gmi:
                if rodz:
                    raise TercError(f"{where}: RODZ given without GMI")
                unit = Unit(woj + pow_, name, "powiat", woj, city="na prawach powiatu" in kind)
            else:
                _digits(gmi, 2, "GMI", where)
                _digits(rodz, 1, "RODZ", where)
                if rodz not in "123":
                    continue  # a town, rural area or district: part of a gmina
                unit = Unit(woj + pow_ + gmi + rodz, name, "gmina", woj + pow_, int(rodz))
        if unit.parent is not None and unit.parent not in seen:
            raise TercError(f"{where}: {unit.level} {unit.code} comes before its parent {unit.parent}")
        if unit.code in seen:
            raise TercError(f"{where}: duplicate TERC code {unit.code}")
        if unit.level == "gmina" and seen[unit.parent].city:
            unit = Unit(unit.code, unit.name, "gmina", unit.parent, unit.rodz, city=True)
        seen[unit.code] = unit
        units.append(unit)
    return units


@cache
def gminy_by_code(path: str | os.PathLike[str] = DEFAULT_TERC) -> dict[str, Unit]:
    """Every gmina of the file by its 7-digit code (read once per path)."""
    return {u.code: u for u in read_terc(path) if u.level == "gmina"}
