"""A projection patched after an edit equals a fresh one, orders included, and shares the rest."""

from __future__ import annotations

import copy
import shutil

import networkx as nx
import pandas as pd
import pytest

from graph.analysis import patch_projection, to_networkx
from graph.analysis.projection import with_memberships
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
from graph.edit.editor import Editor
from graph.model import ESK, ESM, ESO, ESTIE
from graph.settings import DATA_DIR, Settings
from graph.views.explore import summary
from graph.views.overview import agreement_timeline
from graph.workspace import Workspace

SRC = "essrc:s1-umws-2017-01-20"
NEW = str(ESO["fundacja-cofnieta"])
#: projection options a page asks for: the whole network, dates around the edits, memberships,
#: people, a tie-kind filter
OPTIONS = [
    {},
    {"as_of": "2017-01-20"},
    {"as_of": "2022-12-31"},
    {"as_of": "2023-06-30", "include_memberships": True},
    {"include_memberships": True},
    {"include_people": True, "include_memberships": True},
    {"as_of": "2022-12-31", "include_people": True, "include_memberships": True},
    {"tie_kinds": ("advice", "funding")},
]


def _same(patched: nx.MultiDiGraph, fresh: nx.MultiDiGraph, what: str) -> None:
    assert nx.utils.graphs_equal(patched, fresh), what
    assert list(patched.nodes) == list(fresh.nodes), what
    assert list(patched.edges(keys=True)) == list(fresh.edges(keys=True)), what
    assert [list(p) for p in patched.pred.values()] == [list(p) for p in fresh.pred.values()], what


def _state(g: nx.MultiDiGraph) -> list:
    """Everything a graph holds, in its orders (a deep copy)."""
    adj = [[(u, [(v, list(kd.items())) for v, kd in nbrs.items()]) for u, nbrs in side.items()] for side in (g.succ, g.pred)]
    return copy.deepcopy([dict(g.graph), list(g.nodes(data=True)), adj])


def _changes(ctx):
    yield "add an organisation", lambda: add_organisation(
        ctx(), OrganisationInput(name="Fundacja Cofnięta", kind="fundacja", teryt="2601022", source="Statut", nip="5261040828"), who="Ala"
    )
    yield "add a tie", lambda: add_tie(ctx(), TieInput(from_="fundacja-cofnieta", to="koowes", kind="advice", start="2022-05-01", source=SRC), who="Ala")
    yield "join the agreement (a signer's post)", lambda: join_agreement(
        ctx(), JoinInput(organisation="fundacja-cofnieta", date="2022-06-01", source=SRC, signer="Aaron Aab", post="prezes zarządu"), who="Ala"
    )
    yield "end a tie", lambda: end_tie(ctx(), str(ESTIE["fundacja-cofnieta-advice-koowes"]), "2023-01-31", "https://example.org/koniec", who="Ola")
    yield "end a membership", lambda: end_membership(ctx(), str(ESM["agreement-fundacja-cofnieta"]), "2023-02-28", SRC, who="Ola")
    yield "change a label", lambda: correct_organisation(ctx(), NEW, "name", "Fundacja Poprawiona", SRC, who="Ola")
    yield "change a kind", lambda: correct_organisation(ctx(), str(ESO["koowes"]), "kind", "fundacja", SRC, who="Ola")
    yield "delete a tie", lambda: remove_entry(ctx(), str(ESTIE["koowes-funding-ss-starachowiczanka"]), who="Ola")
    yield "delete an organisation with its ties", lambda: remove_entry(ctx(), NEW, who="Ola", cascade=True)


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """A workspace on a copy of the bundled data and an editor on its store."""
    tmp = tmp_path_factory.mktemp("patch")
    data = tmp / "entities.ttl"
    shutil.copyfile(DATA_DIR / "entities.ttl", data)
    ws = Workspace(Settings(data=(data,), history=tmp / "history.jsonl"))
    return ws, Editor(ws.settings, store=ws.store)


