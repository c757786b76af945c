"""Findings a coordinator can stand behind: two kinds, verified absences, reworded
coverage, and the one plural helper and number format (graph/wording.py)."""

from __future__ import annotations

import pytest
import rdflib
from analysis_support import AGREEMENT, ORG, TERC, member, org, store_of, tie

from graph.analysis import (
    check_expectations,
    coverage,
    coverage_findings,
    gap_report,
    load_expectations,
    render_csv,
    render_json,
    to_networkx,
)
from graph.analysis.absences import verified_absences
from graph.analysis.errors import ExpectationsError
from graph.analysis.report import render_markdown
from graph.validate import load_shapes, validate_graph
from graph.wording import NBSP, count, number, plural_form, term

ENGINES = ("oxigraph", "pyshacl")
PAWLOW = TERC + "2611042"


def absence(
    name="pawlow-pes", at="terc:2611042", kind="esk:pes", on="2024-03-01", by="Jan Kowalski, koordynator", src="rozmowa z GOPS"
) -> str:
    """Turtle of one verified absence (a test fixture: the bundled file holds none)."""
    return (
        f"<https://w3id.org/es-pl/id/absence/{name}> a es:VerifiedAbsence ; es:absenceAt {at} ; es:absentKind {kind} ; "
        f'es:checkedOn "{on}"^^xsd:date ; es:checkedBy "{by}" ; dcterms:source "{src}" .\n'
    )


@pytest.fixture(scope="module")
def shapes():
    return load_expectations()


def about(findings, code, iri):
    return next(f for f in findings if f.code == code and f.resources[0].iri == iri)


# ---------------------------------------------------------------- verified absences


@pytest.mark.parametrize("engine", ENGINES)
def test_without_a_record_the_finding_says_what_the_data_lacks(shapes, engine):
    f = about(check_expectations(store_of(AGREEMENT), shapes, engine=engine), "gmina-has-pes", PAWLOW)
    assert f.kind == "data" and f.severity == "warning"
    assert (
        f.text_pl
        == "Pawłów: W danych brak podmiotu ekonomii społecznej (PES) z siedzibą w tej gminie; uzupełnij dane albo zapisz sprawdzony brak."
    )
    assert f.text_en.startswith("Pawłów: The data shows no social-economy entity (PES) seated in this gmina; complete the data")
    assert f.value("verified") is None


@pytest.mark.parametrize("engine", ENGINES)
def test_with_a_record_the_finding_states_the_absence(shapes, engine):
    store = store_of(AGREEMENT + absence())
    f = about(check_expectations(store, shapes, engine=engine, as_of="2024-06-01"), "gmina-has-pes", PAWLOW)
    assert f.kind == "cooperation"
    assert f.text_pl == (
        "Pawłów: sprawdzono: w gminie nie działa żaden podmiot ekonomii społecznej (PES), stan na 2024-03-01 "
        "(sprawdził(a): Jan Kowalski, koordynator; źródło: rozmowa z GOPS)."
    )
    assert "checked: no social-economy entity (PES) operates in this gmina, as of 2024-03-01" in f.text_en
    assert f.basis[0] == "https://w3id.org/es-pl/id/absence/pawlow-pes" == f.value("verified")
    # other gminy keep the data note
    assert about(check_expectations(store, shapes, engine=engine), "gmina-has-pes", TERC + "2611032").kind == "data"


def test_a_record_checked_later_says_nothing_about_an_earlier_day(shapes):
    store = store_of(AGREEMENT + absence())
    assert about(check_expectations(store, shapes, as_of="2020-01-01"), "gmina-has-pes", PAWLOW).kind == "data"
    assert about(check_expectations(store, shapes, as_of="2024-03-01"), "gmina-has-pes", PAWLOW).kind == "cooperation"


def test_a_record_of_another_kind_or_place_does_not_count(shapes):
    store = store_of(AGREEMENT + absence(kind="esk:firm") + absence(name="x", at="terc:2611032"))
    assert about(check_expectations(store, shapes), "gmina-has-pes", PAWLOW).kind == "data"


