"""The data page (AppTest): editing hidden without the password; a valid entry
appears in the graph, the network and the profile; each invalid field is named."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from rdflib import Literal
from streamlit.testing.v1 import AppTest

from graph.access import Throttle
from graph.analysis.projection import to_networkx
from graph.io import load_graph
from graph.model import ES, ESO, SKOS
from graph.settings import DATA_DIR, Settings
from graph.store import open_store
from graph.views.profile import organisation_profile

PASSWORD = "tajne-hasło-edytora"


def _data_page():
    from ui.pages import data

    data.render()


def _profile_page():
    import streamlit as st

    from ui.pages import PAGES, register_pages, runner

    pages = {e.url_path: st.Page(runner(e), title=e.url_path, url_path=e.url_path, default=e.url_path == "profile") for e in PAGES}
    register_pages(pages)
    st.navigation(list(pages.values())).run()


@pytest.fixture
def data_file(tmp_path: Path, monkeypatch) -> Path:
    p = tmp_path / "entities.ttl"
    shutil.copyfile(DATA_DIR / "entities.ttl", p)
    monkeypatch.setenv("GRAPH_DATA", str(p))
    monkeypatch.delenv("GRAPH_HISTORY", raising=False)
    monkeypatch.delenv("GRAPH_BACKEND", raising=False)
    monkeypatch.delenv("GRAPH_SPARQL_QUERY_URL", raising=False)
    return p


class FakeClock:
    """The password delay's clock, moved by the test instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> FakeClock:
    """A fresh process-wide password delay for each test, on a clock the test moves."""
    fake = FakeClock()
    monkeypatch.setattr("ui.state._GATE", Throttle(clock=fake))
    return fake


def _unlocked(monkeypatch) -> AppTest:
    from ui import state

    monkeypatch.setenv("GRAPH_EDITOR_PASSWORD", PASSWORD)
    at = AppTest.from_function(_data_page, default_timeout=60).run()
    at.text_input(key="data_password").set_value("zle")
    at.button[0].click().run()
    assert any("Złe hasło" in e.value for e in at.error)
    assert not [w for w in at.text_input if w.key == "data_who"]
    state.password_gate().clock.advance(1.0)  # the delay after one wrong try
    at.text_input(key="data_password").set_value(PASSWORD)
    at.button[0].click().run()
    at.text_input(key="data_who").set_value("Anna Nowak").run()
    assert not at.exception
    return at


