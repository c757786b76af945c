"""The change log kept beside the data: one JSON object per line.

Each line: ``id``, ``who``, ``when``, ``op``, ``what``, ``undoes`` (the id of
the change an undo reverses, else null), and ``added`` / ``removed``: the
triples as N-Triples lines.  The log is appended (and fsynced) with the data
file's lock held, after the data file is written; a torn last line (a crash
mid-append) is skipped when reading.

Undo applies the inverse change (added and removed swapped) and logs it as a
change of its own, so the graph after an undo is isomorphic (with IRIs only:
equal) to the graph before the undone change, and an undo can be undone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..io import check_regular
from ..terms import to_oxigraph, to_rdflib
from .changes import Change, EditError, Problem

__all__ = ["Entry", "history_path", "append", "read_history", "to_ntriples", "from_ntriples", "entry_to_change", "pick_undo"]


@dataclass(frozen=True)
class Entry:
    id: str
    who: str
    when: str
    op: str
    what: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    undoes: str | None = None

    def to_json(self) -> str:
        return json.dumps(self.__dict__ | {"added": list(self.added), "removed": list(self.removed)}, ensure_ascii=False, sort_keys=True)


def history_path(data_file: str | Path) -> Path:
    """``data/entities.ttl`` -> ``data/entities.history.jsonl``."""
    p = Path(data_file)
    return p.with_name(p.stem + ".history.jsonl")


def to_ntriples(triples: Iterable) -> tuple[str, ...]:
    """rdflib or pyoxigraph triples as sorted N-Triples lines."""
    out = []
    for t in triples:
        if isinstance(t, ox.Triple):
            s, p, o = t.subject, t.predicate, t.object
        else:
            s, p, o = (to_oxigraph(x) for x in t)
        out.append(f"{s} {p} {o} .")
    return tuple(sorted(out))


def from_ntriples(lines: Iterable[str]) -> frozenset:
    """N-Triples lines as rdflib triples."""
    data = "\n".join(lines).encode("utf-8")
    return frozenset(
        (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
    )


def append(path: str | Path, change: Change) -> Entry:
    """Append one change to the log (call with the data file's lock held)."""
    entry = Entry(
        change.id, change.who, change.when, change.op, change.what, to_ntriples(change.added), to_ntriples(change.removed), change.undoes
    )
    line = (entry.to_json() + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return entry


def read_history(path: str | Path) -> list[Entry]:
    """Every readable entry, oldest first (an unreadable line is skipped)."""
    p = Path(path)
    if check_regular(p) is None:  # a device or FIFO is refused, not read forever (T20)
        return []
    entries = []
    for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            entries.append(Entry(d["id"], d["who"], d["when"], d["op"], d["what"], tuple(d["added"]), tuple(d["removed"]), d.get("undoes")))
        except (ValueError, KeyError, TypeError):
            continue  # a torn last line after a crash
    return entries


def entry_to_change(entry: Entry) -> Change:
    return Change(
        op=entry.op,
        what=entry.what,
        who=entry.who,
        when=entry.when,
        id=entry.id,
        added=from_ntriples(entry.added),
        removed=from_ntriples(entry.removed),
        undoes=entry.undoes,
    )


def pick_undo(entries: list[Entry], change_id: str | None = None) -> Entry:
    """The entry to undo: ``change_id``, or the latest change not yet undone (undos excluded)."""
    undone = {e.undoes for e in entries if e.undoes}
    if change_id:
        matches = [e for e in entries if e.id == change_id or e.id.startswith(change_id)]
        if len(matches) != 1:
            problem = "no change with this id" if not matches else f"{len(matches)} changes start with this id"
            raise EditError(
                [
                    Problem(
                        "id",
                        f"{change_id}: {'brak zmiany o tym identyfikatorze' if not matches else 'niejednoznaczny identyfikator'}",
                        f"{change_id}: {problem}",
                    )
                ]
            )
        if matches[0].id in undone:
            raise EditError(
                [Problem("id", f"{matches[0].id}: ta zmiana jest już cofnięta", f"{matches[0].id}: this change is already undone")]
            )
        return matches[0]
    for e in reversed(entries):
        if not e.undoes and e.id not in undone:
            return e
    raise EditError([Problem("id", "nie ma zmian do cofnięcia", "there is no change to undo")])
