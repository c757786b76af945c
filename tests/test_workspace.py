"""The workspace: one store, one memo per data signature, read-only shared results."""

from __future__ import annotations

import os
import shutil

import networkx as nx
import pytest

from graph.library import internal_query
from graph.settings import DEFAULT_DATA, Settings
from graph.workspace import LOCAL_ANALYSIS_OVER, Workspace, data_signature


@pytest.fixture(scope="module")
def ws():
    return Workspace(Settings())


def test_answers_are_memoised_and_projections_frozen(ws):
    g = ws.projection()
    assert ws.projection() is g
    assert nx.is_frozen(g)
    with pytest.raises(nx.NetworkXError):
        g.add_node("https://example.org/x")
    assert ws.projection(as_of="2017-01-20") is not g


def test_tables_are_copies_labels_read_only(ws):
    first = ws.metrics()
    first.loc[first.index[0], "degree"] = -1
    assert (ws.metrics()["degree"] >= 0).all()
    rows = ws.search("Starachowice")
    rows.clear()
    assert ws.search("Starachowice")
    with pytest.raises(TypeError):
        ws.vocabulary()["kind"]["firm"] = {}  # type: ignore[index]
    assert ws.vocabulary() is ws.vocabulary()


def test_the_signature_follows_the_data_files(tmp_path):
    data = tmp_path / "entities.ttl"
    shutil.copy(DEFAULT_DATA[0], data)
    settings = Settings(data=(data,))
    ws = Workspace(settings)
    assert not ws.stale() and ws.signature == data_signature(settings)
    st = data.stat()
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert ws.stale()


def test_report_is_shared_and_network_view_uses_the_whole_network_measures(ws):
    from graph.viz import ViewSpec

    assert ws.report() is ws.report()
    assert ws.summary()["organisations"] < LOCAL_ANALYSIS_OVER
    view = ws.network(ViewSpec(lang="en"), texts=(("cap.kind", "Kind"),))
    assert view.organisations == ws.summary()["organisations"]
    assert ws.network(ViewSpec(lang="en"), texts=(("cap.kind", "Kind"),)) is view


def test_one_vocabulary_one_shape(ws):
    from graph.vocabulary import Label

    assert ws.vocab is ws.vocab
    firm = ws.vocab.kind["firm"]
    assert firm.label == Label("przedsiębiorstwo prywatne", "private firm") and firm.sector == "private"
    assert ws.vocab.label("kind", "firm", "en") == "private firm"
    assert ws.vocabulary()["kind"]["firm"]["en"] == "private firm"


def _edited(tmp_path):
    from graph.edit import OrganisationInput, add_organisation
    from graph.edit.editor import Editor

    data = tmp_path / "entities.ttl"
    shutil.copy(DEFAULT_DATA[0], data)
    ws = Workspace(Settings(data=(data,), history=tmp_path / "history.jsonl"))
    before = ws.summary()["organisations"]
    editor = Editor(ws.settings, store=ws.store)
    org = OrganisationInput(name="Fundacja Przyjęta", kind="foundation", teryt="2611011", source="essrc:s1-umws-2017-01-20")
    return ws, editor, before, lambda: editor.commit(add_organisation(editor.context(), org, who="Ala"))


def test_an_edit_through_the_store_is_adopted_without_reading_the_store_again(tmp_path):
    ws, editor, before, save = _edited(tmp_path)
    store = ws.store
    save()
    assert ws.stale()  # the file changed: without adopting, the next view would reload it all
    assert ws.adopt(editor)
    assert not ws.stale() and ws.signature == data_signature(ws.settings)
    assert ws.store is store and ws.loads == 1
    assert ws.summary()["organisations"] == before + 1  # the memo was dropped: the new organisation counts


def test_an_edit_on_files_changed_meanwhile_is_not_adopted(tmp_path):
    ws, editor, _, save = _edited(tmp_path)
    data = ws.settings.data[0]
    st = data.stat()
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # someone else's change the store never saw
    save()
    assert not ws.adopt(editor) and ws.stale()


def test_large_data_is_warmed_up_once_in_the_background(monkeypatch):
    import threading

    import graph.warm_up as warm_up

    small = Workspace(Settings())
    _ = small.store
    assert not small.warm_up()  # small data: nothing in the background
    monkeypatch.setattr(warm_up, "WARM_UP_OVER", 0)  # the bundled data counts as large
    ws = Workspace(Settings())
    _ = ws.store
    assert not ws.has("report", None)
    assert ws.warm_up() and not ws.warm_up()  # once per data version
    for thread in threading.enumerate():
        if thread.name == f"warm-up {ws.signature}":
            thread.join(60)
    assert ws.has("report", None) and ws.has("structure", None) and ws.has("findings", None)
    assert ws.report().findings == ws.findings().findings


