"""gaps: where cooperation falls short (expectations, coverage, structure, suggested ties)."""

from __future__ import annotations

import sys

NAME = "gaps"
HELP = "gaps in cooperation: expectations, coverage of gminy, single points of failure, suggested ties"


def add_arguments(p) -> None:
    p.add_argument("--as-of", metavar="DATE", help="the network on DATE (YYYY-MM-DD or 'today'); default: every tie whatever its dates")
    p.add_argument("--format", choices=("md", "csv", "json"), default="md")
    p.add_argument("--lang", choices=("pl", "en"), default="pl")
    p.add_argument("--expectations", metavar="PATH", help="SHACL expectations file (default: GRAPH_EXPECTATIONS or data/expectations.ttl)")
    p.add_argument("--top", type=int, default=10, help="suggested ties to list (default 10)")
    p.add_argument("--limit", type=int, default=20, help="items per section in Markdown (default 20)")
    p.add_argument("--engine", choices=("auto", "oxigraph", "pyshacl"), default="auto", help="how expectations are checked")


def run(args, workspace) -> int:
    from ..analysis import gap_report, parse_date, render_csv, render_json, render_markdown

    day = parse_date(args.as_of, field="--as-of")
    report = gap_report(workspace.store, as_of=day, expectations=args.expectations or workspace.settings.expectations, top=args.top, engine=args.engine)
    if args.format == "json":
        out = render_json(report, lang=args.lang)
    elif args.format == "csv":
        out = render_csv(report, lang=args.lang)
    else:
        out = render_markdown(report, lang=args.lang, limit=args.limit)
    sys.stdout.write(out)
    return 0
