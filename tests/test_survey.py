"""The tie survey's core: links and tokens, answers, status, review, concurrency."""

from __future__ import annotations

import csv
import json
import threading
from concurrent.futures import ProcessPoolExecutor

import pyoxigraph as ox
import pytest

from graph.access import Attempts, Throttle
from graph.dates import holds
from graph.edit.changes import EditError
from graph.edit.editor import Editor
from graph.edit.lookup import Context
from graph.edit.writeback import read_triples
from graph.model import ESK, ESO, EST, ESTIE, TURTLE_PREFIXES
from graph.settings import Settings
from graph.store import open_store
from graph.survey import (
    AnswerInput,
    PartnerAnswer,
    ProposalInput,
    SurveyError,
    accept,
    answers_dir,
    close_round,
    create_round,
    load,
    open_link,
    reject,
    reopen,
    revoke,
    save_answer,
    status,
    to_csv,
    token_hash,
)
from tests.survey_support import ADVICE, REFERRAL, A, B, C, D, data_copy, new_round


@pytest.fixture
def survey(tmp_path):
    settings = data_copy(tmp_path)
    ctx, path, data, tokens = new_round(settings, as_of="2026-06-01", expires="2099-12-31")
    return settings, ctx, path, tokens


def _save(ctx, path, org, partners, *, submit=True, proposals=()):
    ans = AnswerInput("Anna Nowak", "koordynatorka", "", tuple(partners), tuple(proposals))
    return save_answer(path, "r1", org, ans, submit=submit, known_orgs=ctx.organisations, tie_kinds=ctx.tie_kinds, org_kinds=ctx.kinds)


def test_links_store_only_hashes_and_refuse_wrong_revoked_expired_closed(survey):
    settings, ctx, path, tokens = survey
    assert len(ctx.organisations) == 26  # 23, and CUS, Fundacja ARR, Centrum Pomocy Uchodźcom (issue 10)
    assert len(tokens) == 25 and str(ESO["mops-starachowice"]) not in tokens  # MOPS: dissolved by 2021-11-25 (S17)
    text = path.read_text(encoding="utf-8")
    assert tokens[A] not in text and token_hash(tokens[A]) in text
    clock = [100.0]
    gate, mine = Throttle(clock=lambda: clock[0]), Attempts()
    assert open_link(path, "r1", tokens[A], throttle=gate, attempts=mine).org == A
    wrong = open_link(path, "r1", tokens[A][:-2] + "xx", throttle=gate, attempts=mine)
    assert (wrong.ok, wrong.reason, wrong.wait) == (False, "unknown", 1.0)
    assert open_link(path, "r1", tokens[A], throttle=gate, attempts=mine).reason == "wait"  # even a right one waits
    clock[0] += 1.0
    assert open_link(path, "r1", "nonsense", throttle=gate, attempts=mine).wait == 2.0  # the delay grows
    clock[0] += 2.0
    revoke(path, "r1", ["mgops-wachock"])
    assert open_link(path, "r1", tokens[B], throttle=gate, attempts=mine).reason == "revoked"
    assert open_link(path, "r1", tokens[C], throttle=gate, attempts=mine, now="2100-01-01T00:00:00Z").reason == "expired"
    close_round(path, "r1")
    assert open_link(path, "r1", tokens[A], throttle=gate, attempts=mine).reason == "closed"
    with pytest.raises(SurveyError, match="closed"):
        _save(ctx, path, A, [])