def test_an_organisation_absence_confirms_an_ops_finding(shapes):
    store = store_of(AGREEMENT + org("ops", "ops") + absence(at="eso:ops", kind="esk:pes"))
    f = about(check_expectations(store, shapes), "ops-works-with-pes", ORG + "ops")
    assert f.kind == "cooperation" and f.text_pl.startswith("ops: sprawdzono: ośrodek nie współpracuje z żadnym PES, stan na 2024-03-01")


def test_absences_in_the_report_json_and_markdown():
    store = store_of(AGREEMENT + absence())
    r = gap_report(store)
    assert [a.at for a in r.absences] == [PAWLOW]
    md = render_markdown(r)
    assert "## Sprawdzone braki" in md and "stan na 2024-03-01" in md
    assert '"absences": [' in render_json(r) and "Jan Kowalski" in render_json(r)


def test_absence_records_are_checked_by_the_shapes():
    def report(ttl):
        g = rdflib.Graph()
        g.parse(data=_prefixed(ttl), format="turtle")
        g.parse("data/territory.ttl")
        return validate_graph(g, load_shapes())

    assert report(absence()).conforms
    bad = report("<https://w3id.org/es-pl/id/absence/x> a es:VerifiedAbsence ; es:absenceAt terc:2611042 ; es:absentKind esk:pes .")
    assert not bad.conforms
    assert {f.value("path") for f in bad.findings} >= {str(rdflib.URIRef("https://w3id.org/es-pl/def#checkedOn")), "http://purl.org/dc/terms/source"}


def _prefixed(ttl: str) -> str:
    from graph.model import TURTLE_PREFIXES

    return TURTLE_PREFIXES + ttl


def test_bundled_absences_file_holds_no_record():
    from graph.settings import DATA_DIR, DEFAULT_DATA

    assert DATA_DIR / "absences.ttl" in DEFAULT_DATA
    g = rdflib.Graph().parse(DATA_DIR / "absences.ttl")
    assert len(g) == 0  # nobody has checked yet: no invented records


def test_verified_absences_read_back():
    (a,) = verified_absences(store_of(absence()))
    assert (a.at, a.kind, a.checked_on, a.checked_by, a.source) == (
        PAWLOW,
        "https://w3id.org/es-pl/kind/pes",
        "2024-03-01",
        "Jan Kowalski, koordynator",
        "rozmowa z GOPS",
    )


# ---------------------------------------------------------------- two kinds; data gaps are never violations


def test_a_data_gap_rule_cannot_be_a_violation(tmp_path):
    text = open("data/expectations.ttl", encoding="utf-8").read()
    text = text.replace(
        "    sh:severity sh:Warning ;\n    es:findingKind es:dataGap ;", "    sh:severity sh:Violation ;\n    es:findingKind es:dataGap ;"
    )
    path = tmp_path / "exp.ttl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExpectationsError, match="never a violation"):
        load_expectations(path)


