"""graph.views.console: what the console page shows, checked without Streamlit."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Literal, URIRef

from graph.library import load_library
from graph.model import ESO
from graph.settings import Settings
from graph.store import Result, open_store
from graph.views.console import (
    ConsoleRequest,
    IriInfo,
    choices,
    compact,
    decode_request,
    display_table,
    downloads,
    encode_request,
    example_values,
    graph_network,
    label_info,
    result_iris,
)


@pytest.fixture(scope="module")
def store():
    return open_store(Settings())


@pytest.mark.parametrize(
    "iri,short",
    [
        ("https://w3id.org/es-pl/id/org/koowes", "eso:koowes"),
        ("https://w3id.org/es-pl/def#Tie", "es:Tie"),
        ("https://w3id.org/es-pl/id/terc/2611011", "terc:2611011"),
        ("http://example.org/x", "http://example.org/x"),
        ("https://w3id.org/es-pl/id/org/a b", "https://w3id.org/es-pl/id/org/a b"),
    ],
)
def test_compact(iri, short):
    assert compact(iri) == short


@given(
    saved=st.one_of(st.none(), st.sampled_from(sorted(load_library()))),
    text=st.text(min_size=1, max_size=40),
    params=st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), st.text(min_size=1, max_size=20), max_size=3),
)
def test_the_address_round_trips(saved, text, params):
    req = ConsoleRequest(text=None if saved else text, saved=saved, params=params if saved else {})
    assert decode_request(encode_request(req)) == req


def test_choices_and_examples_come_from_the_data(store):
    orgs = dict(choices(store, "org"))
    assert orgs[str(ESO.koowes)].startswith("Kielecko-Ostrowiecki")
    gminy = dict(choices(store, "gmina"))
    assert gminy["https://w3id.org/es-pl/id/terc/2611011"] == "Starachowice (2611011)"
    assert [label for _, label in choices(store, "tie_kind", "en")] == sorted(label for _, label in choices(store, "tie_kind", "en"))
    for q in load_library().values():
        values = example_values(store, q)
        assert {p.name for p in q.params if p.required} <= set(values), q.name
        q.bind(values)  # each example binds


def test_table_shows_labels_and_links_only_to_web_iris():
    result = Result(
        "SELECT",
        vars=("org", "thing", "n"),
        rows=[
            (ESO.koowes, URIRef("javascript:alert(1)"), Literal(3)),
            (ESO.other, URIRef("https://w3id.org/es-pl/kind/owes"), Literal("x")),
        ],
    )
    info = {str(ESO.koowes): IriInfo("KOOWES <b>", True), "https://w3id.org/es-pl/kind/owes": IriInfo("OWES")}
    frame, links = display_table(result, info, "en")
    assert links == ["org", "thing"]
    assert frame["org"][0] == "./profile?org=https%3A%2F%2Fw3id.org%2Fes-pl%2Fid%2Forg%2Fkoowes&lang=en#label=KOOWES <b>"
    assert frame["org"][1].startswith("https://w3id.org/es-pl/id/org/other#label=eso:other")
    assert not frame["thing"][0].startswith("javascript:")  # shown as text, never a link
    assert frame["thing"][1] == "https://w3id.org/es-pl/kind/owes#label=OWES"
    assert list(frame["n"]) == [3, "x"]


def test_downloads_hold_the_raw_result(store):
    q = load_library()["list_organisations"]
    result = store.query(q.text, q.bind({"kind": "esk:social_cooperative"}))
    files = {d.label: d for d in downloads(result, "list_organisations")}
    assert list(files) == ["CSV", "TSV", "JSON"]
    rows = list(csv.reader(io.StringIO(files["CSV"].data.decode())))
    assert rows[0] == list(result.vars) and len(rows) == len(result.rows) + 1
    assert json.loads(files["JSON"].data)["head"]["vars"] == list(result.vars)
    assert files["TSV"].data.decode().splitlines()[1].startswith("<https://w3id.org/es-pl/id/org/")
    graph = store.query("CONSTRUCT { ?a es:funds ?b } WHERE { ?a es:funds ?b }")
    assert [d.file_name for d in downloads(graph, "g")] == ["g.ttl"]


def test_a_graph_result_becomes_a_network_of_labelled_organisations(store):
    q = load_library()["describe_organisation"]
    result = store.query(q.text, q.bind({"org": "eso:koowes"}))
    info = label_info(store, result_iris(result))
    g = graph_network(result, info)
    assert g.nodes[str(ESO.koowes)]["kind"] == "owes"
    assert g.nodes[str(ESO.koowes)]["type"] == "organisation"
    assert g.number_of_edges() > 10
    # rdf:type and classification are attributes, not edges
    assert not any(k == "rdf:type" for _, _, k in g.edges(data="kind"))