def test_status_confirmed_one_sided_rates_scores_and_review(survey):
    settings, ctx, path, tokens = survey
    _save(ctx, path, A, [PartnerAnswer(B, (ADVICE,), "regularly", 4, 3, "=HYPERLINK(1)")])
    _save(ctx, path, B, [PartnerAnswer(A, (ADVICE, REFERRAL), "continuously", 3, 4)])
    _save(
        ctx,
        path,
        C,
        [PartnerAnswer(D, (REFERRAL,), "occasionally", 2, 2), PartnerAnswer(A, (), "never", 1, 1)],
        proposals=[ProposalInput("Fundacja Nowa", "2611011", "")],
    )
    _save(ctx, path, D, [PartnerAnswer(C, (REFERRAL,), "regularly", 3, 3)], submit=False)  # a draft does not count
    folder = answers_dir(path)  # one answer file per organisation, in a folder only the owner can open
    assert len(list(folder.glob("*.ttl"))) == 4 and folder.stat().st_mode & 0o077 == 0
    st = status(load(path, "r1"), ctx)
    assert (st["invited"], st["responded"], st["drafts"]) == (25, 3, 1)
    ops = next(k for k in st["by_kind"] if k["kind"] == "ops")
    assert (ops["invited"], ops["responded"], ops["rate"]) == (4, 1, 0.25)  # three OPS, and CUS (issue 10); not MOPS, dissolved
    assert "ss-integracja" in {o["organisation"] for o in st["not_responded"]}
    ties = {(t["from"], t["to"]): t for t in st["ties"]}
    assert set(ties) == {("koowes", "mgops-wachock"), ("pup-starachowice", "ss-integracja")}
    ab = ties[("koowes", "mgops-wachock")]
    assert (ab["confirmed"], ab["kinds"], ab["claimed_by"]) == (True, ["advice", "referral"], ["koowes", "mgops-wachock"])
    cd = ties[("pup-starachowice", "ss-integracja")]
    assert (cd["confirmed"], cd["claimed_by"], cd["in_data"], cd["other_responded"]) == (False, ["pup-starachowice"], False, False)
    assert st["proposed"] == [
        {"name": "Fundacja Nowa", "gmina": "2611011", "kind": "", "proposed_by": "pup-starachowice", "number": 1, "rejected": False}
    ]
    score = {s["organisation"]: s for s in st["scores"]}
    assert (score["koowes"]["value_given"], score["koowes"]["value_received"], score["koowes"]["trust_received"]) == (4.0, 3.0, 4.0)
    net = st["network"]
    assert (net["confirmed_ties"], net["one_sided_ties"], net["density"]) == (1, 1, round(1 / (25 * 24 / 2), 4))
    assert net["reciprocity"] == 1.0  # claims between respondents only: A<->B (C's "never" is no tie)
    assert net["unconfirmed_data_ties"] > 0  # the bundled ties nobody named
    assert to_csv(st).splitlines()[1].startswith("koowes,Kielecko-Ostrowiecki") and json.loads(json.dumps(st)) == st

    # accept the one-sided tie C -> D: a sourced tie in the data; undo removes it
    editor = Editor(settings)
    done = accept(editor, load(path, "r1"), [("pup-starachowice", "ss-integracja")], who="Koordynatorka")
    triples, _ = read_triples(settings.edit_file)
    tie = ox.NamedNode(str(ESTIE) + "pup-starachowice-referral-ss-integracja")
    assert {str(t[0]) for t in done.added if str(t[0]).startswith(str(ESTIE))} == {tie.value}
    source = {t.object.value for t in triples if t.subject == tie and t.predicate.value.endswith("wasDerivedFrom")}
    assert len(source) == 1 and not done.empty
    titles = {t.object.value for t in triples if t.subject.value in source and t.predicate.value.endswith("title")}
    assert titles == {"Ankieta powiązań: runda r1"}
    assert next(t for t in status(load(path, "r1"), editor.context())["ties"] if t["from"] == "pup-starachowice")["in_data"]
    editor.undo(who="Koordynatorka")
    triples, _ = read_triples(settings.edit_file)
    assert not any(t.subject == tie for t in triples)
    # reject marks the claims, undo=True clears the mark
    assert reject(path, "r1", [("koowes", "mgops-wachock")], ctx) == 2
    assert next(t for t in status(load(path, "r1"), ctx)["ties"] if t["confirmed"])["rejected"]
    assert reject(path, "r1", [("koowes", "mgops-wachock")], ctx, undo=True) == 2
    # reopening turns the submission back into a draft
    reopen(path, "r1", A)
    assert status(load(path, "r1"), ctx)["responded"] == 2


