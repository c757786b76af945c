"""The dashboard's answers, kept on disk for each version of the files.

What the first page shows (the counts, the Overview tables, the agreements'
timeline and table, the number of triples, the labels of kinds and sectors)
depends only on the bytes of the files the store loads and on this code.  On the
country file the store takes about 3 s to load and these answers another
0.5-1 s; a later start on the same files reads them from here (3.8 MB of JSON,
0.06 s; hashing the files 0.16 s) while the store loads beside them
(:func:`graph.preload.preload`).  So are, once the background warm-up has
computed them, the answers the Network and Gaps pages ask for first
(:data:`LATER_PARTS`: the network, the findings, the gap report...; 21 + 29 MB,
read in about 0.7 + 0.8 s: :func:`graph.preload.preload`).

The files are named by :func:`key`: the SHA-256 of every loaded file's bytes
(schema files too), of the sources of the ``graph`` package and of the library
versions that shape the answers.  A changed byte in any of them gives another
key: an answer is never shown for other data or other code.  The preload also
checks that the bytes the store then read are the ones it looked up; if not, the
answers are dropped and computed from the store.

A convenience only: a missing, unreadable, oversized, foreign or broken file is
ignored (the answers are computed as before), a write goes to a temporary file
then an atomic rename, in a directory only the user can read.  JSON in the typed
form of :mod:`graph.answer_codec`, never pickle: a planted file cannot run code.
``GRAPH_CACHE_DIR=off`` keeps nothing.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .answer_codec import dumps, loads
from .settings import Settings

__all__ = ["FORM", "MAX_BYTES", "KEEP", "kept", "digests", "key", "read", "write", "KEEP_LATER", "KEYS", "NETWORK_KEYS", "GAPS_KEYS", "PARTS", "LATER_PARTS", "write_parts", "exists"]

#: The form of the file; a change to what is kept bumps it.
FORM = 2
#: A file larger than this is not read (on the country file: the first page 3.8 MB, the later pages 21 and 29 MB).
MAX_BYTES = 128 << 20
#: Versions of the files whose first page is kept in the folder (the most recently written); older ones are removed.
KEEP = 8
#: The same for the later pages' parts, which are larger (50 MB a version on the country file).
KEEP_LATER = 3
#: The workspace's memo keys of the first page (:meth:`graph.workspace.Workspace.answers_of`).
KEYS = ("summary", "triples", "overview", "timeline", "agreement_table", "vocabulary")
#: The memo keys of what the other pages ask for first, computed by the warm-up
#: (:meth:`graph.workspace.Workspace.warm_up`) and kept once it has run: the network page's
#: (the network, the pickers) and the gap report's (the findings, the measures, the structure).
NETWORK_KEYS = (("projection", None, None, False, False), "territory", "dates", "seats", ("facets", None, False))
GAPS_KEYS = (("findings", None), ("node_metrics", None), ("report", None), ("structure", None), ("spof", None))
#: What each file holds (``<part>-<key>.json``), in the order a start reads them.
PARTS = {"first-page": KEYS, "network": NETWORK_KEYS, "gaps": GAPS_KEYS}
#: The parts the warm-up keeps.
LATER_PARTS = ("network", "gaps")
_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def code_digest() -> str:
    """SHA-256 of the ``graph`` package's sources and queries, and of the versions of
    Python and the libraries its answers come from (computed once per process)."""
    from importlib.metadata import version  # the installed versions, without importing pandas at start

    h = hashlib.sha256(f"{FORM} {sys.version_info[:2]} {[version(d) for d in ('pyoxigraph', 'pandas', 'networkx', 'numpy')]}".encode())
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.suffix in (".py", ".rq", ".toml", ".ttl") and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def digests(settings: Settings) -> tuple[str, ...]:
    """SHA-256 of each file the settings load, in order ("" for a missing one: the
    load then fails and nothing is kept); DataError for an oversized or special file."""
    from .edit.splice import bounded_digest

    return tuple(bounded_digest(Path(f), settings.max_file_bytes) for f in settings.files)


def kept(settings: Settings) -> bool:
    """Whether first pages are kept at all: not with ``GRAPH_CACHE_DIR=off``, nor for a
    store other than Oxigraph's in memory."""
    return settings.cache_dir is not None and settings.backend == "oxigraph"


def key(settings: Settings, file_digests: Iterable[str]) -> str | None:
    """The name of the answers of files with ``file_digests`` under these settings;
    None when nothing is kept (:func:`kept`, or a file missing)."""
    file_digests = tuple(file_digests)
    if not kept(settings) or not all(file_digests):
        return None
    h = hashlib.sha256(code_digest().encode())
    h.update(repr((settings.backend, settings.include_schema, file_digests)).encode())
    return h.hexdigest()


def _path(settings: Settings, name: str, part: str) -> Path:
    return Path(settings.cache_dir) / f"{part}-{name}.json"


def exists(settings: Settings, name: str | None, part: str) -> bool:
    """Whether answers of ``part`` are kept under ``name`` (:func:`read` may still refuse them)."""
    return name is not None and kept(settings) and _path(settings, name, part).is_file()


def read(settings: Settings, name: str | None, part: str = "first-page") -> dict[Hashable, Any] | None:
    """The answers kept under ``name`` (memo key of :data:`PARTS` ``[part]`` -> value), or None."""
    if name is None:
        return None
    path = _path(settings, name, part)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        with _no_gc():  # 10^5 small containers: the collector would walk them again and again (0.64 s against 1.6 s)
            doc = json.loads(raw)
            answers = loads(doc) if doc.get("form") == FORM and doc.get("key") == name and doc.get("part") == part else None
        if answers is None:
            return None
        return answers if set(answers) == set(PARTS[part]) else None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


def write(settings: Settings, name: str | None, answers: Mapping[Hashable, Any], part: str = "first-page") -> bool:
    """Keep ``answers`` (every one of :data:`PARTS` ``[part]``) under ``name``; False when not kept
    (nothing to keep, or the directory cannot be written: the dashboard works on)."""
    if name is None or set(answers) != set(PARTS[part]):
        return False
    folder = Path(settings.cache_dir)
    try:
        with _no_gc():
            text = json.dumps({"form": FORM, "key": name, "part": part, **dumps(answers)}, ensure_ascii=False)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{part}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, _path(settings, name, part))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, TypeError, ValueError, RecursionError):
        return False
    _prune(folder, part)
    return True


def write_parts(settings: Settings, name: str | None, parts: Mapping[str, Mapping[Hashable, Any]]) -> int:
    """:func:`write` each part of ``parts`` (``{part: answers}``); how many were written."""
    return sum(write(settings, name, answers, part=part) for part, answers in parts.items())


@contextlib.contextmanager
def _no_gc():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _prune(folder: Path, part: str) -> None:
    """Remove all but the :data:`KEEP` (:data:`KEEP_LATER`) most recently written files of ``part``
    (each edit makes a new version)."""
    try:
        found = sorted(folder.glob(f"{part}-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in found[KEEP if part == "first-page" else KEEP_LATER :]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