def _key(opts: dict) -> tuple:
    kinds = opts.get("tie_kinds")
    return ("projection", opts.get("as_of"), tuple(sorted(kinds)) if kinds else None, opts.get("include_people", False), opts.get("include_memberships", False))


def test_every_kind_of_edit_and_its_undo_patch_the_projections_to_fresh_ones(edited, monkeypatch):
    import graph.workspace

    ws, editor = edited
    monkeypatch.setattr(graph.workspace, "PATCHED_AT_MOST", 2 * len(OPTIONS))  # and the plain ones that memberships extend
    steps = list(_changes(editor.context))
    steps += [(f"undo: {what}", lambda: None) for what, _ in reversed(steps)]
    kept, patched_timeline = [], []  # edits after which the agreement timeline was kept as it was / patched
    for what, make in steps:
        olds = {_key(o): ws.projection(**o) for o in OPTIONS}
        ws.timeline()
        old_timeline = ws._memo["answers"]["timeline"]
        before = {k: _state(g) for k, g in olds.items()}
        if what.startswith("undo"):  # the SHACL check of each change is tested elsewhere: not here
            editor.undo(who="Ula", check=False)
        else:
            assert not editor.commit(make(), check=False).empty, what
        assert editor.changed, what
        assert ws.adopt(editor) and ws.loads == 1
        if ws.has("timeline"):
            (kept if ws._memo["answers"]["timeline"] is old_timeline else patched_timeline).append(what)
        pd.testing.assert_frame_equal(ws.timeline(), agreement_timeline(ws.store))
        for opts in OPTIONS:
            key = _key(opts)
            assert ws.has(*key, room="graphs"), f"{what}: {opts} not patched"
            patched = ws.projection(**opts)
            assert nx.is_frozen(patched) and patched is not olds[key]
            fresh = to_networkx(ws.store, **opts)
            _same(patched, fresh, f"{what}: {opts}")
            if not (opts.get("include_people") or opts.get("include_memberships")):  # what with_memberships builds on
                assert patched._gone == fresh._gone, f"{what}: {opts}: organisations gone on the date"
                extended = with_memberships(patched, ws.store, include_memberships=True)
                _same(extended, to_networkx(ws.store, **opts, include_memberships=True), f"{what}: {opts} with memberships")
            assert _state(olds[key]) == before[key], f"{what}: {opts}: the old projection changed"
            shared = sum(patched._node[n] is a for n, a in olds[key]._node.items() if n in patched._node)
            assert shared >= len(patched) - 10, f"{what}: {opts}: {shared} of {len(patched)} nodes shared"
    assert ws.summary() == summary(to_networkx(ws.store))  # what is derived from it follows
    assert "add a tie" in kept and "join the agreement (a signer's post)" in patched_timeline, (kept, patched_timeline)
    assert "change a label" in patched_timeline and "undo: end a membership" in patched_timeline, patched_timeline


def test_only_the_most_recently_used_projections_are_patched(edited, monkeypatch):
    import graph.workspace

    ws, editor = edited
    monkeypatch.setattr(graph.workspace, "PATCHED_AT_MOST", 2)
    for opts in OPTIONS[:3]:
        ws.projection(**opts)
    ws.projection(**OPTIONS[0])  # used again: among the last two
    editor.commit(correct_organisation(editor.context(), str(ESO["koowes"]), "name", "KOOWES", SRC, who="Ola"), check=False)
    assert ws.adopt(editor)
    assert [ws.has(*_key(o), room="graphs") for o in OPTIONS[:3]] == [True, False, True]
    ws.summary()  # answers on edited data are never kept on disk under the bytes the store first read
    assert ws.edited and ws.answers_of(("summary",)) is None and ws.keep_later_pages() == 0
    editor.undo(who="Ula", check=False)
    assert ws.adopt(editor)


