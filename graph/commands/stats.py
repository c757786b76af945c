"""stats: counts by kind, sector, gmina and tie kind."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager

NAME = "stats"
HELP = "counts of organisations by kind, sector and gmina, and of ties by kind"
QUICK_EXIT = True  # read-only, output written by run(): the store is left to the exit (graph.cli)


def add_arguments(p) -> None:
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--as-of", metavar="DATE", help="only organisations that exist and ties that hold on DATE (YYYY-MM-DD or today)")


def run(args, workspace) -> int:
    from ..analysis.dates import parse_date
    from ..analysis.stats import stats
    from ..results import spreadsheet_writer

    day = parse_date(args.as_of, field="--as-of")
    with _store(workspace) as store:
        data = stats(store, as_of=day)
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


@contextmanager
def _store(workspace):
    """The on-disk mirror beside the data file when it matches the files
    (graph.edit.mirror.fresh_mirror: no load), else the workspace's store."""
    if workspace.opened:
        yield workspace.store
        return
    from ..edit.mirror import fresh_mirror

    with fresh_mirror(workspace.settings) as mirror:
        if mirror is not None:
            yield mirror
            return
    yield workspace.store