def test_bad_answers_name_their_fields(survey):
    settings, ctx, path, tokens = survey
    with pytest.raises(EditError) as err:
        save_answer(
            path,
            "r1",
            A,
            AnswerInput("", "x", "not-an-email", (PartnerAnswer(A, (ADVICE,), "daily", 5, None),)),
            submit=True,
            known_orgs=ctx.organisations,
            tie_kinds=ctx.tie_kinds,
        )
    fields = {p.field for p in err.value.problems}
    assert fields == {"name", "email", "partner 1", "partner 1: frequency", "partner 1: value", "partner 1: trust"}
    assert load(path, "r1").responses == {}  # nothing written


def _answer_in_process(args):
    path, org, partner = args
    from graph.survey import AnswerInput, PartnerAnswer, save_answer

    known = {org: 1, partner: 1}
    save_answer(
        path,
        "r1",
        org,
        AnswerInput("X", "Y", "", (PartnerAnswer(partner, (), "regularly", 2, 2),)),
        submit=True,
        known_orgs=known,
        tie_kinds={},
    )
    return org


def test_concurrent_submissions_lose_nothing(survey):
    settings, ctx, path, tokens = survey
    orgs = sorted(tokens)  # the invited organisations
    threads = [
        threading.Thread(target=_save, args=(ctx, path, o, [PartnerAnswer(orgs[(i + 1) % len(orgs)], (), "regularly", 3, 3)]))
        for i, o in enumerate(orgs[:10])
    ]
    for t in threads:
        t.start()
    with ProcessPoolExecutor(2) as pool:
        done = list(pool.map(_answer_in_process, [(str(path), o, orgs[0]) for o in orgs[10:16]]))
    for t in threads:
        t.join()
    assert len(done) == 6
    assert sorted(load(path, "r1").responses) == orgs[:16]


def test_round_names_and_dates_are_checked(tmp_path):
    settings = data_copy(tmp_path)
    with pytest.raises(SurveyError, match="--round"):
        new_round(settings, "../x")
    with pytest.raises(SurveyError, match="--expires"):
        new_round(settings, "r2", expires="2001-01-01")
    with pytest.raises(SurveyError, match="--orgs"):
        new_round(settings, "r3", kinds=["nonsense"])
    ctx, path, data, tokens = new_round(settings, "r4", kinds=["ops"])
    assert len(tokens) == 4 and path.name == "entities.survey-r4.ttl"  # three OPS, and CUS (MOPS: dissolved by 2021-11-25)
    with pytest.raises(SurveyError, match="already exists"):
        new_round(settings, "r4")


LIFETIMES = (
    TURTLE_PREFIXES
    + """
eso:alive a org:Organization ; skos:prefLabel "GOPS Żywy"@pl ; org:classification esk:ops .
eso:gone a org:Organization ; skos:prefLabel "MOPS Rozwiązany"@pl ; org:classification esk:pup ;
    schema:dissolutionDate "2021-11-25"^^xsd:date ; es:dissolutionBound es:notLaterThan .
eso:later a org:Organization ; skos:prefLabel "OPS Później"@pl ; org:classification esk:ops ;
    schema:dissolutionDate "2026-06-02"^^xsd:date .
eso:year a org:Organization ; skos:prefLabel "OPS Rok"@pl ; org:classification esk:ops ;
    schema:dissolutionDate "2026"^^xsd:gYear .
eso:young a org:Organization ; skos:prefLabel "OPS Młody"@pl ; org:classification esk:ops ;
    schema:foundingDate "2026-07"^^xsd:gYearMonth ; es:foundingBound es:notLaterThan .
"""
)


def _invited(lifetimes, name, **kw):
    ctx, data_file = lifetimes
    path, data, tokens, left_out = create_round(data_file, name, ctx, **kw)
    local = lambda iris: sorted(i.rsplit("/", 1)[-1] for i in iris)  # noqa: E731
    return local(tokens), local(o.iri for o in left_out), data.round.as_of


@pytest.fixture
def lifetimes(tmp_path):
    path = tmp_path / "lifetimes.ttl"
    path.write_text(LIFETIMES, encoding="utf-8")
    return Context(open_store(Settings(data=(path,)))), path


