"""import: organisations and ties from CSV or XLSX spreadsheets into the data file."""

from __future__ import annotations

import getpass
import sys

NAME = "import"
HELP = "import organisations and ties from CSV/XLSX (all or nothing; --dry-run writes nothing)"
QUICK_EXIT = True  # every file written, fsynced and closed when run() returns: no teardown (graph.cli)


def add_arguments(p) -> None:
    from ..edit.importer import ENCODINGS

    p.add_argument("files", nargs="+", metavar="FILE", help="organisations.csv, ties.csv or a workbook (.xlsx) with both sheets")
    p.add_argument("--dry-run", action="store_true", help="report every problem (file, row, column) and write nothing")
    p.add_argument("--encoding", choices=ENCODINGS, help="encoding of CSV files (default: detected; Polish Excel saves cp1250)")
    p.add_argument("--user", default=None, help="who is importing (recorded with PROV; default: the login name)")
    p.add_argument("--lang", choices=("pl", "en"), default="en")


def run(args, workspace) -> int:
    from ..edit.importer import read_files
    from ..edit.mirror import editing

    tables = read_files(args.files, encoding=args.encoding)
    with editing(workspace.settings) as editor:
        return _run(args, editor, tables)


def _run(args, editor, tables) -> int:
    from ..edit.importer import plan_import
    from ..wording import count

    who = args.user or getpass.getuser()
    plan = plan_import(editor.context(), tables, who=who)
    for t in tables:
        enc = f", {t.encoding}" if t.encoding else ""
        print(f"{t.name}: {t.kind}, {count(len(t.rows), 'row', 'en')}{enc}")
    for p in plan.problems:
        print(p.text(args.lang), file=sys.stderr)
    n_err = len(plan.errors)
    if not plan.ok:
        print(f"{count(n_err, 'error', 'en')}: nothing was written", file=sys.stderr)
        return 1
    change = plan.change
    if change.empty:
        print("nothing to change: every fact is already in the graph")
        return 0
    if args.dry_run:
        print(
            f"dry run: would add {len(change.added)} and remove {count(len(change.removed), 'triple', 'en')} "
            f"({count(plan.counts['organisations'], 'organisation', 'en')}, {count(plan.counts['ties'], 'tie', 'en')}); nothing was written"
        )
        return 0
    done = editor.commit(change, check=False)  # plan_import already checked it against the shapes
    where = editor.history_path if editor.remote else editor.path
    print(f"imported: +{len(done.added)} / -{len(done.removed)} triples into {where}; change {done.id}")
    return 0
