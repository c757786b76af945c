"""Gaps: expectations (both engines), bad expectation files, coverage, structure, what-if, golden report."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest
from analysis_support import AGREEMENT, ORG, TERC, member, org, store_of, tie

from graph.analysis import (
    ExpectationsError,
    UnknownResource,
    check_expectations,
    coverage,
    cut_parts,
    describe_expectations,
    expectation_findings,
    gap_findings,
    gap_report,
    load_expectations,
    pes_kinds,
    render_csv,
    render_markdown,
    structure,
    to_networkx,
    what_if,
)
from graph.settings import Settings
from graph.store import open_store

GOLDEN = Path(__file__).parent / "golden"
ENGINES = ("oxigraph", "pyshacl")


@pytest.fixture(scope="module")
def shapes():
    return load_expectations()


def found(store, shapes, code, engine, as_of=None) -> set[str]:
    return {f.resources[0].iri for f in check_expectations(store, shapes, engine=engine, as_of=as_of) if f.code == code}


# ---------------------------------------------------------------- expectations: one case found, one not


@pytest.mark.parametrize("engine", ENGINES)
def test_gmina_has_pes(shapes, engine):
    ttl = (
        AGREEMENT
        + org("ss", "social_cooperative", "2611011")
        + org("firm", "firm", "2611022")
        + org("far", "social_cooperative", "1465011")
    )
    got = found(store_of(ttl), shapes, "gmina-has-pes", engine)
    # Starachowice has a PES; Brody only a firm; Warszawa (1465011) is outside the agreement's area
    assert got == {TERC + c for c in ("2611022", "2611032", "2611042", "2611053")}


@pytest.mark.parametrize("engine", ENGINES)
def test_gmina_has_pes_everywhere_without_an_agreement(shapes, engine):
    got = found(store_of(org("ss", "social_cooperative", "2611011")), shapes, "gmina-has-pes", engine)
    assert TERC + "2611011" not in got and TERC + "1465011" in got


@pytest.mark.parametrize("engine", ENGINES)
def test_ops_works_with_pes(shapes, engine):
    ttl = (
        AGREEMENT
        + org("ss", "social_cooperative")
        + org("ops-good", "ops")
        + org("ops-refers", "ops", "2611022")
        + org("ops-bad", "ops", "2611032")
        + org("ops-wrong-kind", "ops", "2611042")
        + org("ops-runs", "ops", "2611053")
        + org("kis", "kis", "2611053")
        + org("ops-cofounded", "ops", "2611053")
        + tie("ops-good", "contracting", "ss")
        + tie("ops-refers", "referral", "ss")
        + tie("ops-wrong-kind", "funding", "ss")
        + tie("ops-runs", "operation", "kis")  # MOPS Starachowice runs its KIS: that is working with a PES
        + tie("ops-cofounded", "cofounding", "ss")
    )
    assert found(store_of(ttl), shapes, "ops-works-with-pes", engine) == {ORG + "ops-bad", ORG + "ops-wrong-kind"}


@pytest.mark.parametrize("engine", ENGINES)
def test_paper_partner(shapes, engine):
    ttl = (
        AGREEMENT
        + org("busy", "gmina")
        + org("paper", "gmina", "2611022")
        + org("unit", "rops", "2611022")
        + org("parent", "regional_government")
        + org("supporter", "firm")
        + org("ss", "social_cooperative")
        + 'eso:group a org:Organization, es:UnnamedGroup ; skos:prefLabel "kierownicy"@pl .\n'
        + tie("busy", "cofounding", "ss")
        + tie("unit", "unit_of", "parent")
        + member("busy")
        + member("paper")
        + member("unit")
        + member("group")
        + member("supporter", role="supporter")
    )
    findings = [f for f in check_expectations(store_of(ttl), shapes, engine=engine) if f.code == "signatory-has-tie"]
    # a unit_of tie is not a working tie; unnamed groups and supporters are not checked
    assert {f.resources[0].iri for f in findings} == {ORG + "paper", ORG + "unit"}
    paper = next(f for f in findings if f.resources[0].iri == ORG + "paper")
    assert "https://w3id.org/es-pl/id/membership/agr-paper" in paper.basis  # the signature it rests on
    assert "https://w3id.org/es-pl/expectation/signatory-has-tie" in paper.basis
    assert paper.severity == "info" and paper.kind == "data"  # a gap in the data, never a violation
    assert paper.text_pl == "paper: Dane nie pokazują współpracy tego sygnatariusza poza podpisaniem porozumienia."
    assert paper.text_en == "paper: The data shows no cooperation of this signatory beyond signing the agreement."
    assert "papierze" not in paper.text_pl and "paper partner" not in paper.text_en


@pytest.mark.parametrize("engine", ENGINES)
def test_pes_has_owes_support(shapes, engine):
    ttl = (
        AGREEMENT
        + org("owes", "owes", "2661011")
        + org("supported", "social_cooperative")
        + org("partner", "nonprofit_company")
        + org("alone", "work_cooperative")
        + org("ngo-trading", "association")
        + "eso:ngo-trading es:economicActivity true .\n"
        + org("ngo", "foundation")  # no economic activity in the data: not a social enterprise
        + org("cis", "cis")
        + org("wtz", "wtz")
        + org("elsewhere", "social_cooperative", "1465011")
        + tie("owes", "advice", "wtz")
        + tie("owes", "advice", "supported")
        + tie("partner", "project_partnership", "owes")
    )
    store = store_of(ttl)
    assert found(store, shapes, "pes-has-owes-support", engine) == {ORG + "alone", ORG + "ngo-trading"}
    # a reintegration unit (CIS, KIS, ZAZ, WTZ) gets information only
    assert found(store, shapes, "reintegration-unit-owes", engine) == {ORG + "cis"}
    info = next(f for f in check_expectations(store, shapes, engine=engine) if f.code == "reintegration-unit-owes")
    assert info.severity == "info" and info.kind == "cooperation"


@pytest.mark.parametrize("engine", ENGINES)
def test_firm_in_agreement_has_pes_tie(shapes, engine):
    ttl = (
        AGREEMENT
        + org("ss", "social_cooperative")
        + org("firm-good", "firm")
        + org("firm-bad", "firm")
        + org("firm-out", "firm")
        + tie("firm-good", "contracting", "ss")
        + member("firm-good", role="supporter")
        + member("firm-bad", role="supporter")
    )
    assert found(store_of(ttl), shapes, "firm-has-pes-tie", engine) == {ORG + "firm-bad"}


@pytest.mark.parametrize("engine", ENGINES)
def test_as_of_drops_ended_ties(shapes, engine):
    ttl = (
        AGREEMENT
        + org("ss", "social_cooperative")
        + org("ops", "ops")
        + tie("ops", "contracting", "ss", start="2017-01-01", end="2018-12-31")
    )
    store = store_of(ttl)
    assert ORG + "ops" not in found(store, shapes, "ops-works-with-pes", engine, as_of="2018-06-30")
    assert ORG + "ops" in found(store, shapes, "ops-works-with-pes", engine, as_of="2019-06-30")
    assert ORG + "ops" in found(store, shapes, "ops-works-with-pes", engine, as_of="2016-06-30")


def test_engines_agree_on_a_mixed_case(shapes):
    ttl = AGREEMENT + "".join(
        org(f"p{i}", k, g)
        for i, (k, g) in enumerate(
            [("ops", "2611011"), ("association", "2611022"), ("firm", "2611032"), ("owes", "2661011"), ("gmina", "2611042")]
        )
    )
    ttl += tie("p3", "advice", "p1") + tie("p0", "referral", "p1") + member("p0") + member("p2", role="supporter") + member("p4")
    store = store_of(ttl)
    a = check_expectations(store, shapes, engine="oxigraph")
    b = check_expectations(store, shapes, engine="pyshacl")
    assert a == b and len(a) >= 4


def test_deactivated_rule_is_skipped(tmp_path):
    text = Path("data/expectations.ttl").read_text(encoding="utf-8")
    text = text.replace("    sh:targetClass es:Gmina ;", "    sh:targetClass es:Gmina ;\n    sh:deactivated true ;")
    path = tmp_path / "exp.ttl"
    path.write_text(text, encoding="utf-8")
    shapes = load_expectations(path)
    assert not next(r for r in describe_expectations(shapes) if r.code == "gmina-has-pes").active
    assert found(store_of(AGREEMENT), shapes, "gmina-has-pes", "oxigraph") == set()
    assert found(store_of(AGREEMENT), shapes, "gmina-has-pes", "pyshacl") == set()


def test_rules_described_in_both_languages(shapes):
    rules = describe_expectations(shapes)
    assert {r.code for r in rules} == {
        "gmina-has-pes",
        "ops-works-with-pes",
        "signatory-has-tie",
        "pes-has-owes-support",
        "reintegration-unit-owes",
        "firm-has-pes-tie",
    }
    for r in rules:
        assert r.title and r.title_en and r.message and r.message_en and r.title != r.title_en and r.queries
        assert r.kind in ("cooperation", "data") and not (r.kind == "data" and r.severity == "violation")
        assert "naruszenie" not in r.message and "violation" not in r.message_en
    kinds = {r.code: r.kind for r in rules}
    assert kinds["gmina-has-pes"] == kinds["signatory-has-tie"] == "data" and kinds["ops-works-with-pes"] == "cooperation"


# ---------------------------------------------------------------- bad expectation files

HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix es: <https://w3id.org/es-pl/def#> .
@prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SHAPE = "ex:s a sh:NodeShape ; sh:targetClass es:Gmina ; sh:sparql [ sh:select {select!r} ] .\n"


@pytest.mark.parametrize(
    "text, words",
    [
        (HEAD + "ex:s a sh:NodeShape ; sh:targetClass es:Gmina \n ex:x .", ["exp.ttl:4:"]),
        (HEAD + "ex:a ex:b ex:c .", ["no SHACL shape"]),
        (HEAD + "ex:s a sh:NodeShape ; sh:minCount 1 .", ["no target"]),
        (HEAD + "ex:s a sh:NodeShape ; sh:targetClass es:Gmina ; sh:severity sh:Bad .", ["severity"]),
        (HEAD + SHAPE.format(select="SELECT $this WHERE { $this a es:Gmina "), ["not valid SPARQL", "sh:select"]),
        (HEAD + SHAPE.format(select="SELECT ?x WHERE { ?x a <https://w3id.org/es-pl/def#Gmina> }"), ["$this"]),
        (HEAD + SHAPE.format(select="SELECT $this WHERE { SERVICE <http://127.0.0.1:9/> { $this ?p ?o } }"), ["SERVICE"]),
        (HEAD + SHAPE.format(select="SELECT $this WHERE { VALUES ?k { 1 } $this ?p ?k }"), ["VALUES"]),
        (HEAD + 'ex:s a sh:NodeShape ; sh:targetClass es:Gmina ; sh:property [ sh:path ex:p ; sh:minCount "many" ] .', ["not valid SHACL"]),
        ("", ["empty"]),
    ],
    ids=["syntax", "no-shape", "no-target", "severity", "sparql-syntax", "no-this", "service", "values", "meta-shacl", "empty"],
)
def test_bad_expectations_file(tmp_path, text, words):
    path = tmp_path / "exp.ttl"
    path.write_text(text.replace("'", '"'), encoding="utf-8")
    with pytest.raises(ExpectationsError) as err:
        load_expectations(path)
    message = str(err.value)
    assert str(path) in message
    assert any(w in message for w in words), message


def test_missing_expectations_file(tmp_path):
    with pytest.raises(ExpectationsError, match="file not found"):
        load_expectations(tmp_path / "nope.ttl")


# ---------------------------------------------------------------- coverage


def test_coverage_matrix():
    ttl = (
        AGREEMENT
        + org("ops", "ops")
        + org("ss", "social_cooperative")
        + org("cis", "cis")
        + org("firm", "firm", "2611022")
        + org("pup", "pup")
        + org("owes", "owes", "2661011")
        + org("rops", "rops", "2661011")
        + org("kielce-ss", "social_cooperative", "2661011")
        + tie("pup", "referral", "ss")
        + tie("owes", "advice", "ss")
        + tie("owes", "advice", "firm")
        + tie("rops", "advice", "cis")
        + tie("rops", "funding", "ops")
    )
    store = store_of(ttl)
    cov = coverage(to_networkx(store), store)
    assert list(cov.index) == [TERC + c for c in ("2611022", "2611032", "2611042", "2611011", "2611053")]  # by label
    st = cov.loc[TERC + "2611011"]
    assert (st["label"], st["ops"], st["pes"], st["pes:social_cooperative"], st["pes:cis"], st["firm"]) == ("Starachowice", 1, 2, 1, 1, 0)
    # ss has a PUP partner (the PUP itself has none); ss has OWES support; the CIS is advised by the ROPS (funding is not advice)
    assert (st["pup_tie"], st["owes_support"], st["rops_advice"]) == (1, 1, 1)
    brody = cov.loc[TERC + "2611022"]
    assert (brody["firm"], brody["owes_support"], brody["pes"], brody["ops"]) == (1, 1, 0, 0)
    assert TERC + "2661011" not in cov.index  # Kielce: outside the agreement's area


def test_coverage_as_of():
    ttl = AGREEMENT + org("ss", "social_cooperative") + org("pup", "pup") + tie("pup", "referral", "ss", start="2018-01-01")
    store = store_of(ttl)
    assert coverage(to_networkx(store, as_of="2017-06-30"), store).loc[TERC + "2611011", "pup_tie"] == 0
    assert coverage(to_networkx(store, as_of="2018-06-30"), store).loc[TERC + "2611011", "pup_tie"] == 1


# ---------------------------------------------------------------- structure and what-if


def chain_store():
    """rops - owes - ss1 - ss2 - ops ; owes - ss3 ; firm alone."""
    ttl = (
        org("rops", "rops", "2661011")
        + org("owes", "owes", "2661011")
        + org("ss1", "social_cooperative")
        + org("ss2", "social_cooperative")
        + org("ss3", "social_cooperative")
        + org("ops", "ops")
        + org("firm", "firm")
        + tie("rops", "coordination", "owes")
        + tie("owes", "advice", "ss1")
        + tie("ss1", "project_partnership", "ss2")
        + tie("ops", "contracting", "ss2")
        + tie("owes", "advice", "ss3")
    )
    return store_of(ttl)


def test_structure_findings():
    s = structure(to_networkx(chain_store()))
    points = {r.iri: r for r in s.articulation_points}
    assert set(points) == {ORG + "owes", ORG + "ss1", ORG + "ss2"}
    owes = next(f for f in s.findings if f.code == "articulation-point" and f.resources[0].iri == ORG + "owes")
    assert owes.value("cut_off") == 2 and owes.value("parts") == [3, 1, 1]
    assert s.findings[0].resources[0].iri in {ORG + "owes", ORG + "ss1"}  # most cut off first (2 each)
    assert {(a.iri, b.iri) for a, b in s.bridges} == {(ORG + "owes", ORG + "ss1"), (ORG + "ss1", ORG + "ss2")} or len(s.bridges) == 2
    bridge = next(f for f in s.findings if f.code == "bridge" and {r.iri for r in f.resources} == {ORG + "owes", ORG + "ss1"})
    assert bridge.basis == ("https://w3id.org/es-pl/id/tie/owes-advice-ss1",)
    assert [r.iri for r in s.isolates] == [ORG + "firm"]
    assert {r.iri for r in s.peripheral} == {ORG + "rops", ORG + "ops", ORG + "ss3"}
    assert s.components == (6, 1)
    # a leaf's tie is not listed as a bridge
    assert not any(f.code == "bridge" and ORG + "ops" in {r.iri for r in f.resources} for f in s.findings)


def test_cut_parts_agree_with_networkx():
    for seed in range(10):
        g = nx.gnm_random_graph(50, 60, seed=seed)
        points, bridges = cut_parts(g)
        assert set(points) == set(nx.articulation_points(g))
        assert {frozenset(e) for e in bridges} == {frozenset(e) for e in nx.bridges(g)}
        for v, parts in points.items():
            rest = g.subgraph(nx.node_connected_component(g, v) - {v})
            assert parts == sorted(map(len, nx.connected_components(rest)), reverse=True)


def test_what_if():
    g = to_networkx(chain_store())
    w = what_if(g, ["eso:ss1"])
    assert {r.iri for r in w.lost_support} == {ORG + "ss2", ORG + "ops"}
    assert w.isolated == ()
    assert w.components_before == (6, 1) and w.components_after == (3, 2, 1)
    assert w.summary.value("lost_support") == 2 and "ss1" in w.summary.text_pl
    # removing a leaf cuts no one off
    leaf = what_if(g, ["ops"])
    assert leaf.lost_support == () and leaf.summary.severity == "info"
    # removing the OWES: ss1..ops keep no path to support; ss3 is left alone; rops still is support
    w2 = what_if(g, [ORG + "owes"])
    assert {r.iri for r in w2.lost_support} == {ORG + "ss1", ORG + "ss2", ORG + "ss3", ORG + "ops"}
    assert {r.iri for r in w2.isolated} == {ORG + "ss3", ORG + "rops"}


@pytest.mark.parametrize("name", ["nosuch", "eso:nosuch", "https://example.org/x", "terc:2611011"])
def test_what_if_unknown(name):
    with pytest.raises(UnknownResource, match="unknown organisation"):
        what_if(to_networkx(chain_store()), [name])


# ---------------------------------------------------------------- the whole report, and the golden one


def test_gap_report_parts_and_order():
    r = gap_report(chain_store(), as_of="2020-01-01", top=3)
    assert r.as_of == "2020-01-01"
    order = {"violation": 0, "warning": 1, "info": 2}
    expected = [f for f in r.findings if f.category == "expectation"]
    assert [order[f.severity] for f in expected] == sorted(order[f.severity] for f in expected)  # most serious first
    assert {f.code for f in expected} >= {"gmina-has-pes", "pes-has-owes-support"}
    assert r.findings[-1].code.startswith("coverage-")
    assert set(r.timings) >= {"projection", "metrics", "expectations", "coverage", "structure", "suggestions", "total"}
    assert len(r.suggestions) <= 3 and r.metrics is not None and r.network["organisations"] == 7
    assert r.about(ORG + "firm")  # the isolate has findings about it
    text = render_markdown(r, lang="en")
    assert text.startswith("# Gaps in cooperation") and "as of 2020-01-01" in text


def test_gap_report_bad_date():
    from graph.analysis import InvalidDate

    with pytest.raises(InvalidDate, match="not a date"):
        gap_report(chain_store(), as_of="2020-02-30")


def test_hostile_labels_stay_text():
    ttl = org("x", "social_cooperative", label="<img src=x onerror=alert(1)> | *b*")
    md = render_markdown(gap_report(store_of(ttl)))
    assert "<img" not in md and "&lt;img" in md and "\\| \\*b\\*" in md


@pytest.fixture(scope="module")
def bundled_report():
    return gap_report(open_store(Settings()), as_of="2020-01-01")


@pytest.mark.parametrize(
    "name, render",
    [
        ("gaps_bundled_2020-01-01_pl.md", lambda r: render_markdown(r, lang="pl")),
        ("gaps_bundled_2020-01-01_en.md", lambda r: render_markdown(r, lang="en")),
        ("gaps_bundled_2020-01-01.csv", lambda r: render_csv(r, lang="pl")),
    ],
)
def test_golden_bundled_report(bundled_report, name, render):
    """The gap report of data/entities.ttl on 2020-01-01; UPDATE_GOLDEN=1 rewrites the files (review the diff)."""
    got = render(bundled_report)
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")


def test_bundled_report_facts(bundled_report):
    """Checked by hand against data/entities.ttl."""
    r = bundled_report
    gmina_gaps = {f.resources[0].label for f in r.findings if f.code == "gmina-has-pes"}
    assert gmina_gaps == {"Mirzec", "Pawłów", "Wąchock"}  # PES are seated in Starachowice and Brody (Styków ZAZ)
    assert ORG + "koowes" in {x.iri for x in r.structure.articulation_points}
    assert r.coverage.loc[TERC + "2611011", "ops"] == 1


def test_core_constraints_fall_back_to_pyshacl(tmp_path):
    path = tmp_path / "core.ttl"
    path.write_text(
        HEAD
        + "@prefix skos: <http://www.w3.org/2004/02/skos/core#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        + 'ex:two-codes a sh:NodeShape ; sh:targetClass es:Gmina ; sh:severity sh:Info ; rdfs:label "Dwa kody"@pl , "Two codes"@en ;\n'
        + '    sh:property [ sh:path skos:notation ; sh:minCount 2 ; sh:severity sh:Info ; sh:message "Za mało kodów"@pl , "Too few codes"@en ] .\n',
        encoding="utf-8",
    )
    shapes = load_expectations(path)
    store = store_of(AGREEMENT)
    findings = check_expectations(store, shapes)  # auto: pySHACL runs what Oxigraph cannot
    assert {f.resources[0].iri for f in findings} >= {TERC + "2611011", TERC + "2611022"}
    assert {(f.code, f.severity) for f in findings} == {("two-codes", "info")} and "Too few codes" in findings[0].text_en
    with pytest.raises(ExpectationsError, match="oxigraph engine runs only"):
        check_expectations(store, shapes, engine="oxigraph")


@pytest.mark.parametrize("as_of", [None, "2020-01-01"])
def test_the_findings_from_their_parts_are_the_findings(as_of):
    """The dashboard computes the expectations (the store alone) and the coverage (the network) apart,
    each when a page needs it: together they give the findings computed at once."""
    store = chain_store()
    g = nx.freeze(to_networkx(store, as_of=as_of))
    whole = gap_findings(store, as_of=as_of, graph=g)
    expected = expectation_findings(store, as_of=as_of)
    table = coverage(g, store, pes=pes_kinds(store))
    parts = gap_findings(store, as_of=as_of, graph=g, expected=expected, coverage_table=table, prefetch=False)
    assert parts.findings == whole.findings and parts.expected == whole.expected == expected.expected
    assert parts.coverage.equals(whole.coverage) and parts.absences == whole.absences and parts.pes == whole.pes
    assert any(f.category == "expectation" for f in parts.findings) and any(f.code.startswith("coverage-") for f in parts.findings)
    with pytest.raises(ValueError, match="expectation findings of"):  # another date's expectations are not mixed in
        gap_findings(store, as_of="2019-01-01", graph=g, expected=expected)


def test_a_constraint_that_cannot_run_is_named_by_its_rule(monkeypatch):
    """The expectations' queries run at once; when they fail, the error names the first rule whose
    constraint cannot run (a failure planted in the store's answer to the rules' queries)."""
    from graph.errors import QueryError
    from graph.store import OxigraphStore

    store = chain_store()
    shapes = load_expectations()
    first = next(r for r in describe_expectations(shapes) if r.active and r.queries)
    real = OxigraphStore.select_values

    def failing(self, text, bindings=None):
        if "$this" in text or "?this" in text:  # the rules' constraints, not the lookups around them
            raise QueryError("planted failure")
        return real(self, text, bindings)

    monkeypatch.setattr(OxigraphStore, "select_values", failing)
    monkeypatch.setattr(OxigraphStore, "select_values_many", lambda self, texts: [failing(self, t) for t in texts])
    with pytest.raises(ExpectationsError) as caught:
        check_expectations(store, shapes, engine="oxigraph")
    assert str(caught.value).startswith(f"{first.iri}: the constraint cannot run") and "planted failure" in str(caught.value)
