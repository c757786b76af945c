"""The workspace's answers as JSON and back (graph/answer_codec.py): what is read back is what was
written, in type and order, and a planted file builds nothing else."""

from __future__ import annotations

import json
from collections import Counter
from types import MappingProxyType

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from graph.analysis.findings import Finding, Resource
from graph.answer_codec import decode, dumps, encode, loads


def _through_json(value):
    return decode(json.loads(json.dumps(encode(value))))


def test_values_come_back_with_their_types():
    value = {
        "t": (1, "a", None, True, 2.5),
        "l": [1, [2, (3,)]],
        "f": frozenset({"x", "y"}),
        "s": {1, 2},
        ("projection", None): {1: "one"},
        "c": Counter({"ops": 3}),
        "n": (np.int64(7), np.float64(0.25), np.bool_(True)),
    }
    back = _through_json(value)
    assert back == {**value, "n": (7, 0.25, True)}
    assert type(back["t"]) is tuple and type(back["l"][1][1]) is tuple and type(back["f"]) is frozenset
    assert type(back["s"]) is set and type(back["c"]) is Counter
    assert [type(x) for x in back["n"]] == [int, float, bool]
    frozen = _through_json(MappingProxyType({"kind": MappingProxyType({"ops": "OPS"})}))
    with pytest.raises(TypeError):  # read back read-only, as the workspace shares it
        frozen["kind"]["x"] = "y"


def test_findings_come_back_equal_and_one_organisation_is_written_once():
    ops = Resource("https://w3id.org/es-pl/id/org/ops", "OPS <b>Wąchock</b>", "OPS Wąchock")
    findings = tuple(
        Finding(
            "coverage",
            f"code-{i}",
            "warning",
            (ops, Resource(f"https://x/{i}", f"PES {i}")),
            f"tekst {i}",
            f"text {i}",
            ("https://x/tie",),
            (("n", i), ("ended", ())),
        )
        for i in range(3)
    )
    doc = json.loads(json.dumps(dumps({"findings": findings})))
    assert sum(1 for e in doc["shared"] if e.get("c") == "Resource" and e["v"][0] == ops.iri) == 1
    back = loads(doc)["findings"]
    assert back == findings and back[0].resources[0] is back[2].resources[0]


def test_a_table_comes_back_with_its_index_and_column_types():
    frame = pd.DataFrame(
        {
            "degree": [1, 2, 3],
            "betweenness": [0.5, np.nan, 0.0],
            "label": ["a", None, "ć"],
            "spof": [True, False, True],
            "basis": [("x",), (), ("y", "z")],
        },
        index=pd.Index(["https://x/1", "https://x/2", "https://x/3"], name="iri"),
    )
    frame["count"] = pd.array([1, None, 3], dtype="Int64")
    back = _through_json(frame)
    pd.testing.assert_frame_equal(back, frame)
    assert back["basis"].tolist() == [("x",), (), ("y", "z")]


def _projection() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(as_of=None)
    g.add_node("https://x/c", type="organisation", label="C", alt=[], synthetic=False)
    g.add_node("https://x/a", type="organisation", label="A <i>x</i>", alt=["Ą"], synthetic=True)
    g.add_node("https://x/b", type="other", label="B")
    for key, u, v in sorted(
        [
            ("https://t/2", "https://x/a", "https://x/b"),
            ("https://t/1", "https://x/c", "https://x/b"),
            ("https://t/3", "https://x/b", "https://x/a"),
        ]
    ):
        g.add_edge(u, v, key=key, kind="cooperation", start="2017-01", sources=["https://s/1"])
    g._gone = frozenset({"https://x/gone"})
    return nx.freeze(g)


def test_a_projection_comes_back_with_every_node_and_neighbour_in_its_order():
    g = _projection()
    back = _through_json(g)
    assert nx.is_frozen(back) and back.graph == g.graph and back._gone == g._gone
    assert list(back.nodes(data=True)) == list(g.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(g.edges(keys=True, data=True))
    for n in g:  # what every measure and every listed basis is computed from, in order
        assert list(back.succ[n]) == list(g.succ[n]) and list(back.pred[n]) == list(g.pred[n])


def test_a_network_whose_neighbours_cannot_be_given_back_in_order_is_not_kept():
    g = nx.MultiDiGraph()
    g.add_nodes_from(["a", "b", "c"])
    g.add_edge("c", "a", key="t2")  # added before t1: reading back by key would put b before c among a's predecessors
    g.add_edge("b", "a", key="t1")
    with pytest.raises(TypeError):
        encode(g)


@pytest.mark.parametrize(
    "planted",
    [
        {"shared": [{"c": "Popen", "v": [["sh", "-c", "x"]]}], "answers": [["a", {"r": 0}]]},  # not a kept class
        {
            "shared": [{"c": "Resource", "v": ["i", "l", "e"]}],
            "answers": [["a", {"c": "Resource", "v": ["i", "l", "e"]}]],
        },  # an object outside the table
        {"shared": [{"t": [{"r": 0}]}], "answers": [["a", {"r": 0}]]},  # an entry naming itself
        {"shared": [], "answers": [["a", {"r": 3}]]},  # a reference to nothing
        {"shared": [], "answers": [["a", {"x": 1}]]},  # an unknown tag
        {"shared": [{"g": {"kind": "Popen", "graph": {"d": []}}}], "answers": [["a", {"r": 0}]]},
    ],
)
def test_a_planted_document_builds_nothing_else(planted):
    with pytest.raises(ValueError):
        loads(planted)


def test_a_type_that_is_not_read_back_is_not_written():
    class Other:
        pass

    for value in (Other(), {"a": Other()}, pd.Series([1]).to_frame().T.to_numpy()):
        with pytest.raises(TypeError):
            encode(value)