def test_a_round_invites_the_organisations_that_exist_on_its_day(lifetimes):
    ctx, data_file = lifetimes
    # dissolved by 2021-11-25: no link; dissolved 2026-06-02: still there on 2026-06-01 and through 2026-06-02
    assert _invited(lifetimes, "a", as_of="2026-06-01") == (["alive", "later"], ["gone", "year", "young"], "2026-06-01")
    assert _invited(lifetimes, "b", as_of="2026-06-02")[0] == ["alive", "later"]
    assert _invited(lifetimes, "c", as_of="2026-06-03")[0] == ["alive"]
    # dissolved in 2026 (the year only): there through 2025-12-31, gone on 2026-01-01, as graph.dates.holds says
    assert [holds(None, None, "2026", None, d) for d in ("2025-12-31", "2026-01-01")] == [True, False]
    assert _invited(lifetimes, "d", as_of="2025-12-31")[0] == ["alive", "later", "year"]
    assert _invited(lifetimes, "e", as_of="2026-01-01")[0] == ["alive", "later"]
    # founded by July 2026 at the latest (the month only): counts from 2026-08-01
    assert _invited(lifetimes, "f", as_of="2026-07-31")[0] == ["alive"]
    assert _invited(lifetimes, "g", as_of="2026-08-01")[0] == ["alive", "young"]
    # without --as-of, the day the round is created (UTC); the round keeps no as-of day
    assert _invited(lifetimes, "h", now="2026-06-01T23:30:00Z") == (["alive", "later"], ["gone", "year", "young"], None)
    # a kind whose only organisation is gone: nothing to invite, said so
    with pytest.raises(SurveyError, match=r"--orgs: no organisation of the data to invite on 2026-06-01 \(1 did not exist then\)"):
        create_round(data_file, "i", ctx, as_of="2026-06-01", kinds=["pup"])
    assert _invited(lifetimes, "j", as_of="2021-11-25", kinds=["pup"])[0] == ["gone"]


TIES = """
estie:month a es:Tie ; es:tieKind est:funding ; es:tieFrom eso:alive ; es:tieTo eso:later ;
    es:startDate "2026-05"^^xsd:gYearMonth .
estie:old a es:Tie ; es:tieKind est:funding ; es:tieFrom eso:alive ; es:tieTo eso:gone ;
    es:startDate "2015-03-01"^^xsd:date .
estie:ended a es:Tie ; es:tieKind est:funding ; es:tieFrom eso:alive ; es:tieTo eso:year ;
    es:startDate "2020"^^xsd:gYear ; es:endDate "2025-12"^^xsd:gYearMonth .
"""


def test_the_status_compares_ties_in_force_on_the_rounds_day_by_the_one_date_rule(tmp_path):
    """A tie known to the month counts from the next month, a tie to an organisation gone
    on the day is not in force, and a round without an as-of day compares on the day it
    was created (as it invited then), not on every day ever."""
    from graph.survey.status import data_pairs, round_day

    path = tmp_path / "lifetimes.ttl"
    path.write_text(LIFETIMES + TIES, encoding="utf-8")
    ctx = Context(open_store(Settings(data=(path,))))
    pair = lambda *names: frozenset(str(ESO[n]) for n in names)  # noqa: E731
    # begun in May 2026 (the month only): not yet on 2026-05-15, in force from 2026-06-01
    assert pair("alive", "later") not in data_pairs(ctx, "2026-05-15")
    assert data_pairs(ctx, "2026-06-01") == {pair("alive", "later"): {str(EST["funding"])}}
    # the tie to the organisation dissolved by 2021-11-25 counts before, not after
    assert pair("alive", "gone") in data_pairs(ctx, "2021-11-24") and pair("alive", "gone") not in data_pairs(ctx, "2021-11-26")
    # ended in December 2025 (the month only): in force through November, not in December, as graph.dates.holds says
    assert [holds("2020", None, "2025-12", None, d) for d in ("2025-11-30", "2025-12-01")] == [True, False]
    assert pair("alive", "year") in data_pairs(ctx, "2025-11-30") and pair("alive", "year") not in data_pairs(ctx, "2025-12-01")
    _, data, _, _ = create_round(path, "r1", ctx, now="2026-05-20T10:00:00Z")
    assert data.round.as_of is None and round_day(data) == "2026-05-20"
    assert pair("alive", "later") not in data_pairs(ctx, round_day(data))  # the old rule counted every tie without an end