def _submit(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()


def _texts(elements) -> str:
    """The text of alerts, with the markdown escapes of data values removed."""
    return re.sub(r"\\(.)", r"\1", "\n".join(e.value for e in elements))


def test_editing_is_hidden_without_the_password(data_file: Path, monkeypatch):
    monkeypatch.delenv("GRAPH_EDITOR_PASSWORD", raising=False)
    at = AppTest.from_function(_data_page, default_timeout=60).run()
    assert not at.exception
    assert "Edycja jest wyłączona" in _texts(at.info)
    assert len(at.text_input) == 0 and len(at.button) == 0 and len(at.selectbox) == 0
    # configured but not unlocked: only the password field
    monkeypatch.setenv("GRAPH_EDITOR_PASSWORD", PASSWORD)
    at = AppTest.from_function(_data_page, default_timeout=60).run()
    assert [w.key for w in at.text_input] == ["data_password"]
    assert [b.label for b in at.button] == ["Odblokuj edycję"]


def test_wrong_passwords_make_even_the_right_one_wait(data_file: Path, monkeypatch, clock: FakeClock, caplog):
    monkeypatch.setenv("GRAPH_EDITOR_PASSWORD", PASSWORD)
    at = AppTest.from_function(_data_page, default_timeout=60).run()
    waits = []
    for _ in range(4):  # four wrong tries, each once the previous delay has passed
        at.text_input(key="data_password").set_value("zgaduję-hasło")
        at.button[0].click().run()
        [error] = at.error
        waits.append(int(re.search(r"za (\d+) s", error.value).group(1)))
        clock.advance(waits[-1])
    assert waits == [1, 2, 4, 8]  # the delay doubles
    clock.advance(-8 + 7.5)  # half a second before the last delay ends
    at.text_input(key="data_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert "Za wcześnie" in at.error[0].value and "1 s" in at.error[0].value
    assert not [w for w in at.text_input if w.key == "data_who"]  # the right password, refused
    # another session of the same process is not slowed by four failures...
    other = AppTest.from_function(_data_page, default_timeout=60).run()
    other.text_input(key="data_password").set_value("zgaduję-hasło")
    other.button[0].click().run()
    assert "za 1 s" in other.error[0].value
    clock.advance(0.5)
    at.text_input(key="data_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert [w.key for w in at.text_input if w.key == "data_who"] == ["data_who"]  # unlocked once the delay passed
    # failures are logged, the password never
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "graph.access")
    assert logged.count("editor password: wrong try") == 5 and "zgaduję" not in logged and PASSWORD not in logged


def test_many_sessions_guessing_slow_every_session(data_file: Path, monkeypatch, clock: FakeClock):
    from ui import state

    gate = state.password_gate()
    monkeypatch.setenv("GRAPH_EDITOR_PASSWORD", PASSWORD)
    for _ in range(gate.free + 2):  # a fresh session for each guess: the session delay never bites
        at = AppTest.from_function(_data_page, default_timeout=60).run()
        at.text_input(key="data_password").set_value("zgaduję-hasło")
        at.button[0].click().run()
    at = AppTest.from_function(_data_page, default_timeout=60).run()
    at.text_input(key="data_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert "Za wcześnie" in at.error[0].value  # a new session must wait too
    clock.advance(2.0)
    at.button[0].click().run()
    assert any(w.key == "data_who" for w in at.text_input)


def test_a_valid_organisation_appears_in_the_graph_the_network_and_the_profile(data_file: Path, monkeypatch):
    at = _unlocked(monkeypatch)
    at.text_input(key="data_org_name").set_value("Fundacja Z Formularza")
    at.text_input(key="data_org_name_en").set_value("Form Foundation")
    at.selectbox(key="data_org_kind").set_value("https://w3id.org/es-pl/kind/foundation")
    at.selectbox(key="data_org_teryt").set_value("2611053")
    at.text_input(key="data_org_nip").set_value("526-104-08-28")
    at.text_input(key="data_org_source").set_value("https://example.org/fundacja-z-formularza")
    _submit(at, "Dodaj organizację")
    assert not at.exception
    assert "Zapisano" in _texts(at.success), _texts(at.error)
    iri = str(ESO["fundacja-z-formularza"])
    # the graph
    g = load_graph([data_file])
    assert (ESO["fundacja-z-formularza"], SKOS.prefLabel, Literal("Fundacja Z Formularza", lang="pl")) in g
    assert (ESO["fundacja-z-formularza"], ES.nip, Literal("5261040828")) in g
    # the network
    store = open_store(Settings.from_env())
    net = to_networkx(store)
    assert iri in net.nodes
    # the profile (core and page)
    assert organisation_profile(store, iri).label == "Fundacja Z Formularza"
    page = AppTest.from_function(_profile_page, default_timeout=60)
    page.query_params["org"] = iri
    page.run()
    assert not page.exception
    assert any("Fundacja Z Formularza" in h.value for h in page.header)

    # a tie from it, through the tie form, then into the network
    at.selectbox(key="data_tie_kind").set_value("https://w3id.org/es-pl/tie-kind/funding")
    at.selectbox(key="data_tie_from").set_value(iri)
    at.selectbox(key="data_tie_to").set_value(str(ESO.koowes))
    at.date_input(key="data_tie_start").set_value(dt.date(2024, 3, 1))
    at.text_input(key="data_tie_source").set_value("essrc:s1-umws-2017-01-20")
    _submit(at, "Dodaj powiązanie")
    assert "Zapisano" in _texts(at.success), _texts(at.error)
    net = to_networkx(open_store(Settings.from_env()))
    assert net.has_edge(iri, str(ESO.koowes))
    # and the history lists both changes, with an undo form
    [history] = [df.value for df in at.dataframe if "Kto" in df.value.columns]
    assert len(history) == 2 and set(history["Kto"]) == {"Anna Nowak"}


def test_each_invalid_field_is_named_and_nothing_is_written(data_file: Path, monkeypatch):
    before = data_file.read_bytes()
    at = _unlocked(monkeypatch)
    at.text_input(key="data_org_name").set_value("   ")
    at.text_input(key="data_org_nip").set_value("1234563219")
    at.text_input(key="data_org_regon").set_value("12345678")
    at.text_input(key="data_org_krs").set_value("00000288601")
    _submit(at, "Dodaj organizację")
    errors = _texts(at.error)
    for label in ("Nazwa (po polsku):", "NIP:", "REGON:", "KRS:", "Źródło:"):
        assert label in errors, (label, errors)
    assert "cyfra kontrolna" in errors  # the NIP's check digit

    at.selectbox(key="data_tie_from").set_value(str(ESO.koowes))
    at.selectbox(key="data_tie_to").set_value(str(ESO.koowes))
    at.text_input(key="data_tie_amount").set_value("-5")
    _submit(at, "Dodaj powiązanie")
    errors = _texts(at.error)
    for label in ("Do:", "Data początku:", "Kwota (zł):", "Źródło:"):
        assert label in errors, (label, errors)

    at.date_input(key="data_join_date").set_value(None)
    _submit(at, "Zapisz przystąpienie")
    assert "Data przystąpienia:" in _texts(at.error)

    _submit(at, "Usuń")  # without the confirmation box
    assert "zaznacz potwierdzenie" in _texts(at.error)
    assert data_file.read_bytes() == before
    assert not (data_file.parent / "entities.history.jsonl").exists()


def test_ending_a_tie_before_it_started_is_refused_with_the_field_named(data_file: Path, monkeypatch):
    before = data_file.read_bytes()
    at = _unlocked(monkeypatch)
    at.radio(key="data_end_what").set_value("tie")
    at.selectbox(key="data_end_tie").set_value("https://w3id.org/es-pl/id/tie/koowes-funding-ss-starachowiczanka")
    at.date_input(key="data_end_date").set_value(dt.date(2000, 1, 1))
    at.text_input(key="data_end_source").set_value("essrc:s1-umws-2017-01-20")
    _submit(at, "Zapisz datę końca (bez usuwania)")
    errors = _texts(at.error)
    assert "Data końca:" in errors and "wcześniejsza" in errors
    assert data_file.read_bytes() == before


def test_joining_ending_correcting_removing_and_undoing_through_the_forms(data_file: Path, monkeypatch):
    at = _unlocked(monkeypatch)
    org = str(ESO["stowarzyszenie-cal"])
    # join the agreement, signed by a named person in a post
    at.selectbox(key="data_join_org").set_value(org)
    at.date_input(key="data_join_date").set_value(dt.date(2024, 5, 6))
    at.text_input(key="data_join_signer").set_value("Jan Kowalski")
    at.selectbox(key="data_join_post").set_value("https://w3id.org/es-pl/role/board_president")
    at.text_input(key="data_join_source").set_value("Uchwała zarządu nr 3/2024")
    _submit(at, "Zapisz przystąpienie")
    assert "Zapisano" in _texts(at.success), _texts(at.error)
    store = open_store(Settings.from_env())
    [membership] = [m for m in organisation_profile(store, org).memberships if m.start == "2024-05-06"]
    assert membership.role.endswith("signatory")
    net = to_networkx(store, include_memberships=True)
    assert net.has_edge(org, str(ESO["porozumienie-starachowice-2017"]))
    # end it (an end date, not a deletion)
    at.radio(key="data_end_what").set_value("membership")
    at.selectbox(key="data_end_membership").set_value(membership.membership)
    at.date_input(key="data_end_date").set_value(dt.date(2025, 1, 31))
    at.text_input(key="data_end_source").set_value("Uchwała zarządu nr 3/2024")
    _submit(at, "Zapisz datę końca (bez usuwania)")
    assert "Zapisano" in _texts(at.success), _texts(at.error)
    store = open_store(Settings.from_env())
    assert [m.end for m in organisation_profile(store, org).memberships if m.membership == membership.membership] == ["2025-01-31"]
    # correct a field: a bad NIP is named, a good one is written
    at.selectbox(key="data_fix_org").set_value(org)
    at.selectbox(key="data_fix_field").set_value("nip")
    at.text_input(key="data_fix_value").set_value("123")
    at.text_input(key="data_fix_source").set_value("KRS")
    _submit(at, "Popraw")
    assert "NIP:" in _texts(at.error)
    at.text_input(key="data_fix_value").set_value("7740001454")
    _submit(at, "Popraw")
    assert "Zapisano" in _texts(at.success), _texts(at.error)
    assert ("NIP", "7740001454") in organisation_profile(open_store(Settings.from_env()), org).identifiers
    # remove with confirmation: refused while ties refer to it, done with cascade
    at.selectbox(key="data_remove_entry").set_value(org)
    at.checkbox(key="data_remove_sure").check()
    _submit(at, "Usuń")
    assert "odwołują się" in _texts(at.error)
    at.checkbox(key="data_remove_cascade").check()
    at.checkbox(key="data_remove_sure").check()
    _submit(at, "Usuń")
    assert "Zapisano" in _texts(at.success), _texts(at.error)
    assert org not in to_networkx(open_store(Settings.from_env())).nodes
    # undo the removal (the newest change, preselected) from the history
    [pick] = [s for s in at.selectbox if s.label == "Zmiana do cofnięcia"]
    assert "remove stowarzyszenie-cal" in pick.format_func(pick.value)
    at.checkbox(key="data_undo_sure").check()
    _submit(at, "Cofnij")
    assert "Cofnięto" in _texts(at.success), _texts(at.error)
    assert org in to_networkx(open_store(Settings.from_env())).nodes


def test_import_preview_then_apply(data_file: Path, monkeypatch):
    at = _unlocked(monkeypatch)
    assert {b.label for b in at.get("download_button")} >= {
        "Szablon: organizacje (CSV)",
        "Szablon: powiązania (CSV)",
        "Szablon: skoroszyt (XLSX)",
    }
    from graph.edit.importer import plan_import, read_table

    # AppTest cannot drive st.file_uploader; the page calls exactly these two functions
    csv = "name;kind;teryt;nip;source\nFundacja Z Arkusza;fundacja;2611011;5261040828;https://example.org/arkusz\n"
    tables = read_table(csv.encode("cp1250"), "organizacje.csv")
    from graph.edit.editor import Editor

    editor = Editor(Settings.from_env())
    plan = plan_import(editor.context(), tables, who="Anna")
    assert plan.ok and plan.counts["organisations"] == 1


def _save_then_view():
    """Save an organisation through the shared workspace's store once, then show what the next view sees."""
    import streamlit as st

    from graph.edit import OrganisationInput, add_organisation
    from graph.edit.editor import Editor
    from ui import state

    ws = state.begin_run()
    if "saved" not in st.session_state:
        st.session_state["saved"] = (ws, ws.store, ws.summary()["organisations"])
        editor = Editor(ws.settings, store=ws.store)
        org = OrganisationInput(name="Fundacja Po Zapisie", kind="foundation", teryt="2611011", source="essrc:s1-umws-2017-01-20")
        editor.commit(add_organisation(editor.context(), org, who="Ala"))
        state.refresh(editor)
        return
    first, store, before = st.session_state["saved"]
    st.text(f"same workspace {ws is first}, same store {ws.store is store}, loads {ws.loads}, new {ws.summary()['organisations'] - before}")


def test_a_saved_form_is_seen_on_the_next_view_without_reloading_the_store(data_file: Path):
    at = AppTest.from_function(_save_then_view, default_timeout=60).run()
    assert not at.exception
    at.run()  # the next page view
    assert not at.exception
    assert at.text[0].value == "same workspace True, same store True, loads 1, new 1"


def test_on_large_data_only_the_open_form_is_drawn_and_lookups_are_shared(data_file: Path, monkeypatch):
    import graph.warm_up
    from ui import state

    def widgets(at: AppTest) -> int:
        return len(at.text_input) + len(at.selectbox) + len(at.date_input) + len(at.button)

    every = widgets(_unlocked(monkeypatch))  # small data: every tab's form drawn at once
    monkeypatch.setattr(graph.warm_up, "WARM_UP_OVER", 0)  # the bundled data counts as large
    at = _unlocked(monkeypatch)
    first = widgets(at)
    assert 0 < first < every  # the organisation form alone
    ctx = state.workspace().edit_context()
    assert state.workspace().edit_context() is ctx  # one context per data version, for every session
    at.session_state["data_tab"] = at.tabs[2].label  # the tie form
    at.run()
    assert not at.exception
    assert any("Rodzaj powiązania" in w.label for w in at.selectbox)
    assert 0 < widgets(at) < every
