"""The first page kept on disk per version of the files (graph/saved_answers.py) and its use at start (graph/preload.py)."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from graph import analysis, saved_answers
from graph.preload import preload
from graph.settings import DEFAULT_DATA, Settings
from graph.synthetic import write_synthetic
from graph.workspace import Workspace

WAIT = 60


def _settings(tmp_path: Path, data: str = "bundled") -> Settings:
    if data == "bundled":
        copy = tmp_path / "entities.ttl"
        shutil.copyfile(DEFAULT_DATA[0], copy)
    else:  # synthetic organisations and agreements, many gminy
        copy = tmp_path / "county.ttl"
        write_synthetic("county", seed=1, out=copy)
    return Settings(data=(copy,), cache_dir=tmp_path / "cache")


def _answers(ws: Workspace) -> dict:
    ws.summary(), ws.overview_tables(), ws.triples(), ws.timeline(), ws.agreement_table(), ws.vocabulary()
    answers = ws.answers_of(saved_answers.KEYS)
    assert answers is not None and set(answers) == set(saved_answers.KEYS)
    return answers


def _deep(a, b, path="") -> None:
    """``a`` and ``b`` equal all the way down, in type and order (frames, networks, findings)."""
    assert type(a) is type(b), (path, type(a), type(b))
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, nx.Graph):
        assert nx.is_frozen(a) == nx.is_frozen(b) and a.graph == b.graph and getattr(a, "_gone", None) == getattr(b, "_gone", None), path
        assert list(a.nodes(data=True)) == list(b.nodes(data=True)) and list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True)), path
        assert all(list(a.succ[n]) == list(b.succ[n]) and list(a.pred[n]) == list(b.pred[n]) for n in a), path
    elif hasattr(a, "__dataclass_fields__"):
        for f in a.__dataclass_fields__:
            _deep(getattr(a, f), getattr(b, f), f"{path}.{f}")
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _deep(x, y, f"{path}[{i}]")
    elif isinstance(a, Mapping):
        assert list(a) == list(b), path
        for k in a:
            _deep(a[k], b[k], f"{path}[{k!r}]")
    else:
        assert a == b, (path, a, b)


@pytest.mark.parametrize("data", ["bundled", "synthetic county"])
def test_the_answers_read_back_equal_those_computed(tmp_path, data):
    cfg = _settings(tmp_path, data)
    ws = Workspace(cfg)
    answers = _answers(ws)
    name = saved_answers.key(cfg, ws.store.digests)
    assert saved_answers.write(cfg, name, answers)
    back = saved_answers.read(cfg, name)
    for k in saved_answers.KEYS:
        _deep(answers[k], back[k])
    with pytest.raises(TypeError):  # the vocabulary's labels come back read-only, as the workspace shares them
        back["vocabulary"]["kind"]["x"] = {}
    assert oct(Path(cfg.cache_dir).stat().st_mode & 0o777) == "0o700"
    assert [p.name for p in Path(cfg.cache_dir).iterdir()] == [f"first-page-{name}.json"]  # no temporary file left


def test_the_key_names_the_bytes_of_every_file_and_nothing_is_kept_when_off(tmp_path):
    cfg = _settings(tmp_path)
    digests = saved_answers.digests(cfg)
    assert len(digests) == len(cfg.files) and all(len(d) == 64 for d in digests)
    name = saved_answers.key(cfg, digests)
    assert name == saved_answers.key(cfg, saved_answers.digests(cfg))  # the same bytes, the same name
    data = cfg.data[0]
    data.write_bytes(data.read_bytes() + b"\n# one more line\n")
    assert saved_answers.key(cfg, saved_answers.digests(cfg)) != name  # a changed byte: another name
    assert saved_answers.key(replace(cfg, include_schema=False), digests) != name
    assert saved_answers.key(replace(cfg, cache_dir=None), digests) is None  # GRAPH_CACHE_DIR=off
    assert saved_answers.key(replace(cfg, backend="rdflib"), digests) is None
    assert saved_answers.key(cfg, digests[:-1] + ("",)) is None  # a missing file
    assert Settings.from_env({"GRAPH_CACHE_DIR": "off"}).cache_dir is None
    assert Settings.from_env({"XDG_CACHE_HOME": "/x/cache"}).cache_dir == Path("/x/cache/graph")


def test_a_broken_foreign_or_oversized_file_is_ignored(tmp_path, monkeypatch):
    cfg = _settings(tmp_path)
    ws = Workspace(cfg)
    name = saved_answers.key(cfg, ws.store.digests)
    assert saved_answers.write(cfg, name, _answers(ws))
    path = Path(cfg.cache_dir) / f"first-page-{name}.json"
    good = path.read_bytes()
    assert saved_answers.read(cfg, name) is not None
    path.write_bytes(good[: len(good) // 2])  # cut short
    assert saved_answers.read(cfg, name) is None
    doc = json.loads(good)
    path.write_text(json.dumps({**doc, "form": saved_answers.FORM + 1}))  # another form
    assert saved_answers.read(cfg, name) is None
    path.write_text(json.dumps({**doc, "key": "0" * 64}))  # a file copied under another name
    assert saved_answers.read(cfg, name) is None
    doc["answers"] = [a for a in doc["answers"] if a[0] != "triples"]
    path.write_text(json.dumps(doc))  # an answer missing
    assert saved_answers.read(cfg, name) is None
    path.write_bytes(good)
    monkeypatch.setattr(saved_answers, "MAX_BYTES", len(good) - 1)
    assert saved_answers.read(cfg, name) is None
    assert saved_answers.read(cfg, None) is None


def test_a_folder_that_cannot_be_written_keeps_nothing_and_loses_nothing(tmp_path):
    cfg = _settings(tmp_path)
    Path(cfg.cache_dir).write_text("a file where the folder should be")
    ws = Workspace(cfg)
    assert saved_answers.write(cfg, saved_answers.key(cfg, ws.store.digests), _answers(ws)) is False
    assert Path(cfg.cache_dir).read_text() == "a file where the folder should be"


def test_only_the_most_recent_first_pages_are_kept(tmp_path):
    cfg = _settings(tmp_path)
    answers = _answers(Workspace(cfg))
    names = [f"{i:064x}" for i in range(saved_answers.KEEP + 3)]
    for i, name in enumerate(names):
        assert saved_answers.write(cfg, name, answers)
        os.utime(Path(cfg.cache_dir) / f"first-page-{name}.json", ns=(i * 10**9, i * 10**9))
    saved_answers.write(cfg, names[-1], answers)
    kept = sorted(p.name for p in Path(cfg.cache_dir).glob("first-page-*.json"))
    assert kept == sorted(f"first-page-{n}.json" for n in names[-saved_answers.KEEP :])


def test_only_the_most_recent_later_pages_are_kept(tmp_path):
    cfg = _settings(tmp_path)
    answers = _later(Workspace(cfg))["gaps"]
    names = [f"{i:064x}" for i in range(saved_answers.KEEP_LATER + 2)]
    for i, name in enumerate(names):
        assert saved_answers.write(cfg, name, answers, part="gaps")
        os.utime(Path(cfg.cache_dir) / f"gaps-{name}.json", ns=(i * 10**9, i * 10**9))
    saved_answers.write(cfg, names[-1], answers, part="gaps")
    kept = sorted(p.name for p in Path(cfg.cache_dir).glob("gaps-*.json"))
    assert kept == sorted(f"gaps-{n}.json" for n in names[-saved_answers.KEEP_LATER :])


def test_a_start_keeps_the_first_page_and_the_next_start_shows_it_without_counting(tmp_path):
    cfg = _settings(tmp_path)
    first = preload(cfg, warm_up_after=None)
    assert first.first_answers.wait(WAIT)
    assert first.has("node_table")  # counted from the store
    name = saved_answers.key(cfg, saved_answers.digests(cfg))
    saved = Path(cfg.cache_dir) / f"first-page-{name}.json"
    for _ in range(100):  # written just after the answers are there
        if saved.exists():
            break
        time.sleep(0.05)
    assert saved.exists()
    second = preload(cfg, warm_up_after=None)
    assert second.first_answers.wait(WAIT)
    assert not second.has("node_table")  # taken from the file: nothing counted
    for k in saved_answers.KEYS:
        _deep(second._memoised(k, lambda: None), first._memoised(k, lambda: None))
    assert second.summary() == Workspace(cfg).summary()


def test_saved_answers_are_shown_for_the_bytes_they_were_computed_from_only(tmp_path):
    """A planted file under the right name is taken (it names the bytes); after a change of
    the data file the same file is not looked at, and the counts come from the store."""
    cfg = _settings(tmp_path)
    ws = Workspace(cfg)
    answers = _answers(ws)
    planted = {**answers, "summary": {**answers["summary"], "organisations": 999_999}}
    assert saved_answers.write(cfg, saved_answers.key(cfg, ws.store.digests), planted)
    shown = preload(cfg, warm_up_after=None)
    assert shown.first_answers.wait(WAIT) and shown.summary()["organisations"] == 999_999
    data = cfg.data[0]
    data.write_bytes(data.read_bytes() + b"\n# edited\n")
    fresh = preload(cfg, warm_up_after=None)
    assert fresh.first_answers.wait(WAIT) and fresh.summary()["organisations"] == answers["summary"]["organisations"]


def test_answers_looked_up_for_other_bytes_than_the_store_read_are_dropped(tmp_path, monkeypatch):
    """The files change between the lookup and the load: the store's own bytes decide."""
    cfg = _settings(tmp_path)
    ws = Workspace(cfg)
    answers = _answers(ws)
    planted = {**answers, "summary": {**answers["summary"], "organisations": 999_999}}
    other = tuple("f" * 64 for _ in cfg.files)  # what the lookup saw: other bytes than the store will read
    assert saved_answers.write(cfg, saved_answers.key(cfg, other), planted)
    monkeypatch.setattr(saved_answers, "digests", lambda settings: other)
    shown = preload(cfg, warm_up_after=None)
    assert shown.first_answers.wait(WAIT)
    deadline = time.monotonic() + WAIT
    while shown.summary()["organisations"] == 999_999 and time.monotonic() < deadline:  # shown until the store is read
        time.sleep(0.05)
    assert shown.opened and shown.summary()["organisations"] == answers["summary"]["organisations"]


