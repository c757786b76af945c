"""Synthetic partnership graphs on the real GUS territorial skeleton.

The territorial units (voivodeships, powiaty, gminy) come from the GUS TERC
register and are real: they cite ``essrc:gus-terc-2020`` and are not marked
synthetic.  Everything else (organisations, ties, the per-powiat agreements,
memberships and their intervals) is invented: ``a es:SyntheticResource``,
``es:isSynthetic true``, ``prov:wasDerivedFrom essrc:synthetic-generator``,
labels starting with ``[SYNT]`` and IRIs starting with ``synt-``.

Kinds of social-economy entities (PES) follow the proportions of FACTS.md S7
(Świętokrzyskie, 2015): per 102 gminy 312 NGOs with economic activity (here
associations, foundations and LGDs), 47 social cooperatives, 13 work
cooperatives plus 2 cooperatives of the disabled (legally work cooperatives),
4 ZAZ, 6 CIS, 11 KIS, 26 WTZ; non-profit companies (not in S7) are an
assumption.  The density is a multiple of S7 per scale (:data:`PROFILES`),
tuned so the files have about 10k / 100k / 1M triples: 1x at country scale,
4.4x for the voivodeship (about 1,370 NGOs, still below the 3,578 NGOs S7
counts in all), 8x for the county (a detailed case: ~170 PES in 5 gminy).
About a fifth of the rural gminy get no PES at all, so coverage gaps exist.

Cities with powiat rights have no starostwo and no PCPR: the city office acts
as the powiat and its MOPR (kind ``ops``) as the PCPR, as in reality.  At county
scale the skeleton holds one powiat only, so the voivodeship bodies (marshal's
office, ROPS, OWES) are seated in the county's main town instead of the
regional capital (the marshal's office and ROPS still serve the voivodeship).
Unit labels and the GUS source match ``data/territory.ttl``, so they merge.

The Turtle is written line by line (no rdflib graph), then parsed by
pyoxigraph and written in the stable sorted form edits use
(:mod:`graph.edit.turtle`) and stamped as such, so a first edit rewrites only
its blocks (:mod:`graph.edit.splice`); the 1M-triple file takes about 20 s.
Output is byte-identical for the same seed.

Modules: ``scales`` (skeleton, profiles, S7 proportions), ``turtle`` (terms),
``generator`` (the state and the writing primitives), ``bodies`` (units and
organisations), ``ties``, ``agreements``; this module runs them in order.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from graph.edit.splice import write_stamp
from graph.edit.writeback import render, verify, write_atomic
from graph.terc import DEFAULT_TERC, Unit, read_terc

from .agreements import write_agreements
from .bodies import write_header, write_public_bodies, write_social_economy, write_units
from .generator import Generator
from .scales import (
    COUNTY_CODE,
    PES_KINDS,
    PROFILES,
    S7_PER_102_GMINY,
    SCALES,
    VOIVODESHIP_CODE,
    Profile,
    Skeleton,
    SyntheticError,
    SyntheticStats,
    load_skeleton,
)
from .ties import write_ties

__all__ = [
    "SCALES",
    "DEFAULT_TERC",
    "COUNTY_CODE",
    "VOIVODESHIP_CODE",
    "S7_PER_102_GMINY",
    "PES_KINDS",
    "PROFILES",
    "Profile",
    "SyntheticError",
    "Unit",
    "Skeleton",
    "SyntheticStats",
    "read_terc",
    "load_skeleton",
    "generate",
    "write_synthetic",
]


def _build(scale: str, seed: int, teryt_path: str | os.PathLike[str]) -> tuple[list[str], SyntheticStats]:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SyntheticError(f"seed must be an integer, got {seed!r}")
    skeleton = load_skeleton(scale, teryt_path=teryt_path)
    gen = Generator(skeleton, seed)
    for write in (write_header, write_units, write_public_bodies, write_social_economy, write_ties, write_agreements):
        write(gen)  # in this order: the random draws follow it
    chunks = gen.out
    stats = SyntheticStats(scale, seed, gen.triples, gen.n_orgs, gen.n_ties, gen.n_members, len(skeleton.gminy))
    return chunks, stats


def generate(scale: str, *, seed: int, teryt_path: str | os.PathLike[str] = DEFAULT_TERC) -> str:
    """The synthetic graph of ``scale`` as stable sorted Turtle (same seed, same text).

    >>> text = generate("county", seed=1)
    >>> "\\nterc:2611032\\n    a " in text and "    a es:Gmina ;\\n" in text and "[SYNT] " in text
    True
    """
    return _stable(_build(scale, seed, teryt_path)[0]).decode("utf-8")


def _stable(chunks: list[str]) -> bytes:
    """The generated text in the stable form (parsed back and checked before it is returned)."""
    raw = "".join(chunks).encode("utf-8")
    triples = {q.triple for q in ox.parse(raw, format=ox.RdfFormat.TURTLE)}
    data = render(triples, raw)
    verify(data, triples)
    return data


def write_synthetic(scale: str, *, seed: int, out: str | os.PathLike[str],
                    teryt_path: str | os.PathLike[str] = DEFAULT_TERC) -> SyntheticStats:  # fmt: skip
    """Write the graph of ``scale`` to ``out`` atomically; return what it holds."""
    out = Path(out)
    if not out.parent.is_dir():
        raise SyntheticError(f"output folder does not exist: {out.parent}")
    chunks, stats = _build(scale, seed, teryt_path)
    data = _stable(chunks)
    write_atomic(out, data)
    write_stamp(out, data)
    return stats
