# ruff: noqa: F811  (fixtures imported from sparql_servers)
"""`python -m graph serve`: the SPARQL 1.1 Protocol endpoint, with real clients.

The real server is started on a free port over the bundled data (limits:
2 s, 40 rows); SPARQLWrapper and plain HTTP talk to it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import threading
import time

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic
from sparql_servers import start_endpoint, stop
from SPARQLWrapper import CSV, JSON, TURTLE, SPARQLWrapper

from graph.endpoint import HTTPProblem, negotiate
from graph.settings import Settings
from graph.store import open_store

pytestmark = pytest.mark.server

MAX_ROWS = 40
ORGS = "SELECT ?org ?label WHERE { ?org a org:Organization ; skos:prefLabel ?label FILTER(lang(?label) = 'pl') } ORDER BY ?org"
CONSTRUCT = "CONSTRUCT { ?a es:funds ?b . ?a skos:prefLabel ?l } WHERE { ?a es:funds ?b . OPTIONAL { ?a skos:prefLabel ?l } }"
CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def served():
    """The endpoint (its URL, its process), with a query memory of 256 MiB."""
    url, proc = start_endpoint({"GRAPH_QUERY_TIMEOUT": "2", "GRAPH_MAX_ROWS": str(MAX_ROWS), "GRAPH_QUERY_MEMORY_MB": "256"})
    os.set_blocking(proc.stderr.fileno(), False)  # its log is read while it runs
    yield url, proc
    stop(proc)


@pytest.fixture(scope="module")
def endpoint(served):
    return served[0]


@pytest.fixture(scope="module")
def store():
    return open_store(Settings())


def _client(url: str, query: str, fmt) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def test_sparqlwrapper_select_json(endpoint, store):
    doc = _client(endpoint, ORGS, JSON).query().convert()
    got = [(b["org"]["value"], b["label"]["value"]) for b in doc["results"]["bindings"]]
    want = [(str(o), str(lab)) for o, lab in store.query(ORGS).rows][:MAX_ROWS]
    assert got == want and len(got) > 10


def test_sparqlwrapper_select_csv(endpoint, store):
    raw = _client(endpoint, ORGS, CSV).query().convert()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == ["org", "label"]
    assert rows[1:] == [[str(o), str(lab)] for o, lab in store.query(ORGS).rows][:MAX_ROWS]


def test_sparqlwrapper_construct_turtle(endpoint, store):
    raw = _client(endpoint, CONSTRUCT, TURTLE).query().convert()
    got = Graph().parse(data=raw.decode("utf-8"), format="turtle")
    want = store.query(CONSTRUCT).graph
    assert len(got) >= 4
    if not isomorphic(got, want):
        _, only_got, only_want = graph_diff(got, want)
        pytest.fail(f"endpoint only: {sorted(only_got)[:5]}\nstore only: {sorted(only_want)[:5]}")


def test_sparqlwrapper_ask(endpoint):
    assert _client(endpoint, "ASK { eso:koowes a org:Organization }", JSON).query().convert()["boolean"] is True


def test_get_post_form_and_post_query_agree(endpoint):
    q = "SELECT ?o WHERE { ?o org:classification esk:owes } ORDER BY ?o"
    a = requests.get(endpoint, params={"query": q}, timeout=10)
    b = requests.post(endpoint, data={"query": q}, timeout=10)
    c = requests.post(endpoint, data=q.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert a.status_code == b.status_code == c.status_code == 200
    assert a.json() == b.json() == c.json()
    assert a.json()["results"]["bindings"][0]["o"]["value"].startswith("https://w3id.org/es-pl/id/org/")


@pytest.mark.parametrize(
    "accept,ctype,parse",
    [
        ("application/sparql-results+json", "application/sparql-results+json", lambda b: json.loads(b)["results"]["bindings"]),
        ("application/sparql-results+xml", "application/sparql-results+xml", lambda b: list(ox.parse_query_results(b, format=ox.QueryResultsFormat.XML))),
        ("text/csv", "text/csv", lambda b: list(csv.reader(io.StringIO(b.decode())))[1:]),
        ("text/tab-separated-values", "text/tab-separated-values", lambda b: list(ox.parse_query_results(b, format=ox.QueryResultsFormat.TSV))),
        ("text/html;q=0.9, text/csv;q=0.5, */*;q=0.1", "text/csv", lambda b: list(csv.reader(io.StringIO(b.decode())))[1:]),
        ("*/*", "application/sparql-results+json", lambda b: json.loads(b)["results"]["bindings"]),
    ],
)
def test_select_content_negotiation(endpoint, accept, ctype, parse):
    r = requests.get(endpoint, params={"query": "SELECT ?o WHERE { ?o org:classification esk:owes }"}, headers={"Accept": accept}, timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == ctype
    assert len(parse(r.content)) >= 1


@pytest.mark.parametrize(
    "accept,ctype,fmt",
    [
        ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_graph_content_negotiation(endpoint, store, accept, ctype, fmt):
    r = requests.post(endpoint, data={"query": CONSTRUCT}, headers={"Accept": accept}, timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == ctype
    assert len(list(ox.parse(r.content, format=fmt))) == len(store.query(CONSTRUCT).graph)


def test_rows_beyond_the_limit_are_cut_and_marked(endpoint):
    r = requests.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=10)
    assert r.status_code == 200
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    assert r.headers["X-Result-Truncated"] == str(MAX_ROWS)
    small = requests.get(endpoint, params={"query": "SELECT * WHERE { ?s a es:Powiat }"}, timeout=10)
    assert "X-Result-Truncated" not in small.headers


@pytest.mark.parametrize("query,rows", [
    ("SELECT * WHERE {}", [{}]),  # one solution that binds nothing
    ("SELECT * WHERE { VALUES () { () () () } }", [{}, {}, {}]),
    ("SELECT ?x WHERE { OPTIONAL { ?nothing es:never ?x } }", [{}]),
    ("SELECT * WHERE { FILTER(false) }", []),
])
def test_solutions_that_bind_nothing_are_still_counted(endpoint, store, query, rows):
    r = requests.get(endpoint, params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert r.status_code == 200
    assert r.json()["results"]["bindings"] == rows
    assert len(store.query(query).rows) == len(rows)


def test_service_description_without_a_query(endpoint):
    r = requests.get(endpoint, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    assert len(g) > 3


def _status(r: requests.Response, code: int, *words: str) -> None:
    assert r.status_code == code, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith("text/plain")
    for w in words:
        assert w in r.text, r.text


def test_status_400_malformed_query_names_the_place(endpoint):
    _status(requests.get(endpoint, params={"query": "SELECT * WHERE {\n  ?s ?p }"}, timeout=10), 400, "line 2, column 10")
    _status(requests.get(endpoint, params={"query": ""}, timeout=10), 400, "empty")
    _status(requests.get(endpoint, params={"other": "x"}, timeout=10), 400, "missing the query")


def test_status_403_updates_and_reaching_out(endpoint):
    _status(requests.post(endpoint, data={"update": "CLEAR ALL"}, timeout=10), 403, "read-only")
    _status(requests.post(endpoint, data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}, timeout=10), 403, "read-only")
    _status(requests.get(endpoint, params={"query": "DROP ALL"}, timeout=10), 403, "updates")
    _status(requests.get(endpoint, params={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, timeout=10), 403, "SERVICE")
    _status(requests.get(endpoint, params={"query": "SELECT * FROM <http://127.0.0.1:9/> { ?s ?p ?o }"}, timeout=10), 403, "FROM")
    # the data is still there
    assert requests.get(endpoint, params={"query": "ASK { ?s a org:Organization }"}, timeout=10).json()["boolean"] is True


def test_status_404_405_406_413_415(endpoint):
    base = endpoint.rsplit("/", 1)[0]
    _status(requests.get(base + "/query", params={"query": "ASK {}"}, timeout=10), 404, "/sparql")
    r = requests.put(endpoint, data=b"x", timeout=10)
    _status(r, 405)
    assert r.headers["Allow"] == "GET, POST"
    _status(requests.delete(endpoint, timeout=10), 405)
    _status(requests.get(endpoint, params={"query": "ASK {}"}, headers={"Accept": "image/png"}, timeout=10), 406, "image/png")
    _status(requests.post(endpoint, data=b"x" * ((1 << 20) + 10), headers={"Content-Type": "application/sparql-query"}, timeout=10), 413)
    _status(requests.post(endpoint, data=b"ASK {}", headers={"Content-Type": "application/json"}, timeout=10), 415)


def test_status_503_runaway_query_stops_while_others_are_answered(endpoint):
    outcome = {}

    def runaway():
        t0 = time.monotonic()
        outcome["response"] = requests.get(endpoint, params={"query": CROSS}, timeout=30)
        outcome["elapsed"] = time.monotonic() - t0

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    quick = requests.get(endpoint, params={"query": "ASK { eso:koowes ?p ?o }"}, timeout=10)
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert time.monotonic() - t0 < 1.0
    assert thread.is_alive()
    thread.join(30)
    _status(outcome["response"], 503, "time limit of 2 s")
    assert 2.0 <= outcome["elapsed"] <= 3.5


def test_listens_on_localhost_only_by_default(endpoint):
    assert endpoint.startswith("http://127.0.0.1:")
    port = int(endpoint.split(":")[2].split("/")[0])
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outward address
            outward = s.getsockname()[0]
        except OSError:
            pytest.skip("no outward interface")
    if outward.startswith("127."):
        pytest.skip("no outward interface")
    with pytest.raises(OSError):
        socket.create_connection((outward, port), timeout=2).close()


@pytest.mark.parametrize(
    "accept,short,graph,want",
    [
        (None, None, False, "application/sparql-results+json"),
        (None, None, True, "text/turtle"),
        ("application/json", None, True, "application/json"),
        ("text/*", None, False, "text/csv"),
        ("text/turtle;q=0.2, application/n-triples", None, True, "application/n-triples"),
        ("text/html", "csv", False, "text/csv"),
        ("text/turtle", "turtle", True, "text/turtle"),
        ("application/sparql-results+json", "json", False, "application/sparql-results+json"),
    ],
)
def test_negotiate(accept, short, graph, want):
    assert negotiate(accept, graph, short) == want


def test_negotiate_refuses_what_it_cannot_give():
    with pytest.raises(HTTPProblem) as info:
        negotiate("text/turtle", False)
    assert info.value.status == 406


def test_cors_only_when_asked():
    """--cors: browsers on other origins (YASGUI) may read answers, errors included."""
    from graph.endpoint import EndpointServer, Upstream

    for cors in (False, True):
        server = EndpointServer(("127.0.0.1", 0), Upstream("http://127.0.0.1:9/query"), timeout_s=1, max_rows=1, cors=cors)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        try:
            pre = requests.options(server.url, headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"}, timeout=5)
            bad = requests.get(server.url, params={"query": "SELEC"}, headers={"Origin": "https://yasgui.example"}, timeout=5)
            if cors:
                assert bad.status_code == 400
                assert pre.status_code == 204 and "POST" in pre.headers["Access-Control-Allow-Methods"]
                assert bad.headers["Access-Control-Allow-Origin"] == "*"
            else:  # a page of another origin gets nothing run (a cross-site form post included)
                assert bad.status_code == 403 and "other origins" in bad.text
                assert pre.status_code == 403
                assert "Access-Control-Allow-Origin" not in bad.headers
        finally:
            server.shutdown()
            server.server_close()


# ---------------------------------------------------------------- the endpoint stays up (T15, T16)

CROSS4 = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
#: 40 doublings of a 10-character string: 10 TB if nothing stops it
BOMB = 'SELECT (STRLEN(?x40) AS ?n) WHERE { BIND("0123456789" AS ?x0) ' + " ".join(
    f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(40)) + " }"


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its children (the query workers)."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for p in [root, *root.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def test_a_cross_product_leaves_no_core_busy_after_its_limit(served):
    url, proc = served
    r = requests.get(url, params={"query": CROSS4}, timeout=30)
    _status(r, 503, "time limit")
    time.sleep(0.7)  # the watchdog kills at the limit + 0.5 s
    before = _cpu_seconds(proc.pid)
    time.sleep(1.5)
    assert _cpu_seconds(proc.pid) - before < 0.1  # a query still running adds up to 1.5 s (0.4 s on a busy machine)
    assert requests.get(url, params={"query": "ASK {}"}, timeout=5).json()["boolean"] is True
    assert "was killed" in (proc.stderr.read() or b"").decode()  # the log says why the worker went


def test_a_memory_bomb_stops_alone_and_the_next_query_answers_at_once(served):
    url, proc = served
    t0 = time.monotonic()
    r = requests.post(url, data={"query": BOMB}, timeout=60)
    took = time.monotonic() - t0
    _status(r, 503, "memory")  # stopped by the memory cap (256 MiB), not the time limit
    t0 = time.monotonic()
    assert requests.get(url, params={"query": "ASK {}"}, timeout=10).json()["boolean"] is True
    assert time.monotonic() - t0 < 2 and took < 10
    assert "more memory" in (proc.stderr.read() or b"").decode()


def test_a_form_hidden_behind_a_cr_comment_keeps_the_row_limit(endpoint):
    """ASK to a tokenizer ending comments at LF, SELECT of every triple to Oxigraph: now SELECT to both, cut at the limit."""
    trick = '#\rSELECT * WHERE { ?s ?p ?o FILTER(?o != """\nASK { ?s ?p ?o } # """) }'
    r = requests.post(endpoint, data=trick.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=10)
    assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == MAX_ROWS
    assert r.headers["X-Result-Truncated"] == str(MAX_ROWS)
