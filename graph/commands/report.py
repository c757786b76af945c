"""report: the meeting report (A4 PDF or HTML) for a date."""

from __future__ import annotations

from pathlib import Path

NAME = "report"
HELP = "meeting report (A4, PDF or HTML): members, network picture, changes, findings, suggested ties, sources"


def add_arguments(p) -> None:
    p.add_argument("--as-of", metavar="DATE", default="today", help="the partnership on DATE (YYYY-MM-DD or 'today'; default today)")
    p.add_argument("--since", metavar="DATE", help="what changed since DATE (the previous meeting)")
    p.add_argument("--lang", choices=("pl", "en"), default="pl")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="FILE.pdf (printed by headless Chromium) or FILE.html")


def run(args, workspace) -> int:
    from ..edit.writeback import write_atomic
    from ..errors import GraphError
    from ..meeting import meeting_report, render_html

    out = Path(args.output)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "html"):
        raise GraphError(f"-o {args.output}: the file name must end in .pdf or .html")
    if not out.parent.is_dir():
        raise GraphError(f"-o {args.output}: folder {out.parent} does not exist")
    report = meeting_report(workspace.store, as_of=args.as_of, since=args.since)
    html = render_html(report, lang=args.lang)
    if fmt == "pdf":
        from ..meeting import html_to_pdf

        data = html_to_pdf(html)
    else:
        data = html.encode("utf-8")
    write_atomic(out, data)
    print(f"{out} ({len(data):,} B)")
    return 0