def test_cli_create_says_how_many_were_left_out(lifetimes, tmp_path, capsys):
    from graph.cli import main

    data = str(lifetimes[1])
    links = tmp_path / "links.csv"
    assert main(["survey", "create", "--round", "r1", "--as-of", "2026-06-01", "--data", data, "-o", str(links)]) == 0
    err = capsys.readouterr().err
    assert "round r1: 2 links written" in err and "3 organisations left out: dissolved or not yet founded on 2026-06-01" in err
    assert sorted(r["organisation"] for r in csv.DictReader(links.open(encoding="utf-8"))) == ["alive", "later"]
    assert main(["survey", "create", "--round", "r2", "--as-of", "2026-06-03", "--orgs", "ops", "--data", data, "-o", str(links)]) == 0
    assert "3 organisations left out" in capsys.readouterr().err  # later, year, young
    assert main(["survey", "create", "--round", "r3", "--as-of", "2026-06-01", "--orgs", "pup", "--data", data, "-o", str(links)]) == 2
    assert "no organisation of the data to invite on 2026-06-01" in capsys.readouterr().err


def test_cli_create_status_accept(tmp_path, capsys):
    from graph.cli import main

    settings = data_copy(tmp_path)
    data = str(settings.edit_file)
    links = tmp_path / "links.csv"
    base = [
        "survey",
        "create",
        "--round",
        "r1",
        "--orgs",
        "ops",
        "pup",
        "--expires",
        "2099-12-31",
        "--base-url",
        "https://ankieta.example.org/",
    ]
    capsys.readouterr()
    assert main([*base, "--data", data, "-o", str(links)]) == 0
    assert "1 organisation left out: dissolved or not yet founded on " in capsys.readouterr().err  # MOPS, today
    rows = list(csv.DictReader(links.open(encoding="utf-8")))
    assert len(rows) == 5 and list(rows[0]) == ["organisation", "label", "url"] and "mops-starachowice" not in str(rows)
    assert (links.stat().st_mode & 0o777) == 0o600 and (survey_file := tmp_path / "entities.survey-r1.ttl").stat().st_mode & 0o077 == 0
    pup = next(r for r in rows if r["organisation"] == "pup-starachowice")
    token = pup["url"].split("/survey?t=")[1]
    assert pup["url"].startswith("https://ankieta.example.org/survey?t=") and len(token) >= 43
    path, ctx = survey_file, Context(open_store(settings))
    # CUS, not MOPS: MOPS was dissolved by 2021-11-25 (S17) and the shapes refuse a tie dated after that
    _save(ctx, path, C, [PartnerAnswer("https://w3id.org/es-pl/id/org/cus-starachowice", (REFERRAL,), "regularly", 3, 2)])
    capsys.readouterr()
    assert main(["survey", "status", "--round", "r1", "--data", data, "--format", "json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert (st["invited"], st["responded"]) == (5, 1)
    want = {
        "from": "pup-starachowice",
        "to": "cus-starachowice",
        "kinds": ["referral"],
        "confirmed": False,
        "claimed_by": ["pup-starachowice"],
    }
    assert {k: st["ties"][0][k] for k in want} == want
    assert main(["survey", "status", "--round", "r1", "--data", data]) == 0
    md = capsys.readouterr().out
    assert "Zaproszone: 5; odpowiedziały: 1 (20%)" in md and "Powiązania potwierdzone: 0; jednostronne: 1" in md
    assert "| ośrodek pomocy społecznej | 4 | 0 | 0% |" in md
    assert main(["survey", "accept", "--round", "r1", "--tie", "pup-starachowice", "cus-starachowice", "--user", "K", "--data", data]) == 0
    assert "accepted 1 ties" in capsys.readouterr().out
    assert main(["survey", "status", "--round", "r1", "--data", data, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith(",false,pup-starachowice,true,false")
    assert main(["survey", "close", "--round", "r1", "--data", data]) == 0
    assert main(["survey", "status", "--round", "r9", "--data", data]) == 2


def test_network_overlays_draw_confirmed_one_sided_and_unconfirmed_apart(survey):
    from graph.analysis.projection import to_networkx
    from graph.survey import survey_overlays
    from graph.viz.build import build_network

    settings, ctx, path, tokens = survey
    _save(ctx, path, A, [PartnerAnswer(B, (ADVICE,), "regularly", 4, 3)])
    _save(ctx, path, B, [PartnerAnswer(A, (ADVICE,), "regularly", 3, 3)])
    _save(ctx, path, C, [PartnerAnswer(D, (REFERRAL,), "occasionally", 2, 2)])
    store = open_store(settings)
    overlays = survey_overlays(settings.edit_file, "r1", store)
    kinds = {(o.source, o.target): o.kind for o in overlays}
    assert kinds[(A, B)] == "confirmed" and kinds[(C, D)] == "one_sided"
    assert sum(k == "unconfirmed" for k in kinds.values()) == status(load(path, "r1"), ctx)["network"]["unconfirmed_data_ties"]
    view = build_network(to_networkx(store), overlays=overlays)
    dashes = {e["id"].split(":")[1]: e["dashes"] for e in view.net.edges if str(e["id"]).startswith("overlay:")}
    assert dashes["confirmed"] is False and dashes["one_sided"] == [10, 6] and dashes["unconfirmed"] == [2, 5]
    legend = {i.label: i.shape for i in view.legend["overlays"]} if "overlays" in view.legend else {}
    assert legend.get("survey: confirmed by both") == "line" and legend.get("survey: named by one side") == "dashed"


def test_survey_network_file_runs_the_analyses_alone_and_with_the_data(survey, tmp_path, capsys):
    from graph.cli import main

    settings, ctx, path, tokens = survey
    # KOOWES and PUP confirm; B names D alone (a one-sided tie, not written)
    _save(ctx, path, A, [PartnerAnswer(C, (ADVICE,), "regularly", 4, 3)])
    _save(ctx, path, C, [PartnerAnswer(A, (ADVICE, REFERRAL), "regularly", 3, 3)])
    _save(ctx, path, B, [PartnerAnswer(D, (REFERRAL,), "occasionally", 2, 2)])
    out = tmp_path / "r1-confirmed.ttl"
    assert main(["survey", "network", "--round", "r1", "--data", str(settings.edit_file), "-o", str(out)]) == 0
    assert "2 ties written" in capsys.readouterr().err  # advice and referral of the confirmed pair; the one-sided tie is not
    alone = open_store(Settings(data=(out,)))
    both = open_store(Settings(data=(settings.edit_file, out)))
    n = lambda s: len(Context(s).ties)  # noqa: E731
    assert (n(alone), n(both)) == (2, n(open_store(settings)) + 2)
    assert len(Context(alone).organisations) == 25  # every invited organisation, tie or not (not MOPS, dissolved)
    assert main(["validate", "--data", str(out)]) == 0  # sourced to the round, with the plain triples: a valid data file


def test_a_proposed_organisation_is_accepted_with_a_source_or_rejected(survey):
    from graph.survey import accept_proposal, reject_proposal

    settings, ctx, path, tokens = survey
    _save(ctx, path, C, [], proposals=[ProposalInput("Fundacja Nowa Droga", "2611011", str(ESK.foundation)), ProposalInput("=cmd", "", "")])
    editor = Editor(settings)
    accept_proposal(editor, load(path, "r1"), "pup-starachowice", 1, who="K")
    assert [o.label for o in editor.context().find_org("Fundacja Nowa Droga")] == ["Fundacja Nowa Droga"]
    with pytest.raises(EditError):  # no kind, no gmina: the editing path refuses, naming the fields
        accept_proposal(editor, load(path, "r1"), "pup-starachowice", 2, who="K")
    reject_proposal(path, "r1", "pup-starachowice", 2, ctx)
    assert [p["rejected"] for p in status(load(path, "r1"), ctx)["proposed"]] == [False, True]
    editor.undo(who="K")
    assert editor.context().find_org("Fundacja Nowa Droga") == []
