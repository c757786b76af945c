"""A read-only SPARQL 1.1 Protocol endpoint: a guard in front of a well-kept server.

The server that evaluates queries is Oxigraph's own (``oxigraph
serve-read-only --timeout-s``, over an on-disk copy of the configured data),
or, with the remote backend, the configured SPARQL endpoint.  In front of it
sits this small proxy (stdlib ``ThreadingHTTPServer``), which for every
request:

* takes the query from GET ``?query=``, a form-encoded POST or an
  ``application/sparql-query`` POST; updates are refused (403);
* runs :func:`graph.guard.guard_query`: bad syntax is a 400 with line and
  column, SERVICE, remote FROM and updates are a 403; ``default-graph-uri`` /
  ``named-graph-uri`` obey the same rule as FROM;
* forwards the checked text (the project's prefixes known) upstream in a
  line-based format (TSV, N-Triples), reads at most ``max_rows`` results, then
  closes the connection; a longer answer is cut and marked with the header
  ``X-Result-Truncated``;
* re-serialises with pyoxigraph into the negotiated format: JSON, XML, CSV,
  TSV for results; Turtle, N-Triples, JSON-LD, RDF/XML for graphs (406 if none
  fits); a query past the time limit is a 503.

Why a proxy and not our own engine: see ``docs/adr/0004-endpoint.md``.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import requests

from .errors import GraphError, QueryError, QueryRefused
from .guard import guard_query
from .io import format_for, read_bytes, syntax_error
from .model import BASE, PREFIXES
from .settings import Settings
from .wording import count as count_of

__all__ = ["Upstream", "EndpointServer", "OxigraphProcess", "negotiate", "build_store_dir", "serve"]

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


class HTTPProblem(Exception):
    """An answer other than 200: a status and a one-line message (sent as text/plain)."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


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


