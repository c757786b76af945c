"""Conversions between rdflib and pyoxigraph terms, and safe IRIs.

A value that comes from a user goes through :func:`checked_iri` or becomes a
literal; :func:`sparql_term` renders a term for the one place that must write
SPARQL text (the remote store's ``VALUES`` block), safely (SECURITY T7).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

__all__ = ["to_rdflib", "to_oxigraph", "checked_iri", "sparql_term", "plain"]

_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def to_rdflib(term) -> Node:
    """A pyoxigraph term as the equal rdflib term.

    Results repeat the same IRIs and literals (kinds, gminy, dates) many times,
    and building an rdflib Literal parses its value: conversions are memoised.
    """
    if term is None:
        return None
    return _to_rdflib(term)


@lru_cache(maxsize=1 << 17)
def _to_rdflib(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node):
    """An rdflib term as the equal pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"unsupported term {term!r}")


def checked_iri(value: str, *, field: str = "IRI") -> URIRef:
    """``value`` as an IRI, or ValueError naming ``field``: no spaces, quotes, ``<>{}`` or backslashes."""
    value = str(value).strip()
    if not value or not _SCHEME.match(value) or _BAD_IRI.search(value):
        raise ValueError(f"{field}: not a valid absolute IRI: {value!r}")
    return URIRef(value)


def sparql_term(term: Node) -> str:
    """A term as SPARQL text that cannot change the query around it.

    IRIs are re-checked; literal text is written with ECHAR escapes only
    (``\\"``, ``\\\\``, ``\\n``...), which stay escapes even where a server
    expands ``\\u`` sequences before parsing.
    """
    if isinstance(term, URIRef):
        return f"<{checked_iri(str(term))}>"
    if isinstance(term, Literal):
        text = (
            str(term)
            .replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if term.language:
            if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", term.language):
                raise ValueError(f"bad language tag {term.language!r}")
            return f'"{text}"@{term.language}'
        if term.datatype is not None:
            return f'"{text}"^^<{checked_iri(str(term.datatype))}>'
        return f'"{text}"'
    raise TypeError(f"cannot bind {term!r}")


def plain(term: Node | None):
    """A term as a plain Python value for tables: str for IRIs, native for literals."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(value)
    return str(term)
