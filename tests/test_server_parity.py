"""Same answers on every tested SPARQL server as on the embedded store.

One real `oxigraph serve` and one real Virtuoso (Debian's virtuoso-t) per
test session, each holding the bundled data in a named graph
(``GRAPH_SPARQL_GRAPH``, sent as ``default-graph-uri``; Virtuoso's default
graph also holds its system graphs).  Against each: every saved query, the
CLI's validate, gaps (every engine, every as-of date the tests use), diff,
whatif, metrics and export, every organisation's profile, and every page of
the dashboard give what the embedded store gives.  Virtuoso keeps Debian's
``ResultSetMaxRows=10000``, and a cut answer is reported, never used.
"""

from __future__ import annotations

import pytest
from test_remote import EMPTY_IN_BUNDLED_DATA, _answer, _cases

from graph.cli import main as cli_main
from graph.library import load_library
from graph.remote import RemoteStore, ServerCutError
from graph.settings import Settings
from graph.store import open_store

pytestmark = pytest.mark.server

#: Every --as-of date the other tests use, and none.
AS_OF = (None, "2016-06-30", "2017-06-30", "2018-01-01", "2018-06-30", "2019-06-30", "2020-01-01")
_EMBEDDED: dict = {}


@pytest.fixture(scope="session")
def embedded():
    return open_store(Settings())


@pytest.fixture(scope="session")
def remote(sparql_server):
    store = open_store(sparql_server.settings())
    assert isinstance(store, RemoteStore)
    return store


def _cli(monkeypatch, capsys, env: dict, args: list[str]) -> str:
    import os

    for name in [n for n in os.environ if n.startswith("GRAPH_")]:
        monkeypatch.delenv(name)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    code = cli_main(args)
    out = capsys.readouterr().out
    assert code == 0, out
    if "json" in args and '"timings"' in out:  # seconds per step differ run to run
        import json

        doc = json.loads(out)
        doc.pop("timings", None)
        out = json.dumps(doc, ensure_ascii=False, indent=1)
    return out


def _same_cli(monkeypatch, capsys, server, args: list[str]) -> str:
    key = tuple(args)
    if key not in _EMBEDDED:  # the embedded answer is computed once for both servers
        _EMBEDDED[key] = _cli(monkeypatch, capsys, {}, args)
    got = _cli(monkeypatch, capsys, server.env, args)
    assert got == _EMBEDDED[key]
    return got


def test_the_named_graph_holds_exactly_the_bundled_data(embedded, remote):
    assert len(remote) == len(embedded) > 2000


@pytest.mark.parametrize("name,values", list(_cases()))
def test_every_saved_query(embedded, remote, name, values):
    q = load_library()[name]
    bindings = q.bind(values)
    want = _answer(embedded.query(q.text, bindings))
    got = _answer(remote.query(q.text, bindings))
    assert got == want
    if isinstance(want, list) and name not in EMPTY_IN_BUNDLED_DATA and len(values) == sum(p.required for p in q.params):
        assert len(want) > 0, f"{name} finds nothing in the bundled data with {values}"


def test_booleans_come_back_as_booleans(remote):
    rows = remote.query(load_library()["count_organisations_by_kind"].text).records()
    flags = {str(r["kind"]).rsplit("/", 1)[-1]: r["is_pes"].toPython() for r in rows}
    assert flags["social_cooperative"] is True and flags["gmina"] is False


def test_a_cut_answer_is_reported(sparql_server, remote):
    cross = "SELECT ?s ?g WHERE { ?s ?p ?o . ?g a es:Gmina }"  # 2,359 x 15 rows
    if sparql_server.name == "virtuoso":  # Debian's ResultSetMaxRows=10000
        with pytest.raises(ServerCutError, match="10000 rows"):
            remote.query(cross)
        with pytest.raises(ServerCutError, match="10000 rows"):
            remote.query("CONSTRUCT { ?s ?g ?o } WHERE { ?s ?p ?o . ?g a es:Gmina }")
        assert remote.query(cross, max_rows=20).truncated
    else:
        assert len(remote.query(cross).rows) > 10_000
    got = remote.query(cross, max_rows=50_000)
    assert got.truncated == (sparql_server.name == "virtuoso")


def test_validate(monkeypatch, capsys, sparql_server):
    out = _same_cli(monkeypatch, capsys, sparql_server, ["validate", "--format", "json"])  # every result, as text shows them
    assert '"conforms"' in out


@pytest.mark.parametrize("as_of", AS_OF)
def test_gaps_on_every_date(monkeypatch, capsys, sparql_server, as_of):
    args = ["gaps", "--format", "json"] + (["--as-of", as_of] if as_of else [])
    out = _same_cli(monkeypatch, capsys, sparql_server, args)
    assert '"gmina-has-pes"' in out or as_of is not None


@pytest.mark.parametrize(
    "engine,as_of",
    # pySHACL runs on a copy of the data (~8 s a run): with a date, the copy is the
    # same dated snapshot the fast engine checks, so one date covers the copy
    [("oxigraph", None), ("oxigraph", "2019-06-30"), ("pyshacl", None)],
)
def test_gaps_with_every_engine(monkeypatch, capsys, sparql_server, engine, as_of):
    args = ["gaps", "--format", "json", "--engine", engine] + (["--as-of", as_of] if as_of else [])
    _same_cli(monkeypatch, capsys, sparql_server, args)


