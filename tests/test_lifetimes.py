"""Lifetimes and uncertain dates (issue 10): the one as-of rule (graph.dates)
on small hand-made graphs, members of an agreement, and the data corrections."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.analysis.projection import to_networkx
from graph.analysis.timeline import snapshot_store
from graph.dates import NOT_EARLIER_THAN, NOT_LATER_THAN, format_date, holds, holds_sparql
from graph.model import TURTLE_PREFIXES
from graph.store import OxigraphStore
from graph.views.overview import NOT_MEMBER, agreement_timeline, agreements, first_members, later_members

GRAPH = (
    TURTLE_PREFIXES
    + """
eso:old a org:Organization ; skos:prefLabel "Stara"@pl ; org:classification esk:ops ; schema:location terc:2611011 ;
    schema:dissolutionDate "2021-11-25"^^xsd:date ; es:dissolutionBound es:notLaterThan .
eso:coop a org:Organization ; skos:prefLabel "Spółdzielnia"@pl ; org:classification esk:social_cooperative ;
    schema:location terc:2611011 ; schema:foundingDate "2022-07"^^xsd:gYearMonth .
eso:gmina a org:Organization ; skos:prefLabel "Gmina"@pl ; org:classification esk:gmina ; schema:location terc:2611011 .
estie:by a es:Tie ; es:tieKind est:advice ; es:tieFrom eso:gmina ; es:tieTo eso:old ;
    es:startDate "2017-01-20"^^xsd:date ; es:startBound es:notLaterThan .
estie:year a es:Tie ; es:tieKind est:funding ; es:tieFrom eso:gmina ; es:tieTo eso:coop ; es:startDate "2022"^^xsd:gYear .
estie:month a es:Tie ; es:tieKind est:cofounding ; es:tieFrom eso:gmina ; es:tieTo eso:coop ; es:startDate "2022-07"^^xsd:gYearMonth .
eso:gmina es:advises eso:old ; es:funds eso:coop ; es:coFounded eso:coop .
est:advice es:directProperty es:advises . est:funding es:directProperty es:funds . est:cofounding es:directProperty es:coFounded .
eso:agr a org:OrganizationalCollaboration ; skos:prefLabel "Porozumienie"@pl .
esm:sig a org:Membership ; org:member eso:gmina ; org:organization eso:agr ; org:role esrole:signatory ;
    es:startDate "2017-01-20"^^xsd:date ; es:startBound es:notLaterThan .
