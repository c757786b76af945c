"""validate: check the data against the SHACL shapes."""

from __future__ import annotations

import json

from ..wording import count

NAME = "validate"
HELP = "SHACL report (exit 0 conforms, 1 violations, 2 unreadable input)"


def add_arguments(p) -> None:
    p.add_argument("--shapes", nargs="+", metavar="PATH", help="shapes files (default: data/shapes.ttl)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=("pl", "en"), default="pl")


def run(args, workspace) -> int:
    from ..validate import details, load_shapes, validate_graph
    from ..vocabulary import pick

    shapes = load_shapes(args.shapes) if args.shapes else load_shapes()
    report = validate_graph(workspace.store.to_graph(), shapes)
    if args.format == "json":
        print(json.dumps({"conforms": report.conforms, "findings": [details(f) for f in report.findings]}, ensure_ascii=False, indent=2))
    else:
        for f in map(details, report.findings):
            msg = pick(args.lang, f["message"], f["message_en"], fallback=False)
            where = f" {f['path']}" if f["path"] else ""
            print(f"{f['severity']}: {f['focus']}{where}: {msg} [{f['constraint']}; {f['shape']}]")
        n = len(report.violations)
        print(
            ("conforms" if report.conforms else f"does not conform: {count(n, 'violation|violations', 'en')}")
            + f", {count(len(report.findings), 'finding', 'en')}"
        )
    return 0 if report.conforms else 1
