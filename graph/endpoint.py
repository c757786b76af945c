"""A read-only SPARQL 1.1 Protocol endpoint: the query guard in front of killable workers.

Queries on the configured data run in the project's own query workers
(:mod:`graph.workers`: forked processes with no network, a memory cap, killed
at the time limit), as the console's do; with the remote backend they are
forwarded to the configured SPARQL server.  Why not ``oxigraph
serve-read-only``: see ``docs/adr/0005-endpoint-workers.md``.  For every
request, on the hardened HTTP server of :mod:`graph.httpd` (Host, Origin,
body framing, deadlines, connection cap), this module:

* takes the query from GET ``?query=``, a form-encoded POST or an
  ``application/sparql-query`` POST (the query in both body and URL is a
  400); updates are refused (403);
* runs :func:`graph.guard.guard_query`: bad syntax is a 400 with line and
  column, SERVICE, remote FROM and updates are a 403; ``default-graph-uri`` /
  ``named-graph-uri`` obey the same rule as FROM;
* runs exactly the checked text, gets the answer as TSV lines (from SPARQL
  JSON when forwarded to a SPARQL server) or N-Triples, cut at ``max_rows`` results (then the header
  ``X-Result-Truncated``), and refuses an answer of another form than the
  guard's;
* re-serialises with pyoxigraph into the negotiated format: JSON, XML, CSV,
  TSV for results; Turtle, N-Triples, JSON-LD, RDF/XML for graphs (406 if none
  fits); a query past the time limit or its memory is a 503.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import requests

from .errors import GraphError, QueryError, QueryRefused, QueryTimeout
from .guard import Checked, Limits, RunningQuery, guard_query
from .httpd import HardenedHandler, HardenedServer, HTTPProblem, host_names
from .model import BASE, PREFIXES
from .settings import Settings
from .store import OxigraphStore
from .wording import count as count_of
from .workers import pool_for, warn_once_without_sandbox
from .xmltext import xml_bytes

__all__ = ["Upstream", "EndpointServer", "LocalEngine", "RemoteEngine", "HTTPProblem", "negotiate", "local_engine", "serve"]

_PREFIX_LINE = " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + " "
MAX_BODY = 1 << 20

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/xml": ox.QueryResultsFormat.XML,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
#: Short names for ``?format=`` / ``?output=`` (as SPARQLWrapper sends them).
SHORT_NAMES = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "n3": (None, "text/turtle"),
    "nt": (None, "application/n-triples"),
    "ntriples": (None, "application/n-triples"),
    "json-ld": (None, "application/ld+json"),
    "jsonld": (None, "application/ld+json"),
    "rdf+xml": (None, "application/rdf+xml"),
}



def negotiate(accept: str | None, graph: bool, short: str | None = None) -> str:
    """The media type to answer with, from ``?format=`` or the Accept header; HTTPProblem 406."""
    table = GRAPH_TYPES if graph else RESULT_TYPES
    if short and short.lower() in SHORT_NAMES:
        chosen = SHORT_NAMES[short.lower()][1 if graph else 0]
        if chosen:
            return chosen
    if short and short.lower() in table:
        return short.lower()
    default = "text/turtle" if graph else "application/sparql-results+json"
    if not accept or not accept.strip():
        return default
    ranges = []
    for n, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((-q, n, media))
    for negq, _, media in sorted(ranges):
        if negq == 0:
            continue
        if media in table:
            return media
        if media == "*/*":
            return default
        if media.endswith("/*"):
            major = media[:-1]
            if default.startswith(major):
                return default
            for candidate in table:
                if candidate.startswith(major):
                    return candidate
    raise HTTPProblem(406, f"none of the accepted types ({accept}) fits a {'graph' if graph else 'results'} answer; try {', '.join(table)}")


@dataclass(frozen=True)
class Upstream:
    """The server that evaluates checked queries."""

    query_url: str
    user: str | None = None
    password: str | None = None
    graph: str | None = None  # sent as default-graph-uri when the client names none (GRAPH_SPARQL_GRAPH)
    auth: str = "basic"  # or "digest" (GRAPH_SPARQL_AUTH)


# ---------------------------------------------------------------- engines


class LocalEngine:
    """Checked queries on an embedded Oxigraph store, each in a killable worker without network.

    At most ``parallel`` queries run at once (one per worker process); a
    request that finds none free within the time limit is a 503.  A worker
    that overruns is killed (no core stays busy), one that runs out of its
    memory cap dies alone (SECURITY T8, T16); the next query gets a fresh one.
    """

    def __init__(self, store: OxigraphStore, limits: Limits, parallel: int) -> None:
        self.store = store
        self.limits = limits
        self.slots = threading.BoundedSemaphore(parallel)
        pool_for(store, memory_bytes=limits.memory_bytes).keep = parallel

    def run(self, checked: Checked, dataset: tuple | None) -> tuple:
        if not self.slots.acquire(timeout=self.limits.timeout_s):
            raise HTTPProblem(503, "every query worker is busy: try again shortly", {"Retry-After": "1"})
        try:
            return RunningQuery(self.store, checked, None, self.limits, dataset).wire()
        except QueryTimeout:
            _log(f"a query ran past {self.limits.timeout_s:g} s: its worker was killed, the next query gets a fresh one")
            raise HTTPProblem(503, f"query stopped at the time limit of {self.limits.timeout_s:g} s") from None
        except QueryRefused as exc:
            raise HTTPProblem(403, str(exc)) from None
        except QueryError as exc:
            raise HTTPProblem(400, str(exc)) from None
        except GraphError as exc:
            if "memory" in str(exc):
                _log(f"{exc}; the next query gets a fresh worker")
                raise HTTPProblem(503, "the query needed more memory than a query may use") from None
            raise HTTPProblem(500, str(exc)) from None
        finally:
            self.slots.release()


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} endpoint: {message}", file=sys.stderr, flush=True)


class RemoteEngine:
    """Checked queries forwarded to a SPARQL server (the remote backend), answers cut at the row limit."""

    def __init__(self, upstream: Upstream, timeout_s: float, max_rows: int) -> None:
        self.upstream = upstream
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.local = threading.local()

    def _http(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            s = requests.Session()
            if self.upstream.user:
                s.auth = (self.upstream.user, self.upstream.password or "")
                if self.upstream.auth == "digest":
                    s.auth = requests.auth.HTTPDigestAuth(*s.auth)
            self.local.session = s
        return self.local.session

    def run(self, checked: Checked, dataset: tuple | None) -> tuple:
        data: dict = {"query": _PREFIX_LINE + checked.text}
        if dataset:
            data["default-graph-uri"], data["named-graph-uri"] = list(dataset[0]), list(dataset[1])
        elif self.upstream.graph:
            data["default-graph-uri"] = [self.upstream.graph]
        if checked.is_graph:
            lines, truncated = self._fetch(data, "application/n-triples", keep_header=False)
            return ("NT", (), b"\n".join(lines) + b"\n", truncated)
        if checked.form == "ASK":
            body = self._fetch(data, "application/sparql-results+json", keep_header=False)[0][0]
            try:
                return ("ASK", ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).__bool__())
            except (SyntaxError, ValueError, TypeError) as exc:
                raise HTTPProblem(502, f"the SPARQL server sent an answer that does not parse: {exc}") from None
        # SPARQL JSON, not TSV: servers' TSV differ (Virtuoso's header reads "o", its IRIs are quoted strings)
        lines, truncated = self._fetch(data, "application/sparql-results+json", keep_header=True)
        return ("TSV", (), b"\n".join(lines) + b"\n", truncated)

    def _fetch(self, data: dict, accept: str, *, keep_header: bool) -> tuple[list[bytes], bool]:
        """At most ``max_rows`` result lines (plus the header line for TSV), and whether more came."""
        deadline = time.monotonic() + self.timeout_s + 1
        timeout = HTTPProblem(503, f"query stopped at the time limit of {self.timeout_s:g} s")
        try:
            response = self._http().post(self.upstream.query_url, data=data, headers={"Accept": accept},
                                         stream=True, timeout=(5, self.timeout_s + 1))
        except requests.Timeout:
            raise timeout from None
        except requests.RequestException as exc:
            raise HTTPProblem(502, f"the SPARQL server cannot be reached: {exc.__class__.__name__}") from None
        with response:
            if response.status_code == 400:
                raise HTTPProblem(400, response.text.strip()[:500] or "the query was refused")
            if response.status_code >= 300:
                message = response.text.strip()[:300]
                if "cancel" in message.lower() or "timeout" in message.lower() or response.status_code in (503, 504):
                    raise timeout
                raise HTTPProblem(502, f"the SPARQL server answered HTTP {response.status_code}: {message}")
            if keep_header:
                return self._solutions(response, deadline)
            if accept == "application/sparql-results+json":
                # a boolean answer is a few bytes: never read more than that (a misread form must not stream rows)
                body = response.raw.read(_MAX_ASK_BYTES + 1, decode_content=True)
                if len(body) > _MAX_ASK_BYTES:
                    raise HTTPProblem(502, "the SPARQL server answered an ASK with more than a boolean")
                return [body], False
            lines: list[bytes] = []
            limit = self.max_rows + (1 if keep_header else 0)
            try:
                for line in response.iter_lines(chunk_size=1 << 16):
                    if time.monotonic() > deadline:
                        raise timeout
                    if not line and not keep_header:
                        continue  # N-Triples has no empty lines; in TSV one is a row that binds nothing
                    if len(lines) >= limit:
                        return lines, True
                    lines.append(line)
            except requests.RequestException:
                raise timeout from None
            return lines, False

    def _solutions(self, response: requests.Response, deadline: float) -> tuple[list[bytes], bool]:
        """SELECT results read solution by solution from SPARQL JSON, as TSV lines (header first)."""
        timeout = HTTPProblem(503, f"query stopped at the time limit of {self.timeout_s:g} s")
        response.raw.decode_content = True
        try:
            solutions = ox.parse_query_results(response.raw, format=ox.QueryResultsFormat.JSON)
            if not isinstance(solutions, ox.QuerySolutions):
                raise HTTPProblem(502, "the SPARQL server answered a SELECT with a boolean")
            lines = ["\t".join("?" + v.value for v in solutions.variables).encode()]
            for solution in solutions:
                if time.monotonic() > deadline:
                    raise timeout
                if len(lines) > self.max_rows:
                    return lines, True
                lines.append("\t".join(_tsv_term(t) for t in solution).encode())
        except (SyntaxError, ValueError) as exc:
            # a server stopped at its time limit ends the started answer with an error text
            if time.monotonic() > deadline - 1.5 or "timeout" in str(exc).lower() or "cancel" in str(exc).lower():
                raise timeout from None
            raise HTTPProblem(502, f"the SPARQL server sent results that do not parse: {exc}") from None
        except (requests.RequestException, OSError):
            raise timeout from None
        return lines, "X-SPARQL-MaxRows" in response.headers  # Virtuoso cut it at its ResultSetMaxRows


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


def _tsv_term(term) -> str:
    """A term as SPARQL TSV; Virtuoso's ``"1"^^xsd:boolean`` in the canonical form."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD_BOOLEAN and term.value in ("1", "0"):
        return f'"{"true" if term.value == "1" else "false"}"^^<{_XSD_BOOLEAN}>'
    return str(term)


