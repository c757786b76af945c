"""One store interface, three backends: Oxigraph (default), rdflib, remote SPARQL.

``open_store(settings)`` builds the store the settings name and loads the
schema and data files into it (all or nothing: a bad file leaves no store).
Every backend answers :meth:`Store.query` with the same :class:`Result`, with
values bound, never pasted (SECURITY T7).  Access is serialised with a lock:
rdflib's engine is not thread-safe and one store serves every dashboard
session (T8).  The choice of default is in ``docs/adr/0003-store-engine.md``.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from .bind import inject_values
from .errors import QueryError
from .io import bulk_load, load_graph, new_graph
from .model import PREFIXES
from .settings import Settings
from .terms import to_oxigraph, to_rdflib

__all__ = ["Result", "Store", "OxigraphStore", "RdflibStore", "open_store", "bulk_load"]

Bindings = Mapping[str, Node] | None


@dataclass
class Result:
    """A query's answer: rows for SELECT, a boolean for ASK, triples otherwise.

    A CONSTRUCT or DESCRIBE answer is a list of distinct ``triples`` of rdflib
    terms; :attr:`graph` builds an rdflib Graph of them on first use only.
    Indexing a triple in rdflib's memory store costs about as much as Oxigraph
    takes to find it, and most callers (counting, listing, the console's
    network view, the editor's lookups) never need the index; Turtle output
    and SHACL do.
    """

    kind: str  # "SELECT", "ASK" or "GRAPH" (CONSTRUCT and DESCRIBE)
    vars: tuple[str, ...] = ()
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False

    def __post_init__(self) -> None:
        self._graph: rdflib.Graph | None = None

    @property
    def graph(self) -> rdflib.Graph | None:
        """A GRAPH result as an rdflib Graph (built once, on first use); None for SELECT and ASK."""
        if self.kind != "GRAPH":
            return None
        if self._graph is None:
            g = new_graph()
            g.addN((s, p, o, g) for s, p, o in self.triples)
            self._graph = g
        return self._graph

    def records(self) -> list[dict[str, Node | None]]:
        """SELECT rows as dicts of rdflib terms (unbound values are None)."""
        return [dict(zip(self.vars, row)) for row in self.rows]

    def to_frame(self):
        """SELECT rows as a pandas DataFrame of plain Python values."""
        import pandas as pd

        from .terms import plain

        return pd.DataFrame([[plain(v) for v in row] for row in self.rows], columns=list(self.vars))

    def column(self, name: str) -> list:
        i = self.vars.index(name)
        return [row[i] for row in self.rows]


class Store(ABC):
    """The interface every backend offers."""

    backend: str = ""

    def __init__(self) -> None:
        self.lock = threading.RLock()

    @abstractmethod
    def query(self, text: str, bindings: Bindings = None, *, max_rows: int | None = None) -> Result:
        """Run a SPARQL query (prefixes of graph.model known), values bound by name."""

    def select_values(self, text: str, bindings: Bindings = None) -> tuple[tuple[str, ...], list[tuple]]:
        """A trusted SELECT as (variables, rows of plain strings or None): the fast path."""
        res = self.query(text, bindings)
        return res.vars, [tuple(None if t is None else str(t) for t in row) for row in res.rows]

    def select_many(self, texts: list[str]) -> list[list[tuple]]:
        """Rows of several trusted SELECTs (values as :meth:`select_values`), one list per text.
        Here one after the other; the Oxigraph store evaluates them at once."""
        return [self.select_values(text)[1] for text in texts]

    def select_values_many(self, texts: list[str]) -> list[tuple[tuple[str, ...], list[tuple]]]:
        """:meth:`select_values` of several trusted SELECTs, one answer per text, the same values.
        Here one after the other; the Oxigraph store evaluates them at once."""
        return [self.select_values(text) for text in texts]

    def select_many_later(self, texts: list[str]) -> list[Callable[[], list[tuple]]]:
        """:meth:`select_many` begun now and read later: one function per text, which gives its
        rows.  Here each asks then; the Oxigraph store evaluates the queries now, in the background."""
        return [lambda text=text: self.select_many([text])[0] for text in texts]

    @abstractmethod
    def update(self, text: str) -> None:
        """Run a SPARQL Update (trusted callers only: the write-back layer)."""

    @abstractmethod
    def add_graph(self, graph: rdflib.Graph) -> None:
        """Add every triple of ``graph``."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of triples (quads) held."""

    def to_graph(self) -> rdflib.Graph:
        """A copy of the whole store as an rdflib graph (for SHACL and export)."""
        return self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph

    def load_files(self, paths: Iterable[str | Path], *, max_bytes: int = 1 << 30) -> None:
        """Load files; all of them parse before any triple is added."""
        self.add_graph(load_graph(paths, max_bytes=max_bytes))


def _limit(iterable, max_rows: int | None):
    rows = []
    for i, row in enumerate(iterable):
        if max_rows is not None and i >= max_rows:
            return rows, True
        rows.append(row)
    return rows, False


def _oxigraph_error(exc: SyntaxError) -> QueryError:
    import re

    message = str(exc)
    if m := re.search(r"error at (\d+):(\d+): ?(.*)", message, re.S):
        return QueryError(m.group(3) or message, int(m.group(1)), int(m.group(2)))
    return QueryError(message)


def _csv_rows(data: bytes) -> list[tuple]:
    """The rows of a SPARQL CSV answer (no header; an empty value as None)."""
    import csv
    import io

    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    next(rows, None)  # the header
    return [tuple(v or None for v in row) for row in rows]


class OxigraphStore(Store):
    """pyoxigraph's in-memory store (the default: see ADR 0003)."""

    backend = "oxigraph"

    def __init__(self, store: ox.Store | None = None) -> None:
        super().__init__()
        self.ox = store if store is not None else ox.Store()
        #: SHA-256 of each file :meth:`load_files` read, in order (the saved first-page answers are kept by them).
        self.digests: tuple[str, ...] = ()

    def _run(self, text: str, bindings: Bindings):
        """Bind with pyoxigraph's substitutions; where it refuses (a bound variable
        missing from the projection), bind with a VALUES block instead."""
        subs = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items() if v is not None}
        try:
            try:
                return self.ox.query(text, prefixes=PREFIXES, substitutions=subs or None, use_default_graph_as_union=True)
            except RuntimeError as exc:
                if not subs or "projection" not in str(exc):
                    raise
            return self.ox.query(inject_values(text, bindings), prefixes=PREFIXES, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise _oxigraph_error(exc) from None

    def query(self, text: str, bindings: Bindings = None, *, max_rows: int | None = None) -> Result:
        with self.lock:
            answer = self._run(text, bindings)
            if isinstance(answer, ox.QueryBoolean):
                return Result("ASK", boolean=bool(answer))
            if isinstance(answer, ox.QuerySolutions):
                names = tuple(v.value for v in answer.variables)
                raw, truncated = _limit(answer, max_rows)
                rows = [tuple(map(to_rdflib, s)) for s in raw]
                return Result("SELECT", vars=names, rows=rows, truncated=truncated)
            # Oxigraph's CONSTRUCT and DESCRIBE already yield each triple once
            raw, truncated = _limit(answer, max_rows)
            triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in raw]
            return Result("GRAPH", triples=triples, truncated=truncated)

    def select_values(self, text: str, bindings: Bindings = None) -> tuple[tuple[str, ...], list[tuple]]:
        with self.lock:
            answer = self._run(text, bindings)
            names = tuple(v.value for v in answer.variables)
            rows = [tuple(None if t is None else t.value for t in sol) for sol in answer]
        return names, rows

    def _written(self, text: str, fmt) -> tuple[tuple[str, ...], bytes]:
        """``(variables, answer written out in fmt)`` of a trusted SELECT: the query starts under
        the lock; its answer is written out after, without holding the interpreter."""
        with self.lock:
            answer = self._run(text, None)
        return tuple(v.value for v in answer.variables), answer.serialize(format=fmt)

    def _at_once(self, texts: list[str], fmt, read: Callable[[tuple[str, ...], bytes], Any]) -> list:
        """``read(variables, answer written out in fmt)`` of several trusted SELECTs evaluated at
        once, one thread each (at most four at a time): pyoxigraph lets go of the interpreter while
        it writes an answer out.  Each answer is read in its thread, beside the others' writing."""
        from concurrent.futures import ThreadPoolExecutor

        def one(text: str):  # in the thread that asks: pyoxigraph's answers stay in theirs
            return read(*self._written(text, fmt))

        if len(texts) <= 1:
            return [one(t) for t in texts]
        with ThreadPoolExecutor(min(len(texts), 4), thread_name_prefix="select") as pool:
            return list(pool.map(one, texts))

    def select_many(self, texts: list[str]) -> list[list[tuple]]:
        """Several trusted SELECTs evaluated at once (:meth:`_at_once`: two projection queries on
        the country file 0.8 s together against 1.15 s one after the other).  Each answer is
        read as CSV, so an empty literal reads as unbound (None): for the first page's counts,
        the timeline and the projection, where an empty value means none."""
        return self._at_once(texts, ox.QueryResultsFormat.CSV, lambda _, data: _csv_rows(data))

    def select_many_later(self, texts: list[str]) -> list[Callable[[], list[tuple]]]:
        """:meth:`select_many` begun now: each query is evaluated and written out as CSV in a
        background thread, where pyoxigraph lets go of the interpreter (a page drawn meanwhile
        is not held up); the function returned for each waits for it alone and reads its rows."""
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(min(len(texts), 4) or 1, thread_name_prefix="select-later")
        futures = [pool.submit(lambda text: self._written(text, ox.QueryResultsFormat.CSV)[1], text) for text in texts]
        pool.shutdown(wait=False)
        return [lambda f=f: _csv_rows(f.result()) for f in futures]

    def select_values_many(self, texts: list[str]) -> list[tuple[tuple[str, ...], list[tuple]]]:
        """:meth:`select_values` of several trusted SELECTs evaluated at once (:meth:`_at_once`),
        each answer read as SPARQL JSON results: an empty literal stays ``""`` and every value
        is what :meth:`select_values` gives (the expectations' six queries on the country
        file: 0.9 s against 1.3 s one after the other)."""
        import json

        def read(names: tuple[str, ...], data: bytes) -> tuple[tuple[str, ...], list[tuple]]:
            bindings = json.loads(data)["results"]["bindings"]
            return names, [tuple(b[n]["value"] if n in b else None for n in names) for b in bindings]

        return self._at_once(texts, ox.QueryResultsFormat.JSON, read)

    def update(self, text: str) -> None:
        with self.lock:
            try:
                self.ox.update(text, prefixes=PREFIXES)
            except SyntaxError as exc:
                raise _oxigraph_error(exc) from None

    def add_graph(self, graph: rdflib.Graph) -> None:
        quads = [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]
        with self.lock:
            self.ox.extend(quads)

    def load_files(self, paths: Iterable[str | Path], *, max_bytes: int = 1 << 30) -> None:
        """Load files (:attr:`digests`: the SHA-256 of the bytes each one held when read)."""
        # Parse into a fresh store, then swap: a bad file leaves nothing half-loaded (T10).
        digests: list[str] = []
        fresh = bulk_load(ox.Store(), paths, max_bytes=max_bytes, digests=digests)
        with self.lock:
            if len(self.ox):
                self.ox.extend(list(fresh))
                self.digests += tuple(digests)
            else:
                self.ox = fresh
                self.digests = tuple(digests)

    def __len__(self) -> int:
        return len(self.ox)


