"""A store behind a SPARQL 1.1 Protocol endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso).

Nothing is copied into memory beyond each answer.  The SPARQL 1.1 Protocol
has no way to send bindings, so named values go into a ``VALUES`` block at the
start of the query's WHERE group, each rendered by
:func:`graph.terms.sparql_term` (checked IRIs, escaped literals): a value can
never change the query's shape (SECURITY T7).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import requests

from .bind import inject_values
from .errors import GraphError, QueryError
from .model import SPARQL_PREFIXES
from .settings import Settings
from .store import Bindings, Result, Store
from .terms import to_rdflib

__all__ = ["RemoteStore", "RemoteError"]

_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"


class RemoteError(GraphError):
    """The endpoint could not be reached or answered with an error."""


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint; updates go to ``update_url`` when one is set."""

    backend = "remote"

    def __init__(self, settings: Settings, *, session: requests.Session | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.http = session or requests.Session()
        if settings.user:
            self.http.auth = (settings.user, settings.password or "")

    def reset_connections(self) -> None:
        """A fresh HTTP session (a forked query worker must not share its parent's sockets)."""
        session = requests.Session()
        session.auth = self.http.auth
        self.http = session

    def _post(self, url: str, data: dict, accept: str) -> requests.Response:
        try:
            response = self.http.post(url, data=data, headers={"Accept": accept}, timeout=self.settings.timeout_s + 5)
        except requests.Timeout:
            from .errors import QueryTimeout

            raise QueryTimeout(self.settings.timeout_s) from None
        except requests.RequestException as exc:
            raise RemoteError(f"{url}: cannot reach the SPARQL endpoint: {exc.__class__.__name__}") from None
        if response.status_code == 400:
            raise QueryError(response.text.strip()[:500] or "the endpoint refused the query")
        if response.status_code >= 300:
            raise RemoteError(f"{url}: HTTP {response.status_code}: {response.text.strip()[:300]}")
        return response

    def query(self, text: str, bindings: Bindings = None, *, max_rows: int | None = None) -> Result:
        full = SPARQL_PREFIXES + inject_values(text, bindings)
        response = self._post(self.settings.query_url, {"query": full}, _ACCEPT)
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip()
        if ctype in ("application/sparql-results+json", "application/json"):
            doc = json.loads(response.content)
            if "boolean" in doc:
                return Result("ASK", boolean=bool(doc["boolean"]))
            names = tuple(doc["head"].get("vars", []))
            bindings_list = doc["results"]["bindings"]
            truncated = max_rows is not None and len(bindings_list) > max_rows
            if truncated:
                bindings_list = bindings_list[:max_rows]
            rows = [tuple(_json_term(b.get(n)) for n in names) for b in bindings_list]
            return Result("SELECT", vars=names, rows=rows, truncated=truncated)
        fmt = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}.get(ctype)
        if fmt is None:
            raise RemoteError(f"{self.settings.query_url}: unexpected content type {ctype!r}")
        triples: dict = {}  # a server may repeat a triple; a graph holds it once
        for t in ox.parse(response.content, format=fmt):
            triple = (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))
            if triple not in triples and max_rows is not None and len(triples) >= max_rows:
                return Result("GRAPH", triples=list(triples), truncated=True)
            triples[triple] = None
        return Result("GRAPH", triples=list(triples))

    def update(self, text: str) -> None:
        if not self.settings.update_url:
            raise RemoteError("GRAPH_SPARQL_UPDATE_URL is not set: the remote store is read-only")
        self._post(self.settings.update_url, {"update": SPARQL_PREFIXES + text}, "*/*")

    def add_graph(self, graph) -> None:
        lines = [f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph]
        for i in range(0, len(lines), 5000):
            self.update("INSERT DATA {\n" + "\n".join(lines[i : i + 5000]) + "\n}")

    def __len__(self) -> int:
        res = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(res.rows[0][0])


def _json_term(b: dict | None):
    from rdflib import BNode, Literal, URIRef

    if b is None:
        return None
    kind = b["type"]
    if kind == "uri":
        return URIRef(b["value"])
    if kind == "bnode":
        return BNode(b["value"])
    if "xml:lang" in b:
        return Literal(b["value"], lang=b["xml:lang"])
    if "datatype" in b and b["datatype"] != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(b["value"], datatype=URIRef(b["datatype"]))
    return Literal(b["value"])
