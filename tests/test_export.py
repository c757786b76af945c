"""Exports read back by the programs' own parsers: the GEXF 1.3 XSD (lxml),
networkx, igraph and cytoscape.js (node, from tests/js); hostile labels
(markup, quotes, characters XML 1.0 forbids), organisation lifetimes, tie dates."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import igraph
import networkx as nx
import pytest
from analysis_support import PREFIXES, org, tie
from lxml import etree

from graph.cli import main
from graph.xmltext import REPLACEMENT

ROOT = Path(__file__).resolve().parent.parent
# the official schema, from ../shared beside the clone (or beside the worktrees)
XSD = (
    next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()), ROOT.parent / "shared")
    / "data/gexf-xsd/1.3/gexf.xsd"
)
JS = ROOT / "tests" / "js"
ORG = "https://w3id.org/es-pl/id/org/"

HOSTILE = "Fundacja <b>\"Ala\" & 'Ola'</b>\x01\x0b koniec"
CLEAN = HOSTILE.replace("\x01", REPLACEMENT).replace("\x0b", REPLACEMENT)
DATA = (
    'eso:a a org:Organization ; skos:prefLabel "Fundacja <b>\\"Ala\\" & \'Ola\'</b>\\u0001\\u000B koniec"@pl ; '
    'org:classification esk:foundation ; schema:foundingDate "2005"^^xsd:gYear ; schema:dissolutionDate "2020-06-30"^^xsd:date .\n'
    + org("b", "social_cooperative", label="Spółdzielnia B")
    + 'eso:b schema:foundingDate "2016-03-01"^^xsd:date .\n'
    + org("c", "association", label="Stowarzyszenie C")  # no ties: Burt's constraint is undefined
    + 'eso:c schema:foundingDate "2010"^^xsd:gYear ; es:foundingBound es:notEarlierThan .\n'
    + tie("a", "funding", "b", start="2017-01-20", end="2019-12-31")
    + tie("b", "advice", "a", start="2018-05-02")
)


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    """Every format of the hostile network, written by the CLI."""
    folder = tmp_path_factory.mktemp("export")
    data = folder / "data.ttl"
    data.write_text(PREFIXES + DATA, encoding="utf-8")
    out = {}
    for fmt in ("gexf", "graphml", "cytoscape", "node-link", "json"):
        out[fmt] = folder / f"net.{fmt}"
        assert main(["export", "--format", fmt, "--data", str(data), "-o", str(out[fmt])]) == 0
    return out


def test_gexf_is_valid_gexf_1_3(exports):
    doc = etree.parse(str(exports["gexf"]))  # strict: a control character would fail here
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(doc)
    assert doc.getroot().get("version") == "1.3"
    text = exports["gexf"].read_text(encoding="utf-8")
    assert "networkx_key" not in text and "NaN" not in text and 'name=""' not in text


def test_gexf_read_back_by_networkx(exports):
    g = nx.read_gexf(exports["gexf"], version="1.3")
    a, b, c = (ORG + x for x in "abc")
    assert g.nodes[a]["label"] == CLEAN
    # lifetimes: founded "2005" (a year) counts from 2006-01-01, as in the as-of views
    assert (g.nodes[a]["start"], g.nodes[a]["end"], g.nodes[a]["founded"]) == ("2006-01-01", "2020-06-30", "2005")
    assert g.nodes[b]["start"] == "2016-03-01" and "end" not in g.nodes[b]
    # founded "not earlier than 2010": never certain, so from the earliest day it may have been
    assert (g.nodes[c]["start"], g.nodes[c]["founded_bound"]) == ("2010-01-01", "https://w3id.org/es-pl/def#notEarlierThan")
    assert "constraint" not in g.nodes[c] and g.nodes[b]["constraint"] > 0
    ties = {d["id"]: (u, v, d) for u, v, d in g.edges(data=True)}
    u, v, ab = ties["https://w3id.org/es-pl/id/tie/a-funding-b"]
    assert (u, v, ab["kind"], ab["start"], ab["end"]) == (a, b, "funding", "2017-01-20", "2019-12-31")
    u, v, ba = ties["https://w3id.org/es-pl/id/tie/b-advice-a"]
    assert (u, v, ba["kind"], ba["start"]) == (b, a, "advice", "2018-05-02") and "end" not in ba


def test_gexf_uses_gephi_edge_kinds(exports):
    ns = {"g": "http://gexf.net/1.3"}
    doc = etree.parse(str(exports["gexf"]))
    assert sorted(e.get("kind") for e in doc.iterfind(".//g:edge", ns)) == ["advice", "funding"]
    assert doc.find(".//g:graph", ns).attrib == {
        "defaultedgetype": "directed",
        "mode": "dynamic",
        "idtype": "string",
        "timeformat": "date",
        "timerepresentation": "interval",
    }


def test_graphml_keys_and_yed_labels(exports):
    doc = etree.parse(str(exports["graphml"]))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns", "y": "http://www.yworks.com/xml/graphml"}
    keys = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in doc.iterfind("g:key", ns)}
    assert keys[("node", "label")] == "string" and keys[("node", "synthetic")] == "boolean"
    assert keys[("node", "degree")] == "long" and keys[("node", "betweenness")] == "double" and keys[("edge", "kind")] == "string"
    assert CLEAN in [label.text for label in doc.iterfind(".//y:ShapeNode/y:NodeLabel", ns)]
    assert sorted(label.text for label in doc.iterfind(".//y:PolyLineEdge/y:EdgeLabel", ns)) == ["advice", "funding"]


def test_graphml_read_back_by_igraph_and_networkx(exports):
    ig = igraph.Graph.Read_GraphML(str(exports["graphml"]))
    assert (ig.vcount(), ig.ecount(), ig.is_directed()) == (3, 2, True)
    labels = dict(zip(ig.vs["id"], ig.vs["label"]))
    assert labels[ORG + "a"] == CLEAN and labels[ORG + "b"] == "Spółdzielnia B"
    assert dict(zip(ig.vs["id"], ig.vs["kind"]))[ORG + "b"] == "social_cooperative"
    assert sorted(ig.es["kind"]) == ["advice", "funding"]
    g = nx.read_graphml(exports["graphml"])
    assert g.nodes[ORG + "a"]["label"] == CLEAN and g.nodes[ORG + "a"]["founded"] == "2005"
    assert g.nodes[ORG + "c"].get("constraint") is None and g.nodes[ORG + "b"]["degree"] == 1


def test_node_link_and_its_old_name(exports):
    assert exports["json"].read_bytes() == exports["node-link"].read_bytes()
    doc = json.loads(exports["node-link"].read_text(encoding="utf-8"), parse_constant=pytest.fail)
    g = nx.node_link_graph(doc, edges="edges")
    assert g.nodes[ORG + "a"]["label"] == HOSTILE and g.number_of_edges() == 2  # JSON carries every character


def _cytoscape_js(path: Path) -> dict:
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "cytoscape").is_dir():  # pragma: no cover - ./run test installs both
        pytest.skip("node or tests/js/node_modules missing (./run test installs nodejs and runs npm ci)")
    done = subprocess.run([node, str(JS / "load_cytoscape.js"), str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_cytoscape_json_loads_in_cytoscape_js(exports):
    got = _cytoscape_js(exports["cytoscape"])
    assert got["version"] == json.loads((JS / "package.json").read_text())["dependencies"]["cytoscape"]
    assert (got["nodes"], got["edges"]) == (3, 2) and got["whole"] == [3, 2, "network"]
    assert got["labels"][ORG + "a"] == HOSTILE
    assert got["ends"]["https://w3id.org/es-pl/id/tie/a-funding-b"] == [ORG + "a", ORG + "b", "funding"]


def test_cytoscape_json_for_cytoscape_desktop(exports):
    doc = json.loads(exports["cytoscape"].read_text(encoding="utf-8"), parse_constant=pytest.fail)
    (a,) = [n["data"] for n in doc["elements"]["nodes"] if n["data"]["id"] == ORG + "a"]
    assert a["name"] == a["label"] == HOSTILE and a["founded"] == "2005"  # desktop labels nodes by "name"
    assert sorted(e["data"]["interaction"] for e in doc["elements"]["edges"]) == ["advice", "funding"]


def test_bundled_data_exports_agree(tmp_path):
    """The bundled network: GEXF valid, and every reader sees the same nodes and ties."""
    counts = {}
    for fmt in ("gexf", "graphml", "cytoscape"):
        path = tmp_path / f"net.{fmt}"
        assert main(["export", "--format", fmt, "--no-metrics", "-o", str(path)]) == 0
        if fmt == "gexf":
            etree.XMLSchema(etree.parse(str(XSD))).assertValid(etree.parse(str(path)))
            g = nx.read_gexf(path, version="1.3")
            counts[fmt] = (g.number_of_nodes(), g.number_of_edges())
        elif fmt == "graphml":
            ig = igraph.Graph.Read_GraphML(str(path))
            counts[fmt] = (ig.vcount(), ig.ecount())
        else:
            got = _cytoscape_js(path)
            counts[fmt] = (got["nodes"], got["edges"])
    assert len(set(counts.values())) == 1 and counts["gexf"][1] > 30, counts
