"""A persistent on-disk Oxigraph store beside the data file, for edits from the command line.

An edit needs lookups (duplicates, ids, the neighbourhood the SHACL check
reads), and loading a national graph into memory costs as much as the whole
edit may.  The *mirror* ``.<name>.oxigraph/`` beside the first data file holds
every file the settings name, in Oxigraph's on-disk store, with a stamp
(``stamp.json``: each file's path and SHA-256).  The Turtle files stay the
truth and the exchange form; the mirror is a cache:

* it is opened only under the data file's lock (one writer at a time; the
  store's own lock would refuse a second process anyway);
* it is used only when every file matches the stamp; else it is rebuilt from
  the files (a bulk load: about 2x a load into memory, once);
* the stamp is removed while the mirror is open and written back on a clean
  exit with the files' new hashes, so a process killed after writing the data
  file but before (or while) updating the mirror leaves no stamp, and the next
  edit rebuilds: the mirror never answers for bytes it does not hold.

:func:`editing` gives the command line its editor: over the mirror, with
the lock held from the first lookup to the last write, for the Oxigraph
backend; the plain :class:`~graph.edit.editor.Editor` for the others.

:func:`fresh_mirror` lends the mirror to a command that only reads
(``graph stats``): opened read-only in milliseconds where loading a national
file costs seconds, under the same lock (taken without waiting: while an edit
runs the caller loads the files instead), and only when the stamp names the
SHA-256 of every file, hashed inside the lock.
"""

from __future__ import annotations

import gc
import json
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import GraphError
from ..io import check_regular, format_for, read_limited, syntax_error
from ..settings import Settings
from ..store import OxigraphStore
from .splice import bounded_digest
from .writeback import locked

if TYPE_CHECKING:
    from .editor import Editor

__all__ = ["mirror_path", "mirrored_store", "editing", "fresh_mirror"]

_STAMP = "stamp.json"


def mirror_path(path: str | Path) -> Path:
    """``data/entities.ttl`` -> ``data/.entities.ttl.oxigraph``."""
    p = Path(path)
    return p.with_name(f".{p.name}.oxigraph")


def _fingerprint(settings: Settings) -> dict:
    files = [[str(Path(f).resolve()), bounded_digest(Path(f), settings.max_file_bytes)] for f in settings.files]
    return {"files": files, "pyoxigraph": ox.__version__, "form": 1}


def _read_stamp(folder: Path) -> dict | None:
    try:
        return json.loads((folder / _STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_stamp(folder: Path, stamp: dict) -> None:
    tmp = folder / (_STAMP + ".tmp")
    tmp.write_text(json.dumps(stamp, sort_keys=True), encoding="utf-8")
    tmp.replace(folder / _STAMP)


def _quads(settings: Settings) -> Iterator[ox.Quad]:
    for path in settings.files:
        path = Path(path)
        st = check_regular(path)
        if st is None or st.st_size == 0:
            continue
        data = read_limited(path, max_bytes=settings.max_file_bytes)
        try:
            yield from ox.parse(data, format=format_for(path))
        except SyntaxError as exc:
            raise syntax_error(str(path), exc) from None


def _rebuild(folder: Path, settings: Settings) -> ox.Store:
    shutil.rmtree(folder, ignore_errors=True)
    store = ox.Store(str(folder))
    store.bulk_extend(_quads(settings))  # one bulk load of every file: one set of index files
    store.flush()
    return store


@contextmanager
def mirrored_store(settings: Settings, *, rebuilt: list | None = None) -> Iterator[OxigraphStore]:
    """Hold the data file's lock and yield the mirror of ``settings.files`` (rebuilt if stale).

    ``rebuilt`` (a list) gets ``True`` appended when the mirror had to be built.
    """
    if settings.backend != "oxigraph":
        raise ValueError("the mirror serves the Oxigraph backend only")
    target = Path(settings.edit_file)
    folder = mirror_path(target)
    with locked(target), _young_garbage():
        before = _fingerprint(settings)
        fresh = _read_stamp(folder) != before
        if not fresh:
            (folder / _STAMP).unlink()
            try:
                raw = ox.Store(str(folder))
            except OSError:
                fresh = True
        if fresh:
            raw = _rebuild(folder, settings)
        if rebuilt is not None and fresh:
            rebuilt.append(True)
        store = OxigraphStore(raw)
        clean = False
        try:
            yield store
            clean = True
        finally:
            after = _fingerprint(settings)
            if clean or after == before:  # an error before any write leaves the mirror as it was
                raw.flush()
                _write_stamp(folder, after)
            # close the on-disk store now (its lock file), whoever still holds the wrapper:
            # graph.store reads every answer whole, so no iterator over it outlives a clean
            # edit; after an error, one may, held by a traceback in a cycle: collect it
            store.ox = ox.Store()
            del raw
            if not clean:
                gc.collect()  # what still holds it is garbage made during the edit (_young_garbage)


@contextmanager
def _young_garbage() -> Iterator[None]:
    """Objects made before the mirror opened cannot hold it: the collection that
    closes it looks only at those made since (``gc.freeze``), not again at every
    module and answer the process held before."""
    if gc.get_freeze_count():  # the process froze objects itself: leave its choice alone
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def editing(settings: Settings) -> Iterator[Editor]:
    """The editor a command-line edit uses (see the module's docstring)."""
    if settings.backend != "oxigraph":
        from .editor import Editor

        yield Editor(settings)
        return
    warming = threading.Thread(target=_warm_checks, name="warm-checks", daemon=True)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)  # the edit gets the interpreter back soon after each wait on the disk
    warming.start()
    try:
        with mirrored_store(settings) as store:
            from .editor import Editor

            yield Editor(settings, store, lock_held=True)
    finally:
        warming.join()
        sys.setswitchinterval(switch)


def _warm_checks() -> None:
    """Import pySHACL and read the shapes and schema the check needs (a quarter of
    a second, no lock needed) while the edit waits on the disk: the lock, the
    mirror's opening, the lookups.  An error is left for the check to raise."""
    try:
        from .check import warm

        warm()
    except Exception:  # noqa: BLE001 - raised again, where it belongs, by the check itself
        pass


@contextmanager
def fresh_mirror(settings: Settings) -> Iterator[OxigraphStore | None]:
    """The mirror of ``settings.files``, read-only, when it holds exactly their bytes; else None.

    None, at once, when there is no stamp; else the data file's lock is taken
    without waiting (None while an edit holds it) and held until the caller is
    done, so no edit writes the store while it is read; inside it every file
    is hashed and compared with the stamp.  The caller loads the files when
    it gets None, and never writes to what it gets.
    """
    if settings.backend != "oxigraph" or not settings.data:
        yield None
        return
    target = Path(settings.edit_file)
    folder = mirror_path(target)
    if not (folder / _STAMP).is_file():
        yield None
        return
    with ExitStack() as held:
        raw = None
        try:
            held.enter_context(locked(target, timeout=0))
            if _read_stamp(folder) == _fingerprint(settings):
                raw = ox.Store.read_only(str(folder))
        except (GraphError, OSError):  # an edit holds the lock; a read-only folder, a file over the limit, a damaged store
            pass
        if raw is not None:
            store = OxigraphStore(raw)
            del raw
            try:
                yield store
            finally:
                store.ox = ox.Store()  # let go of the files before the lock
            return
    yield None  # the lock released: loading the files does not hold up an edit
