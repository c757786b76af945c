"""Metrics: classic graphs with published values, igraph against networkx, the bundled data by hand."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from analysis_support import AGREEMENT, ORG, member, org, store_of, tie

from graph.analysis import (
    BROKERAGE_ROLES,
    betweenness,
    brokerage,
    burt,
    ei_index,
    harmonic,
    network_metrics,
    node_metrics,
    to_networkx,
)
from graph.settings import Settings
from graph.store import open_store

KITE = ["Andre", "Beverly", "Carol", "Diane", "Ed", "Fernando", "Garth", "Heather", "Ike", "Jane"]


def kite() -> nx.Graph:
    return nx.relabel_nodes(nx.krackhardt_kite_graph(), dict(enumerate(KITE)))


def test_kite_betweenness_and_degree_published():
    # Krackhardt (1990), "Assessing the political landscape": normalised betweenness
    m = node_metrics(kite())
    want = {
        "Heather": 0.389,
        "Fernando": 0.231,
        "Garth": 0.231,
        "Ike": 0.222,
        "Diane": 0.102,
        "Andre": 0.023,
        "Beverly": 0.023,
        "Carol": 0.0,
        "Ed": 0.0,
        "Jane": 0.0,
    }
    assert {k: round(v, 3) for k, v in m["betweenness"].items()} == want
    assert m.loc["Diane", "degree"] == 6 and m.loc["Jane", "degree"] == 1
    assert m.index[0] == "Heather"  # sorted by betweenness, largest first
    # harmonic closeness (sum of 1/distance over n - 1): Diane has 6 at 1, Heather at 2, Ike at 3, Jane at 4
    h = harmonic(kite())
    assert h["Diane"] == pytest.approx((6 + 1 / 2 + 1 / 3 + 1 / 4) / 9) and h["Jane"] == pytest.approx(
        nx.harmonic_centrality(kite())["Jane"] / 9
    )
    assert m.loc["Jane", "core"] == 1 and m.loc["Diane", "core"] == 3


def test_florentine_families_published():
    # Padgett's Florentine marriage network (networkx's 15-family version): the Medici broker it
    g = nx.florentine_families_graph()
    m = node_metrics(g)
    assert m.index[0] == "Medici"
    assert m.loc["Medici", "betweenness"] == pytest.approx(0.5220, abs=5e-4)
    assert m.loc["Medici", "degree"] == 6
    net = network_metrics(g)
    assert (net["organisations"], net["pairs"], net["components"], net["isolates"]) == (15, 20, 1, 0)
    assert net["density"] == pytest.approx(20 / 105)


@pytest.mark.parametrize("graph", [kite(), nx.florentine_families_graph(), nx.karate_club_graph()], ids=["kite", "florentine", "karate"])
def test_burt_equals_networkx(graph):
    cons, eff = burt(graph)
    for v, c in nx.constraint(graph).items():
        assert cons[v] == pytest.approx(c, abs=1e-12)
    for v, e in nx.effective_size(graph).items():
        assert eff[v] == pytest.approx(e, abs=1e-12)


def test_burt_isolate_is_nan():
    g = nx.Graph([(1, 2)])
    g.add_node(3)
    cons, eff = burt(g)
    assert math.isnan(cons[3]) and math.isnan(eff[3]) and cons[1] == 1.0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_igraph_equals_networkx_on_random_graphs(seed):
    g = nx.gnm_random_graph(400, 900, seed=seed)
    g.add_nodes_from(range(400, 410))  # isolates too
    want_b = nx.betweenness_centrality(g)
    got_b = betweenness(g, method="igraph")
    assert max(abs(got_b[v] - want_b[v]) for v in g) < 1e-9
    want_h = harmonic(g, method="networkx")
    got_h = harmonic(g, method="igraph")
    assert max(abs(got_h[v] - want_h[v]) for v in g) < 1e-9


def test_sampled_betweenness_error_is_stated():
    """Sampled betweenness (k=250 of 600 pivots, seed 0): max abs error under 0.01, the top 10 mostly kept."""
    g = nx.barabasi_albert_graph(600, 2, seed=7)
    exact = betweenness(g, method="igraph")
    sampled = betweenness(g, method="sampled", k=250, seed=0)
    assert sampled == betweenness(g, method="sampled", k=250, seed=0)  # seeded
    err = max(abs(sampled[v] - exact[v]) for v in g)
    assert err < 0.01
    top = lambda d: set(sorted(d, key=lambda v: -d[v])[:10])  # noqa: E731
    assert len(top(exact) & top(sampled)) >= 8


def test_igraph_cross_check_on_synthetic_county(tmp_path):
    from graph.analysis import organisation_graph
    from graph.synthetic import write_synthetic

    path = tmp_path / "county.ttl"
    write_synthetic("county", seed=3, out=path)
    h = organisation_graph(to_networkx(open_store(Settings(data=(path,)))))
    assert h.number_of_nodes() > 150
    want = nx.betweenness_centrality(h)
    got = betweenness(h, method="igraph")
    assert max(abs(got[v] - want[v]) for v in h) < 1e-9


def _two_path(groups: tuple, closed: bool = False) -> nx.DiGraph:
    g = nx.DiGraph([("a", "b"), ("b", "c")])
    if closed:
        g.add_edge("a", "c")
    nx.set_node_attributes(g, dict(zip("abc", groups)), "sector")
    return g


@pytest.mark.parametrize(
    "groups, role",
    [
        (("x", "x", "x"), "coordinator"),
        (("x", "y", "x"), "consultant"),
        (("x", "x", "y"), "representative"),
        (("y", "x", "x"), "gatekeeper"),
        (("x", "y", "z"), "liaison"),
    ],
)
def test_brokerage_roles(groups, role):
    found = brokerage(_two_path(groups))
    assert found.loc["b", role] == 1
    assert found.loc["b", "brokerage"] == 1
    assert found.loc[["a", "c"], "brokerage"].sum() == 0
    # a closed triad (a -> c exists) brokers nothing
    assert brokerage(_two_path(groups, closed=True)).loc["b", list(BROKERAGE_ROLES)].sum() == 0


def test_ei_index_and_cross_sector_share():
    g = nx.Graph([(1, 2), (2, 3), (3, 4)])
    nx.set_node_attributes(g, {1: "public", 2: "public", 3: "private", 4: "private"}, "sector")
    nx.set_node_attributes(g, {1: "g1", 2: "g2", 3: "g3", 4: "g4"}, "gmina")
    assert ei_index(g, "sector") == pytest.approx((1 - 2) / 3)
    net = network_metrics(g)
    assert net["cross_sector_share"] == pytest.approx(1 / 3)
    assert net["ei_gmina"] == 1.0
    assert net["sector_density"]["public|public"] == 1.0 and net["sector_density"]["private|public"] == 0.25


def test_degree_by_kind_and_direction_on_a_projection():
    ttl = (
        AGREEMENT
        + org("owes", "owes")
        + org("ss", "social_cooperative")
        + org("ops", "ops")
        + tie("owes", "funding", "ss")
        + tie("owes", "advice", "ss", name="adv")
        + tie("ops", "contracting", "ss")
        + member("ops")
    )
    g = to_networkx(store_of(ttl), include_memberships=True)
    m = node_metrics(g)
    assert ORG + "agr" not in m.index  # the agreement is not an organisation
    assert m.loc[ORG + "owes", ["out_funding", "out_advice", "in_funding", "degree", "ties"]].tolist() == [1, 1, 0, 1, 2]
    assert m.loc[ORG + "ss", ["in_funding", "in_advice", "in_contracting", "degree"]].tolist() == [1, 1, 1, 2]
    assert m.loc[ORG + "ss", "betweenness"] == pytest.approx(1.0)  # the only path owes - ops
    # both ties point at ss (owes -> ss <- ops): no two-path runs through anyone, so nobody brokers
    assert m["brokerage"].sum() == 0
    assert set(m["label"]) == {"owes", "ss", "ops"} and m.loc[ORG + "ss", "sector"] == "social_economy"


def test_bundled_data_by_hand():
    """KOOWES: 6 partners over 13 ties (12, and its advice to the powiat in 2022, S15); its 4 project
    partners reach the 14 others of its part (19 organisations) only through it."""
    g = to_networkx(open_store(Settings()))
    m = node_metrics(g)
    k = m.loc[ORG + "koowes"]
    assert (k["degree"], k["ties"], k["out_funding"], k["in_project_partnership"]) == (6, 13, 2, 8)
    n = len(m)
    pairs = 4 * 14 + 6  # leaves x the rest of the part, and leaf pairs
    assert k["betweenness"] == pytest.approx(pairs * 2 / ((n - 1) * (n - 2)))
    assert m.index[0] == ORG + "powiat-starachowicki"  # co-founder, operator and partner of most of the part
    assert m.loc[ORG + "gmina-brody", "degree"] == 0 and math.isnan(m.loc[ORG + "gmina-brody", "constraint"])
    net = network_metrics(g)
    assert net["largest_component"] == 19 and net["isolates"] == 10


def test_community_is_seeded():
    g = nx.karate_club_graph()
    a, b = node_metrics(g, seed=1)["community"], node_metrics(g, seed=1)["community"]
    assert a.equals(b) and a.nunique() >= 2


def test_large_networks_take_igraphs_louvain_seeded_and_as_good(monkeypatch):
    from graph.analysis import metrics

    g = nx.connected_watts_strogatz_graph(400, 6, 0.05, seed=1)
    reference = nx.community.modularity(g, nx.community.louvain_communities(g, seed=0))
    monkeypatch.setattr(metrics, "LOUVAIN_NX_MAX_NODES", 100)  # 400 nodes count as "large"
    a, b = metrics._communities(g, 0), metrics._communities(g, 0)
    assert a == b and set(a) == set(g)
    parts = [{v for v in a if a[v] == c} for c in set(a.values())]
    assert nx.community.modularity(g, parts) == pytest.approx(reference, abs=0.02)
