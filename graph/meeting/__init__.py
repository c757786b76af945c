"""The meeting report: the partnership on a date, in print (HTML or PDF, A4).

    from graph.meeting import meeting_report, render_html, html_to_pdf
    report = meeting_report(store, as_of="2026-11-30", since="2026-06-01")
    pdf = html_to_pdf(render_html(report, lang="pl"))

``python -m graph report`` is the command; the dashboard's download buttons
call :func:`report_bytes`.
"""

from __future__ import annotations

from .content import NOT_MEMBER_ROLES, MeetingReport, Member, meeting_report
from .pdf import PdfError, html_to_pdf
from .render import render_html

__all__ = [
    "meeting_report",
    "MeetingReport",
    "Member",
    "NOT_MEMBER_ROLES",
    "render_html",
    "html_to_pdf",
    "PdfError",
    "report_bytes",
    "FORMATS",
]

#: Output formats by file suffix.
FORMATS = ("pdf", "html")


def report_bytes(store, *, as_of="today", since=None, lang: str = "pl", fmt: str = "pdf") -> bytes:
    """The report as the bytes of a PDF or an HTML file."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    html = render_html(meeting_report(store, as_of=as_of, since=since), lang=lang)
    return html.encode("utf-8") if fmt == "html" else html_to_pdf(html)
