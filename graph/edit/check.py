"""Checking a change against the SHACL shapes before it is written.

Only the neighbourhood of the change is validated (the resources it touches,
what they point to, and the vocabulary and territory files), before and
after the change; a violation that is new after the change refuses it, with
the rule (the shape) and the field named.  Problems the data already had are
not blamed on the edit.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import rdflib
from rdflib import URIRef

from ..io import new_graph, parse_file
from ..model import PREFIXES
from ..settings import SCHEMA_FILES
from ..terms import to_rdflib
from .changes import Change, Problem
from .lookup import Context

if TYPE_CHECKING:  # pySHACL is imported by the first check (graph.edit.mirror.editing warms it in the background)
    from ..validate import Finding

__all__ = ["check_change", "schema_graph", "default_shapes", "warm", "FIELDS"]

#: predicate IRI -> the field a person filled in (forms and spreadsheet columns)
FIELDS: dict[str, str] = {
    "http://www.w3.org/2004/02/skos/core#prefLabel": "name",
    "http://www.w3.org/ns/org#classification": "kind",
    "https://schema.org/location": "teryt",
    "https://schema.org/address": "address",
    "https://w3id.org/es-pl/def#nip": "nip",
    "https://w3id.org/es-pl/def#regon": "regon",
    "https://w3id.org/es-pl/def#krs": "krs",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "source",
    "https://w3id.org/es-pl/def#tieKind": "kind",
    "https://w3id.org/es-pl/def#tieFrom": "from",
    "https://w3id.org/es-pl/def#tieTo": "to",
    "https://w3id.org/es-pl/def#startDate": "start",
    "https://w3id.org/es-pl/def#endDate": "end",
    "http://www.w3.org/ns/org#member": "organisation",
    "http://www.w3.org/ns/org#organization": "agreement",
    "http://www.w3.org/ns/org#role": "role",
    "http://www.w3.org/ns/org#memberDuring": "start",
    "http://purl.org/dc/terms/title": "source",
    "https://schema.org/url": "source",
    "http://xmlns.com/foaf/0.1/name": "signer",
}


#: Held while the shapes or the schema are read: the edit and the thread warming them
#: (graph.edit.mirror.editing) read them once between them, not once each.
_reading = threading.RLock()


@cache
def _schema(paths: tuple[Path, ...]) -> tuple[tuple, ...]:
    """The triples of the files, read once per process; copied into each check's
    graph, never indexed on their own (an rdflib graph of them costs 7x the parse)."""
    return tuple((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)) for path in paths for q in parse_file(path))


def schema_graph(paths: tuple[Path, ...] = SCHEMA_FILES) -> rdflib.Graph:
    """The vocabulary and territory files as a graph (parsed once per process)."""
    g = new_graph()
    g.addN((s, p, o, g) for s, p, o in _schema(tuple(paths)))
    return g


@cache
def _shapes(path: Path | None) -> rdflib.Graph:
    from ..validate import load_shapes

    return load_shapes() if path is None else load_shapes([path])


def default_shapes(path: Path | None = None) -> rdflib.Graph:
    """data/shapes.ttl (read once per process: a second thread asking meanwhile waits for it)."""
    with _reading:
        return _shapes(path)


def _schema_triples() -> tuple[tuple, ...]:
    with _reading:
        return _schema(tuple(SCHEMA_FILES))


def warm() -> None:
    """Import pySHACL and read the default shapes and the schema files (each once per process)."""
    import pyshacl  # noqa: F401

    default_shapes()
    _schema_triples()


def _key(f: Finding) -> tuple:
    from ..validate import details

    d = details(f)
    return (d["focus"], d["shape"], d["path"], d["value"], d["constraint"])


def _local(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri:
            iri = iri.rsplit(sep, 1)[-1]
    return iri


def _prefixed(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def check_change(
    ctx: Context,
    change: Change,
    *,
    shapes: rdflib.Graph | None = None,
    schema: rdflib.Graph | None = None,
    fields: Mapping[str, str] = FIELDS,
) -> list[Problem]:
    """SHACL violations the change would add, each as a Problem naming field and rule."""
    if change.empty:
        return []
    from ..validate import details, validate_graph

    shapes = shapes if shapes is not None else default_shapes()
    schema = schema if schema is not None else _schema_triples()  # a graph, or its triples
    triples = change.added | change.removed
    focus = {t[0] for t in triples} | {t[2] for t in triples if isinstance(t[2], URIRef)}
    level1 = ctx.about(focus)
    near = {t[2] for t in level1 | change.added if isinstance(t[2], URIRef)} - focus
    around = level1 | ctx.about(near)
    after = new_graph()
    after.addN((s, p, o, after) for s, p, o in schema)
    for t in (around - change.removed) | change.added:
        after.add(t)
    report = validate_graph(after, shapes, inplace=True)  # both graphs are built for the check alone
    if not report.violations:
        return []
    before = new_graph()
    before.addN((s, p, o, before) for s, p, o in schema)
    for t in around:
        before.add(t)
    known = {_key(f) for f in validate_graph(before, shapes, inplace=True).violations}
    problems = []
    for found in report.violations:
        if _key(found) in known:
            continue
        f = details(found)
        field = fields.get(f["path"] or "", _prefixed(f["path"]) if f["path"] else "")
        what = _prefixed(f["focus"])
        rule = f"{_local(f['shape'])}, {f['constraint']}" if f["constraint"] else _local(f["shape"])
        problems.append(
            Problem(
                field=field,
                message_pl=f"{what}: {f['message']}",
                message_en=f"{what}: {f['message_en']}",
                rule=rule,
                focus=f["focus"],
            )
        )
    return problems
