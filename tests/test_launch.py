"""The dashboard stays on the machine (SECURITY T18): ``./run app`` as the README
starts it listens on 127.0.0.1 and its server makes no outbound connection
attempt, not even at start; ``--lan`` is the one switch that shares it, and it
warns about a weak editor password.

Every socket call of the server process (and of the query workers it forks) is
recorded by an audit hook (``sitecustomize`` on PYTHONPATH for these runs
only): connect, sendto, DNS look-ups, bind.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from harness import free_port, wait_for_http

from graph.access import password_weakness

ROOT = Path(__file__).resolve().parent.parent

HOOK = """
import json, os, socket, sys
_LOG = os.environ.get("GRAPH_TEST_SOCKET_LOG")
_EVENTS = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind",
           "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.getnameinfo"}

def _plain(x):
    if isinstance(x, bytes):
        return x.decode("latin-1")
    if isinstance(x, (tuple, list)):
        return [_plain(v) for v in x]
    return x if isinstance(x, (str, int, float, type(None))) else repr(x)

def _hook(event, args):
    if event not in _EVENTS:
        return
    if isinstance(args[0], socket.socket):
        family, where = int(args[0].family), args[1]
    else:
        family, where = None, args[0]
    try:
        with open(_LOG, "a") as f:
            f.write(json.dumps([os.getpid(), event, family, _plain(where)]) + "\\n")
    except Exception:
        pass

if _LOG:
    sys.addaudithook(_hook)
"""

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "", None}


def _is_loopback(family, where) -> bool:
    if family == socket.AF_UNIX:
        return True
    host = where[0] if isinstance(where, list) else where
    if host in LOOPBACK_NAMES:
        return True
    return isinstance(host, str) and host.startswith("127.")


@pytest.fixture
def app_env(tmp_path: Path) -> dict[str, str]:
    """The environment of ``./run app``: the audit hook, and this test's Python as the
    ready-made VENV (its stamp matches requirements.txt, so nothing is installed)."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    (venv / ".requirements.sha256").write_text(hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest() + "\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRAPH_", "STREAMLIT_"))}
    env.update(VENV=str(venv), PYTHONPATH=str(hook), GRAPH_TEST_SOCKET_LOG=str(tmp_path / "sockets.jsonl"))
    env.pop("http_proxy", None), env.pop("https_proxy", None)
    return env


def _start(env: dict[str, str], *args: str, stderr_to: Path):
    port = free_port()
    proc = subprocess.Popen(
        ["./run", "app", "--server.port", str(port), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr_to.open("wb"),
        start_new_session=True,
    )
    return proc, port


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _listening(pid: int, port: int) -> set[str]:
    """The addresses the process ``pid`` (``./run`` execs into Python) listens on at ``port``."""
    conns = psutil.Process(pid).net_connections(kind="inet")
    return {c.laddr.ip for c in conns if c.status == psutil.CONN_LISTEN and c.laddr.port == port}


def _wait_listening(proc: subprocess.Popen, port: int, timeout: float = 120.0) -> set[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the app stopped"
        if found := _listening(proc.pid, port):
            return found
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


def _records(env: dict[str, str]) -> list[list]:
    path = Path(env["GRAPH_TEST_SOCKET_LOG"])
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _foreign_origin_websocket(port: int) -> bytes:
    """A WebSocket handshake from another site's page: Streamlit checks the origin,
    which (without the launcher) asked checkip.amazonaws.com for the public address."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(
            b"GET /_stcore/stream HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            b"Origin: http://evil.example\r\n\r\n" % port
        )
        return s.recv(200)


def test_run_app_listens_on_loopback_and_asks_nothing_outside(app_env, tmp_path: Path, browser):
    proc, port = _start(app_env, stderr_to=tmp_path / "stderr.txt")
    try:
        assert _wait_listening(proc, port) == {"127.0.0.1"}
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/_stcore/health")
        # a real session: the browser runs the overview page's script on the server
        page = browser.new_page()
        page.goto(base + "/")
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
        page.close()
        reply = _foreign_origin_websocket(port)
        assert not reply.startswith(b"HTTP/1.1 101")  # another site's page gets no session
    finally:
        _stop(proc)
    records = _records(app_env)
    binds = [r for r in records if r[1] == "socket.bind" and r[3] == ["127.0.0.1", port]]
    assert binds, f"the hook saw no bind to 127.0.0.1:{port}: {records[:5]}"  # so it really watched the server
    outside = [r for r in records if r[1] != "socket.bind" and not _is_loopback(r[2], r[3])]
    assert outside == []


def test_lan_switch_listens_everywhere_and_warns_on_a_weak_password(app_env, tmp_path: Path):
    env = {**app_env, "GRAPH_EDITOR_PASSWORD": "tajne123"}
    stderr = tmp_path / "stderr.txt"
    proc, port = _start(env, "--lan", stderr_to=stderr)
    try:
        assert _wait_listening(proc, port) == {"0.0.0.0"}
        wait_for_http(f"http://127.0.0.1:{port}/_stcore/health")
    finally:
        _stop(proc)
    text = stderr.read_text(encoding="utf-8")
    assert "WARNING: the editor password is weak (shorter than 12 characters)" in text
    assert "tajne123" not in text
    outside = [r for r in _records(env) if r[1] != "socket.bind" and not _is_loopback(r[2], r[3])]
    assert outside == []  # no look-up of the public or LAN address either


@pytest.mark.parametrize(
    "password, weak",
    [
        ("krótkie", "shorter than 12 characters"),
        ("Starachowice", "a common password"),
        ("password 1234", "a common password"),
        ("aaaaaaaaaaaaaaaa", "a common password"),
        ("kawa-w-ratuszu-o-9", None),
        ("Źdźbło trawy 2017", None),
    ],
)
def test_what_counts_as_a_weak_editor_password(password, weak):
    assert password_weakness(password) == weak


def test_the_launcher_preloads_with_the_settings_the_dashboard_builds(monkeypatch, tmp_path):
    from ui import launch, state

    monkeypatch.setenv("GRAPH_DATA", str(tmp_path / "x.ttl"))
    monkeypatch.setenv("GRAPH_MAX_ROWS", "123")
    monkeypatch.setattr(launch, "_secret_files", lambda: (tmp_path / "secrets.toml",))
    (tmp_path / "secrets.toml").write_text('GRAPH_MAX_ROWS = "77"\n[section]\nGRAPH_USER = "no"\n', encoding="utf-8")
    cfg = launch.dashboard_settings()
    assert cfg.max_rows == 77 and cfg.data == (tmp_path / "x.ttl",)  # a secret wins over the variable
    monkeypatch.setattr(state, "secret_settings", lambda: {"GRAPH_MAX_ROWS": "77"})
    assert state.settings() == cfg  # so graph.preload.preloaded() hands the preloaded workspace over


def test_the_preload_is_told_when_streamlits_server_has_started(monkeypatch):
    """The saved later pages are read once the server serves, not while Streamlit starts
    (graph.preload.serving, called from Streamlit's own server-start step)."""
    from streamlit.web import bootstrap

    import graph.preload
    from ui.launch import _say_when_serving

    seen = []
    monkeypatch.setattr(bootstrap, "_on_server_start", seen.append)
    monkeypatch.setattr(graph.preload, "_SERVING", graph.preload.threading.Event())
    _say_when_serving()
    assert not graph.preload._SERVING.is_set()
    bootstrap._on_server_start("the server")
    assert seen == ["the server"] and graph.preload._SERVING.is_set()
