# ruff: noqa: F811  (fixtures imported from sparql_servers)
"""The read-only guard and the limits (SECURITY T1, T2, T7, T8, T13).

Refusals are checked by parsing, over every refused form; a local listener
proves that no path (console, CLI, endpoint) on any store reaches out; broken
queries get line and column; a runaway query is stopped while another runs.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from conftest import TINY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from sparql_servers import listener, load_into, ox_server, start_endpoint, stop  # noqa: F401

from graph.bind import inject_values
from graph.cli import main as cli_main
from graph.errors import GraphError, QueryError, QueryRefused, QueryTimeout
from graph.guard import Limits, expand_escapes, guard_query, run_limited, start_limited
from graph.io import load_graph
from graph.remote import RemoteStore
from graph.settings import Settings
from graph.store import OxigraphStore, RdflibStore, Store
from graph.synthetic import write_synthetic

ALLOWED = [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", "SELECT"),
    ("ASK { ?s a org:Organization }", "ASK"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
    ("DESCRIBE eso:koowes", "DESCRIBE"),
    ("SELECT ?service WHERE { ?service es:service ?x }", "SELECT"),  # a variable, not the keyword
    ('SELECT * WHERE { ?s ?p "SERVICE <http://x/> {}" }  # SERVICE in a comment', "SELECT"),
    ("PREFIX service: <https://w3id.org/es-pl/def#> SELECT * { ?s service:x ?o }", "SELECT"),
    ("SELECT * FROM eso:graph FROM NAMED <https://w3id.org/es-pl/id/g> { ?s ?p ?o }", "SELECT"),
    ("SELECT ?x WHERE { BIND(\"caf\\u00e9\" AS ?x) }", "SELECT"),
    ("select * where { ?s ?p ?o } # lower case", "SELECT"),
]

UPDATE, SERVICE, FROM = "updates", "SERVICE", "FROM"


def refused_forms(url: str) -> list[tuple[str, str, str]]:
    """(id, query, what the refusal names) aiming at ``url``."""
    return [
        ("insert-data", "INSERT DATA { <a:a> <a:b> <a:c> }", UPDATE),
        ("delete-data", "DELETE DATA { <a:a> <a:b> <a:c> }", UPDATE),
        ("delete-where", "DELETE WHERE { ?s ?p ?o }", UPDATE),
        ("modify", "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", UPDATE),
        ("load", f"LOAD <{url}load>", UPDATE),
        ("load-silent-into", f"LOAD SILENT <{url}load> INTO GRAPH <a:g>", UPDATE),
        ("load-inside-update", f"INSERT DATA {{ <a:a> <a:b> <a:c> }} ; LOAD <{url}load2>", UPDATE),
        ("clear", "CLEAR ALL", UPDATE),
        ("drop", "DROP DEFAULT", UPDATE),
        ("create", "CREATE GRAPH <a:g>", UPDATE),
        ("copy", "COPY DEFAULT TO <a:g>", UPDATE),
        ("service", f"SELECT * WHERE {{ SERVICE <{url}svc> {{ ?s ?p ?o }} }}", SERVICE),
        ("service-silent", f"SELECT * WHERE {{ SERVICE SILENT <{url}svc> {{ ?s ?p ?o }} }}", SERVICE),
        ("service-variable", f"SELECT * WHERE {{ VALUES ?e {{ <{url}svc> }} SERVICE ?e {{ ?s ?p ?o }} }}", SERVICE),
        ("service-lower-case", f"select * where {{ service <{url}svc> {{ ?s ?p ?o }} }}", SERVICE),
        ("service-nested", f"SELECT * WHERE {{ ?a ?b ?c SERVICE <{url}a> {{ SERVICE <{url}b> {{ ?s ?p ?o }} }} }}", SERVICE),
        ("service-in-subquery", f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}sub> {{ ?s ?p ?o }} }} }} }}", SERVICE),
        ("service-in-optional", f"SELECT * WHERE {{ ?x ?y ?z OPTIONAL {{ SERVICE <{url}opt> {{ ?s ?p ?o }} }} }}", SERVICE),
        ("service-in-union", f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}u> {{ ?s ?p ?o }} }} }}", SERVICE),
        ("service-in-minus", f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}m> {{ ?s ?p ?o }} }} }}", SERVICE),
        ("service-in-exists", f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}e> {{ ?s ?p ?o }} }} }}", SERVICE),
        ("service-in-construct", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}c> {{ ?s ?p ?o }} }}", SERVICE),
        ("service-in-ask", f"ASK {{ SERVICE <{url}ask> {{ ?s ?p ?o }} }}", SERVICE),
        ("service-escaped", f"SELECT * WHERE {{ SERV\\u0049CE <{url}esc> {{ ?s ?p ?o }} }}", SERVICE),
        # a comment ends at CR for Oxigraph (the grammar) and only at LF for rdflib (T15)
        ("service-after-cr-comment", f"SELECT * WHERE {{ # x\rSERVICE <{url}cr> {{ ?s ?p ?o }}\n}}", SERVICE),
        ("service-after-escaped-cr", f"SELECT * WHERE {{ # x\\u000DSERVICE <{url}ucr> {{ ?s ?p ?o }}\n}}", SERVICE),
        ("service-after-escaped-cr-lower", f"SELECT * WHERE {{ # x\\u000dservice <{url}ucr2> {{ ?s ?p ?o }}\n}}", SERVICE),
        ("from-after-cr-comment", f"SELECT * # x\rFROM <{url}crfrom>\nWHERE {{ ?s ?p ?o }}", FROM),
        ("update-after-cr-comment", f"# x\rLOAD <{url}crload>", UPDATE),
        ("service-prefixed-iri", f"PREFIX x: <{url}> SELECT * WHERE {{ SERVICE x:pn {{ ?s ?p ?o }} }}", SERVICE),
        ("from", f"SELECT * FROM <{url}from> WHERE {{ ?s ?p ?o }}", FROM),
        ("from-named", f"SELECT * FROM NAMED <{url}named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", FROM),
        ("from-prefixed", f"PREFIX x: <{url}> SELECT * FROM x:data WHERE {{ ?s ?p ?o }}", FROM),
        ("from-relative", f"BASE <{url}> SELECT * FROM <rel> WHERE {{ ?s ?p ?o }}", FROM),
        ("from-file", "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", FROM),
        ("from-base-lookalike", "SELECT * FROM <https://w3id.org/es-pl.evil.example/x> WHERE { ?s ?p ?o }", FROM),
        ("from-in-construct", f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}c> WHERE {{ ?s ?p ?o }}", FROM),
        ("from-in-describe", f"DESCRIBE ?s FROM <{url}d> WHERE {{ ?s ?p ?o }}", FROM),
    ]


REFUSED = refused_forms("http://127.0.0.1:9/")

BROKEN = [  # (query, line, column): each error names its place
    ("SELECT * WHERE {\n  ?s ?p ?o\n", 3, 1),
    ("SELECT * WHERE {\n  ?s ?p }", 2, 10),
    ("SELECT ?x WHERE {\n  ?x a org:Organization .\n  FILTER(?x = )\n}", 4, 2),
    ('SELECT * WHERE { ?s ?p "unterminated }', 1, 39),
    ("SELECT * WHERE {\n ?s <http://a b> ?o }", 2, 17),
    ("SELECT (COUNT(?x) ?n) WHERE { ?x ?p ?o }", 1, 23),
    ("ASK {\n  ?s ?p ?o .\n  OPTIONAL ?s\n}", 3, 12),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY", 1, 37),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT ten", 1, 35),
    ("CONSTRUCT { ?s ?p } WHERE { ?s ?p ?o }", 1, 19),
]

INJECTIONS = [
    'x" } ; DROP ALL #',
    "x\\u0022)}#",
    "http://a> } INSERT DATA{<a><b><c>}#",
    "a\nb } LOAD <http://127.0.0.1:9/> #",
    "}",
    ">",
    '"',
    "'''",
]


@pytest.mark.parametrize("text,form", ALLOWED)
def test_allowed_queries_pass_with_their_form(text, form):
    assert guard_query(text).form == form


@pytest.mark.parametrize("case_id,text,what", REFUSED, ids=[c[0] for c in REFUSED])
def test_each_refused_form_is_refused_by_name(case_id, text, what):
    with pytest.raises(QueryRefused) as info:
        guard_query(text)
    assert what in str(info.value)


def test_engines_run_the_text_the_guard_parsed():
    checked = guard_query('SELECT ?x WHERE { BIND("caf\\u00e9" AS ?x) }')
    assert checked.text == 'SELECT ?x WHERE { BIND("café" AS ?x) }'
    # an escape that yields another escape would read differently to a second expansion
    with pytest.raises(QueryError):
        guard_query("SELECT * WHERE { ?s ?p ?o } # \\u005Cu000A")
    assert expand_escapes("\\u0041\\U0001F600") == "A\U0001f600"


#: ASK for a tokenizer that ends comments at LF only, SELECT of every solution for the grammar (T15)
FORM_TRICK = '#\rSELECT * WHERE { ?s ?p ?o FILTER(?o != """\nASK { ?s ?p ?o } # """) }'


