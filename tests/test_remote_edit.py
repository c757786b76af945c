"""Edits on a remote store: each change is one SPARQL Update request, visible at once."""

from __future__ import annotations

import pytest
import requests
from rdflib import Literal

from graph.edit import OrganisationInput, TieInput, add_organisation, add_tie
from graph.edit.changes import EditError
from graph.edit.editor import Editor
from graph.edit.remote import update_text
from graph.io import load_graph
from graph.model import ES, ESO, SKOS
from graph.remote import RemoteStore
from graph.settings import DATA_DIR, SCHEMA_FILES, Settings

SRC = "essrc:s1-umws-2017-01-20"


class CountingSession(requests.Session):
    def __init__(self):
        super().__init__()
        self.posts: list[tuple[str, dict]] = []

    def post(self, url, data=None, **kw):
        self.posts.append((url, dict(data or {})))
        return super().post(url, data=data, **kw)


@pytest.mark.server
def test_a_change_is_one_sparql_update_and_is_visible(oxigraph_server: str, tmp_path):
    settings = Settings(
        backend="remote", query_url=oxigraph_server + "/query", update_url=oxigraph_server + "/update", history=tmp_path / "remote.jsonl"
    )
    http = CountingSession()
    store = RemoteStore(settings, session=http)
    store.add_graph(load_graph([*SCHEMA_FILES, DATA_DIR / "entities.ttl"]))
    editor = Editor(settings, store=store)
    change = add_organisation(
        editor.context(), OrganisationInput(name="Fundacja Zdalna", kind="foundation", teryt="2611011", source=SRC), who="Ala"
    )
    http.posts.clear()
    done = editor.commit(change)
    updates = [p for p in http.posts if p[0].endswith("/update")]
    assert len(updates) == 1
    assert "INSERT DATA" in updates[0][1]["update"]
    org = ESO["fundacja-zdalna"]
    # visible to a fresh client at once
    fresh = RemoteStore(settings)
    assert fresh.query("ASK { ?o skos:prefLabel ?l }", {"o": org, "l": Literal("Fundacja Zdalna", lang="pl")}).boolean
    assert [e.id for e in editor.history()] == [done.id]

    tie = add_tie(
        editor.context(), TieInput(from_="fundacja-zdalna", to="koowes", kind="advice", start="2024-01-02", source=SRC), who="Ala"
    )
    http.posts.clear()
    editor.commit(tie, check=False)
    assert len([p for p in http.posts if p[0].endswith("/update")]) == 1
    assert fresh.query("ASK { ?a es:advises ?b }", {"a": org, "b": ESO.koowes}).boolean

    http.posts.clear()
    editor.undo(who="Ula")  # the tie
    editor.undo(who="Ula")  # the organisation
    updates = [p for p in http.posts if p[0].endswith("/update")]
    assert len(updates) == 2 and all("DELETE DATA" in u[1]["update"] for u in updates)
    assert not fresh.query("ASK { ?o ?p ?x }", {"o": org}).boolean


@pytest.mark.server
def test_a_remote_change_whose_triples_are_gone_sends_no_update(oxigraph_server: str, tmp_path):
    settings = Settings(
        backend="remote", query_url=oxigraph_server + "/query", update_url=oxigraph_server + "/update", history=tmp_path / "remote.jsonl"
    )
    http = CountingSession()
    store = RemoteStore(settings, session=http)
    store.add_graph(load_graph([*SCHEMA_FILES, DATA_DIR / "entities.ttl"]))
    editor = Editor(settings, store=store)
    done = editor.commit(
        add_organisation(
            editor.context(), OrganisationInput(name="Fundacja Znikająca", kind="foundation", teryt="2611011", source=SRC), who="Ala"
        )
    )
    store.update("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?s = <" + str(ESO["fundacja-znikajaca"]) + ">) }")  # someone else removes it
    http.posts.clear()
    with pytest.raises(EditError, match="changed meanwhile"):
        editor.undo(done.id, who="Ula")
    assert not [p for p in http.posts if p[0].endswith("/update")]


def test_update_text_escapes_hostile_literals():
    from graph.edit.changes import Change

    evil = Literal('x" } ; DROP ALL ; INSERT DATA { <a> <b> "c')
    change = Change("correct", "x", "Ala", "2025-01-01T00:00:00Z", "id", added=frozenset({(ESO.a, SKOS.prefLabel, evil)}))
    text = update_text(change)
    assert text.count("\n") == 2 and 'x\\" } ; DROP ALL' in text
    import pyoxigraph as ox

    s = ox.Store()
    s.update(text)
    assert len(s) == 1 and next(iter(s)).object.value == str(evil)
    assert ES.nip  # the vocabulary is closed: a typo would raise
