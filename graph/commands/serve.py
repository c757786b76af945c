"""serve: a read-only SPARQL 1.1 Protocol endpoint at /sparql over the configured data."""

from __future__ import annotations

NAME = "serve"
HELP = "a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql (the query guard in front of killable query workers)"


def add_arguments(p) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=7878, help="port (default 7878)")
    p.add_argument("--cors", action="store_true", help="allow queries from web pages of other origins (e.g. YASGUI)")
    p.add_argument("--quiet", action="store_true", help="do not log each request")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="another name this server answers to in the Host header (repeatable; "
                        "default localhost, 127.0.0.1, [::1] and the --host address; setting GRAPH_SERVE_HOSTS)")


def run(args, workspace) -> int:
    from ..endpoint import serve

    serve(workspace.settings, host=args.host, port=args.port, cors=args.cors, verbose=not args.quiet, allow_hosts=tuple(args.allow_host))
    return 0
