"""Settings: read from the environment, every one documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from graph.errors import SettingsError
from graph.settings import DEFAULT_DATA, Settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_SRC = (ROOT / "graph" / "settings.py").read_text(encoding="utf-8")


def test_every_setting_read_from_the_environment_is_documented():
    documented = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    names = set(re.findall(r'"(GRAPH_[A-Z_]+)"', SETTINGS_SRC))
    assert names, "no GRAPH_ variables found in graph/settings.py"
    missing = sorted(n for n in names if f"`{n}`" not in documented)
    assert not missing, f"undocumented settings: {missing}"


def test_empty_graph_data_means_the_bundled_data():
    assert Settings.from_env({"GRAPH_DATA": "  "}).data == DEFAULT_DATA
    s = Settings.from_env({"GRAPH_DATA": "a.ttl:b.ttl"})
    assert [p.name for p in s.data] == ["a.ttl", "b.ttl"]
    assert s.files[-2:] == (Path("a.ttl"), Path("b.ttl"))
    assert s.files[0].name == "vocabulary.ttl"


def test_query_url_selects_the_remote_backend():
    s = Settings.from_env({"GRAPH_SPARQL_QUERY_URL": "http://127.0.0.1:1/q"})
    assert s.backend == "remote" and s.query_url == "http://127.0.0.1:1/q"


@pytest.mark.parametrize(
    "env,where",
    [
        ({"GRAPH_BACKEND": "mysql"}, "GRAPH_BACKEND"),
        ({"GRAPH_BACKEND": "remote"}, "GRAPH_SPARQL_QUERY_URL"),
        ({"GRAPH_QUERY_TIMEOUT": "soon"}, "GRAPH_QUERY_TIMEOUT"),
        ({"GRAPH_MAX_ROWS": "0"}, "GRAPH_MAX_ROWS"),
    ],
)
def test_bad_setting_names_the_variable(env, where):
    with pytest.raises(SettingsError, match=where):
        Settings.from_env(env)


def test_settings_are_frozen():
    s = Settings()
    with pytest.raises(AttributeError):
        s.backend = "rdflib"  # type: ignore[misc]
    assert {f.name for f in fields(Settings)} >= {"data", "backend", "timeout_s", "max_rows"}
