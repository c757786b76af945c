"""serve: a read-only SPARQL 1.1 Protocol endpoint at /sparql over the configured data."""

from __future__ import annotations

from ..endpoint import serve

NAME = "serve"
HELP = "a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql (Oxigraph behind the query guard)"


def add_arguments(p) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7878, help="port (default 7878)")
    p.add_argument("--cors", action="store_true", help="allow queries from web pages of other origins (e.g. YASGUI)")
    p.add_argument("--quiet", action="store_true", help="do not log each request")


def run(args, settings) -> int:
    serve(settings, host=args.host, port=args.port, cors=args.cors, verbose=not args.quiet)
    return 0
