"""The CLI on small files: exit codes, formats, bindings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True, cwd=ROOT, check=False)


def test_query_text_with_a_bound_value(tiny_file: Path, capsys):
    code = main(["query", "SELECT ?to WHERE { ?t es:tieFrom ?from ; es:tieTo ?to }", "--bind", "from=eso:b", "--format", "json", "--data", str(tiny_file)])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert [b["to"]["value"] for b in doc["results"]["bindings"]] == ["https://w3id.org/es-pl/id/org/a"]


def test_query_csv_and_turtle(tiny_file: Path, capsys):
    assert main(["query", "SELECT ?l WHERE { ?o a org:Organization ; skos:prefLabel ?l } ORDER BY ?l", "--format", "csv", "--data", str(tiny_file)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["l", "Gmina C <b>x</b>", "OWES B", "Spółdzielnia A"]
    assert main(["query", "CONSTRUCT { ?a es:funds ?b } WHERE { ?a es:funds ?b }", "--format", "turtle", "--data", str(tiny_file)]) == 0
    assert "eso:b es:funds eso:a" in capsys.readouterr().out


def test_unreadable_input_exits_2_naming_the_place(tmp_path: Path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://e/> .\nex:a ex:b .\n")
    proc = run("stats", "--data", str(bad))
    assert proc.returncode == 2
    assert f"{bad}:2:" in proc.stderr and "Traceback" not in proc.stderr


def test_a_quick_exit_still_writes_every_line(tiny_file: Path, capsys):
    """stats ends with os._exit (its store is not freed): the output is flushed first, whole."""
    assert main(["stats", "--format", "csv", "--data", str(tiny_file)]) == 0
    expected = capsys.readouterr().out
    proc = run("stats", "--format", "csv", "--data", str(tiny_file))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.replace("\r\n", "\n") == expected.replace("\r\n", "\n")
    assert proc.stdout.rstrip().endswith("totals,triples,triples," + str(_triples(tiny_file)))


def _triples(path: Path) -> int:
    from graph.settings import Settings
    from graph.store import open_store

    return len(open_store(Settings(data=(path,))))


def test_each_command_module_is_named_as_its_command():
    """build_parser(only=...) imports the chosen command's module alone, found by this rule."""
    import importlib

    from graph.cli import command_names

    names = command_names()
    assert {"import", "stats", "undo", "query"} <= set(names)
    for name, module in names.items():
        assert importlib.import_module(f"graph.commands.{module}").NAME == name


def test_refused_and_broken_queries_exit_2(tiny_file: Path, capsys):
    assert main(["query", "DROP ALL", "--data", str(tiny_file)]) == 2
    assert "read-only" in capsys.readouterr().err
    assert main(["query", "SELECT * WHERE {\n ?s ?p }", "--data", str(tiny_file)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_stats_counts_by_kind(tiny_file: Path, capsys):
    assert main(["stats", "--format", "json", "--data", str(tiny_file)]) == 0
    doc = json.loads(capsys.readouterr().out)
    kinds = {row["iri"].rsplit("/", 1)[-1]: row["count"] for row in doc["kind"]}
    assert kinds == {"social_cooperative": 1, "owes": 1, "gmina": 1}
    ties = {row["iri"].rsplit("/", 1)[-1]: row["count"] for row in doc["tie_kind"]}
    assert ties == {"funding": 1, "cofounding": 1}
    gminy = {row["label"]: row["count"] for row in doc["gmina"]}
    assert gminy == {"Starachowice": 1, "Brody": 1, "Mirzec": 1}


@pytest.mark.parametrize(
    "argv,absent",
    [
        (["--help"], ("pandas", "networkx", "pyshacl", "rdflib.plugins.sparql", "graph.analysis.gaps")),
        (["stats"], ("pandas", "networkx", "pyshacl", "rdflib.plugins.sparql")),
    ],
)
def test_the_cli_imports_only_what_the_command_needs(argv, absent):
    # graph.cli.main as `python -m graph` runs it (console() ends a quick command with os._exit: nothing after it would print)
    code = "import sys\nfrom graph.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\nprint(' '.join(sorted(sys.modules)), file=sys.stderr)"
    proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, cwd=ROOT, timeout=60)
    loaded = set(proc.stderr.split())
    assert "graph.cli" in loaded
    assert not loaded & set(absent), sorted(loaded & set(absent))
