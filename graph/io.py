"""Reading RDF files: Turtle, TriG, N-Triples, N-Quads and JSON-LD.

pyoxigraph parses every file: it is fast and reports line and column
(SECURITY T12).  Each problem becomes a :class:`~graph.errors.DataError`
naming the file, the place and the problem; a missing, empty, binary or
non-UTF-8 file gets its own message.  Content is always passed as bytes,
never as a location, so nothing is opened or fetched by accident (T3); remote
JSON-LD contexts are refused by pyoxigraph.  RDF/XML is not accepted (T4).

Every file is read through :func:`read_limited` (T20): it refuses what is not
a regular file once symlinks are followed (``/dev/zero``, a FIFO, a socket)
and reads at most the limit, whatever ``stat()`` reports.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import DataError

if TYPE_CHECKING:  # rdflib is imported by the functions that need it: reading into Oxigraph does not wait for it
    import rdflib

__all__ = [
    "FORMATS",
    "format_for",
    "read_bytes",
    "read_limited",
    "check_regular",
    "parse_bytes",
    "iter_quads",
    "parse_file",
    "load_graph",
    "new_graph",
    "check_bytes",
    "syntax_error",
    "bulk_load",
]

#: File suffix -> pyoxigraph format.  RDF/XML is deliberately absent (T4).
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}

_FORMAT_NAMES = {
    "turtle": ox.RdfFormat.TURTLE,
    "ttl": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "json-ld": ox.RdfFormat.JSON_LD,
    "jsonld": ox.RdfFormat.JSON_LD,
}

_POSITION = [
    re.compile(r"line (\d+) between columns (\d+) and \d+"),
    re.compile(r"line (\d+) column (\d+)"),
    re.compile(r"line (\d+)"),
]


def format_for(path: str | Path, fmt: str | None = None) -> ox.RdfFormat:
    """The parser for a file, from an explicit format name or the suffix."""
    if fmt:
        try:
            return _FORMAT_NAMES[fmt.lower()]
        except KeyError:
            raise DataError(str(path), f"unknown format {fmt!r}; use one of {', '.join(sorted(_FORMAT_NAMES))}") from None
    suffix = Path(path).suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    if suffix in {".rdf", ".xml", ".owl"}:
        raise DataError(str(path), "RDF/XML is not accepted (entity-expansion risk); convert it to Turtle first")
    raise DataError(str(path), f"unknown file type {suffix or '(no suffix)'!r}; use .ttl, .trig, .nt, .nq or .jsonld")


_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(p: Path, mode: int) -> DataError:
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    target = f" (a link to {os.path.realpath(p)})" if p.is_symlink() else ""
    return DataError(str(p), f"is {kind}{target}, not a regular file; give a file saved on disk")


def check_regular(path: str | Path) -> os.stat_result | None:
    """The ``stat`` of ``path`` (symlinks followed) when it is a regular file, None
    when nothing is there; a folder, device, FIFO or socket is a DataError."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataError(str(p), f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise DataError(str(p), "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(p, st.st_mode)
    return st


