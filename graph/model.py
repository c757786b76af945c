"""Namespaces and the project's closed vocabulary.

Every module that names an RDF term imports it from here, so a typo in a term
raises ``AttributeError`` instead of silently querying nothing.  The IRI scheme
is explained in ``docs/adr/0002-iri-scheme.md``.

Project terms (``ES``) are minted only where no W3C (or schema.org) term fits;
the data always asserts the standard terms too (``org:Organization``,
``skos:prefLabel``, ``org:classification``, ``org:Membership``...).
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)
from rdflib.term import URIRef

__all__ = [
    "BASE",
    "ES",
    "ESK",
    "EST",
    "ESO",
    "ESP",
    "ESM",
    "ESTIE",
    "ESROLE",
    "ESSRC",
    "ESI",
    "TERC",
    "ESG",
    "ESV",
    "ESF",
    "FREQUENCIES",
    "PREFIXES",
    "SPARQL_PREFIXES",
    "TURTLE_PREFIXES",
    "TIE_KINDS",
    "SECTORS",
    "DCTERMS",
    "FOAF",
    "ORG",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SDO",
    "SKOS",
    "TIME",
    "XSD",
]

#: One base for every IRI the project mints (ADR 0002).
BASE = "https://w3id.org/es-pl/"


class ES(DefinedNamespace):
    """Project vocabulary: classes and properties no W3C vocabulary offers."""

    _NS = Namespace(BASE + "def#")
    _fail = True

    # classes
    Tie: URIRef  # a qualified support/cooperation tie between two agents
    UnnamedGroup: URIRef  # real signatories the source does not name
    TerritorialUnit: URIRef  # voivodeship, powiat or gmina (GUS TERC)
    Voivodeship: URIRef
    Powiat: URIRef
    Gmina: URIRef
    SourceDocument: URIRef  # a cited public page
    SyntheticResource: URIRef  # marks generated test data (never real)
    ServiceOffer: URIRef  # a general service an organisation offers to kinds
    VerifiedAbsence: URIRef  # a coordinator's checked record that something is absent

    # tie properties (qualified form)
    tieKind: URIRef  # -> skos:Concept in the tie-kind scheme
    tieFrom: URIRef  # the agent the tie goes from (supporter, funder, buyer, unit)
    tieTo: URIRef  # the agent the tie goes to
    startDate: URIRef  # xsd:date / gYearMonth / gYear (precision); ties and memberships
    endDate: URIRef  # the same, optional
    # date bounds (graph/dates.py, docs/adr/0006-date-precision.md): the date
    # beside is only a limit; organisations use schema:foundingDate/dissolutionDate
    startBound: URIRef  # -> es:notLaterThan | es:notEarlierThan
    endBound: URIRef
    foundingBound: URIRef
    dissolutionBound: URIRef
    DateBound: URIRef  # class of the two bounds
    notLaterThan: URIRef  # "in force by D at the latest"
    notEarlierThan: URIRef  # "not before D"
    amountPLN: URIRef  # xsd:decimal, funding amount where the source gives it
    directProperty: URIRef  # on a tie kind: the plain property asserted beside the tie

    # direct (plain) tie properties, one per tie kind
    advises: URIRef
    funds: URIRef
    contracts: URIRef
    coFounded: URIRef
    refersClientsTo: URIRef
    coordinates: URIRef
    operates: URIRef
    projectPartnerOf: URIRef
    # "unit of" uses org:subOrganizationOf

    # territory: units carry skos:notation (TERC code) and
    # schema:containedInPlace; organisations schema:location (seat, a gmina)
    # and schema:areaServed
    gminaKind: URIRef  # -> skos:Concept in the gmina-kind scheme (esg:)

    # identifiers (each also asserted as dcterms:identifier "NIP:..." etc.)
    nip: URIRef
    regon: URIRef
    krs: URIRef

    # sectors, on kind concepts (also reachable with skos:broader)
    sector: URIRef

    # provenance of user edits and synthetic data
    isSynthetic: URIRef  # xsd:boolean true on every synthetic resource
    offeredTo: URIRef  # ServiceOffer -> organisation kind (skos:Concept)
    offeredBy: URIRef
    serviceTopic: URIRef  # literal, @pl/@en

    # verified absences (data/absences.ttl) and the kinds of findings
    absenceAt: URIRef  # -> the gmina or organisation checked
    absentKind: URIRef  # -> a kind or collection of kinds checked to be absent
    checkedOn: URIRef  # xsd:date ("stan na")
    checkedBy: URIRef  # literal: who checked
    memberKind: URIRef  # on an unnamed group: the kind of its members
    findingKind: URIRef  # on an expectation rule: es:cooperationGap or es:dataGap
    cooperationGap: URIRef
    dataGap: URIRef
    verifiedMessage: URIRef  # on an expectation rule: the text when the absence is verified
    economicActivity: URIRef  # xsd:boolean: an NGO runs an economic or paid activity

    # the tie survey (graph/survey, docs/survey.md): claims kept apart from the curated data
    SurveyRound: URIRef  # a prov:Activity: one round of asking the partners
    SurveyInvitation: URIRef  # one organisation's personal link (only the token's SHA-256)
    SurveyResponse: URIRef  # one organisation's answer (draft or submitted)
    ClaimedTie: URIRef  # a tie one organisation says it has with another
    ProposedOrganisation: URIRef  # an organisation a respondent found missing, pending the coordinator
    surveyRound: URIRef  # -> the es:SurveyRound
    invitee: URIRef  # invitation -> the organisation invited
    tokenHash: URIRef  # hex SHA-256 of the link's token (the token itself is never stored)
    expires: URIRef  # xsd:dateTime: a round or link is refused from then on
    revokedAt: URIRef  # xsd:dateTime: the link was revoked
    asOf: URIRef  # xsd:date: the state of the partnership the round asks about
    invitedKind: URIRef  # on a round: an organisation kind invited (none: all)
    responseStatus: URIRef  # "draft" or "submitted"
    submittedAt: URIRef  # xsd:dateTime of the (last) submission
    respondentName: URIRef  # as typed by the respondent
    respondentPost: URIRef  # as typed by the respondent
    respondentEmail: URIRef  # optional, as typed by the respondent
    inResponse: URIRef  # claim or proposal -> its es:SurveyResponse
    frequency: URIRef  # -> a concept of esfreq:scheme
    valueScore: URIRef  # xsd:integer 1-4 (PARTNER: how valuable the partner is)
    trustScore: URIRef  # xsd:integer 1-4 (PARTNER: how much the partner is trusted)
    reviewStatus: URIRef  # on a claim or proposal: "rejected" (accepted claims are in the data)


def _ns(path: str) -> Namespace:
    return Namespace(BASE + path)


ESK = _ns("kind/")  # organisation kinds and sectors (skos:ConceptScheme esk:scheme)
EST = _ns("tie-kind/")  # tie kinds (skos:ConceptScheme est:scheme)
ESO = _ns("id/org/")  # organisations, groups and the agreement
ESP = _ns("id/person/")  # people
ESM = _ns("id/membership/")  # memberships (signatures, posts) and their intervals
ESTIE = _ns("id/tie/")  # qualified ties
ESROLE = _ns("role/")  # org:Role concepts (signatory, starosta, ...)
ESSRC = _ns("id/source/")  # source documents
ESI = _ns("id/")  # anything else (user edits, history)
TERC = _ns("id/terc/")  # territorial units, by TERC code: terc:2611011
ESV = _ns("id/survey/")  # survey rounds, links, responses and claims (never in the curated data)
ESF = _ns("frequency/")  # how often partners work together (esfreq:scheme)
ESG = _ns("gmina-kind/")  # GUS RODZ 1/2/3: esg:1 miejska, esg:2 wiejska, esg:3 miejsko-wiejska

#: Tie kinds by notation (``skos:notation``), in a stable order.
TIE_KINDS: tuple[str, ...] = (
    "advice",
    "funding",
    "contracting",
    "cofounding",
    "referral",
    "coordination",
    "operation",
    "unit_of",
    "project_partnership",
)

#: How often two partners work together (the survey's scale), by notation, in order.
FREQUENCIES: tuple[str, ...] = ("never", "occasionally", "regularly", "continuously")

#: The three sectors (top concepts of the kind scheme), by notation.
SECTORS: tuple[str, ...] = ("public", "social_economy", "private")

#: Prefix map bound on every graph and known to every query.
PREFIXES: dict[str, str] = {
    "es": str(ES._NS),
    "esk": str(ESK),
    "est": str(EST),
    "eso": str(ESO),
    "esp": str(ESP),
    "esm": str(ESM),
    "estie": str(ESTIE),
    "esrole": str(ESROLE),
    "essrc": str(ESSRC),
    "terc": str(TERC),
    "esg": str(ESG),
    "org": str(ORG),
    "skos": str(SKOS),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "schema": str(SDO),
    "time": str(TIME),
    "xsd": str(XSD),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
}

#: The same prefixes as Turtle ``@prefix`` lines (inline test data, generated files).
TURTLE_PREFIXES = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())

#: The same prefixes as SPARQL ``PREFIX`` lines, for engines that take text only.
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