class RdflibStore(Store):
    """rdflib's memory store and SPARQL engine (slower; kept as the reference engine)."""

    backend = "rdflib"

    def __init__(self, graph: rdflib.Graph | None = None) -> None:
        super().__init__()
        self.graph = graph if graph is not None else new_graph()

    def query(self, text: str, bindings: Bindings = None, *, max_rows: int | None = None) -> Result:
        with self.lock:
            try:
                from rdflib.plugins.sparql import prepareQuery  # 0.1 s to import: only the rdflib store needs it

                from .sparql_parse_lock import install

                install()
                prepared = prepareQuery(text, initNs=PREFIXES)
            except Exception as exc:  # pyparsing's ParseException and friends
                raise _rdflib_error(exc) from None
            answer = self.graph.query(prepared, initBindings=dict(bindings or {}))
            if answer.type == "ASK":
                return Result("ASK", boolean=bool(answer.askAnswer))
            if answer.type == "SELECT":
                names = tuple(str(v) for v in answer.vars)
                rows, truncated = _limit((tuple(r) for r in answer), max_rows)
                return Result("SELECT", vars=names, rows=rows, truncated=truncated)
            triples, truncated = _limit(answer.graph if answer.graph is not None else dict.fromkeys(answer), max_rows)
            return Result("GRAPH", triples=list(triples), truncated=truncated)

    def update(self, text: str) -> None:
        with self.lock:
            self.graph.update(text, initNs=PREFIXES)

    def add_graph(self, graph: rdflib.Graph) -> None:
        with self.lock:
            self.graph += graph

    def __len__(self) -> int:
        return len(self.graph)


def _rdflib_error(exc: Exception) -> QueryError:
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "col", None)
    msg = getattr(exc, "msg", None) or str(exc)
    return QueryError(str(msg), line, column)


def open_store(settings: Settings) -> Store:
    """The store the settings name, with the schema and data files loaded."""
    if settings.backend == "remote":
        from .remote import RemoteStore

        return RemoteStore(settings)
    store: Store = OxigraphStore() if settings.backend == "oxigraph" else RdflibStore()
    store.load_files(settings.files, max_bytes=settings.max_file_bytes)
    return store