@pytest.mark.parametrize("line_end", ["\r", "\r\n", "\\u000D", "\\u000d\\u000A"])
def test_the_guard_reads_comments_and_line_ends_as_the_engine_does(line_end):
    """The checked text has no CR left, and its form is the engine's form."""
    text = FORM_TRICK.replace("\r", line_end, 1)
    checked = guard_query(text)
    assert "\r" not in checked.text
    answer = ox.Store().query(checked.text)
    assert checked.form == "SELECT" and isinstance(answer, ox.QuerySolutions)


def test_a_comment_ends_at_cr_for_the_tokenizer_too():
    from graph.bind import skip_token, where_brace

    assert skip_token("# a\rb", 0) == 4
    assert skip_token("# a\nb", 0) == 4
    assert where_brace("SELECT * # {\rWHERE { ?s ?p ?o }") == 19


def test_the_worker_refuses_an_answer_of_another_form(county_file):
    """Belt and braces: were the guard fooled, the engine's answer of another form is never handed out."""
    from graph.guard import Checked, RunningQuery

    store = OxigraphStore()
    store.load_files([county_file])
    forged = Checked("ASK", FORM_TRICK)  # what the old guard let through as ASK
    with pytest.raises(QueryRefused, match="another form"):
        RunningQuery(store, forged, None, Limits(5, 10)).result()


