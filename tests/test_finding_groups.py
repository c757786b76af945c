"""Findings grouped by rule and kind, with the gmina and kind filters (graph.finding_groups)."""

from __future__ import annotations

from graph.analysis.findings import Finding, Resource, Suggestion
from graph.finding_groups import group_findings, severity_label

ORG = "https://w3id.org/es-pl/id/org/"
TERC = "https://w3id.org/es-pl/id/terc/"
GOPS = Resource(ORG + "gops-brody", "GOPS w Brodach", "GOPS Brody")
MIRZEC = Resource(TERC + "2611032", "Mirzec", "Mirzec")
KIELCE_ORG = Resource(ORG + "koowes", "KOOWES", "KOOWES")
FINDINGS = (
    Finding(
        "expectation",
        "ops-works-with-pes",
        "warning",
        (GOPS,),
        "GOPS w Brodach: brak PES.",
        "GOPS Brody: no PES.",
        data=(("rule", "Każdy OPS"),),
    ),
    Finding("expectation", "gmina-has-pes", "warning", (MIRZEC,), "Mirzec: brak PES w danych.", "Mirzec: no PES in the data.", kind="data"),
    Finding("coverage", "coverage-cooperation", "info", (MIRZEC,), "Mirzec: bez PUP.", "Mirzec: no PUP."),
    Suggestion("suggestion", "pes-owes", "info", (KIELCE_ORG, GOPS), "KOOWES → GOPS", "KOOWES → GOPS", score=1.25, rule="pes-owes"),
)
SEATS = {GOPS.iri: "2611022", KIELCE_ORG.iri: "2661011"}


def test_groups_by_rule_and_kind_most_serious_first():
    groups = group_findings(FINDINGS, seats=SEATS, titles={"coverage-cooperation": "Pokrycie: współpraca"})
    assert [(g.code, g.kind) for g in groups] == [
        ("ops-works-with-pes", "cooperation"),
        ("gmina-has-pes", "data"),
        ("coverage-cooperation", "cooperation"),
        ("pes-owes", "suggestion"),
    ]
    assert groups[0].title == "Każdy OPS" and groups[2].title == "Pokrycie: współpraca"
    # organisations link, a gmina is text
    assert groups[0].entries[0].resources == ((GOPS.iri, "GOPS w Brodach", True),)
    assert groups[1].entries[0].resources == ((MIRZEC.iri, "Mirzec", False),)
    assert groups[3].entries[0].score == 1.25


def test_filters_by_gmina_powiat_and_kind():
    brody = group_findings(FINDINGS, seats=SEATS, gminas=["2611022"])
    assert [g.code for g in brody] == ["ops-works-with-pes", "pes-owes"]  # GOPS Brody, also as the suggestion's partner
    powiat = group_findings(FINDINGS, seats=SEATS, gminas=["2611"])
    assert len(powiat) == 4
    data = group_findings(FINDINGS, seats=SEATS, kinds=["data"], lang="en")
    assert [e.text for g in data for e in g.entries] == ["Mirzec: no PES in the data."]


def test_severity_has_an_icon_and_a_word():
    assert severity_label("warning") == "⚠️ ostrzeżenie"
    assert severity_label("violation", "en") == "⛔ serious"
