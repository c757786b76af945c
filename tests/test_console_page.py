"""The console page under Streamlit's AppTest: catalogue forms, the editor, URLs, downloads, limits."""

from __future__ import annotations

import csv
import io

import pytest
from streamlit.testing.v1 import AppTest

from graph.library import get_query
from graph.model import ESK, ESO
from graph.settings import Settings
from graph.store import open_store
from graph.views.console import decode_request


def _page():
    from ui.pages.console import render

    render()


@pytest.fixture
def app(monkeypatch):
    for name in ("GRAPH_DATA", "GRAPH_BACKEND", "GRAPH_SPARQL_QUERY_URL", "GRAPH_QUERY_TIMEOUT", "GRAPH_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_function(_page, default_timeout=60)
    return at


@pytest.fixture(scope="module")
def store():
    return open_store(Settings())


def _downloaded(at: AppTest, media: list, label: str) -> bytes:
    """The bytes behind the download button labelled ``label``."""
    button = next(b for b in at.get("download_button") if b.label == label)
    name = button.proto.url.rsplit("/", 1)[-1]
    for storage in reversed(media):
        try:
            return storage.get_file(name).content
        except Exception:  # noqa: BLE001 - another run's storage
            continue
    raise AssertionError(f"no media file {name}")


def test_catalogue_question_with_parameters_shows_rows_and_downloads_csv(app, media, store):
    at = app.run()
    assert not at.exception
    at.selectbox(key="console_saved").set_value("list_organisations").run()
    at.selectbox(key="console_p_list_organisations_kind").set_value(str(ESK.social_cooperative)).run()
    at.button(key="console_run_saved").click().run()
    assert not at.exception, at.exception

    q = get_query("list_organisations")
    want = store.query(q.text, q.bind({"kind": "esk:social_cooperative"}))
    assert len(want.rows) >= 2
    table = at.dataframe[-1].value
    assert len(table) == len(want.rows)
    # labels on screen, each linking to the organisation's profile
    labels = {str(r[1]) for r in want.rows}
    shown = {cell.split("#label=", 1)[1] for cell in table["org"]}
    assert shown == labels
    assert all(cell.startswith("./profile?org=https%3A%2F%2Fw3id.org%2Fes-pl%2Fid%2Forg%2F") for cell in table["org"])

    # the address holds the question and its parameter
    req = decode_request({k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()})
    assert req.saved == "list_organisations" and req.params == {"kind": str(ESK.social_cooperative)}

    # the CSV download holds the raw result (IRIs, not labels)
    data = _downloaded(at, media, "Pobierz CSV")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    assert rows[0] == list(want.vars)
    assert sorted(r[0] for r in rows[1:]) == sorted(str(r[0]) for r in want.rows)


def test_a_shared_address_runs_its_question_once(app):
    app.query_params["saved"] = "list_ties"
    app.query_params["p.org"] = "eso:koowes"
    at = app.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="console_saved").value == "list_ties"
    assert at.selectbox(key="console_p_list_ties_org").value == str(ESO.koowes)
    assert len(at.dataframe[-1].value) > 5


def test_editor_syntax_error_shows_line_and_column(app):
    app.query_params["q"] = "SELECT * WHERE {\n  ?s ?p }"
    at = app.run()
    assert at.radio(key="console_mode").value == "editor"
    assert "wierszu 2, kolumnie 10" in at.error[0].value
    assert at.code[0].value.startswith("expected")


def _editor_run(monkeypatch, text: str) -> AppTest:
    """Run ``text`` as the editor would (the SPARQL editor is a browser component: tests/test_browser_a11y.py
    drives it; here the shared address ``?q=`` takes the same path)."""
    for name in ("GRAPH_DATA", "GRAPH_BACKEND", "GRAPH_SPARQL_QUERY_URL", "GRAPH_QUERY_TIMEOUT", "GRAPH_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_function(_page, default_timeout=60)
    at.query_params["q"] = text
    return at.run()


def test_editor_refuses_service_and_updates(monkeypatch):
    at = _editor_run(monkeypatch, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert "odrzucone" in at.error[0].value and "SERVICE" in at.code[0].value
    at = _editor_run(monkeypatch, "DROP ALL")
    assert "odrzucone" in at.error[0].value


def test_ask_and_construct(monkeypatch):
    at = _editor_run(monkeypatch, "ASK { eso:koowes a org:Organization }")
    assert at.success[0].value == "Tak"
    at = _editor_run(monkeypatch, "CONSTRUCT { ?a es:funds ?b } WHERE { ?a es:funds ?b }")
    assert not at.exception, at.exception
    assert "es:funds" in at.code[-1].value or "def#funds" in at.code[-1].value
    assert [d.label for d in at.get("download_button")] == ["Pobierz Turtle"]


def test_truncated_notice(app, monkeypatch):
    monkeypatch.setenv("GRAPH_MAX_ROWS", "5")
    app.query_params["q"] = "SELECT * WHERE { ?s ?p ?o }"
    at = app.run()
    assert len(at.dataframe[-1].value) == 5
    assert "obcięty" in at.warning[0].value


def test_a_slow_query_leaves_the_page_usable_and_can_be_stopped(app, monkeypatch):
    monkeypatch.setenv("GRAPH_QUERY_TIMEOUT", "20")
    app.query_params["q"] = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    at = app.run()
    assert not at.exception, at.exception
    assert "trwa" in at.info[0].value
    # the page answers other widgets meanwhile
    at.radio(key="console_mode").set_value("catalogue").run()
    assert at.selectbox(key="console_saved").value
    at.button(key="console_stop").click().run()
    assert "zatrzymane" in at.info[0].value
