"""A hardened base for the project's small HTTP server (``graph serve``), on the stdlib.

``http.server`` leaves the hard parts to its users (SECURITY T17).  Here:

* the listen backlog is 128 (the stdlib's 5 reset connections at 50 clients);
* at most ``max_connections`` connections are served at once; one more gets
  an immediate 503 with ``Retry-After`` and is closed;
* a connection that sends nothing for ``idle_s`` seconds is closed, and a
  request (line, headers and body) must arrive within ``read_s`` seconds
  however slowly it drips (one watchdog closes the socket);
* the ``Host`` header must name this server (DNS rebinding gets 421), and a
  request from a web page of another origin (an ``Origin`` header naming
  another origin, or ``Sec-Fetch-Site: cross-site``) is refused with 403
  unless CORS was asked for;
* a body needs a numeric ``Content-Length`` (400 when negative or not a
  number; 411 when missing on POST; 413 at once when too large, without
  reading it); chunked bodies are refused with 411, and the connection is
  closed so no unread body is taken for the next request.
"""

from __future__ import annotations

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .workers import watchdog

__all__ = ["HTTPProblem", "HardenedServer", "HardenedHandler", "DEFAULT_HOSTS", "host_names"]

#: Names a server on the loopback answers to (setting GRAPH_SERVE_HOSTS, flag --allow-host).
DEFAULT_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_DIGITS = re.compile(r"[0-9]{1,18}")


class HTTPProblem(Exception):
    """An answer other than 200: a status and a one-line message (sent as text/plain)."""

    def __init__(self, status: int, message: str, headers: dict | None = None, *, close: bool = False):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.close = close


def host_names(listen_host: str, extra: tuple[str, ...] | list[str] = ()) -> frozenset[str]:
    """The ``Host`` names (without port, lower case) a server listening on ``listen_host`` answers to."""
    names = set(DEFAULT_HOSTS) | {h.strip().lower() for h in extra if h.strip()}
    if listen_host not in ("", "0.0.0.0", "::"):
        names.add(f"[{listen_host}]" if ":" in listen_host else listen_host.lower())
    return frozenset(names)


def _split_host(value: str) -> tuple[str, str | None]:
    """``host[:port]`` -> (host lower case, port or None); IPv6 keeps its brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return value, None
        rest = value[end + 1 :]
        return value[: end + 1], rest[1:] if rest.startswith(":") else None
    host, _, port = value.partition(":")
    return host, port or None


class HardenedServer(ThreadingHTTPServer):
    """A threading HTTP server with a backlog, a connection cap and per-connection deadlines."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, handler, *, hosts: frozenset[str] | None = None, cors: bool = False,
                 max_connections: int = 256, idle_s: float = 5.0, read_s: float = 10.0) -> None:
        super().__init__(address, handler)
        self.hosts = hosts if hosts is not None else host_names(address[0])
        self.cors = cors
        self.max_connections = max_connections
        self.idle_s = idle_s
        self.read_s = read_s
        self._active = 0
        self._active_lock = threading.Lock()

    @property
    def active_connections(self) -> int:
        return self._active

    def process_request(self, request, client_address):
        with self._active_lock:
            full = self._active >= self.max_connections
            if not full:
                self._active += 1
        if full:
            self._refuse_busy(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            with self._active_lock:
                self._active -= 1
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._active_lock:
                self._active -= 1

    def _refuse_busy(self, request) -> None:
        body = b"Service Unavailable: too many connections, try again shortly\n"
        head = (f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n").encode()
        try:
            request.settimeout(1.0)
            request.sendall(head + body)
        except OSError:
            pass
        self.shutdown_request(request)


class HardenedHandler(BaseHTTPRequestHandler):
    """Request checks shared by every route: deadlines, Host, Origin, body framing."""

    server: HardenedServer
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        self.timeout = self.server.idle_s  # per recv: an idle connection is closed
        super().setup()
        self._deadline = None

    def handle_one_request(self) -> None:
        # the whole request (line, headers, body) must come within read_s, however slowly it drips
        self._deadline = watchdog.schedule(self.server.read_s, self._cut)
        try:
            super().handle_one_request()
        finally:
            self.request_read()

    def request_read(self) -> None:
        """The request is in: answering may take as long as the query may."""
        if self._deadline is not None:
            watchdog.cancel(self._deadline)
            self._deadline = None

    def _cut(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # ---------------------------------------------------------- checks
    def check_request(self) -> None:
        """Host and Origin: HTTPProblem 400, 421 or 403."""
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1:
            raise HTTPProblem(400, "the request needs exactly one Host header", close=True)
        host, _port = _split_host(hosts[0])
        if host not in self.server.hosts:
            # DNS rebinding: a page of another site resolved its name to this machine
            raise HTTPProblem(421, f"this server does not answer to the name {host!r} (see GRAPH_SERVE_HOSTS)", close=True)
        if self.server.cors:
            return
        origin = self.headers.get("Origin")
        if origin is not None and not self._same_origin(origin):
            raise HTTPProblem(403, f"requests from web pages of other origins ({origin}) are refused; start with --cors to allow them")
        if (self.headers.get("Sec-Fetch-Site") or "").strip().lower() == "cross-site":
            # a browser says another site made this request (an <img>, a link, a form without Origin)
            raise HTTPProblem(403, "requests made by web pages of other sites are refused; start with --cors to allow them")

    def _same_origin(self, origin: str) -> bool:
        parts = urlsplit(origin.strip())
        if parts.scheme != "http" or not parts.hostname:
            return False  # "null" (sandboxed pages, file://) included
        name = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname.lower()
        return name in self.server.hosts and (parts.port or 80) == self.server.server_address[1]

    def read_body(self, max_bytes: int) -> bytes:
        """The request body, framed by a checked Content-Length (HTTPProblem 400, 411, 413)."""
        if self.headers.get("Transfer-Encoding") is not None:
            raise HTTPProblem(411, "chunked or encoded bodies are not accepted: send Content-Length", close=True)
        lengths = self.headers.get_all("Content-Length") or []
        if not lengths:
            if self.command == "POST":
                raise HTTPProblem(411, "a POST needs a Content-Length header", close=True)
            return b""
        if len(set(lengths)) != 1 or not _DIGITS.fullmatch(lengths[0].strip()):
            raise HTTPProblem(400, f"bad Content-Length {lengths[0][:40]!r}: expected one number of bytes", close=True)
        length = int(lengths[0])
        if length > max_bytes:
            if not max_bytes:
                raise HTTPProblem(400, f"a {self.command} request has no body", close=True)
            raise HTTPProblem(413, f"request body larger than {max_bytes} bytes", close=True)
        data = self.rfile.read(length) if length else b""
        if len(data) != length:
            raise HTTPProblem(400, "the body ended before Content-Length bytes", close=True)
        return data
