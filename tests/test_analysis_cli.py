"""CLI: gaps, metrics, diff, export, whatif; formats, languages, and exit code 2 on bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from analysis_support import AGREEMENT, PREFIXES, member, org, tie

from graph.cli import main

DATA = (
    AGREEMENT
    + org("rops", "rops", "2661011")
    + org("owes", "owes", "2661011")
    + org("ss", "social_cooperative", label="Spółdzielnia <b>Socjalna</b>")
    + org("ops", "ops")
    + org("pup", "pup")
    + tie("rops", "coordination", "owes")
    + tie("owes", "advice", "ss", start="2017-05-01")
    + tie("ops", "contracting", "ss", start="2019-01-01", end="2020-12-31")
    + member("ops")
    + member("pup")
)


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    for name in ("GRAPH_DATA", "GRAPH_BACKEND", "GRAPH_SPARQL_QUERY_URL"):
        monkeypatch.delenv(name, raising=False)
    p = tmp_path / "data.ttl"
    p.write_text(PREFIXES + DATA, encoding="utf-8")
    return p


def run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_gaps_markdown_pl_and_en(data, capsys):
    code, out, _ = run(capsys, "gaps", "--data", str(data))
    assert code == 0 and out.startswith("# Luki we współpracy") and "## Oczekiwania" in out and "## Sugerowane powiązania" in out and "_luka w danych – uzupełnij dane_" in out
    assert "Spółdzielnia &lt;b&gt;Socjalna&lt;/b&gt;" in out and "<b>" not in out
    code, out, _ = run(capsys, "gaps", "--data", str(data), "--lang", "en", "--as-of", "2019-06-30")
    assert code == 0 and out.startswith("# Gaps in cooperation") and "as of 2019-06-30" in out


def test_gaps_csv_and_json(data, capsys):
    code, out, _ = run(capsys, "gaps", "--data", str(data), "--format", "csv", "--as-of", "2018-01-01")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert (
        code == 0 and rows and set(rows[0]) == {"category", "code", "severity", "kind", "iri", "label", "iri2", "label2", "text", "score", "basis"}
    )
    assert {"expectation", "coverage", "structure", "suggestion"} <= {r["category"] for r in rows}
    assert {r["kind"] for r in rows} == {"cooperation", "data"}
    ops = [r for r in rows if r["code"] == "ops-works-with-pes"]
    assert [r["label"] for r in ops] == ["ops"]  # contracting starts in 2019
    code, out, _ = run(capsys, "gaps", "--data", str(data), "--format", "json", "--as-of", "2019-06-30")
    doc = json.loads(out)
    assert code == 0 and doc["as_of"] == "2019-06-30"
    assert not any(f["code"] == "ops-works-with-pes" for f in doc["findings"])
    assert {f["kind"] for f in doc["findings"]} <= {"cooperation", "data"} and doc["absences"] == []
    assert doc["network"]["organisations"] == 5 and doc["coverage"][0]["gmina"].startswith("https://w3id.org/es-pl/id/terc/")


def test_metrics_csv_and_json(data, capsys):
    code, out, _ = run(capsys, "metrics", "--data", str(data))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 5
    assert {
        "iri",
        "label",
        "kind",
        "degree",
        "betweenness",
        "harmonic",
        "pagerank",
        "core",
        "constraint",
        "gatekeeper",
        "community",
        "out_advice",
    } <= set(rows[0])
    top = rows[0]
    assert top["iri"].endswith("/owes") or top["iri"].endswith("/ss")
    code, out, _ = run(capsys, "metrics", "--data", str(data), "--format", "json", "--as-of", "2018-01-01")
    doc = json.loads(out)
    ss = next(r for r in doc["organisations"] if r["iri"].endswith("/ss"))
    assert code == 0 and ss["in_contracting"] == 0 and ss["in_advice"] == 1 and doc["network"]["ties"] == 2


def test_diff(data, capsys):
    code, out, _ = run(capsys, "diff", "2018-01-01", "2019-06-30", "--data", str(data))
    assert code == 0 and out.startswith("# Zmiany w sieci: 2018-01-01 → 2019-06-30") and "ops → Spółdzielnia" in out
    code, out, _ = run(capsys, "diff", "2018-01-01", "2019-06-30", "--data", str(data), "--format", "json", "--lang", "en")
    assert code == 0 and any(f["code"] == "tie-new" for f in json.loads(out)["findings"])


def test_whatif(data, capsys):
    code, out, _ = run(capsys, "whatif", "owes", "--data", str(data))
    assert code == 0 and "# Co jeśli zabraknie organizacji" in out and "Tracą dostęp do wsparcia (2)" in out
    code, out, _ = run(capsys, "whatif", "eso:ops", "https://w3id.org/es-pl/id/org/pup", "--data", str(data), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and len(doc["removed"]) == 2 and doc["lost_support"] == []


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "json"])
def test_export_round_trip(data, capsys, tmp_path, fmt):
    out_path = tmp_path / f"net.{fmt}"
    code, _, err = run(capsys, "export", "--format", fmt, "--data", str(data), "-o", str(out_path))
    assert code == 0 and "wrote" in err
    if fmt == "gexf":
        g = nx.read_gexf(out_path)
    elif fmt == "graphml":
        g = nx.read_graphml(out_path)
    else:
        g = nx.node_link_graph(json.loads(out_path.read_text(encoding="utf-8")), edges="edges")
    ss = "https://w3id.org/es-pl/id/org/ss"
    assert g.number_of_nodes() == 6 and g.number_of_edges() == 5  # 5 organisations + the agreement; 3 ties + 2 memberships
    assert g.nodes[ss]["label"] == "Spółdzielnia <b>Socjalna</b>" and g.nodes[ss]["kind"] == "social_cooperative"
    assert float(g.nodes[ss]["betweenness"]) > 0
    assert "betweenness" not in g.nodes["https://w3id.org/es-pl/id/org/agr"]


def test_export_to_stdout(data, capsysbinary):
    assert main(["export", "--format", "json", "--no-metrics", "--no-memberships", "--data", str(data)]) == 0
    doc = json.loads(capsysbinary.readouterr().out)
    assert len(doc["nodes"]) == 6 and len(doc["edges"]) == 3  # the agreement stays, its memberships go
    assert not any("betweenness" in n for n in doc["nodes"])


@pytest.mark.parametrize(
    "args, words",
    [
        (["gaps", "--as-of", "2019-02-30"], "--as-of: '2019-02-30' is not a date"),
        (["metrics", "--as-of", "tomorrow"], "not a date"),
        (["export", "--as-of", "x"], "not a date"),
        (["whatif", "nosuch"], "unknown organisation 'nosuch'"),
        (["whatif", "ops", "eso:ghost"], "unknown organisation 'eso:ghost'"),
        (["diff", "2020-01-01", "2019-01-01"], "after"),
        (["diff", "2020-01-01", "2020-13-01"], "DATE2"),
        (["export", "--format", "gexf", "-o", "/nonexistent/dir/x.gexf"], "does not exist"),
    ],
)
def test_bad_input_exit_2(data, capsys, args, words):
    code, out, err = run(capsys, *args, "--data", str(data))  # --data takes many paths: last
    assert code == 2 and words in err and err.startswith("error: ") and "Traceback" not in err


@pytest.mark.parametrize(
    "text", ["@prefix sh: <http://www.w3.org/ns/shacl#> .\nnot turtle", "@prefix ex: <https://example.org/> . ex:a ex:b ex:c ."]
)
def test_bad_expectations_exit_2(data, capsys, tmp_path, text):
    bad = tmp_path / "exp.ttl"
    bad.write_text(text, encoding="utf-8")
    for command in (["gaps"], ["diff", "2018-01-01", "2019-01-01"]):
        code, _, err = run(capsys, *command, "--data", str(data), "--expectations", str(bad))
        assert code == 2 and str(bad) in err


def test_pyshacl_engine_from_the_cli(data, capsys):
    a = run(capsys, "gaps", "--data", str(data), "--format", "csv", "--engine", "pyshacl")
    b = run(capsys, "gaps", "--data", str(data), "--format", "csv", "--engine", "oxigraph")
    assert a[0] == b[0] == 0 and a[1] == b[1]


def test_public_api_names():
    import graph.analysis as analysis

    assert len(set(analysis.__all__)) == len(analysis.__all__)
    missing = [name for name in analysis.__all__ if not hasattr(analysis, name)]
    assert missing == []
    for name in ("gap_report", "node_metrics", "network_metrics", "what_if", "diff_report", "structure", "render_markdown", "render_csv"):
        assert getattr(analysis, name).__doc__, name
