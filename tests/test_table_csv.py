"""The CSV download under each table of the Overview, Meeting and Profile pages
(ui.widgets.csv_download): the file holds the table as shown (its headings, its
rows, the session's language) with formula-like cells made inert (SECURITY T19),
under a safe file name."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest
from streamlit.navigation.page import calc_hash
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from graph.results import spreadsheet_cell
from graph.settings import DATA_DIR
from ui.widgets import table_csv

ROOT = Path(__file__).resolve().parent.parent
ORG = "https://w3id.org/es-pl/id/org/"
HOSTILE = '=HYPERLINK("http://x")'


def test_table_csv_keeps_the_table_and_makes_formulas_inert():
    frame = pd.DataFrame({"Nazwa": [HOSTILE, "Gmina Wąchock", None], "=Sektor": ["-", "@SUM(1)", "ekonomia"], "Liczba": [-2, 3, 0]})
    text = table_csv(frame).decode("utf-8")
    assert not text.startswith("\ufeff")  # plain UTF-8, like the project's other CSV downloads
    assert text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Nazwa", "'=Sektor", "Liczba"],
        ["'" + HOSTILE, "'-", "-2"],
        ["Gmina Wąchock", "'@SUM(1)", "3"],
        ["", "ekonomia", "0"],
    ]
    assert frame.columns[1] == "=Sektor" and frame.iloc[0, 0] == HOSTILE  # the shown table is untouched


@pytest.fixture(scope="module")
def hostile_data(tmp_path_factory) -> Path:
    """The bundled data with Gmina Starachowice (a signatory with ties) named by a formula."""
    data = tmp_path_factory.mktemp("table_csv") / "entities.ttl"
    text = (DATA_DIR / "entities.ttl").read_text(encoding="utf-8")
    assert text.count('"Gmina Starachowice"@pl') == 1
    data.write_text(text.replace('"Gmina Starachowice"@pl', '"=HYPERLINK(\\"http://x\\")"@pl'), encoding="utf-8")
    return data


@pytest.fixture
def app(hostile_data: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv("GRAPH_DATA", str(hostile_data))
    for name in ("GRAPH_BACKEND", "GRAPH_SPARQL_QUERY_URL", "GRAPH_QUERY_TIMEOUT", "GRAPH_MAX_ROWS"):
        monkeypatch.delenv(name, raising=False)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()


def _open(at: AppTest, page: str, **query) -> AppTest:
    for key, value in query.items():
        at.query_params[key] = value
    at._page_hash = calc_hash(page)  # noqa: SLF001 - function pages have no file to switch_page to
    at.run()
    assert not at.exception, at.exception
    return at


class Table(NamedTuple):
    frame: pd.DataFrame  # as shown
    file: str  # the download's file name
    text: str  # the download's content


def _stored(media: list, url: str):
    name = url.rsplit("/", 1)[-1]
    for storage in reversed(media):  # the newest run's storage first
        try:
            return storage.get_file(name)
        except MediaFileStorageError:
            continue
    raise AssertionError(f"no media file {name}")


def _tables(at: AppTest, media: list) -> dict[str, Table]:
    """Each table with a CSV button right under it, by the button's key less ``_csv``."""
    out, previous = {}, None
    for node in at.main:
        if isinstance(node, Block):
            continue
        if node.type == "download_button" and (node.key or "").endswith("_csv"):
            assert previous is not None and previous.type == "dataframe", f"{node.key} is not right under a table"
            stored = _stored(media, node.proto.url)
            assert stored.mimetype == "text/csv"
            out[node.key.removesuffix("_csv")] = Table(previous.value, stored.filename, stored.content.decode("utf-8"))
        previous = node
    return out


def _rows(table: Table) -> list[list[str]]:
    """The file's rows, after checking they are the shown table's headings and rows (made inert)."""
    rows = list(csv.reader(io.StringIO(table.text)))
    shown = [list(table.frame.columns), *(list(r) for r in table.frame.itertuples(index=False))]
    assert rows == [[spreadsheet_cell(None if pd.isna(v) else v) for v in row] for row in shown]
    return rows


def _cells(rows: list[list[str]]) -> set[str]:
    return {c for row in rows for c in row}


def test_overview_tables_download_as_shown(app, media):
    at = _open(app, "overview")
    tables = _tables(at, media)
    assert {"overview_kind", "overview_sector", "overview_ties", "overview_grid"} <= set(tables)
    for table in tables.values():
        _rows(table)
    assert tables["overview_kind"].file == "organizacje-wedlug-rodzaju.csv"
    assert tables["overview_grid"].file == "organizacje-wedlug-gmin.csv"
    assert "Starachowice" in _cells(_rows(tables["overview_grid"]))
    members = next(table for key, table in tables.items() if key.startswith("timeline_"))
    assert members.file.startswith("czlonkowie-porozumienia-") and members.file.endswith(".csv")
    assert HOSTILE in set(members.frame["Członek"])  # shown as it is
    rows = _rows(members)
    assert rows[0][:2] == ["Data", "Członek"]
    assert "'" + HOSTILE in _cells(rows) and HOSTILE not in _cells(rows)
    # in English: English headings and file names
    at.sidebar.radio(key="lang").set_value("en").run()
    kinds = _tables(at, media)["overview_kind"]
    assert kinds.file == "organisations-by-kind.csv"
    assert _rows(kinds)[0] == ["Category", "Count"]


def test_meeting_tables_download_as_shown(app, media):
    at = _open(app, "meeting")
    tables = _tables(at, media)  # step 1: who signed, with the picture's tables
    orgs = next(table for key, table in tables.items() if key.endswith("_orgs"))
    assert orgs.file == "organizacje-z-rysunku.csv"
    rows = _rows(orgs)
    assert "'" + HOSTILE in _cells(rows) and HOSTILE not in _cells(rows)
    ties = next(table for key, table in tables.items() if key.endswith("_ties"))
    assert ties.file == "powiazania-z-rysunku.csv"
    assert len(_rows(ties)) == len(ties.frame) + 1 > 1
    for _ in range(3):
        at.button(key="meeting_next").click().run()
    assert at.title[0].value == "Luki według gmin"
    grid = _tables(at, media)["meeting_grid"]
    assert grid.file == "luki-wedlug-gmin.csv"
    assert "Starachowice" in _cells(_rows(grid))


def test_profile_tables_download_as_shown(app, media):
    at = _open(app, "profile", org=ORG + "ss-starachowiczanka")
    tables = _tables(at, media)
    assert {"profile_facts", "profile_ties"} <= set(tables)
    for table in tables.values():
        _rows(table)
    assert tables["profile_ties"].file == "powiazania-spoldzielnia-socjalna-starachowiczanka.csv"
    rows = _rows(tables["profile_ties"])
    assert "'" + HOSTILE in _cells(rows) and HOSTILE not in _cells(rows)
    # the organisation named by a formula: its name is slugged into a safe file name
    at = _open(at, "profile", org=ORG + "gmina-starachowice")
    assert _tables(at, media)["profile_facts"].file == "profil-organizacji-hyperlink-http-x.csv"
