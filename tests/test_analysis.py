"""graph.analysis: a lazy facade whose public names stay what they name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", ["stats", "structure", "brokerage", "coverage"])
def test_a_submodule_does_not_hide_the_function_of_its_name(name):
    code = (
        f"import importlib, graph.analysis as a\n"
        f"importlib.import_module('graph.analysis.{name}')\n"
        f"from graph.analysis import {name}\n"
        f"print(callable({name}), callable(a.{name}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.split() == ["True", "True"]


def test_importing_the_package_imports_no_analysis_module():
    code = "import sys, graph.analysis\nprint(sorted(m for m in sys.modules if m.startswith('graph.analysis.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves():
    import graph.analysis as a

    assert set(a.__all__) == set(a._WHERE)
    for name in a.__all__:
        assert getattr(a, name) is not None, name
