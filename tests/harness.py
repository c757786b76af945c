"""What the real-server tests and the browser benchmark share: free ports,
waiting for a server, Debian's chromium, and ``streamlit run app.py``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: Without the background-networking flags chromium tries to reach Google at start.
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 30.0) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def launch_chromium(playwright):
    """Debian's chromium through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)


@contextmanager
def streamlit_server(env: Mapping[str, str], *, clean: bool = False, timeout: float = 120.0) -> Iterator[str]:
    """``streamlit run app.py`` on a free localhost port; yields its base URL.

    ``env`` is added to this process's environment; ``clean`` first drops
    every ``GRAPH_*`` variable, so a developer's own settings cannot leak in.
    """
    port = free_port()
    base_env = {k: v for k, v in os.environ.items() if not (clean and k.startswith("GRAPH_"))}
    full_env = {**base_env, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **env}
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port)]
    cmd += ["--server.address", "127.0.0.1", "--server.headless", "true"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/_stcore/health", timeout=timeout)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def open_page(page, base: str, path: str) -> None:
    """Open a dashboard page and wait until its script has run (twice: a page may rerun once at start)."""
    page.goto(f"{base}/{path}")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def network_frame(page, *, tries: int = 150):
    """The frame of the network view, once vis-network has drawn.

    A frame that Streamlit replaces while it is being asked (a rerun) is
    asked again on the next try, not taken for a failure.
    """
    from playwright.sync_api import Error

    page.wait_for_selector("iframe", timeout=30_000)
    for _ in range(tries):
        for frame in page.frames:
            if frame is page.main_frame:
                continue
            try:
                if frame.query_selector("#mynetwork[data-drawn='1']"):
                    return frame
            except Error:  # the frame's document was replaced meanwhile
                continue
        page.wait_for_timeout(100)
    raise AssertionError("the network was not drawn")


def network_evaluate(page, script: str, *, tries: int = 50):
    """``script`` evaluated in the network's frame (:func:`network_frame`); a frame that
    Streamlit replaces while the script runs (a rerun draws a new view) is found again."""
    from playwright.sync_api import Error

    for _ in range(tries):
        try:
            return network_frame(page).evaluate(script)
        except Error as exc:  # "Frame was detached": the view was replaced meanwhile
            if "detached" not in str(exc):
                raise
            page.wait_for_timeout(100)
    raise AssertionError("the network's frame kept being replaced")