def test_coverage_findings_in_two_kinds_and_both_languages():
    ttl = AGREEMENT + org("g", "gmina", "2611032") + org("ss", "social_cooperative") + org("ops", "ops") + org("pup", "pup")
    ttl += tie("pup", "referral", "ss")
    ttl += 'eso:firms a es:UnnamedGroup ; es:memberKind esk:firm ; skos:prefLabel "firmy"@pl .\n' + member("firms")
    store = store_of(ttl)
    cov = coverage(to_networkx(store), store)
    assert cov.loc[TERC + "2611032", "firm_group"] == 1 and cov.loc[TERC + "2611032", "firm"] == 0
    found = coverage_findings(cov)
    mirzec = [f for f in found if f.resources[0].iri == TERC + "2611032"]
    data = next(f for f in mirzec if f.code == "coverage-data")
    assert data.kind == "data"
    assert data.text_pl == (
        "Mirzec: w danych brak ośrodka pomocy społecznej (OPS), który każda gmina prowadzi z mocy ustawy o pomocy społecznej (art. 110), "
        "podmiotu ekonomii społecznej (PES) z siedzibą w gminie, firmy z siedzibą w gminie "
        "(porozumienie podpisała grupa przedstawicieli firm bez nazw, liczba nieznana); uzupełnij dane."
    )
    assert data.text_en.startswith("Mirzec: the data shows no social assistance centre (OPS), which every gmina runs by law")
    assert "unnamed firm representatives signed the agreement, number unknown" in data.text_en
    coop = next(f for f in mirzec if f.code == "coverage-cooperation")
    assert coop.kind == "cooperation"
    assert coop.text_pl == "Mirzec: w danych żadna organizacja z tej gminy nie ma powiązania z PUP ani wsparcia OWES ani doradztwa ROPS."
    assert coop.text_en == "Mirzec: the data shows no organisation of this gmina with a tie to a PUP or OWES support or ROPS advice."
    # a gmina with no organisation in the data gets no cooperation finding (nothing to say about ties)
    assert not any(f.code == "coverage-cooperation" and f.resources[0].iri == PAWLOW for f in found)
    # the Markdown table says "group, number unknown" beside the 0
    md = render_markdown(gap_report(store), lang="en")
    assert "| Mirzec | " in md and "0 + group, number unknown" in md
    assert ",data," in render_csv(gap_report(store)) and ",cooperation," in render_csv(gap_report(store))


def test_rops_advice_counts_the_offers_the_data_holds():
    ttl = AGREEMENT + org("rops", "rops", "2661011") + org("ops", "ops") + org("ss", "social_cooperative") + org("firm", "firm")
    ttl += (
        "<https://w3id.org/es-pl/id/offer/o> a es:ServiceOffer ; es:offeredBy eso:rops ; es:offeredTo esk:ops , esk:social_cooperative .\n"
    )
    store = store_of(ttl)
    cov = coverage(to_networkx(store), store)
    assert cov.loc[TERC + "2611011", "rops_advice"] == 2  # the OPS and the cooperative; not the firm
    assert cov.loc[TERC + "2611022", "rops_advice"] == 0


# ---------------------------------------------------------------- plural forms and numbers

PL_GMINA = {
    0: "gmin", 1: "gmina", 2: "gminy", 3: "gminy", 4: "gminy", 5: "gmin", 11: "gmin", 12: "gmin", 13: "gmin", 14: "gmin",
    15: "gmin", 20: "gmin", 21: "gmin", 22: "gminy", 23: "gminy", 24: "gminy", 25: "gmin", 30: "gmin",
    100: "gmin", 101: "gmin", 102: "gminy", 104: "gminy", 105: "gmin", 111: "gmin", 112: "gmin", 113: "gmin", 114: "gmin",
    115: "gmin", 121: "gmin", 122: "gminy", 124: "gminy", 125: "gmin",
}  # fmt: skip


@pytest.mark.parametrize("n", [*range(0, 31), *range(100, 126)])
def test_plural_forms_in_both_languages(n):
    last, last2 = n % 10, n % 100
    want = "gmina" if n == 1 else "gminy" if last in (2, 3, 4) and last2 not in (12, 13, 14) else "gmin"
    assert PL_GMINA.get(n, want) == want  # the table written by hand agrees with the rule
    assert count(n, "gmina") == f"{n} {want}"
    assert count(n, "organisation", "en") == f"{n} organisation" + ("" if n == 1 else "s")
    assert count(n, "organisation") == f"{n} " + {"gmina": "organizacja", "gminy": "organizacje", "gmin": "organizacji"}[want]
    assert plural_form(n, "en") == (0 if n == 1 else 1)


