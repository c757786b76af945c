"""Projection to networkx: node set, typed and dated edges, as-of and kind filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.analysis.projection import to_networkx
from graph.model import ESO, ESTIE
from graph.settings import Settings
from graph.store import open_store


@pytest.fixture(params=["oxigraph", "rdflib"])
def store(request, tiny_file: Path):
    return open_store(Settings(data=(tiny_file,), backend=request.param))


def test_nodes_carry_kind_sector_and_gmina(store):
    g = to_networkx(store)
    assert set(g.nodes) == {str(ESO.a), str(ESO.b), str(ESO.c)}
    a = g.nodes[str(ESO.a)]
    assert (a["label"], a["kind"], a["sector"], a["gmina"]) == ("Spółdzielnia A", "social_cooperative", "social_economy", "2611011")
    assert a["gmina_label"] == "Starachowice"
    assert g.nodes[str(ESO.c)]["sector"] == "public"


def test_edges_are_typed_dated_and_sourced(store):
    g = to_networkx(store)
    data = g.edges[str(ESO.b), str(ESO.a), str(ESTIE["b-a"])]
    assert data["kind"] == "funding"
    assert data["start"] == "2017-07-13" and data["end"] is None
    assert data["sources"] == ["https://w3id.org/es-pl/id/source/doc"]
    assert g.number_of_edges() == 2


@pytest.mark.parametrize(
    "as_of,edges",
    [("2017-01-01", set()), ("2017-07-13", {"funding"}), ("2019-06-01", {"funding", "cofounding"}), ("2021-01-01", {"funding"})],
)
def test_as_of_keeps_ties_valid_that_day(store, as_of, edges):
    g = to_networkx(store, as_of=as_of)
    assert {d["kind"] for *_, d in g.edges(data=True)} == edges
    assert g.number_of_nodes() == 3  # organisations stay, only ties are dated


def test_tie_kind_filter(store):
    g = to_networkx(store, tie_kinds=["cofounding"])
    assert [(u, v) for u, v in g.edges()] == [(str(ESO.c), str(ESO.a))]


def test_a_tie_to_an_agent_that_is_no_organisation_keeps_its_label(tmp_path: Path, tiny_file: Path):
    extra = tmp_path / "agent.ttl"
    extra.write_text(
        """@prefix es: <https://w3id.org/es-pl/def#> . @prefix est: <https://w3id.org/es-pl/tie-kind/> .
        @prefix eso: <https://w3id.org/es-pl/id/org/> . @prefix estie: <https://w3id.org/es-pl/id/tie/> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        eso:coord a foaf:Agent ; skos:prefLabel "koordynator (nienazwany)"@pl .
        estie:x a es:Tie ; es:tieKind est:advice ; es:tieFrom eso:coord ; es:tieTo eso:a .""",
        encoding="utf-8",
    )
    g = to_networkx(open_store(Settings(data=(tiny_file, extra))))
    node = g.nodes[str(ESO.coord)]
    assert (node["type"], node["label"], node["label_en"]) == ("other", "koordynator (nienazwany)", "koordynator (nienazwany)")


def _whole(g):
    """Everything a projection holds, in its order: nodes, edges, and each node's predecessors."""
    return (g.graph, list(g.nodes(data=True)), list(g.edges(keys=True, data=True)), [list(g.pred[n]) for n in g])


@pytest.mark.parametrize("as_of", [None, "2017-02-01", "2020-01-01", "2024-06-30"])
@pytest.mark.parametrize("people,memberships", [(False, True), (True, False), (True, True)])
def test_memberships_added_to_a_projection_equal_a_projection_built_with_them(as_of, people, memberships):
    from graph.analysis.projection import with_memberships

    store = open_store(Settings())  # the bundled data: memberships, posts, dissolved organisations
    base = to_networkx(store, as_of=as_of)
    before = _whole(base)
    derived = with_memberships(base, store, include_people=people, include_memberships=memberships)
    direct = to_networkx(store, as_of=as_of, include_people=people, include_memberships=memberships)
    assert _whole(derived) == _whole(direct)
    assert derived.number_of_edges() > base.number_of_edges()  # something was added
    assert _whole(base) == before  # and the projection it extends is as it was


