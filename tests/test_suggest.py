"""Suggested ties: each rule found where it applies and not where it does not; scores; reasons."""

from __future__ import annotations

import networkx as nx
import pytest
from analysis_support import AGREEMENT, ORG, member, org, store_of, tie

from graph.analysis import check_expectations, organisation_graph, pes_kinds, suggest_ties, to_networkx
from graph.analysis.suggest import WEIGHTS


def suggest(ttl: str, **kw):
    store = store_of(ttl)
    g = to_networkx(store)
    findings = check_expectations(store) if kw.pop("with_findings", True) else ()
    return suggest_ties(g, pes_kinds=pes_kinds(store), findings=findings, **kw), g


def pairs(suggestions) -> set[tuple[str, str, str]]:
    return {(s.rule, s.resources[0].iri.removeprefix(ORG), s.resources[1].iri.removeprefix(ORG)) for s in suggestions}


def test_pes_ops_with_a_shared_partner():
    # ops and ss both work with gmina g; they have no tie yet
    ttl = (
        AGREEMENT
        + org("ops", "ops")
        + org("ss", "social_cooperative")
        + org("g", "gmina")
        + tie("g", "funding", "ops")
        + tie("g", "cofounding", "ss")
    )
    (s,), _ = suggest(ttl)
    assert (s.rule, s.resources[0].iri, s.resources[1].iri) == ("pes-ops", ORG + "ops", ORG + "ss")
    # RA 0.5 (one shared partner of degree 2) + 1 (meets an expectation) + 0.2 (same gmina)
    assert s.value("resource_allocation") == pytest.approx(0.5) and s.score == pytest.approx(1.7)
    assert [r.iri for r in s.shared] == [ORG + "g"]
    assert "wspólni partnerzy: g" in s.text_pl and "shared partners: g" in s.text_en
    assert "ops-works-with-pes" in s.meets and "spełni oczekiwanie „Każdy OPS współpracuje" in s.text_pl
    assert "(dotyczy: ops)" in s.text_pl and "(about: ops)" in s.text_en
    assert s.value("tie_kind") == "contracting" and s.value("same_gmina") is True
    assert set(s.basis) == {"https://w3id.org/es-pl/id/tie/g-funding-ops", "https://w3id.org/es-pl/id/tie/g-cofounding-ss"}


def test_no_suggestion_for_a_pair_already_tied_or_far_apart():
    ttl = (
        AGREEMENT
        + org("ops", "ops")
        + org("ss", "social_cooperative")
        + org("far", "social_cooperative", "1465011")
        + org("g", "gmina")
        + tie("g", "funding", "ops")
        + tie("g", "cofounding", "ss")
        + tie("g", "cofounding", "far")
        + tie("ops", "referral", "ss")  # already tied
    )
    found, _ = suggest(ttl)
    assert not any(r == "pes-ops" for r, *_ in pairs(found))  # ss is tied, far is in another powiat


def test_score_is_resource_allocation_plus_reasons():
    ttl = AGREEMENT + org("ops", "ops") + org("ss", "association") + org("a", "gmina") + org("b", "pcpr") + org("c", "firm", "2611022")
    ttl += (
        tie("a", "funding", "ops")
        + tie("a", "funding", "ss")
        + tie("b", "advice", "ops")
        + tie("b", "advice", "ss")
        + tie("b", "advice", "c")
    )
    found, g = suggest(ttl)
    s = next(x for x in found if x.rule == "pes-ops")
    h = organisation_graph(g)
    ((_, _, want),) = nx.resource_allocation_index(h, [(ORG + "ops", ORG + "ss")])
    assert s.value("resource_allocation") == pytest.approx(want) == pytest.approx(1 / 2 + 1 / 3)
    # ops already refers to no PES: the tie meets "ops-works-with-pes"; both in Starachowice
    assert s.score == pytest.approx(want + WEIGHTS["meets"] + WEIGHTS["same_gmina"])
    assert [r.label for r in s.shared] == ["a", "b"]


def test_pes_firm_and_pes_pup():
    ttl = AGREEMENT + org("ss", "social_cooperative") + org("firm", "firm", "2611022") + org("pup", "pup") + org("g", "gmina")
    ttl += tie("g", "cofounding", "ss") + tie("g", "contracting", "firm") + tie("g", "funding", "pup") + member("firm", role="supporter")
    found, _ = suggest(ttl)
    got = pairs(found)
    assert ("pes-firm", "firm", "ss") in got and ("pes-pup", "pup", "ss") in got
    firm = next(s for s in found if s.rule == "pes-firm")
    assert "firm-has-pes-tie" in firm.meets and "w tym samym powiecie" in firm.text_pl  # Brody and Starachowice


