"""What the SPARQL editor completes: the project's prefixes, classes, properties and concepts.

Read from ``data/vocabulary.ttl`` (classes: ``rdfs:Class``/``owl:Class``;
properties: ``rdf:Property``/``owl:*Property``; concepts: ``skos:Concept``
and ``org:Role``), written as prefixed names with the project's prefixes
(:data:`graph.model.PREFIXES`), each with its label in the page's language
as the detail.  Also the example query of the console in each language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .model import PREFIXES
from .settings import DATA_DIR

__all__ = ["completion_terms", "example_query", "EXAMPLES", "VOCABULARY_FILE"]

VOCABULARY_FILE = DATA_DIR / "vocabulary.ttl"

_EXAMPLE_BODY = """SELECT ?org ?label ?gmina WHERE {
  ?org a org:Organization ;
       org:classification esk:social_cooperative ;
       skos:prefLabel ?label ;
       schema:location ?gmina .
}
ORDER BY ?label
"""
EXAMPLES = {
    "pl": "# Prefiksy projektu (es:, esk:, eso:, org:, skos:, schema:...) są znane.\n# Ctrl+Spacja podpowiada prefiksy, klasy i właściwości; Ctrl+Enter uruchamia.\n"
    + _EXAMPLE_BODY,
    "en": "# The project's prefixes (es:, esk:, eso:, org:, skos:, schema:...) are known.\n# Ctrl+Space completes prefixes, classes and properties; Ctrl+Enter runs.\n"
    + _EXAMPLE_BODY,
}

_KINDS = {
    "class": ("http://www.w3.org/2000/01/rdf-schema#Class", "http://www.w3.org/2002/07/owl#Class"),
    "property": (
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
        "http://www.w3.org/2002/07/owl#ObjectProperty",
        "http://www.w3.org/2002/07/owl#DatatypeProperty",
    ),
    "concept": ("http://www.w3.org/2004/02/skos/core#Concept", "http://www.w3.org/ns/org#Role"),
}


#: W3C terms the data model uses beside its own (docs/data-model.md).
W3C_CLASSES = (
    "org:Organization",
    "org:Membership",
    "org:OrganizationalCollaboration",
    "org:Role",
    "foaf:Person",
    "foaf:Document",
    "skos:Concept",
    "schema:WebPage",
)
W3C_PROPERTIES = (
    "skos:prefLabel", "skos:altLabel", "skos:notation", "skos:broader", "skos:inScheme", "org:classification", "org:member",
    "org:organization", "org:role", "org:memberOf", "org:hasUnit", "org:unitOf", "org:holds", "org:postIn", "schema:location",
    "schema:url", "schema:foundingDate", "schema:dissolutionDate", "prov:wasDerivedFrom", "dcterms:title", "dcterms:date",
    "dcterms:source", "foaf:name", "rdfs:label", "rdfs:comment",
)  # fmt: skip


def example_query(lang: str = "pl") -> str:
    """The console's example query, its comments in ``lang``."""
    return EXAMPLES.get(lang, EXAMPLES["pl"])


def _prefixed(iri: str) -> str | None:
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    if best is None:
        return None
    local = iri[len(PREFIXES[best]) :]
    return f"{best}:{local}" if local and all(c.isalnum() or c in "_-." for c in local) else None


@cache
def completion_terms(path: str | Path = VOCABULARY_FILE, lang: str = "pl") -> dict[str, list[dict]]:
    """``{"prefix": [...], "class": [...], "property": [...], "concept": [...]}``, each ``{"label", "detail"}``.

    >>> terms = completion_terms()
    >>> {"label": "es:Tie", "detail": "powiązanie"} in terms["class"] or any(t["label"] == "es:Tie" for t in terms["class"])
    True
    >>> any(t["label"] == "eso:" for t in terms["prefix"])
    True
    """
    import rdflib

    g = rdflib.Graph().parse(str(path))
    names = {}
    for s, o in g.subject_objects(rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")):
        if isinstance(o, rdflib.Literal) and o.language == lang:
            names[str(s)] = str(o)
    for s, o in g.subject_objects(rdflib.RDFS.label):
        if isinstance(o, rdflib.Literal) and o.language in (lang, None):
            names.setdefault(str(s), str(o))
    out: dict[str, list[dict]] = {"prefix": [{"label": f"{p}:", "detail": ns} for p, ns in sorted(PREFIXES.items())]}
    for kind, types in _KINDS.items():
        seen: dict[str, str] = {}
        for t in types:
            for s in g.subjects(rdflib.RDF.type, rdflib.URIRef(t)):
                name = _prefixed(str(s))
                if name:
                    seen[name] = names.get(str(s), "")
        extra = W3C_CLASSES if kind == "class" else (W3C_PROPERTIES if kind == "property" else ())
        for name in extra:
            if name.split(":", 1)[0] in PREFIXES:
                seen.setdefault(name, "")
        out[kind] = [{"label": k, "detail": v} for k, v in sorted(seen.items())]
    return out
