"""Edits on a remote store: each change is one SPARQL Update request.

The request is ``DELETE DATA { ... } ; INSERT DATA { ... }`` (one request,
which the SPARQL 1.1 Protocol runs as a unit), its terms written as
N-Triples by pyoxigraph (escaped; IRIs re-checked), never pasted from user
text (SECURITY T7).  A change whose triples to remove are no longer all there
is refused before the update is sent.
"""

from __future__ import annotations

from rdflib import URIRef

from ..store import Store
from ..terms import checked_iri
from .changes import Change, EditError, Problem
from .history import to_ntriples

__all__ = ["update_text", "apply_remote"]


def _block(triples) -> str:
    lines = to_ntriples(triples)
    for t in triples:
        for term in t:
            if isinstance(term, URIRef):
                checked_iri(str(term))
    return "\n".join(lines)


def update_text(change: Change, graph: str | None = None) -> str:
    """The one SPARQL Update request that makes ``change`` (in the named ``graph`` if given)."""
    parts = []
    for keyword, triples in (("DELETE DATA", change.removed), ("INSERT DATA", change.added)):
        if not triples:
            continue
        if graph:
            parts.append(f"{keyword} {{ GRAPH <{checked_iri(graph)}> {{\n" + _block(triples) + "\n} }")
        else:
            parts.append(f"{keyword} {{\n" + _block(triples) + "\n}")
    return " ;\n".join(parts)


#: Triples per ASK: Virtuoso 7.2 overflows its stack on an ASK of a few hundred triple patterns.
ASK_CHUNK = 50


def _ask_all(store: Store, triples) -> bool:
    items = sorted(triples)
    return all(store.query("ASK {\n" + _block(items[i : i + ASK_CHUNK]) + "\n}").boolean for i in range(0, len(items), ASK_CHUNK))


def apply_remote(store: Store, change: Change) -> Change:
    """Send ``change`` as one update; refused (nothing sent) when the triples to remove are gone."""
    if change.empty:
        return change
    if not _ask_all(store, change.removed):
        raise EditError(
            [
                Problem(
                    "entry",
                    "dane zmieniły się w międzyczasie: części trójek do usunięcia już nie ma; odśwież i spróbuj ponownie",
                    "the data changed meanwhile: some triples to remove are gone; reload and try again",
                    rule="conflict",
                )
            ]
        )
    store.update(update_text(change, getattr(store, "graph_iri", None)))
    return change
