"""Time: dates, the store as of a date, and the change report between two dates."""

from __future__ import annotations

import datetime as dt

import pytest
from analysis_support import AGREEMENT, ORG, TERC, member, org, store_of, tie

from graph.analysis import InvalidDate, diff_report, parse_date, render_csv, render_json, render_markdown, snapshot_store, to_networkx

DATA = (
    AGREEMENT
    + org("owes", "owes", "2661011")
    + org("ss", "social_cooperative")
    + org("ops", "ops")
    + org("late", "ops", "2611022")
    + tie("owes", "funding", "ss", start="2017-07-13", end="2018-12-31")
    + tie("owes", "advice", "ss", start="2017-01-01", end=None, name="adv")
    + tie("ops", "contracting", "ss", start="2019-03-01")
    + "eso:owes es:funds eso:ss .\neso:ops es:contracts eso:ss .\n"
    + member("ops", start="2017-01-20")
    + member("late", start="2019-05-05")
    + member("owes", start="2017-01-20", end="2018-06-30")
)


@pytest.mark.parametrize(
    "text, want",
    [
        ("2017-01-20", dt.date(2017, 1, 20)),
        (" 2020-02-29 ", dt.date(2020, 2, 29)),
        (dt.date(2019, 1, 1), dt.date(2019, 1, 1)),
        (None, None),
    ],
)
def test_parse_date(text, want):
    assert parse_date(text) == want


def test_parse_today():
    assert parse_date("today") == dt.date.today()


@pytest.mark.parametrize("text", ["2017-02-30", "2017-1-1", "20170101", "", "yesterday", "2017-01-20T10:00", "<script>"])
def test_parse_bad_date(text):
    with pytest.raises(InvalidDate, match="not a date") as err:
        parse_date(text, field="--as-of")
    assert str(err.value).startswith("--as-of: ")


def test_snapshot_store_leaves_out_ties_and_memberships_not_valid():
    store = store_of(DATA)
    snap = snapshot_store(store, "2018-06-01")
    ask = "ASK { ?t es:tieKind est:contracting }"
    assert store.query(ask).boolean and not snap.query(ask).boolean  # contracting starts in 2019
    assert snap.query("ASK { eso:owes es:funds eso:ss }").boolean  # funding valid then
    assert not snap.query("ASK { eso:ops es:contracts eso:ss }").boolean  # plain triple of a left-out tie goes too
    later = snapshot_store(store, "2019-06-01")
    assert not later.query("ASK { eso:owes es:funds eso:ss }").boolean  # funding ended 2018-12-31
    assert not later.query("ASK { esm:agr-owes ?p ?o }").boolean  # membership ended 2018-06-30
    assert later.query("ASK { esm:agr-late ?p ?o }").boolean
    assert snapshot_store(store, None) is store
    assert len(store) > len(later)  # the store itself is unchanged
    assert store.query("ASK { eso:owes es:funds eso:ss }").boolean


def test_snapshot_keeps_a_plain_triple_another_valid_tie_stands_for():
    ttl = AGREEMENT + org("a", "owes") + org("b", "cis") + tie("a", "funding", "b", end="2017-06-30", name="old")
    ttl += tie("a", "funding", "b", start="2017-07-01", name="new") + "eso:a es:funds eso:b .\n"
    snap = snapshot_store(store_of(ttl), "2018-01-01")
    assert snap.query("ASK { eso:a es:funds eso:b }").boolean
    assert not snap.query("ASK { estie:old ?p ?o }").boolean


def test_projection_and_snapshot_agree():
    store = store_of(DATA)
    for day in ("2017-03-01", "2018-06-30", "2019-01-01", "2020-01-01"):
        a = to_networkx(store, as_of=day, include_memberships=True)
        b = to_networkx(snapshot_store(store, day), include_memberships=True)
        assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True)), day


def test_diff_report():
    d = diff_report(store_of(DATA), "2018-01-01", "2019-06-30")
    assert (d.date1, d.date2) == ("2018-01-01", "2019-06-30")
    assert [f.resources[0].iri for f in d.of("joined")] == [ORG + "late"]
    assert [f.resources[0].iri for f in d.of("left")] == [ORG + "owes"]
    new = d.of("tie-new")
    assert [f.basis[0] for f in new] == ["https://w3id.org/es-pl/id/tie/ops-contracting-ss"]
    assert "od 2019-03-01" in new[0].text_pl and "since 2019-03-01" in new[0].text_en
    assert [f.basis[0] for f in d.of("tie-ended")] == ["https://w3id.org/es-pl/id/tie/owes-funding-ss"]
    assert d.of("coverage-change") == ()  # the OWES advice holds throughout; organisations have no dates
    resolved = {(f.value("rule"), f.resources[0].iri) for f in d.of("gap-resolved")}
    assert ("ops-works-with-pes", ORG + "ops") in resolved  # contracting from 2019 closes the gap
    new_gaps = {(f.value("rule"), f.resources[0].iri) for f in d.of("gap-new")}
    assert ("signatory-has-tie", ORG + "late") in new_gaps  # joined without a working tie
    for f in d.findings:
        assert f.category == "change" and f.resources and f.text_pl and f.text_en


def test_diff_coverage_and_brokers():
    ttl = AGREEMENT + org("pup", "pup") + org("ss", "social_cooperative") + org("ops", "ops") + org("g", "gmina")
    ttl += (
        tie("pup", "referral", "ss", start="2019-01-01")
        + tie("ops", "contracting", "ss", start="2019-01-01")
        + tie("g", "funding", "ops", start="2019-01-01")
    )
    d = diff_report(store_of(ttl), "2018-01-01", "2020-01-01", top=3)
    cells = {(f.resources[0].iri, f.value("column")): (f.value("before"), f.value("after")) for f in d.of("coverage-change")}
    assert cells[(TERC + "2611011", "pup_tie")] == (0, 1)
    assert list(d.coverage.columns) == ["gmina", "label", "column", "before", "after"]
    assert {f.resources[0].iri for f in d.of("broker-in")} == {ORG + "ss", ORG + "ops"}
    assert d.brokers["2018-01-01"] == []


def test_diff_rendering():
    d = diff_report(store_of(DATA), "2018-01-01", "2019-06-30")
    md = render_markdown(d, lang="pl")
    assert md.startswith("# Zmiany w sieci: 2018-01-01 → 2019-06-30") and "## Dołączyli (1)" in md and "## Nowe powiązania (1)" in md
    assert "## Joined (1)" in render_markdown(d, lang="en")
    assert render_csv(d).count("\n") == len(d.findings) + 1
    assert '"date2": "2019-06-30"' in render_json(d)


def test_diff_same_date_is_empty():
    d = diff_report(store_of(DATA), "2019-01-01", "2019-01-01")
    assert d.findings == () and "Bez zmian." in render_markdown(d)


@pytest.mark.parametrize(
    "d1, d2, words", [("2019-01-01", "2018-01-01", "after"), ("2019-13-01", "2020-01-01", "DATE1"), ("2019-01-01", "soon", "DATE2")]
)
def test_diff_bad_dates(d1, d2, words):
    with pytest.raises(InvalidDate, match=words):
        diff_report(store_of(DATA), d1, d2)
