"""metrics: one row per organisation (degree by tie kind, centralities, Burt, brokerage, community)."""

from __future__ import annotations

import json
import sys

NAME = "metrics"
HELP = "network metrics, one row per organisation (CSV or JSON)"


def add_arguments(p) -> None:
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--as-of", metavar="DATE", help="the network on DATE (YYYY-MM-DD or 'today')")
    p.add_argument("--seed", type=int, default=0, help="seed of community detection (and of sampled betweenness)")
    p.add_argument(
        "--method", choices=("auto", "networkx", "igraph", "sampled"), default="auto", help="betweenness and closeness algorithm"
    )


def run(args, workspace) -> int:
    from ..analysis import network_metrics, node_metrics, parse_date, to_networkx
    from ..analysis.report import _plain
    from ..results import spreadsheet_frame

    day = parse_date(args.as_of, field="--as-of")
    g = to_networkx(workspace.store, as_of=day)
    frame = node_metrics(g, seed=args.seed, method=args.method)
    if args.format == "json":
        out = {"network": _plain(network_metrics(g)), "organisations": _plain(frame.reset_index().to_dict(orient="records"))}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(spreadsheet_frame(frame).to_csv(lineterminator="\n", float_format="%.6g"))
    return 0
