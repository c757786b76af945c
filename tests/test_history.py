"""The change log and undo: undo restores a graph isomorphic to the one before."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib.compare import graph_diff, isomorphic

from graph.cli import main
from graph.edit import (
    JoinInput,
    OrganisationInput,
    TieInput,
    add_organisation,
    add_tie,
    correct_organisation,
    end_membership,
    end_tie,
    join_agreement,
    remove_entry,
)
from graph.edit.changes import EditError
from graph.edit.editor import Editor
from graph.io import load_graph
from graph.model import ESM, ESO, ESTIE
from graph.settings import DATA_DIR, Settings

SRC = "essrc:s1-umws-2017-01-20"


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    p = tmp_path / "entities.ttl"
    shutil.copyfile(DATA_DIR / "entities.ttl", p)
    return p


def _same(a, b) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(a, b)
        pytest.fail(f"graphs differ:\nonly before:\n{only_a.serialize(format='nt')}\nonly after:\n{only_b.serialize(format='nt')}")


def _changes(editor: Editor):
    ctx = editor.context
    yield lambda: add_organisation(
        ctx(), OrganisationInput(name="Fundacja Cofnięta", kind="fundacja", teryt="2601022", source="Statut", nip="5261040828"), who="Ala"
    )
    yield lambda: add_tie(ctx(), TieInput(from_="fundacja-cofnieta", to="koowes", kind="advice", start="2022-05-01", source=SRC), who="Ala")
    yield lambda: join_agreement(
        ctx(),
        JoinInput(organisation="fundacja-cofnieta", date="2022-06-01", source=SRC, signer="Ewa Nowak", post="prezes zarządu"),
        who="Ala",
    )
    yield lambda: end_tie(ctx(), str(ESTIE["fundacja-cofnieta-advice-koowes"]), "2023-01-31", "https://example.org/koniec", who="Ola")
    yield lambda: end_membership(ctx(), str(ESM["agreement-fundacja-cofnieta"]), "2023-02-28", SRC, who="Ola")
    yield lambda: correct_organisation(ctx(), str(ESO["fundacja-cofnieta"]), "name", "Fundacja Poprawiona", SRC, who="Ola")
    yield lambda: remove_entry(ctx(), str(ESO["fundacja-cofnieta"]), who="Ola", cascade=True)


def test_every_operation_is_undone_to_an_isomorphic_graph(data_file: Path):
    editor = Editor(Settings(data=(data_file,)))
    snapshots = [load_graph([data_file])]
    for make in _changes(editor):
        done = editor.commit(make())
        assert not done.empty, done.what
        snapshots.append(load_graph([data_file]))
    assert str(ESO["fundacja-cofnieta"]) not in data_file.read_text()  # removed, with its ties and memberships
    for before in reversed(snapshots[:-1]):
        editor.undo(who="Ula")
        _same(before, load_graph([data_file]))
    entries = editor.history()
    assert len(entries) == 14 and sum(1 for e in entries if e.undoes) == 7
    with pytest.raises(EditError, match="no change to undo"):
        editor.undo(who="Ula")


def test_undo_through_the_cli_and_the_history_listing(data_file: Path, capsys):
    editor = Editor(Settings(data=(data_file,)))
    before = load_graph([data_file])
    editor.commit(
        add_organisation(
            editor.context(), OrganisationInput(name="Stowarzyszenie CLI", kind="association", teryt="2611011", source=SRC), who="Ala"
        )
    )
    assert not isomorphic(before, load_graph([data_file]))
    assert main(["history", "--data", str(data_file)]) == 0
    out = capsys.readouterr().out
    assert "Ala" in out and "Stowarzyszenie CLI" in out
    assert main(["undo", "--data", str(data_file), "--user", "Ula"]) == 0
    assert "undone" in capsys.readouterr().out
    _same(before, load_graph([data_file]))
    assert main(["history", "--data", str(data_file), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["undone"] for r in rows] == [True, False] and rows[1]["who"] == "Ula"
    assert main(["undo", "--data", str(data_file), "--user", "Ula"]) == 2  # nothing left to undo


def test_undoing_a_change_whose_triples_changed_since_is_refused(data_file: Path):
    editor = Editor(Settings(data=(data_file,)))
    first = editor.commit(
        add_organisation(editor.context(), OrganisationInput(name="Fundacja A", kind="foundation", teryt="2611011", source=SRC), who="Ala")
    )
    editor.commit(correct_organisation(editor.context(), str(ESO["fundacja-a"]), "name", "Fundacja B", SRC, who="Ala"))
    bytes_before = data_file.read_bytes()
    with pytest.raises(EditError, match="changed meanwhile"):
        editor.undo(first.id, who="Ula")
    assert data_file.read_bytes() == bytes_before


def test_the_log_records_who_when_what_and_n_triples(data_file: Path):
    editor = Editor(Settings(data=(data_file,)))
    done = editor.commit(
        add_organisation(
            editor.context(), OrganisationInput(name="Fundacja Log", kind="foundation", teryt="2611011", source=SRC), who="Ala Kot"
        )
    )
    line = json.loads(editor.history_path.read_text().splitlines()[-1])
    assert line["id"] == done.id and line["who"] == "Ala Kot" and line["when"].endswith("Z")
    assert "Fundacja Log" in line["what"] and line["undoes"] is None
    assert len(line["added"]) == len(done.added) and all(t.endswith(" .") for t in line["added"])
    # a torn last line (a crash mid-append) is skipped
    with editor.history_path.open("a") as fh:
        fh.write('{"id": "broken')
    assert [e.id for e in editor.history()] == [done.id]


def test_a_change_breaking_the_shapes_is_refused_with_the_rule_and_field(data_file: Path):
    from rdflib import URIRef

    from graph.edit.changes import with_provenance
    from graph.model import ORG

    editor = Editor(Settings(data=(data_file,)))
    ctx = editor.context()
    second_kind = (ESO.koowes, ORG.classification, URIRef("https://w3id.org/es-pl/kind/foundation"))
    change = with_provenance(op="correct", what="a second kind", who="Ala", facts=[second_kind], existing=ctx.about([ESO.koowes]))
    bytes_before = data_file.read_bytes()
    with pytest.raises(EditError) as info:
        editor.commit(change)
    [problem] = info.value.problems
    assert problem.field == "kind" and problem.rule == "Organization-classification, MaxCountConstraintComponent"
    assert problem.focus == str(ESO.koowes) and "exactly one kind" in problem.message_en
    assert data_file.read_bytes() == bytes_before