# ---------------------------------------------------------------- HTTP


class _Handler(HardenedHandler):
    server: EndpointServer
    server_version = "es-graph-sparql/1"
    disable_nagle_algorithm = True  # headers and body go out at once: no 40 ms delayed-ACK stall

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if self.server.verbose:
            super().log_message(format, *args)

    # ---------------------------------------------------------- routing
    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_OPTIONS(self):
        try:
            self.check_request()
            self.read_body(0)
            self.request_read()
        except HTTPProblem as problem:
            self._problem(problem)
            return
        if self.server.cors:
            self._send(204, b"", "text/plain", {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                                 "Access-Control-Allow-Headers": "Content-Type, Accept"})
        else:
            self._refuse_method()

    def _refuse_method(self):
        self._problem(HTTPProblem(405, "method not allowed: use GET or POST", {"Allow": "GET, POST"}, close=True))

    do_PUT = do_DELETE = do_PATCH = do_HEAD = _refuse_method

    def _handle(self, method: str) -> None:
        try:
            self.check_request()
            parts = urlsplit(self.path)
            if parts.path.rstrip("/") != "/sparql":
                self.read_body(MAX_BODY)
                raise HTTPProblem(404, "not found: the SPARQL endpoint is at /sparql")
            params = _parse_qs(parts.query, "the URL")
            query = self._read_query(method, params)
            self.request_read()
            if query is None:
                self._send(200, self.server.description().encode(), "text/turtle; charset=utf-8")
                return
            body, ctype, extra = self.server.answer(query, params, self.headers.get("Accept"))
            self._send(200, body, ctype, extra)
        except HTTPProblem as problem:
            self._problem(problem)
        except Exception as exc:  # noqa: BLE001 - never leave a client hanging
            self._problem(HTTPProblem(500, f"internal error: {exc.__class__.__name__}", close=True))

    def _read_query(self, method: str, params: dict) -> str | None:
        if method == "POST":
            raw = self.read_body(MAX_BODY)
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                raise HTTPProblem(403, "updates are refused: this endpoint is read-only")
            if ctype == "application/sparql-query":
                if "query" in params:
                    raise HTTPProblem(400, "the query is both in the body and in ?query=: send it once")
                try:
                    params["query"] = [raw.decode("utf-8", errors="strict")]
                except UnicodeDecodeError as exc:
                    raise HTTPProblem(400, f"the body is not UTF-8 (byte {exc.start})") from None
            elif ctype == "application/x-www-form-urlencoded":
                form = _parse_qs(raw, "the form")
                if "update" in form:
                    raise HTTPProblem(403, "updates are refused: this endpoint is read-only")
                if "query" in form and "query" in params:
                    raise HTTPProblem(400, "the query is both in the body and in ?query=: send it once")
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif ctype or raw:
                raise HTTPProblem(415, f"unsupported content type {ctype or '(none)'}: send application/sparql-query or a form")
        else:
            self.read_body(0)  # a GET with a body: refused rather than read as the next request
        if "update" in params:
            raise HTTPProblem(403, "updates are refused: this endpoint is read-only")
        queries = params.get("query")
        if not queries:
            if method == "GET" and not params:
                return None  # service description
            raise HTTPProblem(400, "missing the query parameter")
        if len(queries) > 1:
            raise HTTPProblem(400, "more than one query parameter")
        return queries[0]

    # ---------------------------------------------------------- answers
    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Expose-Headers", "X-Result-Truncated")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _problem(self, problem: HTTPProblem) -> None:
        headers = dict(problem.headers)
        if problem.close:
            self.close_connection = True  # an unread or unframed body must not be taken for a request
            headers["Connection"] = "close"
        text = f"{HTTPStatus(problem.status).phrase}: {problem.message}\n"
        try:
            self._send(problem.status, text.encode("utf-8"), "text/plain; charset=utf-8", headers)
        except OSError:
            self.close_connection = True


