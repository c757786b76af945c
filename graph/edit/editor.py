"""The editor: check a change, write it (file or remote store), log it, undo it.

>>> # Editor(settings).commit(add_organisation(editor.context(), ..., who="Anna"))

For a file, :meth:`Editor.commit` takes the file's lock, re-reads the file,
refuses the change if triples it removes are gone (someone else changed
them), drops additions already there, writes atomically and appends the
narrowed change to the history, all inside the lock.  A file stamped as
stable is neither read whole nor rewritten whole: only the changed subjects'
blocks are (:mod:`graph.edit.splice`), with the same bytes as a whole rewrite.  With a remote store the
change is one SPARQL Update request.  Either way the store the editor reads
from is updated too.
"""

from __future__ import annotations

import hashlib
from contextlib import nullcontext
from pathlib import Path

import rdflib

from ..errors import GraphError
from ..io import check_regular, read_limited
from ..settings import Settings
from ..store import Store, open_store
from ..terms import to_oxigraph, to_rdflib
from ..wording import count
from . import history as hist
from .changes import Change, EditError, Problem
from .check import check_change
from .lookup import Context
from .remote import apply_remote, update_text
from .splice import NotStable, SortedFile, has_blank, is_stamped, write_stamp
from .writeback import locked, parse_turtle, prefix_map, read_triples, save, write_atomic

__all__ = ["Editor"]


