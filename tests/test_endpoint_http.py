"""HTTP hygiene of `graph serve` (SECURITY T17), over raw sockets to 127.0.0.1.

Each test sends what a careless or hostile client sends (a negative length,
a chunked body, a trickle of bytes, a foreign Host or Origin) and checks the
answer comes at once and the connection is not misread.  The server is the
real EndpointServer over a real Oxigraph store and real query workers,
started in this process with short deadlines.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
from conftest import TINY

from graph.endpoint import EndpointServer, LocalEngine
from graph.guard import Limits
from graph.httpd import host_names
from graph.store import OxigraphStore

pytestmark = pytest.mark.server

ASK = "ASK { ?s a org:Organization }"


def _start(**kwargs) -> EndpointServer:
    store = OxigraphStore()
    store.ox.load(TINY.encode(), format=__import__("pyoxigraph").RdfFormat.TURTLE)
    engine = LocalEngine(store, Limits(timeout_s=5, max_rows=10), parallel=2)
    server = EndpointServer(("127.0.0.1", 0), engine, timeout_s=5, max_rows=10, **kwargs)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def server():
    server = _start(idle_s=1.0, read_s=2.0)
    yield server
    server.shutdown()
    server.server_close()


def _raw(server: EndpointServer, data: bytes, *, wait: float = 5.0) -> tuple[bytes, float]:
    """Send ``data``, read until the server closes or ``wait`` passes; (all bytes read, seconds taken)."""
    t0 = time.monotonic()
    with socket.create_connection(server.server_address[:2], timeout=wait) as s:
        s.sendall(data)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks), time.monotonic() - t0


def _request(server, method: str, path: str, headers: dict, body: bytes = b"") -> bytes:
    host = {"Host": f"127.0.0.1:{server.server_address[1]}"}
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in {**host, **headers}.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _statuses(reply: bytes) -> list[int]:
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", reply)]


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "0x10", " ", "5, 6"])
def test_a_bad_content_length_is_a_400_at_once(server, length):
    reply, took = _raw(server, _request(server, "POST", "/sparql", {"Content-Type": "application/sparql-query", "Content-Length": length}, b"ASK {}"))
    assert _statuses(reply) == [400] and b"Content-Length" in reply
    assert took < 1.0  # answered and closed, not read until the client gives up


def test_a_post_without_length_is_a_411_and_its_body_is_not_a_request(server):
    body = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    reply, took = _raw(server, _request(server, "POST", "/sparql", {"Content-Type": "application/sparql-query"}, body))
    assert _statuses(reply) == [411] and took < 1.0


def test_a_chunked_body_is_refused_and_never_read_as_the_next_request(server):
    smuggled = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    chunked = f"{len(smuggled):x}\r\n".encode() + smuggled + b"\r\n0\r\n\r\n"
    reply, took = _raw(server, _request(server, "POST", "/sparql", {"Content-Type": "application/sparql-query", "Transfer-Encoding": "chunked"}, chunked))
    assert _statuses(reply) == [411] and took < 1.0


def test_a_huge_length_is_a_413_before_any_body_byte(server):
    reply, took = _raw(server, _request(server, "POST", "/sparql", {"Content-Type": "application/sparql-query", "Content-Length": str(10**12)}))
    assert _statuses(reply) == [413] and took < 1.0


def test_a_get_with_a_body_is_a_400_and_its_body_is_not_a_request(server):
    body = b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    reply, took = _raw(server, _request(server, "GET", "/sparql?query=" + quote(ASK), {"Content-Length": str(len(body))}, body))
    assert _statuses(reply) == [400] and b"has no body" in reply and took < 1.0


@pytest.mark.parametrize("ctype,body", [("application/sparql-query", b"ASK { \xff }"), ("application/x-www-form-urlencoded", b"query=ASK%20%7B%FF%7D")])
def test_a_body_that_is_not_utf8_is_a_400(server, ctype, body):
    reply, _ = _raw(server, _request(server, "POST", "/sparql", {"Content-Type": ctype, "Content-Length": str(len(body)), "Connection": "close"}, body))
    assert _statuses(reply) == [400] and b"UTF-8" in reply


def test_a_url_that_is_not_utf8_is_a_400(server):
    reply, _ = _raw(server, _request(server, "GET", "/sparql?query=ASK%20%7B%FF%7D", {"Connection": "close"}))
    assert _statuses(reply) == [400] and b"UTF-8" in reply


def test_the_query_in_body_and_url_is_a_400(server):
    for ctype, body in (("application/sparql-query", b"ASK {}"), ("application/x-www-form-urlencoded", b"query=ASK%20%7B%7D")):
        path = "/sparql?query=" + quote("SELECT * { ?s ?p ?o }")
        reply, _ = _raw(server, _request(server, "POST", path, {"Content-Type": ctype, "Content-Length": str(len(body)), "Connection": "close"}, body))
        assert _statuses(reply) == [400] and b"both in the body and in ?query=" in reply


def test_keep_alive_still_answers_request_after_request(server):
    one = _request(server, "GET", "/sparql?query=" + quote(ASK), {})
    reply, _ = _raw(server, one + one + _request(server, "GET", "/sparql?query=" + quote(ASK), {"Connection": "close"}))
    assert _statuses(reply) == [200, 200, 200] and reply.count(b'"boolean":true') == 3


@pytest.mark.parametrize("host,status", [
    ("evil.example", 421),  # DNS rebinding: another site's name, resolved to 127.0.0.1
    ("evil.example:{port}", 421),
    ("127.0.0.1.nip.io:{port}", 421),
    ("localhost:{port}", 200),
    ("LOCALHOST", 200),
    ("[::1]:{port}", 200),
    ("127.0.0.1:{port}", 200),
])
def test_the_host_header_must_name_this_server(server, host, status):
    port = server.server_address[1]
    data = f"GET /sparql?query={quote(ASK)} HTTP/1.1\r\nHost: {host.format(port=port)}\r\nConnection: close\r\n\r\n".encode()
    reply, _ = _raw(server, data)
    assert _statuses(reply) == [status]


def test_no_host_or_two_hosts_is_a_400(server):
    reply, _ = _raw(server, f"GET /sparql?query={quote(ASK)} HTTP/1.0\r\n\r\n".encode())
    assert _statuses(reply) == [400]
    reply, _ = _raw(server, f"GET /sparql?query={quote(ASK)} HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n".encode())
    assert _statuses(reply) == [400]


def test_more_host_names_can_be_allowed():
    assert "meeting-laptop.local" in host_names("127.0.0.1", ["Meeting-Laptop.local"])
    assert "192.168.1.5" in host_names("192.168.1.5")
    assert "0.0.0.0" not in host_names("0.0.0.0")


def test_a_cross_site_form_post_runs_nothing(server):
    """A page on another site posting a form to 127.0.0.1: refused before the guard or a worker sees it."""
    body = ("query=" + quote(ASK)).encode()
    for origin, status in (("http://evil.example", 403), ("null", 403), (f"http://127.0.0.1:{server.server_address[1]}", 200),
                           ("http://127.0.0.1:1", 403)):
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(body)), "Origin": origin, "Connection": "close"}
        reply, _ = _raw(server, _request(server, "POST", "/sparql", headers, body))
        assert _statuses(reply) == [status], origin
    # an <img> or a link on another site: no Origin, but the browser says where it came from
    for site, status in (("cross-site", 403), ("none", 200), ("same-origin", 200)):
        reply, _ = _raw(server, _request(server, "GET", "/sparql?query=" + quote(ASK), {"Sec-Fetch-Site": site, "Connection": "close"}))
        assert _statuses(reply) == [status], site


def test_an_idle_connection_is_closed(server):
    reply, took = _raw(server, b"", wait=10)
    assert reply == b"" and 0.9 <= took < 3.0


def test_a_slow_drip_is_cut_at_the_request_deadline(server):
    """One byte every 0.3 s never trips the idle timeout; the whole request must still come within 2 s."""
    request = _request(server, "GET", "/sparql?query=" + quote(ASK), {})
    t0 = time.monotonic()
    with socket.create_connection(server.server_address[:2], timeout=10) as s:
        try:
            for byte in request[:-4]:
                s.send(bytes([byte]))
                time.sleep(0.3)
                if time.monotonic() - t0 > 8:
                    break
            reply = s.recv(65536)
        except OSError:
            reply = b""
    took = time.monotonic() - t0
    assert b"200 OK" not in reply and 1.9 <= took < 4.0


def test_connections_beyond_the_cap_get_a_503_at_once():
    server = _start(max_connections=3, idle_s=3.0, read_s=3.0)
    try:
        held = [socket.create_connection(server.server_address[:2], timeout=5) for _ in range(3)]
        time.sleep(0.2)
        reply, took = _raw(server, _request(server, "GET", "/sparql?query=" + quote(ASK), {}))
        assert _statuses(reply) == [503] and b"Retry-After" in reply and took < 1.0
        for s in held:
            s.close()
        time.sleep(0.3)
        reply, _ = _raw(server, _request(server, "GET", "/sparql?query=" + quote(ASK), {"Connection": "close"}))
        assert _statuses(reply) == [200]
    finally:
        server.shutdown()
        server.server_close()


def test_load_many_clients_and_slow_ones_and_a_simple_query_still_answers():
    """200 concurrent clients send 2,000 queries while 40 slow clients trickle bytes: every
    request gets an answer (200, or 503 when busy), none is reset, and a probe query answers."""
    server = _start(idle_s=2.0, read_s=3.0)
    port = server.server_address[1]
    one = _request(server, "GET", "/sparql?query=" + quote(ASK), {})
    stop = threading.Event()

    def slow_client():
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            try:
                for byte in one:
                    if stop.is_set():
                        return
                    s.send(bytes([byte]))
                    time.sleep(0.25)
            except OSError:
                return  # cut by the server, as it should

    def client(n: int) -> list[int]:
        """10 queries on one keep-alive connection (reconnecting after a 503, which closes)."""
        codes: list[int] = []
        while len(codes) < 10:
            with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
                f = s.makefile("rb")
                while len(codes) < 10:
                    s.sendall(one)
                    status = int(f.readline().split()[1])
                    length = 0
                    while (line := f.readline()) not in (b"\r\n", b""):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                    f.read(length)
                    codes.append(status)
                    if status != 200:
                        break
        return codes

    slow = [threading.Thread(target=slow_client, daemon=True) for _ in range(40)]
    for t in slow:
        t.start()
    t0 = time.monotonic()
    with ThreadPoolExecutor(200) as pool:
        futures = [pool.submit(client, n) for n in range(200)]
        time.sleep(0.5)
        probe_t0 = time.monotonic()
        probe, _ = _raw(server, _request(server, "GET", "/sparql?query=" + quote("ASK { eso:a ?p ?o }"), {"Connection": "close"}), wait=10)
        probe_took = time.monotonic() - probe_t0
        codes = [c for f in futures for c in f.result()]
    took = time.monotonic() - t0
    stop.set()
    server.shutdown()
    server.server_close()
    ok = codes.count(200)
    print(f"load: {len(codes)} requests from 200 clients (+40 slow) in {took:.1f} s, {len(codes) / took:.0f}/s; "
          f"200: {ok}, 503: {codes.count(503)}; probe {probe_took * 1000:.0f} ms")
    assert len(codes) == 2000 and set(codes) <= {200, 503}
    assert ok >= 1800
    assert _statuses(probe) == [200] and b'"boolean":true' in probe
