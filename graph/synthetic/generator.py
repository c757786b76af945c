"""One synthetic graph being written: the Turtle chunks, the counts, the seeded
random generator and the organisations written so far, with the primitives
that write a block, an organisation, a tie or a membership.

The content is written by free functions over a :class:`Generator`, in this
order: :mod:`.bodies` (header, units, public bodies, social economy),
:mod:`.ties`, :mod:`.agreements`.  The order of the random draws is the
output: the same seed gives the same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from graph.terc import Unit

from .scales import PROFILES, Skeleton
from .turtle import (
    A_INSTANT,
    A_INTERVAL,
    A_MEMBERSHIP,
    A_ORG,
    A_SYNT,
    A_TIE,
    ALT,
    AMOUNT,
    DERIVED,
    DIRECT,
    END,
    IS_SYNTH,
    KIND,
    LABEL,
    LOCATION,
    M_DURING,
    M_MEMBER,
    M_ORG,
    M_ROLE,
    NOT_LATER_THAN,
    SERVED,
    SRC_SYNT,
    START,
    T_BEGIN,
    T_DATE,
    TIE_FROM,
    TIE_KIND,
    TIE_TO,
    UPPER,
    literal,
    slug,
    xsd_date,
)

__all__ = ["FIRST_DAY", "LAST_DAY", "Org", "Generator"]

_PES_NAMES = {
    "association": "Stowarzyszenie", "foundation": "Fundacja", "lgd": "Lokalna Grupa Działania",
    "nonprofit_company": "Spółka non-profit", "social_cooperative": "Spółdzielnia Socjalna",
    "work_cooperative": "Spółdzielnia Pracy", "zaz": "Zakład Aktywności Zawodowej",
    "cis": "Centrum Integracji Społecznej", "kis": "Klub Integracji Społecznej",
    "wtz": "Warsztat Terapii Zajęciowej", "firm": "Przedsiębiorstwo",
}  # fmt: skip

FIRST_DAY, LAST_DAY = date(2014, 1, 1).toordinal(), date(2025, 12, 31).toordinal()


@dataclass(slots=True)
class Org:
    iri: str
    kind: str
    gmina: Unit
    active_from: int = FIRST_DAY  # first day its ties may start
    dormant: bool = False  # a "paper partner": never in a tie


class Generator:
    """Builds the Turtle text of one synthetic graph; one instance per file."""

    def __init__(self, skeleton: Skeleton, seed: int) -> None:
        self.sk, self.seed = skeleton, seed
        self.profile = PROFILES[skeleton.scale]
        self.rng = random.Random(seed)
        self.out: list[str] = []
        self.plain: set[str] = set()  # membership tests only, never iterated
        self.triples = self.n_orgs = self.n_ties = self.n_members = 0
        self.numbers: dict[str, int] = {}
        self.gminy_of: dict[str, list[Unit]] = {p.code: [] for p in skeleton.powiaty}
        for g in skeleton.gminy:
            self.gminy_of[g.parent].append(g)
        self.seat = {p: self._seat(gs) for p, gs in self.gminy_of.items()}
        self.office: dict[str, Org] = {}
        self.ops: dict[str, Org] = {}
        self.starostwo: dict[str, Org] = {}
        self.pcpr: dict[str, Org] = {}
        self.pup: dict[str, Org] = {}
        self.regional: dict[str, Org] = {}
        self.rops: dict[str, Org] = {}
        self.owes: dict[str, list[Org]] = {}
        self.owes_of: dict[str, Org] = {}
        self.pes: list[Org] = []
        self.firms: list[Org] = []
        self.lgd_of: dict[str, Org] = {}

    @staticmethod
    def _seat(gminy: list[Unit]) -> Unit:
        """Seat of a powiat: its first town (TERC gives no seats)."""
        return next((g for g in gminy if g.rodz == 1), None) or next((g for g in gminy if g.rodz == 3), gminy[0])

    # --- writing ------------------------------------------------------------
    def block(self, subj: str, types: list[str], pairs: list[tuple[str, str]], *, synthetic: bool = True,
              derived: bool = True) -> None:  # fmt: skip
        if synthetic:
            types = [*types, A_SYNT]
            pairs = [*pairs, (IS_SYNTH, "true")] + ([(DERIVED, SRC_SYNT)] if derived else [])
        body = " ;\n    ".join(f"{p} {o}" for p, o in pairs)
        self.out.append(f"{subj} a {', '.join(types)} ;\n    {body} .\n")
        self.triples += len(types) + len(pairs)

    def org(self, local: str, kind: str, gmina: Unit, label: str, *, alt: str | None = None,
            served: tuple[str, ...] = (), active_from: int = FIRST_DAY, dormant: bool = False) -> Org:  # fmt: skip
        iri = f"eso:synt-{local}"
        pairs = [(KIND, f"esk:{kind}"), (LABEL, literal("[SYNT] " + label))]
        if alt:
            pairs.append((ALT, literal(alt)))
        pairs.append((LOCATION, f"terc:{gmina.code}"))
        pairs += [(SERVED, f"terc:{code}") for code in served]
        self.block(iri, [A_ORG], pairs)
        self.n_orgs += 1
        return Org(iri, kind, gmina, active_from, dormant)

    def numbered(self, kind: str, gmina: Unit, **kw) -> Org:
        n = self.numbers[kind] = self.numbers.get(kind, 0) + 1
        return self.org(f"{slug(kind)}-{n}", kind, gmina, f"{_PES_NAMES[kind]} nr {n}, {gmina.name}", **kw)

    def tie(self, kind: str, frm: Org, to: Org, start: int, end: int | None = None, *,
            upper: bool = False, amount: int | None = None) -> None:  # fmt: skip
        start = min(start, LAST_DAY)
        if end is not None and (end > LAST_DAY or end <= start):
            end = None
        self.n_ties += 1
        pairs = [(TIE_KIND, f"est:{kind}"), (TIE_FROM, frm.iri), (TIE_TO, to.iri), (START, xsd_date(start))]
        if end is not None:
            pairs.append((END, xsd_date(end)))
        if upper:  # "in force by this day at the latest" (docs/adr/0006-date-precision.md)
            pairs.append((UPPER, NOT_LATER_THAN))
        if amount is not None:
            pairs.append((AMOUNT, str(amount)))
        self.block(f"estie:synt-{slug(kind)}-{self.n_ties}", [A_TIE], pairs)
        plain = f"{frm.iri} {DIRECT[kind]} {to.iri} .\n"
        if plain not in self.plain:
            self.plain.add(plain)
            self.out.append(plain)
            self.triples += 1

    def membership(self, agreement: str, org: Org, role: str, start: int) -> None:
        m = f"esm:synt-{agreement.split('synt-', 1)[1]}-{org.iri.split('synt-', 1)[1]}"
        when = xsd_date(start)
        self.block(m, [A_MEMBERSHIP], [(M_MEMBER, org.iri), (M_ORG, agreement), (M_ROLE, f"esrole:{role}"),
                                       (M_DURING, f"{m}-during"), (START, when)])  # fmt: skip
        self.block(f"{m}-during", [A_INTERVAL], [(T_BEGIN, f"{m}-start")], derived=False)
        self.block(f"{m}-start", [A_INSTANT], [(T_DATE, when)], derived=False)
        self.n_members += 1

    # --- random helpers -----------------------------------------------------
    def day(self, lo: int, hi: int = LAST_DAY) -> int:
        return self.rng.randint(lo, max(lo, hi))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p