class OxigraphProcess:
    """``oxigraph serve-read-only`` over a store folder, on a free localhost port."""

    def __init__(self, location: Path, *, timeout_s: float, executable: str | None = None) -> None:
        self.location = location
        self.timeout_s = timeout_s
        self.executable = executable or find_oxigraph()
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> OxigraphProcess:
        from socket import socket

        with socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cmd = [self.executable, "serve-read-only", "--location", str(self.location), "--bind", f"127.0.0.1:{port}",
               "--union-default-graph", "--timeout-s", str(max(1, math.ceil(self.timeout_s)))]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent)
        self.url = f"http://127.0.0.1:{port}/query"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise GraphError(f"oxigraph serve-read-only stopped: {self.proc.stderr.read().decode(errors='replace').strip()[:300]}")
            try:
                requests.get(self.url, params={"query": "ASK {}"}, timeout=1)
                return self
            except requests.RequestException:
                time.sleep(0.05)
        self.stop()
        raise GraphError("oxigraph serve-read-only did not start within 30 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _die_with_parent() -> None:
    """In the Oxigraph child: stop when the endpoint process dies, however it dies (Linux)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def find_oxigraph() -> str:
    """The ``oxigraph`` server executable (PATH, else beside this Python)."""
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not os.access(exe, os.X_OK):
        raise GraphError("the oxigraph server is not installed (pip install oxigraph)")
    return exe


def build_store_dir(settings: Settings, location: Path) -> int:
    """Load the settings' files into an on-disk Oxigraph store at ``location``; the triple count."""
    store = ox.Store(str(location))
    for path in settings.files:
        data = read_bytes(path, max_bytes=settings.max_file_bytes)
        try:
            store.bulk_load(data, format=format_for(path))
        except SyntaxError as exc:
            raise syntax_error(str(path), exc) from None
    store.flush()
    store.optimize()  # compacted once now: reads of a fresh bulk load are ~35% slower without it
    count = len(store)
    del store
    return count


class _Handler(BaseHTTPRequestHandler):
    server: EndpointServer
    protocol_version = "HTTP/1.1"
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
        if self.server.cors:
            self._send(204, b"", "text/plain", {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                                                 "Access-Control-Allow-Headers": "Content-Type, Accept"})
        else:
            self._problem(HTTPProblem(405, "method not allowed: use GET or POST", {"Allow": "GET, POST"}))

    def _refuse_method(self):
        self._problem(HTTPProblem(405, "method not allowed: use GET or POST", {"Allow": "GET, POST"}))

    do_PUT = do_DELETE = do_PATCH = do_HEAD = _refuse_method

    def _handle(self, method: str) -> None:
        try:
            parts = urlsplit(self.path)
            if parts.path.rstrip("/") != "/sparql":
                raise HTTPProblem(404, "not found: the SPARQL endpoint is at /sparql")
            params = parse_qs(parts.query, keep_blank_values=True)
            query = self._read_query(method, params)
            if query is None:
                self._send(200, self.server.description().encode(), "text/turtle; charset=utf-8")
                return
            body, ctype, extra = self.server.answer(query, params, self.headers.get("Accept"))
            self._send(200, body, ctype, extra)
        except HTTPProblem as problem:
            self._problem(problem)
        except Exception as exc:  # noqa: BLE001 - never leave a client hanging
            self._problem(HTTPProblem(500, f"internal error: {exc.__class__.__name__}"))

    def _read_query(self, method: str, params: dict) -> str | None:
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.close_connection = True  # the unread body must not be taken for a request
                raise HTTPProblem(413, f"request body larger than {MAX_BODY} bytes", {"Connection": "close"})
            raw = self.rfile.read(length) if length else b""
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                raise HTTPProblem(403, "updates are refused: this endpoint is read-only")
            if ctype == "application/sparql-query":
                return raw.decode("utf-8", errors="strict")
            if ctype == "application/x-www-form-urlencoded":
                form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
                if "update" in form:
                    raise HTTPProblem(403, "updates are refused: this endpoint is read-only")
                for k, v in form.items():
                    params.setdefault(k, []).extend(v)
            elif ctype:
                raise HTTPProblem(415, f"unsupported content type {ctype}: send application/sparql-query or a form")
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
        text = f"{HTTPStatus(problem.status).phrase}: {problem.message}\n"
        self._send(problem.status, text.encode("utf-8"), "text/plain; charset=utf-8", problem.headers)


class EndpointServer(ThreadingHTTPServer):
    """The guard proxy; ``answer()`` holds the protocol logic, the handler the HTTP."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], upstream: Upstream, *, timeout_s: float, max_rows: int,
                 cors: bool = False, verbose: bool = False) -> None:
        super().__init__(address, _Handler)
        self.upstream = upstream
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.cors = cors
        self.verbose = verbose
        self.local = threading.local()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sparql"

    def _http(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            s = requests.Session()
            if self.upstream.user:
                s.auth = (self.upstream.user, self.upstream.password or "")
            self.local.session = s
        return self.local.session

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
        data = {"query": _PREFIX_LINE + checked.text}
        for key in ("default-graph-uri", "named-graph-uri"):
            for iri in params.get(key, []):
                if not iri.startswith(BASE):
                    raise HTTPProblem(403, f"{key} <{iri}> is refused: only this store's own graphs can be queried")
                data.setdefault(key, []).append(iri)
        if checked.is_graph:
            upstream_type = "application/n-triples"
        elif checked.form == "ASK":
            upstream_type = "application/sparql-results+json"
        else:
            upstream_type = "text/tab-separated-values"
        lines, truncated = self._fetch(data, upstream_type, keep_header=checked.form == "SELECT")
        payload = b"\n".join(lines) + b"\n"
        try:
            if checked.is_graph:
                triples = ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)
                body = ox.serialize(triples, format=GRAPH_TYPES[media], prefixes=PREFIXES if GRAPH_TYPES[media] == ox.RdfFormat.TURTLE else None)
            else:
                fmt = ox.QueryResultsFormat.JSON if checked.form == "ASK" else ox.QueryResultsFormat.TSV
                body = ox.parse_query_results(payload, format=fmt).serialize(format=RESULT_TYPES[media])
        except (SyntaxError, ValueError, OSError) as exc:
            if b"cancelled" in payload.lower() or b"timeout" in payload.lower():
                raise HTTPProblem(503, f"query stopped at the time limit of {self.timeout_s:g} s") from None
            raise HTTPProblem(502, f"the SPARQL server sent an answer that does not parse: {exc}") from None
        extra = {"X-Result-Truncated": str(self.max_rows)} if truncated else {}
        charset = "" if media in ("application/ld+json", "application/sparql-results+json") else "; charset=utf-8"
        return body or b"", media + charset, extra

    def _fetch(self, data: dict, accept: str, *, keep_header: bool) -> tuple[list[bytes], bool]:
        """At most ``max_rows`` result lines (plus the header line for TSV), and whether more came."""
        deadline = time.monotonic() + self.timeout_s + 1
        try:
            response = self._http().post(self.upstream.query_url, data=data, headers={"Accept": accept},
                                         stream=True, timeout=(5, self.timeout_s + 1))
        except requests.Timeout:
            raise HTTPProblem(503, f"query stopped at the time limit of {self.timeout_s:g} s") from None
        except requests.RequestException as exc:
            raise HTTPProblem(502, f"the SPARQL server cannot be reached: {exc.__class__.__name__}") from None
        with response:
            if response.status_code == 400:
                raise HTTPProblem(400, response.text.strip()[:500] or "the query was refused")
            if response.status_code >= 300:
                message = response.text.strip()[:300]
                if "cancel" in message.lower() or "timeout" in message.lower() or response.status_code in (503, 504):
                    raise HTTPProblem(503, f"query stopped at the time limit of {self.timeout_s:g} s")
                raise HTTPProblem(502, f"the SPARQL server answered HTTP {response.status_code}: {message}")
            if accept == "application/sparql-results+json":
                return [response.content], False
            lines: list[bytes] = []
            limit = self.max_rows + (1 if keep_header else 0)
            try:
                for line in response.iter_lines(chunk_size=1 << 16):
                    if time.monotonic() > deadline:
                        raise HTTPProblem(503, f"query stopped at the time limit of {self.timeout_s:g} s")
                    if not line and not keep_header:
                        continue  # N-Triples has no empty lines; in TSV one is a row that binds nothing
                    if len(lines) >= limit:
                        return lines, True
                    lines.append(line)
            except requests.RequestException:
                raise HTTPProblem(503, f"query stopped at the time limit of {self.timeout_s:g} s") from None
            if keep_header and not lines:
                lines = [b""]  # SELECT with no variables: an empty header line
            return lines, False


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 7878, cors: bool = False,
          verbose: bool = True, ready=None) -> None:
    """Run the endpoint until interrupted: load the data, start Oxigraph, guard it."""
    workdir = None
    oxigraph = None
    try:
        if settings.backend == "remote":
            upstream = Upstream(settings.query_url, settings.user, settings.password)
            count = None
        else:
            workdir = Path(tempfile.mkdtemp(prefix="graph-serve-"))
            count = build_store_dir(settings, workdir / "store")
            oxigraph = OxigraphProcess(workdir / "store", timeout_s=settings.timeout_s).start()
            upstream = Upstream(oxigraph.url)
        server = EndpointServer((host, port), upstream, timeout_s=settings.timeout_s, max_rows=settings.max_rows,
                                cors=cors, verbose=verbose)
        what = count_of(count, "triple", "en") if count is not None else f"remote {settings.query_url}"
        print(f"SPARQL endpoint: {server.url} (read-only; {what}; limits {settings.timeout_s:g} s, {settings.max_rows} rows)",
              file=sys.stderr, flush=True)
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
    finally:
        if oxigraph is not None:
            oxigraph.stop()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
