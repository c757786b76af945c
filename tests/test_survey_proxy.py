"""The respondent app behind nginx over HTTPS (docs/nginx-survey.conf), driven by chromium.

Starts ``python -m ui.launch --survey`` (what ``./run survey`` runs) on a free
port and Debian's nginx in front of it with a certificate made here; three
organisations answer through the proxy in a real browser, and nothing but the
respondent page is reachable through it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from harness import ROOT, free_port, wait_for_http

from graph.survey import load, status
from tests.survey_support import A, B, C, data_copy, new_round

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is installed by ./run test (apt: nginx-light)"),
]


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _nginx_conf(folder: Path, https_port: int, http_port: int, app_port: int, cert: Path, key: Path) -> Path:
    site = (ROOT / "docs" / "nginx-survey.conf").read_text(encoding="utf-8")
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;").replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("127.0.0.1:8502", f"127.0.0.1:{app_port}")
    site = site.replace("/etc/ssl/certs/ankieta.example.org.pem", str(cert)).replace("/etc/ssl/private/ankieta.example.org.key", str(key))
    site = site.replace("/var/log/nginx/ankieta.access.log", str(folder / "access.log"))
    (folder / "site.conf").write_text(site, encoding="utf-8")
    temps = "\n".join(f"    {d}_temp_path {folder / d};" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = f"""
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
{temps}
    include {folder / "site.conf"};
}}
"""
    path = folder / "nginx.conf"
    path.write_text(main, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    folder = tmp_path_factory.mktemp("survey-proxy")
    settings = data_copy(folder)
    ctx, path, data, tokens = new_round(settings, as_of="2026-06-01", expires="2099-12-31")
    app_port, https_port, http_port = free_port(), free_port(), free_port()
    env = {**os.environ, "GRAPH_DATA": str(settings.edit_file), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    app = subprocess.Popen(
        [sys.executable, "-m", "ui.launch", "--survey", "--server.port", str(app_port), "--server.headless", "true"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cert, key = _certificate(folder)
    conf = _nginx_conf(folder, https_port, http_port, app_port, cert, key)
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_http(f"http://127.0.0.1:{app_port}/_stcore/health", timeout=90)
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"https://127.0.0.1:{https_port}/_stcore/health", verify=str(cert), timeout=2)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or nginx.poll() is not None:
                    raise RuntimeError(
                        f"nginx did not start: {(folder / 'error.log').read_text() if (folder / 'error.log').exists() else ''}"
                    ) from None
                time.sleep(0.2)
        yield {
            "base": f"https://127.0.0.1:{https_port}",
            "http": f"http://127.0.0.1:{http_port}",
            "cert": str(cert),
            "tokens": tokens,
            "path": path,
            "ctx": ctx,
            "folder": folder,
        }
    finally:
        for proc in (nginx, app):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_only_the_respondent_page_passes_the_proxy(proxied):
    base, cert, token = proxied["base"], proxied["cert"], proxied["tokens"][A]
    page = requests.get(f"{base}/survey", params={"t": token}, verify=cert, timeout=10)
    assert page.status_code == 200 and "<noscript>" in page.text.lower()
    assert page.headers["Referrer-Policy"] == "no-referrer"
    script = re.search(r'src="(\./)?(static/js/[^"]+\.js)"', page.text).group(2)
    assert requests.get(f"{base}/{script}", verify=cert, timeout=10).status_code == 200
    assert requests.get(f"{base}/_stcore/health", verify=cert, timeout=10).text == "ok"
    for path in ("/", "/start", "/network", "/data", "/console", "/survey/../data", "/sparql", "/app/static/x", "/media/x", "/component/x"):
        assert requests.get(f"{base}{path}", verify=cert, timeout=10, allow_redirects=False).status_code == 404, path
    plain = requests.get(f"{proxied['http']}/survey?t={token}", timeout=10, allow_redirects=False)
    assert plain.status_code == 301 and plain.headers["Location"].endswith("/survey")  # to HTTPS, without the token
    assert token not in (proxied["folder"] / "access.log").read_text()


def _fill(page, base: str, token: str, partner_label: str, value: str, trust: str, *, search: str | None = None) -> None:
    page.goto(f"{base}/survey?t={token}")
    page.get_by_label("Imię i nazwisko").fill("Anna Nowak")
    page.get_by_label("Stanowisko").fill("koordynatorka")
    page.get_by_label("Stanowisko").press("Tab")
    if search:
        page.get_by_label("Szukaj organizacji").fill(search)
        page.get_by_label("Szukaj organizacji").press("Enter")
    page.get_by_text(partner_label, exact=True).first.click()
    for question, answer in (("Wartość współpracy", value), ("Zaufanie do partnera", trust)):
        group = page.get_by_role("radiogroup", name=re.compile(question))
        group.get_by_text(answer, exact=True).click()
    page.get_by_role("button", name="Wyślij odpowiedź").click()
    page.get_by_text("Dziękujemy!").wait_for(timeout=20_000)


@pytest.mark.browser
def test_three_organisations_answer_through_nginx(proxied, browser):
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    page.set_default_timeout(20_000)
    base, tokens = proxied["base"], proxied["tokens"]
    try:
        _fill(page, base, tokens[A], "Miejsko-Gminny Ośrodek Pomocy Społecznej w Wąchocku", "4", "3")
        _fill(page, base, tokens[B], "Kielecko-Ostrowiecki Ośrodek Wsparcia Ekonomii Społecznej", "3", "4")
        _fill(page, base, tokens[C], "Spółdzielnia Socjalna „Integracja”", "2", "2", search="spoldzielnia integracja")
        page.goto(f"{base}/survey?t={tokens[A][:-4]}zzzz")
        page.get_by_text("Ten link jest nieprawidłowy").wait_for()
        assert page.get_by_label("Imię i nazwisko").count() == 0
    finally:
        context.close()
    st = status(load(proxied["path"], "r1"), proxied["ctx"])
    assert st["responded"] == 3
    ties = {(t["from"], t["to"]): t["confirmed"] for t in st["ties"]}
    assert ties == {("koowes", "mgops-wachock"): True, ("pup-starachowice", "ss-integracja"): False}
    assert {s["organisation"]: s["value_received"] for s in st["scores"]}["koowes"] == 3.0
