"""Streamlit AppTest for every dashboard page: they render, filters change what is
counted, search finds with and without diacritics, the language switch changes
the labels, a broken data file gives an error page with its place."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.navigation.page import calc_hash
from streamlit.testing.v1 import AppTest

from graph.wording import count

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
ORG = "https://w3id.org/es-pl/id/org/"
MY_PAGES = ("overview", "network", "gaps", "profile", "meeting", "export")


def _app(monkeypatch, data: str | None = None) -> AppTest:
    monkeypatch.setenv("GRAPH_DATA", data or "")
    return AppTest.from_file(APP, default_timeout=60)


def _open(at: AppTest, page: str, **query) -> AppTest:
    """Run the app on ``page`` (a url path of ui.pages.PAGES)."""
    for key, value in query.items():
        at.query_params[key] = value
    if not at._tree:  # noqa: SLF001 - AppTest needs one run before switching pages
        at.run()
    at._page_hash = calc_hash(page)  # noqa: SLF001 - function pages have no file to switch_page to
    return at.run()


def _texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def _count_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Widoczne") or m.value.startswith("**In view"))


@pytest.mark.parametrize("page", MY_PAGES)
def test_every_page_renders(monkeypatch, page):
    at = _open(_app(monkeypatch), page)
    assert not at.exception, at.exception
    assert at.title, "each page has a title"
    assert "⟦" not in _texts(at), "a UI string is missing from the catalogue"


def test_sidebar_names_the_bundled_data(monkeypatch):
    at = _app(monkeypatch).run()
    sidebar = [t.value for t in at.sidebar.text]
    assert any("Dane wbudowane" in s for s in sidebar)
    assert any("29 organizacji" in s for s in sidebar)
    assert not any("SYNTETYCZNE" in w.value for w in at.warning), "the bundled data is real: no synthetic banner"


def test_filters_change_counts(monkeypatch):
    at = _open(_app(monkeypatch), "network")
    assert "29 organizacji" in _count_line(at)
    at.multiselect(key="net_kinds").set_value(["gmina"]).run()
    assert "5 organizacji" in _count_line(at)
    at.multiselect(key="net_kinds").set_value([]).run()
    at.multiselect(key="net_sectors").set_value(["social_economy"]).run()
    assert "10 organizacji" in _count_line(at)  # 9, and Fundacja ARR (S18, S19)
    at.multiselect(key="net_gminas").set_value(["2611053"]).run()  # Wąchock: no social-economy entity
    assert "0 organizacji" in _count_line(at)


def test_tie_kind_and_as_of_filters_change_ties(monkeypatch):
    at = _open(_app(monkeypatch), "network")
    ties_all = _count_line(at)
    at.multiselect(key="net_tie_kinds").set_value(["funding"]).run()
    # 3 funding ties (KOOWES x2, the voivodeship's 2023 grant to PZAZ, S16) + 13 ties to the agreement drawn by
    # default (10 signatories; ROPS as initiator and supporter, KOOWES as supporter: shown, not members)
    assert _count_line(at).endswith("linii: 16**")
    at.checkbox(key="net_memberships").uncheck().run()
    assert _count_line(at).endswith("linii: 3**")
    at.multiselect(key="net_tie_kinds").set_value([]).run()
    at.toggle(key="net_as_of_on").set_value(True).run()
    at.select_slider(key="net_as_of").set_value(at.select_slider(key="net_as_of").options[0]).run()
    assert _count_line(at) != ties_all


@pytest.mark.parametrize("query", ["Wąchock", "Wachock", "wachock"])
def test_search_with_and_without_diacritics(monkeypatch, query):
    at = _open(_app(monkeypatch), "network")
    at.text_input(key="net_search").set_value(query).run()
    options = at.selectbox(key="net_focus").options
    assert any(o.startswith("Gmina Wąchock") for o in options), options
    assert any("Znaleziono: 2 wyniki" in c.value for c in at.caption)  # 2 wyniki, not "2 wyników"


def test_focus_narrows_the_view(monkeypatch):
    at = _open(_app(monkeypatch), "network")
    at.text_input(key="net_search").set_value("Wachock").run()
    label = next(o for o in at.selectbox(key="net_focus").options if o.startswith("Miejsko-Gminny"))
    at.selectbox(key="net_focus").set_value(ORG + "mgops-wachock").run()
    assert label and "Widoczne: " in _count_line(at)
    assert int(_count_line(at).split("Widoczne: ")[1].split(" ")[0]) < 29


def test_language_switch_changes_labels(monkeypatch):
    at = _open(_app(monkeypatch), "network")
    assert at.title[0].value == "Sieć współpracy"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Cooperation network"
    assert at.multiselect(key="net_kinds").label == "Kind of organisation"
    assert "In view: 29 organisations" in _count_line(at)


def test_profile_page_shows_ties_and_people(monkeypatch):
    at = _open(_app(monkeypatch), "profile", org=ORG + "powiat-starachowicki")
    assert at.header[0].value == "Powiat Starachowicki"
    texts = _texts(at)
    assert "Osoby i stanowiska" in texts and "Powiązania" in texts
    frames = [d.value for d in at.dataframe]
    assert any("Dariusz Dąbrowski" in f.to_string() for f in frames)
    assert any("Spółdzielnia Socjalna „Starachowiczanka”" in f.to_string() for f in frames)


def test_profile_search_without_diacritics(monkeypatch):
    at = _open(_app(monkeypatch), "profile")
    at.text_input(key="profile_search").set_value("pawlow gops").run()
    assert at.selectbox(key="profile_pick").options[0].startswith("Gminny Ośrodek Pomocy Społecznej w Pawłowie")


def test_overview_counts_and_timeline(monkeypatch):
    at = _open(_app(monkeypatch), "overview")
    metrics = {m.label: m.value for m in at.metric}
    # 10 members: the signatories (5 gminy, the powiat, PUP, 3 unnamed groups); ROPS and KOOWES are not members
    assert metrics["Organizacje"] == "29" and metrics["Członkowie porozumienia"] == "10"
    assert any("Gmina Wąchock" in d.value.to_string() for d in at.dataframe)
    shown = [m.value for m in at.markdown if "nie są członkami" in m.value]
    assert shown and "Ośrodek Wsparcia Ekonomii Społecznej \\(podmiot wspierający\\)" in shown[0]  # markdown-escaped
    assert any("najpóźniej od 2017-01-20" in d.value.to_string() for d in at.dataframe)


def test_gaps_what_if(monkeypatch):
    at = _open(_app(monkeypatch), "gaps")
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Spójne części"]) > 1
    at.multiselect(key="gaps_remove").set_value([]).run()
    assert not at.metric


def test_meeting_steps(monkeypatch):
    at = _open(_app(monkeypatch), "meeting")
    titles = [at.title[0].value]
    for _ in range(4):
        at.button(key="meeting_next").click().run()
        titles.append(at.title[0].value)
    at.button(key="meeting_back").click().run()
    at.button(key="meeting_back").click().run()
    at.button(key="meeting_back").click().run()
    at.button(key="meeting_back").click().run()
    assert any("nie są członkami" in c.value and "inicjator" in c.value for c in at.caption)
    for _ in range(4):
        at.button(key="meeting_next").click().run()
    assert titles == [
        "Kto podpisał porozumienie",
        "Kto dołączył później",
        "Sieć współpracy dziś",
        "Luki według gmin",
        "Pojedyncze punkty awarii",
    ]
    assert at.button(key="meeting_next").disabled
    at.button(key="meeting_back").click().run()
    assert at.title[0].value == "Luki według gmin"


def test_export_offers_offline_html(monkeypatch):
    at = _open(_app(monkeypatch), "export")
    assert not at.exception
    assert "cała sieć, bez filtrów" in _texts(at)
    # network data in each format (their content: tests/test_export.py)
    assert at.selectbox(key="export_data_format").options == ["GEXF 1.3 (Gephi)", "GraphML (yEd, igraph, Cytoscape)",
                                                              "Cytoscape.js JSON (.cyjs: Cytoscape, strony WWW)", "JSON node-link (networkx, Python)"]  # fmt: skip
    files = set()
    for fmt in ("gexf", "graphml", "cytoscape", "node-link"):
        at.selectbox(key="export_data_format").set_value(fmt).run()
        assert not at.exception, fmt
        files.add(next(b.proto.url for b in at.get("download_button") if b.label == "Pobierz plik"))
    assert len(files) == 4, "each format gives its own file"


def test_broken_data_file_shows_the_place(monkeypatch, tmp_path):
    bad = tmp_path / "zepsute.ttl"
    bad.write_text('@prefix eso: <https://w3id.org/es-pl/id/org/> .\neso:a eso:b "bez kropki"\neso:c eso:d eso:e .\n', encoding="utf-8")
    for page in ("overview", "network"):
        at = _open(_app(monkeypatch, str(bad)), page)
        assert not at.exception, "an error page, not a traceback"
        assert at.title[0].value == "Nie można wczytać danych"
        texts = _texts(at)
        assert "zepsute.ttl" in texts and "Wiersz: 3" in texts
        assert at.code, "the problem is shown as text"


def test_changed_data_file_is_reloaded(monkeypatch, tmp_path):
    """The store is cached per process and keyed by the files' size and mtime."""
    import os

    from tests.conftest import TINY

    path = tmp_path / "tiny.ttl"
    path.write_text(TINY, encoding="utf-8")
    at = _open(_app(monkeypatch, str(path)), "network")
    assert "3 organizacje" in _count_line(at)  # Polish plural: 3 organizacje
    extra = '\neso:d a org:Organization ; skos:prefLabel "Nowa"@pl ; org:classification esk:cis ; schema:location terc:2611011 ; prov:wasDerivedFrom essrc:doc .\n'
    path.write_text(TINY + extra, encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    at.run()
    assert "4 organizacje" in _count_line(at)


def test_missing_data_file(monkeypatch, tmp_path):
    at = _open(_app(monkeypatch, str(tmp_path / "nie-ma.ttl")), "overview")
    assert not at.exception
    assert "file not found" in "\n".join(c.value for c in at.code)


def test_synthetic_data_is_marked(monkeypatch, tmp_path):
    from graph.synthetic import write_synthetic

    path = tmp_path / "county.ttl"
    write_synthetic("county", seed=1, out=path)
    at = _open(_app(monkeypatch, str(path)), "overview")
    assert not at.exception
    assert any("DANE SYNTETYCZNE" in w.value for w in at.warning)
    assert any("badge[" in m.value and "SYNTETYCZNE" in m.value for m in at.sidebar.markdown), "a badge in the sidebar"
    # the network view carries the banner too (drawn inside the page, for exports)
    net = _open(at, "network")
    assert "DANE SYNTETYCZNE" in net.get("iframe")[0].proto.srcdoc


def test_large_data_is_grouped_with_drill_down(monkeypatch, tmp_path_factory):
    from graph.synthetic import write_synthetic

    monkeypatch.setattr("graph.warm_up.WARM_UP_OVER", 10**9)  # no background answers in the test process
    path = tmp_path_factory.mktemp("voiv") / "voivodeship.ttl"
    write_synthetic("voivodeship", seed=1, out=path)
    at = _open(_app(monkeypatch, str(path)), "network")
    assert not at.exception
    assert any("grup" in i.value for i in at.info), "grouped past 300 organisations"
    line = _count_line(at)
    assert "węzłów na rysunku: 102" in line  # one per gmina of the voivodeship
    pick = at.selectbox(key="net_drill_pick")
    first = pick.options[1]  # "Kielce (163)", the largest
    size = int(first.rsplit("(", 1)[1].rstrip(")"))
    at.selectbox(key="net_drill_pick").select_index(1).run()
    at.button(key="net_drill_go").click().run()
    assert f"Widoczne: {count(size, 'organisation')}" in _count_line(at)
    assert not any("grup" in i.value for i in at.info)
    # the breadcrumb: the voivodeship and the powiat above the open gmina; the voivodeship opens by powiat
    assert [b.key for b in at.button if b.key.startswith("net_crumb_")] == ["net_crumb_26", "net_crumb_2661"]
    at.button(key="net_crumb_26").click().run()
    assert "węzłów na rysunku: 14" in _count_line(at)  # its 14 powiaty
    assert any("powiat" in i.value for i in at.info)
    inside = at.selectbox(key="net_drill_pick_26")  # the voivodeship's own picker, on "(choose a group)": not the gmina's
    assert inside.value is None and inside.format_func(inside.value) == "(wybierz grupę)" and len(inside.options) == 15  # pick of before
    at.button(key="net_drill_up").click().run()
    assert "węzłów na rysunku: 102" in _count_line(at)
    # the overview lists its 14 agreements in one table and the members of the one picked
    over = _open(_app(monkeypatch, str(path)), "overview")
    assert not over.exception
    assert "W danych: 14 porozumień." in _texts(over)
    picked = over.selectbox(key="overview_agreement")
    assert len(picked.options) == 14
    assert [s.value.replace("\\", "") for s in over.subheader] == [picked.format_func(picked.value)]  # one members table, of the one picked


@pytest.fixture
def fake_report(monkeypatch):
    """A known GapReport (independent of the findings the data yields), through the graph.analysis facade the workspace calls."""
    import pandas as pd
    import streamlit as st

    import graph.analysis as analysis
    from graph.analysis.findings import Finding, Resource, Suggestion

    wachock = Resource(ORG + "gmina-wachock", "Gmina Wąchock", "Gmina Wąchock")
    owes = Resource(ORG + "koowes", "Kielecko-Ostrowiecki OWES", "KO OWES")
    mgops = Resource(ORG + "mgops-wachock", "MGOPS w Wąchocku", "MGOPS Wąchock")
    report = analysis.GapReport(
        as_of=None,
        coverage=pd.DataFrame({"ops": [1], "pes": [0]}, index=pd.Index(["Wąchock"], name="gmina")),
        findings=(
            Finding(
                "expectation",
                "gmina-has-pes",
                "warning",
                (wachock, owes),
                "Wąchock: brak PES i wsparcia OWES",
                "Wąchock: no PES and no OWES support",
            ),
        ),
        structure=analysis.Structure((), (), (owes,), (), (12, 1), ()),
        suggestions=(
            Suggestion(
                "suggestion",
                "pes-ops",
                "info",
                (mgops, owes),
                "MGOPS może współpracować z OWES",
                "MGOPS could work with the OWES",
                score=0.75,
                rule="pes-ops",
            ),
        ),
    )
    monkeypatch.setattr(analysis, "gap_report", lambda store, **kw: report)
    found = analysis.GapFindings(None, report.coverage, report.findings, report.findings, report.absences, frozenset())
    monkeypatch.setattr(analysis, "gap_findings", lambda store, **kw: found)  # the overview's findings alone
    monkeypatch.setattr(analysis, "render_markdown", lambda rep, lang="pl", **kw: "# Luki\n")
    monkeypatch.setattr(analysis, "render_csv", lambda rep, lang="pl", **kw: "severity,text\n")
    st.cache_resource.clear()
    yield report
    st.cache_resource.clear()


def test_gaps_page_with_a_report(monkeypatch, fake_report):
    at = _open(_app(monkeypatch), "gaps")
    assert not at.exception, at.exception
    # findings in full, grouped by rule and kind, the organisations linked to their profiles
    texts = _texts(at).replace("\\", "")
    assert "- Wąchock: brak PES i wsparcia OWES" in texts
    assert "[Gmina Wąchock](./profile?org=https%3A%2F%2Fw3id.org%2Fes-pl%2Fid%2Forg%2Fgmina-wachock&lang=pl)" in texts
    heads = [e.label.replace("\\", "") for e in at.expander]
    assert any(h.startswith("⚠️ ostrzeżenie · luka we współpracy · gmina-has-pes (1 ustalenie)") for h in heads), heads
    assert "MGOPS może współpracować z OWES" in texts
    assert any(h.startswith("ℹ️ informacja · sugerowane powiązanie · PES i ośrodek pomocy społecznej") for h in heads), heads
    # the kind filter: only suggestions
    at.multiselect(key="gaps_f_kind").set_value(["suggestion"]).run()
    texts = _texts(at).replace("\\", "")
    assert "brak PES i wsparcia OWES" not in texts and "MGOPS może współpracować z OWES" in texts
    assert [b.label for b in at.get("download_button")] == [
        "Raport (Markdown)",
        "Ustalenia (CSV)",
        "Raport na spotkanie (PDF)",
        "Raport na spotkanie (HTML)",
    ]
    # the same finding on the profile and the overview
    prof = _open(_app(monkeypatch), "profile", org=ORG + "gmina-wachock")
    assert "brak PES i wsparcia OWES" in _texts(prof)
    over = _open(_app(monkeypatch), "overview")
    assert "brak PES i wsparcia OWES" in _texts(over)
    # and on the network, as dashed overlays
    net = _open(_app(monkeypatch), "network")
    net.checkbox(key="net_suggested").check().run()
    import json
    import re

    html = net.get("iframe")[0].proto.srcdoc
    data = json.loads(re.search(r'id="graph-data">(.*?)</script>', html, re.S).group(1))
    dashed = sorted((e["from"].rsplit("/", 1)[1], e["to"].rsplit("/", 1)[1]) for e in data["edges"] if e.get("dashes"))
    assert dashed == [("gmina-wachock", "koowes"), ("mgops-wachock", "koowes")]  # missing and suggested
    koowes = next(n for n in data["nodes"] if n["id"] == ORG + "koowes")
    assert koowes["borderWidth"] == 5, "the single point of failure is ringed"


def test_no_raw_html_in_the_ui():
    """SECURITY T6: no unsafe_allow_html, no deprecated components.html, pyvis only in graph/viz."""
    sources = {p: p.read_text(encoding="utf-8") for p in [ROOT / "app.py", *(ROOT / "ui").rglob("*.py")]}
    for path, text in sources.items():
        assert "unsafe_allow_html=True" not in text, path
        assert "components.html" not in text and "unsafe_allow_javascript=True" not in text, path
        assert "import pyvis" not in text and "from pyvis" not in text, path
    outside_viz = [p for p in (ROOT / "graph").rglob("*.py") if "viz" not in p.parts and "from pyvis" in p.read_text(encoding="utf-8")]
    assert not outside_viz


def test_gaps_coverage_has_readable_headings(monkeypatch):
    at = _open(_app(monkeypatch), "gaps")
    frame = next(df.value for df in at.dataframe if "Gmina" in df.value.columns)
    assert list(frame["Gmina"]) == ["Brody", "Mirzec", "Pawłów", "Starachowice", "Wąchock"]
    assert "PES: spółdzielnia socjalna" in frame.columns and "powiat" not in frame.columns
    # a 0 beside the unnamed PES signatories reads "0 + grupa, liczba nieznana" (the data has a group, number unknown)
    assert frame.set_index("Gmina").loc["Mirzec", "PES (razem)"] == "0 + grupa, liczba nieznana"
    # every date: MOPS and its successor CUS (S17) are both counted; as of one date only one exists
    assert frame.set_index("Gmina").loc["Starachowice", "OPS"] == "2" and "Powiat" in frame.columns


def test_verified_absence_on_the_gaps_page_and_the_profile(monkeypatch, tmp_path):
    import streamlit as st

    from graph.settings import DATA_DIR

    absences = tmp_path / "absences.ttl"
    absences.write_text(
        "@prefix es: <https://w3id.org/es-pl/def#> . @prefix esk: <https://w3id.org/es-pl/kind/> .\n"
        "@prefix dcterms: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "<https://w3id.org/es-pl/id/absence/pawlow-pes> a es:VerifiedAbsence ;"
        " es:absenceAt <https://w3id.org/es-pl/id/terc/2611042> ; es:absentKind esk:pes ;"
        ' es:checkedOn "2024-03-01"^^xsd:date ; es:checkedBy "Jan Kowalski" ; dcterms:source "rozmowa z GOPS" .\n',
        encoding="utf-8",
    )
    st.cache_resource.clear()
    data = f"{DATA_DIR / 'entities.ttl'}:{absences}"
    at = _open(_app(monkeypatch, data), "gaps")
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "Ustalenie" in d.value.columns and "sprawdzono" in d.value.to_string())
    assert "stan na 2024-03-01" in table.to_string() and "Jan Kowalski" in table.to_string()
    heads = " ".join(e.label.replace("\\", "") for e in at.expander)
    assert "luka w danych – uzupełnij dane" in heads and "luka we współpracy" in heads
    # the gmina filter keeps the findings about Pawłów and its organisations
    at.multiselect(key="gaps_f_gmina").set_value(["2611042"]).run()
    texts = _texts(at).replace("\\", "")
    assert "Pawłów" in texts and "Mirzec" not in texts
    prof = _open(_app(monkeypatch, data), "profile", org=ORG + "gops-pawlow")
    texts = _texts(prof)
    assert "Sprawdzone braki (tej organizacji i jej gminy)" in texts and "stan na 2024\\-03\\-01" in texts
    assert "sugerowane powiązanie · Gminny Ośrodek Pomocy Społecznej w Pawłowie → " in texts
    st.cache_resource.clear()


