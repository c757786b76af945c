"""An import and its undo through each tested server's update endpoint.

Oxigraph's `/update` takes them as they are; Virtuoso's `/sparql-auth` needs
HTTP digest authentication (``GRAPH_SPARQL_AUTH=digest``) and a user granted
SPARQL_UPDATE.  The edits go to the edit graph (``GRAPH_SPARQL_GRAPH``, as
``INSERT DATA { GRAPH <...> { ... } }``); the graph the parity tests read is
never touched.
"""

from __future__ import annotations

import pytest
from rdflib import Literal
from sparql_servers import READ_GRAPH
from test_importer import ORGS, TIES

from graph.cli import main as cli_main
from graph.model import ESO, SKOS
from graph.remote import RemoteError
from graph.settings import Settings
from graph.store import open_store

pytestmark = pytest.mark.server


def _env(monkeypatch, env: dict) -> None:
    import os

    for name in [n for n in os.environ if n.startswith("GRAPH_")]:
        monkeypatch.delenv(name)
    for k, v in env.items():
        monkeypatch.setenv(k, v)


def test_an_import_and_its_undo_through_the_update_endpoint(monkeypatch, capsys, tmp_path, sparql_server):
    (tmp_path / "orgs.csv").write_text(ORGS, encoding="utf-8")
    (tmp_path / "ties.csv").write_text(TIES, encoding="utf-8")
    _env(monkeypatch, {**sparql_server.edit_env, "GRAPH_HISTORY": str(tmp_path / "history.jsonl")})
    settings = Settings.from_env()
    store = open_store(settings)
    before = len(store)
    read_graph = open_store(sparql_server.settings())
    read_before = len(read_graph)

    assert cli_main(["import", str(tmp_path / "orgs.csv"), str(tmp_path / "ties.csv"), "--user", "Łucja Żak"]) == 0
    assert "imported: +" in capsys.readouterr().out
    zorza = ESO["ss-zorza"]
    label = Literal("Spółdzielnia Socjalna „Zórza” w Wąchocku", lang="pl")
    assert store.query("ASK { ?o skos:prefLabel ?l }", {"o": zorza, "l": label}).boolean
    assert store.query("ASK { ?a es:funds ?b }", {"a": ESO["fundacja-laczy-nas"], "b": zorza}).boolean
    assert len(store) > before
    assert len(read_graph) == read_before  # only the edit graph changed

    assert cli_main(["undo", "--user", "Ula"]) == 0
    assert "undone" in capsys.readouterr().out
    assert not store.query("ASK { ?o ?p ?x }", {"o": zorza}).boolean
    assert len(store) == before
    assert not read_graph.query("ASK { ?o skos:prefLabel ?l }", {"o": zorza, "l": label}).boolean


def test_virtuoso_refuses_updates_without_digest_authentication(virtuoso):
    basic = open_store(virtuoso.settings(edit=True, sparql_auth="basic"))
    with pytest.raises(RemoteError, match="HTTP 401"):
        basic.update(basic.data_block("INSERT DATA", f'<{ESO["x"]}> <{SKOS.prefLabel}> "x" .'))
    assert not basic.query("ASK { ?s ?p ?o }", {"s": ESO["x"]}).boolean
    assert READ_GRAPH != virtuoso.edit_env["GRAPH_SPARQL_GRAPH"]