def test_a_grouped_network_view_draws_without_the_memberships_projection():
    import threading
    import time

    from graph.viz import ViewSpec, compose

    ws = Workspace(Settings())
    spec = ViewSpec(threshold=20, lang="en")
    view = ws.network(spec, memberships=True)
    assert view.level == "gmina"
    # built in the background for a drill-down past the groups
    for thread in threading.enumerate():
        if thread.name.startswith("ahead"):
            thread.join(60)
    deadline = time.monotonic() + 60
    while not ws.has("projection", None, None, False, True, room="graphs") and time.monotonic() < deadline:
        time.sleep(0.05)
    full = ws.projection(include_memberships=True)
    assert view == compose(full, spec, vocab=ws.vocabulary(), labels=ws.territory())


def test_missing_ties_on_the_network_need_the_findings_alone(monkeypatch):
    import json
    import re

    import pandas as pd

    import graph.analysis as analysis
    from graph.analysis.findings import Finding, Resource
    from graph.viz import ViewSpec

    org = "https://w3id.org/es-pl/id/org/"
    pair = (Resource(org + "gmina-wachock", "Gmina Wąchock", "Gmina Wąchock"), Resource(org + "koowes", "KO OWES", "KO OWES"))
    finding = Finding("expectation", "gmina-has-pes", "warning", pair, "brak", "missing")
    found = analysis.GapFindings(None, pd.DataFrame(), (finding,), (finding,), (), frozenset())
    monkeypatch.setattr(analysis, "gap_findings", lambda store, **kw: found)
    monkeypatch.setattr(analysis, "gap_report", lambda *a, **kw: pytest.fail("the whole report (measures, suggestions) is not needed"))
    ws = Workspace(Settings())
    html = ws.network(ViewSpec(lang="en", show_suggested=False), memberships=True).html
    data = json.loads(re.search(r'id="graph-data">(.*?)</script>', html, re.S).group(1))
    dashed = [(e["from"].rsplit("/", 1)[1], e["to"].rsplit("/", 1)[1]) for e in data["edges"] if e.get("dashes")]
    assert dashed == [("gmina-wachock", "koowes")]


def test_an_answer_computed_while_the_data_changed_is_not_kept(ws):
    def compute():
        ws.forget()  # an adopted edit in the middle of the computation
        return "old"

    assert ws._memoised("racing", compute) == "old"
    assert not ws.has("racing")


def test_the_launcher_preloads_one_workspace_for_the_dashboard(tmp_path):
    import threading

    from graph.preload import preload, preloaded

    data = tmp_path / "entities.ttl"
    shutil.copyfile(DEFAULT_DATA[0], data)
    cfg = Settings(data=(data,))
    ws = preload(cfg, warm_up_after=None)
    for thread in threading.enumerate():
        if thread.name == "preload":
            thread.join(60)
    assert ws.loads == 1 and ws.has("summary") and ws.has("timeline") and ws.has("findings", None)
    assert ws.first_answers.is_set()  # what the launcher waits for before importing the other pages
    assert preloaded(Settings()) is None  # other settings: not this one, and it is let go
    assert preloaded(cfg) is None
    ws = preload(cfg, warm_up_after=None)
    assert preloaded(cfg) is ws and preloaded(cfg) is None  # handed over once
    ws = preload(cfg, warm_up_after=None)
    st = data.stat()
    os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # the file changed since
    assert preloaded(cfg) is None


def test_a_preloaded_workspace_of_a_broken_file_names_the_file_and_place(tmp_path):
    """The preload reads the files before the workspace is built (graph/preload.py): its
    error reaches the first page as the plain load's would, every time it is asked."""
    from graph.errors import DataError
    from graph.preload import preload

    data = tmp_path / "broken.ttl"
    data.write_text(DEFAULT_DATA[0].read_text(encoding="utf-8") + "\neso:x a org:Organization , .\n", encoding="utf-8")
    line = data.read_text(encoding="utf-8").count("\n")
    ws = preload(Settings(data=(data,), cache_dir=None), warm_up_after=None)
    assert ws.first_answers.wait(60)
    for _ in range(2):
        with pytest.raises(DataError) as err:
            _ = ws.store
        assert "broken.ttl" in str(err.value) and err.value.place.line == line
    assert not ws.opened and not ws.has("summary")
    with pytest.raises(DataError) as plain:
        _ = Workspace(Settings(data=(data,))).store
    assert str(plain.value) == str(err.value)


