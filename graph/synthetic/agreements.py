"""One partnership agreement per powiat and its memberships: the powiat's
bodies, most gmina offices and OPS, some entities and firms (among them a
"paper partner" that never acts), some joining after the signing."""

from __future__ import annotations

from datetime import date

from .bodies import powiat_label
from .generator import Generator, Org
from .turtle import A_COLLAB, LABEL, LOCATION, SERVED, literal

__all__ = ["write_agreements"]


def write_agreements(gen: Generator) -> None:
    rng, chance = gen.rng, gen.chance
    pes_of: dict[str, list[Org]] = {}
    for o in gen.pes:
        pes_of.setdefault(o.gmina.parent, []).append(o)
    firms_of: dict[str, list[Org]] = {}
    for o in gen.firms:
        firms_of.setdefault(o.gmina.parent, []).append(o)
    for p in gen.sk.powiaty:
        agreement = f"eso:synt-porozumienie-{p.code}"
        seat = gen.seat[p.code]
        gen.block(
            agreement,
            [A_COLLAB],
            [
                (LABEL, literal(f"[SYNT] Porozumienie o partnerskiej współpracy na rzecz rozwoju ekonomii społecznej, {powiat_label(p)}")),
                (LOCATION, f"terc:{seat.code}"),
                (SERVED, f"terc:{p.code}"),
            ],
        )
        signed = gen.day(date(2017, 1, 1).toordinal(), date(2020, 12, 31).toordinal())
        # (org, role, chance of joining later than the signing)
        members = [
            (gen.starostwo[p.code], "signatory", 0.0),
            (gen.pup[p.code], "signatory", 0.0),
            (gen.pcpr[p.code], "signatory", 0.0),
            (gen.rops[p.parent], "initiator", 0.0),
            (gen.owes_of[p.code], "supporter", 0.0),
        ]
        for g in gen.gminy_of[p.code]:
            if chance(0.9):
                members.append((gen.office[g.code], "signatory", 0.12))
            if chance(0.6):
                members.append((gen.ops[g.code], "signatory", 0.2))
        pes, firms = pes_of.get(p.code, []), firms_of.get(p.code, [])
        for pool, n in ((pes, max(1, round(0.12 * len(pes)))), (firms, rng.randint(1, 3))):
            chosen = rng.sample(pool, min(n, len(pool)))
            paper = [o for o in pool if o.dormant]  # signatories that never act: "paper partners"
            if paper and not any(o.dormant for o in chosen):
                chosen[0] = rng.choice(paper)
            members += [(o, "signatory", 0.3) for o in chosen]
        seen: set[str] = set()  # membership tests only
        for org, role, later in members:
            if org.iri in seen:  # a city's office and MOPR also act as the powiat and PCPR
                continue
            seen.add(org.iri)
            late = chance(later) or org.active_from > signed
            start = gen.day(max(signed + 30, org.active_from)) if late else signed
            gen.membership(agreement, org, role, start)
