# ruff: noqa: F811  (fixtures imported from sparql_servers)
"""Every XML the project writes stays XML (SECURITY T20): characters XML 1.0
forbids are replaced in the GEXF and GraphML exports, the meeting report's
network SVG and the endpoint's SPARQL XML results and RDF/XML, which a strict
parser then reads."""

from __future__ import annotations

import functools

import igraph
import networkx as nx
import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree
from sparql_servers import start_endpoint, stop
from test_export import XSD

from graph.analysis import export_network
from graph.xmltext import REPLACEMENT, xml_bytes, xml_text

# every C0 control XML 1.0 forbids, a lone surrogate and the two non-characters
FORBIDDEN = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xD800, 0xFFFE, 0xFFFF]))


def test_helper_replaces_each_forbidden_character_and_keeps_the_rest():
    kept = "\t\n\r <>&\"' żółć \u2028 \U0001f600 \x7f"
    assert xml_text(FORBIDDEN + kept) == REPLACEMENT * len(FORBIDDEN) + kept
    raw = ("a" + "".join(c for c in FORBIDDEN if not 0xD800 <= ord(c) <= 0xDFFF) + kept).encode("utf-8", "surrogatepass")
    assert xml_bytes(raw).decode("utf-8") == "a" + REPLACEMENT * (len(FORBIDDEN) - 1) + kept


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_exports_stay_well_formed_with_every_forbidden_character(fmt):
    g = nx.MultiDiGraph()
    g.add_node("urn:x:a", label="A" + FORBIDDEN, note="n\x0bo\x01te", alt=["x\x02", "y"])
    g.add_node("urn:x:b", label=" B\n\n  b\t")
    g.add_edge("urn:x:a", "urn:x:b", key="urn:x:t", kind="advice\x1f", sources=["s\x00"])
    root = etree.fromstring(export_network(g, fmt))  # strict: raises on what is not XML
    texts = [*(v for el in root.iter() for v in el.attrib.values()), *(el.text or "" for el in root.iter())]
    assert "A" + REPLACEMENT * len(FORBIDDEN) in texts and "n\ufffdo\ufffdte" in texts
    if fmt == "gexf":
        etree.XMLSchema(etree.parse(str(XSD))).assertValid(root.getroottree())
        assert "B b" in texts  # a label is an xs:token: whitespace collapsed


def test_network_svg_stays_xml():
    from graph.viz.svg import network_svg

    g = nx.MultiDiGraph()
    g.add_node("urn:x:a", type="organisation", label="Fundacja\x01 <b>&\x0b", label_en="F", sector="ngo")
    g.add_node("urn:x:b", type="organisation", label="B", label_en="B", sector="public")
    g.add_edge("urn:x:a", "urn:x:b", key="urn:x:t", kind="advice")
    root = etree.fromstring(network_svg(g, title="T\x02", seed=1).encode("utf-8"))  # strict
    texts = [el.text or "" for el in root.iter()]
    assert "T" + REPLACEMENT in texts and any(t.startswith("Fundacja" + REPLACEMENT + " <b>&") for t in texts)


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=st.text(max_size=40), kind=st.text(max_size=10))
@example(label="  \n\t ", kind="")
@example(label="\x01", kind="\x0b")
@example(label='a <b> & "c"\r\nd', kind="x  y")
def test_any_text_round_trips_through_gexf_and_graphml(tmp_path_factory, label, kind):
    """Law: whatever the text, GEXF stays valid and every reader gets the text back,
    forbidden characters replaced (and, in GEXF's xs:token labels, whitespace collapsed)."""
    g = nx.MultiDiGraph()
    g.add_node("urn:x:a", label=label, note=label)
    g.add_node("urn:x:b", label="B")
    g.add_edge("urn:x:a", "urn:x:b", key="urn:x:t", kind=kind)
    clean = xml_text(label)
    folder = tmp_path_factory.mktemp("law")
    gexf = export_network(g, "gexf")
    _schema().assertValid(etree.fromstring(gexf))
    (folder / "g.gexf").write_bytes(gexf)
    back = nx.read_gexf(folder / "g.gexf", version="1.3")
    assert back.nodes["urn:x:a"]["label"] == (" ".join(clean.split()) or "urn:x:a" if label else "urn:x:a")
    assert back.nodes["urn:x:a"].get("note", "") == clean
    (folder / "g.graphml").write_bytes(export_network(g, "graphml"))
    ig = igraph.Graph.Read_GraphML(str(folder / "g.graphml"))
    assert dict(zip(ig.vs["id"], ig.vs["label"]))["urn:x:a"] == (clean or "urn:x:a")
    assert ig.es["kind"] == [xml_text(kind)]


@pytest.fixture(scope="module")
def endpoint():
    url, proc = start_endpoint({"GRAPH_QUERY_TIMEOUT": "5"})
    yield url
    stop(proc)


@pytest.mark.server
@pytest.mark.parametrize(
    "query,accept",
    [
        ('SELECT ?x WHERE { BIND("a\\bb\\fc" AS ?x) }', "application/sparql-results+xml"),
        ('CONSTRUCT { eso:x skos:note ?x } WHERE { BIND("a\\bb\\fc" AS ?x) }', "application/rdf+xml"),
    ],
)
def test_endpoint_xml_answers_stay_well_formed(endpoint, query, accept):
    # SPARQL's \b and \f escapes make U+0008 and U+000C, which XML 1.0 cannot carry
    r = requests.post(endpoint, data={"query": query}, headers={"Accept": accept}, timeout=20)
    assert r.status_code == 200, r.text
    root = etree.fromstring(r.content)
    assert "a\ufffdb\ufffdc" in [el.text for el in root.iter()]
