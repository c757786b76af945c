"""Ties between the organisations: the public bodies' own structure, OWES
support, grants and contracts for each kind of entity, operators of the
facilities, referrals, and firms buying from the social economy."""

from __future__ import annotations

from datetime import date

from .generator import FIRST_DAY, LAST_DAY, Generator, Org
from .scales import NGOS

__all__ = ["write_ties"]

_OWES_PERIODS = ((2016, 9, 1, 2019, 8, 31), (2019, 9, 1, 2023, 6, 30), (2023, 7, 1, None, None, None))


def yearly(gen: Generator, kind: str, frm: Org, to: Org, *, renewals: int, amount: tuple[int, int] | None = None) -> None:
    """Up to ``renewals`` consecutive one-year ties (contracts, grants)."""
    start = gen.day(max(frm.active_from, to.active_from))
    for _ in range(gen.rng.randint(1, renewals)):
        if start > LAST_DAY:
            return
        money = gen.rng.randrange(amount[0], amount[1], 500) if amount else None
        gen.tie(kind, frm, to, start, start + 364, amount=money)
        start += 365 + gen.rng.randint(0, 40)


def owes_support(gen: Generator, owes: Org, pes: Org, kind: str) -> None:
    """Advice over one or two OWES project periods, or a one-year grant for new jobs."""
    periods = []
    for y0, m0, d0, y1, m1, d1 in _OWES_PERIODS:
        lo, hi = date(y0, m0, d0).toordinal(), date(y1, m1, d1).toordinal() if y1 else None
        if (hi or LAST_DAY) - 60 > pes.active_from:
            periods.append((max(lo, pes.active_from), hi))
    if not periods:
        return
    if kind == "funding":
        lo, hi = gen.rng.choice(periods)
        jobs, per_job = gen.rng.randint(2, 6), gen.rng.choice((20000, 23000, 24000, 25000, 30000))
        start = gen.day(lo, (hi or LAST_DAY) - 60)
        gen.tie("funding", owes, pes, start, start + 365, amount=jobs * per_job)
        return
    for lo, hi in gen.rng.sample(periods, min(len(periods), gen.rng.randint(1, 2))):
        gen.tie("advice", owes, pes, gen.day(lo, (hi or LAST_DAY) - 60), hi)


def operator(gen: Generator, unit: Org, ngos: dict[str, list[Org]], public: Org, p_public: float) -> None:
    local = ngos.get(unit.gmina.code) or ngos.get(unit.gmina.parent)
    op = public if not local or gen.chance(p_public) else gen.rng.choice(local)
    gen.tie("operation", op, unit, max(unit.active_from, op.active_from), upper=unit.active_from == FIRST_DAY)