def _later(ws: Workspace) -> dict:
    """The later pages' answers, as the warm-up computes them, by part."""
    ws.projection(), ws.territory(), ws.dates(), ws.seats(), ws.facets(), ws.findings(), ws.report(), ws.structure(), ws.spof()
    parts = {part: ws.answers_of(saved_answers.PARTS[part]) for part in saved_answers.LATER_PARTS}
    assert all(answers is not None for answers in parts.values())
    return parts


@pytest.mark.parametrize("data", ["bundled", "synthetic county"])
def test_the_later_pages_read_back_equal_those_computed(tmp_path, data):
    cfg = _settings(tmp_path, data)
    ws = Workspace(cfg)
    parts = _later(ws)
    name = saved_answers.key(cfg, ws.store.digests)
    assert saved_answers.write_parts(cfg, name, parts) == len(saved_answers.LATER_PARTS)
    for part, answers in parts.items():
        back = saved_answers.read(cfg, name, part=part)
        for k in answers:
            _deep(answers[k], back[k], repr(k))
    report, back = parts["gaps"][("report", None)], saved_answers.read(cfg, name, part="gaps")[("report", None)]
    assert report.findings and analysis.render_markdown(back) == analysis.render_markdown(report)
    assert analysis.render_csv(back, lang="en") == analysis.render_csv(report, lang="en")


