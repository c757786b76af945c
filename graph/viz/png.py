"""A PNG of a network page, drawn by a headless Chromium (Playwright).

The browser runs in a child process (``python -m graph.viz.png IN OUT``), so
Playwright's event loop never meets the caller's (Streamlit's script thread,
a test); every request that is not the page's own file is aborted.  The
Chromium binary is ``$CHROMIUM`` (default ``/usr/bin/chromium``); Playwright
never downloads one.

    python -m graph.viz.png siec.html siec.png --width 1600 --height 1000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import GraphError

__all__ = ["html_to_png", "chromium_path", "BROWSER_ARGS", "PngError"]

BROWSER_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


class PngError(GraphError):
    """The PNG could not be drawn (no Chromium, no Playwright, a timeout)."""


def chromium_path() -> str | None:
    """The Chromium to drive: ``$CHROMIUM``, else ``/usr/bin/chromium`` or ``chromium`` on PATH."""
    for candidate in (os.environ.get("CHROMIUM", "").strip(), "/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def html_to_png(html: str, *, width: int = 1600, height: int = 1000, timeout: float = 60.0) -> bytes:
    """The page ``html`` (from :func:`graph.viz.render_html`) as PNG bytes."""
    if chromium_path() is None:
        raise PngError("Chromium not found: install the Debian package chromium or set CHROMIUM")
    with tempfile.TemporaryDirectory(prefix="es-png-") as tmp:
        src, out = Path(tmp) / "view.html", Path(tmp) / "view.png"
        src.write_text(html, encoding="utf-8")
        cmd = [sys.executable, "-m", "graph.viz.png", str(src), str(out), "--width", str(width), "--height", str(height)]
        root = Path(__file__).resolve().parents[2]
        try:
            proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PngError(f"drawing the PNG took over {timeout:g} s") from None
        if proc.returncode != 0 or not out.exists():
            raise PngError("drawing the PNG failed: " + (proc.stderr.strip().splitlines() or ["unknown error"])[-1])
        return out.read_bytes()


def _render(src: Path, out: Path, width: int, height: int) -> None:
    from playwright.sync_api import sync_playwright

    url = src.resolve().as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=list(BROWSER_ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
            page.goto(url)
            page.wait_for_selector("#mynetwork[data-drawn='1']", state="attached", timeout=30_000)
            # a picture needs no buttons or hints (DevTools evaluation: not subject to the page's CSP)
            page.evaluate("() => document.querySelectorAll('#bar label, #bar button, #info').forEach(e => { e.style.display = 'none'; })")
            page.wait_for_timeout(300)  # let the first frame settle
            page.screenshot(path=str(out), full_page=False)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw a network page as PNG with headless Chromium.")
    parser.add_argument("src", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    args = parser.parse_args(argv)
    try:
        _render(args.src, args.out, args.width, args.height)
    except Exception as exc:  # report one line, exit 2
        print(f"png: error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
