"""Helpers of the analysis tests: a store from a few lines of Turtle, beside the schema."""

from __future__ import annotations

from graph.io import load_graph
from graph.model import TURTLE_PREFIXES
from graph.settings import SCHEMA_FILES
from graph.store import OxigraphStore, Store

PREFIXES = TURTLE_PREFIXES  # the project's one prefix map, as Turtle

ORG = "https://w3id.org/es-pl/id/org/"
TERC = "https://w3id.org/es-pl/id/terc/"

#: The agreement of powiat starachowicki (area: terc:2611), for cases that need one.
AGREEMENT = """
eso:agr a org:OrganizationalCollaboration ; skos:prefLabel "Porozumienie"@pl ;
    schema:location terc:2611011 ; schema:areaServed terc:2611 .
"""

_SCHEMA = None


def org(local: str, kind: str, gmina: str = "2611011", label: str | None = None) -> str:
    """Turtle of one organisation."""
    return (
        f'eso:{local} a org:Organization ; skos:prefLabel "{label or local}"@pl ; '
        f"org:classification esk:{kind} ; schema:location terc:{gmina} ; prov:wasDerivedFrom essrc:doc .\n"
    )


def tie(frm: str, kind: str, to: str, start: str | None = "2017-01-01", end: str | None = None, name: str | None = None) -> str:
    """Turtle of one qualified tie (and its plain triple, where the kind has one)."""
    name = name or f"{frm}-{kind}-{to}"
    dates = (f' ; es:startDate "{start}"^^xsd:date' if start else "") + (f' ; es:endDate "{end}"^^xsd:date' if end else "")
    return f"estie:{name} a es:Tie ; es:tieKind est:{kind} ; es:tieFrom eso:{frm} ; es:tieTo eso:{to}{dates} ; prov:wasDerivedFrom essrc:doc .\n"


def member(who: str, role: str = "signatory", start: str | None = "2017-01-20", end: str | None = None, agreement: str = "agr") -> str:
    """Turtle of one membership of the agreement."""
    dates = (f' ; es:startDate "{start}"^^xsd:date' if start else "") + (f' ; es:endDate "{end}"^^xsd:date' if end else "")
    return f"esm:{agreement}-{who} a org:Membership ; org:member eso:{who} ; org:organization eso:{agreement} ; org:role esrole:{role}{dates} .\n"


def store_of(turtle: str) -> Store:
    """An Oxigraph store with the vocabulary, the territory and ``turtle``."""
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = load_graph(SCHEMA_FILES)
    import pyoxigraph as ox

    store = OxigraphStore()
    store.add_graph(_SCHEMA)
    store.ox.load((PREFIXES + turtle).encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store
