"""``python -m graph``: the command-line interface.

Each command is a module in ``graph/commands/`` with ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args, workspace) -> int``, where the
:class:`graph.workspace.Workspace` is built once from the settings; they are found
by name, so adding a command touches no other file.  A command module imports
what it needs inside ``run`` (and ``add_arguments``), so ``--help`` and a
light command start fast; only the chosen command's options are built.  Every command takes
``--data PATH...`` (default: the bundled data, or ``GRAPH_DATA``).  Exit
codes: 0 success, 1 a check found problems, 2 unreadable input or bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from . import commands
from .errors import GraphError
from .settings import BACKENDS, Settings

__all__ = ["main", "build_parser"]


def _command_modules():
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{commands.__name__}.{info.name}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with ``only``, the options of that one command (the
    others are listed by name and help, their modules' imports not run)."""
    parser = argparse.ArgumentParser(
        prog="python -m graph",
        description="Knowledge graph of social-economy partnerships: validate, query, analyse.",
        epilog="Settings come from GRAPH_* environment variables (GRAPH_DATA, GRAPH_BACKEND, ...); "
        "`python -m graph settings` lists them all with their values, docs/settings.md explains them.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _command_modules():
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        if only is not None and module.NAME != only:
            continue
        p.add_argument(
            "--data",
            nargs="+",
            metavar="PATH",
            help="data files (Turtle, TriG, N-Triples, JSON-LD); default: GRAPH_DATA or the bundled data",
        )
        p.add_argument("--backend", choices=BACKENDS, help="store backend (default: GRAPH_BACKEND or oxigraph)")
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=argv[0] if argv else None)
    args = parser.parse_args(argv)
    try:
        from .workspace import Workspace

        settings = Settings.from_env(backend=args.backend).with_data(args.data)
        return int(args._run(args, Workspace(settings)) or 0)
    except GraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `python -m graph query ... | head`
        return 0
