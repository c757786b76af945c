"""Packages whose public names import their submodule on first use (PEP 562).

``graph.analysis`` and ``graph.edit`` list each public name with the
submodule that defines it; ``import graph.analysis`` then costs nothing and
``from graph.analysis import stats`` imports only what stats needs (the CLI's
start-up: ``scripts/bench_cli.py``).

>>> getattr_, dir_ = lazy_names("json", {"dumps": "encoder"}, {}, ["dumps"])
>>> "dumps" in dir_()
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping

__all__ = ["lazy_names"]


def lazy_names(package: str, where: Mapping[str, str], namespace: MutableMapping, public: list[str]) -> tuple[Callable, Callable]:
    """``(__getattr__, __dir__)`` for ``package``: a name of ``where`` is looked up in
    ``package.<where[name]>`` on first use and kept in ``namespace`` (the package's globals)."""

    def getattr_(name: str):
        if name in where:
            value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def dir_() -> list[str]:
        return sorted(set(namespace) | set(public))

    return getattr_, dir_
