"""The dashboard in a real browser: Playwright drives Debian's chromium against
``streamlit run app.py`` started here on a free port (one server and one browser
for the module).  The data is the bundled file plus organisations whose labels
hold ``<img onerror>`` and ``<script>`` (tests/fixtures/hostile_labels.ttl).

Screenshots of each page go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest
from harness import CHROMIUM, network_frame, open_page, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile_labels.ttl"
DATA = f"{ROOT / 'data' / 'entities.ttl'}{os.pathsep}{HOSTILE}"
IMG_ORG = "https://w3id.org/es-pl/id/org/test-hostile-img"
SCRIPT_ORG = "https://w3id.org/es-pl/id/org/test-hostile-script"

if not Path(CHROMIUM).exists():  # pragma: no cover - ./run test installs it
    pytest.skip(f"chromium not found at {CHROMIUM} (apt package chromium; set CHROMIUM)", allow_module_level=True)


@pytest.fixture(scope="module")
def server():
    with streamlit_server({"GRAPH_DATA": DATA}) as base:
        yield base


class Recorder:
    """Every request, dialog and page error of a browser context."""

    def __init__(self, context):
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("page", self._watch)

    def _watch(self, page):
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def outside(self, allowed_prefix: str) -> list[str]:
        return [u for u in self.requests if not u.startswith((allowed_prefix, "data:", "blob:", "about:"))]


@pytest.fixture(scope="module")
def session(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, accept_downloads=True, locale="pl-PL")
    rec = Recorder(context)
    page = context.new_page()
    yield page, rec
    context.close()
    assert not rec.outside(server), f"requests left the machine: {rec.outside(server)}"


def _open(page, base: str, path: str) -> None:
    open_page(page, base, path)


def _network_frame(page):
    return network_frame(page, tries=100)


def _no_script_ran(page, rec: Recorder) -> None:
    assert not rec.dialogs, f"a dialog opened: {rec.dialogs}"
    for frame in page.frames:
        assert frame.evaluate("() => typeof window.__xss") == "undefined", f"a hostile script ran in {frame.url}"
        assert frame.evaluate('() => document.querySelectorAll(\'img[src="x"], img[src$="/x"]\').length') == 0


def _expected_nodes() -> int:
    from graph.analysis.projection import to_networkx
    from graph.settings import Settings
    from graph.store import open_store
    from graph.views.explore import filter_graph

    store = open_store(Settings(data=tuple(Path(p) for p in DATA.split(os.pathsep))))
    return filter_graph(
        to_networkx(store, include_memberships=True)
    ).number_of_nodes()  # the agreement and its members are drawn by default


def test_network_canvas_draws_every_node(session, server):
    page, rec = session
    _open(page, server, "network")
    frame = _network_frame(page)
    drawn = frame.eval_on_selector("#mynetwork", "e => [Number(e.dataset.nodes), Number(e.dataset.edges)]")
    assert drawn[0] == _expected_nodes() == 32  # 30 before issue 10: +3 organisations (CUS, Fundacja ARR, Centrum Pomocy Uchodźcom), -1 unnamed coordinator
    assert frame.evaluate("() => window.esNetwork.body.data.nodes.length") == drawn[0]
    assert frame.query_selector("#mynetwork canvas") is not None
    # the hostile labels are data of the canvas, as text
    labels = frame.evaluate(
        f"() => [window.esNetwork.body.data.nodes.get('{IMG_ORG}').label, window.esNetwork.body.data.nodes.get('{SCRIPT_ORG}').title]"
    )
    assert labels[0].startswith("Zlośliwe <img src=x")  # the short name on the canvas (full name in the tooltip)
    assert "</script><script>window.__xss=2" in labels[1]
    _no_script_ran(page, rec)
    page.screenshot(path=str(ARTIFACTS / "network.png"))


def test_tooltip_and_info_panel_show_text(session, server):
    page, rec = session
    frame = _network_frame(page)
    # click the hostile node: the info panel shows its title as text
    frame.evaluate(f"() => window.esNetwork.selectNodes(['{IMG_ORG}'])")
    pos = frame.evaluate(f"() => window.esNetwork.canvasToDOM(window.esNetwork.getPositions(['{IMG_ORG}'])['{IMG_ORG}'])")
    box = frame.frame_element().bounding_box()
    canvas = frame.eval_on_selector("#mynetwork", "e => { const r = e.getBoundingClientRect(); return [r.x, r.y]; }")
    page.mouse.click(box["x"] + canvas[0] + pos["x"], box["y"] + canvas[1] + pos["y"])
    page.wait_for_timeout(400)
    info = frame.eval_on_selector("#info", "e => e.textContent")
    assert 'Zlośliwe <img src=x onerror="window.__xss=1;alert(1)"> Stowarzyszenie' in info
    assert frame.eval_on_selector("#info", "e => e.children.length") == 0
    _no_script_ran(page, rec)


def test_hostile_labels_render_literally_in_streamlit(session, server):
    page, rec = session
    _open(page, server, f"profile?org={quote(IMG_ORG, safe='')}")
    header = page.locator("h2").first.inner_text()
    assert header.startswith("Zlośliwe <img src=x onerror=")
    _open(page, server, f"profile?org={quote(SCRIPT_ORG, safe='')}")
    assert "</script><script>window.__xss=2;alert(2)</script>" in page.locator("h2").first.inner_text()
    # search on the Network page: the result links show the labels as text
    _open(page, server, "network")
    page.get_by_label("Szukaj organizacji").fill("zlosliwe")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    assert page.get_by_text("Znaleziono: 1 wynik").count() == 1
    _no_script_ran(page, rec)
    assert not any(u.rstrip("/").endswith("/x") or "example.invalid" in u for u in rec.requests)
    page.screenshot(path=str(ARTIFACTS / "network-search.png"))


def test_exported_html_works_offline(session, server, browser, tmp_path):
    page, _ = session
    _open(page, server, "network")
    _network_frame(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Pobierz ten widok (HTML offline)").click()
    path = ARTIFACTS / "export.html"
    info.value.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert "<img src=x" not in html
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    rec = Recorder(context)
    offline = context.new_page()
    offline.goto(path.as_uri())
    offline.wait_for_selector("#mynetwork[data-drawn='1']", state="attached", timeout=20_000)
    assert int(offline.eval_on_selector("#mynetwork", "e => e.dataset.nodes")) == _expected_nodes()
    offline.screenshot(path=str(ARTIFACTS / "export-offline.png"))
    assert rec.requests == [path.as_uri()], f"the exported file asked for more: {rec.requests}"
    assert not rec.dialogs and offline.evaluate("() => typeof window.__xss") == "undefined"
    # its PNG button saves the canvas
    with offline.expect_download() as png:
        offline.click("#png")
    assert png.value.suggested_filename.endswith(".png")
    png.value.save_as(ARTIFACTS / "export-button.png")
    assert (ARTIFACTS / "export-button.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    context.close()


def test_meeting_mode_steps_through_views(session, server):
    page, rec = session
    _open(page, server, "meeting")
    assert not page.locator("[data-testid='stSidebar']").is_visible(), "controls hidden"
    titles = []
    for i in range(5):
        titles.append(page.locator("h1").first.inner_text())
        page.screenshot(path=str(ARTIFACTS / f"meeting-{i + 1}.png"))
        if i < 4:
            page.get_by_role("button", name="Dalej").click()
            page.wait_for_timeout(300)
            page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    assert titles == [
        "Kto podpisał porozumienie",
        "Kto dołączył później",
        "Sieć współpracy dziś",
        "Luki według gmin",
        "Pojedyncze punkty awarii",
    ]
    assert "step=5" in page.url
    page.get_by_role("button", name="Wstecz").click()
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    assert page.locator("h1").first.inner_text() == "Luki według gmin"
    _no_script_ran(page, rec)


@pytest.mark.parametrize("path", ["", "gaps", "export", "profile?org=https%3A%2F%2Fw3id.org%2Fes-pl%2Fid%2Forg%2Fpowiat-starachowicki"])
def test_screenshots_of_pages(session, server, path):
    page, rec = session
    _open(page, server, path)
    assert page.locator("h1").count() >= 1
    assert not page.get_by_text("Traceback").count()
    name = (path.split("?")[0] or "overview").replace("/", "-")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    _no_script_ran(page, rec)
