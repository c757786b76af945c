"""Metrics at scale: the fast paths (sparse brokerage, shared graphs, forked children) give the
values of the plain definitions."""

from __future__ import annotations

import gc
import os
import random
import signal
import time

import networkx as nx
import pytest

from graph.analysis import BROKERAGE_ROLES, brokerage, network_metrics, node_metrics, role_of, structure
from graph.analysis import metrics as metrics_module
from graph.analysis.network import paused_gc
from graph.analysis.offload import offload


def _two_paths(g: nx.DiGraph, attr: str) -> dict:
    """Brokerage by its definition: every a -> b -> c with a != c and no tie a -> c."""
    succ = {v: set(g.successors(v)) - {v} for v in g}
    out = {v: dict.fromkeys(BROKERAGE_ROLES, 0) for v in g}
    for b in g:
        for a in set(g.predecessors(b)) - {b}:
            for c in succ[b]:
                if c != a and c not in succ[a]:
                    out[b][role_of(g.nodes[a].get(attr), g.nodes[b].get(attr), g.nodes[c].get(attr))] += 1
    return out


@pytest.mark.parametrize("seed", range(8))
def test_brokerage_equals_the_definition(seed):
    rnd = random.Random(seed)
    g = nx.MultiDiGraph(nx.gnp_random_graph(30, 0.15, seed=seed, directed=True))
    g.add_edges_from([(0, 0), (1, 2), (1, 2), (2, 1)])  # a loop, a repeated tie, a reciprocal pair
    for v in g:
        g.nodes[v]["sector"] = rnd.choice(["public", "private", "social_economy", None])
    got = brokerage(g)
    want = _two_paths(nx.DiGraph(g), "sector")
    assert {v: got.loc[v, list(BROKERAGE_ROLES)].tolist() for v in g} == {v: [want[v][r] for r in BROKERAGE_ROLES] for v in g}
    assert (got["brokerage"] == got[list(BROKERAGE_ROLES)].sum(axis=1)).all() and got["brokerage"].sum() > 0


@pytest.mark.parametrize(
    "graph",
    [nx.karate_club_graph(), nx.star_graph(6), nx.complete_bipartite_graph(3, 4), nx.gnm_random_graph(80, 200, seed=2)],
    ids=["karate", "star", "bipartite", "random"],
)
def test_transitivity_and_components_are_networkx(graph):
    got = network_metrics(graph)
    want = nx.transitivity(graph)
    assert got["transitivity"] == want and type(got["transitivity"]) is type(want)  # 0 (an int) with no triangle
    assert got["components"] == nx.number_connected_components(graph)
    assert got["largest_component"] == max(len(c) for c in nx.connected_components(graph))


def _frozen_network() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(nx.gnm_random_graph(600, 1500, seed=5))  # past NX_MAX_NODES: igraph, exact
    rnd = random.Random(5)
    for v in g:
        g.nodes[v].update(type="organisation", sector=rnd.choice(["public", "private", "social_economy"]), label=f"o{v:03d}")
    return nx.freeze(g)


def test_offloaded_closeness_is_the_same(monkeypatch):
    g = _frozen_network()
    here = node_metrics(g)
    forks = []
    real_fork = os.fork

    def counted():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(metrics_module, "OFFLOAD_MIN_NODES", 3)
    monkeypatch.setattr(os, "fork", counted)
    offloaded = node_metrics(nx.freeze(nx.MultiDiGraph(g)))  # another projection: started here
    assert len(forks) == 2  # betweenness and harmonic closeness, each in a child
    assert offloaded.equals(here) and list(offloaded.index) == list(here.index)
    # started ahead (as the gap findings do), taken by node_metrics, once per projection
    prefetched = nx.freeze(nx.MultiDiGraph(g))
    metrics_module.prefetch_closeness(prefetched)
    assert len(forks) == 4
    assert node_metrics(prefetched).equals(here) and node_metrics(prefetched).equals(here) and len(forks) == 4


def test_offload_answers_from_a_child_or_here():
    parent = os.getpid()
    assert offload(True, os.getpid).result() != parent  # computed in the child
    assert offload(False, os.getpid).result() == parent
    # a child that fails: computed here instead
    assert offload(True, lambda: 1 / 0 if os.getpid() != parent else "here").result() == "here"
    # a child killed on the way (out of memory, say): computed here, and the child collected
    job = offload(True, lambda: time.sleep(60) if os.getpid() != parent else "here")
    child = job._pid
    os.kill(child, signal.SIGKILL)
    assert job.result() == "here" and job.result() == "here"
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)


def test_structure_is_shared_per_frozen_projection():
    g = _frozen_network()
    first = structure(g)
    assert structure(g) is first  # the report and the page share one
    assert structure(nx.MultiDiGraph(g)) == first  # the same values as on a graph that can change


def test_paused_gc_nests_and_restores():
    was = gc.isenabled()
    gc.enable()
    try:
        with paused_gc():
            with paused_gc():
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()
        with paused_gc():
            pass
        assert not gc.isenabled()  # off before: left off
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("seed", range(4))
def test_what_if_equals_networkx_components(seed):
    from graph.analysis import what_if

    rnd = random.Random(seed)
    g = nx.MultiDiGraph(nx.gnm_random_graph(120, 130, seed=seed))
    for v in g:
        g.nodes[v].update(type="organisation", kind=rnd.choice(["ops", "pes", "owes", "rops", "firm", "firm", "pes"]), label=f"o{v:03d}")
    g = nx.relabel_nodes(g, {v: f"https://example.org/o{v:03d}" for v in g})
    gone = rnd.sample(sorted(g), 5)
    got = what_if(nx.freeze(g), gone)
    h = nx.Graph(g)
    h2 = h.copy()
    h2.remove_nodes_from(gone)

    def supported(x):
        return {v for c in nx.connected_components(x) if any(x.nodes[w]["kind"] in ("rops", "owes") for w in c) for v in c}

    sizes = lambda x: tuple(sorted((len(c) for c in nx.connected_components(x)), reverse=True))  # noqa: E731
    assert (got.components_before, got.components_after) == (sizes(h), sizes(h2))
    assert {r.iri for r in got.lost_support} == (supported(h) - supported(h2)) - set(gone)
    assert {r.iri for r in got.isolated} == {v for v in h2 if h2.degree(v) == 0 and h.degree(v) > 0}
    if seed == 0:  # this case removes organisations others depend on: the sets above are not all empty
        assert got.lost_support and got.isolated
