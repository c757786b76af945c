"""stats: counts by kind, sector, gmina and tie kind."""

from __future__ import annotations

import json
import sys

NAME = "stats"
HELP = "counts of organisations by kind, sector and gmina, and of ties by kind"


def add_arguments(p) -> None:
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--as-of", metavar="DATE", help="only organisations that exist and ties that hold on DATE (YYYY-MM-DD or today)")


def run(args, workspace) -> int:
    from ..analysis.dates import parse_date
    from ..analysis.stats import stats
    from ..results import spreadsheet_writer

    day = parse_date(args.as_of, field="--as-of")
    data = stats(workspace.store, as_of=day)
    if args.format == "json":
        print(json.dumps({k: [{"iri": i, "label": lab, "count": n} for i, lab, n in v] for k, v in data.items()}, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        w = spreadsheet_writer(sys.stdout)
        w.writerow(["dimension", "iri", "label", "count"])
        for dim, rows in data.items():
            for i, lab, n in rows:
                w.writerow([dim, i, lab, n])
    else:
        for dim, rows in data.items():
            print(f"== {dim}")
            for _, lab, n in rows:
                print(f"  {n:>8}  {lab}")
    return 0