esm:late a org:Membership ; org:member eso:coop ; org:organization eso:agr ; org:role esrole:signatory ; es:startDate "2023-03-01"^^xsd:date .
esm:init a org:Membership ; org:member eso:old ; org:organization eso:agr ; org:role esrole:initiator ; es:startDate "2017-01-20"^^xsd:date .
esm:sup a org:Membership ; org:member eso:old ; org:organization eso:agr ; org:role esrole:supporter ; es:startDate "2017-01-20"^^xsd:date .
"""
)


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    s = ox.Store()
    s.load(GRAPH.encode(), ox.RdfFormat.TURTLE)
    return OxigraphStore(s)


@pytest.mark.parametrize(
    "start, bound, end, day, expected",
    [
        ("2017-01-20", None, None, "2017-01-19", False),  # day: before
        ("2017-01-20", None, None, "2017-01-20", True),  # on
        ("2017-01-20", NOT_LATER_THAN, None, "2017-01-19", False),  # "by D": never before D
        ("2017-01-20", NOT_LATER_THAN, None, "2017-01-20", True),  # from D
        ("2017-01", None, None, "2017-01-31", False),  # month: not within the month
        ("2017-01", None, None, "2017-02-01", True),  # from the next month
        ("2018", None, None, "2018-12-31", False),  # year
        ("2018", NOT_EARLIER_THAN, None, "2019-01-01", True),
        ("2016-09-01", None, "2019-08-31", "2019-08-31", True),  # end day: through it
        ("2016-09-01", None, "2019-08-31", "2019-09-01", False),
        ("2017-01-30", None, "2018", "2017-12-31", True),  # end year: up to it
        ("2017-01-30", None, "2018", "2018-01-01", False),
        ("2017-01-30", None, "2018-03", "2018-02-28", True),
        ("2017-01-30", None, "2018-03", "2018-03-01", False),
    ],
)
def test_holds_by_precision_and_bound(start, bound, end, day, expected):
    assert holds(start, bound, end, None, day) is expected


def test_sparql_rule_agrees_with_python(store):
    cases = [
        ("2017-01-20", "2017-01-19"),
        ("2017-01", "2017-01-31"),
        ("2017-01", "2017-02-01"),
        ("2018", "2018-06-01"),
        ("2018", "2019-01-01"),
    ]
    for value, day in cases:
        dtype = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(value)]
        q = f'ASK {{ BIND("{value}"^^<http://www.w3.org/2001/XMLSchema#{dtype}> AS ?start) BIND("{day}" AS ?date) FILTER({holds_sparql()}) }}'
        assert bool(store.ox.query(q)) is holds(value, None, None, None, day), (value, day)


def test_as_of_counts_organisations_only_while_they_exist(store):
    before, month, after = (to_networkx(store, as_of=d) for d in ("2022-06-30", "2022-07-31", "2022-08-01"))
    assert "https://w3id.org/es-pl/id/org/coop" not in before and "https://w3id.org/es-pl/id/org/coop" not in month
    assert "https://w3id.org/es-pl/id/org/coop" in after
    # the tie known to the year counts from 2023; the one known to the month from August
    assert set(after.edges(keys=True)) >= {
        ("https://w3id.org/es-pl/id/org/gmina", "https://w3id.org/es-pl/id/org/coop", "https://w3id.org/es-pl/id/tie/month")
    }
    assert "https://w3id.org/es-pl/id/tie/year" not in {k for *_, k in after.edges(keys=True)}
    dissolved = to_networkx(store, as_of="2021-11-26")
    assert "https://w3id.org/es-pl/id/org/old" not in dissolved and dissolved.number_of_edges() == 0
    assert to_networkx(store, as_of="2017-01-19").number_of_edges() == 0
    assert to_networkx(store, as_of="2017-01-20").number_of_edges() == 1


def test_snapshot_store_drops_what_does_not_exist(store):
    snap = snapshot_store(store, "2020-01-01")
    subjects = {str(q.subject.value) for q in snap.ox}
    objects = {getattr(q.object, "value", None) for q in snap.ox}
    coop = "https://w3id.org/es-pl/id/org/coop"
    assert coop not in subjects and coop not in objects
    assert "https://w3id.org/es-pl/id/tie/by" in subjects  # the tie to the old centre still holds in 2020
    later = snapshot_store(store, "2022-01-01")
    assert "https://w3id.org/es-pl/id/org/old" not in {q.subject.value for q in later.ox}


def test_members_are_signatories_and_joiners_not_initiators_or_supporters(store):
    tl = agreement_timeline(store)
    assert set(first_members(tl)["member"]) == {"https://w3id.org/es-pl/id/org/gmina"}
    assert set(later_members(tl)["member"]) == {"https://w3id.org/es-pl/id/org/coop"}
    assert set(tl.loc[tl["joined"] == NOT_MEMBER, "role"]) == {"initiator", "supporter"}
    ((_, _, day, bound),) = agreements(tl)
    assert day == "2017-01-20" and bound == NOT_LATER_THAN


def test_dates_are_worded_with_their_precision():
    assert format_date("2017-01-20", NOT_LATER_THAN, "pl") == "najpóźniej od 2017-01-20"
    assert format_date("2017-01-20", NOT_LATER_THAN, "en") == "by 2017-01-20 at the latest"
    assert format_date("2017-01", None, "pl") == "styczeń 2017"
    assert format_date("2017-01", None, "en") == "January 2017"
    assert format_date("2017-08", NOT_LATER_THAN, "pl") == "najpóźniej od sierpnia 2017"
    assert format_date("2017-08-01", NOT_EARLIER_THAN, "pl", role="end") == "co najmniej do 2017-08-01"


# ------------------------------------------------------------------ the bundled data (FACTS.md S8-S22, Corrections)


@pytest.fixture(scope="module")
def bundled():
    from graph.settings import Settings
    from graph.store import open_store

    return open_store(Settings.from_env())


def _ask(store, text: str) -> bool:
    return store.query("ASK { " + text + " }").boolean


def test_one_starosta_at_a_time(bundled):
    posts = bundled.select_values(
        """SELECT ?m ?start ?end WHERE { ?m org:role esrole:starosta ; org:organization eso:powiat-starachowicki ; es:startDate ?start
           OPTIONAL { ?m es:endDate ?end } }"""
    )[1]
    assert len(posts) == 5
    for day, who in (("2017-01-25", "dariusz-dabrowski"), ("2017-02-01", "danuta-krepa"), ("2019-06-01", "piotr-babicki"),
                     ("2022-07-08", "piotr-ambroszczyk"), ("2024-06-01", "piotr-babicki")):  # fmt: skip
        open_ = [m for m, s, e in posts if holds(s, None, e, None, day)]
        assert len(open_) == 1 and who in open_[0], (day, open_)
    assert len([m for m, s, e in posts if e is None]) == 1


def test_rops_is_the_regional_coordinator_and_no_unnamed_one(bundled):
    assert _ask(bundled, "eso:rops-swietokrzyskie org:purpose esrole:regional_es_coordinator")
    assert not _ask(bundled, "?x ?p ?o FILTER(CONTAINS(STR(?x), 'coordinator') && STRSTARTS(STR(?x), STR(eso:)))")
    assert not _ask(
        bundled,
        "?m org:member ?x ; org:organization eso:porozumienie-starachowice-2017 . ?x a foaf:Agent FILTER NOT EXISTS { ?x a org:Organization } FILTER NOT EXISTS { ?x a es:UnnamedGroup }",
    )


def test_signing_is_january_2017_by_the_page_date(bundled):
    assert _ask(
        bundled, '<https://w3id.org/es-pl/id/event/podpisanie-porozumienia-starachowice-2017> schema:startDate "2017-01"^^xsd:gYearMonth'
    )
    assert _ask(bundled, 'eso:porozumienie-starachowice-2017 schema:foundingDate "2017-01-20"^^xsd:date ; es:foundingBound es:notLaterThan')
    assert not _ask(
        bundled,
        '?m org:organization eso:porozumienie-starachowice-2017 ; es:startDate "2017-01-20"^^xsd:date FILTER NOT EXISTS { ?m es:startBound es:notLaterThan }',
    )


@pytest.mark.parametrize(
    "person, source",
    [("jaroslaw-kuba", "s15-powiat-4296"), ("marcin-marzec", "s3-umws-starachowiczanka"), ("anna-gorak", "s12-umws-85"),
     ("danuta-krepa", "s8-prawo-pl-108478"), ("jaroslaw-warszawa", "s12-umws-85")],
)  # fmt: skip
def test_people_cite_pages_that_name_them(bundled, person, source):
    assert _ask(bundled, f"esp:{person} prov:wasDerivedFrom essrc:{source}")
    # the launch-report pages of S3 that do not name them are gone
    assert not _ask(bundled, f"esp:{person} prov:wasDerivedFrom essrc:s3-starachowicka-23260")


def test_anna_gorak_at_rops_is_scoped_in_time(bundled):
    assert _ask(
        bundled, "esm:anna-gorak-consultant org:organization eso:rops-swietokrzyskie ; es:endDate ?e ; es:endBound es:notEarlierThan"
    )
    assert _ask(bundled, "esm:anna-gorak-pestka-vice-president org:organization eso:fundacja-pestka")


def test_cus_follows_mops_and_integracja_is_not_there_in_2020(bundled):
    g2020 = to_networkx(bundled, as_of="2020-01-01")
    assert "https://w3id.org/es-pl/id/org/ss-integracja" not in g2020
    assert "https://w3id.org/es-pl/id/org/mops-starachowice" in g2020 and "https://w3id.org/es-pl/id/org/cus-starachowice" not in g2020
    g2023 = to_networkx(bundled, as_of="2023-01-01")
    assert "https://w3id.org/es-pl/id/org/cus-starachowice" in g2023 and "https://w3id.org/es-pl/id/org/mops-starachowice" not in g2023


def test_stats_and_diff_use_the_same_rule(store):
    from graph.analysis.stats import stats
    from graph.analysis.timeline import diff_report

    kinds = lambda day: {k.rsplit("/", 1)[-1]: n for k, _, n in stats(store, as_of=day)["kind"]}  # noqa: E731
    assert kinds("2021-11-25") == {"ops": 1, "gmina": 1}  # counted through its dissolution bound
    assert kinds("2022-07-31") == {"gmina": 1}  # the centre dissolved, the cooperative not yet (July 2022)
    assert kinds("2022-08-01") == {"gmina": 1, "social_cooperative": 1}
    d = diff_report(store, "2017-01-01", "2023-06-01")
    joined = {f.resources[0].iri.rsplit("/", 1)[-1] for f in d.of("joined")}
    assert joined == {"gmina", "coop"}  # the initiator and the supporter do not join


@pytest.mark.parametrize(
    "day, ties",
    [("2017-01-19", set()), ("2021-11-25", {"by"}), ("2022-07-31", set()), ("2022-08-01", {"month"}), ("2023-01-01", {"month", "year"})],
)
def test_saved_question_ties_on_a_date_uses_the_same_rule(store, day, ties):
    from graph.library import get_query

    q = get_query("list_ties_on_date")
    _, rows = store.select_values(q.text, q.bind({"date": day}))
    assert {r[-1].rsplit("/", 1)[-1] for r in rows} == ties
    g = to_networkx(store, as_of=day)
    assert {k.rsplit("/", 1)[-1] for *_, k in g.edges(keys=True)} == ties
