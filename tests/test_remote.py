# ruff: noqa: F811  (fixtures imported from sparql_servers)
"""The remote store against a real `oxigraph serve`: same answers as the embedded store.

The bundled data (vocabulary, territory, entities) is loaded into a real
Oxigraph server started by the tests; then every question of the catalogue,
the statistics, the projection to networkx, the gap report, the CLI and the
console path give what the embedded store gives; the dashboard takes the
server and its credentials from Streamlit secrets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sparql_servers import AuthGate, load_into, ox_server  # noqa: F401

from graph.analysis.projection import to_networkx
from graph.analysis.stats import stats
from graph.cli import main as cli_main
from graph.guard import Limits, run_limited
from graph.library import load_library
from graph.remote import RemoteStore
from graph.settings import Settings
from graph.store import OxigraphStore, Result, open_store
from graph.views.console import example_values

pytestmark = pytest.mark.server
ROOT = Path(__file__).resolve().parent.parent

#: Parameter values that exist in the bundled data, besides the defaults.
VALUES = {
    "org": "eso:koowes",
    "owes": "eso:koowes",
    "gmina": "terc:2611011",
    "kind": "esk:social_cooperative",
    "to_kind": "esk:cis",
    "tie_kind": "est:funding",
    "area": "terc:2611",
    "date": "2018-06-01",
    "since": "2017-01-01",
    "agreement": "eso:porozumienie-starachowice-2017",
    "source": "essrc:s1-umws-2017-01-20",
}


#: Questions whose answer on the bundled data is rightly empty.
EMPTY_IN_BUNDLED_DATA = {"find_unsourced", "list_referrals"}


def _cases():
    for name, q in load_library().items():
        required = {p.name: VALUES[p.name] for p in q.params if p.required}
        yield pytest.param(name, required, id=f"{name}-defaults")
        given = {p.name: VALUES[p.name] for p in q.params}
        if given != required:
            yield pytest.param(name, given, id=f"{name}-params")


@pytest.fixture(scope="module")
def stores(ox_server):
    settings = Settings()
    load_into(ox_server, list(settings.files))
    embedded = open_store(settings)
    remote = open_store(Settings.from_env({"GRAPH_SPARQL_QUERY_URL": ox_server + "/query"}))
    assert isinstance(embedded, OxigraphStore) and isinstance(remote, RemoteStore)
    return embedded, remote


@pytest.fixture(scope="module")
def rdflib_store():
    return open_store(Settings(backend="rdflib"))


def _answer(r: Result):
    if r.kind == "ASK":
        return r.boolean
    if r.kind == "GRAPH":
        return sorted(r.graph)
    return r.rows


def test_same_size(stores):
    embedded, remote = stores
    assert len(remote) == len(embedded) > 1000


@pytest.mark.parametrize("name,values", list(_cases()))
def test_catalogue_gives_the_same_answers(stores, name, values):
    embedded, remote = stores
    q = load_library()[name]
    bindings = q.bind(values)
    want = _answer(embedded.query(q.text, bindings))
    got = _answer(remote.query(q.text, bindings))
    assert got == want
    if isinstance(want, list) and name not in EMPTY_IN_BUNDLED_DATA and len(values) == sum(p.required for p in q.params):
        assert len(want) > 0, f"{name} finds nothing in the bundled data with {values}"


def test_console_path_on_the_remote_store(stores):
    embedded, remote = stores
    q = load_library()["list_ties"]
    bindings = q.bind(example_values(embedded, q))
    got = run_limited(remote, q.text, bindings, limits=Limits(10, 5))
    assert got.truncated and len(got.rows) == 5
    assert got.rows == embedded.query(q.text, bindings).rows[:5]


def test_analysis_on_the_remote_store(stores):
    embedded, remote = stores
    assert stats(remote) == stats(embedded)
    g_remote, g_embedded = to_networkx(remote), to_networkx(embedded)

    def norm(attrs):  # list attributes (alt labels, sources) come in the engine's row order
        return {k: sorted(v) if isinstance(v, list) else v for k, v in attrs.items()}

    def nodes(g):
        return sorted((n, norm(a)) for n, a in g.nodes(data=True))

    def edges(g):
        return sorted((u, v, k, norm(a)) for u, v, k, a in g.edges(keys=True, data=True))

    assert nodes(g_remote) == nodes(g_embedded)
    assert edges(g_remote) == edges(g_embedded)


def test_gap_report_on_the_remote_store(stores):
    from graph.analysis.gaps import gap_report

    embedded, remote = stores
    want = gap_report(embedded, as_of="2020-01-01")
    got = gap_report(remote, as_of="2020-01-01")
    assert got.coverage.equals(want.coverage)
    assert got.findings == want.findings
    assert got.suggestions == want.suggestions


def test_cli_on_the_remote_store(stores, ox_server, monkeypatch, capsys):
    for name in ("GRAPH_DATA", "GRAPH_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    assert cli_main(["query", "list_organisations", "--format", "csv", "--bind", "kind=esk:owes"]) == 0
    local = capsys.readouterr().out
    monkeypatch.setenv("GRAPH_SPARQL_QUERY_URL", ox_server + "/query")
    assert cli_main(["query", "list_organisations", "--format", "csv", "--bind", "kind=esk:owes"]) == 0
    assert capsys.readouterr().out == local
    assert "koowes" in local


def test_credentials_come_from_the_environment():
    settings = Settings.from_env({"GRAPH_SPARQL_QUERY_URL": "http://127.0.0.1:9/q", "GRAPH_SPARQL_USER": "ana", "GRAPH_SPARQL_PASSWORD": "s3cret"})
    store = RemoteStore(settings)
    assert store.http.auth == ("ana", "s3cret")
    store.reset_connections()  # as a forked query worker does
    assert store.http.auth == ("ana", "s3cret")
    assert "s3cret" not in repr(settings)


def test_the_dashboard_takes_the_remote_store_and_its_credentials_from_streamlit_secrets(stores, ox_server, monkeypatch):
    from streamlit.testing.v1 import AppTest

    gate = AuthGate(ox_server, "ana", "s3cret")
    try:
        for name in [n for n in os.environ if n.startswith("GRAPH_")]:
            monkeypatch.delenv(name)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.secrets.update({"GRAPH_SPARQL_QUERY_URL": gate.url + "/query", "GRAPH_SPARQL_USER": "ana", "GRAPH_SPARQL_PASSWORD": "s3cret"})
        at.run()
        assert not at.exception and not at.error
        assert any(gate.url in t.value for t in at.sidebar.text)  # the sidebar names the remote store
        assert {m.label: m.value for m in at.metric}["Organizacje"] == "29"  # the bundled data, read over HTTP
        assert gate.counts["passed"] > 0 and gate.counts["refused"] == 0

        wrong = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        wrong.secrets.update({"GRAPH_SPARQL_QUERY_URL": gate.url + "/query", "GRAPH_SPARQL_USER": "ana", "GRAPH_SPARQL_PASSWORD": "nope"})
        wrong.run()
        assert gate.counts["refused"] > 0
        assert wrong.error and any("HTTP 401" in c.value for c in wrong.code)  # the error page, with the cause
    finally:
        gate.close()


def test_a_broken_secrets_file_is_named_with_line_and_column(tmp_path):
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('GRAPH_SPARQL_USER = "ana\n', encoding="utf-8")
    code = "from ui import state\ntry:\n    state.settings()\nexcept state.GraphError as e:\n    print(type(e).__name__, e)\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPH_")} | {"PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60).stdout
    assert out.startswith("SettingsError") and "secrets.toml" in out and "line 1, column" in out


@pytest.mark.parametrize("name,values", list(_cases()))
def test_rdflib_engine_gives_the_same_answers(stores, rdflib_store, name, values):
    """The third backend: rdflib's own engine agrees with Oxigraph on every question
    (as multisets: rows tied under ORDER BY may come in another order)."""
    embedded, _ = stores
    q = load_library()[name]
    bindings = q.bind(values)
    want = _answer(embedded.query(q.text, bindings))
    got = _answer(rdflib_store.query(q.text, bindings))
    if isinstance(want, list):
        want, got = sorted(want, key=repr), sorted(got, key=repr)
    assert got == want


@pytest.mark.parametrize(
    "text,form",
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://example.org/select#>\n# CONSTRUCT in a comment\nASK { ?s ?p 'SELECT' }", "ASK"),
        ("BASE <http://example.org/>\nprefix construct: <http://example.org/c#>\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://example.org/x>", "DESCRIBE"),
    ],
)
def test_the_query_form_decides_what_is_asked_for(text, form):
    from graph.remote import ACCEPT, query_form

    assert query_form(text) == form
    assert ("sparql-results" in ACCEPT[form]) == (form in ("SELECT", "ASK"))


@pytest.mark.parametrize(
    "env,message",
    [
        ({"GRAPH_SPARQL_AUTH": "ntlm"}, "GRAPH_SPARQL_AUTH: unknown scheme 'ntlm'"),
        ({"GRAPH_SPARQL_GRAPH": "not an iri"}, "GRAPH_SPARQL_GRAPH: not an absolute IRI"),
        ({"GRAPH_SPARQL_GRAPH": "http://x/> } ; DROP ALL ; <a"}, "GRAPH_SPARQL_GRAPH: not an absolute IRI"),
        ({"GRAPH_SPARQL_SERVER_MAX_ROWS": "0"}, "GRAPH_SPARQL_SERVER_MAX_ROWS: must be positive"),
    ],
)
def test_bad_server_settings_are_named(env, message):
    from graph.errors import SettingsError

    with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
        Settings.from_env({"GRAPH_SPARQL_QUERY_URL": "http://127.0.0.1:9/q", **env})


def test_digest_authentication_is_chosen_by_a_setting():
    import requests

    env = {"GRAPH_SPARQL_QUERY_URL": "http://127.0.0.1:9/q", "GRAPH_SPARQL_USER": "ana", "GRAPH_SPARQL_PASSWORD": "s3cret"}
    store = RemoteStore(Settings.from_env({**env, "GRAPH_SPARQL_AUTH": "digest"}))
    assert isinstance(store.http.auth, requests.auth.HTTPDigestAuth) and store.http.auth.password == "s3cret"
    store.reset_connections()
    assert isinstance(store.http.auth, requests.auth.HTTPDigestAuth)