def test_a_long_query_is_checked_in_a_killable_worker_and_never_holds_up_others(monkeypatch):
    """rdflib's parser takes seconds on long texts (90 kB of FILTERs: 36 s) and cannot be stopped."""
    import graph.guard as guard

    monkeypatch.setattr(guard, "PARSE_TIMEOUT_S", 1.0)
    slow = "SELECT * WHERE { ?s ?p ?o " + "FILTER(?o = 1) " * 6000 + "}"
    outcome = {}

    def check_slow():
        t0 = time.monotonic()
        try:
            guard_query(slow)
        except QueryRefused as exc:
            outcome["refused"] = str(exc)
        outcome["took"] = time.monotonic() - t0

    thread = threading.Thread(target=check_slow)
    thread.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    assert guard_query("SELECT ?unique_to_this_test WHERE { ?unique_to_this_test ?p ?o }").form == "SELECT"
    assert time.monotonic() - t0 < 0.5  # not queued behind the long text
    thread.join(10)
    assert "could not be checked within 1 s" in outcome["refused"] and outcome["took"] < 3


def test_long_queries_get_the_same_verdicts_through_the_worker():
    long_tail = " " + "#" * 1200 + "\n"
    assert guard_query("ASK { ?s ?p ?o }" + long_tail).form == "ASK"
    with pytest.raises(QueryRefused, match="SERVICE"):
        guard_query("SELECT * WHERE { # x\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o }\n}" + long_tail)
    with pytest.raises(QueryRefused, match="updates"):
        guard_query("LOAD <http://127.0.0.1:9/>" + long_tail)
    with pytest.raises(QueryError) as info:
        guard_query("SELECT * WHERE {\n  ?s ?p }" + long_tail)
    assert info.value.line == 2 and info.value.column in (10, 11)  # Oxigraph's place, through the worker path too


def test_empty_and_oversized_queries():
    with pytest.raises(QueryError, match="empty"):
        guard_query("  \n ")
    with pytest.raises(QueryRefused, match="longer"):
        guard_query("SELECT * WHERE { ?s ?p ?o }" + " " * 100_001)


@pytest.mark.parametrize("text,line,column", BROKEN)
def test_broken_queries_show_line_and_column(text, line, column):
    with pytest.raises(QueryError) as info:
        guard_query(text)
    assert (info.value.line, info.value.column) == (line, column)
    assert f"line {line}, column {column}" in str(info.value)


