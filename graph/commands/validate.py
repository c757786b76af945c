"""validate: check the data against the SHACL shapes."""

from __future__ import annotations

import json

from ..store import open_store
from ..validate import load_shapes, validate_graph
from ..wording import count

NAME = "validate"
HELP = "SHACL report (exit 0 conforms, 1 violations, 2 unreadable input)"


def add_arguments(p) -> None:
    p.add_argument("--shapes", nargs="+", metavar="PATH", help="shapes files (default: data/shapes.ttl)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--lang", choices=("pl", "en"), default="pl")


def run(args, settings) -> int:
    shapes = load_shapes(args.shapes) if args.shapes else load_shapes()
    report = validate_graph(open_store(settings).to_graph(), shapes)
    if args.format == "json":
        print(json.dumps({"conforms": report.conforms, "findings": [f.__dict__ for f in report.findings]}, ensure_ascii=False, indent=2))
    else:
        for f in report.findings:
            msg = f.message_en if args.lang == "en" else f.message
            where = f" {f.path}" if f.path else ""
            print(f"{f.severity}: {f.focus}{where}: {msg} [{f.constraint}; {f.shape}]")
        n = len(report.violations)
        print(
            ("conforms" if report.conforms else f"does not conform: {count(n, 'violation|violations', 'en')}")
            + f", {count(len(report.findings), 'finding', 'en')}"
        )
    return 0 if report.conforms else 1
