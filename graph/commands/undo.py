"""undo: reverse a change recorded in the history."""

from __future__ import annotations

import getpass

NAME = "undo"
HELP = "undo the latest change (or the change ID) by applying its inverse, itself recorded in the history"
QUICK_EXIT = True  # every file written, fsynced and closed when run() returns: no teardown (graph.cli)


def add_arguments(p) -> None:
    p.add_argument("id", nargs="?", help="id (or a unique prefix) of the change to undo; default: the latest not yet undone")
    p.add_argument("--user", default=None, help="who is undoing (default: the login name)")


def run(args, workspace) -> int:
    from ..edit.mirror import editing

    with editing(workspace.settings) as editor:
        done = editor.undo(args.id, who=args.user or getpass.getuser())
    print(f"undone {done.undoes}: +{len(done.added)} / -{len(done.removed)} triples; change {done.id}")
    return 0
