"""The bundled data files: they parse, conform to the shapes, and hold the sourced facts.

The files are read directly with rdflib (not through graph.io) so that these
tests check the data, not the loader.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from graph.model import DCTERMS, ES, ESK, ESM, ESO, ESP, ESSRC, ESTIE, FOAF, ORG, PREFIXES, RDF, SDO, SKOS, TERC

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
DATA_FILES = ["vocabulary.ttl", "territory.ttl", "entities.ttl"]
ALL_FILES = [*DATA_FILES, "shapes.ttl"]
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")  # plain Namespace: pytest's collection probes module attributes
SHAPES = rdflib.Namespace("https://w3id.org/es-pl/shapes#")
S1 = ESSRC["s1-umws-2017-01-20"]


def _parse(*names: str) -> rdflib.Graph:
    g = rdflib.Graph()
    for name in names:
        g.parse(DATA / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    return _parse(*DATA_FILES)


@pytest.fixture(scope="module")
def entities() -> rdflib.Graph:
    return _parse("entities.ttl")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return _parse("shapes.ttl")


#: The contract's prefixes plus the three resource paths only entities.ttl uses.
NS = {
    **PREFIXES,
    "esev": "https://w3id.org/es-pl/id/event/",
    "esoffer": "https://w3id.org/es-pl/id/offer/",
    "esstat": "https://w3id.org/es-pl/id/stat/",
}


def _ask(g: rdflib.Graph, body: str) -> bool:
    return bool(g.query("ASK {" + body + "}", initNs=NS).askAnswer)


# ------------------------------------------------------------------ parsing


def _from_oxigraph(term) -> rdflib.term.Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


@pytest.mark.parametrize("name", ALL_FILES)
def test_file_parses_the_same_in_rdflib_and_pyoxigraph(name):
    ours = _parse(name)
    theirs = rdflib.Graph()
    for quad in pyoxigraph.parse(path=DATA / name, format=pyoxigraph.RdfFormat.TURTLE):
        theirs.add((_from_oxigraph(quad.subject), _from_oxigraph(quad.predicate), _from_oxigraph(quad.object)))
    assert len(ours) > 100
    if not isomorphic(ours, theirs):
        _, only_rdflib, only_oxigraph = graph_diff(to_isomorphic(ours), to_isomorphic(theirs))
        pytest.fail(
            f"{name}: rdflib and pyoxigraph disagree\nonly rdflib:\n{only_rdflib.serialize(format='nt')}\n"
            f"only pyoxigraph:\n{only_oxigraph.serialize(format='nt')}"
        )


# ------------------------------------------------------------------ SHACL


def _validate(g: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, rdflib.Graph, str]:
    conforms, report, text = pyshacl.validate(g, shacl_graph=shapes)
    return conforms, report, text


def test_bundled_data_conforms(data, shapes):
    conforms, _, text = _validate(data, shapes)
    assert conforms, text


def _set(s, p, o) -> Callable[[rdflib.Graph], None]:
    return lambda g: g.set((s, p, o))


def _remove(s, p, o=None) -> Callable[[rdflib.Graph], None]:
    return lambda g: g.remove((s, p, o))


TIE = ESTIE["koowes-funding-ss-starachowiczanka"]
MEMBERSHIP = ESM["agreement-gmina-brody"]
BROKEN = [
    # (id, change, offending resource, rule: sh:sourceShape or sh:sourceConstraint)
    ("org-without-kind", _remove(ESO["mops-starachowice"], ORG.classification), ESO["mops-starachowice"], SHAPES["Organization-classification"]),
    ("org-kind-is-a-sector", _set(ESO["mops-starachowice"], ORG.classification, ESK.public), ESO["mops-starachowice"], SHAPES["Organization-classification"]),
    ("org-seat-is-a-powiat", _set(ESO["koowes"], rdflib.URIRef("https://schema.org/location"), TERC["2661"]), ESO["koowes"], SHAPES["Organization-location"]),
    ("org-without-source", _remove(ESO["pcpr-starachowice"], rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")), ESO["pcpr-starachowice"], SHAPES["Organization-source"]),
    ("tie-date-as-plain-string", _set(TIE, ES.startDate, Literal("2017-07-13")), TIE, SHAPES["Tie-startDate"]),
    ("tie-date-impossible", _set(TIE, ES.startDate, Literal("2017-13-45", datatype=XSD.date)), TIE, SHAPES["Tie-startDate"]),
    ("tie-ends-before-start", _set(TIE, ES.endDate, Literal("2016-12-31", datatype=XSD.date)), TIE, SHAPES["Dated-endNotBeforeStart"]),
    ("tie-ends-in-an-earlier-month", _set(TIE, ES.endDate, Literal("2017-06", datatype=XSD.gYearMonth)), TIE, SHAPES["Dated-endNotBeforeStart"]),
    ("tie-before-its-organisation-exists", _set(ESO["ss-starachowiczanka"], SDO.foundingDate, Literal("2018", datatype=XSD.gYear)), TIE, SHAPES["Dated-withinLifetime"]),
    ("dissolved-before-founded", _set(ESO["koowes"], SDO.dissolutionDate, Literal("2016-08", datatype=XSD.gYearMonth)), ESO["koowes"], SHAPES["Lifetime-order"]),
    ("tie-kind-not-in-scheme", _set(TIE, ES.tieKind, ESK.gmina), TIE, SHAPES["Tie-kind"]),
    ("tie-without-plain-triple", _remove(ESO["koowes"], ES.funds, ESO["ss-starachowiczanka"]), TIE, SHAPES["Tie-plainTriple"]),
    ("terc-code-of-6-digits", _set(TERC["2611011"], SKOS.notation, Literal("261101")), TERC["2611011"], SHAPES["Gmina-notation"]),
    ("terc-code-of-5-digits", _set(TERC["2611"], SKOS.notation, Literal("26110")), TERC["2611"], SHAPES["TerritorialUnit-notation"]),
    ("membership-without-role", _remove(MEMBERSHIP, ORG.role), MEMBERSHIP, SHAPES["Membership-role"]),
    ("membership-date-not-interval-start", _set(MEMBERSHIP, ES.startDate, Literal("2017-01-21", datatype=XSD.date)), MEMBERSHIP, SHAPES["Membership-startMatchesInterval"]),
    ("person-without-name", _remove(ESP["anna-gorak"], FOAF.name), ESP["anna-gorak"], SHAPES["Person-name"]),
    ("source-without-title", _remove(S1, DCTERMS.title), S1, SHAPES["Source-title"]),
]


@pytest.mark.parametrize("change,focus,rule", [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_copy_names_the_resource_and_the_rule(data, shapes, change, focus, rule, caplog):
    broken = rdflib.Graph()
    broken += data
    change(broken)
    with caplog.at_level(logging.CRITICAL):  # rdflib logs the impossible date it cannot convert
        conforms, report, text = _validate(broken, shapes)
    assert not conforms
    found = {
        (report.value(r, SH.focusNode), report.value(r, SH.sourceShape), report.value(r, SH.sourceConstraint))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    assert any(f == focus and rule in (shape, constraint) for f, shape, constraint in found), text
    # the report carries the rule's own message, in Polish and in English
    # (pyshacl drops the language tag of SPARQL-constraint messages: compare text)
    messages = {str(m) for m in report.objects(None, SH.resultMessage)}
    expected = {m.language: str(m) for m in shapes.objects(rule, SH.message)}
    assert set(expected) == {"pl", "en"}
    assert set(expected.values()) <= messages, messages


# ------------------------------------------------------------------ the seed article (S1)

SIGNED = "esrole:signatory"
FACTS_S1 = [
    ("agreement-name",
     """eso:porozumienie-starachowice-2017 a org:OrganizationalCollaboration ;
          skos:prefLabel "Porozumienie o partnerskiej współpracy na rzecz rozwoju ekonomii społecznej w powiecie starachowickim"@pl ;
          prov:wasDerivedFrom essrc:s1-umws-2017-01-20 ."""),
    ("agreement-in-starachowice-for-the-powiat",
     "eso:porozumienie-starachowice-2017 schema:location terc:2611011 ; schema:areaServed terc:2611 ."),
    ("agreement-date-january-2017-by-the-page-date",
     """eso:porozumienie-starachowice-2017 dcterms:date "2017-01"^^xsd:gYearMonth ;
          schema:foundingDate "2017-01-20"^^xsd:date ; es:foundingBound es:notLaterThan ."""),
    ("agreement-is-open",
     'eso:porozumienie-starachowice-2017 skos:note ?n . FILTER(CONTAINS(STR(?n), "charakter otwarty"))'),
    ("signatories-committed-to-support",
     'eso:porozumienie-starachowice-2017 skos:note ?n . FILTER(CONTAINS(STR(?n), "na miarę swoich potrzeb i możliwości"))'),
    ("first-county-agreement-per-s2",
     """eso:porozumienie-starachowice-2017 skos:note ?n ; prov:wasDerivedFrom essrc:s2-umws-jedrzejow-2017 .
        FILTER(CONTAINS(STR(?n), "pierwsze takie porozumienie powiatowe"))"""),
]


def _post(name: str, role: str, org_label: str) -> str:
    return f"""?p a foaf:Person ; foaf:name "{name}" ; prov:wasDerivedFrom essrc:s1-umws-2017-01-20 .
        ?m a org:Membership ; org:member ?p ; org:organization ?o ; org:role esrole:{role} ;
           prov:wasDerivedFrom essrc:s1-umws-2017-01-20 .
        ?o a org:Organization ; skos:prefLabel "{org_label}"@pl ."""


FACTS_S1 += [
    ("post-marszalek-adam-jarubas", _post("Adam Jarubas", "marszalek", "Urząd Marszałkowski Województwa Świętokrzyskiego")),
    ("post-starosta-dariusz-dabrowski", _post("Dariusz Dąbrowski", "starosta", "Powiat Starachowicki")),
    ("post-deputy-director-karolina-jarosz",
     _post("Karolina Jarosz", "deputy_director", "Regionalny Ośrodek Polityki Społecznej Urzędu Marszałkowskiego Województwa Świętokrzyskiego")),
    # S1 names her post without the institution; S12 names ROPS (issue 10: cite pages that name the fact)
    ("post-consultant-anna-gorak",
     """?p a foaf:Person ; foaf:name "Anna Górak" ; prov:wasDerivedFrom essrc:s1-umws-2017-01-20 .
        ?m a org:Membership ; org:member ?p ; org:organization eso:rops-swietokrzyskie ; org:role esrole:consultant ;
           prov:wasDerivedFrom essrc:s12-umws-85 ."""),
    ("post-city-president-marek-materek-from-the-caption", _post("Marek Materek", "city_president", "Gmina Starachowice")),
    ("present-at-the-signing",
     """esev:podpisanie-porozumienia-starachowice-2017 schema:about eso:porozumienie-starachowice-2017 ;
          schema:attendee esp:adam-jarubas , esp:dariusz-dabrowski , esp:karolina-jarosz , esp:anna-gorak ;
          prov:wasDerivedFrom essrc:s1-umws-2017-01-20 ."""),
    ("host-dariusz-dabrowski",
     """esev:podpisanie-porozumienia-starachowice-2017 skos:note ?n .
        FILTER(CONTAINS(STR(?n), "Gospodarz spotkania: Dariusz Dąbrowski"))"""),
]


def _member(member: str, role: str, start: str = "2017-01-20") -> str:
    return f"""?m a org:Membership ; org:member {member} ; org:organization eso:porozumienie-starachowice-2017 ;
          org:role {role} ; es:startDate "{start}"^^xsd:date ; prov:wasDerivedFrom essrc:s1-umws-2017-01-20 ."""


FACTS_S1 += [
    ("signatory-powiat", _member("eso:powiat-starachowicki", SIGNED)),
    *[(f"signatory-gmina-{g}", _member(f"eso:gmina-{g}", SIGNED)) for g in ("starachowice", "brody", "mirzec", "pawlow", "wachock")],
    ("signatory-pup", _member("eso:pup-starachowice", SIGNED)),
    ("signatory-heads-of-social-assistance-units",
     _member("?g", SIGNED) + " ?g a es:UnnamedGroup ; skos:prefLabel ?l . FILTER(CONTAINS(STR(?l), \"pomocy społecznej\"))"),
    ("signatory-pes-representatives",
     _member("?g", SIGNED) + " ?g a es:UnnamedGroup ; skos:prefLabel ?l . FILTER(CONTAINS(STR(?l), \"ekonomii społecznej\"))"),
    ("signatory-private-firm-representatives",
     _member("?g", SIGNED) + " ?g a es:UnnamedGroup ; skos:prefLabel ?l . FILTER(CONTAINS(STR(?l), \"przedsiębiorstw prywatnych\"))"),
    ("initiator-rops", _member("eso:rops-swietokrzyskie", "esrole:initiator")),
    ("supporter-rops", _member("eso:rops-swietokrzyskie", "esrole:supporter")),
    # the seed's "ROPS, koordynatora ekonomii społecznej w regionie" is an apposition (FACTS.md, Corrections 1)
    ("supporter-rops-is-the-regional-coordinator",
     _member("eso:rops-swietokrzyskie", "esrole:supporter") + " eso:rops-swietokrzyskie org:purpose esrole:regional_es_coordinator ."),
    ("supporter-koowes", _member("eso:koowes", "esrole:supporter")),
    ("rops-is-a-unit-of-the-marshals-office", "eso:rops-swietokrzyskie org:subOrganizationOf eso:um-swietokrzyskie ."),
]


@pytest.fixture(scope="module")
def facts_graph() -> rdflib.Graph:
    return _parse(*DATA_FILES)


@pytest.mark.parametrize("body", [f[1] for f in FACTS_S1], ids=[f[0] for f in FACTS_S1])
def test_seed_fact_is_present(facts_graph, body):
    assert _ask(facts_graph, body), body


def test_exactly_ten_signatories_and_no_unnamed_ops_made_signatory(entities):
    rows = entities.query(
        "SELECT ?m WHERE { ?x org:member ?m ; org:role esrole:signatory }", initNs=PREFIXES
    )
    members = {r.m for r in rows}
    assert len(members) == 10
    assert not members & {ESO["mops-starachowice"], ESO["mgops-wachock"], ESO["gops-pawlow"], ESO["gops-brody"], ESO["pcpr-starachowice"]}


# ------------------------------------------------------------------ FACTS.md S2-S7 (a few values that could be wrong)

FACTS_LATER = [
    ("starachowiczanka-cofounded-by-gmina-and-powiat",
     "eso:gmina-starachowice es:coFounded eso:ss-starachowiczanka . eso:powiat-starachowicki es:coFounded eso:ss-starachowiczanka ."),
    ("city-contracts-starachowiczanka-from-2017-08-01",
     """?t es:tieKind est:contracting ; es:tieFrom eso:gmina-starachowice ; es:tieTo eso:ss-starachowiczanka ;
          es:startDate "2017-08-01"^^xsd:date . FILTER NOT EXISTS { ?t es:startBound ?b }"""),
    ("koowes-grant-100000-signed-2017-07-13",
     """?t es:tieKind est:funding ; es:tieFrom eso:koowes ; es:tieTo eso:ss-starachowiczanka ;
          es:startDate "2017-07-13"^^xsd:date ; es:amountPLN ?a . FILTER(?a = 100000)"""),
    ("starosta-danuta-krepa-from-2017-01-30",
     """?m org:member esp:danuta-krepa ; org:role esrole:starosta ; org:organization eso:powiat-starachowicki ;
          es:startDate "2017-01-30"^^xsd:date ; es:endDate "2018"^^xsd:gYear . FILTER NOT EXISTS { ?m es:startBound ?b }"""),
    ("integracja-cofounded-2022-07-08-by-four",
     """eso:powiat-starachowicki es:coFounded eso:ss-integracja . eso:gmina-starachowice es:coFounded eso:ss-integracja .
        eso:gmina-mirzec es:coFounded eso:ss-integracja . eso:gmina-pawlow es:coFounded eso:ss-integracja .
        ?t es:tieKind est:cofounding ; es:tieTo eso:ss-integracja ; es:startDate "2022-07-08"^^xsd:date ."""),
    ("koowes-partners-2016-2019",
     """?t es:tieKind est:project_partnership ; es:tieFrom eso:lgd-krzemienny-krag ; es:tieTo eso:koowes ;
          es:startDate "2016-09-01"^^xsd:date ; es:endDate "2019-08-31"^^xsd:date ."""),
    ("lgd-seat-baltow", "eso:lgd-krzemienny-krag schema:location terc:2607022 ."),
    ("zaz-in-gmina-brody-run-by-powiat", "eso:pzaz-stykow schema:location terc:2611022 . eso:powiat-starachowicki es:operates eso:pzaz-stykow ."),
    ("s7-wtz-count-26",
     """?o a schema:Observation ; dcterms:subject esk:wtz ; schema:value 26 ; schema:observationAbout terc:26 ;
          prov:wasDerivedFrom essrc:s7-rops-2016-11-15 ."""),
    ("s6-offer-to-pcpr", "?o a es:ServiceOffer ; es:offeredBy eso:rops-swietokrzyskie ; es:offeredTo esk:pcpr ."),
    ("voivodeship-wikidata-q54183", "terc:26 schema:sameAs <http://www.wikidata.org/entity/Q54183> ."),
]


@pytest.mark.parametrize("body", [f[1] for f in FACTS_LATER], ids=[f[0] for f in FACTS_LATER])
def test_later_fact_is_present(facts_graph, body):
    assert _ask(facts_graph, body), body


def test_koowes_does_not_fund_integracja_directly(entities):
    # S4 names the powiat as the recipient of the KOOWES call money, not the cooperative.
    assert (ESO["koowes"], ES.funds, ESO["ss-integracja"]) not in entities
    assert (ESO["koowes"], ES.funds, ESO["powiat-starachowicki"]) in entities


def test_mirzec_social_assistance_centre_is_not_invented(entities):
    labels = [str(o) for o in entities.objects(None, SKOS.prefLabel)]
    assert not any("Mirz" in label and "Pomocy" in label for label in labels)


# ------------------------------------------------------------------ provenance and synthetic data

PROV_QUERY = """
SELECT ?r WHERE {
    { ?r a org:Organization } UNION { ?r a foaf:Person } UNION { ?r a es:Tie } UNION { ?r a org:Membership }
    FILTER NOT EXISTS { ?r prov:wasDerivedFrom ?doc . ?doc a foaf:Document ; schema:url ?url . FILTER(isIRI(?url)) }
}
"""


def test_every_entity_is_derived_from_a_document_with_a_url(data, entities):
    kinds = entities.query(
        "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { { ?r a org:Organization } UNION { ?r a foaf:Person } UNION { ?r a es:Tie } UNION { ?r a org:Membership } }",
        initNs=PREFIXES,
    )
    assert int(next(iter(kinds)).n) > 80
    missing = [str(r.r) for r in data.query(PROV_QUERY, initNs=PREFIXES)]
    assert missing == []


def test_nothing_in_entities_is_synthetic(entities):
    assert (None, ES.isSynthetic, None) not in entities
    assert (None, RDF.type, ES.SyntheticResource) not in entities
    names = [str(o) for p in (SKOS.prefLabel, FOAF.name) for o in entities.objects(None, p)]
    assert names and not [n for n in names if n.startswith("[SYNT]")]


def test_no_blank_nodes_in_entities(entities):
    assert not [t for t in entities if any(isinstance(x, BNode) for x in t)]


# ------------------------------------------------------------------ kinds

PES_OF_THE_2022_ACT = [
    "spółdzielnia socjalna", "centrum integracji społecznej", "klub integracji społecznej",
    "zakład aktywności zawodowej", "warsztat terapii zajęciowej", "fundacja", "stowarzyszenie",
    "lokalna grupa działania", "spółka non-profit", "spółdzielnia pracy", "rolnicza spółdzielnia produkcyjna",
]


@pytest.fixture(scope="module")
def vocabulary() -> rdflib.Graph:
    return _parse("vocabulary.ttl")


@pytest.mark.parametrize("label", PES_OF_THE_2022_ACT)
def test_pes_kind_of_the_2022_act_is_in_the_scheme_and_marked_pes(vocabulary, label):
    kinds = list(vocabulary.subjects(SKOS.prefLabel, Literal(label, lang="pl")))
    assert len(kinds) == 1, label
    kind = kinds[0]
    assert (kind, SKOS.inScheme, ESK.scheme) in vocabulary
    assert (ESK.pes, SKOS.member, kind) in vocabulary
    assert (kind, SKOS.broader, ESK.social_economy) in vocabulary


def test_kinds_not_pes_are_not_in_the_pes_collection(vocabulary):
    for kind in (ESK.owes, ESK.ops, ESK.gmina, ESK.firm):
        assert (ESK.pes, SKOS.member, kind) not in vocabulary


KINDS_OF_THE_CONTRACT = [
    "regional_government", "rops", "starostwo", "gmina", "ops", "pcpr", "pup", "owes", "social_cooperative", "cis",
    "kis", "zaz", "wtz", "foundation", "association", "lgd", "nonprofit_company", "work_cooperative", "firm", "other_public",
]


def test_every_kind_has_labels_a_notation_and_a_sector(vocabulary):
    sectors = set(vocabulary.subjects(SKOS.topConceptOf, ESK.scheme))
    assert sectors == {ESK.public, ESK.social_economy, ESK.private}
    kinds = set(vocabulary.subjects(SKOS.inScheme, ESK.scheme)) - sectors
    assert {str(vocabulary.value(k, SKOS.notation)) for k in kinds} >= set(KINDS_OF_THE_CONTRACT)
    for kind in kinds:
        langs = {o.language for o in vocabulary.objects(kind, SKOS.prefLabel)}
        assert {"pl", "en"} <= langs, kind
        assert str(vocabulary.value(kind, SKOS.notation)) == str(kind).rsplit("/", 1)[1]
        broader = set(vocabulary.objects(kind, SKOS.broader))
        assert len(broader) == 1 and broader <= sectors, kind
        assert vocabulary.value(kind, ES.sector) in broader, kind


def test_tie_kinds_name_their_plain_property(vocabulary):
    expected = {
        "advice": ES.advises, "funding": ES.funds, "contracting": ES.contracts, "cofounding": ES.coFounded,
        "referral": ES.refersClientsTo, "coordination": ES.coordinates, "operation": ES.operates,
        "unit_of": ORG.subOrganizationOf, "project_partnership": ES.projectPartnerOf,
    }
    EST = rdflib.Namespace(PREFIXES["est"])
    found = {str(vocabulary.value(k, SKOS.notation)): vocabulary.value(k, ES.directProperty)
             for k in vocabulary.subjects(SKOS.inScheme, EST.scheme)}
    assert found == expected


def test_every_es_term_of_the_model_is_declared(vocabulary):
    terms = [getattr(ES, name) for name in ES.__annotations__]
    assert len(terms) > 30
    undeclared = [t for t in terms if (t, rdflib.RDFS.label, None) not in vocabulary]
    assert undeclared == []
