"""``python -m graph``: the command-line interface.

Each command is a module in ``graph/commands/`` with ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args, workspace) -> int``, where the
:class:`graph.workspace.Workspace` is built once from the settings; they are found
by name, so adding a command touches no other file.  A command module imports
what it needs inside ``run`` (and ``add_arguments``), so ``--help`` and a
light command start fast; only the chosen command's options are built.  Every command takes
``--data PATH...`` (default: the bundled data, or ``GRAPH_DATA``).  Exit
codes: 0 success, 1 a check found problems, 2 unreadable input or bad usage.

A command whose module sets ``QUICK_EXIT = True`` (its output all written and
its files all closed when ``run`` returns) ends the process without freeing
its store: :func:`console`, the entry point of ``python -m graph``, flushes
the output and leaves the memory to the operating system, as freeing a
million triples one by one costs a tenth of loading them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from . import commands
from .errors import GraphError
from .settings import BACKENDS, Settings

__all__ = ["main", "build_parser", "command_names", "console"]


def command_names() -> dict[str, str]:
    """Command name -> its module's name in graph/commands/ (the same, but for a
    Python keyword, which gets a trailing underscore: ``import_``)."""
    infos = sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name)
    return {info.name.rstrip("_"): info.name for info in infos if not info.name.startswith("_")}


def _module(name: str):
    return importlib.import_module(f"{commands.__name__}.{name}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with ``only`` (a command's name), the options of that one
    command, the others listed by name alone, their modules not imported."""
    parser = argparse.ArgumentParser(
        prog="python -m graph",
        description="Knowledge graph of social-economy partnerships: validate, query, analyse.",
        epilog="Settings come from GRAPH_* environment variables (GRAPH_DATA, GRAPH_BACKEND, ...); "
        "`python -m graph settings` lists them all with their values, docs/settings.md explains them.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    names = command_names()
    for name, module_name in names.items():
        if only in names and name != only:
            sub.add_parser(name)
            continue
        module = _module(module_name)
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
        p.set_defaults(_run=module.run, _quick=getattr(module, "QUICK_EXIT", False))
    return parser


def main(argv: list[str] | None = None, *, held: list | None = None) -> int:
    """Run one command; ``held`` (a list) gets the workspace of a ``QUICK_EXIT``
    command, so that it outlives the call (see :func:`console`)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=argv[0] if argv else None)
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(backend=args.backend).with_data(args.data)
        workspace = _Deferred(settings)
        if held is not None and args._quick:
            held.append(workspace)
        return int(args._run(args, workspace) or 0)
    except GraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `python -m graph query ... | head`
        return 0


class _Deferred:
    """A command's :class:`~graph.workspace.Workspace`, built on first use beyond
    its ``settings``: an edit, which needs only those, imports no workspace."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._workspace = None

    @property
    def opened(self) -> bool:
        return self._workspace is not None and self._workspace.opened

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if self._workspace is None:
            from .workspace import Workspace

            self._workspace = Workspace(self.settings)
        return getattr(self._workspace, name)


def console() -> None:
    """``python -m graph``: :func:`main`, then the exit; after a ``QUICK_EXIT``
    command, with the output flushed and the store left unfreed (``os._exit``)."""
    held: list = []
    code = main(held=held)
    if not held:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away: nothing more to say
        pass
    os._exit(code)