def test_gmina_owes_only_where_the_owes_works():
    # owes (seated in Kielce) has a partner in powiat 2611, so it is near gmina g; owes2 shares a
    # partner with g too, but that partner and owes2 are in Warszawa: not near
    ttl = AGREEMENT + org("owes", "owes", "2661011") + org("owes2", "owes", "1465011") + org("g", "gmina") + org("ss", "association")
    ttl += org("far", "association", "1465011") + tie("g", "cofounding", "far") + tie("owes2", "advice", "far")
    ttl += tie("owes", "advice", "ss") + tie("g", "cofounding", "ss")
    found, _ = suggest(ttl)
    got = pairs(found)
    assert ("gmina-owes", "owes", "g") in got
    assert ("gmina-owes", "owes2", "g") not in got
    s = next(x for x in found if x.rule == "gmina-owes" and x.resources[0].iri == ORG + "owes")
    assert "OWES ma partnerów w powiecie gminy Starachowice" in s.text_pl and "wspólni partnerzy: ss" in s.text_pl


def test_no_shared_partner_only_to_meet_an_expectation_and_never_a_zero_score():
    ttl = AGREEMENT + org("ops", "ops") + org("ss", "social_cooperative")
    with_findings, _ = suggest(ttl)
    assert pairs(with_findings) >= {("pes-ops", "ops", "ss")}
    s = next(x for x in with_findings if x.rule == "pes-ops")
    assert s.score == pytest.approx(WEIGHTS["meets"] + WEIGHTS["same_gmina"]) and s.shared == ()
    assert "brak wspólnych partnerów" not in s.text_pl and "no shared partners" not in s.text_en
    assert "spełni oczekiwanie" in s.text_pl and "obie w gminie" in s.text_pl
    without, _ = suggest(ttl, with_findings=False)
    assert without == ()  # near and complementary is not a reason on its own


def test_every_suggestion_has_a_named_reason_and_a_positive_score():
    ttl = AGREEMENT + org("hub", "gmina") + org("ops", "ops") + org("pup", "pup") + org("owes", "owes", "2661011")
    ttl += "".join(org(f"ss{i}", k) for i, k in enumerate(["association", "social_cooperative", "kis", "firm"]))
    ttl += tie("hub", "funding", "ops") + tie("hub", "funding", "pup") + tie("owes", "advice", "ss0")
    ttl += "".join(tie("hub", "cofounding", f"ss{i}") for i in range(4))
    found, _ = suggest(ttl, top=50, per_org=0)
    assert found
    for s in found:
        assert s.score > 0
        reasons = ("wspólni partnerzy: ", "spełni oczekiwanie „", "zakończyło się")
        assert any(r in s.text_pl for r in reasons), s.text_pl


def test_a_tie_that_ended_is_a_reason():
    from graph.analysis.gaps import ended_ties

    ttl = AGREEMENT + org("pup", "pup") + org("ss", "association") + tie("pup", "referral", "ss", start="2017-01-01", end="2018-12-31")
    store = store_of(ttl)
    ended = ended_ties(store, "2020-01-01")
    assert [t[2] for t in ended] == ["https://w3id.org/es-pl/id/tie/pup-referral-ss"]
    g = to_networkx(store, as_of="2020-01-01")
    (s,) = suggest_ties(g, pes_kinds=pes_kinds(store), ended=ended)
    assert (s.rule, s.score) == ("pes-pup", pytest.approx(WEIGHTS["ended"] + WEIGHTS["same_gmina"]))
    assert "zakończyło się 2018-12-31" in s.text_pl and "ended on 2018-12-31" in s.text_en
    assert s.basis == ("https://w3id.org/es-pl/id/tie/pup-referral-ss",)
    assert suggest_ties(g, pes_kinds=pes_kinds(store)) == ()  # without the ended tie: no reason, no suggestion
    assert ended_ties(store, "2018-06-30") == () and ended_ties(store, None) == ()


def test_ranking_and_per_org_limit():
    # one OPS that meets no expectation with high scores, one that would meet one with a lower score
    ttl = AGREEMENT + org("hub", "gmina") + org("ops-busy", "ops") + org("ops-idle", "ops", "2611022")
    ttl += "".join(org(f"ss{i}", "association") for i in range(4))
    ttl += tie("ops-busy", "contracting", "ss0") + tie("hub", "funding", "ops-busy") + tie("hub", "funding", "ops-idle")
    ttl += "".join(tie("hub", "cofounding", f"ss{i}") for i in range(4))
    found, _ = suggest(ttl, top=10, per_org=2)
    ops_rules = [s for s in found if s.rule == "pes-ops"]
    assert ops_rules[0].resources[0].iri == ORG + "ops-idle"  # meets "ops-works-with-pes" first
    for o in ("ops-busy", "ops-idle", "hub"):
        assert sum(ORG + o in {r.iri for r in s.resources} for s in found) <= 2
    unlimited, _ = suggest(ttl, top=50, per_org=0)
    assert len(unlimited) > len(found)


def test_top_zero_and_deterministic():
    ttl = (
        AGREEMENT
        + org("ops", "ops")
        + org("ss", "social_cooperative")
        + org("g", "gmina")
        + tie("g", "funding", "ops")
        + tie("g", "cofounding", "ss")
    )
    assert suggest(ttl, top=0)[0] == ()
    assert suggest(ttl)[0] == suggest(ttl)[0]
