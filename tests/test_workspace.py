"""The workspace: one store, one memo per data signature, read-only shared results."""

from __future__ import annotations

import os
import shutil

import networkx as nx
import pytest

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