def test_gaps_markdown(monkeypatch, capsys, sparql_server):
    _same_cli(monkeypatch, capsys, sparql_server, ["gaps", "--as-of", "2020-01-01"])


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "2018-01-01", "2020-01-01", "--format", "json"],
        ["whatif", "koowes", "--format", "json"],
        ["whatif", "koowes", "--as-of", "2019-06-30"],
        ["metrics", "--format", "csv"],
        ["metrics", "--format", "json", "--as-of", "2019-06-30"],
        ["export", "--format", "gexf"],
        ["export", "--format", "graphml", "--as-of", "2018-06-30"],
        ["export", "--format", "json"],
        ["export", "--format", "cytoscape", "--no-metrics"],
        ["stats"],
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_analysis_commands(monkeypatch, capsys, sparql_server, args):
    _same_cli(monkeypatch, capsys, sparql_server, args)


def test_every_profile(embedded, remote):
    from graph.views.profile import organisation_profile

    orgs = [r[0] for r in embedded.select_values("SELECT ?o WHERE { ?o a org:Organization }")[1]]
    assert len(orgs) > 20
    for iri in orgs:
        assert organisation_profile(remote, iri) == organisation_profile(embedded, iri), iri


# ---------------------------------------------------------------- `graph serve` in front of each server


@pytest.fixture(scope="session")
def served(sparql_server):
    from sparql_servers import start_endpoint, stop

    url, proc = start_endpoint({**sparql_server.env, "GRAPH_MAX_ROWS": "500"})
    yield url
    stop(proc)


def _terms(solutions) -> list[tuple]:
    return sorted(tuple("" if t is None else str(t) for t in s) for s in solutions)


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "text/tab-separated-values", "text/csv", "application/sparql-results+xml"]
)
def test_serve_in_front_of_the_server(embedded, served, accept):
    import pyoxigraph as ox
    import requests

    from graph.endpoint import RESULT_TYPES
    from graph.model import PREFIXES

    q = load_library()["list_organisations"].text
    r = requests.post(served, data={"query": q}, headers={"Accept": accept}, timeout=30)
    assert r.status_code == 200, r.text
    want = embedded.ox.query(q, prefixes=PREFIXES)
    if accept == "text/csv":  # CSV keeps no term types: compare the lines
        lines = want.serialize(format=ox.QueryResultsFormat.CSV).decode().splitlines()
        assert sorted(r.text.splitlines()) == sorted(lines) and len(lines) > 20
    else:
        got = _terms(ox.parse_query_results(r.content, format=RESULT_TYPES[accept]))
        assert got == _terms(want) and len(got) > 20


def test_serve_counts_the_graph_only_and_cuts_long_answers(embedded, served):
    import requests

    count = requests.get(
        served, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, headers={"Accept": "text/tab-separated-values"}, timeout=30
    )
    assert count.text.split("\n")[0] == "?n" and str(len(embedded)) in count.text  # not Virtuoso's system graphs
    long = requests.get(
        served, params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "application/sparql-results+json"}, timeout=30
    )
    assert len(long.json()["results"]["bindings"]) == 500 and long.headers["X-Result-Truncated"] == "500"
    cross = requests.get(served, params={"query": "SELECT ?s ?g WHERE { ?s ?p ?o . ?g a es:Gmina } LIMIT 20000"}, timeout=30)
    assert len(cross.json()["results"]["bindings"]) == 500 and cross.headers["X-Result-Truncated"] == "500"
    ask = requests.get(served, params={"query": "ASK { ?s a es:Gmina }"}, timeout=30)
    assert ask.json()["boolean"] is True
    g = requests.get(
        served,
        params={"query": "CONSTRUCT { ?s a es:Gmina } WHERE { ?s a es:Gmina }"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert g.status_code == 200 and len(g.text.strip().splitlines()) == len(embedded.query("SELECT ?s WHERE { ?s a es:Gmina }").rows)
    flags = requests.get(served, params={"query": load_library()["count_organisations_by_kind"].text}, timeout=30).json()
    assert {b["is_pes"]["value"] for b in flags["results"]["bindings"]} == {"true", "false"}


# ---------------------------------------------------------------- every dashboard page


def _page_texts(at) -> list:
    """What the page shows in its main area (the sidebar names the store, so differs)."""
    main = at.main
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success", "metric"):
        for e in getattr(main, kind):
            out.append((kind, getattr(e, "label", None), str(getattr(e, "value", None))))
    for kind in ("selectbox", "multiselect", "radio"):
        for e in getattr(main, kind):
            out.append((kind, e.label, repr(e.options)))
    for df in main.dataframe:
        out.append(("dataframe", None, df.value.to_csv(index=False)))
    return out


_PAGES: dict = {}


@pytest.mark.parametrize("page", ["overview", "network", "gaps", "profile", "meeting", "export", "console", "data"])
def test_every_dashboard_page(monkeypatch, sparql_server, page):
    import os

    from streamlit.testing.v1 import AppTest
    from test_app import APP, _open

    def render(secrets: dict):
        for name in [n for n in os.environ if n.startswith("GRAPH_")]:
            monkeypatch.delenv(name)
        at = AppTest.from_file(APP, default_timeout=90)
        at.secrets.update(secrets)
        at = _open(at, page)
        assert not at.exception, at.exception
        return _page_texts(at)

    if page not in _PAGES:
        _PAGES[page] = render({})
    got = render(dict(sparql_server.env))
    want = _PAGES[page]
    assert len(want) >= 2
    first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), None)
    assert first is None, f"{page}: {got[first]!r}\n!=\n{want[first]!r}"
    assert len(got) == len(want)


def test_without_the_graph_setting_virtuoso_reads_its_system_graphs_too(embedded, virtuoso):
    whole = open_store(Settings(backend="remote", query_url=virtuoso.query_url))
    assert len(whole) > len(embedded) + 1000  # why GRAPH_SPARQL_GRAPH exists
