"""Writing the data file back: atomic, stable, locked (SECURITY T9, T10, T11)."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.edit import OrganisationInput, add_organisation, turtle
from graph.edit.editor import Editor
from graph.edit.turtle import serialise
from graph.edit.writeback import WriteError, locked, read_triples, render, save
from graph.settings import DATA_DIR, Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    p = tmp_path / "entities.ttl"
    shutil.copyfile(DATA_DIR / "entities.ttl", p)
    return p


def _org(name: str = "Fundacja Nowa Droga", **kw) -> OrganisationInput:
    return OrganisationInput(**{"name": name, "kind": "foundation", "teryt": "2611011", "source": "essrc:s1-umws-2017-01-20", **kw})


def test_a_serialiser_failing_midway_leaves_the_file_byte_identical(data_file: Path, monkeypatch):
    before = data_file.read_bytes()
    editor = Editor(Settings(data=(data_file,)))
    change = add_organisation(editor.context(), _org(), who="Anna")
    calls = {"n": 0}
    real = turtle._Writer.literal

    def failing(self, lit):
        calls["n"] += 1
        if calls["n"] > 50:
            raise RuntimeError("disk full, say")
        return real(self, lit)

    monkeypatch.setattr(turtle._Writer, "literal", failing)
    with pytest.raises(RuntimeError):
        editor.commit(change, check=False)
    assert calls["n"] > 50  # it really failed in the middle
    assert data_file.read_bytes() == before
    assert list(data_file.parent.glob(".*.tmp")) == []
    assert not editor.history_path.exists()


def test_a_serialisation_that_does_not_round_trip_is_never_written(data_file: Path, monkeypatch):
    before = data_file.read_bytes()
    triples, original = read_triples(data_file)
    monkeypatch.setattr(turtle, "_quote", lambda text: '"x"')  # a bug: every string becomes "x"
    with pytest.raises(WriteError, match="differs"):
        save(data_file, triples, original=original)
    assert data_file.read_bytes() == before


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from graph.settings import Settings
    from graph.edit.editor import Editor
    from graph.edit import OrganisationInput, add_organisation
    path = Path(sys.argv[1])
    def die(tmp):
        Path(sys.argv[2]).write_text(str(tmp))
        os.kill(os.getpid(), signal.SIGKILL)
    editor = Editor(Settings(data=(path,)), on_temp_written=die)
    change = add_organisation(editor.context(), OrganisationInput(name="Fundacja Przerwana", kind="foundation",
                              teryt="2611011", source="essrc:s1-umws-2017-01-20"), who="Anna")
    editor.commit(change, check=False)
    """
)


def test_a_writer_killed_after_the_temp_file_is_written_leaves_the_old_file(data_file: Path, tmp_path: Path):
    before = data_file.read_bytes()
    script = tmp_path / "killer.py"
    script.write_text(KILLER.format(root=str(ROOT)))
    note = tmp_path / "tmpname.txt"
    proc = subprocess.run([sys.executable, str(script), str(data_file), str(note)], capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()
    tmp = Path(note.read_text())
    assert tmp.parent == data_file.parent and tmp.exists()  # the new file was complete, not yet renamed
    assert b"Fundacja Przerwana" in tmp.read_bytes()
    assert data_file.read_bytes() == before
    assert len(list(ox.parse(path=str(data_file)))) > 1000
    # the next writer clears the leftover and writes normally
    editor = Editor(Settings(data=(data_file,)))
    editor.commit(add_organisation(editor.context(), _org(), who="Anna"), check=False)
    assert not tmp.exists()
    assert b"Fundacja Nowa Droga" in data_file.read_bytes()


WRITER = textwrap.dedent(
    """
    import sys, datetime as dt
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from graph.settings import Settings
    from graph.edit.editor import Editor
    from graph.edit import TieInput, add_tie
    path, frm, to, n = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    editor = Editor(Settings(data=(path,)))
    for i in range(n):
        start = (dt.date(2000, 1, 1) + dt.timedelta(days=i)).isoformat()
        change = add_tie(editor.context(), TieInput(from_=frm, to=to, kind="funding", start=start,
                         source="essrc:s1-umws-2017-01-20"), who=frm)
        editor.commit(change, check=False)
    """
)


@pytest.mark.timeout(120)
def test_two_processes_adding_200_ties_each_lose_nothing(data_file: Path, tmp_path: Path):
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT)))
    tie = ox.NamedNode("https://w3id.org/es-pl/def#Tie")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    before = {t.subject.value for t in ox.parse(path=str(data_file)) if t.predicate == rdf_type and t.object == tie}
    t0 = time.monotonic()
    procs = [
        subprocess.Popen([sys.executable, str(script), str(data_file), frm, to, "200"], stderr=subprocess.PIPE)
        for frm, to in (("koowes", "ss-starachowiczanka"), ("fundacja-pestka", "gmina-brody"))
    ]
    for p in procs:
        _, err = p.communicate(timeout=110)
        assert p.returncode == 0, err.decode()
    elapsed = time.monotonic() - t0
    g = {q.triple for q in ox.parse(path=str(data_file))}
    ties = {t.subject.value for t in g if t.predicate == rdf_type and t.object == tie}
    new = ties - before
    assert len(new) == 400
    assert all("koowes-funding-ss-starachowiczanka" in t or "fundacja-pestka-funding-gmina-brody" in t for t in new)
    lines = (data_file.parent / "entities.history.jsonl").read_text().splitlines()
    assert len(lines) == 400
    print(f"two writers, 400 commits: {elapsed:.1f} s")


