"""The workspace's answers as JSON, and back: what :mod:`graph.saved_answers` keeps on disk.

Every value is tagged with its type, so it reads back as what was written: a
tuple as a tuple, a frozen set as a frozen set, a DataFrame with its index and
column types, a finding as a :class:`~graph.analysis.findings.Finding`.  Only
the types named here are read back (:func:`classes` for dataclasses): a planted
file cannot make this module build anything else, let alone run code (no
pickle).  A value of another type cannot be written (``TypeError``): nothing
is kept rather than something read back different.

Numbers from numpy come back as Python's (``numpy.float64`` as ``float``): the
tests hold the answers read back equal to those computed.

>>> decode(encode({"a": (1, frozenset({"x"})), 2: [None, 1.5]}))
{'a': (1, frozenset({'x'})), 2: [None, 1.5]}
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from numbers import Integral, Real
from types import MappingProxyType
from typing import Any

__all__ = ["dumps", "loads", "encode", "decode", "classes"]


@functools.cache
def classes() -> dict[str, type]:
    """The dataclasses an answer may hold, by name (imported on first use)."""
    from .analysis.absences import VerifiedAbsence
    from .analysis.findings import Finding, Resource, Suggestion
    from .analysis.gaps import GapFindings, GapReport
    from .analysis.structure import Structure, WhatIf

    return {c.__name__: c for c in (Finding, Suggestion, Resource, GapReport, GapFindings, Structure, WhatIf, VerifiedAbsence)}


def dumps(answers: Mapping) -> dict:
    """A JSON-able form of ``answers`` (``{key: value}``): objects met twice (a finding in the
    findings and in the report, one organisation in many findings) are written once."""
    w = _Writer()
    out = [[w.encode(k), w.encode(v)] for k, v in answers.items()]
    return {"shared": w.table, "answers": out}


def loads(doc: Mapping) -> dict:
    """The answers :func:`dumps` wrote (``ValueError`` for anything it does not write)."""
    r = _Reader()
    for entry in doc["shared"]:
        r.table.append(r.decode(entry, shared=True))
    return {r.decode(k): r.decode(v) for k, v in doc["answers"]}


def encode(value: Any) -> Any:
    """One value as :func:`dumps` writes it (``TypeError`` for a type that is not read back)."""
    return dumps({0: value})


def decode(doc: Any) -> Any:
    """The value :func:`encode` wrote."""
    return loads(doc)[0]


class _Writer:
    def __init__(self) -> None:
        self.table: list = []  # objects written once, each after those it holds
        self.seen: dict = {}  # id (or value, for a Resource) -> place in the table
        self.held: list = []  # keeps each object met alive while writing: an id is not reused

    def share(self, key, value, body) -> dict:
        place = self.seen.get(key)
        if place is None:
            self.held.append(value)
            doc = body()
            place = self.seen[key] = len(self.table)
            self.table.append(doc)
        return {"r": place}

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, (str, bool)):
            return value
        if getattr(value, "shape", None) == () and hasattr(value, "item"):  # a numpy scalar: as Python's
            return self.encode(value.item())
        if isinstance(value, Integral):
            return int(value)
        if isinstance(value, Real):
            return float(value)
        enc = self.encode
        if isinstance(value, tuple):
            return {"t": [enc(v) for v in value]}
        if isinstance(value, list):
            return {"l": [enc(v) for v in value]}
        if isinstance(value, frozenset):
            return {"f": [enc(v) for v in value]}
        if isinstance(value, set):
            return {"s": [enc(v) for v in value]}
        if type(value) is dict:
            return {"d": [[enc(k), enc(v)] for k, v in value.items()]}
        if type(value) is Counter:
            return {"C": [[enc(k), enc(v)] for k, v in value.items()]}
        if isinstance(value, MappingProxyType):  # shared read-only (the vocabulary, the territory): read back read-only
            return {"m": [[enc(k), enc(v)] for k, v in value.items()]}
        if is_dataclass(value) and not isinstance(value, type):
            name = type(value).__name__
            if classes().get(name) is not type(value):
                raise TypeError(f"cannot keep a {name}")
            key = value if name == "Resource" else id(value)  # equal organisations are one
            return self.share(key, value, lambda: {"c": name, "v": [enc(getattr(value, f.name)) for f in fields(value) if f.init]})
        if hasattr(value, "columns") and hasattr(value, "dtypes"):
            return self.share(id(value), value, lambda: {"df": _frame(value, enc)})
        if hasattr(value, "adj") and hasattr(value, "is_multigraph"):
            return self.share(id(value), value, lambda: {"g": _graph(value, enc)})
        raise TypeError(f"cannot keep a {type(value).__name__}")


class _Reader:
    def __init__(self) -> None:
        self.table: list = []

    def decode(self, doc: Any, shared: bool = False) -> Any:
        if doc is None or isinstance(doc, (str, bool, int, float)):
            return doc
        if not isinstance(doc, dict) or len(doc) != (2 if "c" in doc else 1):
            raise ValueError("not an encoded answer")
        tag = "c" if "c" in doc else next(iter(doc))
        body, dec = doc[tag], self.decode
        if tag == "r":
            if not isinstance(body, int) or not 0 <= body < len(self.table):
                raise ValueError(f"not a written object: {body!r}")
            return self.table[body]
        if tag == "t":
            return tuple([v if v.__class__ is str else dec(v) for v in body])
        if tag == "l":
            return [v if v.__class__ is str else dec(v) for v in body]
        if tag == "f":
            return frozenset([v if v.__class__ is str else dec(v) for v in body])
        if tag == "s":
            return {v if v.__class__ is str else dec(v) for v in body}
        if tag == "d":
            return {dec(k): v if v.__class__ is str else dec(v) for k, v in body}
        if tag == "C":
            return Counter({dec(k): dec(v) for k, v in body})
        if tag == "m":
            return MappingProxyType({dec(k): dec(v) for k, v in body})
        if not shared:  # objects are read from the table only, each once
            raise ValueError(f"not an encoded answer: {tag!r}")
        if tag == "c":
            cls = classes().get(body)
            if cls is None or not isinstance(doc["v"], list):
                raise ValueError(f"not a kept class: {body!r}")
            return cls(*[v if v.__class__ is str else dec(v) for v in doc["v"]])
        if tag == "df":
            return _unframe(body, dec)
        if tag == "g":
            return _ungraph(body, dec)
        raise ValueError(f"not an encoded answer: {tag!r}")


# ------------------------------------------------------------ tables
def _frame(df, enc) -> dict:
    columns = []
    for name, dtype in df.dtypes.items():
        col = df[name]
        if str(dtype) == "object":
            values = [enc(v) for v in col.tolist()]
        else:  # numbers, booleans: as Python's, a missing value as None
            values = col.astype(object).where(col.notna(), None).tolist()
        columns.append([enc(name), str(dtype), values])
    index = df.index
    return {
        "columns": columns,
        "index": [enc(v) for v in index.tolist()],
        "index_name": enc(index.name),
        "index_dtype": str(index.dtype),
        "columns_name": enc(df.columns.name),
        "columns_dtype": str(df.columns.dtype),
    }


def _unframe(body: dict, dec):
    import pandas as pd

    index = pd.Index([dec(v) for v in body["index"]], name=dec(body["index_name"]), dtype=body["index_dtype"])
    data, dtypes, names = {}, {}, []
    for name, dtype, values in body["columns"]:
        name = dec(name)
        names.append(name)
        data[name] = pd.Series([dec(v) for v in values] if dtype == "object" else values, index=index, dtype=object)
        dtypes[name] = dtype
    frame = pd.DataFrame(data, index=index)
    frame = frame.astype(dtypes) if dtypes else frame
    frame.columns = pd.Index(names, dtype=body["columns_dtype"], name=dec(body["columns_name"]))
    return frame


# ------------------------------------------------------------ networks
_SCALARS = (str, bool, int, float, type(None))


def _row(attrs: dict) -> list:
    """The attribute values as JSON reads them back: text, numbers, booleans, None, or lists of those
    (a projection's attributes); ``TypeError`` for anything else."""
    row = list(attrs.values())
    for v in row:
        if type(v) is list:
            if not all(type(x) in _SCALARS for x in v):
                raise TypeError("cannot keep a network attribute holding other values")
        elif type(v) not in _SCALARS:
            raise TypeError(f"cannot keep a network attribute of type {type(v).__name__}")
    return row


def _networks() -> dict[str, type]:
    """The networkx classes a network may be, by the name written."""
    import networkx as nx

    return {c.__name__: c for c in (nx.Graph, nx.DiGraph, nx.MultiGraph, nx.MultiDiGraph)}


def _graph(g, enc) -> dict:
    """A network: its nodes by groups with the same attribute names (``[names, rows]``), in order;
    its edges in the order they are added back (a multigraph's by key, as
    :func:`graph.analysis.projection.to_networkx` adds them), each ``[group, from, to, key,
    values...]`` with its ends as the places of its nodes.  ``TypeError`` when that order would
    not give each node its neighbours in the same order."""
    import networkx as nx

    kind = next((name for name, cls in _networks().items() if type(g) is cls), None)
    if kind is None or not all(type(n) is str for n in g):
        raise TypeError(f"cannot keep a {type(g).__name__}")
    place = {n: i for i, n in enumerate(g)}
    nodes: dict[tuple, list] = {}
    for n, d in g.nodes(data=True):
        nodes.setdefault(tuple(d), []).append([n, *_row(d)])
    multi = g.is_multigraph()
    listed = list(g.edges(keys=True, data=True)) if multi else [(u, v, None, d) for u, v, d in g.edges(data=True)]
    if multi:
        if not all(type(k) is str for _, _, k, _ in listed):
            raise TypeError("cannot keep a multigraph whose edge keys are not text")
        listed.sort(key=lambda e: e[2])
    if not _same_order(g, listed):
        raise TypeError("cannot keep a network whose neighbours were added in another order")
    groups: dict[tuple, int] = {}
    edges = [[groups.setdefault(tuple(d), len(groups)), place[u], place[v], k, *_row(d)] for u, v, k, d in listed]
    return {
        "kind": kind,
        "frozen": nx.is_frozen(g),
        "graph": enc(dict(g.graph)),
        "gone": enc(g._gone) if hasattr(g, "_gone") else None,
        "order": list(place),
        "nodes": [[list(names), rows] for names, rows in nodes.items()],
        "edge_names": [list(names) for names in groups],
        "edges": edges,
    }


def _same_order(g, listed) -> bool:
    """True when adding the edges ``listed`` to ``g``'s nodes gives every node its neighbours
    (successors and predecessors) in ``g``'s order."""
    succ: dict = {n: {} for n in g}
    pred: dict = {n: {} for n in g} if g.is_directed() else succ
    for u, v, _, _ in listed:
        succ[u].setdefault(v, None)
        pred[v].setdefault(u, None)
    if g.is_directed():
        return all(list(succ[n]) == list(g._succ[n]) and list(pred[n]) == list(g._pred[n]) for n in g)
    return all(list(succ[n]) == list(g._adj[n]) for n in g)


def _ungraph(body: dict, dec):
    import networkx as nx

    cls = _networks().get(body["kind"])
    if cls is None:
        raise ValueError(f"not a kept network: {body['kind']!r}")
    g = cls(**dec(body["graph"]))
    same: dict = {}
    one = same.setdefault  # repeated text (kinds, gminas, dates, IRIs) is one string, as in a projection
    attrs = {}
    for names, rows in body["nodes"]:
        for n, *row in rows:
            attrs[one(n, n)] = dict(zip(names, [one(v, v) if type(v) is str else v for v in row]))
    order = [one(n, n) for n in body["order"]]
    g.add_nodes_from((n, attrs[n]) for n in order)  # in the order written: neighbours come out in the same order
    names = body["edge_names"]
    add_edge = g.add_edge  # as graph.analysis.projection builds it: add_edges_from is 3x slower
    multi = g.is_multigraph()
    for group, u, v, k, *row in body["edges"]:
        d = dict(zip(names[group], [one(x, x) if type(x) is str else x for x in row]))
        if multi:
            add_edge(order[u], order[v], key=k, **d)
        else:
            add_edge(order[u], order[v], **d)
    if body.get("gone") is not None:
        g._gone = dec(body["gone"])
    return nx.freeze(g) if body.get("frozen") else g
