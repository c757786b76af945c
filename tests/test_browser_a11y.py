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
from harness import CHROMIUM, network_evaluate, network_frame, open_page, streamlit_server

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
    open_page(page, base, path)


def _network_frame(page):
    return network_frame(page, tries=150)


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
        if network_evaluate(page, count) < len(members):
            break
        page.wait_for_timeout(100)
    assert network_evaluate(page, count) < len(members)


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


PAGES = (
    "",
    "network",
    "gaps",
    "profile?org=https%3A%2F%2Fw3id.org%2Fes-pl%2Fid%2Forg%2Fpowiat-starachowicki",
    "meeting",
    "export",
    "console",
    "data",
    "survey",
)
#: WCAG 2.0/2.1 A and AA rules of axe-core.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe(frame) -> list[dict]:
    """The serious and critical axe-core violations of ``frame`` (axe-core from axe-playwright-python, offline)."""
    from axe_playwright_python.sync_playwright import Axe

    frame.evaluate(Axe().axe_script)
    res = frame.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {AXE_TAGS!r}}}, resultTypes: ['violations']}})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in res["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_every_page_passes_axe_and_sets_its_language(page, server, lang):
    found = {}
    for path in PAGES:
        sep = "&" if "?" in path else "?"
        _open(page, server, f"{path}{sep}lang={lang}")
        page.wait_for_function(f"() => document.documentElement.lang === '{lang}'", timeout=10_000)
        name = (path.split("?")[0] or "overview").replace("/", "-")
        page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{lang}.png"), full_page=True)
        bad = _axe(page)
        helps = page.eval_on_selector_all("[data-testid='stApp'] button[aria-label]", "bs => bs.map(b => b.getAttribute('aria-label'))")
        english, polish = [h for h in helps if h.startswith("Help")], [h for h in helps if h.startswith("Pomoc")]
        if (english if lang == "pl" else polish):  # Streamlit's "Help for <label>", in the page's language
            bad.append({"id": "help-button-language", "nodes": english or polish})
        if path == "network":
            assert (polish if lang == "pl" else english), helps  # the page has help buttons: the check above saw some
        if path in ("network", "meeting", "export"):  # the picture's own page inside the iframe
            bad += _axe(_network_frame(page))
        if bad:
            found[name] = bad
    assert not found, f"axe-core found serious or critical violations: {found}"


def test_keyboard_alone_reaches_the_controls_in_order(page, server):
    _open(page, server, "network")
    names = []
    for _ in range(32):
        page.keyboard.press("Tab")
        names.append(
            page.evaluate(
                """() => { const e = document.activeElement;
                 const l = e.getAttribute('aria-label') || (e.labels && e.labels[0] && e.labels[0].textContent) || e.textContent || '';
                 return l.trim().slice(0, 60); }"""
            )
        )
    order = ["Przegląd", "Sieć", "Luki", "Polski", "Rodzaj podmiotu", "Gmina", "Pokaż porozumienie i jego członków", "Szukaj organizacji"]
    at = [next(i for i, n in enumerate(names) if n.startswith(label)) for label in order]
    assert at == sorted(at), f"focus order: {names}"
    # the search works from the keyboard
    page.keyboard.press("Escape")
    page.get_by_label("Szukaj organizacji").focus()
    page.keyboard.type("wachock")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(300)
    assert page.get_by_text("Znaleziono: 2 wyniki").count() == 1


def test_meeting_steps_by_keyboard_are_announced(page, server):
    _open(page, server, "meeting?lang=pl")
    assert page.locator("h1").first.inner_text() == "Kto podpisał porozumienie"
    page.wait_for_function(
        "() => document.getElementById('es-live') && document.getElementById('es-live').textContent.startsWith('Krok 1 z 5')"
    )
    page.get_by_role("button", name="Dalej").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('es-live').textContent === 'Krok 2 z 5: Kto dołączył później'", timeout=30_000)
    live = page.locator("#es-live")
    assert live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status"
    assert page.locator("h1").first.inner_text() == "Kto dołączył później"
    # the picture has its table: the agreement's members as text
    page.get_by_text("Tabela:").first.click()
    page.wait_for_timeout(500)
    assert page.get_by_text("Tabela: ").first.inner_text().startswith("Tabela: ")


def test_gaps_page_shows_each_finding_in_full_with_links(page, server):
    from graph.analysis import gap_report
    from graph.settings import Settings
    from graph.store import open_store

    report = gap_report(open_store(Settings.from_env()))
    longest = max((f for f in report.findings if f.category == "expectation"), key=lambda f: len(f.text_pl))
    assert len(longest.text_pl) > 80
    _open(page, server, "gaps")
    page.get_by_role("tab", name="Ustalenia").click()
    item = page.locator("li", has_text=longest.text_pl).first
    item.wait_for(state="visible", timeout=20_000)
    # the whole text is on screen: in the item's rendered text, nothing cut or scrolled away
    assert item.inner_text().startswith(longest.text_pl)
    assert item.evaluate("e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1")
    assert item.evaluate("e => getComputedStyle(e).textOverflow !== 'ellipsis' && getComputedStyle(e).overflow !== 'hidden'")
    # the organisation it is about links to its profile
    link = page.locator(f"a[href*='{longest.resources[0].iri.rsplit('/', 1)[1]}']").first
    assert "profile?org=" in link.get_attribute("href")
    assert page.get_by_text("⚠️ ostrzeżenie", exact=False).count() > 0
    page.screenshot(path=str(ARTIFACTS / "a11y-gaps-findings.png"), full_page=True)


BAD_QUERY = "SELECT ?s WHERE {\n  ?s a org:Organization .\n  FILTER(?s = )\n}"


def _editor_view_js(body: str) -> str:
    return f"() => {{ const v = document.querySelector('.es-sparql').__view; {body} }}"


def test_sparql_editor_completes_and_marks_the_error(page, server):
    from graph.errors import QueryError
    from graph.guard import guard_query

    _open(page, server, "console?lang=en")
    page.get_by_text("Your own query").click()
    page.wait_for_selector(".es-sparql .cm-content", timeout=30_000)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    # the example speaks the page's language
    assert page.locator(".cm-content").inner_text().startswith("# The project's prefixes")
    assert not _axe(page), "the editor has serious or critical axe-core violations"
    # completion of the project's classes (from data/vocabulary.ttl)
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n?x a es:Ti")
    page.wait_for_selector(".cm-tooltip-autocomplete li:has-text('es:Tie')", timeout=10_000)
    options = page.locator(".cm-tooltip-autocomplete li").all_inner_texts()
    assert any(o.startswith("es:Tie") for o in options), options
    first = page.locator(".cm-tooltip-autocomplete li[aria-selected='true'] .cm-completionLabel")
    assert first.text_content() == "es:Tie"
    page.keyboard.press("Enter")
    page.wait_for_function(_editor_view_js("return v.state.doc.toString().endsWith('?x a es:Tie');"), timeout=10_000)
    # bracket matching: the caret after "{" highlights its partner
    page.evaluate(
        _editor_view_js("v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: '{ ?s ?p ?o }'}, selection: {anchor: 1}});")
    )
    assert page.locator(".cm-matchingBracket").count() == 2
    # a syntax error is marked where the parser puts it
    with pytest.raises(QueryError) as err:
        guard_query(BAD_QUERY)
    line, column = err.value.line, err.value.column
    assert line is not None
    text = BAD_QUERY.replace("\n", "\\n")
    page.evaluate(_editor_view_js(f"v.dispatch({{changes: {{from: 0, to: v.state.doc.length, insert: '{text}'}}}});"))
    page.locator(".cm-content").press("Control+Enter")
    page.wait_for_function(f"() => document.querySelector('.es-sparql').dataset.error === '{line}:{column}'", timeout=30_000)
    marked = page.locator(".cm-lintRange-error").first
    marked.wait_for(timeout=10_000)
    lines = page.locator(".cm-line")
    index = lines.evaluate_all("(ls, m) => ls.findIndex(l => l.contains(m))", marked.element_handle())
    assert index == line - 1
    page.wait_for_function(
        f"() => document.querySelector('[data-testid=stMain]').innerText.includes('Syntax error at line {line}, column {column}')",
        timeout=30_000,
    )
    page.screenshot(path=str(ARTIFACTS / "a11y-console-editor.png"), full_page=True)
    # the session's history holds the query
    page.get_by_text("Query history of this session (1)").click()
    assert page.get_by_text("SELECT ?s WHERE {").count() >= 1


def test_profile_link_accepts_a_prefixed_name(page, server):
    _open(page, server, "profile?org=eso:mops-starachowice")
    assert page.locator("h2").first.inner_text().startswith("Miejski Ośrodek Pomocy Społecznej w Starachowicach")
