"""export: the network with attributes and metrics for Gephi, Cytoscape and yEd."""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "export"
HELP = "the network as GEXF 1.3 (Gephi), GraphML (yEd, igraph), Cytoscape.js JSON or networkx node-link JSON, with metrics"


def add_arguments(p) -> None:
    from ..analysis import EXPORT_FORMATS, FORMAT_ALIASES

    p.add_argument(
        "--format",
        choices=EXPORT_FORMATS + tuple(FORMAT_ALIASES),
        default="gexf",
        help="gexf (Gephi), graphml (yEd, igraph, Cytoscape), cytoscape (Cytoscape.js JSON, .cyjs), "
        "node-link (networkx JSON; 'json' is the same); default: gexf",
    )
    p.add_argument("--as-of", metavar="DATE", help="the network on DATE (YYYY-MM-DD or 'today')")
    p.add_argument("--output", "-o", metavar="PATH", help="write to PATH (default: standard output)")
    p.add_argument("--no-metrics", action="store_true", help="leave the metrics out (faster on large data)")
    p.add_argument("--no-memberships", action="store_true", help="leave the agreement and its memberships out")


def run(args, workspace) -> int:
    from ..analysis import FORMAT_ALIASES, export_network, node_metrics, organisation_lifetimes, parse_date, to_networkx
    from ..edit.writeback import write_atomic
    from ..errors import GraphError

    day = parse_date(args.as_of, field="--as-of")
    store = workspace.store
    g = to_networkx(store, as_of=day, include_memberships=not args.no_memberships)
    metrics = None if args.no_metrics else node_metrics(g)
    fmt = FORMAT_ALIASES.get(args.format, args.format)
    data = export_network(g, fmt, metrics=metrics, lifetimes=organisation_lifetimes(store))
    if not args.output:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    out = Path(args.output)
    if not out.parent.is_dir():
        raise GraphError(f"--output {out}: folder {out.parent} does not exist")
    write_atomic(out, data)  # a failure never leaves half a file (SECURITY T10)
    print(f"wrote {out} ({len(data):,} bytes, {fmt})", file=sys.stderr)
    return 0
