"""Shared fixtures: small inline graphs and the stores over them."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from harness import free_port, launch_chromium, wait_for_http
from sparql_servers import oxigraph_loaded, sparql_server, virtuoso  # noqa: F401  (session-wide: one of each per test session)

from graph.model import TURTLE_PREFIXES

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True, scope="session")
def _own_cache_dir(tmp_path_factory):
    """The dashboards the tests start keep their saved first pages (graph/saved_answers.py)
    in a folder of this session, not in the user's ``~/.cache``."""
    if not os.environ.get("GRAPH_CACHE_DIR"):
        os.environ["GRAPH_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))

TINY = TURTLE_PREFIXES + """

eso:a a org:Organization ; skos:prefLabel "Spółdzielnia A"@pl ; org:classification esk:social_cooperative ;
    schema:location terc:2611011 ; prov:wasDerivedFrom essrc:doc .
eso:b a org:Organization ; skos:prefLabel "OWES B"@pl ; org:classification esk:owes ;
    schema:location terc:2611022 ; prov:wasDerivedFrom essrc:doc .
eso:c a org:Organization ; skos:prefLabel "Gmina C <b>x</b>"@pl ; org:classification esk:gmina ;
    schema:location terc:2611032 ; prov:wasDerivedFrom essrc:doc .
estie:b-a a es:Tie ; es:tieKind est:funding ; es:tieFrom eso:b ; es:tieTo eso:a ;
    es:startDate "2017-07-13"^^xsd:date ; prov:wasDerivedFrom essrc:doc .
estie:c-a a es:Tie ; es:tieKind est:cofounding ; es:tieFrom eso:c ; es:tieTo eso:a ;
    es:startDate "2018-01-01"^^xsd:date ; es:endDate "2020-12-31"^^xsd:date ; prov:wasDerivedFrom essrc:doc .
eso:b es:funds eso:a .
eso:c es:coFounded eso:a .
"""


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    p = tmp_path / "tiny.ttl"
    p.write_text(TINY, encoding="utf-8")
    return p


@pytest.fixture
def oxigraph_server(tmp_path: Path):
    """A real `oxigraph serve` on a free localhost port; yields its base URL."""
    exe = shutil.which("oxigraph") or str(Path(os.sys.executable).with_name("oxigraph"))
    port = free_port()
    proc = subprocess.Popen(
        [exe, "serve", "--location", str(tmp_path / "oxdb"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/query?query=ASK%7B%7D")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium for one test module.  Not session-wide: forked query
    workers of later modules would inherit Playwright's pipes and its close
    would then wait for them."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture
def media(monkeypatch):
    """Every media store AppTest makes, so a download's bytes can be read back."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    made: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            made.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    return made
