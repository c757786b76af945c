"""The meeting room and the analyst's desk in a real browser (issue 15).

One ``streamlit run app.py`` and one Debian chromium for the module.  The
network draws the agreement with its members (no signatory left looking
isolated); the meeting report downloads from meeting mode and reads back as
a PDF with page numbers; screenshots land in ``test-artifacts/``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from harness import CHROMIUM, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AGREEMENT = "https://w3id.org/es-pl/id/org/porozumienie-starachowice-2017"

if not Path(CHROMIUM).exists():  # pragma: no cover - ./run test installs it
    pytest.skip(f"chromium not found at {CHROMIUM} (apt package chromium; set CHROMIUM)", allow_module_level=True)


@pytest.fixture(scope="module")
def server():
    with streamlit_server({}, clean=True) as base:
        yield base


@pytest.fixture(scope="module")
def page(browser, server):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True, locale="pl-PL")
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    p = context.new_page()
    yield p
    context.close()
    outside = [u for u in requests if not u.startswith((server, "data:", "blob:", "about:"))]
    assert not outside, f"requests left the machine: {outside}"


def _open(page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def _network_frame(page):
    page.wait_for_selector("iframe", timeout=30_000)
    for _ in range(150):
        for frame in page.frames:
            if frame is not page.main_frame and frame.query_selector("#mynetwork[data-drawn='1']"):
                return frame
        page.wait_for_timeout(100)
    raise AssertionError("the network was not drawn")


def _members() -> set[str]:
    from graph.meeting.content import _members as members
    from graph.settings import Settings
    from graph.store import open_store

    _, _, _, found, others = members(open_store(Settings.from_env()), "2026-11-30", {})
    return {m.iri for m in found} | {m.iri for m in others}


def test_network_draws_the_agreement_with_its_members(page, server):
    _open(page, server, "network")
    frame = _network_frame(page)
    ends = frame.evaluate(
        f"""() => window.esNetwork.body.data.edges.get().filter(e => e.to === '{AGREEMENT}' || e.from === '{AGREEMENT}')
                 .map(e => e.to === '{AGREEMENT}' ? e.from : e.to)"""
    )
    members = _members()
    assert len(members) >= 12
    assert members <= set(ends), f"members with no line to the agreement: {members - set(ends)}"
    # nobody who signed is drawn as an isolate
    isolated = frame.evaluate(
        """() => { const n = window.esNetwork; return n.body.data.nodes.getIds().filter(id => n.getConnectedEdges(id).length === 0); }"""
    )
    assert not set(isolated) & members
    # short labels on the canvas, the full name in the tooltip
    node = frame.evaluate("() => window.esNetwork.body.data.nodes.get('https://w3id.org/es-pl/id/org/rops-swietokrzyskie')")
    assert node["label"] == "ROPS Kielce"
    assert node["title"].startswith("Regionalny Ośrodek Polityki Społecznej Urzędu Marszałkowskiego Województwa Świętokrzyskiego")
    assert node["shape"] == "dot"
    assert frame.evaluate("() => window.esNetwork.body.data.nodes.get('https://w3id.org/es-pl/id/org/gmina-brody').shape") == "square"
    legend = frame.eval_on_selector("#legend", "e => e.textContent")
    assert "Kształty (rodzaj)" in legend and "samorząd i administracja" in legend
    page.screenshot(path=str(ARTIFACTS / "a11y-network.png"))
    # the switch hides the memberships (the agreement keeps only its working ties)
    page.get_by_text("Pokaż porozumienie i jego członków").click()
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    count = f"() => window.esNetwork.body.data.edges.get().filter(e => e.to === '{AGREEMENT}' || e.from === '{AGREEMENT}').length"
    for _ in range(100):
        if _network_frame(page).evaluate(count) < len(members):
            break
        page.wait_for_timeout(100)
    assert _network_frame(page).evaluate(count) < len(members)


def test_meeting_report_downloads_as_a_pdf_with_page_numbers(page, server):
    from pypdf import PdfReader

    _open(page, server, "meeting")
    page.get_by_text("Raport na spotkanie (PDF, A4)").click()
    with page.expect_download(timeout=90_000) as info:
        page.get_by_role("button", name="Raport na spotkanie (PDF)").click()
    path = ARTIFACTS / "raport-spotkanie.pdf"
    info.value.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    n = len(reader.pages)
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages).replace("\u00a0", " "))
    assert f"Strona 1 z {n}" in text and f"Strona {n} z {n}" in text
    assert "Gmina Wąchock" in text and "10 członków" in text
    assert "Pojedyncze punkty awarii" in text
