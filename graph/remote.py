"""A store behind a SPARQL 1.1 Protocol endpoint (Oxigraph, Fuseki, GraphDB, Virtuoso).

Nothing is copied into memory beyond each answer.  The SPARQL 1.1 Protocol
has no way to send bindings, so named values go into a ``VALUES`` block at the
start of the query's WHERE group, each rendered by
:func:`graph.terms.sparql_term` (checked IRIs, escaped literals): a value can
never change the query's shape (SECURITY T7).

What the servers tested here do differently, and how it is met
(``docs/remote-stores.md``, ``tests/test_server_parity.py``):

* each query form asks for what it returns: SELECT and ASK for SPARQL JSON
  results, CONSTRUCT and DESCRIBE for N-Triples (Virtuoso honours a results
  type for CONSTRUCT and answers a table);
* ``sparql_graph`` (GRAPH_SPARQL_GRAPH) is sent as ``default-graph-uri``
  (Virtuoso's default graph otherwise includes its system graphs) and is the
  graph that INSERT DATA / DELETE DATA write to;
* Virtuoso writes stored booleans as ``"1"^^xsd:boolean``: read back in the
  canonical form (``true``/``false``) the embedded store gives;
* a server that cuts an answer (Virtuoso's ``ResultSetMaxRows``: header
  ``X-SPARQL-MaxRows`` on SELECT, nothing on CONSTRUCT, so also an answer of
  ``server_max_rows`` rows) is reported: ``Result.truncated`` when the caller
  set a row limit, otherwise :class:`ServerCutError` (an analysis must not
  run on part of the data);
* digest authentication (Virtuoso's ``/sparql-auth``) with
  ``GRAPH_SPARQL_AUTH=digest``.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import requests

from .bind import inject_values, skip_token
from .errors import GraphError, QueryError
from .model import SPARQL_PREFIXES
from .settings import Settings
from .store import Bindings, Result, Store
from .terms import to_rdflib

__all__ = ["RemoteStore", "RemoteError", "ServerCutError", "query_form"]

_RESULTS = "application/sparql-results+json"
_GRAPH = "application/n-triples, text/turtle;q=0.9"
ACCEPT = {"SELECT": _RESULTS, "ASK": _RESULTS, "CONSTRUCT": _GRAPH, "DESCRIBE": _GRAPH}
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CANONICAL_BOOLEAN = {"1": "true", "0": "false", "true": "true", "false": "false"}


class RemoteError(GraphError):
    """The endpoint could not be reached or answered with an error."""


class ServerCutError(RemoteError):
    """The server cut an answer that the caller needs whole."""


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue
    (strings, IRIs and comments skipped); QueryError when there is none."""
    i, n = 0, len(text)
    while i < n:
        j = skip_token(text, i)
        if j != i:
            i = j
            continue
        if text[i].isalpha():
            j = i
            while j < n and (text[j].isalnum() or text[j] in "_-:"):
                j += 1
            word = text[i:j].upper()
            if word in ACCEPT:
                return word
            if word not in ("PREFIX", "BASE") and not word.endswith(":"):
                break
            i = j
            continue
        i += 1
    raise QueryError("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")


