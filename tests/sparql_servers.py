"""Real servers for the SPARQL tests: a hit-counting listener, Oxigraph, our endpoint.

Imported by tests/test_guard.py, test_endpoint.py and test_remote.py (fixtures
are re-exported there by name).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from harness import free_port

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
