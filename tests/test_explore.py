"""graph.views.explore, graph.views.profile and graph.views.overview: the data the dashboard pages show."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analysis.projection import to_networkx
from graph.settings import Settings
from graph.store import open_store
from graph.views.explore import (
    GROUP_PREFIX,
    Filters,
    drop_lone_agreements,
    facets,
    filter_graph,
    focus_graph,
    fold,
    group_graph,
    group_level,
    history_dates,
    members_of_group,
    neighbourhood,
    node_rows,
    search,
    search_index,
    summary,
    territory_labels,
    vocabulary,
)
from graph.views.overview import agreement_timeline, counts_by, finding_rows, findings_about, gmina_grid, later_members, ties_by_kind
from graph.views.profile import organisation_profile

ORG = "https://w3id.org/es-pl/id/org/"


@pytest.fixture(scope="module")
def bundled():
    store = open_store(Settings())
    return store, to_networkx(store)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from tests.conftest import TINY

    path = tmp_path_factory.mktemp("tiny") / "tiny.ttl"
    path.write_text(TINY, encoding="utf-8")
    store = open_store(Settings(data=(path,)))
    return store, to_networkx(store)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Wąchock", "wachock"),
        ("ŁÓDŹ", "lodz"),
        ("Żółć  gęślą", "zolc gesla"),
        ("Pawłów", "pawlow"),
        ("", ""),
        ("Ośrodek\tPomocy", "osrodek pomocy"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("query", ["Wąchock", "Wachock", "wachock", "WĄCHOCK", "  wachOCK "])
def test_search_finds_with_and_without_diacritics(bundled, query):
    _, g = bundled
    hits = search(g, query)
    assert ORG + "gmina-wachock" in hits
    assert ORG + "mgops-wachock" in hits
    assert all("wachock" in fold(g.nodes[h]["label"]) or "wachock" in fold(g.nodes[h].get("gmina_label") or "") for h in hits)


def test_search_ranks_whole_label_first_and_needs_every_word(bundled):
    _, g = bundled
    assert search(g, "gmina wachock")[0] == ORG + "gmina-wachock"
    assert search(g, "pawlow mops") == []  # no label holds both words
    assert search(g, "MOPS")  # alternative label
    assert search(g, "") == []


def test_search_english_label(bundled):
    _, g = bundled
    assert ORG + "mops-starachowice" in search(g, "City Social Assistance")


def test_a_kept_search_index_finds_the_same(bundled):
    _, g = bundled
    index = search_index(g)
    assert len(index) == sum(1 for _, t in g.nodes(data="type") if t in ("organisation", "group", "agreement"))
    for query in ("Starachowice", "wachock", "MOPS", "gmina wachock", "pawlow mops", ""):
        assert search(g, query, index=index) == search(g, query)


def test_agreements_without_members_in_view_go_unless_kept():
    g = _star(3, 2)
    g.add_node("lone", type="agreement", label="A")  # no member in view
    g.add_node("held", type="agreement", label="B")
    g.add_edge("o1-1", "held", key="m1", kind="membership")
    assert filter_graph(g, lone_agreements=True) is g  # nothing filtered: no copy
    dropped = filter_graph(g)
    assert set(dropped) == set(g) - {"lone"}
    assert list(dropped.edges(keys=True)) == list(g.edges(keys=True))
    assert set(drop_lone_agreements(filter_graph(g, Filters(gminas=("2600011",)), lone_agreements=True))) == {"o1-0", "o1-1", "held"}
    assert drop_lone_agreements(dropped) is dropped


def test_a_subgraph_keeps_every_tie_once_in_order():
    g = nx.MultiGraph()  # undirected, parallel ties and a loop: each listed under both ends
    g.add_edges_from(
        [("a", "b", "k1", {"w": 1}), ("b", "a", "k2", {"w": 2}), ("b", "c", "k3", {}), ("c", "c", "k4", {}), ("c", "d", "k5", {})]
    )
    sub = focus_graph(g, "b", 1)
    assert list(sub.edges(keys=True, data=True)) == list(g.subgraph(["a", "b", "c"]).edges(keys=True, data=True))
    assert sorted(k for *_, k in sub.edges(keys=True)) == ["k1", "k2", "k3", "k4"]
    d = nx.MultiDiGraph()
    d.add_edges_from([("a", "b", "k1"), ("b", "a", "k2"), ("b", "c", "k3"), ("c", "c", "k4"), ("c", "d", "k5")])
    assert list(focus_graph(d, "b", 1).edges(keys=True)) == [("a", "b", "k1"), ("b", "a", "k2"), ("b", "c", "k3"), ("c", "c", "k4")]


def test_filters_change_counts(tiny):
    _, g = tiny
    assert summary(g)["organisations"] == 3
    assert set(filter_graph(g, Filters(kinds=("owes",)))) == {ORG + "b"}
    assert set(filter_graph(g, Filters(sectors=("social_economy",)))) == {ORG + "a", ORG + "b"}
    assert set(filter_graph(g, Filters(gminas=("2611011",)))) == {ORG + "a"}
    assert set(filter_graph(g, Filters(gminas=("2611",)))) == {ORG + "a", ORG + "b", ORG + "c"}  # a powiat keeps its gminy
    only_ties = filter_graph(
        g,
        Filters(kinds=("owes", "gmina")),
    )
    assert only_ties.number_of_edges() == 0
    assert filter_graph(g, Filters(kinds=("owes", "gmina"), isolated=False)).number_of_nodes() == 0
    assert filter_graph(g) is g  # nothing filtered: no copy


def test_filter_keeps_ties_among_kept(tiny):
    _, g = tiny
    sub = filter_graph(g, Filters(kinds=("social_cooperative", "owes")))
    assert sub.number_of_edges() == 1
    ((u, v, kind),) = sub.edges(data="kind")
    assert (u, v, kind) == (ORG + "b", ORG + "a", "funding")


def test_focus_depth(bundled):
    _, g = bundled
    one = neighbourhood(g, ORG + "mops-starachowice", 1)
    two = neighbourhood(g, ORG + "mops-starachowice", 2)
    assert ORG + "kis-mops-starachowice" in one
    assert one < two or one == two
    assert len(focus_graph(g, ORG + "mops-starachowice", 1)) == len(one)
    assert neighbourhood(g, ORG + "no-such", 2) == set()


def test_facets_count(tiny):
    _, g = tiny
    f = facets(g)
    assert f["kind"] == {"social_cooperative": 1, "owes": 1, "gmina": 1}
    assert f["tie_kind"] == {"funding": 1, "cofounding": 1}


def _star(n_gminas: int, per: int) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for i in range(n_gminas):
        code = f"26{i // 10:02d}{i % 10:02d}1"
        for j in range(per):
            g.add_node(
                f"o{i}-{j}",
                type="organisation",
                label=f"Org {i}-{j}",
                kind="ops",
                sector="public",
                gmina=code,
                gmina_label=f"G{i}",
                synthetic=True,
            )
        if i:
            g.add_edge(f"o{i}-0", "o0-0", key=f"t{i}", kind="advice")
    return g


def test_grouping_past_threshold():
    g = _star(12, 30)  # 360 organisations in 12 gminy of 2 powiaty
    assert group_level(g, threshold=400) is None
    assert group_level(g, threshold=300) == "gmina"
    assert group_level(g, threshold=10) == "powiat"
    grouped = group_graph(g, "gmina")
    assert grouped.number_of_nodes() == 12
    assert sum(c for _, c in grouped.nodes(data="count")) == 360
    assert all(grouped.nodes[n]["synthetic"] for n in grouped)
    assert grouped.number_of_edges() == 11
    by_powiat = group_graph(g, "powiat")
    assert set(by_powiat) == {GROUP_PREFIX + "2600", GROUP_PREFIX + "2601"}
    # ties either way between two units add up on one line, inside a unit on the node
    g.add_edge("o0-0", "o10-0", key="back", kind="funding")
    both = group_graph(g, "powiat")
    line = both.edges[GROUP_PREFIX + "2600", GROUP_PREFIX + "2601"]
    assert line["weight"] == 3 and dict(line["kinds"]) == {"advice": 2, "funding": 1}
    assert [both.nodes[n]["internal"] for n in (GROUP_PREFIX + "2600", GROUP_PREFIX + "2601")] == [9, 0]
    assert len(members_of_group(g, GROUP_PREFIX + "2600")) == 10 * 30


def test_vocabulary_and_territory(bundled):
    store, _ = bundled
    v = vocabulary(store)
    assert v["kind"]["ops"]["pl"] == "ośrodek pomocy społecznej"
    assert v["kind"]["ops"]["sector"] == "public"
    assert v["sector"]["social_economy"]["en"] == "social-economy sector"
    assert v["tie_kind"]["funding"]["pl"] == "finansowanie"
    labels = territory_labels(store)
    assert labels["2611053"] == "Wąchock"


def test_history_dates_sorted_unique(bundled):
    _, g = bundled
    dates = history_dates(g)
    assert dates == sorted(set(dates))
    assert "2017-07-13" in dates or dates  # some tie dates exist


def test_node_rows_language(bundled):
    store, g = bundled
    v = vocabulary(store)
    (pl,) = node_rows(g, [ORG + "mops-starachowice"], vocab=v, lang="pl")
    (en,) = node_rows(g, [ORG + "mops-starachowice"], vocab=v, lang="en")
    assert pl["label"].startswith("Miejski Ośrodek") and pl["kind"] == "ośrodek pomocy społecznej"
    assert en["label"].startswith("City Social Assistance Centre") and en["kind"] == "social assistance centre"
    assert node_rows(g, ["nope"]) == []


def test_profile(bundled):
    store, _ = bundled
    p = organisation_profile(store, ORG + "powiat-starachowicki")
    assert p.label == "Powiat Starachowicki" and p.kind == "starostwo" and p.gmina == "2611011"
    assert {x.name for x in p.posts} >= {"Dariusz Dąbrowski", "Danuta Krępa"}
    assert p.memberships and p.memberships[0].role == "signatory"
    out = [r for r in p.ties if r.direction == "out"]
    assert any(r.other == ORG + "ss-starachowiczanka" and r.kind == "cofounding" for r in out)
    assert all(s.url.startswith("http") for r in p.ties for s in r.sources if s.url)
    assert p.sources and not p.synthetic


def test_profile_unknown(bundled):
    from graph.errors import GraphError

    store, _ = bundled
    with pytest.raises(GraphError, match="no such organisation"):
        organisation_profile(store, ORG + "nope")


def test_profile_binds_the_iri(bundled):
    """A hostile IRI is bound, never pasted: it finds nothing and changes nothing."""
    from graph.errors import GraphError

    store, _ = bundled
    before = len(store)
    with pytest.raises(GraphError):
        organisation_profile(store, "http://a> } ; DROP ALL #")
    assert len(store) == before


def test_timeline_and_counts(bundled):
    store, g = bundled
    tl = agreement_timeline(store)
    assert {"Gmina Wąchock", "Powiat Starachowicki"} <= set(tl["label"])
    assert set(tl["joined"]) == {"start", "not_member"}
    assert later_members(tl).empty  # the bundled data has no later joiner
    # ROPS (initiator, supporter) and KOOWES (supporter) are shown, never counted as members
    assert set(tl.loc[tl["joined"] == "not_member", "label"]) == {
        "Regionalny Ośrodek Polityki Społecznej Urzędu Marszałkowskiego Województwa Świętokrzyskiego",
        "Kielecko-Ostrowiecki Ośrodek Wsparcia Ekonomii Społecznej",
    }
    kinds = counts_by(g, "kind", vocabulary(store))
    assert kinds.set_index("key").loc["gmina", "count"] == 5
    assert kinds.set_index("key").loc["group", "count"] == 3
    ties = ties_by_kind(g, vocabulary(store))
    assert ties["count"].sum() == g.number_of_edges()
    grid = gmina_grid(g, territory_labels(store))
    assert grid.loc["2611053", "social_economy"] == 0  # Wąchock: a gap
    assert grid.loc["2611011", "total"] == 11  # 8, and CUS, Fundacja ARR and the Centrum Pomocy Uchodźcom (S15, S17, S18)


def test_finding_rows_order_and_about():
    from graph.analysis.findings import Finding, Resource

    a, b = Resource(ORG + "a", "A", "A-en"), Resource(ORG + "b", "B")
    found = [
        Finding("coverage", "x", "info", (a,), "info pl", "info en"),
        Finding("expectation", "y", "violation", (b, a), "pl", "en"),
    ]
    rows = finding_rows(found, "en")
    assert [r["severity"] for r in rows] == ["violation", "info"]
    assert rows[0]["about"] == "B, A-en" and rows[0]["iri"] == ORG + "b"
    assert findings_about(found, ORG + "a") == found
    assert findings_about(found, ORG + "c") == []


def test_store_dates_match_the_projection(bundled):
    from graph.views.explore import store_dates

    store, _ = bundled
    with_memberships = to_networkx(store, include_memberships=True, include_people=True)
    assert store_dates(store) == history_dates(with_memberships)


def test_drill_path_is_the_breadcrumb():
    from graph.views.explore import drill_path

    assert drill_path("2611011") == ["26", "2611", "2611011"]
    assert drill_path("26") == ["26"]
    assert drill_path("") == [] and drill_path(None) == []


def test_whole_network_groups_by_voivodeship_only_past_the_limit_and_across_voivodeships():
    from graph.views.explore import VOIVODESHIP_OVER

    g = nx.Graph()
    g.add_nodes_from((f"o{i}", {"type": "organisation", "gmina": f"2{i % 2}0{i % 7}011"}) for i in range(VOIVODESHIP_OVER + 1))
    assert group_level(g) == "voivodeship"
    assert set(group_graph(g, "voivodeship")) == {GROUP_PREFIX + "20", GROUP_PREFIX + "21"}
    one = nx.Graph()
    one.add_nodes_from((f"o{i}", {"type": "organisation", "gmina": f"260{i % 7}011"}) for i in range(VOIVODESHIP_OVER + 1))
    assert group_level(one) == "gmina"  # one voivodeship: its 7 gminy
    small = nx.Graph()
    small.add_nodes_from((f"o{i}", {"type": "organisation", "gmina": f"2{i % 2}0{i % 7}011"}) for i in range(VOIVODESHIP_OVER))
    assert group_level(small) == "gmina"
