"""history: the change log of the edited data (who, when, what)."""

from __future__ import annotations

import json

from ..wording import count

NAME = "history"
HELP = "list the changes made to the data (id, when, who, what); --show ID prints a change's triples"


def add_arguments(p) -> None:
    p.add_argument("--limit", type=int, default=50, help="newest N changes (default 50; 0 for all)")
    p.add_argument("--show", metavar="ID", help="print the triples added and removed by one change")
    p.add_argument("--format", choices=("table", "json"), default="table")


def run(args, workspace) -> int:
    from ..edit.editor import Editor
    from ..store import RdflibStore

    editor = Editor(workspace.settings, store=RdflibStore())  # the log alone: no need to load the data
    entries = editor.history()
    if args.show:
        hits = [e for e in entries if e.id.startswith(args.show)]
        if len(hits) != 1:
            print(f"error: {count(len(hits), 'change matches|changes match', 'en')} {args.show!r}")
            return 2
        e = hits[0]
        print(f"{e.id}  {e.when}  {e.who}  {e.what}")
        for line in e.removed:
            print("- " + line)
        for line in e.added:
            print("+ " + line)
        return 0
    undone = {e.undoes for e in entries if e.undoes}
    shown = entries[-args.limit :] if args.limit else entries
    if args.format == "json":
        print(
            json.dumps(
                [e.__dict__ | {"added": len(e.added), "removed": len(e.removed), "undone": e.id in undone} for e in shown],
                ensure_ascii=False,
                indent=1,
            )
        )
        return 0
    if not shown:
        print(f"no changes recorded in {editor.history_path}")
    for e in shown:
        mark = " (undone)" if e.id in undone else ""
        print(f"{e.id}  {e.when}  {e.who:<16}  +{len(e.added)}/-{len(e.removed)}  {e.what}{mark}")
    return 0
