"""The dashboard's first page, kept on disk for each version of the files.

What the first page shows (the counts, the Overview tables, the agreements'
timeline and table, the number of triples, the labels of kinds and sectors) depends only on the bytes of the
files the store loads and on this code.  On the country file the store takes
about 3 s to load and these answers another 0.5-1 s; a later start on the same
files reads them from here (3.8 MB of JSON, 0.06 s; hashing the files 0.16 s)
while the store loads beside them (:func:`graph.preload.preload`).

The file is named by :func:`key`: the SHA-256 of every loaded file's bytes
(schema files too), of the sources of the ``graph`` package and of the library
versions that shape the answers.  A changed byte in any of them gives another
key: an answer is never shown for other data or other code.  The preload also
checks that the bytes the store then read are the ones it looked up; if not, the
answers are dropped and computed from the store.

A convenience only: a missing, unreadable, oversized, foreign or broken file is
ignored (the answers are computed as before), a write goes to a temporary file
then an atomic rename, in a directory only the user can read.  JSON, never
pickle: a planted file cannot run code.  ``GRAPH_CACHE_DIR=off`` keeps nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .settings import Settings

__all__ = ["FORM", "MAX_BYTES", "KEEP", "kept", "digests", "key", "read", "write", "KEYS"]

#: The form of the file; a change to what is kept bumps it.
FORM = 1
#: A file larger than this is not read (the country file's answers take 3.8 MB).
MAX_BYTES = 64 << 20
#: Saved first pages kept in the folder (the most recently written); older ones are removed.
KEEP = 8
#: The workspace's memo keys that are kept (their answers: dicts, ints and DataFrames).
KEYS = ("summary", "triples", "overview", "timeline", "agreement_table", "vocabulary")
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


def _path(settings: Settings, name: str) -> Path:
    return Path(settings.cache_dir) / f"first-page-{name}.json"


def read(settings: Settings, name: str | None) -> dict[str, Any] | None:
    """The answers kept under ``name`` (:data:`KEYS` -> value), or None."""
    if name is None:
        return None
    path = _path(settings, name)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        doc = json.loads(raw)
        if doc.get("form") != FORM or doc.get("key") != name or set(doc.get("answers", ())) != set(KEYS):
            return None
        return {k: _decode(v) for k, v in doc["answers"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def write(settings: Settings, name: str | None, answers: dict[str, Any]) -> bool:
    """Keep ``answers`` (every one of :data:`KEYS`) under ``name``; False when not kept
    (nothing to keep, or the directory cannot be written: the dashboard works on)."""
    if name is None or set(answers) != set(KEYS):
        return False
    folder = Path(settings.cache_dir)
    try:
        text = json.dumps({"form": FORM, "key": name, "answers": {k: _encode(v) for k, v in answers.items()}}, ensure_ascii=False)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".first-page-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, _path(settings, name))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, TypeError, ValueError):
        return False
    _prune(folder)
    return True


def _prune(folder: Path) -> None:
    """Remove all but the :data:`KEEP` most recently written first pages (each edit makes a new version)."""
    try:
        found = sorted(folder.glob("first-page-*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in found[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _encode(value: Any) -> Any:
    """JSON for an answer: a DataFrame as its values, index and dtypes; dicts, lists and scalars as they are."""
    if hasattr(value, "columns") and hasattr(value, "dtypes"):
        return {
            "frame": {
                "columns": [str(c) for c in value.columns],
                "dtypes": [str(d) for d in value.dtypes],
                "index": value.index.tolist(),
                "index_name": value.index.name,
                "index_dtype": str(value.index.dtype),
                "data": value.astype(object).where(value.notna(), None).values.tolist(),
            }
        }
    if isinstance(value, dict):
        return {"dict": {k: _encode(v) for k, v in value.items()}}
    if isinstance(value, MappingProxyType):  # read-only (the vocabulary's labels): read back read-only
        return {"frozen": {k: _encode(v) for k, v in value.items()}}
    if isinstance(value, (int, str, float)) or value is None:
        return {"value": value}
    raise TypeError(f"cannot keep a {type(value).__name__}")


def _decode(doc: dict) -> Any:
    if "frame" in doc:
        import pandas as pd

        f = doc["frame"]
        index = pd.Index(f["index"], name=f["index_name"], dtype=f["index_dtype"])
        frame = pd.DataFrame(f["data"], columns=f["columns"], index=index, dtype=object)
        return frame.astype(dict(zip(f["columns"], f["dtypes"])))
    if "dict" in doc:
        return {k: _decode(v) for k, v in doc["dict"].items()}
    if "frozen" in doc:
        return MappingProxyType({k: _decode(v) for k, v in doc["frozen"].items()})
    return doc["value"]
