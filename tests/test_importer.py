"""Spreadsheet import: encodings, every problem with row and column, all or nothing, idempotent."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from rdflib import Literal, URIRef

from graph.cli import main
from graph.edit.editor import Editor
from graph.edit.importer import (
    ORG_COLUMNS,
    TIE_COLUMNS,
    ImportError_,
    detect_encoding,
    plan_import,
    read_table,
    template_csv,
    template_xlsx,
)
from graph.io import load_graph
from graph.model import ES, ESO, SKOS
from graph.settings import DATA_DIR, Settings

ORGS = (
    "id;name;name_en;kind;teryt;address;nip;regon;krs;source;uwagi\n"
    "ss-zorza;Spółdzielnia Socjalna „Zórza” w Wąchocku;Zorza;spółdzielnia socjalna;2611053;ul. Żeromskiego 1;5261040828;610188201;28860;"
    "Uchwała Rady Gminy Wąchock nr 12/2021;notatka\n"
    ";Fundacja Łączy Nas;;FOUNDATION;2601022;;;;;https://example.org/laczy;\n"
)
TIES = (
    "from;to;kind;start;end;source\n"
    "ss-zorza;koowes;doradztwo i wsparcie;2021-03-01;;Uchwała Rady Gminy Wąchock nr 12/2021\n"
    "Fundacja Łączy Nas;5261040828;funding;01.02.2022;2023-01-31;https://example.org/laczy\n"
)


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    p = tmp_path / "entities.ttl"
    shutil.copyfile(DATA_DIR / "entities.ttl", p)
    return p


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_a_windows_1250_file_with_polish_letters_imports_correctly(data_file: Path, tmp_path: Path, capsys):
    orgs = _write(tmp_path, "organizacje.csv", ORGS, "cp1250")
    ties = _write(tmp_path, "powiazania.csv", TIES, "cp1250")
    with pytest.raises(UnicodeDecodeError):
        orgs.read_bytes().decode("utf-8")  # really not UTF-8
    assert detect_encoding(orgs.read_bytes()) == "cp1250"
    assert main(["import", str(orgs), str(ties), "--data", str(data_file), "--user", "Łucja Żak"]) == 0
    out = capsys.readouterr()
    assert "windows-1250" in out.out and "uwagi" in out.err  # the extra column is reported
    g = load_graph([data_file])
    zorza = ESO["ss-zorza"]
    assert (zorza, SKOS.prefLabel, Literal("Spółdzielnia Socjalna „Zórza” w Wąchocku", lang="pl")) in g
    assert (zorza, ES.nip, Literal("5261040828")) in g and (zorza, ES.krs, Literal("0000028860")) in g
    laczy = ESO["fundacja-laczy-nas"]
    assert (laczy, SKOS.prefLabel, Literal("Fundacja Łączy Nas", lang="pl")) in g
    assert (laczy, ES.funds, zorza) in g  # "to" given by NIP
    assert (URIRef("https://w3id.org/es-pl/id/terc/2601022"), SKOS.prefLabel, Literal("Gnojno", lang="pl")) in g  # gmina added from TERC
    editor_label = Literal("Łucja Żak")
    assert any(o == editor_label for o in g.objects(None, None))


def test_errors_on_several_rows_are_all_reported_and_nothing_is_written(data_file: Path, tmp_path: Path, capsys):
    bad_orgs = _write(
        tmp_path,
        "orgs.csv",
        "name;kind;teryt;nip;regon;source\n"
        "Dobra Fundacja;foundation;2611011;;;https://example.org/a\n"
        "Zła Fundacja;fundacjaa;2611011;1234563219;;https://example.org/b\n"
        ";foundation;9999999;;123456789;\n"
        "Dobra Fundacja;foundation;2611011;;;https://example.org/a\n",
    )
    bad_ties = _write(
        tmp_path,
        "ties.csv",
        "from,to,kind,start,end,source\nDobra Fundacja,nikt,funding,2020-02-30,,x\nDobra Fundacja,koowes,nic,2020-01-01,2019-01-01,\n",
    )
    before = data_file.read_bytes()
    assert main(["import", str(bad_orgs), str(bad_ties), "--data", str(data_file), "--user", "Ala"]) == 1
    err = capsys.readouterr().err
    expected = [
        "orgs.csv, row 3, column B (kind): unknown kind 'fundacjaa'",
        "orgs.csv, row 3, column D (nip): NIP: wrong check digit",
        "orgs.csv, row 4, column A (name): the (Polish) name is required",
        "orgs.csv, row 4, column C (teryt): no gmina with TERC code '9999999'",
        "orgs.csv, row 4, column E (regon): REGON: wrong check digit",
        "orgs.csv, row 4, column F (source): a source is required",
        "orgs.csv, row 5, column A (name): duplicate of row 2",
        "ties.csv, row 2, column B (to): no organisation 'nikt'",
        "ties.csv, row 2, column D (start): bad date '2020-02-30'",
        "ties.csv, row 3, column C (kind): unknown tie kind 'nic'",
        "ties.csv, row 3, column E (end): the end date is before the start date",
        "ties.csv, row 3, column F (source): a source is required",
    ]
    for line in expected:
        assert line in err, line
    assert "nothing was written" in err
    assert data_file.read_bytes() == before
    assert not (data_file.parent / "entities.history.jsonl").exists()


def test_the_dry_run_writes_nothing_and_a_second_import_is_a_no_op(data_file: Path, tmp_path: Path, capsys):
    orgs = _write(tmp_path, "orgs.csv", ORGS)
    ties = _write(tmp_path, "ties.csv", TIES)
    before = data_file.read_bytes()
    assert main(["import", str(orgs), str(ties), "--dry-run", "--data", str(data_file)]) == 0
    assert "dry run" in capsys.readouterr().out
    assert data_file.read_bytes() == before
    assert main(["import", str(orgs), str(ties), "--data", str(data_file), "--user", "Ala"]) == 0
    once = data_file.read_bytes()
    log = (data_file.parent / "entities.history.jsonl").read_text()
    assert once != before and log.count("\n") == 1
    capsys.readouterr()
    assert main(["import", str(orgs), str(ties), "--data", str(data_file), "--user", "Ola"]) == 0
    assert "nothing to change" in capsys.readouterr().out
    assert data_file.read_bytes() == once
    assert (data_file.parent / "entities.history.jsonl").read_text() == log


def test_a_row_matching_an_existing_organisation_adds_to_it(data_file: Path, tmp_path: Path):
    # no id: the organisation is found by its exact name in its gmina, and only the NIP is new
    orgs = _write(
        tmp_path,
        "orgs.csv",
        "name;kind;teryt;nip;source\nKielecko-Ostrowiecki Ośrodek Wsparcia Ekonomii Społecznej;owes;2661011;5261040828;https://example.org/koowes\n",
    )
    editor = Editor(Settings(data=(data_file,)))
    plan = plan_import(editor.context(), read_table(orgs.read_bytes(), orgs.name), who="Ala")
    assert plan.ok, [p.text() for p in plan.problems]
    assert (ESO.koowes, ES.nip, Literal("5261040828")) in plan.change.added
    assert not any(p.rule == "duplicate" for p in plan.problems)


def test_an_xlsx_workbook_with_both_sheets_and_numbers_as_cells(data_file: Path, tmp_path: Path):
    wb = Workbook()
    ws = wb.active
    ws.title = "organisations"
    ws.append(list(ORG_COLUMNS))
    ws.append(["", "Stowarzyszenie Liczb", "", "association", 2611011, "", 5261040828, 610188201, 28860, "Statut"])
    ws2 = wb.create_sheet("ties")
    ws2.append(list(TIE_COLUMNS))
    import datetime as dt

    ws2.append(["Stowarzyszenie Liczb", "koowes", "referral", dt.datetime(2020, 5, 4), None, "Statut"])
    buf = io.BytesIO()
    wb.save(buf)
    tables = read_table(buf.getvalue(), "lista.xlsx")
    assert [t.kind for t in tables] == ["organisations", "ties"]
    editor = Editor(Settings(data=(data_file,)))
    plan = plan_import(editor.context(), tables, who="Ala")
    assert plan.ok, [p.text() for p in plan.problems]
    done = editor.commit(plan.change, check=False)
    g = load_graph([data_file])
    org = ESO["stowarzyszenie-liczb"]
    assert (org, ES.regon, Literal("610188201")) in g
    assert (org, ES.refersClientsTo, ESO.koowes) in g
    assert len(done.added) > 20


def test_templates_hold_exactly_the_documented_columns():
    assert template_csv("organisations").decode("utf-8-sig").strip() == ";".join(ORG_COLUMNS)
    assert template_csv("ties").decode("utf-8-sig").strip() == ";".join(TIE_COLUMNS)
    wb = load_workbook(io.BytesIO(template_xlsx()))
    assert [c.value for c in wb["organisations"][1]] == list(ORG_COLUMNS)
    assert [c.value for c in wb["ties"][1]] == list(TIE_COLUMNS)
    # the help sheet is skipped, and an empty template imports nothing
    assert [t.kind for t in read_table(template_xlsx(), "template.xlsx")] == ["organisations", "ties"]


@pytest.mark.parametrize("content", [b"root:x:0:0:root:/root:/bin/bash\n", b"file:///etc/hostname\n", b"http://127.0.0.1:9/evil.csv\n"])
def test_content_is_never_taken_as_a_location(content: bytes):
    # SECURITY T3: the bytes are parsed as a table, never opened or fetched
    with pytest.raises(ImportError_, match="header"):
        read_table(content, "upload.csv")


def test_likely_duplicates_are_warned_and_the_same_facts_change_nothing(data_file: Path):
    # SECURITY T14
    from graph.edit import OrganisationInput, add_organisation

    editor = Editor(Settings(data=(data_file,)))
    first = OrganisationInput(
        name="Fundacja „Jedność”", kind="foundation", teryt="2611011", nip="5261040828", source="https://example.org/j"
    )
    done = editor.commit(add_organisation(editor.context(), first, who="Ala"))
    assert not done.empty and not done.warnings
    again = add_organisation(editor.context(), first, who="Ola")
    assert again.empty  # the same facts: nothing to write, no PROV either
    same_nip = add_organisation(
        editor.context(),
        OrganisationInput(name="Fundacja Inna", kind="foundation", teryt="2611022", nip="526 104 08 28", source="x"),
        who="Ala",
    )
    assert [(w.field, w.rule) for w in same_nip.warnings] == [("nip", "duplicate")]
    assert "fundacja-jednosc" in same_nip.warnings[0].message_en
    same_name = add_organisation(
        editor.context(),
        OrganisationInput(id="jednosc-2", name="FUNDACJA JEDNOŚĆ", kind="foundation", teryt="2611011", source="x"),
        who="Ala",
    )
    assert [(w.field, w.rule) for w in same_name.warnings] == [("name", "duplicate")]
    assert ESO["jednosc-2"] in {t[0] for t in same_name.added}