class Editor:
    """Edits on the data the settings name (the first data file, or the remote store)."""

    def __init__(
        self,
        settings: Settings,
        store: Store | None = None,
        *,
        shapes: rdflib.Graph | None = None,
        on_temp_written=None,
        lock_held: bool = False,
    ):
        """``lock_held``: the caller holds the data file's lock for the editor's whole life
        (:func:`graph.edit.mirror.editing`), so :meth:`commit` does not take it again."""
        self.settings = settings
        self._lock_held = lock_held
        self.store = store if store is not None else open_store(settings)
        self.shapes = shapes
        self.remote = settings.backend == "remote"
        self.path = None if self.remote else Path(settings.edit_file)
        self.history_path = settings.history_file
        self._on_temp_written = on_temp_written
        self._last: tuple[bytes, frozenset] | None = None  # (sha256, triples) of the bytes last written
        #: ``(before, after)``: the data signature (:func:`graph.workspace.data_signature`)
        #: just before and just after the last commit wrote, taken inside the lock; a
        #: workspace whose store this editor updated adopts ``after`` if it was at ``before``
        #: (:meth:`graph.workspace.Workspace.adopt`) instead of reloading the whole store.
        self.signatures: tuple[str, str] | None = None
        #: The subjects (IRIs) whose triples the last commit added or removed: a workspace
        #: adopting it re-reads only these (:func:`graph.analysis.patch_projection`); None when
        #: unknown (nothing committed yet, or a blank node among them).
        self.changed: frozenset[str] | None = None
        #: The IRIs the triples the last commit removed pointed to (the old ends of a tie or a
        #: membership it moved or removed): where a patch looks for the old edges.
        self.dropped_objects: frozenset[str] | None = None

    def context(self) -> Context:
        """Fresh lookups over the current store."""
        return Context(self.store)

    @property
    def lock_target(self) -> Path:
        return self.path if self.path is not None else self.history_path

    # ------------------------------------------------------------------ writing
    def check(self, change: Change) -> list[Problem]:
        return check_change(self.context(), change, shapes=self.shapes)

    def commit(self, change: Change, *, check: bool = True) -> Change:
        """Check and write ``change`` as one unit; returns what really changed (possibly empty)."""
        self.signatures = None
        self.changed = self.dropped_objects = None
        if change.empty:
            return change
        if check:
            problems = self.check(change)
            if problems:
                raise EditError(problems)
        from ..workspace import data_signature

        with nullcontext() if self._lock_held else locked(self.lock_target):
            before = data_signature(self.settings)
            if self.remote:
                done = apply_remote(self.store, change)
            else:
                done = self._apply_file(change)
            if not done.empty:
                hist.append(self.history_path, done)
            after = data_signature(self.settings)
        if not done.empty and not self.remote:
            self.store.update(update_text(done))
        self.signatures = (before, after)
        self.changed = _subjects(done)
        self.dropped_objects = frozenset(str(t[2]) for t in done.removed if isinstance(t[2], rdflib.URIRef))
        return done

    def _read(self) -> tuple[set, bytes]:
        """The file's triples and bytes; not parsed again when the bytes are those this editor last wrote."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return read_triples(self.path, max_bytes=self.settings.max_file_bytes)
        if self.path.stat().st_size > self.settings.max_file_bytes:
            return read_triples(self.path, max_bytes=self.settings.max_file_bytes)  # raises the size error
        data = read_limited(self.path, max_bytes=self.settings.max_file_bytes)
        digest = hashlib.sha256(data).digest()
        if self._last is not None and self._last[0] == digest:
            return set(self._last[1]), data
        return parse_turtle(data, str(self.path)), data

    def _conflict(self, gone: set) -> EditError:
        return EditError(
            [
                Problem(
                    "entry",
                    f"dane zmieniły się w międzyczasie albo leżą w innym pliku niż {self.path.name}: brak {count(len(gone), 'trójki|trójek|trójek')} do usunięcia; odśwież i spróbuj ponownie",
                    f"the data changed meanwhile or lives in a file other than {self.path.name}: {count(len(gone), 'triple to remove is|triples to remove are', 'en')} not there; reload and try again",
                    rule="conflict",
                )
            ]
        )

    def _apply_file(self, change: Change) -> Change:
        added = {to_oxigraph_triple(t) for t in change.added}
        removed = {to_oxigraph_triple(t) for t in change.removed}
        fast = self._splice(change, added, removed)
        if fast is not None:
            return fast
        current, original = self._read()
        real_added = self._against(current, added, removed)
        if not real_added and not removed:
            return change.narrowed((), ())
        new = (current - removed) | real_added
        data = save(self.path, new, original=original, on_temp_written=self._on_temp_written)
        self._last = (hashlib.sha256(data).digest(), frozenset(new)) if has_blank(new) else None
        return change.narrowed({from_oxigraph_triple(t) for t in real_added}, change.removed)

    def _against(self, current: set, added: set, removed: set) -> set:
        """What ``added`` really adds to ``current``; a conflict when ``removed`` names a
        triple ``current`` no longer holds (someone else changed it meanwhile)."""
        gone = removed - current
        if gone:
            raise self._conflict(gone)
        return added - current

    def _splice(self, change: Change, added: set, removed: set) -> Change | None:
        """The fast path: rewrite only the changed subjects' blocks of a stamped stable file.

        None when the file is not known to be in the stable form (or the
        change holds blank nodes): the caller then rewrites the whole file.
        """
        if has_blank(added) or has_blank(removed) or self.path.suffix.lower() not in (".ttl", ".turtle"):
            return None
        try:
            st = check_regular(self.path)  # never a device or FIFO (T20): the slow path names it
        except GraphError:
            return None
        if st is None or st.st_size == 0 or st.st_size > self.settings.max_file_bytes:
            return None
        data = read_limited(self.path, max_bytes=self.settings.max_file_bytes)
        if not is_stamped(self.path, data):
            return None
        try:
            blocks = SortedFile(data)
            subjects = {t.subject.value for t in added | removed}
            old = blocks.triples_of(subjects)
            current = set().union(*old.values())
            real_added = self._against(current, added, removed)
            if not real_added and not removed:
                return change.narrowed((), ())
            new = {s: (old[s] - removed) | {t for t in real_added if t.subject.value == s} for s in subjects}
            out = blocks.splice(new, {**prefix_map(), **blocks.prefixes})
        except NotStable:
            return None
        write_atomic(self.path, out, on_temp_written=self._on_temp_written)
        write_stamp(self.path, out)
        self._last = None
        return change.narrowed({from_oxigraph_triple(t) for t in real_added}, change.removed)

    # ------------------------------------------------------------------ history
    def history(self) -> list[hist.Entry]:
        return hist.read_history(self.history_path)

    def undo(self, change_id: str | None = None, *, who: str, check: bool = True) -> Change:
        """Undo ``change_id`` (default: the latest change not yet undone)."""
        entry = hist.pick_undo(self.history(), change_id)
        inverse = hist.entry_to_change(entry).inverse(who=who)
        done = self.commit(inverse, check=check)
        if done.empty:
            raise EditError([Problem("id", f"{entry.id}: nic do cofnięcia", f"{entry.id}: nothing to undo")])
        return done


def _subjects(change: Change) -> frozenset[str] | None:
    """IRIs of the subjects ``change`` adds or removes triples of; None when one is a blank node."""
    subjects = {t[0] for t in (*change.added, *change.removed)}
    if not all(isinstance(s, rdflib.URIRef) for s in subjects):
        return None
    return frozenset(str(s) for s in subjects)


def to_oxigraph_triple(t):
    import pyoxigraph as ox

    return ox.Triple(to_oxigraph(t[0]), to_oxigraph(t[1]), to_oxigraph(t[2]))


def from_oxigraph_triple(t):
    return (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
