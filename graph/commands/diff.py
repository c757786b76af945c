"""diff: what changed in the network between two dates."""

from __future__ import annotations

import sys

NAME = "diff"
HELP = "change report between two dates: who joined, ties new and ended, coverage, brokers, gaps"


def add_arguments(p) -> None:
    p.add_argument("date1", metavar="DATE1", help="the earlier date (YYYY-MM-DD)")
    p.add_argument("date2", metavar="DATE2", help="the later date (YYYY-MM-DD or 'today')")
    p.add_argument("--format", choices=("md", "csv", "json"), default="md")
    p.add_argument("--lang", choices=("pl", "en"), default="pl")
    p.add_argument("--top", type=int, default=10, help="main brokers compared (default 10)")
    p.add_argument("--limit", type=int, default=20, help="items per section in Markdown (default 20)")
    p.add_argument("--expectations", metavar="PATH", help="SHACL expectations file (default: data/expectations.ttl)")


def run(args, workspace) -> int:
    from ..analysis import diff_report, render_csv, render_json, render_markdown

    d = diff_report(workspace.store, args.date1, args.date2, top=args.top, expectations=args.expectations or workspace.settings.expectations)
    if args.format == "json":
        out = render_json(d, lang=args.lang)
    elif args.format == "csv":
        out = render_csv(d, lang=args.lang)
    else:
        out = render_markdown(d, lang=args.lang, limit=args.limit)
    sys.stdout.write(out)
    return 0