def test_empty_literals_project_as_on_every_engine(tmp_path: Path, tiny_file: Path):
    """The Oxigraph store reads the projection's rows as CSV (Store.select_many), where an empty
    literal reads as unbound: the projection is the same as the rdflib store's, which reads it as ""."""
    data = tmp_path / "empty.ttl"
    data.write_text(
        tiny_file.read_text(encoding="utf-8")
        + '\neso:d a org:Organization ; skos:prefLabel ""@pl , "OPS D"@en ; skos:altLabel "" , "D" ; org:classification esk:ops ;'
        + ' schema:location terc:2611011 ; prov:wasDerivedFrom essrc:doc .\n',
        encoding="utf-8",
    )
    graphs = [to_networkx(open_store(Settings(data=(data,), backend=b))) for b in ("oxigraph", "rdflib")]
    for g in graphs:  # the empty Polish name is no name: the English one stands in; the empty alternative name is none
        assert (g.nodes[str(ESO.d)]["label"], g.nodes[str(ESO.d)]["alt"]) == ("OPS D", ["D"])
    assert sorted(graphs[0].nodes(data=True)) == sorted(graphs[1].nodes(data=True))
    assert sorted(graphs[0].edges(keys=True, data=True)) == sorted(graphs[1].edges(keys=True, data=True))


SKELETON_ATTRS = ("type", "kind", "sector", "gmina", "gmina_label", "synthetic")


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("data", ["bundled", "an agent's tie"])
def test_the_skeleton_holds_the_projections_nodes_and_ties_in_its_order(backend, data, tmp_path: Path, tiny_file: Path):
    """What grouped views and the coverage read, node for node and tie for tie in the same order
    (adjacency and predecessors too: groups and their weights come out in that order)."""
    from graph.analysis.projection import node_table, skeleton

    files = ()
    if data != "bundled":  # a tie's end that is no organisation: a bare node in both
        extra = tmp_path / "agent.ttl"
        extra.write_text(
            """@prefix es: <https://w3id.org/es-pl/def#> . @prefix est: <https://w3id.org/es-pl/tie-kind/> .
            @prefix eso: <https://w3id.org/es-pl/id/org/> . @prefix estie: <https://w3id.org/es-pl/id/tie/> .
            estie:x a es:Tie ; es:tieKind est:advice ; es:tieFrom eso:coord ; es:tieTo eso:a .""",
            encoding="utf-8",
        )
        files = (tiny_file, extra)
    store = open_store(Settings(data=files, backend=backend) if files else Settings(backend=backend))
    g = to_networkx(store)
    nodes, _ = node_table(store)
    s = skeleton(store, nodes)
    assert list(s) == list(g) and s.graph == {"as_of": None}
    assert [tuple(s.nodes[n].get(a) for a in SKELETON_ATTRS) for n in s] == [tuple(g.nodes[n].get(a) for a in SKELETON_ATTRS) for n in g]
    assert list(s.edges(keys=True, data="kind")) == list(g.edges(keys=True, data="kind"))
    assert [list(s.pred[n]) for n in s] == [list(g.pred[n]) for n in g]
    if data != "bundled":
        assert s.nodes[str(ESO.coord)]["type"] == "other"
    else:
        assert s.number_of_edges() > 20  # the bundled ties (33 today)


def test_no_skeleton_for_a_tie_with_two_kinds(tmp_path: Path, tiny_file: Path):
    """The projection keeps one row of such a tie, in the engine's order: nothing stands for it."""
    from graph.analysis.projection import node_table, skeleton

    extra = tmp_path / "two.ttl"
    extra.write_text(
        "@prefix es: <https://w3id.org/es-pl/def#> . @prefix est: <https://w3id.org/es-pl/tie-kind/> .\n"
        "@prefix estie: <https://w3id.org/es-pl/id/tie/> .\nestie:b-a es:tieKind est:advice .\n",
        encoding="utf-8",
    )
    store = open_store(Settings(data=(tiny_file, extra)))
    assert skeleton(store, {}) is None and node_table(store) is None