def test_nodes_reading_a_changed_kind_are_read_again_or_the_projection_built_afresh(edited, monkeypatch):
    import graph.analysis.projection_patch as patch

    ws, _ = edited
    g = ws.projection()
    assert patch_projection(g, ws.store, []) is g
    kind = str(ESK["foundation"])
    readers = [n for n, k in g.nodes(data="kind") if k == "foundation"]
    assert readers
    new = patch_projection(g, ws.store, [kind])
    _same(new, g, "nothing changed")
    assert all(new.nodes[n] is g.nodes[n] for n in g)  # equal attributes stay shared
    monkeypatch.setattr(patch, "MAX_READERS", len(readers) - 1)
    assert patch_projection(g, ws.store, [kind]) is None  # too many to read again: built afresh


@pytest.mark.server
def test_a_projection_patched_over_a_sparql_server_equals_a_fresh_one(tmp_path, sparql_server):
    """The same bound queries on every tested server (the edits go to the edit graph, then are undone)."""
    settings = sparql_server.settings(edit=True, history=tmp_path / "history.jsonl")
    ws = Workspace(settings)
    editor = Editor(settings, store=ws.store)
    ctx = editor.context
    steps = [
        lambda: add_organisation(ctx(), OrganisationInput(name="Fundacja Zdalna", kind="foundation", teryt="2611011", source=SRC), who="Ala"),
        lambda: add_tie(ctx(), TieInput(from_="fundacja-zdalna", to="koowes", kind="advice", start="2022-05-01", source=SRC), who="Ala"),
        lambda: end_tie(ctx(), str(ESTIE["fundacja-zdalna-advice-koowes"]), "2023-01-31", SRC, who="Ola"),
        lambda: join_agreement(ctx(), JoinInput(organisation="fundacja-zdalna", date="2022-06-01", source=SRC), who="Ala"),
        lambda: correct_organisation(ctx(), str(ESO["fundacja-zdalna"]), "name", "Fundacja Zdalna Poprawiona", SRC, who="Ola"),
    ]
    options = [{}, {"as_of": "2022-12-31", "include_memberships": True}]
    try:
        for n, make in enumerate(steps + [None] * len(steps)):
            for o in options:
                ws.projection(**o)
            ws.timeline()
            if make is None:
                editor.undo(who="Ula", check=False)
            else:
                editor.commit(make(), check=False)
            assert ws.adopt(editor)
            for o in options:
                assert ws.has(*_key(o), room="graphs")
                _same(ws.projection(**o), to_networkx(ws.store, **o), f"{sparql_server.name}: step {n}: {o}")
            assert ws.has("timeline")
            pd.testing.assert_frame_equal(ws.timeline(), agreement_timeline(ws.store))
    finally:  # the server's edit graph as it was, whatever failed
        for _ in range(len(steps)):
            entries = editor.history()
            if sum(1 for e in entries if e.undoes) >= sum(1 for e in entries if not e.undoes):
                break
            editor.undo(who="Ula", check=False)


def test_a_patch_that_fails_leaves_every_answer_to_be_computed_afresh(tmp_path, monkeypatch):
    import graph.analysis

    data = tmp_path / "entities.ttl"
    shutil.copyfile(DATA_DIR / "entities.ttl", data)
    ws = Workspace(Settings(data=(data,), history=tmp_path / "history.jsonl"))
    editor = Editor(ws.settings, store=ws.store)
    before = ws.summary()["organisations"]
    ws.projection(), ws.timeline()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the patch")

    monkeypatch.setattr(graph.analysis, "patch_projection", broken)
    org = OrganisationInput(name="Fundacja Niezałatana", kind="foundation", teryt="2611011", source=SRC)
    editor.commit(add_organisation(editor.context(), org, who="Ala"), check=False)
    assert ws.adopt(editor)
    assert not ws.has("projection", None, None, False, False, room="graphs") and not ws.has("timeline") and not ws.has("summary")
    assert ws.summary()["organisations"] == before + 1

