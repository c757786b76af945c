"""Query results in a compact form for the trip from a query worker to its parent.

Pickling rdflib terms is slow (each IRI and literal is rebuilt, with
validation and datatype casting, when unpickled), and the worker would build
them only to have them rebuilt.  Instead the worker sends plain tuples: an IRI
is a ``str``, a blank node a 1-tuple, a literal a 3-tuple ``(value, language,
datatype)``.  The parent builds each distinct term once (:func:`decode`).

>>> from rdflib import Literal, URIRef
>>> from graph.store import Result
>>> r = Result("SELECT", vars=("x", "n"), rows=[(URIRef("https://e/a"), Literal(3)), (URIRef("https://e/a"), None)])
>>> decode(encode(r)).rows == r.rows
True
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from .io import new_graph
from .store import Bindings, OxigraphStore, Result, Store

__all__ = ["encode", "decode", "run_encoded"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _from_ox(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return (term.value, term.language, term.datatype.value)
    return (term.value,)


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
    return ("GRAPH", (), [tuple(_from_rdflib(t) for t in triple) for triple in result.graph], result.truncated)


def run_encoded(store: Store, text: str, bindings: Bindings, max_rows: int) -> tuple:
    """Run ``text`` on ``store`` and encode the answer (straight from pyoxigraph's terms when it can)."""
    if not isinstance(store, OxigraphStore):
        return encode(store.query(text, bindings, max_rows=max_rows))
    with store.lock:
        answer = store._run(text, bindings)
        if isinstance(answer, ox.QueryBoolean):
            return ("ASK", bool(answer))
        rows = []
        truncated = False
        if isinstance(answer, ox.QuerySolutions):
            names = tuple(v.value for v in answer.variables)
            width = range(len(names))
            for n, solution in enumerate(answer):
                if n >= max_rows:
                    truncated = True
                    break
                rows.append(tuple(_from_ox(solution[i]) for i in width))
            return ("SELECT", names, rows, truncated)
        for n, t in enumerate(answer):
            if n >= max_rows:
                truncated = True
                break
            rows.append((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))
        return ("GRAPH", (), rows, truncated)


def decode(wire: tuple) -> Result:
    """The :class:`Result` of rdflib terms; each distinct term is built once."""
    if wire[0] == "ASK":
        return Result("ASK", boolean=wire[1])
    kind, names, rows, truncated = wire
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
    g = new_graph()
    for s, p, o in rows:
        g.add((term(s), term(p), term(o)))
    return Result("GRAPH", graph=g, truncated=truncated)
