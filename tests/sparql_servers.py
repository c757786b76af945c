"""Real servers for the SPARQL tests: a hit-counting listener, Oxigraph, our endpoint.

Imported by tests/test_guard.py, test_endpoint.py and test_remote.py (fixtures
are re-exported there by name).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from harness import free_port

from graph.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


class _LocalServer:
    """A threaded HTTP server on a free 127.0.0.1 port, serving ``handler`` until :meth:`close`."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        handler.log_message = lambda *args: None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Listener(_LocalServer):
    """An HTTP server on 127.0.0.1 that records every request it gets."""

    def __init__(self) -> None:
        hits: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def _hit(self):
                hits.append(f"{self.command} {self.path}")
                self.send_response(200)
                self.send_header("Content-Type", "text/turtle")
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_HEAD = do_PUT = _hit

        self.hits = hits
        super().__init__(Handler)
        self.url += "/"


class AuthGate(_LocalServer):
    """HTTP basic authentication in front of a real SPARQL server: 401 without the right
    user and password, otherwise the request is passed on and the answer passed back."""

    def __init__(self, upstream: str, user: str, password: str) -> None:
        import base64

        want = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        counts = {"passed": 0, "refused": 0}

        class Handler(BaseHTTPRequestHandler):
            def _pass(self):
                if self.headers.get("Authorization") != want:
                    counts["refused"] += 1
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                counts["passed"] += 1
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
                r = requests.request(self.command, upstream + self.path, data=body, headers=headers, timeout=60)
                self.send_response(r.status_code)
                self.send_header("Content-Type", r.headers.get("Content-Type", "text/plain"))
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

            do_GET = do_POST = _pass

        self.counts = counts
        super().__init__(Handler)


@pytest.fixture
def listener():
    srv = Listener()
    yield srv
    srv.close()


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {out[-2000:]}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def oxigraph_exe() -> str:
    return str(Path(sys.executable).with_name("oxigraph"))


@pytest.fixture(scope="module")
def ox_server(tmp_path_factory):
    """A real read-write `oxigraph serve` on a free port (module scope); yields its base URL."""
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_exe(), "serve", "--location", str(tmp_path_factory.mktemp("oxdb")), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/query?query=ASK%7B%7D", proc)
        yield base
    finally:
        stop(proc)


def load_into(base: str, files: list[Path]) -> None:
    """Replace the content of an `oxigraph serve` with ``files`` (its graph store protocol)."""
    requests.post(base + "/update", data={"update": "DROP ALL"}, timeout=30).raise_for_status()
    for f in files:
        r = requests.post(base + "/store?default", data=f.read_bytes(), headers={"Content-Type": "text/turtle"}, timeout=60)
        r.raise_for_status()


def start_endpoint(env_extra: dict, *args: str) -> tuple[str, subprocess.Popen]:
    """`python -m graph serve` on a free port; (its /sparql URL, the process)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPH_")}
    env.update(env_extra)
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph", "serve", "--port", str(port), "--quiet", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    wait_until_up(url, proc)
    return url, proc


# ---------------------------------------------------------------- servers holding the bundled data
# One Oxigraph server and one Virtuoso per test session, each with the bundled
# data (vocabulary, territory, entities) in two named graphs: READ_GRAPH for
# the parity tests (never changed) and EDIT_GRAPH for the update tests (their
# changes are undone, but they never touch what the parity tests read).  The
# commands are the ones docs/remote-stores.md gives.

READ_GRAPH = "https://w3id.org/es-pl/graph"
EDIT_GRAPH = "https://w3id.org/es-pl/graph/edits"
#: Virtuoso's logins in the tests: dba's default password is changed at once.
DBA_PASSWORD = "dba-test-Ka7"
EDITOR_USER, EDITOR_PASSWORD = "editor", "editor-test-Wq3"
#: Debian's default cap, kept so the tests see what a default install does.
VIRTUOSO_MAX_ROWS = 10_000


@dataclass(frozen=True)
class SparqlServer:
    """A running server: where to query and update, and the settings that reach it."""

    name: str  # "oxigraph" or "virtuoso"
    base: str
    query_url: str
    update_url: str
    env: dict  # GRAPH_* variables for the read graph
    edit_env: dict  # GRAPH_* variables for the edit graph, with update URL and credentials

    def settings(self, *, edit: bool = False, **overrides) -> Settings:
        return Settings.from_env(self.edit_env if edit else self.env, **overrides)


def bundled_files() -> list[Path]:
    return list(Settings().files)


def _start_oxigraph(location: Path) -> tuple[SparqlServer, subprocess.Popen]:
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_exe(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--timeout-s", "30"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/query?query=ASK%7B%7D", proc)
        for graph in (READ_GRAPH, EDIT_GRAPH):
            for f in bundled_files():  # the graph store protocol, as in docs/remote-stores.md
                r = requests.post(base + "/store", params={"graph": graph}, data=f.read_bytes(), headers={"Content-Type": "text/turtle"}, timeout=60)
                r.raise_for_status()
    except BaseException:
        stop(proc)
        raise
    query, update = base + "/query", base + "/update"
    env = {"GRAPH_SPARQL_QUERY_URL": query, "GRAPH_SPARQL_GRAPH": READ_GRAPH}
    edit_env = {"GRAPH_SPARQL_QUERY_URL": query, "GRAPH_SPARQL_UPDATE_URL": update, "GRAPH_SPARQL_GRAPH": EDIT_GRAPH}
    return SparqlServer("oxigraph", base, query, update, env, edit_env), proc


#: The virtuoso.ini of docs/remote-stores.md, with this run's folder and ports.
VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = {data}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 30
MaxQueryCostEstimationTime = 400
"""


