"""Synthetic data generator: real GUS skeleton, marked synthetic, deterministic."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph.edit.splice import is_stamped
from graph.model import SPARQL_PREFIXES, TIE_KINDS
from graph.synthetic import (
    DEFAULT_TERC,
    SyntheticError,
    generate,
    load_skeleton,
    read_terc,
    write_synthetic,
)

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "generate_synthetic.py"
PES = ("association", "foundation", "lgd", "nonprofit_company", "social_cooperative",
       "work_cooperative", "zaz", "cis", "kis", "wtz")  # fmt: skip
STARACHOWICKI = {
    "2611011": "Starachowice",
    "2611022": "Brody",
    "2611032": "Mirzec",
    "2611042": "Pawłów",
    "2611053": "Wąchock",
}


def _store(text: str) -> ox.Store:
    store = ox.Store()
    store.load(text, format=ox.RdfFormat.TURTLE)
    return store


def _rows(store: ox.Store, query: str) -> list[tuple]:
    return [tuple(None if t is None else t.value for t in row) for row in store.query(SPARQL_PREFIXES + query)]


def _one(store: ox.Store, query: str) -> int:
    (row,) = _rows(store, query)
    return int(row[0])


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("synt") / "county.ttl"
    stats = write_synthetic("county", seed=1, out=out)
    return out, stats, _store(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def voivodeship(tmp_path_factory):
    out = tmp_path_factory.mktemp("synt") / "voivodeship.ttl"
    stats = write_synthetic("voivodeship", seed=3, out=out)
    return out, stats, _store(out.read_text(encoding="utf-8"))


def test_county_parses_with_oxigraph_and_rdflib_and_the_count_is_exact(county):
    out, stats, store = county
    g = rdflib.Graph().parse(out, format="turtle")
    assert len(g) == len(store) == stats.triples
    assert 7_000 <= stats.triples <= 14_000


def test_voivodeship_size(voivodeship):
    _, stats, store = voivodeship
    assert len(store) == stats.triples
    assert 50_000 <= stats.triples <= 200_000


def test_same_seed_same_bytes_other_seed_different(county):
    out, _, _ = county
    text = generate("county", seed=1)
    assert out.read_bytes() == text.encode("utf-8")
    assert generate("county", seed=1) == text
    assert generate("county", seed=2) != text


@pytest.mark.parametrize(
    "cls", ["org:Organization", "org:OrganizationalCollaboration", "es:Tie", "org:Membership", "time:Interval", "time:Instant"]
)
def test_every_generated_resource_is_marked_synthetic(county, cls):
    _, _, store = county
    assert _one(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?x a {cls} }}") > 0
    unmarked = _one(
        store,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?x a {cls}
        FILTER NOT EXISTS {{ ?x a es:SyntheticResource ; es:isSynthetic true }} }}""",
    )
    assert unmarked == 0