def _parse_qs(raw: str | bytes, where: str) -> dict:
    try:
        text = raw.decode("utf-8", errors="strict") if isinstance(raw, bytes) else raw
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=100)
    except UnicodeDecodeError:
        raise HTTPProblem(400, f"{where} is not UTF-8") from None
    except ValueError as exc:
        raise HTTPProblem(400, f"{where}: {exc}") from None


class EndpointServer(HardenedServer):
    """The guard in front of an engine; ``answer()`` holds the protocol logic, the handler the HTTP."""

    def __init__(self, address: tuple[str, int], engine: LocalEngine | RemoteEngine | Upstream, *, timeout_s: float,
                 max_rows: int, cors: bool = False, verbose: bool = False, hosts: frozenset[str] | None = None,
                 max_connections: int = 256, idle_s: float = 5.0, read_s: float = 10.0) -> None:
        super().__init__(address, _Handler, hosts=hosts, cors=cors, max_connections=max_connections,
                         idle_s=idle_s, read_s=read_s)
        self.engine = RemoteEngine(engine, timeout_s, max_rows) if isinstance(engine, Upstream) else engine
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.verbose = verbose

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sparql"

    def description(self) -> str:
        """A SPARQL 1.1 Service Description (GET /sparql with no query)."""
        formats = " , ".join(f'"{m}"' for m in dict.fromkeys(list(RESULT_TYPES) + list(GRAPH_TYPES)))
        return (
            "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
            "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
            f"<{self.url}> a sd:Service ;\n"
            f"  sd:endpoint <{self.url}> ;\n"
            "  sd:supportedLanguage sd:SPARQL11Query ;\n"
            "  sd:feature sd:UnionDefaultGraph ;\n"
            f'  dcterms:description "Read-only. Updates, SERVICE and remote FROM are refused. '
            f'Time limit {self.timeout_s:g} s, at most {self.max_rows} results (then the header X-Result-Truncated)." ;\n'
            f"  dcterms:format {formats} .\n"
        )

    def answer(self, text: str, params: dict, accept: str | None) -> tuple[bytes, str, dict]:
        try:
            checked = guard_query(text)
        except QueryError as exc:
            raise HTTPProblem(400, str(exc)) from None
        except QueryRefused as exc:
            raise HTTPProblem(403, str(exc)) from None
        short = (params.get("format") or params.get("output") or [None])[0]
        media = negotiate(accept, checked.is_graph, short)
        graphs: dict[str, list[str]] = {"default-graph-uri": [], "named-graph-uri": []}
        for key in graphs:
            for iri in params.get(key, []):
                if not iri.startswith(BASE):
                    raise HTTPProblem(403, f"{key} <{iri}> is refused: only this store's own graphs can be queried")
                graphs[key].append(iri)
        dataset = (tuple(graphs["default-graph-uri"]), tuple(graphs["named-graph-uri"])) if any(graphs.values()) else None
        wire = self.engine.run(checked, dataset)
        if wire[0] not in _FORM_WIRE[checked.form]:  # the engine read another form than the guard (T15)
            raise HTTPProblem(403, f"the engine read this query as another form than {checked.form}")
        truncated = False
        try:
            if wire[0] == "ASK":
                body = _ASK_JSON[wire[1]]
                if media != "application/sparql-results+json":
                    body = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=RESULT_TYPES[media])
            elif wire[0] == "NT":
                _, _, payload, truncated = wire
                triples = ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)
                body = ox.serialize(triples, format=GRAPH_TYPES[media], prefixes=PREFIXES if GRAPH_TYPES[media] == ox.RdfFormat.TURTLE else None)
            else:
                _, _, payload, truncated = wire
                body = ox.parse_query_results(payload, format=ox.QueryResultsFormat.TSV).serialize(format=RESULT_TYPES[media])
        except (SyntaxError, ValueError, OSError) as exc:
            raise HTTPProblem(502, f"the SPARQL server sent an answer that does not parse: {exc}") from None
        if media.endswith("xml") and body:  # Oxigraph writes a literal's control characters as they are
            body = xml_bytes(body)
        extra = {"X-Result-Truncated": str(self.max_rows)} if truncated else {}
        charset = "" if media in ("application/ld+json", "application/sparql-results+json") else "; charset=utf-8"
        return body or b"", media + charset, extra