def test_plural_of_phrases_and_big_numbers():
    assert count(1, "organizacja traci|organizacje tracą|organizacji traci") == "1 organizacja traci"
    assert count(3, "organizacja traci|organizacje tracą|organizacji traci") == "3 organizacje tracą"
    assert count(12345, "tie") == f"12{NBSP}345 powiązań" and count(12345, "tie", "en") == "12,345 ties"
    assert count(2, "gmina", digits=False) == "gminy"


@pytest.mark.parametrize(
    "x, lang, digits, want",
    [
        (0.25, "pl", None, "0,250"),
        (0.25, "en", None, "0.250"),
        (12345, "pl", None, f"12{NBSP}345"),
        (1234, "pl", None, "1234"),
        (1234567, "pl", None, f"1{NBSP}234{NBSP}567"),
        (12345.678, "pl", 1, f"12{NBSP}345,7"),
        (-0.333, "pl", None, "-0,333"),
        (12345, "en", None, "12,345"),
        (float("nan"), "pl", None, "–"),
        (None, "en", None, "–"),
        (3, "pl", 2, "3,00"),
    ],
)
def test_number_format(x, lang, digits, want):
    assert number(x, lang, digits) == want


def test_glossary_has_one_word_for_each_thing():
    assert term("spof") == "pojedyncze punkty awarii" and term("suggested_ties") == "sugerowane powiązania"
    assert term("violation") == "poważne" and "naruszenie" not in {term(k) for k in ("violation", "warning", "info")}
    assert term("gops", "en").startswith("Commune Social Assistance Centre") and term("mops", "en").startswith(
        "City Social Assistance Centre"
    )


def test_ui_catalogue_counts_through_the_helper():
    from ui.i18n import catalogue, translate

    assert "glossary.term.spof" in catalogue()
    assert translate("overview.no_pes", "pl", n=3, names="A") == "W danych: 3 gminy bez żadnego podmiotu ekonomii społecznej: A"
    assert translate("overview.no_pes", "pl", n=5, names="A").startswith("W danych: 5 gmin ")
    assert translate("overview.no_pes", "en", n=1, names="A") == "In the data, 1 gmina with no social-economy entity: A"
    assert translate("console.rows", "pl", n=22, seconds="0,1") == "22 wiersze · 0,1 s"
    assert translate("app.source.triples", "en", n=1, orgs=1, ties=2) == "1 triple, 1 organisation, 2 ties"


def test_report_numbers_use_decimal_commas_in_polish():
    store = store_of(
        AGREEMENT
        + org("a", "gmina")
        + org("b", "ops")
        + org("c", "social_cooperative")
        + tie("a", "funding", "b")
        + tie("a", "funding", "c")
    )
    r = gap_report(store)
    pl, en = render_markdown(r, lang="pl"), render_markdown(r, lang="en")
    assert "- gęstość: 0,667" in pl and "- density: 0.667" in en and "indeks E-I (gminy): -1,000" in pl
    assert "(wynik 1," in pl and "(score 1." in en
    assert "naruszenie" not in pl and "Proponowane" not in pl and "Punkty krytyczne" not in pl


# ---------------------------------------------------------------- recording an absence (CLI, editing path)