def test_saving_twice_gives_identical_bytes(data_file: Path):
    triples, original = read_triples(data_file)
    first = render(triples, original)
    assert render(set(triples), original) == first
    save(data_file, triples, original=original)
    again, original2 = read_triples(data_file)
    assert again == triples
    save(data_file, again, original=original2)
    assert data_file.read_bytes() == first
    assert first.startswith(b"# Real entities")  # the header comment is kept


def test_one_added_organisation_changes_only_its_blocks(data_file: Path):
    editor = Editor(Settings(data=(data_file,)))
    triples, original = read_triples(data_file)
    save(data_file, triples, original=original)  # normalise once, as the first edit does
    before = data_file.read_text(encoding="utf-8").splitlines()
    change = editor.commit(add_organisation(editor.context(), _org(), who="Anna Nowak"), check=False)
    after = data_file.read_text(encoding="utf-8").splitlines()
    diff = [d for d in difflib.unified_diff(before, after, lineterm="", n=0) if not d.startswith(("---", "+++", "@@"))]
    assert diff and all(d.startswith("+") for d in diff), "\n".join(d for d in diff if d.startswith("-"))
    new_subjects = {d[1:] for d in diff if d[1:] and not d[1:].startswith((" ", "@prefix"))}
    assert new_subjects == {"eso:fundacja-nowa-droga", f"eschange:{change.id.lower()}", "eseditor:anna-nowak"}
    # each block is whole: it ends with its own "." line
    assert sum(1 for d in diff if d == "+    .") == 3


def test_two_hundred_blank_nodes_serialise_quickly_and_stably():
    ex = "http://example.org/"
    triples = []
    for i in range(200):
        b = ox.BlankNode(f"n{i}")
        triples.append(ox.Triple(ox.NamedNode(ex + "s"), ox.NamedNode(ex + "p"), b))
        triples.append(ox.Triple(b, ox.NamedNode(ex + "v"), ox.Literal(str(i % 7))))  # degenerate: many alike
    t0 = time.monotonic()
    out = serialise(triples)
    assert time.monotonic() - t0 < 1.0
    again = serialise(list(reversed([ox.Triple(t.subject, t.predicate, t.object) for t in triples])))
    assert out == again
    assert len(list(ox.parse(out, format=ox.RdfFormat.TURTLE))) == 400


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b-c", "d_1", "ź", "x/y"]), _TEXT, st.sampled_from(["", "pl", "en", "int", "date", "bool"])),
        max_size=12,
    )
)
def test_parse_of_serialise_gives_the_same_triples(rows):
    triples = set()
    for local, text, kind in rows:
        s = ox.NamedNode("https://w3id.org/es-pl/id/org/" + local.replace("ź", "%C5%BA"))
        if kind in ("pl", "en"):
            o = ox.Literal(text, language=kind)
        elif kind == "int":
            o = ox.Literal(str(len(text)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        elif kind == "bool":
            o = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
        elif kind == "date":
            o = ox.Literal(text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
        else:
            o = ox.Literal(text)
        triples.add(ox.Triple(s, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), o))
    out = serialise(triples)
    assert {q.triple for q in ox.parse(out, format=ox.RdfFormat.TURTLE)} == triples
    assert serialise(list(triples)[::-1]) == out


def test_the_data_files_are_never_touched():
    # a guard for this file's own tests: they work on copies only
    assert os.access(DATA_DIR / "entities.ttl", os.R_OK)


def test_tidy_rewrites_to_the_stable_form_with_the_same_triples(data_file: Path, capsys):
    import rdflib

    from graph.cli import main

    # the bundled file is already tidy: make the copy untidy (N-Triples is valid Turtle)
    data_file.write_text(rdflib.Graph().parse(data_file).serialize(format="nt"), encoding="utf-8")
    before, _ = read_triples(data_file)
    assert main(["tidy", str(data_file), "--check"]) == 1
    assert main(["tidy", "--data", str(data_file)]) == 0  # default: the file edits write
    assert read_triples(data_file)[0] == before
    assert main(["tidy", str(data_file), "--check"]) == 0
    assert "already tidy" in capsys.readouterr().out


HOLDER = "import sys, time\nfrom graph.edit.writeback import locked\nwith locked(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(float(sys.argv[2]))\n"


def test_writers_take_turns_on_the_lock_across_threads_and_processes(tmp_path: Path):
    data = tmp_path / "d.ttl"
    with locked(data):
        with pytest.raises(WriteError, match=r"waited 0\.1 s for d\.ttl\.lock"):
            with locked(data, timeout=0.1):  # a second holder in this process (another thread's editor) waits
                pass
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(data), "0.6"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WriteError):
            with locked(data, timeout=0):
                pass
        start = time.monotonic()
        with locked(data, timeout=30):  # the other process lets go: this one gets it
            assert holder.poll() is not None or time.monotonic() - start > 0.1
    finally:
        holder.wait(timeout=30)
    killed = subprocess.Popen([sys.executable, "-c", HOLDER, str(data), "60"], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert killed.stdout.readline().strip() == "held"
    killed.kill()
    killed.wait(timeout=30)
    with locked(data, timeout=5):  # a holder that died holds nothing
        pass


def test_a_child_forked_while_the_lock_is_held_does_not_keep_it(tmp_path: Path):
    """A process forked by another thread (a query worker, a pool process) inherits the lock's
    descriptor; releasing the lock must not wait for that child to end."""
    import os
    import signal

    from graph.edit.writeback import locked

    target = tmp_path / "data.ttl"
    with locked(target):
        pid = os.fork()
        if pid == 0:  # the child holds a copy of the descriptor and lives on
            signal.pause()
            os._exit(0)
    try:
        with locked(target, timeout=2):  # the parent's lock is released although the child lives
            pass
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