def test_network_table_is_the_picture_as_text(monkeypatch):
    """The text alternative lists exactly the drawn nodes and lines, under the same filters."""
    import re

    at = _open(_app(monkeypatch), "network")

    def tables():
        frames = [d.value for d in at.dataframe]
        orgs = next(f for f in frames if "Partnerzy na rysunku" in f.columns)
        ties = next(f for f in frames if "Powiązanie" in f.columns)
        nodes, lines = map(int, re.search(r"rysunku: (\d+) · linii: (\d+)", _count_line(at)).groups())
        return orgs, ties, nodes, lines

    orgs, ties, nodes, lines = tables()
    assert len(orgs) == nodes and len(ties) == lines
    assert "Gmina Wąchock" in set(orgs["Nazwa"])
    signed = ties[(ties["Partner"].str.startswith("Porozumienie")) & (ties["Powiązanie"] == "członek porozumienia")]
    assert "Gmina Wąchock" in set(signed["Organizacja"])
    at.multiselect(key="net_kinds").set_value(["gmina"]).run()
    orgs, ties, nodes, lines = tables()
    assert len(orgs) == nodes and {"Gmina Brody", "Gmina Wąchock"} <= set(orgs["Nazwa"])
    assert "Powiatowy Urząd Pracy w Starachowicach" not in set(orgs["Nazwa"])


