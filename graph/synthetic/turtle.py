"""Turtle terms for the line-by-line writer: vocabulary IRIs as prefixed names
(each must exist in :mod:`graph.model`), escaped literals and dates."""

from __future__ import annotations

from datetime import date

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
    ORG,
    PREFIXES,
    PROV,
    SDO,
    SKOS,
    TERC,
    TIE_KINDS,
    TIME,
)

_NS_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def qname(iri: str) -> str:
    """A vocabulary IRI as a prefixed name (the term must exist in graph.model)."""
    for prefix, ns in _NS_BY_LENGTH:
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    raise KeyError(iri)


def literal(text: str, lang: str = "pl") -> str:
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{text}"@{lang}' if lang else f'"{text}"'


def slug(notation: str) -> str:
    return notation.replace("_", "-")


A_ORG, A_COLLAB, A_MEMBERSHIP = qname(ORG.Organization), qname(ORG.OrganizationalCollaboration), qname(ORG.Membership)
A_TIE, A_SYNT, A_INTERVAL, A_INSTANT = qname(ES.Tie), qname(ES.SyntheticResource), qname(TIME.Interval), qname(TIME.Instant)
UNIT_TYPES = {
    lvl: [qname(cls), qname(ES.TerritorialUnit), qname(SDO.AdministrativeArea)]
    for lvl, cls in (("voivodeship", ES.Voivodeship), ("powiat", ES.Powiat), ("gmina", ES.Gmina))
}
LABEL, ALT, NOTATION, KIND = qname(SKOS.prefLabel), qname(SKOS.altLabel), qname(SKOS.notation), qname(ORG.classification)
LOCATION, SERVED, IN_PLACE, GMINA_KIND = qname(SDO.location), qname(SDO.areaServed), qname(SDO.containedInPlace), qname(ES.gminaKind)
IS_SYNTH, DERIVED, TITLE = qname(ES.isSynthetic), qname(PROV.wasDerivedFrom), qname(DCTERMS.title)
SRC_SYNT, SRC_TERC = qname(ESSRC["synthetic-generator"]), qname(ESSRC["gus-terc-2020"])
START, END, UPPER, AMOUNT = qname(ES.startDate), qname(ES.endDate), qname(ES.startBound), qname(ES.amountPLN)
NOT_LATER_THAN = qname(ES.notLaterThan)
TIE_KIND, TIE_FROM, TIE_TO = qname(ES.tieKind), qname(ES.tieFrom), qname(ES.tieTo)
M_MEMBER, M_ORG, M_ROLE, M_DURING = qname(ORG.member), qname(ORG.organization), qname(ORG.role), qname(ORG.memberDuring)
T_BEGIN, T_DATE = qname(TIME.hasBeginning), qname(TIME.inXSDDate)
DIRECT = {
    "advice": qname(ES.advises), "funding": qname(ES.funds), "contracting": qname(ES.contracts),
    "cofounding": qname(ES.coFounded), "referral": qname(ES.refersClientsTo),
    "coordination": qname(ES.coordinates), "operation": qname(ES.operates),
    "unit_of": qname(ORG.subOrganizationOf), "project_partnership": qname(ES.projectPartnerOf),
}  # fmt: skip
assert tuple(DIRECT) == TIE_KINDS
_TERC_NS, _ESO_NS = PREFIXES["terc"], PREFIXES["eso"]
assert str(TERC) == _TERC_NS and str(ESO) == _ESO_NS and str(ESK) == PREFIXES["esk"]
assert str(EST) == PREFIXES["est"] and str(ESTIE) == PREFIXES["estie"] and str(ESM) == PREFIXES["esm"]
assert str(ESG) == PREFIXES["esg"] and str(ESROLE) == PREFIXES["esrole"]


def xsd_date(ordinal: int) -> str:
    return f'"{date.fromordinal(ordinal).isoformat()}"^^xsd:date'
