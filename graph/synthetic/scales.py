"""What each scale holds: the real units of the skeleton (:func:`load_skeleton`)
and the density profile, as multiples of the FACTS.md S7 proportions (see
:mod:`graph.synthetic`)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from graph.terc import DEFAULT_TERC, TercError, Unit, read_terc

__all__ = [
    "SCALES",
    "COUNTY_CODE",
    "VOIVODESHIP_CODE",
    "S7_PER_102_GMINY",
    "PES_KINDS",
    "FACILITIES",
    "NGOS",
    "CAPITALS",
    "Profile",
    "PROFILES",
    "SyntheticError",
    "Skeleton",
    "SyntheticStats",
    "load_skeleton",
]

SCALES: tuple[str, ...] = ("county", "voivodeship", "country")
COUNTY_CODE = "2611"  # powiat starachowicki
VOIVODESHIP_CODE = "26"  # Świętokrzyskie

#: PES per 102 gminy (one voivodeship), after FACTS.md S7; see module docstring.
S7_PER_102_GMINY: dict[str, int] = {
    "association": 232,
    "foundation": 68,
    "lgd": 12,
    "nonprofit_company": 6,
    "social_cooperative": 47,
    "work_cooperative": 15,
    "zaz": 4,
    "cis": 6,
    "kis": 11,
    "wtz": 26,
}
PES_KINDS: tuple[str, ...] = tuple(S7_PER_102_GMINY)
FACILITIES = frozenset({"zaz", "cis", "kis", "wtz"})
NGOS = ("association", "foundation")

#: Seats of the marshal's offices (urząd marszałkowski), by voivodeship code.
CAPITALS: dict[str, str] = {
    "02": "Wrocław", "04": "Toruń", "06": "Lublin", "08": "Zielona Góra",
    "10": "Łódź", "12": "Kraków", "14": "Warszawa", "16": "Opole",
    "18": "Rzeszów", "20": "Białystok", "22": "Gdańsk", "24": "Katowice",
    "26": "Kielce", "28": "Olsztyn", "30": "Poznań", "32": "Szczecin",
}  # fmt: skip


@dataclass(frozen=True)
class Profile:
    """Density knobs of one scale (all relative to the S7 proportions)."""

    pes_factor: float  # PES per gmina, as a multiple of S7's density
    firms_per_gmina: float  # mean firms per gmina
    renewals: int  # most consecutive yearly contracts between one pair


PROFILES: dict[str, Profile] = {
    "county": Profile(pes_factor=8.0, firms_per_gmina=20.0, renewals=4),
    "voivodeship": Profile(pes_factor=4.4, firms_per_gmina=8.0, renewals=3),
    "country": Profile(pes_factor=1.0, firms_per_gmina=6.0, renewals=3),
}


#: Bad input to the generator (scale, seed, TERC file); the message names what and where.
SyntheticError = TercError


@dataclass(frozen=True)
class Skeleton:
    """The real units of one scale, in TERC order."""

    scale: str
    voivodeships: tuple[Unit, ...]
    powiaty: tuple[Unit, ...]
    gminy: tuple[Unit, ...]


@dataclass(frozen=True)
class SyntheticStats:
    """What one generated file holds."""

    scale: str
    seed: int
    triples: int
    organisations: int
    ties: int
    memberships: int
    gminy: int


def _check_scale(scale: str) -> None:
    if scale not in SCALES:
        raise SyntheticError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")


def load_skeleton(scale: str, *, teryt_path: str | os.PathLike[str] = DEFAULT_TERC) -> Skeleton:
    """The real units of ``scale``: county = powiat 2611, voivodeship = 26, country = all."""
    _check_scale(scale)
    units = read_terc(teryt_path)
    if scale == "county":
        keep = lambda u: u.code == COUNTY_CODE[:2] or u.code[:4] == COUNTY_CODE  # noqa: E731
    elif scale == "voivodeship":
        keep = lambda u: u.code[:2] == VOIVODESHIP_CODE  # noqa: E731
    else:
        keep = lambda u: True  # noqa: E731
    chosen = [u for u in units if keep(u)]
    by_level = {lvl: tuple(u for u in chosen if u.level == lvl) for lvl in ("voivodeship", "powiat", "gmina")}
    if not by_level["gmina"]:
        raise SyntheticError(f"{teryt_path}: no gminy for scale {scale!r} in the file")
    return Skeleton(scale, by_level["voivodeship"], by_level["powiat"], by_level["gmina"])
