"""The coordinator's Survey page (AppTest): locked without the password; a round
opened with downloadable links; the status tables; accept with undo."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from graph.edit.writeback import read_triples
from graph.survey import AnswerInput, PartnerAnswer, ProposalInput, load, round_day, round_files, save_answer
from tests.survey_support import REFERRAL, C, D, data_copy

PASSWORD = "tajne-hasło-koordynatora"


def _ties(at):
    return next(d.value for d in at.dataframe if "claimed_by" in d.value.columns)


def _survey_page():
    from ui.pages import survey

    survey.render()


@pytest.fixture
def env(tmp_path, monkeypatch):
    settings = data_copy(tmp_path)
    monkeypatch.setenv("GRAPH_DATA", str(settings.edit_file))
    monkeypatch.delenv("GRAPH_HISTORY", raising=False)
    monkeypatch.delenv("GRAPH_BACKEND", raising=False)
    monkeypatch.delenv("GRAPH_SPARQL_QUERY_URL", raising=False)
    return settings


def test_locked_without_the_password(env, monkeypatch):
    monkeypatch.setenv("GRAPH_EDITOR_PASSWORD", PASSWORD)
    at = AppTest.from_function(_survey_page, default_timeout=60).run()
    assert [ti.key for ti in at.text_input] == ["data_password"] and not at.dataframe


def test_open_round_status_accept_undo(env, monkeypatch):
    from graph.edit.lookup import Context
    from graph.store import open_store

    monkeypatch.setenv("GRAPH_EDITOR_PASSWORD", PASSWORD)
    at = AppTest.from_function(_survey_page, default_timeout=60).run()
    at.text_input(key="data_password").set_value(PASSWORD)
    at.button[0].click().run()
    at.text_input(key="data_who").input("Koordynatorka").run()
    at.text_input(key="survey_new_name").input("wiosna")
    kinds = ["https://w3id.org/es-pl/kind/pup", "https://w3id.org/es-pl/kind/social_cooperative", "https://w3id.org/es-pl/kind/ops"]
    at.multiselect(key="survey_new_kinds").set_value(kinds)
    next(b for b in at.button if b.label.startswith("Otwórz")).click().run()
    assert not at.exception
    assert "7 linków" in at.success[0].value  # PUP, two cooperatives, three OPS and CUS
    assert "Bez linku: 1 organizacja, której nie było w dniu" in at.info[0].value  # MOPS, dissolved by 2021-11-25
    path = round_files(env.edit_file)["wiosna"]
    assert f"w dniu {round_day(load(path, 'wiosna'))} (".replace("-", "\\-") in at.info[0].value  # the round's day (Markdown-escaped)
    ctx = Context(open_store(env))
    save_answer(
        path,
        "wiosna",
        C,
        AnswerInput("A", "B", "", (PartnerAnswer(D, (REFERRAL,), "regularly", 3, 3),), (ProposalInput("Fundacja Testowa", "", ""),)),
        submit=True,
        known_orgs=ctx.organisations,
        tie_kinds=ctx.tie_kinds,
    )
    at.run()
    assert not at.exception, at.exception
    ties = _ties(at)
    assert list(ties["from_label"]) == ["Powiatowy Urząd Pracy w Starachowicach"] and list(ties["confirmed"]) == [False]
    assert at.metric[0].value == "1/7"
    at.multiselect(key="survey_review_pick").set_value(list(at.multiselect(key="survey_review_pick").options)).run()
    at.button(key="survey_accept").click().run()
    assert "Przyjęto: 1 powiązanie" in at.success[0].value
    triples, _ = read_triples(env.edit_file)
    assert any(t.subject.value.endswith("/tie/pup-starachowice-referral-ss-integracja") for t in triples)
    assert list(_ties(at)["in_data"]) == [True]
    at.button(key="survey_undo").click().run()
    triples, _ = read_triples(env.edit_file)
    assert not any(t.subject.value.endswith("/tie/pup-starachowice-referral-ss-integracja") for t in triples)
    # the proposed organisation: the coordinator supplies kind and gmina, then accepts it
    at.selectbox(key="survey_proposal_kind").set_value("https://w3id.org/es-pl/kind/foundation")
    at.text_input(key="survey_proposal_gmina").input("2611011")
    at.button(key="survey_proposal_accept").click().run()
    assert not at.exception and "Fundacja Testowa" in at.success[0].value
    assert [o.label for o in Context(open_store(env)).find_org("Fundacja Testowa")] == ["Fundacja Testowa"]


def test_network_page_draws_a_round_over_the_network(env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from graph.edit.lookup import Context
    from graph.store import open_store
    from graph.survey import create_round
    from tests.survey_support import ADVICE, A, B
    from tests.test_app import APP, _open

    ctx = Context(open_store(env))
    path = create_round(env.edit_file, "r1", ctx, expires="2099-12-31").path
    for org, partner in ((A, B), (B, A), (C, D)):
        kinds = (ADVICE,) if org != C else (REFERRAL,)
        save_answer(
            path,
            "r1",
            org,
            AnswerInput("A", "B", "", (PartnerAnswer(partner, kinds, "regularly", 3, 3),)),
            submit=True,
            known_orgs=ctx.organisations,
            tie_kinds=ctx.tie_kinds,
        )
    at = _open(AppTest.from_file(APP, default_timeout=90), "network")
    at.selectbox(key="net_survey").set_value("r1").run()
    assert not at.exception
    html = at.get("iframe")[0].proto.srcdoc if at.get("iframe") else ""
    assert "ankieta: potwierdzone przez obie strony" in html and "ankieta: wskazane przez jedną stronę" in html
