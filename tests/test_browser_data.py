"""The data page's import in a real browser (issue 6): AppTest cannot drive
``st.file_uploader``, so Playwright drives Debian's chromium against
``streamlit run app.py`` started here on a free port, editing a copy of
``data/entities.ttl`` in a temporary folder behind an editor password.

An editor logs in, uploads a Windows-1250 ``organisations.csv`` with Polish
letters, sees the dry run, applies it and the copy holds the organisation with
its name intact; an upload with a bad row names the row and column and leaves
the copy byte-identical.  Screenshots go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness import CHROMIUM, streamlit_server
from rdflib import Graph, Literal, URIRef

from graph.model import ESO, ORG, PROV, SDO, SKOS, TERC

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "hasło-źdźbło-2017"  # not ASCII: the password travels through the form intact
WHO = "Łucja Żak"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"

NAME = "Spółdzielnia Socjalna „Źdźbło” w Wąchocku"
ADDRESS = "ul. Żeromskiego 5, 27-215 Wąchock"
# the documented columns (docs/editing.md, graph.edit.ORG_COLUMNS); Polish Excel saves CSV as Windows-1250 with ";"
GOOD_CSV = (
    "id;name;kind;teryt;address;nip;source\r\n"
    f"test-zdzblo;{NAME};spółdzielnia socjalna;2611053;{ADDRESS};5261040828;https://example.org/zdzblo\r\n"
).encode("cp1250")
BAD_CSV = (
    "id;name;kind;teryt;source\r\n"
    "test-dobra;Fundacja Dobra Wola;fundacja;2611011;https://example.org/dobra\r\n"
    "test-zla;Fundacja Łąka;fundacja;26110;https://example.org/laka\r\n"  # row 3: a 5-digit TERC code in column D
).encode("cp1250")

if not Path(CHROMIUM).exists():  # pragma: no cover - ./run test installs it
    pytest.skip(f"chromium not found at {CHROMIUM} (apt package chromium; set CHROMIUM)", allow_module_level=True)


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "entities.ttl"
    shutil.copyfile(ROOT / "data" / "entities.ttl", path)
    return path


@pytest.fixture(scope="module")
def server(data_file: Path):
    env = {
        "GRAPH_DATA": str(data_file),
        "GRAPH_HISTORY": str(data_file.with_suffix(".history.jsonl")),
        "GRAPH_EDITOR_PASSWORD": PASSWORD,
    }
    with streamlit_server(env, clean=True) as base:  # no outside data, store or history
        yield base


@pytest.fixture
def page(browser, server):
    """A fresh session (nothing uploaded yet) on the data page's import tab, logged in as WHO."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="pl-PL")
    outside: list[str] = []
    context.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:")) else outside.append(r.url))
    page = context.new_page()
    page.goto(f"{server}/data")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.get_by_label("Hasło edytora").fill(PASSWORD)
    page.get_by_role("button", name="Odblokuj edycję").click()
    who = page.get_by_role("textbox", name="Kto wprowadza zmiany")
    who.fill(WHO)
    who.press("Enter")
    page.get_by_role("tab", name="Import z arkusza").click()
    page.locator("input[type=file]").wait_for(state="attached", timeout=30_000)
    yield page
    context.close()
    assert not outside, f"requests left the machine: {outside}"


def _upload(page, name: str, data: bytes) -> None:
    page.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


def _grids(page, n: int) -> dict[str, list[dict[str, str]]]:
    """The ``n`` tables (st.dataframe) of the open tab, by their first column's header, as
    rows of header -> text.  The cells are drawn on a canvas; the grid's accessible table
    beside it holds their text."""
    from playwright.sync_api import expect

    panel = page.get_by_role("tabpanel")  # the open tab only: the others are hidden
    expect(panel.get_by_test_id("stDataFrame")).to_have_count(n, timeout=30_000)
    expect(panel.locator("table[role=grid]")).to_have_count(n, timeout=30_000)
    return panel.evaluate(
        """(panel) => Object.fromEntries([...panel.querySelectorAll("table[role=grid]")].map((table) => {
            const heads = [...table.querySelectorAll("th")].map((th) => th.textContent.trim());
            const rows = [...table.querySelectorAll("tbody tr")].map((tr) =>
                Object.fromEntries([...tr.querySelectorAll("td")].map((td, i) => [heads[i], td.textContent.trim()])));
            return [heads[0], rows];
        }))"""
    )


def test_a_windows_1250_csv_is_previewed_then_applied(page, data_file: Path):
    from playwright.sync_api import expect

    before = data_file.read_bytes()
    _upload(page, "organizacje.csv", GOOD_CSV)
    ready = page.get_by_text("Gotowe do zapisu: 1 organizacja, 0 powiązań")
    expect(ready).to_be_visible(timeout=30_000)
    # one table read (encoding detected), no table of problems: not even a warning
    assert _grids(page, 1) == {"Plik": [{"Plik": "organizacje.csv", "Tabela": "organizacje", "Wiersze": "1", "Kodowanie": "windows-1250"}]}
    assert data_file.read_bytes() == before  # the preview is a dry run
    page.screenshot(path=str(ARTIFACTS / "data-import-preview.png"), full_page=True)

    page.get_by_role("button", name="Zapisz import").click()
    expect(page.get_by_text("Zapisano: import organizacje.csv")).to_be_visible(timeout=30_000)
    page.get_by_role("tab", name="Import z arkusza").click()  # the saved message above the tabs reopens the first tab
    # the file is still selected: planned again, the same rows now change nothing
    expect(page.get_by_text("Nic do zmiany: te fakty są już w danych.")).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)  # let the tab underline settle for the picture
    page.screenshot(path=str(ARTIFACTS / "data-import-applied.png"), full_page=True)

    g = Graph().parse(data_file, format="turtle")
    org = ESO["test-zdzblo"]
    assert set(g.objects(org, SKOS.prefLabel)) == {Literal(NAME, lang="pl")}
    assert set(g.objects(org, SDO.address)) == {Literal(ADDRESS)}
    assert set(g.objects(org, SDO.location)) == {TERC["2611053"]}
    assert set(g.objects(org, ORG.classification)) == {URIRef("https://w3id.org/es-pl/kind/social_cooperative")}
    source = g.value(org, PROV.wasDerivedFrom)
    assert source is not None and URIRef("https://example.org/zdzblo") in set(g.objects(source, SDO.url))
    history = data_file.with_suffix(".history.jsonl").read_text(encoding="utf-8")
    assert history.count("\n") == 1 and WHO in history


def test_a_bad_row_is_named_and_nothing_is_written(page, data_file: Path):
    from playwright.sync_api import expect

    before = data_file.read_bytes()
    history = data_file.with_suffix(".history.jsonl")
    history_before = history.read_bytes() if history.exists() else None
    _upload(page, "organizacje-błąd.csv", BAD_CSV)
    expect(page.get_by_text("1 błąd: nic nie zostanie zapisane.")).to_be_visible(timeout=30_000)
    assert _grids(page, 2)["Waga"] == [
        {
            "Waga": "błąd",
            "Plik": "organizacje-błąd.csv",
            "Wiersz": "3",
            "Kolumna": "D",
            "Pole": "Gmina siedziby (TERC)",
            "Problem": "kod TERC gminy ma 7 cyfr, jest '26110'",
        }
    ]
    expect(page.get_by_role("button", name="Zapisz import")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "data-import-bad-row.png"), full_page=True)
    assert data_file.read_bytes() == before
    assert (history.read_bytes() if history.exists() else None) == history_before
