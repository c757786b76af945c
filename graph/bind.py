"""Binding values into SPARQL text where an engine cannot bind them itself.

The SPARQL 1.1 Protocol has no parameter for bindings, and pyoxigraph's
substitutions need the variable in the SELECT projection.  There, named values
go into a ``VALUES`` block that opens the query's WHERE group, each rendered by
:func:`graph.terms.sparql_term` (checked IRIs, ECHAR-escaped literals), so a
value can never change the query's shape (SECURITY T7).  The tokenizer skips
strings, IRIs and comments, so a ``{`` inside them is never taken for a group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from rdflib.term import Node

from .errors import QueryError
from .terms import sparql_term

__all__ = ["inject_values", "where_brace", "skip_token", "block_end"]

_LINE_END = re.compile(r"[\r\n]")


def skip_token(text: str, i: int) -> int:
    """Index after the string, IRI or comment starting at ``i`` (else ``i``)."""
    c = text[i]
    if c == "#":
        # the grammar ends a comment at LF or CR (rdflib only at LF: SECURITY T15)
        m = _LINE_END.search(text, i)
        return len(text) if m is None else m.end()
    if c == "<":
        # an IRI has no spaces; otherwise it is the less-than operator
        j = i + 1
        while j < len(text) and text[j] not in "<>\"{}|^`\\ \t\r\n":
            j += 1
        return j + 1 if j < len(text) and text[j] == ">" else i + 1
    if c in "\"'":
        quote = c * 3 if text.startswith(c * 3, i) else c
        j = i + len(quote)
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith(quote, j):
                return j + len(quote)
            j += 1
        return len(text)
    return i


def where_brace(text: str) -> int:
    """Index of the ``{`` that opens the query's WHERE group."""
    depth_paren = 0
    groups_seen = 0
    construct = False
    i = 0
    upper = text.upper()
    while i < len(text):
        j = skip_token(text, i)
        if j != i:
            i = j
            continue
        c = text[i]
        if c.isalpha():
            j = i
            while j < len(text) and (text[j].isalnum() or text[j] in "_:-."):
                j += 1
            word = upper[i:j]
            if word == "CONSTRUCT":
                construct = True
            if word == "WHERE":
                construct = False
                groups_seen = 0
            i = j
            continue
        if c == "(":
            depth_paren += 1
        elif c == ")":
            depth_paren -= 1
        elif c == "{" and depth_paren == 0:
            if construct and groups_seen == 0:
                # skip the CONSTRUCT template
                groups_seen = 1
                i = block_end(text, i)
                construct = False
            else:
                return i
        i += 1
    raise QueryError("no WHERE group found to bind values into")


def block_end(text: str, brace: int) -> int:
    """Index of the ``}`` closing the group opened at ``brace`` (strings, IRIs, comments skipped)."""
    depth, i = 0, brace
    while i < len(text):
        j = skip_token(text, i)
        if j != i:
            i = j
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def inject_values(text: str, bindings: Mapping[str, Node] | None) -> str:
    """``text`` with ``VALUES (?a ?b) { (...) }`` opening its WHERE group."""
    items = [(k, v) for k, v in (bindings or {}).items() if v is not None]
    if not items:
        return text
    for name, _ in items:
        if not name.replace("_", "a").isalnum():
            raise ValueError(f"bad variable name {name!r}")
    i = where_brace(text)
    block = " VALUES (" + " ".join(f"?{k}" for k, _ in items) + ") { (" + " ".join(sparql_term(v) for _, v in items) + ") } "
    return text[: i + 1] + block + text[i + 1 :]


def inject_rows(text: str, name: str, values: Iterable[Node]) -> str:
    """``text`` with ``VALUES ?name { ... }`` (one row per value) opening its WHERE group.

    >>> from rdflib import URIRef
    >>> inject_rows("SELECT ?s WHERE { ?s ?p ?o }", "s", [URIRef("http://e/a")])
    'SELECT ?s WHERE { VALUES ?s { <http://e/a> }  ?s ?p ?o }'
    """
    if not name.replace("_", "a").isalnum():
        raise ValueError(f"bad variable name {name!r}")
    i = where_brace(text)
    block = f" VALUES ?{name} {{ " + " ".join(sparql_term(v) for v in values) + " } "
    return text[: i + 1] + block + text[i + 1 :]