def test_broken_query_on_the_cli_is_one_line_with_its_place(capsys, tiny_file):
    code = cli_main(["query", "SELECT * WHERE {\n  ?s ?p }", "--data", str(tiny_file)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: SPARQL syntax error: line 2, column 10:")
    assert "Traceback" not in err and err.count("\n") == 1


# ---------------------------------------------------------------- injection (T7)


def _stores(tiny_file: Path) -> list[Store]:
    ox_store = OxigraphStore()
    ox_store.load_files([tiny_file])
    return [ox_store, RdflibStore(load_graph([tiny_file]))]


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_hostile_value_is_only_a_value(tiny_file, value):
    text = "SELECT ?o WHERE { ?o skos:prefLabel ?l }"
    for store in _stores(tiny_file):
        before = len(store)
        hostile = run_limited(store, text, {"l": Literal(value)}, limits=Limits(10, 100))
        harmless = run_limited(store, text, {"l": Literal("harmless")}, limits=Limits(10, 100))
        assert hostile.rows == harmless.rows == [], store.backend
        assert len(store) == before, store.backend
        # the VALUES path (remote stores) keeps the query's shape too
        bound = inject_values(text, {"l": Literal(value)})
        assert guard_query(bound).form == "SELECT"
        assert store.query(bound).rows == [], store.backend


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
       | st.sampled_from(['"', ">", "}", "\n", '"}\n>', "\\", "'''x'''", "#", "<http://a>", "\\n"]))
def test_any_bound_value_round_trips_and_never_changes_the_query(value):
    """Property: with a value bound as text, the query finds exactly the triple holding that value."""
    from graph.guard import _UNESCAPE

    if _UNESCAPE.search(value):  # text like \u0041 cannot be written in SPARQL at all (19.2)
        return
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://s/1"), ox.NamedNode("http://p/"), ox.Literal(value)))
    store.add(ox.Quad(ox.NamedNode("http://s/2"), ox.NamedNode("http://p/"), ox.Literal(value + "x")))
    text = inject_values("SELECT ?s WHERE { ?s <http://p/> ?l }", {"l": Literal(value)})
    checked = guard_query(text)
    assert checked.form == "SELECT"
    assert [r[0].value for r in store.query(checked.text)] == ["http://s/1"]


# ---------------------------------------------------------------- nothing leaves the machine (T1, T2)


def test_control_an_unguarded_service_does_reach_the_listener(listener):
    """Proves the listener sees what the guard must prevent: pyoxigraph really federates."""
    with pytest.raises((OSError, RuntimeError)):  # the listener answers nothing SPARQL can read
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url}control> {{ ?s ?p ?o }} }}"))
    assert len(listener.hits) == 1 and listener.hits[0].endswith("/control")


@pytest.fixture(scope="module")
def remote_tiny(ox_server, tmp_path_factory):
    """The test Oxigraph server holding the tiny data; yields its base URL."""
    tiny = tmp_path_factory.mktemp("tiny") / "tiny.ttl"
    tiny.write_text(TINY, encoding="utf-8")
    load_into(ox_server, [tiny])
    return ox_server


def test_console_path_refuses_on_every_store_and_nothing_is_fetched(listener, tiny_file, remote_tiny):
    remote = RemoteStore(Settings(backend="remote", query_url=remote_tiny + "/query"))
    stores = _stores(tiny_file) + [remote]
    for store in stores:
        for _case_id, text, _what in refused_forms(listener.url):
            with pytest.raises(QueryRefused):
                start_limited(store, text, limits=Limits(5, 10))
    assert listener.hits == []


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib", "remote"])
def test_cli_refuses_on_every_store_and_nothing_is_fetched(listener, tiny_file, remote_tiny, monkeypatch, capsys, backend):
    for k in ("GRAPH_DATA", "GRAPH_BACKEND", "GRAPH_SPARQL_QUERY_URL"):
        monkeypatch.delenv(k, raising=False)
    if backend == "remote":
        monkeypatch.setenv("GRAPH_SPARQL_QUERY_URL", remote_tiny + "/query")
    for case_id, text, _what in refused_forms(listener.url)[::3]:
        code = cli_main(["query", text, "--backend", backend, "--data", str(tiny_file)])
        err = capsys.readouterr().err
        assert code == 2 and "refused" in err, (case_id, err)
    assert listener.hits == []


