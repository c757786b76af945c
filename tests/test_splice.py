"""Edits that cost what they change: the block splice equals a whole rewrite, byte for byte."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.edit import splice as splice_mod
from graph.edit.editor import Editor
from graph.edit.lookup import Context
from graph.edit.mirror import editing, mirror_path
from graph.edit.splice import SortedFile, is_stamped, stamp_path
from graph.edit.turtle import serialise
from graph.edit.writeback import read_triples, render, save
from graph.settings import DATA_DIR, Settings
from tests.test_history import _changes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def stable_file(tmp_path: Path) -> Path:
    """A copy of entities.ttl, written once in the stable form (stamped)."""
    p = tmp_path / "entities.ttl"
    shutil.copyfile(DATA_DIR / "entities.ttl", p)
    triples, original = read_triples(p)
    save(p, triples, original=original)
    assert is_stamped(p, p.read_bytes())
    return p


def _blocks(data: bytes) -> dict[str, bytes]:
    f, out, start = SortedFile(data), {}, None
    start = f.body
    while start < len(data):
        end = f.end_of(start)
        out[f.subject(start)] = data[start:end]
        start = end + 1
    return out


def _no_whole_rewrite(monkeypatch) -> None:
    def refuse(*a, **k):
        raise AssertionError("the whole file was read and rewritten")

    monkeypatch.setattr(Editor, "_read", refuse)


def test_every_kind_of_edit_and_its_undo_rewrites_only_its_blocks(stable_file: Path, monkeypatch):
    _no_whole_rewrite(monkeypatch)
    editor = Editor(Settings(data=(stable_file,)))
    original = stable_file.read_bytes()
    for make in _changes(editor):
        before = stable_file.read_bytes()
        done = editor.commit(make(), check=False)
        after = stable_file.read_bytes()
        # the fast path is provably the stable form: a whole re-serialisation gives the same bytes
        triples, _ = read_triples(stable_file)
        assert render(triples, before) == after, done.what
        assert is_stamped(stable_file, after)
        # every block but the changed subjects' is byte for byte the old one
        touched = {str(t[0]) for t in done.added | done.removed}
        old, new = _blocks(before), _blocks(after)
        assert {s: b for s, b in old.items() if s not in touched} == {s: b for s, b in new.items() if s not in touched}
        assert touched & (set(old) ^ set(new)) or any(old.get(s) != new.get(s) for s in touched)
    for _ in range(7):
        editor.undo(who="Ola", check=False)
    assert stable_file.read_bytes() == original  # undo restores the bytes, prefix lines included


def test_a_first_edit_on_a_file_without_stamp_rewrites_it_whole_once_then_splices(tmp_path: Path, monkeypatch):
    p = tmp_path / "entities.ttl"
    shutil.copyfile(DATA_DIR / "entities.ttl", p)
    editor = Editor(Settings(data=(p,)))
    changes = _changes(editor)
    editor.commit(next(changes)(), check=False)
    assert is_stamped(p, p.read_bytes())
    _no_whole_rewrite(monkeypatch)
    editor.commit(next(changes)(), check=False)
    assert "fundacja-cofnieta-advice-koowes" in p.read_text(encoding="utf-8")


def test_a_file_changed_by_hand_loses_its_stamp_and_is_read_whole(stable_file: Path):
    text = stable_file.read_text(encoding="utf-8").replace("    .\n", "    .\n", 1) + "\n"
    stable_file.write_text(text, encoding="utf-8")  # one more newline at the end: not the stable form
    assert not is_stamped(stable_file, stable_file.read_bytes())
    editor = Editor(Settings(data=(stable_file,)))
    done = editor.commit(next(_changes(editor))(), check=False)
    triples, _ = read_triples(stable_file)
    assert render(triples, stable_file.read_bytes()) == stable_file.read_bytes()  # whole again, in the stable form
    assert is_stamped(stable_file, stable_file.read_bytes())
    assert len(done.added) > 10


def test_a_removal_of_a_triple_already_gone_is_refused_on_the_fast_path(stable_file: Path):
    editor = Editor(Settings(data=(stable_file,)))
    changes = _changes(editor)
    added = editor.commit(next(changes)(), check=False)
    editor.undo(added.id, who="Ola", check=False)
    before = stable_file.read_bytes()
    with pytest.raises(Exception, match="to remove (is|are) not there"):
        editor.commit(added.inverse(who="Ola"), check=False)
    assert stable_file.read_bytes() == before


# ------------------------------------------------------------------ the splice itself, against serialise

NS = "https://w3id.org/es-pl/id/org/"
P = [ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.NamedNode("https://w3id.org/es-pl/def#tieFrom"),
     ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode("http://example.org/x#p")]  # fmt: skip
OBJ = [ox.Literal("Ąb \"c\"", language="pl"), ox.Literal("2020-01-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
     ox.NamedNode(NS + "a"), ox.NamedNode("http://example.org/y#z"), ox.Literal("x ;\n    ."), ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
     ox.Literal("eso:q ;")]  # fmt: skip
PREFIXES = {"eso": NS, "skos": "http://www.w3.org/2004/02/skos/core#", "es": "https://w3id.org/es-pl/def#",
            "xsd": "http://www.w3.org/2001/XMLSchema#", "ex": "http://example.org/x#", "ey": "http://example.org/y#"}  # fmt: skip
triple = st.builds(
    lambda s, p, o: ox.Triple(ox.NamedNode(NS + s), P[p], OBJ[o]), st.sampled_from("abcdef"), st.integers(0, 3), st.integers(0, 6)
)


@settings(max_examples=150, deadline=None)
@given(st.sets(triple, min_size=1, max_size=25), st.sets(triple, max_size=6), st.sets(triple, max_size=6))
def test_splice_equals_a_whole_serialisation(start, added, removed):
    header = "# a comment\n\n"
    data = serialise(start, prefixes=PREFIXES, header=header)
    removed &= start
    after = (start - removed) | added
    subjects = {t.subject.value for t in added | removed}
    f = SortedFile(data)
    for s in {t.subject.value for t in start} | subjects:  # the binary search finds every block, and no other
        assert f.find(s)[1] == (s in {t.subject.value for t in start})
    old = f.triples_of(subjects)
    assert set().union(*old.values()) == {t for t in start if t.subject.value in subjects}
    new = {s: (old[s] - removed) | {t for t in added if t.subject.value == s} for s in subjects}
    want = serialise(after, prefixes=PREFIXES, header=header)
    try:
        got = f.splice(new, PREFIXES)
    except splice_mod.NotStable as exc:  # the rare shapes the editor hands to the slow path
        assert "no block" in str(exc) or "overlapping" in str(exc) or "last block" in str(exc), exc
        return
    assert got == want


def test_prefix_uses_are_found_exactly():
    data = serialise([ox.Triple(ox.NamedNode(NS + "a"), P[0], OBJ[6])], prefixes=PREFIXES)  # the literal "eso:q ;"
    body = data[data.index(b"\n\n") + 1 :]
    assert splice_mod._uses("eso").search(b"\n" + body)  # the subject eso:a
    assert not splice_mod._uses("ex").search(b"\n" + body)
    lit = serialise([ox.Triple(ox.NamedNode("http://other.org/a"), P[0], OBJ[6])], prefixes=PREFIXES)
    assert not splice_mod._uses("eso").search(b"\n" + lit[lit.index(b"\n\n") + 1 :])  # "eso:q ;" in a literal is no use


# ------------------------------------------------------------------ the mirror beside the file


def _cli(args, data: Path):
    env = {"GRAPH_DATA": str(data), "PATH": "/usr/bin:/bin", "HOME": str(data.parent)}
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def test_cli_edits_use_the_mirror_and_rebuild_it_when_the_file_changed(stable_file: Path, tmp_path: Path):
    csv = tmp_path / "o.csv"
    csv.write_text("name;kind;teryt;nip;source\nFundacja Lustro;foundation;2611011;5261040828;https://example.org/l\n", encoding="utf-8")
    ok = _cli(["import", str(csv), "--user", "Ala"], stable_file)
    assert ok.returncode == 0, ok.stderr
    stamp = mirror_path(stable_file) / "stamp.json"
    assert stamp.exists()
    # a second import of the same row finds it in the mirror: nothing to change
    again = _cli(["import", str(csv), "--user", "Ala"], stable_file)
    assert "nothing to change" in again.stdout, again.stdout + again.stderr
    # the file changed behind the mirror's back (the organisation renamed): the mirror is rebuilt
    text = stable_file.read_text(encoding="utf-8").replace('"Fundacja Lustro"@pl', '"Fundacja Odbita"@pl')
    stable_file.write_text(text, encoding="utf-8")
    csv.write_text("name;kind;teryt;source\nFundacja Odbita;foundation;2611011;https://example.org/l\n", encoding="utf-8")
    third = _cli(["import", str(csv), "--user", "Ala"], stable_file)
    assert "nothing to change" in third.stdout, third.stdout + third.stderr
    before = stable_file.read_bytes()
    undo = _cli(["undo", "--user", "Ola"], stable_file)  # the name it would remove was changed by hand
    assert undo.returncode != 0 and re.search("to remove (is|are) not there", undo.stderr), undo.stderr
    assert stable_file.read_bytes() == before


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from graph.settings import Settings
    from graph.edit.mirror import editing
    from graph.edit import OrganisationInput, add_organisation
    path = Path(sys.argv[1])
    with editing(Settings(data=(path,))) as editor:
        change = add_organisation(editor.context(), OrganisationInput(name="Fundacja Przerwana", kind="foundation",
                                  teryt="2611011", source="essrc:s1-umws-2017-01-20"), who="Anna")
        editor.store.update = lambda text: os.kill(os.getpid(), signal.SIGKILL)  # killed after the file, before the mirror
        editor.commit(change, check=False)
    """
)