def read_limited(path: str | Path, *, max_bytes: int, setting: str = "GRAPH_MAX_FILE_BYTES") -> bytes:
    """The bytes of the regular file ``path``, reading at most ``max_bytes`` (T20).

    A FIFO swapped in after the check cannot block (the file is opened
    non-blocking and checked again through its descriptor); a file that grows
    past the limit while it is read is refused like a large one.
    """
    p = Path(path)
    st = check_regular(p)
    if st is None:
        raise DataError(str(p), "file not found")
    too_big = f"over the limit of {max_bytes:,} bytes ({setting})"
    if st.st_size > max_bytes:
        raise DataError(str(p), f"file is {st.st_size:,} bytes, {too_big}")
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DataError(str(p), f"cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(p, mode)
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise DataError(str(p), f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if left <= 0:
        raise DataError(str(p), f"file is {too_big}")
    return b"".join(chunks)


def read_bytes(path: str | Path, *, max_bytes: int = 1 << 30) -> bytes:
    """The file's bytes (at most ``max_bytes``), after the checks that have their own messages."""
    data = read_limited(path, max_bytes=max_bytes)
    check_bytes(data, str(path))
    return data


def check_bytes(data: bytes, source: str) -> None:
    """Refuse empty, binary, BOM-prefixed and non-UTF-8 content, with the place."""
    if not data.strip():
        raise DataError(source, "file is empty")
    if b"\x00" in data[:8192]:
        raise DataError(source, "file is binary (it holds NUL bytes), not an RDF text file")
    if data.startswith(b"\xef\xbb\xbf"):
        raise DataError(source, "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM", 1, 1)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            source,
            f"not UTF-8: byte 0x{data[exc.start]:02X} cannot be decoded (save the file as UTF-8)",
            line,
            column,
        ) from None


def syntax_error(source: str, exc: SyntaxError) -> DataError:
    message = str(exc)
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "offset", None)
    if line is None:
        for pattern in _POSITION:
            if m := pattern.search(message):
                line = int(m.group(1))
                column = int(m.group(2)) if m.lastindex and m.lastindex > 1 else None
                break
    # pyoxigraph's text repeats the place; keep the problem only
    problem = re.sub(r"^Parser error at line \d+( between columns \d+ and \d+| column \d+)?: ", "", message)
    problem = re.sub(r" \(line \d+\)$", "", problem)
    return DataError(source, problem, line, column)


def iter_quads(data: bytes, fmt: ox.RdfFormat, source: str) -> Iterator[ox.Quad]:
    """Parse ``data`` lazily; a syntax error becomes a DataError with its place."""
    try:
        yield from ox.parse(data, format=fmt)
    except SyntaxError as exc:
        raise syntax_error(source, exc) from None


def parse_bytes(data: bytes, fmt: ox.RdfFormat, source: str) -> list[ox.Quad]:
    """All quads of ``data``, or a DataError (nothing partial is returned)."""
    check_bytes(data, source)
    return list(iter_quads(data, fmt, source))


def new_graph() -> rdflib.Graph:
    """An empty rdflib graph with the project's prefixes bound."""
    import rdflib

    from .model import PREFIXES

    g = rdflib.Graph(bind_namespaces="core")
    for prefix, iri in PREFIXES.items():
        g.bind(prefix, iri, override=True)
    return g


def parse_file(path: str | Path, *, fmt: str | None = None, max_bytes: int = 1 << 30) -> list[ox.Quad]:
    """Read and parse one file into pyoxigraph quads."""
    return parse_bytes(read_bytes(path, max_bytes=max_bytes), format_for(path, fmt), str(path))


def load_graph(paths: Iterable[str | Path], *, max_bytes: int = 1 << 30) -> rdflib.Graph:
    """Parse every file into one fresh rdflib graph (all or nothing).

    Named graphs in TriG or N-Quads are merged into the one graph.
    """
    from .terms import to_rdflib

    quads: list[ox.Quad] = []
    for path in paths:
        quads.extend(parse_file(path, max_bytes=max_bytes))
    g = new_graph()
    add = g.add
    for q in quads:
        add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def bulk_load(target: ox.Store, paths: Iterable[str | Path], *, max_bytes: int = 1 << 30, digests: list[str] | None = None) -> ox.Store:
    """Read ``paths`` into the pyoxigraph store ``target`` (in memory or on disk) and return it.

    Each file is bounded by ``max_bytes``; a syntax error names the file, line and column.
    ``digests``, when given, gets the SHA-256 of each file's bytes as they were read.
    """
    for path in paths:
        data = read_bytes(path, max_bytes=max_bytes)
        if digests is not None:
            digests.append(hashlib.sha256(data).hexdigest())  # hashlib lets go of the interpreter meanwhile
        try:
            target.bulk_load(data, format=format_for(path))
        except SyntaxError as exc:
            raise syntax_error(str(path), exc) from None
    return target