def test_large_data_overview_is_drawn_before_its_findings(monkeypatch, tmp_path):
    """Past LOCAL_ANALYSIS_OVER organisations the overview does not wait for the findings:
    it says they are being computed, and shows them once they are."""
    import shutil
    import threading

    import graph.analysis as analysis
    from graph.settings import DEFAULT_DATA

    monkeypatch.setattr("ui.pages.overview.LOCAL_ANALYSIS_OVER", 0)  # the bundled data counts as large
    release, real = threading.Event(), analysis.gap_findings
    monkeypatch.setattr(analysis, "gap_findings", lambda *a, **kw: release.wait(60) and real(*a, **kw))  # still computing
    path = tmp_path / "entities.ttl"
    shutil.copy(DEFAULT_DATA[0], path)  # a data version of its own: nothing in the memo yet
    at = _open(_app(monkeypatch, str(path)), "overview")
    assert not at.exception
    texts = _texts(at)
    assert "Przegląd partnerstwa" in texts and "luki pojawią się tu same" in texts
    assert "luka w" not in texts  # no headline gap yet
    release.set()
    for thread in threading.enumerate():
        if thread.name.startswith("ahead ('findings'"):
            thread.join(60)
    at.run()
    texts = _texts(at)
    assert "luki pojawią się tu same" not in texts and ("luka we współpracy" in texts or "luka w danych" in texts)


