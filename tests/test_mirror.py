"""The on-disk mirror lent to readers (graph stats): used only when it holds the files' very bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.analysis.stats import stats
from graph.cli import main
from graph.edit.mirror import editing, fresh_mirror, mirror_path
from graph.edit.writeback import locked
from graph.settings import Settings
from graph.store import open_store

EXTRA = """
<https://w3id.org/es-pl/id/org/d> a <http://www.w3.org/ns/org#Organization> ;
    <http://www.w3.org/ns/org#classification> <https://w3id.org/es-pl/kind/owes> .
"""


def _stats_cli(capsys, path: Path, *extra: str) -> tuple[dict, bool]:
    """The JSON of `graph stats` and whether it loaded the files (False: the mirror answered)."""
    held: list = []
    assert main(["stats", "--format", "json", "--data", str(path), *extra], held=held) == 0
    return json.loads(capsys.readouterr().out), held[0].opened


def test_stats_answers_from_a_fresh_mirror_as_from_the_files(tiny_file: Path, capsys):
    settings = Settings(data=(tiny_file,))
    loaded, opened = _stats_cli(capsys, tiny_file)
    assert opened  # no mirror yet: the files are loaded
    loaded_then, _ = _stats_cli(capsys, tiny_file, "--as-of", "2021-06-30")
    with editing(settings):
        pass  # builds the mirror and stamps it
    with fresh_mirror(settings) as store:
        assert store is not None
        assert stats(store) == stats(open_store(settings))
    mirrored, opened = _stats_cli(capsys, tiny_file)
    assert not opened
    assert mirrored == loaded
    kinds = {row["iri"].rsplit("/", 1)[-1]: row["count"] for row in mirrored["kind"]}
    assert kinds == {"social_cooperative": 1, "owes": 1, "gmina": 1}
    mirrored_then, opened = _stats_cli(capsys, tiny_file, "--as-of", "2021-06-30")
    assert not opened and mirrored_then == loaded_then
    assert {r["iri"].rsplit("/", 1)[-1] for r in mirrored_then["tie_kind"]} == {"funding"}  # the cofounding tie ended in 2020


def test_a_mirror_that_does_not_match_the_files_is_never_read(tiny_file: Path, capsys):
    settings = Settings(data=(tiny_file,))
    with editing(settings):
        pass
    with tiny_file.open("a", encoding="utf-8") as fh:  # changed by hand, behind the mirror's back
        fh.write(EXTRA)
    with fresh_mirror(settings) as store:
        assert store is None
    doc, opened = _stats_cli(capsys, tiny_file)
    assert opened
    kinds = {row["iri"].rsplit("/", 1)[-1]: row["count"] for row in doc["kind"]}
    assert kinds["owes"] == 2  # the file's answer, not the mirror's
    assert (mirror_path(tiny_file) / "stamp.json").exists()  # a reader leaves the mirror alone: the next edit rebuilds it


def test_while_an_edit_holds_the_lock_a_reader_loads_the_files_without_waiting(tiny_file: Path, capsys):
    settings = Settings(data=(tiny_file,))
    with editing(settings):
        pass
    with locked(tiny_file):
        with fresh_mirror(settings) as store:
            assert store is None
        doc, opened = _stats_cli(capsys, tiny_file)
    assert opened
    assert doc["totals"][0]["count"] == len(open_store(settings))


def test_a_reader_holds_the_lock_until_it_is_done(tiny_file: Path):
    settings = Settings(data=(tiny_file,))
    with editing(settings):
        pass
    with fresh_mirror(settings) as store:
        assert store is not None
        with fresh_mirror(settings) as second:  # the lock is taken: an edit (or another reader) does not get in
            assert second is None
        assert len(store) == len(open_store(settings))
    with fresh_mirror(settings) as again:  # released
        assert again is not None


def test_after_an_edit_fails_the_next_one_in_the_same_process_opens_the_mirror(tiny_file: Path):
    settings = Settings(data=(tiny_file,))
    with pytest.raises(ValueError, match="refused"):
        with editing(settings) as editor:
            assert len(editor.context().kinds) > 5  # read through the mirror
            raise ValueError("refused")
    assert (mirror_path(tiny_file) / "stamp.json").exists()  # nothing was written: the mirror stays fresh
    with editing(settings) as editor:
        assert len(editor.context().kinds) > 5
