"""absence: record a verified absence (checked: no PES in gmina Pawłów, as of a day) in data/absences.ttl."""

from __future__ import annotations

import getpass
import sys

NAME = "absence"
HELP = "record a verified absence (a coordinator checked that a gmina has no organisation of a kind), checked and undoable"


def add_arguments(p) -> None:
    from ..edit.absences import ABSENCES_FILE

    p.add_argument("--at", required=True, help="the gmina (TERC code, e.g. 2611042) or an organisation (id, NIP or name)")
    p.add_argument("--kind", required=True, help="what is absent: 'pes' (any PES kind) or a kind (e.g. social_cooperative, ops, owes)")
    p.add_argument("--on", required=True, metavar="DATE", help="the day it was checked, YYYY-MM-DD ('stan na')")
    p.add_argument("--by", required=True, help="who checked (a name or a post)")
    p.add_argument("--source", required=True, help="on what basis (an address or a description)")
    p.add_argument("--comment", default="", help="a note in Polish, e.g. 'sprawdzono: w gminie Pawłów nie działa żaden PES'")
    p.add_argument("--file", default=str(ABSENCES_FILE), help="the absences file (default: data/absences.ttl)")
    p.add_argument("--user", default=None, help="who enters it (recorded with PROV; default: the login name)")
    p.add_argument("--lang", choices=("pl", "en"), default="en")


def run(args, workspace) -> int:
    from ..edit.absences import AbsenceInput, absence_settings, add_absence
    from ..edit.changes import EditError
    from ..edit.editor import Editor

    editor = Editor(absence_settings(workspace.settings, args.file))
    inp = AbsenceInput(args.at, args.kind, args.on, args.by, args.source, args.comment)
    try:
        done = editor.commit(add_absence(editor.context(), inp, who=args.user or getpass.getuser()))
    except EditError as exc:
        for p in exc.problems:
            print(p.text(args.lang), file=sys.stderr)
        return 2
    print(f"recorded in {editor.path}: change {done.id} (undo: python -m graph undo {done.id} --data {editor.path})")
    return 0