class RemoteStore(Store):
    """A SPARQL 1.1 endpoint; updates go to ``update_url`` when one is set."""

    backend = "remote"

    def __init__(self, settings: Settings, *, session: requests.Session | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.graph_iri = settings.sparql_graph
        self.http = session or requests.Session()
        self.http.auth = self._auth()

    def _auth(self):
        s = self.settings
        if not s.user:
            return None
        if s.sparql_auth == "digest":
            return requests.auth.HTTPDigestAuth(s.user, s.password or "")
        return (s.user, s.password or "")

    def reset_connections(self) -> None:
        """A fresh HTTP session (a forked query worker must not share its parent's sockets)."""
        session = requests.Session()
        session.auth = self._auth()
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

    def _cut(self, response: requests.Response, count: int, max_rows: int | None) -> bool:
        """Whether the server cut the answer; raises when the caller needs it whole."""
        cap = response.headers.get("X-SPARQL-MaxRows")
        server_cap = self.settings.server_max_rows
        if cap is None and not (server_cap is not None and count >= server_cap):
            return False
        limit = cap or server_cap
        if max_rows is not None:
            return True
        raise ServerCutError(
            f"{self.settings.query_url}: the server cut the answer at its limit of {limit} rows "
            "(Virtuoso: ResultSetMaxRows in virtuoso.ini); raise that limit for this data"
        )

    def query(self, text: str, bindings: Bindings = None, *, max_rows: int | None = None) -> Result:
        form = query_form(text)
        full = SPARQL_PREFIXES + inject_values(text, bindings)
        data = {"query": full}
        if self.graph_iri:
            data["default-graph-uri"] = self.graph_iri
        response = self._post(self.settings.query_url, data, ACCEPT[form])
        ctype = response.headers.get("Content-Type", "").split(";")[0].strip()
        if form in ("SELECT", "ASK"):
            if ctype not in ("application/sparql-results+json", "application/json"):
                raise RemoteError(f"{self.settings.query_url}: asked for SPARQL JSON results, got {ctype!r}")
            doc = json.loads(response.content)
            if "boolean" in doc:
                return Result("ASK", boolean=bool(doc["boolean"]))
            if form == "ASK":  # Virtuoso without CaseMode = 2: a table of __ASK_RETVAL
                found = doc.get("results", {}).get("bindings", [])
                return Result("ASK", boolean=any(b.get("__ASK_RETVAL", {}).get("value") not in (None, "0", "false") for b in found))
            names = tuple(doc["head"].get("vars", []))
            bindings_list = doc["results"]["bindings"]
            truncated = self._cut(response, len(bindings_list), max_rows)
            if max_rows is not None and len(bindings_list) > max_rows:
                truncated = True
                bindings_list = bindings_list[:max_rows]
            rows = [tuple(_json_term(b.get(n)) for n in names) for b in bindings_list]
            return Result("SELECT", vars=names, rows=rows, truncated=truncated)
        fmt = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE}.get(ctype)
        if fmt is None:
            raise RemoteError(f"{self.settings.query_url}: asked for N-Triples or Turtle, got {ctype!r}")
        triples: dict = {}  # a server may repeat a triple; a graph holds it once
        count = 0
        truncated = False
        for t in ox.parse(response.content, format=fmt):
            count += 1
            triple = (to_rdflib(t.subject), to_rdflib(t.predicate), _canonical(to_rdflib(t.object)))
            if triple not in triples and max_rows is not None and len(triples) >= max_rows:
                truncated = True
                break
            triples[triple] = None
        truncated = self._cut(response, count, max_rows) or truncated
        return Result("GRAPH", triples=list(triples), truncated=truncated)

    def update(self, text: str) -> None:
        if not self.settings.update_url:
            raise RemoteError("GRAPH_SPARQL_UPDATE_URL is not set: the remote store is read-only")
        self._post(self.settings.update_url, {"update": SPARQL_PREFIXES + text}, "*/*")

    def data_block(self, keyword: str, lines: str) -> str:
        """``INSERT DATA`` / ``DELETE DATA`` of N-Triples ``lines``, in the configured graph if any."""
        if self.graph_iri:
            return f"{keyword} {{ GRAPH <{self.graph_iri}> {{\n{lines}\n}} }}"
        return f"{keyword} {{\n{lines}\n}}"

    def add_graph(self, graph) -> None:
        lines = [f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph]
        for i in range(0, len(lines), 5000):
            self.update(self.data_block("INSERT DATA", "\n".join(lines[i : i + 5000])))

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
        if b["datatype"] == _XSD_BOOLEAN:
            return Literal(_CANONICAL_BOOLEAN.get(b["value"], b["value"]), datatype=URIRef(_XSD_BOOLEAN))
        return Literal(b["value"], datatype=URIRef(b["datatype"]))
    return Literal(b["value"])


def _canonical(term):
    """``"1"^^xsd:boolean`` (Virtuoso) as ``"true"^^xsd:boolean``; other terms unchanged."""
    from rdflib import Literal, URIRef

    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) == _XSD_BOOLEAN:
        value = _CANONICAL_BOOLEAN.get(str(term))
        if value is not None and value != str(term):
            return Literal(value, datatype=URIRef(_XSD_BOOLEAN))
    return term
