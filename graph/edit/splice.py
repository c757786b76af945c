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
>>> [f.subject(i) for i in range(len(f))]
['https://w3id.org/es-pl/id/org/a']
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from .turtle import Writer, header_comments, serialise_block

__all__ = ["NotStable", "SortedFile", "stamp_path", "is_stamped", "write_stamp", "clear_stamp", "has_blank"]

_BLOCK_END = re.compile(rb"\n    \.\n")
_PREFIX = re.compile(rb"@prefix ([A-Za-z][\w\-.]*): <([^>]*)> \.\n")


class NotStable(Exception):
    """The bytes are not in the stable form the splice needs (the caller takes the slow path)."""


# ------------------------------------------------------------------ the stamp


def stamp_path(path: str | Path) -> Path:
    """``data/entities.ttl`` -> ``data/.entities.ttl.stamp``."""
    p = Path(path)
    return p.with_name(f".{p.name}.stamp")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_stamped(path: str | Path, data: bytes) -> bool:
    """True when ``data`` (the file's bytes) are the stable form this project last wrote there."""
    try:
        stamp = json.loads(stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(stamp, dict) and stamp.get("size") == len(data) and stamp.get("sha256") == _digest(data)


def write_stamp(path: str | Path, data: bytes) -> None:
    """Record that ``data``, just written to ``path``, is in the stable form (call with the lock held)."""
    from .writeback import write_atomic

    text = json.dumps({"sha256": _digest(data), "size": len(data), "form": "stable-turtle-1"}, sort_keys=True)
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
    """The block boundaries of stable-form bytes, and the splice of new blocks into them."""

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
        if data[pos : pos + 1] != b"\n":
            raise NotStable("no blank line after the prefixes")
        self.head_end = pos
        start = pos + 1
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in _BLOCK_END.finditer(data, start - 1):
            if m.end() < len(data) and data[m.end() : m.end() + 1] != b"\n":
                raise NotStable("blocks not separated by a blank line")
            self.starts.append(start)
            self.ends.append(m.end())
            start = m.end() + 1
        if not self.starts or self.ends[-1] != len(data):
            raise NotStable("no blocks, or bytes after the last block")
        self._subjects: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def subject(self, i: int) -> str:
        """The IRI of block ``i``'s subject."""
        hit = self._subjects.get(i)
        if hit is None:
            start = self.starts[i]
            line = self.data[start : self.data.index(b"\n", start)].decode("utf-8")
            if line.startswith("<") and line.endswith(">"):
                hit = line[1:-1]
            else:
                prefix, sep, local = line.partition(":")
                if not sep or prefix not in self.prefixes or " " in line:
                    raise NotStable(f"subject line {line!r}")
                hit = self.prefixes[prefix] + local
            self._subjects[i] = hit
        return hit

    def find(self, iri: str) -> tuple[int, bool]:
        """The index of the block of ``iri`` (or where it would go) and whether it is there."""
        i = bisect_left(range(len(self)), iri, key=self.subject)
        return i, i < len(self) and self.subject(i) == iri

    def _head(self) -> bytes:
        return self.data[len(self.header) : self.head_end + 1]

    def triples_of(self, iris: Iterable[str]) -> dict[str, set[ox.Triple]]:
        """The triples of each subject's block (an empty set when it has none)."""
        out: dict[str, set[ox.Triple]] = {}
        for iri in iris:
            i, found = self.find(iri)
            if not found:
                out[iri] = set()
                continue
            block = self._head() + self.data[self.starts[i] : self.ends[i]]
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
        for iri in sorted(new):
            triples = new[iri]
            i, found = self.find(iri)
            text = serialise_block(writer, ox.NamedNode(iri), triples).encode("utf-8") if triples else b""
            if found:
                dropped.append(self.data[self.starts[i] : self.ends[i]])
                if text:
                    edits.append((self.starts[i], self.ends[i], iri, text))
                elif i + 1 < len(self):
                    edits.append((self.starts[i], self.starts[i + 1], iri, b""))
                elif i > 0:
                    edits.append((self.ends[i - 1], self.ends[i], iri, b""))
                else:
                    raise NotStable("the last block would go")
            elif text:
                if i < len(self):
                    edits.append((self.starts[i], self.starts[i], iri, text + b"\n"))
                else:
                    edits.append((len(self.data), len(self.data), iri, b"\n" + text))
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