def virtuoso_exe() -> str | None:
    return shutil.which("virtuoso-t")


def isql(sql_port: int, password: str, script: str) -> str:
    """Run ``script`` through Debian's isql-vt as dba; its output (RuntimeError on an error)."""
    out = subprocess.run(
        ["isql-vt", f"127.0.0.1:{sql_port}", "dba", password, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT"],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
    )
    text = out.stdout + out.stderr
    if out.returncode != 0 or "*** Error" in text:
        raise RuntimeError(f"isql-vt failed: {text[-2000:]}")
    return text


def virtuoso_load_script(files: list[Path], graph: str) -> str:
    """The isql-vt lines that load ``files`` into ``graph`` (as in docs/remote-stores.md)."""
    lines = [f"DB.DBA.TTLP_MT(file_to_string_output('{f}'), '', '{graph}', 0);" for f in files]
    return "\n".join(lines) + "\ncheckpoint;\n"


def _start_virtuoso(folder: Path) -> tuple[SparqlServer, subprocess.Popen]:
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port, data=ROOT / "data", max_rows=VIRTUOSO_MAX_ROWS),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [virtuoso_exe(), "+foreground", "+configfile", str(ini)], cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up(base + "/sparql?query=ASK%7B%7D", proc)
    except BaseException:
        stop(proc)
        raise
    script = (
        f"DB.DBA.USER_CHANGE_PASSWORD('dba', 'dba', '{DBA_PASSWORD}');\n"
        f"DB.DBA.USER_CREATE('{EDITOR_USER}', '{EDITOR_PASSWORD}');\n"
        f"GRANT SPARQL_UPDATE TO \"{EDITOR_USER}\";\n"
    )
    try:
        isql(sql_port, "dba", script)
        isql(sql_port, DBA_PASSWORD, virtuoso_load_script(bundled_files(), READ_GRAPH) + virtuoso_load_script(bundled_files(), EDIT_GRAPH))
    except BaseException:
        stop(proc)
        raise
    query, update = base + "/sparql", base + "/sparql-auth"
    env = {"GRAPH_SPARQL_QUERY_URL": query, "GRAPH_SPARQL_GRAPH": READ_GRAPH, "GRAPH_SPARQL_SERVER_MAX_ROWS": str(VIRTUOSO_MAX_ROWS)}
    edit_env = {
        **env,
        "GRAPH_SPARQL_GRAPH": EDIT_GRAPH,
        "GRAPH_SPARQL_UPDATE_URL": update,
        "GRAPH_SPARQL_USER": EDITOR_USER,
        "GRAPH_SPARQL_PASSWORD": EDITOR_PASSWORD,
        "GRAPH_SPARQL_AUTH": "digest",
    }
    return SparqlServer("virtuoso", base, query, update, env, edit_env), proc


_SERVERS: dict[str, SparqlServer] = {}


@pytest.fixture(scope="session")
def oxigraph_loaded(tmp_path_factory):
    """A real `oxigraph serve` with the bundled data in READ_GRAPH and EDIT_GRAPH (one per session)."""
    server, proc = _start_oxigraph(tmp_path_factory.mktemp("oxigraph-serve"))
    try:
        yield server
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A real Virtuoso (Debian's virtuoso-t) with the bundled data in READ_GRAPH and EDIT_GRAPH."""
    if virtuoso_exe() is None:
        pytest.fail("virtuoso-t is not installed: ./run test installs Debian's virtuoso-opensource")
    server, proc = _start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server
    finally:
        stop(proc)


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def sparql_server(request):
    """Each tested server in turn (session scope: started once, shared by every test module)."""
    return request.getfixturevalue("oxigraph_loaded" if request.param == "oxigraph" else "virtuoso")
