"""Writing a data file back safely (SECURITY T10, T11).

* :func:`render` serialises to bytes first (stable sorted Turtle, the file's
  header comments and prefixes kept), then :func:`verify` parses the bytes
  again and compares them with the triples meant: a serialiser failure or bug
  never reaches the disk.
* :func:`write_atomic` writes a temporary file in the same folder, fsyncs it,
  ``os.replace``-s it over the data file and fsyncs the folder: a crash at
  any moment leaves either the old file or the new one, whole.
* :func:`locked` holds ``<file>.lock`` (an ``flock``): two processes or two
  browser sessions editing the same file take turns, and each re-reads the
  file inside the lock, so neither loses the other's change.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from ..errors import GraphError
from ..io import check_regular, read_limited, syntax_error
from ..model import BASE, PREFIXES
from .turtle import declared_prefixes, header_comments, serialise

__all__ = [
    "WriteError",
    "LOCK_TIMEOUT_S",
    "lock_path",
    "locked",
    "read_triples",
    "parse_turtle",
    "prefix_map",
    "render",
    "verify",
    "write_atomic",
    "save",
]

#: Prefixes of the resources edits add (change activities and editors)
EDIT_PREFIXES = {"eschange": BASE + "id/change/", "eseditor": BASE + "id/editor/"}

#: How long a writer waits for another to finish before giving up.
LOCK_TIMEOUT_S = 60.0
_POLL_S = 0.05


class WriteError(GraphError):
    """The data file could not be written; the old file is untouched."""


def lock_path(path: str | Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".lock")


@contextmanager
def locked(path: str | Path, *, timeout: float = LOCK_TIMEOUT_S):
    """Hold the lock file of ``path`` (one writer at a time, across processes and threads).

    An exclusive ``flock`` on ``<file>.lock`` through a descriptor of its own
    (two threads of one process take turns too), tried every 50 ms for
    ``timeout`` seconds (0: once); the system releases it if the process dies.
    The filelock package does the same and costs 15 ms to import per edit.
    """
    lock = lock_path(path)
    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise WriteError(f"{path}: another edit is still being written (waited {timeout:g} s for {lock.name})") from None
            time.sleep(_POLL_S)
            continue
        except BaseException:
            os.close(fd)
            raise
        if os.fstat(fd).st_nlink:  # still the file at that name (not removed meanwhile)
            break
        _release(fd)
    try:
        yield
    finally:
        _release(fd)


def _release(fd: int) -> None:
    """Unlock, then close: a child forked meanwhile (a query worker, a pool process) holds a copy
    of the descriptor, and closing ours alone would leave the lock held until that child ends."""
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def read_triples(path: str | Path, *, max_bytes: int = 1 << 30) -> tuple[set[ox.Triple], bytes]:
    """The triples of a Turtle data file and its bytes; a missing or empty file holds none."""
    p = Path(path)
    st = check_regular(p)  # never /dev/zero, a FIFO or a link to a device (T20): it would be replaced on save
    if st is None or st.st_size == 0:
        return set(), b""
    if p.suffix.lower() not in (".ttl", ".turtle"):
        raise WriteError(f"{p}: only Turtle (.ttl) data files can be edited")
    data = read_limited(p, max_bytes=max_bytes)
    return parse_turtle(data, str(p)), data


def parse_turtle(data: bytes, source: str) -> set[ox.Triple]:
    """The triples of Turtle bytes; a syntax error names ``source:line:column``."""
    try:
        return {q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)}
    except SyntaxError as exc:
        raise syntax_error(source, exc) from None


def prefix_map(original: bytes = b"") -> dict[str, str]:
    """The prefixes a rewrite may use: the project's, the edits', and those the file declares."""
    return {**PREFIXES, **EDIT_PREFIXES, **declared_prefixes(original)}


def render(triples: Iterable[ox.Triple], original: bytes = b"") -> bytes:
    """The file's new bytes: stable Turtle with the original header comments and prefixes."""
    return serialise(triples, prefixes=prefix_map(original), header=header_comments(original))


def _named(triples: Iterable[ox.Triple]) -> tuple[set, int]:
    named, blank = set(), 0
    for t in triples:
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            blank += 1
        else:
            named.add(t)
    return named, blank


def verify(data: bytes, triples: Iterable[ox.Triple]) -> None:
    """Parse ``data`` again and check it holds exactly ``triples`` (blank nodes by count)."""
    try:
        back = {q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)}
    except SyntaxError as exc:
        raise WriteError(f"the serialised data does not parse again ({exc}); nothing was written") from None
    triples = triples if isinstance(triples, set | frozenset) else set(triples)
    if back == triples:  # the usual case: no blank nodes
        return
    want = _named(triples)
    got = _named(back)
    if want != got:
        missing = len(want[0] - got[0])
        extra = len(got[0] - want[0])
        raise WriteError(f"the serialised data differs from the graph ({missing} triples missing, {extra} extra); nothing was written")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _stale_temps(path: Path) -> list[Path]:
    return list(path.parent.glob(f".{path.name}.*.tmp"))


def write_atomic(path: str | Path, data: bytes, *, on_temp_written: Callable[[Path], None] | None = None, fsync: bool = True) -> None:
    """Replace ``path`` by ``data`` atomically: temp file, fsync, os.replace, fsync the folder.

    ``on_temp_written`` is called after the temporary file is complete and
    before the rename (tests use it to kill the process there).  Call it with
    the lock held: leftover temporary files of earlier crashed writers are
    removed first.  ``fsync=False`` (for the stamp, a cache) skips the fsyncs.
    """
    path = Path(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    for stale in _stale_temps(path):
        stale.unlink(missing_ok=True)
    mode = (path.stat().st_mode & 0o777) if path.exists() else None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        if on_temp_written is not None:
            on_temp_written(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if fsync:
        _fsync_dir(folder)


def save(path: str | Path, triples: Iterable[ox.Triple], *, original: bytes = b"", on_temp_written=None) -> bytes:
    """Serialise, verify and atomically write ``triples`` to ``path``; returns the bytes.

    Without blank nodes the bytes are stamped as the stable form, so the next
    edit rewrites only its blocks (:mod:`graph.edit.splice`).
    """
    from .splice import clear_stamp, has_blank, write_stamp

    triples = triples if isinstance(triples, set | frozenset) else set(triples)
    data = render(triples, original)
    verify(data, triples)
    clear_stamp(path)
    write_atomic(path, data, on_temp_written=on_temp_written)
    if not has_blank(triples):
        write_stamp(path, data)
    return data
