"""Query results in a compact form for the trip from a query worker to its parent.

Building Python objects per value is what costs, so an Oxigraph worker builds
none: pyoxigraph's own writers serialise the answer (SPARQL TSV for SELECT,
N-Triples for graphs) into bytes, stopped at the row limit, and the parent
parses them with pyoxigraph's readers and converts each distinct term to
rdflib once (:func:`graph.terms.to_rdflib` is memoised).  Other stores (the
remote one) send plain tuples instead: an IRI is a ``str``, a blank node a
1-tuple, a literal a 3-tuple ``(value, language, datatype)``.

>>> from rdflib import Literal, URIRef
>>> from graph.store import Result
>>> r = Result("SELECT", vars=("x", "n"), rows=[(URIRef("https://e/a"), Literal(3)), (URIRef("https://e/a"), None)])
>>> decode(encode(r)).rows == r.rows
True
"""

from __future__ import annotations

import io

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from .errors import QueryError
from .model import PREFIXES
from .store import Bindings, OxigraphStore, Result, Store
from .terms import to_rdflib

__all__ = ["encode", "decode", "run_encoded"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _from_rdflib(term):
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        return (str(term), term.language, str(term.datatype) if term.datatype is not None else _XSD_STRING)
    return (str(term),)


def encode(result: Result) -> tuple:
    """A :class:`Result` of rdflib terms as plain tuples."""
    if result.kind == "ASK":
        return ("ASK", result.boolean)
    if result.kind == "SELECT":
        return ("SELECT", result.vars, [tuple(_from_rdflib(t) for t in row) for row in result.rows], result.truncated)
    return ("GRAPH", (), [tuple(_from_rdflib(t) for t in triple) for triple in result.triples], result.truncated)


class _Enough(Exception):
    """Raised by :class:`_Lines` to stop a serialiser at the row limit."""


class _Lines(io.RawIOBase):
    """A byte sink that keeps what it is given and stops the writer after ``limit`` lines.

    Both formats write one line per row (TSV and N-Triples escape newlines
    inside literals), so lines are rows; pyoxigraph writes in chunks of some
    kilobytes, so the check runs a few times per thousand rows.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.parts: list[bytes] = []
        self.lines = 0
        self.limit = limit

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise _Enough
        return len(chunk)

    def result(self) -> tuple[bytes, bool]:
        """The first ``limit`` lines, and whether more were written."""
        data = b"".join(self.parts)
        if self.lines <= self.limit:
            return data, False
        return b"".join(line + b"\n" for line in data.split(b"\n", self.limit)[: self.limit]), True


def _serialise(answer, fmt, limit: int) -> tuple[bytes, bool]:
    sink = _Lines(limit)
    try:
        answer.serialize(sink, format=fmt)
    except _Enough:
        pass
    return sink.result()


def _run_on(store: OxigraphStore, text: str, dataset: tuple):
    """``text`` over the graphs a SPARQL Protocol request names (default-graph-uri, named-graph-uri)."""
    defaults, named = dataset
    try:
        return store.ox.query(text, prefixes=PREFIXES, use_default_graph_as_union=not defaults,
                              default_graph=[ox.NamedNode(g) for g in defaults] or None,
                              named_graphs=[ox.NamedNode(g) for g in named] or None)
    except SyntaxError as exc:
        raise QueryError(str(exc)) from None


def run_encoded(store: Store, text: str, bindings: Bindings, max_rows: int, dataset: tuple | None = None) -> tuple:
    """Run ``text`` on ``store`` and encode the answer (Oxigraph: serialised by pyoxigraph itself).

    ``dataset`` (default graphs, named graphs), from the endpoint only, needs an Oxigraph store.
    """
    if not isinstance(store, OxigraphStore):
        if dataset:
            raise QueryError("default-graph-uri and named-graph-uri need the Oxigraph store")
        return encode(store.query(text, bindings, max_rows=max_rows))
    with store.lock:
        answer = _run_on(store, text, dataset) if dataset else store._run(text, bindings)
        if isinstance(answer, ox.QueryBoolean):
            return ("ASK", bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            names = tuple(v.value for v in answer.variables)
            data, truncated = _serialise(answer, ox.QueryResultsFormat.TSV, max_rows + 1)  # + the header line
            return ("TSV", names, data, truncated)
        data, truncated = _serialise(answer, ox.RdfFormat.N_TRIPLES, max_rows)
        return ("NT", (), data, truncated)


def _decode_tuples(kind: str, names, rows, truncated: bool) -> Result:
    memo: dict = {}

    def term(x):
        if x is None:
            return None
        found = memo.get(x)
        if found is None:
            if type(x) is str:
                found = URIRef(x)
            elif len(x) == 1:
                found = BNode(x[0])
            else:
                value, lang, datatype = x
                if lang:
                    found = Literal(value, lang=lang)
                elif datatype == _XSD_STRING:
                    found = Literal(value)
                else:
                    found = Literal(value, datatype=URIRef(datatype))
            memo[x] = found
        return found

    if kind == "SELECT":
        return Result("SELECT", vars=tuple(names), rows=[tuple(term(x) for x in row) for row in rows], truncated=truncated)
    return Result("GRAPH", triples=[(term(s), term(p), term(o)) for s, p, o in rows], truncated=truncated)


def decode(wire: tuple) -> Result:
    """The :class:`Result` of rdflib terms; each distinct term is built once."""
    kind = wire[0]
    if kind == "ASK":
        return Result("ASK", boolean=wire[1])
    _, names, data, truncated = wire
    if kind == "TSV":
        # the header line is ``names``, in this order: pyoxigraph writes the projection as it is
        width = range(len(names))
        rows = [tuple(to_rdflib(s[i]) for i in width) for s in ox.parse_query_results(data, ox.QueryResultsFormat.TSV)]
        return Result("SELECT", vars=names, rows=rows, truncated=truncated)
    if kind == "NT":
        triples = [(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
        return Result("GRAPH", triples=triples, truncated=truncated)
    return _decode_tuples(kind, names, data, truncated)