def test_endpoint_refuses_on_every_store_and_nothing_is_fetched(listener, tiny_file, remote_tiny):
    embedded, p1 = start_endpoint({"GRAPH_DATA": str(tiny_file)})
    proxied, p2 = start_endpoint({"GRAPH_SPARQL_QUERY_URL": remote_tiny + "/query"})
    try:
        for url in (embedded, proxied):
            for case_id, text, what in refused_forms(listener.url):
                r = requests.post(url, data={"query": text}, timeout=10)
                assert r.status_code == 403, (case_id, r.status_code, r.text)
                assert what in r.text
            r = requests.get(url, params={"query": "ASK {}", "default-graph-uri": listener.url}, timeout=10)
            assert r.status_code == 403
            for text in locations(listener.url):  # T3: a location given as a query is only text
                assert requests.post(url, data={"query": text}, timeout=10).status_code == 400
            r = requests.post(url, data={"update": f"LOAD <{listener.url}u>"}, timeout=10)
            assert r.status_code == 403
    finally:
        stop(p1)
        stop(p2)
    assert listener.hits == []


def locations(url: str) -> list[str]:
    """Texts that name something to open or fetch (SECURITY T3)."""
    return ["/etc/passwd", "file:///etc/hostname", f"{url}t3", f"<{url}t3>"]


def test_a_location_given_as_a_query_is_only_text(listener, tiny_file, capsys):
    """Console path and CLI: each is a syntax error; nothing is opened or fetched (T3)."""
    store = _stores(tiny_file)[0]
    for text in locations(listener.url):
        with pytest.raises(QueryError):
            start_limited(store, text, limits=Limits(5, 10))
    for text in locations(listener.url)[1:]:  # a path to a real file is a query file the user chose
        assert cli_main(["query", text, "--data", str(tiny_file)]) == 2
        err = capsys.readouterr().err
        assert "SPARQL syntax error" in err and "root:" not in err
    assert listener.hits == []


def test_rdflib_never_loads_from_graphs_even_unguarded(tiny_file, listener):
    """SPARQL_LOAD_GRAPHS is off once graph.guard is imported: FROM names a graph, never a download."""
    import rdflib.plugins.sparql

    assert rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS is False
    store = RdflibStore(load_graph([tiny_file]))
    store.query(f"SELECT * FROM <{listener.url}from> FROM NAMED <{listener.url}named> WHERE {{ ?s ?p ?o }}")
    assert listener.hits == []


class _Leaky(OxigraphStore):
    """A store whose query tries to reach the network: the worker must have none."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def _run(self, text, bindings):
        urllib.request.urlopen(self.url + "leak", timeout=2)
        return super()._run(text, bindings)


def test_the_query_worker_has_no_network(listener):
    try:
        run_limited(_Leaky(listener.url), "ASK {}", limits=Limits(5, 10))
    except GraphError as exc:
        assert "unreachable" in str(exc).lower() or "urlopen" in str(exc).lower()
    else:
        pytest.skip("this kernel does not allow a network namespace for the worker")
    assert listener.hits == []


# ---------------------------------------------------------------- time limit (T8)


@pytest.fixture(scope="module")
def county_file(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synt") / "county.ttl"
    write_synthetic("county", seed=7, out=out)
    return out


CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.mark.parametrize("backend", ["oxigraph", "rdflib"])
def test_a_runaway_query_stops_at_the_limit_while_another_completes(county_file, backend):
    store = OxigraphStore() if backend == "oxigraph" else RdflibStore()
    store.load_files([county_file])
    outcome: dict = {}

    def runaway():
        t0 = time.monotonic()
        try:
            run_limited(store, CROSS, limits=Limits(timeout_s=2, max_rows=10))
        except QueryTimeout as exc:
            outcome["error"] = exc
        outcome["elapsed"] = time.monotonic() - t0

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    second = run_limited(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s a org:Organization }", limits=Limits(10, 10))
    second_took = time.monotonic() - t0
    assert thread.is_alive(), "the runaway query should still be running"
    thread.join(10)
    assert int(second.rows[0][0]) > 200
    assert second_took < 1.5
    assert isinstance(outcome.get("error"), QueryTimeout)
    assert 2.0 <= outcome["elapsed"] <= 3.0


def test_a_running_query_can_be_cancelled_and_its_worker_is_gone(county_file):
    store = OxigraphStore()
    store.load_files([county_file])
    running = start_limited(store, CROSS, limits=Limits(timeout_s=30, max_rows=10))
    assert not running.wait(0.2)
    running.cancel()
    assert not running.worker_alive
    with pytest.raises(GraphError, match="cancelled"):
        running.result()


def test_row_limit_marks_the_result_truncated(county_file):
    store = OxigraphStore()
    store.load_files([county_file])
    result = run_limited(store, "SELECT ?s WHERE { ?s ?p ?o }", limits=Limits(10, 25))
    assert len(result.rows) == 25 and result.truncated
    small = run_limited(store, "SELECT ?s WHERE { ?s a es:Powiat }", limits=Limits(10, 25))
    assert len(small.rows) == 1 and not small.truncated
    assert small.rows[0][0] == URIRef("https://w3id.org/es-pl/id/terc/2611")


AWKWARD = """
@prefix e: <https://example.org/> .
e:a e:p "tab\\there\\nnewline \\"quoted\\" \\\\ back ł"@pl , "03"^^xsd:integer , "2017-01-20"^^xsd:date , "1.50"^^xsd:decimal , "x" .
_:b e:p e:a , "<b>bold</b>" .
e:c e:q e:a .
"""
AWKWARD_SELECT = "PREFIX e: <https://example.org/> SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?o e:nothing ?none } }"


@pytest.mark.parametrize("max_rows", [1, 7, 8, 9, 100])
def test_the_worker_answer_equals_the_store_answer(max_rows, tmp_path):
    """Rows come back from the worker as pyoxigraph's TSV and N-Triples: every term and the cut survive."""
    data = tmp_path / "awkward.ttl"
    data.write_text("@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ." + AWKWARD, encoding="utf-8")
    store = OxigraphStore()
    store.load_files([data])
    limits = Limits(10, max_rows)
    for text in (AWKWARD_SELECT,
                 "PREFIX e: <https://example.org/> CONSTRUCT { ?s e:back ?o } WHERE { ?s ?p ?o }",
                 "PREFIX e: <https://example.org/> DESCRIBE ?s WHERE { ?s ?p ?o }"):
        got, want = run_limited(store, text, limits=limits), store.query(text, max_rows=max_rows)
        assert (got.rows, got.triples, got.truncated) == (want.rows, want.triples, want.truncated), text
        assert len(got.rows or got.triples) == min(max_rows, 8), text  # 8 triples: 8 rows, 8 distinct triples
        assert got.truncated == (max_rows < 8), text
    tab = [o for _, o, _ in run_limited(store, AWKWARD_SELECT, limits=limits).rows if "\t" in str(o)]
    if max_rows >= 8:
        assert tab == [Literal('tab\there\nnewline "quoted" \\ back ł', lang="pl")]


