"""settings: every setting, its variable, its value now and what it means."""

from __future__ import annotations

NAME = "settings"
HELP = "list every setting (GRAPH_* variable), its value now, its default and meaning"


def add_arguments(p) -> None:
    p.add_argument("--markdown", action="store_true", help="print the table of docs/settings.md instead")


def run(args, workspace) -> int:
    from ..settings import SETTINGS, settings_markdown

    if args.markdown:
        print(settings_markdown(), end="")
        return 0
    for s in SETTINGS:
        value = getattr(workspace.settings, s.name)
        shown = "(set)" if s.secret and value else ("" if value is None else value)
        if isinstance(shown, tuple):
            shown = ":".join(str(p) for p in shown)
        print(f"{s.variable or s.name:<24} {shown}")
        print(f"{'':<24} {s.help}")
    return 0