def test_a_writer_killed_between_the_file_and_the_mirror_leaves_no_stale_mirror(stable_file: Path, tmp_path: Path):
    settings_ = Settings(data=(stable_file,))
    with editing(settings_):
        pass  # build the mirror
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(root=str(ROOT)))
    proc = subprocess.run([sys.executable, str(script), str(stable_file)], capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    assert "Fundacja Przerwana" in stable_file.read_text(encoding="utf-8")  # the file and its history were written
    assert not (mirror_path(stable_file) / "stamp.json").exists()
    with editing(settings_) as editor:  # rebuilt from the file: it knows the organisation
        assert [r.label for r in editor.context().find_org("Fundacja Przerwana")] == ["Fundacja Przerwana"]


def test_targeted_lookups_answer_as_reading_every_organisation(stable_file: Path):
    with editing(Settings(data=(stable_file,))) as editor:
        ctx = editor.context()
        every = Context(editor.store)
        keys = ["koowes", "eso:koowes", str(ctx.store.query("SELECT ?o WHERE { ?o a org:Organization } LIMIT 1").rows[0][0]),
                "Kielecko-Ostrowiecki Ośrodek Wsparcia Ekonomii Społecznej", "nope", "", "Fundacja X y", "6640000000"]  # fmt: skip
        nips = [r.nip for r in every.organisations.values() if r.nip][:2]
        for key in keys + nips:
            assert ctx.find_org(key) == every._find_org_by_reading_all(key), key
        gmina = next(r.gmina for r in every.organisations.values() if r.gmina)
        assert ctx.organisations_by("gmina", gmina) == {o: r for o, r in every.organisations.items() if r.gmina == gmina}
    assert re.match(r"^\.entities\.ttl\.stamp$", stamp_path(stable_file).name)


FAST_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from graph.settings import Settings
    from graph.edit.editor import Editor
    from graph.edit import OrganisationInput, add_organisation
    path = Path(sys.argv[1])
    def die(tmp):
        os.kill(os.getpid(), signal.SIGKILL)
    editor = Editor(Settings(data=(path,)), on_temp_written=die)
    editor._read = None  # the fast path only: reading the file whole would fail
    change = add_organisation(editor.context(), OrganisationInput(name="Fundacja Przerwana", kind="foundation",
                              teryt="2611011", source="essrc:s1-umws-2017-01-20"), who="Anna")
    editor.commit(change, check=False)
    """
)


def test_a_splicing_writer_killed_before_the_rename_leaves_the_old_bytes_still_stamped(stable_file: Path, tmp_path: Path):
    before = stable_file.read_bytes()
    script = tmp_path / "killer.py"
    script.write_text(FAST_KILLER.format(root=str(ROOT)))
    proc = subprocess.run([sys.executable, str(script), str(stable_file)], capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    assert stable_file.read_bytes() == before
    assert is_stamped(stable_file, before)  # the stamp still names these bytes: the next edit splices
    editor = Editor(Settings(data=(stable_file,)))
    editor.commit(next(_changes(editor))(), check=False)
    assert list(tmp_path.glob(".*.tmp")) == []
    triples, _ = read_triples(stable_file)
    assert render(triples, before) == stable_file.read_bytes()


def test_the_mirror_is_closed_when_an_edit_ends_so_the_next_one_in_the_same_process_opens_it(stable_file: Path):
    settings_ = Settings(data=(stable_file,))
    with editing(settings_) as first:
        kept = first  # a caller keeping its editor must not keep the store's lock
        assert len(first.context().kinds) > 5
    assert len(kept.store) == 0  # the wrapper outlives the edit; the on-disk store does not
    with editing(settings_) as second:
        assert len(second.context().kinds) > 5
