"""whatif: take organisations out and see who loses every path to support."""

from __future__ import annotations

import sys

NAME = "whatif"
HELP = "what if ORG... were gone: who loses every path to ROPS or an OWES, how the network splits"


def add_arguments(p) -> None:
    p.add_argument("orgs", nargs="+", metavar="ORG", help="organisation IRI, eso:slug or slug (e.g. koowes)")
    p.add_argument("--as-of", metavar="DATE", help="the network on DATE (YYYY-MM-DD or 'today')")
    p.add_argument("--format", choices=("md", "csv", "json"), default="md")
    p.add_argument("--lang", choices=("pl", "en"), default="pl")
    p.add_argument("--limit", type=int, default=50, help="items per section in Markdown (default 50)")


def run(args, workspace) -> int:
    from ..analysis import parse_date, render_csv, render_json, render_markdown, to_networkx, what_if

    day = parse_date(args.as_of, field="--as-of")
    result = what_if(to_networkx(workspace.store, as_of=day), args.orgs)
    if args.format == "json":
        out = render_json(result, lang=args.lang)
    elif args.format == "csv":
        out = render_csv(result, lang=args.lang)
    else:
        out = render_markdown(result, lang=args.lang, limit=args.limit)
    sys.stdout.write(out)
    return 0