def write_ties(gen: Generator) -> None:
    rng, chance, ren = gen.rng, gen.chance, gen.profile.renewals
    y2015 = date(2015, 1, 1).toordinal()
    for v, rops in gen.rops.items():
        gen.tie("unit_of", rops, gen.regional[v], gen.day(FIRST_DAY, FIRST_DAY + 364), upper=True)
        for owes in gen.owes[v]:
            gen.tie("coordination", rops, owes, gen.day(date(2016, 9, 1).toordinal(), date(2016, 12, 31).toordinal()))
            for y0, m0, d0, y1, m1, d1 in _OWES_PERIODS:
                start = date(y0, m0, d0).toordinal() - rng.randint(30, 120)
                end = date(y1, m1, d1).toordinal() if y1 else None
                gen.tie("funding", gen.regional[v], owes, start, end, amount=rng.randrange(3_000_000, 9_000_000, 1000))
    for p in gen.sk.powiaty:
        st = gen.starostwo[p.code]
        for unit in [gen.pup[p.code]] if p.city else [gen.pcpr[p.code], gen.pup[p.code]]:
            gen.tie("unit_of", unit, st, gen.day(FIRST_DAY, FIRST_DAY + 364), upper=True)
    for g in gen.sk.gminy:
        office, ops = gen.office[g.code], gen.ops[g.code]
        gen.tie("unit_of", ops, office, gen.day(FIRST_DAY, FIRST_DAY + 364), upper=True)
        if chance(0.5):  # ROPS advises local government and OPS across the voivodeship (S6)
            start = gen.day(y2015)
            gen.tie("advice", gen.rops[g.code[:2]], rng.choice((office, ops)), start, start + rng.randint(30, 365) if chance(0.4) else None)
        if chance(0.15):
            owes_support(gen, gen.owes_of[g.parent], office, "advice")
    active = [o for o in gen.pes if not o.dormant]
    ngos: dict[str, list[Org]] = {}
    for o in active:
        if o.kind in NGOS:
            ngos.setdefault(o.gmina.code, []).append(o)
            ngos.setdefault(o.gmina.parent, []).append(o)
    for o in active:
        g, k = o.gmina, o.kind
        office, ops, p = gen.office[g.code], gen.ops[g.code], g.parent
        st, pcpr, pup = gen.starostwo[p], gen.pcpr[p], gen.pup[p]
        owes = rng.choice(gen.owes[g.code[:2]]) if chance(0.1) else gen.owes_of[p]
        if chance(0.55):
            owes_support(gen, owes, o, "advice")
        if k == "social_cooperative":
            if chance(0.75):
                owes_support(gen, owes, o, "funding")
            for founder, p_found in ((office, 0.35), (st, 0.15)):
                if chance(p_found):
                    found = o.active_from == FIRST_DAY
                    gen.tie("cofounding", founder, o, gen.day(FIRST_DAY, FIRST_DAY + 364) if found else o.active_from, upper=found)
            if chance(0.4):
                yearly(gen, "contracting", office, o, renewals=ren)
            if chance(0.3):
                gen.tie("funding", pup, o, gen.day(o.active_from), amount=rng.randint(1, 5) * 24000)
            if chance(0.3):
                gen.tie("referral", ops, o, gen.day(o.active_from))
        elif k in NGOS:
            if chance(0.4):
                yearly(gen, "funding", office, o, renewals=ren, amount=(5000, 120000))
            if chance(0.25):
                other = ops if chance(0.85) else gen.ops[rng.choice(gen.gminy_of[p]).code]
                yearly(gen, "contracting", other, o, renewals=ren)
            lgd = gen.lgd_of.get(g.code)
            if lgd is not None and lgd is not o and not lgd.dormant and chance(0.25):
                gen.tie("funding", lgd, o, gen.day(max(o.active_from, lgd.active_from)), amount=rng.randrange(10000, 300000, 1000))
            if chance(0.08):
                gen.tie("project_partnership", o, owes, gen.day(max(o.active_from, date(2016, 9, 1).toordinal())))
        elif k == "lgd":
            if chance(0.8):
                gen.tie(
                    "funding",
                    gen.regional[g.code[:2]],
                    o,
                    gen.day(max(o.active_from, y2015)),
                    amount=rng.randrange(1_000_000, 3_000_000, 1000),
                )
        elif k in ("work_cooperative", "nonprofit_company"):
            if chance(0.3):
                yearly(gen, "contracting", rng.choice((office, ops)), o, renewals=ren)
        elif k == "kis":
            operator(gen, o, ngos, ops, 0.6)
            for frm, p_ref in ((ops, 0.8), (pup, 0.4)):
                if chance(p_ref):
                    gen.tie("referral", frm, o, gen.day(o.active_from))
        elif k == "cis":
            operator(gen, o, ngos, office, 0.4)
            for frm, p_ref in ((ops, 0.8), (pup, 0.7), (gen.ops[rng.choice(gen.gminy_of[p]).code], 0.3)):
                if chance(p_ref):
                    gen.tie("referral", frm, o, gen.day(o.active_from))
        elif k == "zaz":
            operator(gen, o, ngos, st, 0.5)
            if chance(0.6):
                yearly(gen, "funding", pcpr, o, renewals=ren, amount=(100000, 900000))
            for frm, p_ref in ((pup, 0.5), (pcpr, 0.5)):
                if chance(p_ref):
                    gen.tie("referral", frm, o, gen.day(o.active_from))
        elif k == "wtz":
            operator(gen, o, ngos, st, 0.15)
            if chance(0.8):
                yearly(gen, "funding", pcpr, o, renewals=ren, amount=(200000, 1200000))
            for frm, p_ref in ((pcpr, 0.5), (ops, 0.4)):
                if chance(p_ref):
                    gen.tie("referral", frm, o, gen.day(o.active_from))
    firm_ties(gen, active)


def firm_ties(gen: Generator, active: list[Org]) -> None:
    """Firms buy from PES: mostly in their powiat, some across the voivodeship."""
    sellers = ("social_cooperative", "work_cooperative", "zaz", "nonprofit_company", "cis", *NGOS)
    local: dict[str, list[Org]] = {}
    for o in active:
        if o.kind in sellers:
            local.setdefault(o.gmina.parent, []).append(o)
            local.setdefault(o.gmina.code[:2], []).append(o)
    renewals = max(1, gen.profile.renewals - 1)
    for firm in gen.firms:
        if firm.dormant:
            continue
        for _ in range(gen.rng.randint(1, 3)):
            pool = local.get(firm.gmina.parent) if gen.chance(0.8) else None
            pool = pool or local.get(firm.gmina.code[:2])
            if pool:
                yearly(gen, "contracting", firm, gen.rng.choice(pool), renewals=renewals)
