"""HTML to PDF with Debian's Chromium, headless (``--print-to-pdf``).

The page size (A4), margins and page numbers come from the page's own
``@page`` CSS (margin boxes, Chromium 131+); Chromium's own header and footer
(date, file URL) are switched off.  The page is written to a private
temporary directory and printed from a ``file://`` URL with a throw-away
profile; the report's Content-Security-Policy forbids every request, so
nothing leaves the machine.  The Chromium binary is ``$CHROMIUM``, else
``/usr/bin/chromium`` or ``chromium`` on PATH.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ..errors import GraphError
from ..viz.png import BROWSER_ARGS, chromium_path

__all__ = ["html_to_pdf", "PdfError"]


class PdfError(GraphError):
    """The PDF could not be printed (no Chromium, a timeout, a crash)."""


def html_to_pdf(html: str, *, timeout: float = 90.0) -> bytes:
    """The page ``html`` printed to PDF bytes by headless Chromium."""
    binary = chromium_path()
    if binary is None:
        raise PdfError("Chromium not found: install the Debian package chromium (apt-get install chromium) or set CHROMIUM to its path")
    with tempfile.TemporaryDirectory(prefix="es-pdf-") as tmp:
        src, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(html, encoding="utf-8")
        cmd = [
            binary,
            "--headless",
            *BROWSER_ARGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            src.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PdfError(f"printing the PDF took over {timeout:g} s") from None
        except OSError as exc:
            raise PdfError(f"Chromium at {binary} could not start: {exc.strerror or exc}") from None
        if proc.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            lines = [x for x in proc.stderr.strip().splitlines() if "ERROR" in x or "error" in x] or ["unknown error"]
            raise PdfError(f"printing the PDF failed (exit {proc.returncode}): {lines[-1][:300]}")
        return out.read_bytes()