def test_on_large_data_the_gaps_page_draws_only_the_open_tab(monkeypatch):
    import graph.warm_up

    monkeypatch.setattr(graph.warm_up, "WARM_UP_OVER", 0)  # the bundled data counts as large
    at = _open(_app(monkeypatch), "gaps")
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Macierz pokrycia: gmina × oczekiwany partner"]  # the coverage tab alone
    assert not at.expander  # no findings list drawn in a tab nobody opened
    at.session_state["gaps_tab"] = at.tabs[1].label
    at.run()
    assert not at.exception
    assert [s.value for s in at.subheader][:1] == ["Ustalenia (oczekiwania i pokrycie)"] and at.expander  # now the findings, and only them


def test_on_large_data_the_gaps_coverage_is_drawn_from_the_network_alone(monkeypatch, tmp_path):
    """The first tab waits neither for the expectations nor for the measures and suggestions (seconds more on
    national data): its matrix is the report's, computed from the network."""
    import shutil

    import graph.warm_up
    from graph import analysis
    from graph.analysis.coverage import coverage_view
    from graph.settings import DEFAULT_DATA, Settings
    from graph.workspace import Workspace

    def refused(what):
        def run(*args, **kwargs):
            raise RuntimeError(f"{what} was computed")

        return run

    data = tmp_path / "entities.ttl"  # a workspace of its own: nothing memoised by another test
    shutil.copyfile(DEFAULT_DATA[0], data)
    ws = Workspace(Settings.from_env({"GRAPH_DATA": str(data)}))
    report, kinds = ws.report(), {k: (v.get("pl", k), v.get("en", k)) for k, v in ws.vocabulary()["kind"].items()}
    monkeypatch.setattr(graph.warm_up, "WARM_UP_OVER", 0)  # the bundled data counts as large
    for name, what in (("gap_report", "the whole gap report"), ("gap_findings", "the findings"), ("expectation_findings", "the expectations")):
        monkeypatch.setattr(analysis, name, refused(what))
    at = _open(_app(monkeypatch, str(data)), "gaps")
    assert not at.exception, at.exception
    assert [s.value for s in at.subheader] == ["Macierz pokrycia: gmina × oczekiwany partner"]
    shown = at.dataframe[0].value
    assert len(shown) > 0 and shown.equals(coverage_view(report.coverage, "pl", kinds))  # one row per gmina, the report's
    at.session_state["gaps_tab"] = at.tabs[1].label
    at.run()  # the findings tab holds the structure's findings too: the report is asked for (its findings first)
    assert at.exception and at.exception[0].message in ("the whole gap report was computed", "the expectations was computed")
