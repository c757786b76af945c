"""Edits that cost what they change: rewrite only the changed subjects' blocks.

A data file in the stable form (:mod:`graph.edit.turtle`) is its header
comments, the ``@prefix`` lines of the prefixes it uses, a blank line, and one
block per subject, sorted by IRI, blocks separated by a blank line.  An edit
touches a few subjects, so it needs the old blocks of those subjects only:
they are found by binary search over the block boundaries, parsed, changed,
serialised again with :func:`graph.edit.turtle.serialise_block` and spliced
into the bytes; the prefix lines follow the prefixes still used.  The result
is byte for byte what a whole re-serialisation gives (the tests prove it on
every kind of edit), so the diff of an edit is its blocks.

The fast path is taken only for a file whose bytes are known to be in the
stable form: the *stamp* ``.<name>.stamp`` beside the file records the
SHA-256 of bytes this project wrote in that form (a whole write, a splice,
``graph tidy`` or the synthetic generator).  A file changed by anyone else
(an editor, ``git checkout``) no longer matches its stamp and the next edit
takes the slow path once: parse everything, write the stable form, stamp it.
Files with blank nodes are never stamped.

>>> data = b"@prefix eso: <https://w3id.org/es-pl/id/org/> .\\n\\neso:a\\n    eso:p eso:b ;\\n    .\\n"
>>> f = SortedFile(data)
>>> f.subjects()
['https://w3id.org/es-pl/id/org/a']
>>> f.find("https://w3id.org/es-pl/id/org/b") == (len(data), False)  # it would go at the end
True
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from ..errors import DataError
from ..io import check_regular
from .turtle import Writer, header_comments, serialise_block

__all__ = ["NotStable", "SortedFile", "stamp_path", "is_stamped", "write_stamp", "clear_stamp", "has_blank", "file_digest", "bounded_digest"]

_PREFIX = re.compile(rb"@prefix ([A-Za-z][\w\-.]*): <([^>]*)> \.\n")


class NotStable(Exception):
    """The bytes are not in the stable form the splice needs (the caller takes the slow path)."""


# ------------------------------------------------------------------ the stamp


def stamp_path(path: str | Path) -> Path:
    """``data/entities.ttl`` -> ``data/.entities.ttl.stamp``."""
    p = Path(path)
    return p.with_name(f".{p.name}.stamp")


#: SHA-256 of file versions this process has read or written, by (path, inode, size, mtime, ctime):
#: an edit hashes a national file once, not at every step
_DIGESTS: dict[tuple, str] = {}


def _version(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _digest(path: Path, data: bytes) -> str:
    """The SHA-256 of ``data``, the bytes just read from (or written to) ``path``."""
    key = _version(path)
    hit = _DIGESTS.get(key) if key else None
    if hit is None:
        hit = hashlib.sha256(data).hexdigest()
        if key is not None:
            if len(_DIGESTS) > 64:
                _DIGESTS.clear()
            _DIGESTS[key] = hit
    return hit


def bounded_digest(path: Path, max_bytes: int) -> str:
    """:func:`file_digest` of a regular file of at most ``max_bytes`` (else DataError);
    "" when it does not exist."""
    st = check_regular(path)  # never a FIFO or a device (T20): named, not read
    if st is None:
        return ""
    if st.st_size > max_bytes:
        raise DataError(str(path), f"file is over the limit of {max_bytes:,} bytes (GRAPH_MAX_FILE_BYTES)")
    return file_digest(path)


def file_digest(path: str | Path) -> str:
    """The SHA-256 of the file (read once per version of the file per process)."""
    path = Path(path)
    key = _version(path)
    if key is not None and key in _DIGESTS:
        return _DIGESTS[key]
    with path.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    if key is not None and _version(path) == key:  # unchanged while it was read
        _DIGESTS[key] = digest
    return digest


def is_stamped(path: str | Path, data: bytes) -> bool:
    """True when ``data`` (the file's bytes) are the stable form this project last wrote there."""
    try:
        stamp = json.loads(stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stamp, dict) and stamp.get("size") == len(data) and stamp.get("sha256") == _digest(Path(path), data)


def write_stamp(path: str | Path, data: bytes) -> None:
    """Record that ``data``, just written to ``path``, is in the stable form (call with the lock held)."""
    from .writeback import write_atomic

    text = json.dumps({"sha256": _digest(Path(path), data), "size": len(data), "form": "stable-turtle-1"}, sort_keys=True)
    write_atomic(stamp_path(path), (text + "\n").encode("utf-8"), fsync=False)


def clear_stamp(path: str | Path) -> None:
    stamp_path(path).unlink(missing_ok=True)


def has_blank(triples: Iterable[ox.Triple]) -> bool:
    return any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)


