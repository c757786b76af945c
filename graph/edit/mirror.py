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
"""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from ..errors import DataError
from ..io import check_regular, format_for, read_limited, syntax_error
from ..settings import Settings
from ..store import OxigraphStore
from .editor import Editor
from .splice import file_digest
from .writeback import locked

__all__ = ["mirror_path", "mirrored_store", "editing"]

_STAMP = "stamp.json"


def mirror_path(path: str | Path) -> Path:
    """``data/entities.ttl`` -> ``data/.entities.ttl.oxigraph``."""
    p = Path(path)
    return p.with_name(f".{p.name}.oxigraph")


def _hash(path: Path, max_bytes: int) -> str:
    st = check_regular(path)  # never a FIFO or a device (T20): named, not read
    if st is None:
        return ""
    if st.st_size > max_bytes:
        raise DataError(str(path), f"file is over the limit of {max_bytes:,} bytes (GRAPH_MAX_FILE_BYTES)")
    return file_digest(path)


def _fingerprint(settings: Settings) -> dict:
    files = [[str(Path(f).resolve()), _hash(Path(f), settings.max_file_bytes)] for f in settings.files]
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
    with locked(target):
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
            # close the on-disk store now (its lock file), whoever still holds the wrapper
            store.ox = ox.Store()
            del raw
            gc.collect()


@contextmanager
def editing(settings: Settings) -> Iterator[Editor]:
    """The editor a command-line edit uses (see the module's docstring)."""
    if settings.backend != "oxigraph":
        yield Editor(settings)
        return
    with mirrored_store(settings) as store:
        yield Editor(settings, store, lock_held=True)
