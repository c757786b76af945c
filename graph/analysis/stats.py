"""Counts of the network: organisations by kind, sector and gmina; ties by kind."""

from __future__ import annotations

from ..store import Store

__all__ = ["stats", "STATS_QUERIES"]

STATS_QUERIES: dict[str, str] = {
    "kind": """
        SELECT ?key ?label (COUNT(DISTINCT ?o) AS ?n) WHERE {
          ?o a org:Organization ; org:classification ?key .
          OPTIONAL { ?key skos:prefLabel ?label FILTER(lang(?label) = "pl") }
        } GROUP BY ?key ?label ORDER BY DESC(?n) ?key""",
    "sector": """
        SELECT ?key ?label (COUNT(DISTINCT ?o) AS ?n) WHERE {
          ?o a org:Organization ; org:classification ?kind .
          ?kind skos:broader ?key . ?key skos:topConceptOf esk:scheme .
          OPTIONAL { ?key skos:prefLabel ?label FILTER(lang(?label) = "pl") }
        } GROUP BY ?key ?label ORDER BY DESC(?n) ?key""",
    "gmina": """
        SELECT ?key ?label (COUNT(DISTINCT ?o) AS ?n) WHERE {
          ?o a org:Organization ; schema:location ?key .
          OPTIONAL { ?key skos:prefLabel ?label }
        } GROUP BY ?key ?label ORDER BY DESC(?n) ?key""",
    "tie_kind": """
        SELECT ?key ?label (COUNT(DISTINCT ?t) AS ?n) WHERE {
          ?t a es:Tie ; es:tieKind ?key .
          OPTIONAL { ?key skos:prefLabel ?label FILTER(lang(?label) = "pl") }
        } GROUP BY ?key ?label ORDER BY DESC(?n) ?key""",
}


def stats(store: Store, as_of=None) -> dict[str, list[tuple[str, str, int]]]:
    """For each dimension, rows of (IRI, Polish label, count), largest first.

    ``as_of`` (a date, ``YYYY-MM-DD`` or ``today``): only the organisations
    that exist and the ties that hold on that day (graph.dates.holds); the
    triple total stays that of the whole store.
    """
    from .timeline import snapshot_store

    total = len(store)
    store = snapshot_store(store, as_of)
    out = {}
    for name, text in STATS_QUERIES.items():
        _, rows = store.select_values(text)
        out[name] = [(key, label or key, int(n)) for key, label, n in rows]
    out["totals"] = [("triples", "triples", total)]
    return out