_FORM_WIRE = {"SELECT": ("TSV",), "ASK": ("ASK",), "CONSTRUCT": ("NT",), "DESCRIBE": ("NT",)}
_ASK_JSON = {True: b'{"head":{},"boolean":true}', False: b'{"head":{},"boolean":false}'}
_MAX_ASK_BYTES = 1 << 16


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def local_engine(settings: Settings, parallel: int | None = None) -> tuple[LocalEngine, int]:
    """An Oxigraph store of the settings' files behind query workers; the engine and the triple count."""
    store = OxigraphStore()
    store.load_files(settings.files, max_bytes=settings.max_file_bytes)
    limits = Limits.from_settings(settings)
    return LocalEngine(store, limits, parallel or max(2, os.cpu_count() or 2)), len(store)


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 7878, cors: bool = False,
          verbose: bool = True, ready=None, allow_hosts: tuple[str, ...] = ()) -> None:
    """Run the endpoint until interrupted: load the data, guard it, answer through killable workers."""
    if settings.backend == "remote":
        engine: LocalEngine | RemoteEngine = RemoteEngine(Upstream(settings.query_url, settings.user, settings.password,
                                                                   settings.sparql_graph, settings.sparql_auth),
                                                          settings.timeout_s, settings.max_rows)
        what = f"remote {settings.query_url}"
    else:
        warn_once_without_sandbox()  # before the data loads: said once, at start
        engine, count = local_engine(settings)
        what = count_of(count, "triple", "en")
    hosts = host_names(host, tuple(settings.serve_hosts) + tuple(allow_hosts))
    server = EndpointServer((host, port), engine, timeout_s=settings.timeout_s, max_rows=settings.max_rows,
                            cors=cors, verbose=verbose, hosts=hosts)
    print(f"SPARQL endpoint: {server.url} (read-only; {what}; limits {settings.timeout_s:g} s, {settings.max_rows} rows; "
          f"answers to Host {', '.join(sorted(hosts))})", file=sys.stderr, flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {host}: anyone who can reach this address can query the data", file=sys.stderr)
    if ready is not None:
        ready(server)
    previous = signal.signal(signal.SIGTERM, _interrupt) if threading.current_thread() is threading.main_thread() else None
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if isinstance(engine, LocalEngine):
            pool_for(engine.store, memory_bytes=None).close()