def test_a_warmed_up_start_keeps_the_later_pages_and_the_next_start_takes_them(tmp_path, monkeypatch):
    import graph.warm_up

    cfg = _settings(tmp_path, "synthetic county")
    monkeypatch.setattr(graph.warm_up, "WARM_UP_OVER", 0)  # the warm-up runs on large data only
    first = preload(cfg, warm_up_after=0.0)
    name = saved_answers.key(cfg, saved_answers.digests(cfg))
    deadline = time.monotonic() + WAIT
    while not all(saved_answers.exists(cfg, name, p) for p in saved_answers.LATER_PARTS) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert all(saved_answers.exists(cfg, name, p) for p in saved_answers.LATER_PARTS)
    expected = first.report()

    def computed(*a, **k):
        raise AssertionError("computed instead of read")

    for fn in ("to_networkx", "gap_findings", "gap_report", "node_metrics"):
        monkeypatch.setattr(analysis, fn, computed)
    second = preload(cfg, warm_up_after=None)
    assert second.first_answers.wait(WAIT)
    report = second.report()  # waits for the read (Workspace.expect), computes nothing
    assert second.later_saved and analysis.render_markdown(report) == analysis.render_markdown(expected)
    _deep(second.projection(), first.projection())


def test_a_page_that_waits_for_the_saved_gap_report_has_it_read_at_once(tmp_path, monkeypatch):
    """The gap report's saved answers wait for the first page to be drawn, unless a page asks
    for them first (the Gaps page opened first): then they are read at once, not computed."""
    import threading

    import graph.workspace
    from graph.preload import _expect_later, _read_later

    cfg = _settings(tmp_path, "synthetic county")
    computed = Workspace(cfg)
    name = saved_answers.key(cfg, computed.store.digests)
    parts = _later(computed)
    assert saved_answers.write_parts(cfg, name, parts) == len(parts)

    def no_report(*args, **kwargs):
        raise AssertionError("computed instead of read")

    monkeypatch.setattr(analysis, "gap_report", no_report)
    monkeypatch.setattr(graph.workspace, "EXPECT_AT_MOST", 5.0)  # then a waiting page computes it
    ws = Workspace(cfg)
    ws.visited = threading.Event()
    ws.visited.set()  # a visitor came; no page drawn yet, the store still loading
    hold = threading.Event()
    loading = threading.Thread(target=hold.wait, args=(WAIT,))
    loading.start()
    reader = threading.Thread(target=_read_later, args=(ws, name, loading, _expect_later(ws, name), ws.generation))
    reader.start()
    try:
        report = ws.report()
    finally:
        hold.set()
        reader.join(WAIT)
    assert ws.wanted.is_set() and not ws.drawn.is_set() and ws.later_saved
    assert analysis.render_markdown(report) == analysis.render_markdown(parts["gaps"][("report", None)])


