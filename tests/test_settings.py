"""Settings: read from the environment, every one documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from graph.errors import SettingsError
from graph.settings import DEFAULT_DATA, Settings, read_setting

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


def test_docs_table_is_made_from_the_settings_table():
    from graph.settings import settings_markdown

    documented = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    block = documented.split("<!-- settings table: begin -->\n", 1)[1].split("<!-- settings table: end -->", 1)[0]
    assert block == settings_markdown(), "docs/settings.md differs from SETTINGS: run `python -m graph settings --markdown`"


def test_every_row_is_a_field_and_every_field_a_row():
    from graph.settings import SETTINGS

    assert [s.name for s in SETTINGS] == [f.name for f in fields(Settings)]
    assert all(s.help for s in SETTINGS)


@pytest.mark.parametrize(
    "env,name,value",
    [
        ({"GRAPH_MAX_FILE_BYTES": "2048"}, "max_file_bytes", 2048),
        ({"GRAPH_INCLUDE_SCHEMA": "0"}, "include_schema", False),
        ({"GRAPH_EXPECTATIONS": "rules.ttl"}, "expectations", Path("rules.ttl")),
        ({"GRAPH_QUERY_TIMEOUT": "2.5"}, "timeout_s", 2.5),
    ],
)
def test_each_variable_is_parsed(env, name, value):
    assert getattr(Settings.from_env(env), name) == value


def test_remote_history_lives_in_the_state_dir_not_in_data(tmp_path):
    s = Settings.from_env({"GRAPH_SPARQL_QUERY_URL": "http://127.0.0.1:1/q", "XDG_STATE_HOME": str(tmp_path)})
    assert s.history_file.parent == tmp_path / "graph"
    other = Settings.from_env({"GRAPH_SPARQL_QUERY_URL": "http://127.0.0.1:2/q", "XDG_STATE_HOME": str(tmp_path)})
    assert other.history_file != s.history_file  # one log per endpoint
    assert Settings().history_file.name == "entities.history.jsonl"


def test_settings_command_lists_every_variable_and_hides_secrets(capsys, monkeypatch):
    from graph.cli import main
    from graph.settings import SETTINGS

    monkeypatch.setenv("GRAPH_EDITOR_PASSWORD", "hunter2")
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    assert all(s.variable in out for s in SETTINGS if s.variable)
    assert "hunter2" not in out and "(set)" in out


def test_no_module_reads_a_setting_around_the_table():
    """GRAPH_* variables are read only through graph/settings.py (Settings or read_setting)."""
    read = re.compile(r"""(environ\.get\(|environ\[|getenv\()\s*["']GRAPH_""")
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in [*(ROOT / "graph").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), *ROOT.glob("*.py")]
        if p.name != "settings.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if read.search(line)
    ]
    assert not found, found


def test_read_setting_parses_one_row_and_names_the_variable():
    assert read_setting("lan", {"GRAPH_LAN": "on"}) is True and read_setting("lan", {}) is False
    assert read_setting("worker_netns", {"GRAPH_WORKER_NETNS": "off"}) is False
    assert read_setting("survey_round", {"GRAPH_SURVEY_ROUND": " 2025 "}) == "2025"
    with pytest.raises(SettingsError, match="GRAPH_LAN: not a yes/no value"):
        read_setting("lan", {"GRAPH_LAN": "maybe"})