def test_the_preload_signature_is_taken_before_the_files_are_read(tmp_path, monkeypatch):
    """A file replaced while the preload reads it leaves a stale workspace, never one whose
    signature names the new file beside a store of the old one."""
    import graph.preload as preload_module

    data = tmp_path / "entities.ttl"
    shutil.copyfile(DEFAULT_DATA[0], data)
    cfg = Settings(data=(data,), cache_dir=None)
    signature = data_signature(cfg)
    read = preload_module._begin_reading

    def replaced_while_read(settings):
        opening, taken = read(settings)
        st = data.stat()
        os.utime(data, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # the file changes after the read began
        return opening, taken

    monkeypatch.setattr(preload_module, "_begin_reading", replaced_while_read)
    ws = preload_module.preload(cfg, warm_up_after=None)
    assert ws.signature == signature and ws.stale()
    assert preload_module.preloaded(cfg) is None


@pytest.mark.parametrize("data", ["bundled", "synthetic county"])
def test_the_first_page_counts_without_the_network_what_the_network_holds(data, tmp_path):
    import pandas as pd

    from graph.synthetic import write_synthetic

    cfg = Settings()
    if data != "bundled":  # synthetic organisations and agreements, many gminy
        write_synthetic("county", seed=1, out=tmp_path / "county.ttl")
        cfg = Settings(data=(tmp_path / "county.ttl",))
    first = Workspace(cfg)
    counts, tables = first.summary(), first.overview_tables()
    assert not first.has("projection", None, None, False, False, room="graphs")  # the network was not built for them
    assert counts["organisations"] > 0 and (counts["synthetic"] > 0) == (data != "bundled")
    built = Workspace(cfg, store=first.store)
    built.projection()
    assert built.summary() == counts and counts["ties"] == built.projection().number_of_edges()
    for name, frame in built.overview_tables().items():
        pd.testing.assert_frame_equal(tables[name], frame)
    first.projection()
    assert not first.has("node_table")  # the stand-in goes once the network is there


@pytest.mark.parametrize("data", ["bundled", "synthetic county"])
def test_what_pages_draw_before_the_network_is_built_is_what_they_draw_from_it(data, tmp_path):
    """Grouped views (their groups, weights and HTML), the filters' counts and the coverage of
    gminy, computed from the first page's node table and the network's skeleton while the
    network is not built yet, equal those computed from the network."""
    import pandas as pd

    from graph.synthetic import write_synthetic
    from graph.views.explore import Filters
    from graph.viz import ViewSpec

    cfg = Settings()
    if data != "bundled":
        write_synthetic("county", seed=1, out=tmp_path / "county.ttl")
        cfg = Settings(data=(tmp_path / "county.ttl",))
    specs = [
        ViewSpec(grouping="gmina"),
        ViewSpec(grouping="powiat", lang="en", colour_by="sector"),
        ViewSpec(grouping="voivodeship"),
        ViewSpec(threshold=5),  # grouped by itself past 5 organisations
        ViewSpec(grouping="gmina", filters=Filters(kinds=("ops", "firm", "social_cooperative"))),
        ViewSpec(grouping="gmina", filters=Filters(isolated=False)),
        ViewSpec(drill="2611", threshold=5),
    ]
    early = Workspace(cfg)
    early.summary()  # the first page: the node table
    views = [early.network(spec, title="t") for spec in specs]
    facets, coverage = early.facets(), early.coverage()
    again = [early.network(spec, title="t") for spec in specs[:1]] + [early._visible(spec, None, None, False) for spec in specs]  # drawn: asked again
    assert again[0] is views[0] and all(g is None for g, _ in again[1:])
    assert early.has("skeleton", room="graphs")
    assert not early.has("projection", None, None, False, False, room="graphs")  # none of them built the network
    assert all(v.level is not None for v in views)
    built = Workspace(cfg, store=early.store)
    built.projection()
    for spec, view in zip(specs, views, strict=True):
        drawn = built.network(spec, title="t")
        assert (view.html, view.groups, view.nodes, view.organisation_rows, view.tie_rows) == (drawn.html, drawn.groups, drawn.nodes, drawn.organisation_rows, drawn.tie_rows)
        assert (view.node_count, view.edge_count, view.organisations, view.level) == (drawn.node_count, drawn.edge_count, drawn.organisations, drawn.level)
    assert facets == built.facets() and sum(facets["tie_kind"].values()) > 0
    pd.testing.assert_frame_equal(coverage, built.coverage())
    assert coverage["organisations"].sum() > 0
    node_by_node = early.network(ViewSpec(grouping="none"))  # not grouped: drawn from the network itself
    assert node_by_node.level is None and early.has("projection", None, None, False, False, room="graphs")
    early.projection()
    assert not early.has("skeleton", room="graphs")  # the skeleton goes once the network is there


def _join_warm_up(ws) -> None:
    import threading

    for thread in threading.enumerate():
        if thread.name == f"warm-up {ws.signature}":
            thread.join(60)


def test_the_warm_up_waits_for_the_page_being_drawn_and_the_findings_are_left_to_it(monkeypatch):
    """One background lane, after the page: while a page is drawn it does not start its next step, and
    the first page's wish for the findings (ahead) starts no second computation beside it."""
    import threading
    import time

    import graph.warm_up as warm_up

    monkeypatch.setattr(warm_up, "WARM_UP_OVER", 0)  # the bundled data counts as large
    monkeypatch.setattr(warm_up, "PAUSE_AT_MOST", 60.0)
    ws = Workspace(Settings())
    ws.summary()  # the first page's counts: from the node table
    begun = []
    real = ws.store.select_many_later
    monkeypatch.setattr(ws.store, "select_many_later", lambda texts: begun.append(texts) or real(texts))
    kept = threading.Event()
    with ws.drawing():  # a page is being drawn
        assert ws.warm_up(drawn=False, keep_first_page=kept.set)
        assert ws.ahead(("findings", None), ws.findings) == "running"  # the warm-up's to compute
        time.sleep(0.5)
        assert not ws.has("facets", None, False) and not ws.has("projection", None, None, False, False, room="graphs")  # waits for the page
        assert not any(t.name.startswith("ahead") for t in threading.enumerate())
        # but the queries of the network's skeleton and of the dates are under way meanwhile
        assert begun == [[internal_query("list_network_tie_ends"), internal_query("list_dates")]]
    assert kept.wait(30)  # the page is drawn: then its steps, keeping the first page after the Network page's
    _join_warm_up(ws)
    assert not ws.drawn.is_set()  # started by the preload, not by a page drawn
    for key in (("coverage", None), "dates", "seats", ("facets", None, False), ("findings", None), ("report", None), ("structure", None)):
        assert ws.has(*(key if isinstance(key, tuple) else (key,))), key
    assert ws.ahead(("findings", None), ws.findings) == "ready"
    assert ws.has("projection", None, None, False, False, room="graphs") and not ws.has("skeleton", room="graphs")
    assert not ws._begun_rows  # read by their steps


def test_queries_begun_before_an_edit_are_not_read_after_it():
    ws = Workspace(Settings())
    ws._begin("list_dates", "list_network_tie_ends")
    assert ws._begun("list_dates")  # on the data as it is
    ws.forget()  # the data changed
    assert ws._begun("list_network_tie_ends") is None
    ws._begin("list_dates")
    with ws._lock:
        ws._generation += 1  # changed while they were under way
    assert ws._begun("list_dates") is None


def test_the_skeleton_is_freed_as_soon_as_the_network_is_built():
    """Without waiting for a collection of cycles (networkx keeps views on a graph that refer back to it)."""
    import gc
    import weakref

    ws = Workspace(Settings())
    ws.summary()
    skeleton = weakref.ref(ws._skeleton())
    ws.facets(), ws.coverage()
    assert skeleton() is not None
    gc.disable()
    try:
        ws.projection()
        assert skeleton() is None and ws._skeleton() is None
    finally:
        gc.enable()


def test_the_coverage_is_the_findings_whichever_comes_first():
    """The Gaps page's first tab reads the coverage alone (computed from the network); the findings then
    take it as it is, and a coverage asked for after the findings is theirs."""
    first = Workspace(Settings())
    table = first.coverage()
    assert not first.has("expected", None) and not first.has("findings", None)  # from the network alone
    assert first.findings().coverage is first._coverage(None) and first.findings().coverage.equals(table)
    later = Workspace(Settings())
    found = later.findings()
    assert later._coverage(None) is found.coverage and later.coverage().equals(table)
    assert later.coverage() is not later.coverage()  # a copy each time: the caller may change it
    assert len(table) > 0 and table.equals(later.report().coverage)


def test_an_answer_being_read_is_taken_as_soon_as_it_is_there():
    """A page waiting for the network part of the saved later pages does not wait for the gap report's part."""
    import threading

    key = ("projection", None, None, False, False)
    other = Workspace(Settings()).projection()
    ws = Workspace(Settings())
    done = ws.expect([key, ("report", None)])
    threading.Timer(0.3, lambda: ws.take({key: other})).start()
    assert ws.projection() is other  # taken from the read, not computed beside it
    assert not done.is_set()  # the rest of the read still under way
    done.set()
    assert ws.report().coverage is not None  # the read is over: computed here
