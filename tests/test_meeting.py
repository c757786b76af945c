"""The meeting report: ``python -m graph report`` to PDF (read back with pypdf) and HTML."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from graph.meeting import meeting_report, render_html
from graph.meeting.render import date_text
from graph.settings import Settings
from graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-30"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", "report", *args], capture_output=True, text=True, cwd=ROOT, check=False)


def flat(text: str) -> str:
    """PDF text with line breaks, hyphen breaks and non-breaking spaces folded to single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module")
def store():
    return open_store(Settings.from_env())


@pytest.fixture(scope="module")
def report(store):
    return meeting_report(store, as_of=AS_OF, since="2017-01-01")


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory) -> tuple[list[str], int]:
    out = tmp_path_factory.mktemp("report") / "spotkanie.pdf"
    proc = cli("--as-of", AS_OF, "--since", "2017-01-01", "--lang", "pl", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    reader = PdfReader(str(out))
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)  # A4 in mm
    return [flat(p.extract_text()) for p in reader.pages], len(reader.pages)


def test_pdf_has_members_with_polish_letters_and_page_numbers(pdf_text):
    pages, n = pdf_text
    text = " ".join(pages)
    assert n >= 2
    for i, page in enumerate(pages, 1):
        assert f"Strona {i} z {n}" in page
    assert "Gmina Wąchock" in text and "Powiatowy Urząd Pracy w Starachowicach" in text
    # 7 named signatories + 3 unnamed groups; the ROPS (initiator, supporter) and the OWES (supporter) are not members
    assert "10 członków" in text
    assert (
        "Regionalny Ośrodek Polityki Społecznej Urzędu Marszałkowskiego Województwa Świętokrzyskiego – inicjator, podmiot wspierający"
        in text
    )
    assert "nie później niż 20 stycznia 2017" in text


def test_pdf_has_a_findings_reason_and_the_sources(pdf_text, report):
    text = " ".join(pdf_text[0])
    findings = report.findings
    reason = next(f.text("pl") for f in findings if f.category == "expectation")
    assert flat(reason) in text
    assert "Sugerowane powiązania" in text and "Pojedyncze punkty awarii" in text
    assert "Źródła" in text and "TERC" in text


def test_members_and_roles(report):
    roles = {m.role for m in report.members}
    assert roles == {"signatory"}
    assert len(report.members) == 10
    assert {m.role for m in report.others} == {"initiator", "supporter"}
    assert not {m.iri for m in report.members} & {m.iri for m in report.others}


def test_html_in_english_escapes_every_value(report):
    hostile = dataclasses.replace(report.members[0], label_en='<script>alert(1)</script> & "Co"')
    html = render_html(dataclasses.replace(report, members=(hostile, *report.members[1:])), lang="en")
    assert '<html lang="en">' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Co&#34;" in html
    assert "10 members" in html and "Page " in html and "by 20\u00a0January 2017" in html
    # a supporter is not a member: it neither joins nor leaves among the changes (graph.analysis.timeline, issue 10)
    assert "Kielce-Ostrowiec Social Economy Support Centre joins: " not in html and "Gmina Brody joins: " in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html


def test_dates_keep_their_precision():
    assert date_text("2017-01-20", "pl", upper_bound=True) == "nie później niż 20\u00a0stycznia 2017"
    assert date_text("2009", "en") == "2009"


def test_bad_output_and_dates_are_refused(tmp_path):
    proc = cli("-o", str(tmp_path / "raport.docx"))
    assert proc.returncode == 2 and "must end in .pdf or .html" in proc.stderr
    proc = cli("--as-of", "2020-01-01", "--since", "2021-01-01", "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 2 and "--since 2021-01-01 is after --as-of 2020-01-01" in proc.stderr
    assert not (tmp_path / "r.html").exists()
    proc = cli("--as-of", "2020-13-01", "-o", str(tmp_path / "r.html"))
    assert proc.returncode == 2 and "--as-of" in proc.stderr


def test_missing_chromium_is_named(monkeypatch):
    import graph.meeting.pdf as pdf

    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    with pytest.raises(pdf.PdfError, match="Chromium not found: install the Debian package chromium"):
        pdf.html_to_pdf("<p>x</p>")
