"""queries: list the saved questions of the query library."""

from __future__ import annotations

NAME = "queries"
HELP = "list the saved questions with their parameters"


def add_arguments(p) -> None:
    p.add_argument("--lang", choices=("pl", "en"), default="pl")


def run(args, workspace) -> int:
    from ..library import load_library

    for q in load_library().values():
        print(f"{q.name}: {q.title_in(args.lang)}")
        for p in q.params:
            need = "required" if p.required else f"default {p.default}"
            print(f"    --bind {p.name}=<{p.type}>  {p.label_in(args.lang)} ({need})")
    return 0