def test_record_an_absence_through_the_cli_and_undo_it(tmp_path, capsys):
    import shutil

    from graph.cli import main
    from graph.settings import DATA_DIR, Settings
    from graph.store import open_store

    entities, absences = tmp_path / "entities.ttl", tmp_path / "absences.ttl"
    shutil.copy(DATA_DIR / "entities.ttl", entities)
    shutil.copy(DATA_DIR / "absences.ttl", absences)
    args = ["absence", "--at", "2611042", "--kind", "pes", "--on", "2024-03-01", "--by", "Jan Kowalski", "--source", "rozmowa z GOPS"]
    assert main([*args, "--file", str(absences), "--user", "Ula", "--data", str(entities)]) == 0
    (a,) = verified_absences(open_store(Settings(data=(entities, absences))))
    assert (a.at, a.checked_on, a.checked_by) == (PAWLOW, "2024-03-01", "Jan Kowalski")
    assert entities.read_bytes() == (DATA_DIR / "entities.ttl").read_bytes()  # written beside the data, not into it
    # the report now states the absence as a fact
    r = gap_report(open_store(Settings(data=(entities, absences))), as_of="2024-06-01")
    assert about(r.findings, "gmina-has-pes", PAWLOW).kind == "cooperation"
    # bad input names the field; nothing is written
    before = absences.read_bytes()
    bad = ["absence", "--at", "9999999", "--kind", "nosuch", "--on", "2024-02-30", "--by", "x", "--source", "y"]
    assert main([*bad, "--file", str(absences), "--user", "Ula", "--data", str(entities)]) == 2
    err = capsys.readouterr().err
    assert "9999999" in err and "nosuch" in err and "2024-02-30" in err and absences.read_bytes() == before
    # undone through the history beside the absences file
    assert main(["undo", "--user", "Ula", "--data", str(absences)]) == 0
    assert verified_absences(open_store(Settings(data=(entities, absences)))) == ()


def test_every_rule_says_what_the_data_shows_in_both_languages(shapes):
    from graph.analysis import describe_expectations

    rules = {r.code: r for r in describe_expectations(shapes)}
    assert rules["ops-works-with-pes"].message == (
        "W danych brak powiązania tego ośrodka pomocy społecznej z PES (prowadzenie, współzałożenie, zlecanie usług, kierowanie klientów)."
    )
    assert rules["ops-works-with-pes"].message_en == (
        "The data shows no tie of this social assistance centre to any PES (running, co-founding, contracting, client referral)."
    )
    assert rules["pes-has-owes-support"].message == "W danych brak powiązania tego przedsiębiorstwa społecznego z OWES."
    assert rules["pes-has-owes-support"].message_en == "The data shows no tie of this social enterprise to any OWES."
    assert rules["firm-has-pes-tie"].message_en == "The firm is in the agreement; the data shows no tie of it to any PES."
    for r in rules.values():
        assert r.message.startswith(("W danych", "Dane nie pokazują", "Firma należy do porozumienia; w danych")), r.code
        assert "The data shows" in r.message_en or "the data shows" in r.message_en, r.code
        assert "?" not in r.message + r.message_en  # no insinuating questions ("partner tylko na papierze?")


def test_a_verified_absence_in_coverage_replaces_the_data_note():
    store = store_of(AGREEMENT + org("g", "gmina", "2611032") + absence(name="mirzec-ops", at="terc:2611032", kind="esk:ops"))
    r = gap_report(store, as_of="2024-06-01")
    mirzec = [f for f in r.findings if f.category == "coverage" and f.resources[0].iri == TERC + "2611032"]
    verified = next(f for f in mirzec if f.code == "coverage-verified")
    assert verified.kind == "cooperation" and verified.basis[0] == "https://w3id.org/es-pl/id/absence/mirzec-ops"
    assert "stan na 2024-03-01" in verified.text_pl and "as of 2024-03-01" in verified.text_en
    data = next(f for f in mirzec if f.code == "coverage-data")
    assert "ośrodka pomocy społecznej" not in data.text_pl and "podmiotu ekonomii społecznej" in data.text_pl
    # before the day it was checked, the data note stands
    earlier = gap_report(store, as_of="2020-01-01")
    assert not any(f.code == "coverage-verified" for f in earlier.findings)


def test_no_second_word_for_a_glossary_term():
    """The glossary picks one word; the others appear nowhere in the UI strings, reports or CLI."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    banned = ("punkty krytyczne", "punkt krytyczny", "proponowane powiązania", "naruszenie", "partner tylko na papierze")
    files = [*root.glob("ui/**/*.py"), *root.glob("ui/strings/*.toml"), *root.glob("graph/**/*.py"), root / "data" / "expectations.ttl"]
    hits = [(f.name, w) for f in files for w in banned if w in f.read_text(encoding="utf-8").casefold() and f.name != "wording.py"]
    assert hits == []
