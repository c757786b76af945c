"""The respondent app (AppTest): fill and submit, refusals without a form."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from graph.survey import load, revoke, status, update
from graph.survey.records import org_key
from tests.survey_support import ADVICE, REFERRAL, A, B, C, D, data_copy, new_round

APP = str(Path(__file__).resolve().parent.parent / "survey_app.py")


@pytest.fixture
def survey(tmp_path, monkeypatch):
    settings = data_copy(tmp_path)
    ctx, path, data, tokens = new_round(settings, as_of="2026-06-01", expires="2099-12-31")
    monkeypatch.setenv("GRAPH_DATA", str(settings.edit_file))
    monkeypatch.delenv("GRAPH_SURVEY_ROUND", raising=False)
    return ctx, path, tokens


def _open(token: str, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.query_params["t"] = token
    if lang:
        at.query_params["lang"] = lang
    return at.switch_page("ui/survey_page.py").run()


def _answer(at: AppTest, partners: list[tuple[str, list[str], str, int, int]], *, submit: bool = True) -> AppTest:
    at.text_input(key="sv_name").input("Anna Nowak")
    at.text_input(key="sv_post").input("koordynatorka")
    for partner, *_ in partners:
        at.checkbox(key=f"sv_p_{org_key(partner)}").check()
    at.run()
    for partner, kinds, freq, value, trust in partners:
        k = org_key(partner)
        at.multiselect(key=f"sv_k_{k}").set_value(kinds)
        at.radio(key=f"sv_f_{k}").set_value(freq)
        at.radio(key=f"sv_v_{k}").set_value(value)
        at.radio(key=f"sv_t_{k}").set_value(trust)
    at.run()
    at.button(key="sv_submit" if submit else "sv_draft").click().run()
    assert not at.exception
    return at


def test_three_respondents_fill_and_submit(survey):
    ctx, path, tokens = survey
    at = _open(tokens[A])
    assert "Kielecko" in at.title[0].value
    _answer(at, [(B, [ADVICE], "regularly", 4, 3)])
    assert "Dziękujemy" in at.success[0].value
    at = _open(tokens[B], "en")
    assert at.text_input(key="sv_name").label == "Name"
    _answer(at, [(A, [ADVICE, REFERRAL], "continuously", 3, 4)])
    assert at.success[0].value.startswith("Thank you")
    at = _open(tokens[C])
    at.text_input(key="sv_q").input("integracja").run()  # search without diacritics finds „Integracja” (and others)
    assert f"sv_p_{org_key(D)}" in {c.key for c in at.checkbox}
    _answer(at, [(D, [REFERRAL], "occasionally", 2, 2)])
    st = status(load(path, "r1"), ctx)
    assert (st["invited"], st["responded"]) == (25, 3)
    ties = {(t["from"], t["to"]): (t["confirmed"], t["kinds"]) for t in st["ties"]}
    assert ties == {
        ("koowes", "mgops-wachock"): (True, ["advice", "referral"]),
        ("pup-starachowice", "ss-integracja"): (False, ["referral"]),
    }
    # the link reopens the submitted answer, filled in
    at = _open(tokens[A])
    assert at.text_input(key="sv_name").value == "Anna Nowak" and at.radio(key=f"sv_v_{org_key(B)}").value == 4


def test_the_partner_list_offers_the_organisations_that_exist_on_the_rounds_day(survey):
    """MOPS Starachowice was dissolved by 2021-11-25 (S17, S9): no partner of a round today; CUS, which replaced it, is."""
    ctx, path, tokens = survey
    at = _open(tokens[A])
    at.text_input(key="sv_q").input("Starachowic").run()
    offered = {c.key for c in at.checkbox}
    mops, cus = "https://w3id.org/es-pl/id/org/mops-starachowice", "https://w3id.org/es-pl/id/org/cus-starachowice"
    assert f"sv_p_{org_key(cus)}" in offered and f"sv_p_{org_key(mops)}" not in offered
    assert ctx.organisations[mops].dissolved == "2021-11-25"  # the record the form reads knows it


def test_submit_needs_the_scales(survey):
    ctx, path, tokens = survey
    at = _open(tokens[A])
    at.checkbox(key=f"sv_p_{org_key(B)}").check().run()
    at.button(key="sv_submit").click().run()
    shown = at.error[0].value
    assert "Imię i nazwisko: podaj imię" in shown and "Wartość współpracy dla Państwa" in shown and "Społecznej w Wąchocku" in shown
    assert load(path, "r1").responses == {}


@pytest.mark.parametrize("case", ["wrong", "revoked", "expired", "closed", "none"])
def test_bad_links_are_refused_without_a_form(survey, case, caplog):
    caplog.set_level("WARNING", logger="graph.access")
    ctx, path, tokens = survey
    token = tokens[A]
    if case == "wrong":
        token = token[:-3] + "abc"
    elif case == "revoked":
        revoke(path, "r1", ["koowes"])
    elif case == "expired":
        update(path, "r1", lambda d: setattr(d.invitations[A], "expires", "2020-01-01T23:59:59Z"))
    elif case == "closed":
        update(path, "r1", lambda d: setattr(d.round, "closed", "2026-01-01T00:00:00Z"))
    at = _open("" if case == "none" else token)
    assert not at.exception
    assert len(at.text_input) == 0 and len(at.checkbox) == 0 and [b.key for b in at.button] == ["sv_lang"]
    shown = (at.error[0].value if at.error else at.warning[0].value).lower()
    word = {"wrong": "nieprawidłowy", "revoked": "unieważniony", "expired": "wygasł", "closed": "zamknięta", "none": "osobistym linkiem"}[
        case
    ]
    assert word in shown
    logged = [r.getMessage() for r in caplog.records if r.name == "graph.access"]
    if case == "wrong":  # a wrong link is logged as such, never as a wrong editor password, and without the token
        assert len(logged) == 1 and logged[0].startswith("survey link: wrong try") and token not in logged[0]
    else:
        assert logged == []
