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

The Turtle is written line by line (no rdflib graph), so the 1M-triple file
takes seconds; output is byte-identical for the same seed.
"""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from graph.model import (
    DCTERMS,
    ES,
    ESG,
    ESK,
    ESM,
    ESO,
    ESROLE,
    ESSRC,
    EST,
    ESTIE,
    FOAF,
    ORG,
    PREFIXES,
    PROV,
    SDO,
    SKOS,
    TERC,
    TIE_KINDS,
    TIME,
)
from graph.terc import DEFAULT_TERC, TERC_ATTRIBUTION, TercError, Unit, read_terc

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
_FACILITIES = frozenset({"zaz", "cis", "kis", "wtz"})
_NGOS = ("association", "foundation")

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


# --- Turtle terms -----------------------------------------------------------

_NS_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def _q(iri: str) -> str:
    """A vocabulary IRI as a prefixed name (the term must exist in graph.model)."""
    for prefix, ns in _NS_BY_LENGTH:
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    raise KeyError(iri)


def _lit(text: str, lang: str = "pl") -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"@{lang}' if lang else f'"{text}"'


def _slug(notation: str) -> str:
    return notation.replace("_", "-")


A_ORG, A_COLLAB, A_MEMBERSHIP = _q(ORG.Organization), _q(ORG.OrganizationalCollaboration), _q(ORG.Membership)
A_TIE, A_SYNT, A_INTERVAL, A_INSTANT = _q(ES.Tie), _q(ES.SyntheticResource), _q(TIME.Interval), _q(TIME.Instant)
UNIT_TYPES = {
    lvl: [_q(cls), _q(ES.TerritorialUnit), _q(SDO.AdministrativeArea)]
    for lvl, cls in (("voivodeship", ES.Voivodeship), ("powiat", ES.Powiat), ("gmina", ES.Gmina))
}
LABEL, ALT, NOTATION, KIND = _q(SKOS.prefLabel), _q(SKOS.altLabel), _q(SKOS.notation), _q(ORG.classification)
LOCATION, SERVED, IN_PLACE, GMINA_KIND = _q(SDO.location), _q(SDO.areaServed), _q(SDO.containedInPlace), _q(ES.gminaKind)
IS_SYNTH, DERIVED, TITLE = _q(ES.isSynthetic), _q(PROV.wasDerivedFrom), _q(DCTERMS.title)
SRC_SYNT, SRC_TERC = _q(ESSRC["synthetic-generator"]), _q(ESSRC["gus-terc-2020"])
START, END, UPPER, AMOUNT = _q(ES.startDate), _q(ES.endDate), _q(ES.startDateIsUpperBound), _q(ES.amountPLN)
TIE_KIND, TIE_FROM, TIE_TO = _q(ES.tieKind), _q(ES.tieFrom), _q(ES.tieTo)
M_MEMBER, M_ORG, M_ROLE, M_DURING = _q(ORG.member), _q(ORG.organization), _q(ORG.role), _q(ORG.memberDuring)
T_BEGIN, T_DATE = _q(TIME.hasBeginning), _q(TIME.inXSDDate)
DIRECT = {
    "advice": _q(ES.advises), "funding": _q(ES.funds), "contracting": _q(ES.contracts),
    "cofounding": _q(ES.coFounded), "referral": _q(ES.refersClientsTo),
    "coordination": _q(ES.coordinates), "operation": _q(ES.operates),
    "unit_of": _q(ORG.subOrganizationOf), "project_partnership": _q(ES.projectPartnerOf),
}  # fmt: skip
assert tuple(DIRECT) == TIE_KINDS
_TERC_NS, _ESO_NS = PREFIXES["terc"], PREFIXES["eso"]
assert str(TERC) == _TERC_NS and str(ESO) == _ESO_NS and str(ESK) == PREFIXES["esk"]
assert str(EST) == PREFIXES["est"] and str(ESTIE) == PREFIXES["estie"] and str(ESM) == PREFIXES["esm"]
assert str(ESG) == PREFIXES["esg"] and str(ESROLE) == PREFIXES["esrole"]

_PES_NAMES = {
    "association": "Stowarzyszenie", "foundation": "Fundacja", "lgd": "Lokalna Grupa Działania",
    "nonprofit_company": "Spółka non-profit", "social_cooperative": "Spółdzielnia Socjalna",
    "work_cooperative": "Spółdzielnia Pracy", "zaz": "Zakład Aktywności Zawodowej",
    "cis": "Centrum Integracji Społecznej", "kis": "Klub Integracji Społecznej",
    "wtz": "Warsztat Terapii Zajęciowej", "firm": "Przedsiębiorstwo",
}  # fmt: skip
_OFFICE = {1: "Urząd Miasta", 2: "Urząd Gminy", 3: "Urząd Miasta i Gminy"}
_OPS = {1: ("Miejski Ośrodek Pomocy Społecznej", "MOPS"), 2: ("Gminny Ośrodek Pomocy Społecznej", "GOPS"),
        3: ("Miejsko-Gminny Ośrodek Pomocy Społecznej", "MGOPS")}  # fmt: skip
_OWES_PERIODS = ((2016, 9, 1, 2019, 8, 31), (2019, 9, 1, 2023, 6, 30), (2023, 7, 1, None, None, None))

_D0, _D1 = date(2014, 1, 1).toordinal(), date(2025, 12, 31).toordinal()


def _iso(ordinal: int) -> str:
    return f'"{date.fromordinal(ordinal).isoformat()}"^^xsd:date'


def _voiv_genitive(name: str) -> str:
    """'ŚWIĘTOKRZYSKIE' -> 'Świętokrzyskiego' (all voivodeship names end in -ie)."""
    return "-".join(part[:-2].capitalize() + "iego" for part in name.lower().split("-"))


def _powiat_label(p: Unit) -> str:
    return p.name if p.city else f"powiat {p.name}"


@dataclass(slots=True)
class _Org:
    iri: str
    kind: str
    gmina: Unit
    active_from: int = _D0  # first day its ties may start
    dormant: bool = False  # a "paper partner": never in a tie


def _apportion(shares: dict[str, float]) -> dict[str, int]:
    """Whole counts summing to round(sum(shares)), by largest remainder."""
    counts = {k: int(v) for k, v in shares.items()}
    left = round(sum(shares.values())) - sum(counts.values())
    for k in sorted(shares, key=lambda k: counts[k] - shares[k])[:left]:
        counts[k] += 1
    return counts


def _chunks(items: list, n: int) -> list[list]:
    size, extra = divmod(len(items), n)
    out, i = [], 0
    for j in range(n):
        step = size + (j < extra)
        out.append(items[i : i + step])
        i += step
    return out


class _Generator:
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
        self.office: dict[str, _Org] = {}
        self.ops: dict[str, _Org] = {}
        self.starostwo: dict[str, _Org] = {}
        self.pcpr: dict[str, _Org] = {}
        self.pup: dict[str, _Org] = {}
        self.regional: dict[str, _Org] = {}
        self.rops: dict[str, _Org] = {}
        self.owes: dict[str, list[_Org]] = {}
        self.owes_of: dict[str, _Org] = {}
        self.pes: list[_Org] = []
        self.firms: list[_Org] = []
        self.lgd_of: dict[str, _Org] = {}

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
            served: tuple[str, ...] = (), active_from: int = _D0, dormant: bool = False) -> _Org:  # fmt: skip
        iri = f"eso:synt-{local}"
        pairs = [(KIND, f"esk:{kind}"), (LABEL, _lit("[SYNT] " + label))]
        if alt:
            pairs.append((ALT, _lit(alt)))
        pairs.append((LOCATION, f"terc:{gmina.code}"))
        pairs += [(SERVED, f"terc:{code}") for code in served]
        self.block(iri, [A_ORG], pairs)
        self.n_orgs += 1
        return _Org(iri, kind, gmina, active_from, dormant)

    def numbered(self, kind: str, gmina: Unit, **kw) -> _Org:
        n = self.numbers[kind] = self.numbers.get(kind, 0) + 1
        return self.org(f"{_slug(kind)}-{n}", kind, gmina, f"{_PES_NAMES[kind]} nr {n}, {gmina.name}", **kw)

    def tie(self, kind: str, frm: _Org, to: _Org, start: int, end: int | None = None, *,
            upper: bool = False, amount: int | None = None) -> None:  # fmt: skip
        start = min(start, _D1)
        if end is not None and (end > _D1 or end <= start):
            end = None
        self.n_ties += 1
        pairs = [(TIE_KIND, f"est:{kind}"), (TIE_FROM, frm.iri), (TIE_TO, to.iri), (START, _iso(start))]
        if end is not None:
            pairs.append((END, _iso(end)))
        pairs.append((UPPER, "true" if upper else "false"))
        if amount is not None:
            pairs.append((AMOUNT, str(amount)))
        self.block(f"estie:synt-{_slug(kind)}-{self.n_ties}", [A_TIE], pairs)
        plain = f"{frm.iri} {DIRECT[kind]} {to.iri} .\n"
        if plain not in self.plain:
            self.plain.add(plain)
            self.out.append(plain)
            self.triples += 1

    def membership(self, agreement: str, org: _Org, role: str, start: int) -> None:
        m = f"esm:synt-{agreement.split('synt-', 1)[1]}-{org.iri.split('synt-', 1)[1]}"
        when = _iso(start)
        self.block(m, [A_MEMBERSHIP], [(M_MEMBER, org.iri), (M_ORG, agreement), (M_ROLE, f"esrole:{role}"),
                                       (M_DURING, f"{m}-during"), (START, when)])  # fmt: skip
        self.block(f"{m}-during", [A_INTERVAL], [(T_BEGIN, f"{m}-start")], derived=False)
        self.block(f"{m}-start", [A_INSTANT], [(T_DATE, when)], derived=False)
        self.n_members += 1

    # --- random helpers -----------------------------------------------------
    def day(self, lo: int, hi: int = _D1) -> int:
        return self.rng.randint(lo, max(lo, hi))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # --- content ------------------------------------------------------------
    def header(self) -> None:
        sk = self.sk
        self.out.append(
            f"# [SYNT] Synthetic test data (scale={sk.scale}, seed={self.seed}): every organisation, tie,\n"
            "# agreement and membership is invented. Territorial units are real:\n"
            f"# {TERC_ATTRIBUTION}\n"
        )
        self.out += [f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items()]
        self.out.append("\n")
        # the same triples as essrc:gus-terc-2020 in data/territory.ttl, so the files merge cleanly
        self.block(SRC_TERC, [_q(FOAF.Document), _q(ES.SourceDocument), _q(SDO.Dataset)], [
            (TITLE, _lit("TERC: część rejestru TERYT (podział terytorialny kraju), stan na 2020-01-01")),
            (TITLE, _lit("TERC: the territorial-division part of the TERYT register, state as of 2020-01-01", "en")),
            (_q(DCTERMS.date), '"2020-01-01"^^xsd:date'),
            (_q(DCTERMS.publisher), _lit("Główny Urząd Statystyczny (GUS)")),
            (_q(DCTERMS.bibliographicCitation), _lit(TERC_ATTRIBUTION)),
            (_q(DCTERMS.rights), _lit(f"{TERC_ATTRIBUTION}. GUS podaje, że rejestr TERYT jest jawny i udostępniany nieodpłatnie.")),
        ], synthetic=False)  # fmt: skip
        self.block(SRC_SYNT, [_q(FOAF.Document), _q(ES.SourceDocument)], [
            (TITLE, _lit("[SYNT] Dane syntetyczne: wygenerowane, nie opisują rzeczywistych podmiotów")),
            (TITLE, _lit("[SYNT] Synthetic data: generated, describes no real entity", "en")),
            (_q(DCTERMS.description), _lit(
                f"Synthetic test data generated by scripts/generate_synthetic.py (graph/synthetic.py), "
                f"scale={sk.scale}, seed={self.seed}. Organisations, ties, agreements and memberships are "
                f"invented; territorial units are real ({TERC_ATTRIBUTION}).", "en")),
        ], derived=False)  # fmt: skip

    def units(self) -> None:
        for v in self.sk.voivodeships:
            self.block(f"terc:{v.code}", UNIT_TYPES["voivodeship"], [
                (LABEL, _lit(v.name.lower())), (ALT, _lit(v.name)), (NOTATION, f'"{v.code}"'), (DERIVED, SRC_TERC),
            ], synthetic=False)  # fmt: skip
        for p in self.sk.powiaty:
            self.block(f"terc:{p.code}", UNIT_TYPES["powiat"], [
                (LABEL, _lit(p.name)), (NOTATION, f'"{p.code}"'),
                (IN_PLACE, f"terc:{p.parent}"), (DERIVED, SRC_TERC),
            ], synthetic=False)  # fmt: skip
        for g in self.sk.gminy:
            self.block(f"terc:{g.code}", UNIT_TYPES["gmina"], [
                (LABEL, _lit(g.name)), (NOTATION, f'"{g.code}"'), (GMINA_KIND, f"esg:{g.rodz}"),
                (IN_PLACE, f"terc:{g.parent}"), (DERIVED, SRC_TERC),
            ], synthetic=False)  # fmt: skip

    def public_bodies(self) -> None:
        for v in self.sk.voivodeships:
            powiaty = [p for p in self.sk.powiaty if p.parent == v.code]
            capital = self._capital(v, powiaty)
            gen = _voiv_genitive(v.name)
            self.regional[v.code] = self.org(f"regional-government-{v.code}", "regional_government", capital,
                                             f"Urząd Marszałkowski Województwa {gen}", served=(v.code,))  # fmt: skip
            self.rops[v.code] = self.org(f"rops-{v.code}", "rops", capital,
                                         f"Regionalny Ośrodek Polityki Społecznej Województwa {gen}",
                                         alt="ROPS", served=(v.code,))  # fmt: skip
            self.owes[v.code] = []
            for i, chunk in enumerate(_chunks(powiaty, min(6, max(1, round(len(powiaty) / 4)))), start=1):
                seat = self.seat[next((p for p in chunk if p.city), chunk[0]).code]
                owes = self.org(f"owes-{v.code}-{i}", "owes", seat,
                                f"Ośrodek Wsparcia Ekonomii Społecznej nr {i}, {seat.name}", alt="OWES",
                                served=tuple(p.code for p in chunk))  # fmt: skip
                self.owes[v.code].append(owes)
                self.owes_of.update((p.code, owes) for p in chunk)
        for p in self.sk.powiaty:
            for g in self.gminy_of[p.code]:
                served = (g.code, p.code) if p.city else (g.code,)
                office = _OFFICE[1] if p.city else _OFFICE[g.rodz]
                self.office[g.code] = self.org(f"gmina-{g.code}", "gmina", g, f"{office} {g.name}", served=served)
                name, alt = ("Miejski Ośrodek Pomocy Rodzinie", "MOPR") if p.city else _OPS[g.rodz]
                self.ops[g.code] = self.org(f"ops-{g.code}", "ops", g, f"{name}, {g.name}", alt=alt, served=served)
            seat = self.seat[p.code]
            if p.city:  # the city office acts as the powiat, its MOPR as the PCPR
                self.starostwo[p.code], self.pcpr[p.code] = self.office[seat.code], self.ops[seat.code]
            else:
                self.starostwo[p.code] = self.org(f"starostwo-{p.code}", "starostwo", seat,
                                                  f"Starostwo Powiatowe, powiat {p.name}", served=(p.code,))  # fmt: skip
                self.pcpr[p.code] = self.org(f"pcpr-{p.code}", "pcpr", seat,
                                             f"Powiatowe Centrum Pomocy Rodzinie, powiat {p.name}",
                                             alt="PCPR", served=(p.code,))  # fmt: skip
            self.pup[p.code] = self.org(f"pup-{p.code}", "pup", seat, f"Powiatowy Urząd Pracy, {_powiat_label(p)}",
                                        alt="PUP", served=(p.code,))  # fmt: skip

    def _capital(self, v: Unit, powiaty: list[Unit]) -> Unit:
        if self.sk.scale == "county":
            return self.seat[powiaty[0].code]
        cities = [g for p in powiaty if p.city for g in self.gminy_of[p.code]]
        return next((g for g in cities if g.name == CAPITALS.get(v.code)), None) or (cities[0] if cities else self.seat[powiaty[0].code])

    def social_economy(self) -> None:
        rng, gminy, prof = self.rng, list(self.sk.gminy), self.profile
        rural = [g for g in gminy if g.rodz == 2]
        gaps = {g.code for g in rng.sample(rural, max(1, round(0.2 * len(rural))))} if rural else set()
        base = [8.0 if g.city else {1: 4.0, 2: 1.0, 3: 2.0}[g.rodz] for g in gminy]
        w_pes = [0.0 if g.code in gaps else w for g, w in zip(gminy, base)]
        w_fac = [0.0 if g.code in gaps else (0.3 if g.rodz == 2 else w) for g, w in zip(gminy, base)]
        counts = _apportion({k: n * prof.pes_factor * len(gminy) / 102 for k, n in S7_PER_102_GMINY.items()})
        for kind in PES_KINDS:
            for g in sorted(rng.choices(gminy, weights=w_fac if kind in _FACILITIES else w_pes, k=counts[kind]),
                            key=lambda u: u.code):  # fmt: skip
                start = _D0 if self.chance(0.45) else self.day(date(2015, 1, 1).toordinal(), date(2023, 12, 31).toordinal())
                dormant = kind not in _FACILITIES and self.chance(0.06)
                served: tuple[str, ...] = ()
                if kind == "lgd":
                    area = self.gminy_of[g.parent]
                    served = tuple(sorted({g.code, *(u.code for u in rng.sample(area, min(len(area), rng.randint(2, 6))))}))
                org = self.numbered(kind, g, served=served, active_from=start, dormant=dormant)
                self.pes.append(org)
                if kind == "lgd":
                    for code in served:
                        self.lgd_of.setdefault(code, org)
        for g in sorted(rng.choices(gminy, weights=base, k=round(prof.firms_per_gmina * len(gminy))),
                        key=lambda u: u.code):  # fmt: skip
            self.firms.append(self.numbered("firm", g, dormant=self.chance(0.3)))

    # --- ties ---------------------------------------------------------------
    def yearly(self, kind: str, frm: _Org, to: _Org, *, renewals: int, amount: tuple[int, int] | None = None) -> None:
        """Up to ``renewals`` consecutive one-year ties (contracts, grants)."""
        start = self.day(max(frm.active_from, to.active_from))
        for _ in range(self.rng.randint(1, renewals)):
            if start > _D1:
                return
            money = self.rng.randrange(amount[0], amount[1], 500) if amount else None
            self.tie(kind, frm, to, start, start + 364, amount=money)
            start += 365 + self.rng.randint(0, 40)

    def owes_support(self, owes: _Org, pes: _Org, kind: str) -> None:
        """Advice over one or two OWES project periods, or a one-year grant for new jobs."""
        periods = []
        for y0, m0, d0, y1, m1, d1 in _OWES_PERIODS:
            lo, hi = date(y0, m0, d0).toordinal(), date(y1, m1, d1).toordinal() if y1 else None
            if (hi or _D1) - 60 > pes.active_from:
                periods.append((max(lo, pes.active_from), hi))
        if not periods:
            return
        if kind == "funding":
            lo, hi = self.rng.choice(periods)
            jobs, per_job = self.rng.randint(2, 6), self.rng.choice((20000, 23000, 24000, 25000, 30000))
            start = self.day(lo, (hi or _D1) - 60)
            self.tie("funding", owes, pes, start, start + 365, amount=jobs * per_job)
            return
        for lo, hi in self.rng.sample(periods, min(len(periods), self.rng.randint(1, 2))):
            self.tie("advice", owes, pes, self.day(lo, (hi or _D1) - 60), hi)

    def operator(self, unit: _Org, ngos: dict[str, list[_Org]], public: _Org, p_public: float) -> None:
        local = ngos.get(unit.gmina.code) or ngos.get(unit.gmina.parent)
        op = public if not local or self.chance(p_public) else self.rng.choice(local)
        self.tie("operation", op, unit, max(unit.active_from, op.active_from), upper=unit.active_from == _D0)

    def ties(self) -> None:
        rng, chance, ren = self.rng, self.chance, self.profile.renewals
        y2015 = date(2015, 1, 1).toordinal()
        for v, rops in self.rops.items():
            self.tie("unit_of", rops, self.regional[v], self.day(_D0, _D0 + 364), upper=True)
            for owes in self.owes[v]:
                self.tie("coordination", rops, owes, self.day(date(2016, 9, 1).toordinal(), date(2016, 12, 31).toordinal()))
                for y0, m0, d0, y1, m1, d1 in _OWES_PERIODS:
                    start = date(y0, m0, d0).toordinal() - rng.randint(30, 120)
                    end = date(y1, m1, d1).toordinal() if y1 else None
                    self.tie("funding", self.regional[v], owes, start, end, amount=rng.randrange(3_000_000, 9_000_000, 1000))
        for p in self.sk.powiaty:
            st = self.starostwo[p.code]
            for unit in [self.pup[p.code]] if p.city else [self.pcpr[p.code], self.pup[p.code]]:
                self.tie("unit_of", unit, st, self.day(_D0, _D0 + 364), upper=True)
        for g in self.sk.gminy:
            office, ops = self.office[g.code], self.ops[g.code]
            self.tie("unit_of", ops, office, self.day(_D0, _D0 + 364), upper=True)
            if chance(0.5):  # ROPS advises local government and OPS across the voivodeship (S6)
                start = self.day(y2015)
                self.tie("advice", self.rops[g.code[:2]], rng.choice((office, ops)), start,
                         start + rng.randint(30, 365) if chance(0.4) else None)  # fmt: skip
            if chance(0.15):
                self.owes_support(self.owes_of[g.parent], office, "advice")
        active = [o for o in self.pes if not o.dormant]
        ngos: dict[str, list[_Org]] = {}
        for o in active:
            if o.kind in _NGOS:
                ngos.setdefault(o.gmina.code, []).append(o)
                ngos.setdefault(o.gmina.parent, []).append(o)
        for o in active:
            g, k = o.gmina, o.kind
            office, ops, p = self.office[g.code], self.ops[g.code], g.parent
            st, pcpr, pup = self.starostwo[p], self.pcpr[p], self.pup[p]
            owes = rng.choice(self.owes[g.code[:2]]) if chance(0.1) else self.owes_of[p]
            if chance(0.55):
                self.owes_support(owes, o, "advice")
            if k == "social_cooperative":
                if chance(0.75):
                    self.owes_support(owes, o, "funding")
                for founder, p_found in ((office, 0.35), (st, 0.15)):
                    if chance(p_found):
                        found = o.active_from == _D0
                        self.tie("cofounding", founder, o, self.day(_D0, _D0 + 364) if found else o.active_from, upper=found)
                if chance(0.4):
                    self.yearly("contracting", office, o, renewals=ren)
                if chance(0.3):
                    self.tie("funding", pup, o, self.day(o.active_from), amount=rng.randint(1, 5) * 24000)
                if chance(0.3):
                    self.tie("referral", ops, o, self.day(o.active_from))
            elif k in _NGOS:
                if chance(0.4):
                    self.yearly("funding", office, o, renewals=ren, amount=(5000, 120000))
                if chance(0.25):
                    other = ops if chance(0.85) else self.ops[rng.choice(self.gminy_of[p]).code]
                    self.yearly("contracting", other, o, renewals=ren)
                lgd = self.lgd_of.get(g.code)
                if lgd is not None and lgd is not o and not lgd.dormant and chance(0.25):
                    self.tie("funding", lgd, o, self.day(max(o.active_from, lgd.active_from)),
                             amount=rng.randrange(10000, 300000, 1000))  # fmt: skip
                if chance(0.08):
                    self.tie("project_partnership", o, owes, self.day(max(o.active_from, date(2016, 9, 1).toordinal())))
            elif k == "lgd":
                if chance(0.8):
                    self.tie("funding", self.regional[g.code[:2]], o, self.day(max(o.active_from, y2015)),
                             amount=rng.randrange(1_000_000, 3_000_000, 1000))  # fmt: skip
            elif k in ("work_cooperative", "nonprofit_company"):
                if chance(0.3):
                    self.yearly("contracting", rng.choice((office, ops)), o, renewals=ren)
            elif k == "kis":
                self.operator(o, ngos, ops, 0.6)
                for frm, p_ref in ((ops, 0.8), (pup, 0.4)):
                    if chance(p_ref):
                        self.tie("referral", frm, o, self.day(o.active_from))
            elif k == "cis":
                self.operator(o, ngos, office, 0.4)
                for frm, p_ref in ((ops, 0.8), (pup, 0.7), (self.ops[rng.choice(self.gminy_of[p]).code], 0.3)):
                    if chance(p_ref):
                        self.tie("referral", frm, o, self.day(o.active_from))
            elif k == "zaz":
                self.operator(o, ngos, st, 0.5)
                if chance(0.6):
                    self.yearly("funding", pcpr, o, renewals=ren, amount=(100000, 900000))
                for frm, p_ref in ((pup, 0.5), (pcpr, 0.5)):
                    if chance(p_ref):
                        self.tie("referral", frm, o, self.day(o.active_from))
            elif k == "wtz":
                self.operator(o, ngos, st, 0.15)
                if chance(0.8):
                    self.yearly("funding", pcpr, o, renewals=ren, amount=(200000, 1200000))
                for frm, p_ref in ((pcpr, 0.5), (ops, 0.4)):
                    if chance(p_ref):
                        self.tie("referral", frm, o, self.day(o.active_from))
        self.firm_ties(active)

    def firm_ties(self, active: list[_Org]) -> None:
        """Firms buy from PES: mostly in their powiat, some across the voivodeship."""
        sellers = ("social_cooperative", "work_cooperative", "zaz", "nonprofit_company", "cis", *_NGOS)
        local: dict[str, list[_Org]] = {}
        for o in active:
            if o.kind in sellers:
                local.setdefault(o.gmina.parent, []).append(o)
                local.setdefault(o.gmina.code[:2], []).append(o)
        renewals = max(1, self.profile.renewals - 1)
        for firm in self.firms:
            if firm.dormant:
                continue
            for _ in range(self.rng.randint(1, 3)):
                pool = local.get(firm.gmina.parent) if self.chance(0.8) else None
                pool = pool or local.get(firm.gmina.code[:2])
                if pool:
                    self.yearly("contracting", firm, self.rng.choice(pool), renewals=renewals)

    # --- agreements -----------------------------------------------------------
    def agreements(self) -> None:
        rng, chance = self.rng, self.chance
        pes_of: dict[str, list[_Org]] = {}
        for o in self.pes:
            pes_of.setdefault(o.gmina.parent, []).append(o)
        firms_of: dict[str, list[_Org]] = {}
        for o in self.firms:
            firms_of.setdefault(o.gmina.parent, []).append(o)
        for p in self.sk.powiaty:
            agreement = f"eso:synt-porozumienie-{p.code}"
            seat = self.seat[p.code]
            self.block(agreement, [A_COLLAB], [
                (LABEL, _lit("[SYNT] Porozumienie o partnerskiej współpracy na rzecz rozwoju ekonomii "
                             f"społecznej, {_powiat_label(p)}")),
                (LOCATION, f"terc:{seat.code}"), (SERVED, f"terc:{p.code}"),
            ])  # fmt: skip
            signed = self.day(date(2017, 1, 1).toordinal(), date(2020, 12, 31).toordinal())
            # (org, role, chance of joining later than the signing)
            members = [(self.starostwo[p.code], "signatory", 0.0), (self.pup[p.code], "signatory", 0.0),
                       (self.pcpr[p.code], "signatory", 0.0), (self.rops[p.parent], "initiator", 0.0),
                       (self.owes_of[p.code], "supporter", 0.0)]  # fmt: skip
            for g in self.gminy_of[p.code]:
                if chance(0.9):
                    members.append((self.office[g.code], "signatory", 0.12))
                if chance(0.6):
                    members.append((self.ops[g.code], "signatory", 0.2))
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
                start = self.day(max(signed + 30, org.active_from)) if late else signed
                self.membership(agreement, org, role, start)

    def run(self) -> list[str]:
        self.header()
        self.units()
        self.public_bodies()
        self.social_economy()
        self.ties()
        self.agreements()
        return self.out


def _build(scale: str, seed: int, teryt_path: str | os.PathLike[str]) -> tuple[list[str], SyntheticStats]:
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SyntheticError(f"seed must be an integer, got {seed!r}")
    skeleton = load_skeleton(scale, teryt_path=teryt_path)
    gen = _Generator(skeleton, seed)
    chunks = gen.run()
    stats = SyntheticStats(scale, seed, gen.triples, gen.n_orgs, gen.n_ties, gen.n_members, len(skeleton.gminy))
    return chunks, stats


def generate(scale: str, *, seed: int, teryt_path: str | os.PathLike[str] = DEFAULT_TERC) -> str:
    """The synthetic graph of ``scale`` as Turtle text (same seed, same text).

    >>> text = generate("county", seed=1)
    >>> "terc:2611032 a es:Gmina" in text and "[SYNT] " in text
    True
    """
    return "".join(_build(scale, seed, teryt_path)[0])


def write_synthetic(scale: str, *, seed: int, out: str | os.PathLike[str],
                    teryt_path: str | os.PathLike[str] = DEFAULT_TERC) -> SyntheticStats:  # fmt: skip
    """Write the graph of ``scale`` to ``out`` atomically; return what it holds."""
    out = Path(out)
    if not out.parent.is_dir():
        raise SyntheticError(f"output folder does not exist: {out.parent}")
    chunks, stats = _build(scale, seed, teryt_path)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.writelines(chunks)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the data is meant to be shared
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return stats
