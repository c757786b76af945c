"""Every SPARQL text lives in graph/queries/: the catalogue and the internal queries."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.analysis.dates import AS_OF_RULES
from graph.dates import holds_sparql
from graph.errors import GraphError
from graph.library import INTERNAL_DIR, internal_query, load_library
from graph.store import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
INTERNAL = sorted(p.stem for p in INTERNAL_DIR.glob("*.rq"))
#: Modules that handle SPARQL as a language (guard, binding, engines, wire
#: formats, SHACL compilation, SPARQL Update of changes, the console's example) rather than ask
#: questions.
INFRASTRUCTURE = {"guard.py", "store.py", "bind.py", "wire.py", "results.py", "remote.py", "endpoint.py", "expectations.py", "console.py", "sparql_terms.py"}
#: A query form opening a string or a line (the first line of a triple-quoted query).
QUERY_TEXT = re.compile(r"""(["']\s*|^\s*)(SELECT|CONSTRUCT|ASK|DESCRIBE)\s+((DISTINCT|REDUCED)\s+)?[?{(*]""")


def test_internal_queries_are_not_in_the_catalogue():
    assert len(INTERNAL) >= 30
    assert not set(INTERNAL) & set(load_library())


@pytest.mark.parametrize("name", INTERNAL)
def test_each_internal_query_runs(name):
    text = internal_query(name)
    assert text.startswith("# ") and "# used by: graph/" in text
    users = re.search(r"^# used by: (.+)$", text, re.M).group(1)
    assert all((ROOT / u.strip()).is_file() for u in users.split(",")), users
    OxigraphStore().query(text)  # parses with the project's prefixes; an empty store answers


def test_unknown_internal_query_is_named():
    with pytest.raises(GraphError, match="no_such_query"):
        internal_query("no_such_query")


def test_no_query_text_is_written_in_the_code():
    found = []
    for path in (ROOT / "graph").rglob("*.py"):
        if path.name in INFRASTRUCTURE and path.parent.name in ("graph", "analysis", "edit", "views"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if QUERY_TEXT.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "SPARQL text outside graph/queries/:\n" + "\n".join(found)


@pytest.mark.parametrize("name", sorted(AS_OF_RULES))
def test_as_of_queries_hold_the_one_rule(name):
    """The as-of queries' FILTER is graph.dates.holds_sparql written out: one rule, in the files."""
    assert holds_sparql(*AS_OF_RULES[name]) in internal_query(name)