# ------------------------------------------------------------------ the blocks


def _uses(prefix: str) -> re.Pattern:
    """Where a prefixed name of ``prefix`` can stand in the stable form: a subject line,
    a predicate, an object, a datatype (literals hold no raw newline, so each is exact)."""
    p = re.escape(prefix.encode())
    return re.compile(rb"\n" + p + rb":|\n    " + p + rb":|\n    \S+ " + p + rb':[^\s"]* ;\n|"\^\^' + p + rb":[^\s\"]* ;\n")


class SortedFile:
    """The blocks of stable-form bytes, found by binary search over byte offsets
    (nothing is scanned whole), and the splice of new blocks into them."""

    _SEP = b"\n    .\n\n"  # the end of one block and the blank line before the next

    def __init__(self, data: bytes):
        self.data = data
        self.header = header_comments(data).encode("utf-8")
        if not data.startswith(self.header):
            raise NotStable("header")
        pos = len(self.header)
        self.prefixes: dict[str, str] = {}
        while m := _PREFIX.match(data, pos):
            self.prefixes[m.group(1).decode()] = m.group(2).decode()
            pos = m.end()
        if data[pos : pos + 1] != b"\n" or not data.endswith(b"\n    .\n"):
            raise NotStable("no blank line after the prefixes, or no block at the end")
        self.head_end = pos
        self.body = pos + 1  # where the first block starts
        if self.body >= len(data):
            raise NotStable("no blocks")
        self._subjects: dict[int, str] = {}

    def end_of(self, start: int) -> int:
        """Where the block starting at ``start`` ends (after its ``    .`` line)."""
        i = self.data.find(b"\n    .\n", start)
        if i < 0:
            raise NotStable("a block without its end")
        end = i + 7
        if end < len(self.data) and self.data[end : end + 1] != b"\n":
            raise NotStable("blocks not separated by a blank line")
        return end

    def _start_at_or_after(self, pos: int) -> int:
        """The first block start at or after ``pos`` (the length of the data when none)."""
        if pos <= self.body:
            return self.body
        j = self.data.find(self._SEP, max(pos - len(self._SEP), self.body))
        return j + len(self._SEP) if j >= 0 else len(self.data)

    def subject(self, start: int) -> str:
        """The IRI of the subject of the block starting at ``start``."""
        hit = self._subjects.get(start)
        if hit is None:
            line = self.data[start : self.data.index(b"\n", start)].decode("utf-8")
            if line.startswith("<") and line.endswith(">"):
                hit = line[1:-1]
            else:
                prefix, sep, local = line.partition(":")
                if not sep or prefix not in self.prefixes or " " in line:
                    raise NotStable(f"subject line {line!r}")
                hit = self.prefixes[prefix] + local
            self._subjects[start] = hit
        return hit

    def subjects(self) -> list[str]:
        """Every block's subject, in order (reads the whole file: for tests and small files)."""
        out, start = [], self.body
        while start < len(self.data):
            out.append(self.subject(start))
            start = self.end_of(start) + 1
        return out

    def find(self, iri: str) -> tuple[int, bool]:
        """The start of the block of ``iri`` (or of the block it would go before, or the
        length of the data) and whether the block is there."""
        n = len(self.data)
        if self.subject(self.body) >= iri:
            return self.body, self.subject(self.body) == iri
        lo, hi = self.body, n  # subject(lo) < iri; hi is the end or a block whose subject >= iri
        while True:
            s = self._start_at_or_after((lo + hi) // 2 + 1)
            if s >= hi:
                s = self._start_at_or_after(lo + 1)
                if s >= hi:
                    break
            if self.subject(s) < iri:
                lo = s
            else:
                hi = s
        return hi, hi < n and self.subject(hi) == iri

    def _head(self) -> bytes:
        return self.data[len(self.header) : self.head_end + 1]

    def triples_of(self, iris: Iterable[str]) -> dict[str, set[ox.Triple]]:
        """The triples of each subject's block (an empty set when it has none)."""
        out: dict[str, set[ox.Triple]] = {}
        for iri in iris:
            start, found = self.find(iri)
            if not found:
                out[iri] = set()
                continue
            block = self._head() + self.data[start : self.end_of(start)]
            try:
                triples = {q.triple for q in ox.parse(block, format=ox.RdfFormat.TURTLE)}
            except SyntaxError as exc:
                raise NotStable(f"block of {iri}: {exc}") from None
            if any(t.subject.value != iri for t in triples) or has_blank(triples):
                raise NotStable(f"block of {iri} holds other subjects or blank nodes")
            out[iri] = triples
        return out

    def splice(self, new: Mapping[str, set[ox.Triple]], prefixes: Mapping[str, str]) -> bytes:
        """The bytes with each subject's block replaced by its ``new`` triples (none: the block goes).

        ``prefixes`` is the map a whole re-serialisation would use
        (:func:`graph.edit.writeback.prefix_map`).
        """
        writer = Writer(prefixes)
        edits: list[tuple[int, int, str, bytes]] = []  # (start, end, iri, replacement)
        dropped: list[bytes] = []
        n = len(self.data)
        for iri in sorted(new):
            triples = new[iri]
            start, found = self.find(iri)
            text = serialise_block(writer, ox.NamedNode(iri), triples).encode("utf-8") if triples else b""
            if found:
                end = self.end_of(start)
                dropped.append(self.data[start:end])
                if text:
                    edits.append((start, end, iri, text))
                elif end < n:
                    edits.append((start, end + 1, iri, b""))  # the block and the blank line after it
                elif start > self.body:
                    edits.append((start - 1, end, iri, b""))  # the blank line before the last block, and it
                else:
                    raise NotStable("the last block would go")
            elif text:
                if start < n:
                    edits.append((start, start, iri, text + b"\n"))
                else:
                    edits.append((n, n, iri, b"\n" + text))
        edits.sort(key=lambda e: (e[0], e[2]))
        parts, pos = [], self.head_end + 1
        for start, end, _, text in edits:
            if start < pos:
                raise NotStable("overlapping edits")
            parts += [self.data[pos:start], text]
            pos = end
        parts.append(self.data[pos:])
        body = b"".join(parts)
        if not body:
            raise NotStable("the file would hold no block")
        used = set(self.prefixes) | writer.used
        for prefix in set(self.prefixes) - writer.used:
            pattern = _uses(prefix)
            if any(pattern.search(b"\n" + old) for old in dropped) and not pattern.search(b"\n" + body):
                used.discard(prefix)
        missing = used - set(prefixes)
        if missing:
            raise NotStable(f"prefixes {sorted(missing)} unknown")
        head = "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(used)).encode("utf-8")
        out = self.header + head + b"\n" + body
        self._verify(head, edits, new)
        return out

    @staticmethod
    def _verify(head: bytes, edits, new: Mapping[str, set[ox.Triple]]) -> None:
        """Parse every new block again: it must hold exactly the triples meant."""
        from .writeback import WriteError

        for _, _, iri, text in edits:
            try:
                back = {q.triple for q in ox.parse(head + b"\n" + text, format=ox.RdfFormat.TURTLE)} if text.strip() else set()
            except SyntaxError as exc:
                raise WriteError(f"the serialised block of {iri} does not parse again ({exc}); nothing was written") from None
            if back != set(new[iri]):
                raise WriteError(f"the serialised block of {iri} differs from its triples; nothing was written")
