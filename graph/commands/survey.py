"""survey: the tie survey's rounds (create, status, revoke, reissue, close, accept, reject).

The round file lies beside the first data file (``<stem>.survey-<round>.ttl``);
see docs/survey.md.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import os
import sys
from pathlib import Path

NAME = "survey"
HELP = "a survey of the partners' ties: create a round with personal links, see its status, accept or reject claims"


def _common(p) -> None:
    # --data and --backend after the subcommand too (the parent's stay when these are not given)
    p.add_argument(
        "--data", nargs="+", metavar="PATH", default=argparse.SUPPRESS, help="data files (edits and the round file go beside the first)"
    )
    p.add_argument("--backend", choices=("oxigraph", "rdflib", "remote"), default=argparse.SUPPRESS, help="store backend")
    p.add_argument("--round", required=True, metavar="NAME", help="the round's name (lower-case letters, digits, hyphens)")


def _ties(p) -> None:
    p.add_argument(
        "--tie", nargs=2, action="append", metavar=("FROM", "TO"), default=[], help="a claimed tie (organisation ids); repeat for more"
    )


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = sub.add_parser("create", help="open a round: one personal link per invited organisation, written to a CSV for a mail merge")
    _common(c)
    c.add_argument(
        "--as-of",
        metavar="DATE",
        help="the day the round asks about (YYYY-MM-DD); only organisations existing then (without it: today, UTC) are invited; accepted ties start by then",
    )
    c.add_argument(
        "--orgs", nargs="+", default=["all"], metavar="KIND", help="all (default) or organisation kinds to invite (e.g. ops ngo)"
    )
    c.add_argument("--expires", metavar="DATE", help="the last day the links work (YYYY-MM-DD, through 23:59:59 UTC)")
    c.add_argument(
        "--base-url", default="http://127.0.0.1:8502", help="where respondents open the survey app (links are <base-url>/survey?t=TOKEN)"
    )
    c.add_argument("--label", default="", help="a title for the round")
    c.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="CSV",
        help="the links CSV (organisation,label,url); it holds working links: keep it private",
    )
    s = sub.add_parser("status", help="who answered, confirmed and one-sided ties, scores")
    _common(s)
    s.add_argument("--format", choices=("json", "md", "csv"), default="md", help="csv: the ties, one row per pair")
    s.add_argument("--lang", choices=("pl", "en"), default="pl", help="language of the Markdown (default pl)")
    r = sub.add_parser("revoke", help="revoke organisations' links at once")
    _common(r)
    r.add_argument("--org", nargs="+", required=True, metavar="ID")
    i = sub.add_parser("reissue", help="new links for organisations (the old ones stop working)")
    _common(i)
    i.add_argument("--org", nargs="+", required=True, metavar="ID")
    i.add_argument("--base-url", default="http://127.0.0.1:8502")
    i.add_argument("-o", "--output", required=True, metavar="CSV")
    x = sub.add_parser("close", help="close the round: every link is refused from now on")
    _common(x)
    a = sub.add_parser("accept", help="add claimed ties to the curated data (sourced to the round; undo with `python -m graph undo`)")
    _common(a)
    _ties(a)
    a.add_argument(
        "--proposal", nargs=2, metavar=("BY", "N"), help="a proposed organisation instead: the proposing organisation's id and the number"
    )
    a.add_argument("--kind", default="", help="with --proposal: the kind, where the proposal has none or it is wrong")
    a.add_argument("--gmina", default="", help="with --proposal: the TERC code of the seat, likewise")
    a.add_argument("--all-confirmed", action="store_true", help="every confirmed tie not yet in the data and not rejected")
    a.add_argument("--user", default=None, help="who accepts (default: the login name)")
    n = sub.add_parser("network", help="the survey's network as a Turtle data file, for every analysis (alone, or with the curated data)")
    _common(n)
    n.add_argument("--ties", choices=("confirmed", "all"), default="confirmed", help="confirmed pairs only (default) or every claimed pair")
    n.add_argument("-o", "--output", required=True, metavar="TTL")
    j = sub.add_parser("reject", help="mark claimed ties as rejected (they stay in the round file)")
    _common(j)
    _ties(j)
    j.add_argument("--proposal", nargs=2, metavar=("BY", "N"), help="a proposed organisation instead")
    j.add_argument("--undo", action="store_true", help="clear the mark instead")


def _write_links(path: str, rows: list[dict]) -> None:
    from ..results import spreadsheet_cell

    target = Path(path)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # working links: readable by the owner only
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(("organisation", "label", "url"))
        for row in rows:
            w.writerow([spreadsheet_cell(row[k]) for k in ("organisation", "label", "url")])


def run(args, workspace) -> int:
    from .. import survey
    from ..edit.editor import Editor
    from ..edit.lookup import Context
    from ..views.explore import territory_labels
    from ..wording import count

    path = survey.round_path(workspace.settings.edit_file, args.round)
    act = args.action
    if act == "create":
        store = workspace.store
        ctx = Context(store)
        path, data, tokens, left_out = survey.create_round(
            workspace.settings.edit_file, args.round, ctx, as_of=args.as_of, kinds=args.orgs, expires=args.expires, label=args.label
        )
        _write_links(args.output, survey.link_rows(ctx.organisations, tokens, args.base_url))
        print(f"round {args.round}: {len(tokens)} links written to {args.output}; answers go to {path}", file=sys.stderr)
        if left_out:
            print(
                f"{count(len(left_out), 'organisation', 'en')} left out: dissolved or not yet founded on {survey.round_day(data)}",
                file=sys.stderr,
            )
        return 0
    if act == "reissue":
        store = workspace.store
        tokens = survey.reissue(path, args.round, args.org)
        _write_links(args.output, survey.link_rows(Context(store).organisations, tokens, args.base_url))
        print(f"{len(tokens)} new links written to {args.output}", file=sys.stderr)
        return 0
    if act == "revoke":
        done = survey.revoke(path, args.round, args.org)
        print(f"revoked {len(done)} links of round {args.round}", file=sys.stderr)
        return 0
    if act == "close":
        when = survey.close_round(path, args.round)
        print(f"round {args.round} closed at {when}", file=sys.stderr)
        return 0
    store = workspace.store
    ctx = Context(store)
    data = survey.load(path, args.round)
    if act == "status":
        st = survey.status(data, ctx, terc_labels=territory_labels(store))
        out = survey.to_markdown(st, args.lang) if args.format == "md" else {"json": survey.to_json, "csv": survey.to_csv}[args.format](st)
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
        return 0
    if act == "network":
        from ..edit.turtle import serialise
        from ..edit.writeback import write_atomic
        from ..model import PREFIXES
        from ..survey.network import network_triples

        triples, ties, skipped = network_triples(data, ctx, which=args.ties)
        header = f"# The {args.ties} ties of survey round {args.round!r} (claims, not curated data; docs/survey.md).\n\n"
        write_atomic(args.output, serialise(triples, prefixes=PREFIXES, header=header))
        print(
            f"{ties} ties written to {args.output}" + (f"; {skipped} pairs without a tie kind left out" if skipped else ""), file=sys.stderr
        )
        return 0
    if args.proposal:
        by, n = args.proposal
        if not n.isdigit():
            print(f"error: --proposal: N must be a number, got {n!r}", file=sys.stderr)
            return 2
        if act == "accept":
            done = survey.accept_proposal(
                Editor(workspace.settings, store), data, by, int(n), who=args.user or getpass.getuser(), kind=args.kind, gmina=args.gmina
            )
            print(
                f"accepted the proposed organisation: +{len(done.added)} triples; change {done.id} (undo: python -m graph undo {done.id})"
            )
        else:
            survey.reject_proposal(path, args.round, by, int(n), ctx, undo=args.undo)
            print(f"{'cleared' if args.undo else 'rejected'} proposal {n} of {by}")
        return 0
    pairs = [tuple(t) for t in args.tie]
    if act == "accept" and args.all_confirmed:
        st = survey.status(data, ctx)
        pairs += [(t["from"], t["to"]) for t in st["ties"] if t["confirmed"] and not t["in_data"] and not t["rejected"]]
    if not pairs:
        print("error: name ties with --tie FROM TO" + (" or --all-confirmed" if act == "accept" else ""), file=sys.stderr)
        return 2
    if act == "accept":
        done = survey.accept(Editor(workspace.settings, store), data, pairs, who=args.user or getpass.getuser())
        print(f"accepted {len(pairs)} ties: +{len(done.added)} triples; change {done.id} (undo: python -m graph undo {done.id})")
        return 0
    n = survey.reject(path, args.round, pairs, ctx, undo=args.undo)
    print(f"{'cleared' if args.undo else 'rejected'} {n} claims")
    return 0