def test_a_long_answer_is_cut_inside_one_written_chunk(county_file):
    """pyoxigraph writes kilobytes at a time; the cut still falls on the row limit exactly."""
    store = OxigraphStore()
    store.load_files([county_file])
    for limit in (999, 1000, 4321):
        got = run_limited(store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", limits=Limits(10, limit))
        assert got.truncated and got.rows == store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", max_rows=limit).rows
        graph = run_limited(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", limits=Limits(10, limit))
        assert graph.truncated and len(graph.triples) == limit == len(set(graph.triples))


def test_a_huge_graph_answer_stops_at_the_row_limit_not_the_time_limit(county_file):
    """The writer is stopped at the row limit: a cross product of 10^12 rows answers, not times out."""
    store = OxigraphStore()
    store.load_files([county_file])
    result = run_limited(store, "CONSTRUCT { ?a ?e ?i } WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", limits=Limits(5, 50))
    assert result.truncated and len(result.triples) == 50


def test_the_watchdog_calls_in_time_order_and_skips_cancelled_calls():
    from graph.workers import Watchdog

    dog, called, done = Watchdog(), [], threading.Event()
    dog.schedule(0.3, lambda: (called.append("late"), done.set()))
    dog.schedule(0.1, lambda: called.append("early"))
    dropped = dog.schedule(0.2, lambda: called.append("cancelled"))
    dog.schedule(0.05, lambda: 1 / 0)  # a failing call does not stop the others
    dog.cancel(dropped)
    assert dog.pending() == 3
    assert done.wait(5)
    assert called == ["early", "late"] and dog.pending() == 0


def test_a_finished_query_leaves_no_kill_pending(county_file):
    from graph.workers import watchdog

    store = OxigraphStore()
    store.load_files([county_file])
    before = watchdog.pending()
    for _ in range(3):
        run_limited(store, "ASK { ?s ?p ?o }", limits=Limits(30, 10))
    assert watchdog.pending() == before


def test_an_unpolled_worker_still_dies_at_the_limit(county_file):
    store = OxigraphStore()
    store.load_files([county_file])
    running = start_limited(store, CROSS, limits=Limits(timeout_s=1, max_rows=10))
    time.sleep(2.0)  # nobody polls, as when the page was left
    assert not running.worker_alive
    with pytest.raises(QueryTimeout):
        running.result()
