"""tidy: rewrite a Turtle data file in the stable sorted form that edits write."""

from __future__ import annotations

from pathlib import Path

NAME = "tidy"
HELP = "rewrite data files in the stable sorted Turtle that edits use (same triples; --check only reports)"


def add_arguments(p) -> None:
    p.add_argument("files", nargs="*", metavar="FILE", help="Turtle files (default: the first data file, which edits write)")
    p.add_argument("--check", action="store_true", help="exit 1 when a file is not in the stable form; write nothing")


def run(args, workspace) -> int:
    from ..edit.splice import has_blank, write_stamp
    from ..edit.writeback import locked, read_triples, render, save
    from ..wording import count

    files = [Path(f) for f in args.files] or [workspace.settings.edit_file]
    untidy = 0
    for path in files:
        with locked(path):
            triples, original = read_triples(path, max_bytes=workspace.settings.max_file_bytes)
            if render(triples, original) == original:
                if not has_blank(triples):
                    write_stamp(path, original)  # known stable: the next edit rewrites only its blocks
                print(f"{path}: already tidy ({count(len(triples), 'triple', 'en')})")
                continue
            untidy += 1
            if args.check:
                print(f"{path}: not in the stable form")
            else:
                save(path, triples, original=original)
                print(f"{path}: rewritten ({count(len(triples), 'triple', 'en')}, same graph)")
    return 1 if args.check and untidy else 0