@pytest.mark.parametrize("cls", ["org:Organization", "org:OrganizationalCollaboration", "es:Tie", "org:Membership"])
def test_sourced_resources_cite_the_synthetic_generator(county, cls):
    _, _, store = county
    missing = _one(
        store,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?x a {cls}
        FILTER NOT EXISTS {{ ?x prov:wasDerivedFrom essrc:synthetic-generator }} }}""",
    )
    assert missing == 0
    (desc,) = _rows(store, "SELECT ?d WHERE { essrc:synthetic-generator a foaf:Document ; dcterms:description ?d }")
    assert "scale=county" in desc[0] and "seed=1" in desc[0]


def test_every_organisation_label_starts_with_synt(voivodeship):
    _, _, store = voivodeship
    labels = _rows(
        store,
        """SELECT ?x ?l WHERE { { ?x a org:Organization } UNION { ?x a org:OrganizationalCollaboration }
        OPTIONAL { ?x skos:prefLabel ?l } }""",
    )
    assert len(labels) > 2_000
    assert [x for x, label in labels if label is None or not label.startswith("[SYNT] ")] == []
    assert _one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?x a org:Organization FILTER(!STRSTARTS(STR(?x), STR(eso:synt-))) }") == 0


def test_territorial_units_are_real_not_synthetic(county):
    _, _, store = county
    units = _rows(
        store,
        """SELECT ?u ?src ?synt WHERE { ?u a es:TerritorialUnit ; prov:wasDerivedFrom ?src
        OPTIONAL { ?u es:isSynthetic ?synt } }""",
    )
    assert len(units) == 7  # voivodeship 26, powiat 2611, its five gminy
    assert {src for _, src, _ in units} == {"https://w3id.org/es-pl/id/source/gus-terc-2020"}
    assert {synt for _, _, synt in units} == {None}
    (cite,) = _rows(store, "SELECT ?c WHERE { essrc:gus-terc-2020 dcterms:bibliographicCitation ?c }")
    assert cite[0] == "Źródło: GUS, rejestr TERYT (TERC), stan na 2020-01-01"


def test_county_has_exactly_the_five_real_gminy(county):
    _, _, store = county
    rows = _rows(
        store,
        """SELECT ?code ?name ?kind ?powiat WHERE { ?g a es:Gmina, es:TerritorialUnit, schema:AdministrativeArea ;
        skos:notation ?code ; skos:prefLabel ?name ; es:gminaKind ?kind ; schema:containedInPlace ?powiat }""",
    )
    assert {code: name for code, name, _, _ in rows} == STARACHOWICKI
    assert {code: kind.rsplit("/", 1)[1] for code, _, kind, _ in rows} == {
        "2611011": "1", "2611022": "2", "2611032": "2", "2611042": "2", "2611053": "3"}  # fmt: skip
    assert {p for *_, p in rows} == {"https://w3id.org/es-pl/id/terc/2611"}
    assert _rows(store, "SELECT ?v WHERE { terc:2611 a es:Powiat ; schema:containedInPlace ?v }") == [
        ("https://w3id.org/es-pl/id/terc/26",)
    ]


def test_voivodeship_has_102_gminy_and_14_powiaty(voivodeship):
    _, stats, store = voivodeship
    assert stats.gminy == 102
    assert _one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?g a es:Gmina }") == 102
    assert _one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?g a es:Powiat }") == 14


def test_country_skeleton_from_terc():
    sk = load_skeleton("country")
    assert (len(sk.voivodeships), len(sk.powiaty), len(sk.gminy)) == (16, 380, 2477)
    assert Counter(g.rodz for g in sk.gminy) == {1: 302, 2: 1533, 3: 642}
    warsaw = next(g for g in sk.gminy if g.code == "1465011")
    assert (warsaw.name, warsaw.city, warsaw.parent) == ("Warszawa", True, "1465")
    assert sum(p.city for p in sk.powiaty) == 66


def test_pes_kinds_follow_the_s7_proportions(voivodeship):
    _, _, store = voivodeship
    n = dict(_rows(store, "SELECT ?k (COUNT(*) AS ?n) WHERE { ?o org:classification ?k } GROUP BY ?k"))
    n = {k.rsplit("/", 1)[1]: int(v) for k, v in n.items()}
    ngos = n["association"] + n["foundation"] + n["lgd"]
    # FACTS.md S7: 312 NGOs with economic activity, 47 social cooperatives,
    # 13 work cooperatives + 2 of the disabled, 4 ZAZ, 6 CIS, 11 KIS, 26 WTZ
    for kind, s7 in {"social_cooperative": 47, "work_cooperative": 15, "zaz": 4, "cis": 6, "kis": 11, "wtz": 26}.items():
        assert n[kind] / ngos == pytest.approx(s7 / 312, rel=0.15), kind
    assert n["association"] > n["foundation"] > n["lgd"] > 0
    assert n["firm"] > 0 and n["nonprofit_company"] > 0


@pytest.mark.parametrize("which", ["county", "voivodeship"])
def test_coverage_gaps_exist(which, county, voivodeship):
    _, stats, store = county if which == "county" else voivodeship
    kinds = ", ".join(f"esk:{k}" for k in PES)
    empty = _one(
        store,
        f"""SELECT (COUNT(?g) AS ?n) WHERE {{ ?g a es:Gmina FILTER NOT EXISTS {{
        ?o schema:location ?g ; org:classification ?k FILTER(?k IN ({kinds})) }} }}""",
    )
    assert 1 <= empty <= stats.gminy // 2


def test_ties_are_well_formed(voivodeship):
    _, stats, store = voivodeship
    kinds = {k.rsplit("/", 1)[1]: int(v) for k, v in
             _rows(store, "SELECT ?k (COUNT(*) AS ?n) WHERE { ?t a es:Tie ; es:tieKind ?k } GROUP BY ?k")}  # fmt: skip
    assert set(kinds) == set(TIE_KINDS)
    assert sum(kinds.values()) == stats.ties
    values = " ".join(
        f"(est:{k} {p})" for k, p in zip(TIE_KINDS, ["es:advises", "es:funds", "es:contracts", "es:coFounded", "es:refersClientsTo",
                                                     "es:coordinates", "es:operates", "org:subOrganizationOf", "es:projectPartnerOf"])
    )  # fmt: skip
    no_plain = _one(
        store,
        f"""SELECT (COUNT(*) AS ?n) WHERE {{ ?t es:tieKind ?k ; es:tieFrom ?a ; es:tieTo ?b
        VALUES (?k ?p) {{ {values} }} FILTER NOT EXISTS {{ ?a ?p ?b }} }}""",
    )
    assert no_plain == 0
    dates = _rows(
        store,
        """SELECT (MIN(?s) AS ?lo) (MAX(?s) AS ?hi) (COUNT(?e) AS ?ended) (COUNT(*) AS ?n)
        WHERE { ?t a es:Tie ; es:startDate ?s OPTIONAL { ?t es:endDate ?e } }""",
    )
    lo, hi, ended, n = dates[0]
    assert "2014-01-01" <= lo and hi <= "2025-12-31"
    assert int(n) == stats.ties and 0 < int(ended) < int(n)
    assert _one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?t es:startDate ?s ; es:endDate ?e FILTER(?e <= ?s) }") == 0
    assert _one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?t es:tieFrom ?x ; es:tieTo ?x }") == 0


def test_ties_are_mostly_local_but_owes_and_rops_reach_across(voivodeship):
    _, _, store = voivodeship
    same = dict(
        _rows(
            store,
            """SELECT ?same (COUNT(*) AS ?n) WHERE { ?t es:tieFrom ?a ; es:tieTo ?b .
        ?a org:classification esk:ops ; schema:location ?ga . ?b schema:location ?gb BIND(STR(?ga = ?gb) AS ?same) } GROUP BY ?same""",
        )
    )
    assert int(same["true"]) > 4 * int(same.get("false", 0))
    far = _one(
        store,
        """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?t es:tieFrom ?a ; es:tieTo ?b .
        ?a org:classification esk:owes . ?b schema:location/schema:containedInPlace ?p }""",
    )
    assert far >= 10  # OWES ties reach most of the 14 powiaty
    advised = _one(
        store,
        """SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { ?t es:tieKind est:advice ; es:tieFrom ?r ; es:tieTo ?b .
        ?r org:classification esk:rops . ?b schema:location ?g }""",
    )
    assert advised > 30


def test_agreement_memberships_with_paper_partners_and_later_joiners(voivodeship):
    _, stats, store = voivodeship
    assert _one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a a org:OrganizationalCollaboration }") == 14
    assert _one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?m a org:Membership }") == stats.memberships
    mismatched = _one(
        store,
        """SELECT (COUNT(*) AS ?n) WHERE { ?m a org:Membership ; es:startDate ?d ; org:role ?r ;
        org:member ?x ; org:organization ?a ; org:memberDuring/time:hasBeginning/time:inXSDDate ?d2 FILTER(?d != ?d2) }""",
    )
    assert mismatched == 0
    paper = _one(
        store,
        """SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?m org:member ?x ; org:role esrole:signatory
        FILTER NOT EXISTS { ?t es:tieFrom|es:tieTo ?x } }""",
    )
    assert paper > 0
    roles = dict(_rows(store, "SELECT ?r (COUNT(*) AS ?n) WHERE { ?m org:role ?r } GROUP BY ?r"))
    assert {r.rsplit("/", 1)[1] for r in roles} == {"signatory", "initiator", "supporter"}
    later = _one(
        store,
        """SELECT (COUNT(*) AS ?n) WHERE { ?a a org:OrganizationalCollaboration .
        { SELECT ?a (MIN(?d) AS ?first) WHERE { ?m org:organization ?a ; es:startDate ?d } GROUP BY ?a }
        ?m org:organization ?a ; es:startDate ?d FILTER(?d > ?first) }""",
    )
    assert later > 0


def test_no_blank_nodes(county):
    _, _, store = county
    assert _one(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }") == 0


def test_bad_input_raises_naming_what_and_where(tmp_path):
    with pytest.raises(SyntheticError, match="unknown scale 'town'"):
        generate("town", seed=1)
    missing = tmp_path / "nope.csv"
    with pytest.raises(SyntheticError, match=f"TERC file not found: {missing}"):
        generate("county", seed=1, teryt_path=missing)
    bad = tmp_path / "bad.csv"
    bad.write_text("WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n26;;;;X;województwo;2020-01-01\n26;1x;;;y;powiat;2020-01-01\n")
    with pytest.raises(SyntheticError, match=f"{bad}:3: POW must be 2 digits"):
        read_terc(bad)
    with pytest.raises(SyntheticError, match="output folder does not exist"):
        write_synthetic("county", seed=1, out=tmp_path / "no" / "x.ttl")


def test_cli_writes_atomically_and_exits_2_on_bad_input(tmp_path):
    out = tmp_path / "c.ttl"
    out.write_text("old")
    ok = subprocess.run([sys.executable, SCRIPT, "--scale", "county", "--seed", "1", "--out", out],
                        capture_output=True, text=True, timeout=60)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "triples" in ok.stdout and f"{len(rdflib.Graph().parse(out)):,} triples" in ok.stdout
    assert out.read_text(encoding="utf-8") == generate("county", seed=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".c.ttl.stamp", "c.ttl"]  # no temp file left behind
    assert is_stamped(out, out.read_bytes())  # the stable form, so a first edit rewrites only its blocks
    bad = tmp_path / "bad.csv"
    bad.write_text(DEFAULT_TERC.read_text(encoding="utf-8").replace("26;11;;;", "26;11;;", 1), encoding="utf-8")
    for args, needle in ((["--scale", "town"], "invalid choice"), (["--scale", "county", "--teryt", bad], f"{bad.name}:")):
        run = subprocess.run([sys.executable, SCRIPT, "--seed", "1", "--out", tmp_path / "x.ttl", *args],
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        assert run.returncode == 2 and needle in run.stderr, run.stderr
    assert not (tmp_path / "x.ttl").exists()


def test_repo_copy_of_terc_keeps_the_gus_attribution():
    readme = (DEFAULT_TERC.parent / "README.md").read_text(encoding="utf-8")
    assert "Źródło: GUS, rejestr TERYT (TERC), stan na 2020-01-01" in readme
    assert DEFAULT_TERC.read_bytes().count(b"\n") == 4196


def test_merges_cleanly_with_the_real_territory_file(voivodeship):
    """Units and the GUS source carry the same labels and titles as data/territory.ttl."""
    out, _, _ = voivodeship
    store = ox.Store()
    for path in (out, ROOT / "data" / "territory.ttl"):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    clashes = _rows(
        store,
        """SELECT ?s ?p (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o
        FILTER(?p IN (skos:prefLabel, dcterms:title, dcterms:publisher, skos:notation, schema:containedInPlace))
        } GROUP BY ?s ?p (LANG(?o)) HAVING (COUNT(DISTINCT ?o) > 1)""",
    )
    assert clashes == []
    assert _rows(store, "SELECT ?l WHERE { terc:26 skos:prefLabel ?l FILTER(LANG(?l) = 'pl') }") == [("świętokrzyskie",)]