def test_later_pages_looked_up_for_other_bytes_than_the_store_read_are_not_taken(tmp_path, monkeypatch):
    import graph.preload

    cfg = _settings(tmp_path, "synthetic county")
    ws = Workspace(cfg)
    other = tuple("f" * 64 for _ in cfg.files)  # what the lookup saw: other bytes than the store will read
    name = saved_answers.key(cfg, other)
    assert saved_answers.write(cfg, name, _answers(ws))
    assert saved_answers.write_parts(cfg, name, _later(ws)) == len(saved_answers.LATER_PARTS)
    monkeypatch.setattr(saved_answers, "digests", lambda settings: other)
    monkeypatch.setattr(graph.preload, "LATER_AFTER_AT_MOST", 0.5)  # no page drawn: the gap report's read half a second on
    shown = preload(cfg, warm_up_after=None)
    assert shown.first_answers.wait(WAIT)
    deadline = time.monotonic() + WAIT
    while shown.generation == 0 and time.monotonic() < deadline:  # until the store is read and its bytes compared
        time.sleep(0.02)
    assert shown.generation == 1  # the store's bytes differed: the answers taken were dropped, once
    assert shown._expected is not None and shown._expected[1].wait(WAIT)  # both parts read
    assert not shown.later_saved and not shown.has("report", None) and not shown.has("findings", None)
