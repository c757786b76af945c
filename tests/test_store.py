"""The three backends give the same answers; values are bound, never pasted (T7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from graph.bind import inject_values
from graph.errors import QueryError
from graph.io import load_graph
from graph.model import ESO
from graph.remote import RemoteStore
from graph.settings import Settings
from graph.store import OxigraphStore, RdflibStore, Store

QUERIES = [
    ("SELECT ?o ?l WHERE { ?o a org:Organization ; skos:prefLabel ?l } ORDER BY ?o", {}),
    ("SELECT ?to WHERE { ?t es:tieFrom ?from ; es:tieTo ?to } ORDER BY ?to", {"from": ESO.b}),
    ("SELECT ?o WHERE { ?o skos:prefLabel ?l } ORDER BY ?o", {"l": Literal("OWES B", lang="pl")}),
    ("SELECT ?t WHERE { ?t es:startDate ?d FILTER(?d >= ?since) } ORDER BY ?t", {"since": Literal("2018-01-01", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))}),
    ("ASK { ?o org:classification esk:owes }", {}),
    ("CONSTRUCT { ?a es:funds ?b } WHERE { ?a es:funds ?b }", {}),
]

INJECTIONS = ['x" } ; DROP ALL #', 'x\\u0022)}#', "http://a> } INSERT DATA{<a><b><c>}#", "line\nbreak }", "}"]


def _stores(tiny_file: Path, remote_url: str | None = None) -> list[Store]:
    g = load_graph([tiny_file])
    ox_store = OxigraphStore()
    ox_store.load_files([tiny_file])
    stores: list[Store] = [ox_store, RdflibStore(g)]
    if remote_url:
        remote = RemoteStore(Settings(backend="remote", query_url=remote_url + "/query", update_url=remote_url + "/update"))
        remote.add_graph(g)
        stores.append(remote)
    return stores


def _answer(store: Store, text: str, bindings):
    r = store.query(text, bindings)
    if r.kind == "ASK":
        return r.boolean
    if r.kind == "GRAPH":
        return sorted(r.graph)
    return r.rows


@pytest.mark.server
def test_backends_agree_on_every_query(tiny_file: Path, oxigraph_server: str):
    stores = _stores(tiny_file, oxigraph_server)
    assert [s.backend for s in stores] == ["oxigraph", "rdflib", "remote"]
    assert len({len(s) for s in stores}) == 1
    for text, bindings in QUERIES:
        answers = [_answer(s, text, bindings) for s in stores]
        assert answers[0] == answers[1] == answers[2], text
    # the bound queries really were restricted
    assert _answer(stores[0], *QUERIES[1]) == [(ESO.a,)]
    assert _answer(stores[0], *QUERIES[2]) == [(ESO.b,)]
    assert _answer(stores[0], *QUERIES[3]) == [(URIRef("https://w3id.org/es-pl/id/tie/c-a"),)]


@pytest.mark.server
@pytest.mark.parametrize("value", INJECTIONS)
def test_a_hostile_value_is_only_a_value(tiny_file: Path, oxigraph_server: str, value: str):
    stores = _stores(tiny_file, oxigraph_server)
    text = "SELECT ?o WHERE { ?o skos:prefLabel ?l }"
    for store in stores:
        before = len(store)
        assert store.query(text, {"l": Literal(value)}).rows == [], store.backend
        assert store.query(text, {"l": Literal("harmless")}).rows == [], store.backend
        assert len(store) == before, store.backend


def test_inject_values_opens_the_where_group():
    q = 'SELECT ?x (CONCAT("{", ?y) AS ?z) WHERE { ?x ?p ?y } # {'
    out = inject_values(q, {"y": Literal('a"}')})
    assert out.startswith('SELECT ?x (CONCAT("{", ?y) AS ?z) WHERE { VALUES (?y) { ("a\\"}") } ')
    c = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    assert inject_values(c, {"s": ESO.a}).endswith(f"WHERE {{ VALUES (?s) {{ (<{ESO.a}>) }}  ?s ?p ?o }}")
    with pytest.raises(ValueError, match="not a valid absolute IRI"):
        inject_values(c, {"s": URIRef("http://a> } INSERT DATA{<a><b><c>}#")})


@pytest.mark.parametrize("backend", [OxigraphStore, RdflibStore])
def test_syntax_error_has_line_and_column(backend):
    with pytest.raises(QueryError) as info:
        backend().query("SELECT * WHERE {\n  ?s ?p }")
    assert info.value.line == 2


def test_rows_are_capped(tiny_file: Path):
    for store in _stores(tiny_file):
        r = store.query("SELECT ?s WHERE { ?s ?p ?o }", max_rows=3)
        assert len(r.rows) == 3 and r.truncated, store.backend


def test_queries_asked_at_once_answer_as_one_by_one():
    """select_many (Oxigraph: one thread per query, answers read as CSV) gives the rows of
    select_values, an empty literal reading as unbound."""
    from graph.library import internal_query
    from graph.store import open_store

    store = open_store(Settings())
    texts = [internal_query(q) for q in ("list_network_nodes", "list_network_ties", "list_agreement_timeline")]
    at_once = store.select_many(texts)
    for text, rows in zip(texts, at_once):
        one_by_one = store.select_values(text)[1]
        assert sorted(rows, key=repr) == sorted((tuple(v or None for v in r) for r in one_by_one), key=repr)
        assert rows  # something was asked
    for each in (store, open_store(Settings(backend="rdflib"))):  # begun now, read later: the same rows
        later = each.select_many_later(texts)
        assert [sorted(read(), key=repr) for read in later] == [sorted(rows, key=repr) for rows in at_once], each.backend


def test_several_selects_at_once_give_exactly_what_each_gives_alone(tiny_file: Path):
    """select_values_many (Oxigraph: one thread per query, answers read as SPARQL JSON) gives the
    variables and rows of select_values, in order: an empty literal stays "", unbound stays None."""
    texts = [
        'SELECT ?x ?y ?z WHERE { VALUES (?x ?y ?z) { ("" UNDEF <http://example.org/a>) ("Gmina Brody"@pl "2017-01-20" UNDEF) } }',
        "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5",
        "SELECT ?none WHERE { ?s <http://example.org/never> ?none }",
    ]
    for store in _stores(tiny_file):
        at_once = store.select_values_many(texts)
        assert at_once == [store.select_values(text) for text in texts], store.backend
        assert at_once[0] == (("x", "y", "z"), [("", None, "http://example.org/a"), ("Gmina Brody", "2017-01-20", None)])
        assert len(at_once[1][1]) == 5 and at_once[2] == (("none",), [])
