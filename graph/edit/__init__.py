"""Keeping the graph current: checked, sourced, atomic, logged and undoable edits.

>>> from graph.edit import Editor, OrganisationInput, add_organisation
>>> sorted(n for n in __all__ if n.startswith("check_"))
['check_change', 'check_krs', 'check_nip', 'check_regon']

Modules: ``ids`` (NIP, REGON, KRS), ``naming`` (slugs, normalised names),
``changes`` (Change, Problem, PROV), ``lookup`` (what the graph holds),
the builders (``draft``: drafts, sources, territory, finishing;
``organisations``; ``agreement``; ``ties``; ``corrections``: endings,
corrections, removals), ``check`` (SHACL
per change), ``turtle`` and ``writeback`` (stable atomic writes under a lock),
``history`` (log, undo), ``importer`` (CSV/XLSX), ``remote`` (SPARQL Update),
``editor`` (all of it).

Names are imported on first use (PEP 562): ``import graph.edit.mirror`` (the
read-only ``graph stats``) does not pull in pySHACL with the checks, and an
edit imports the builders it uses only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names

if TYPE_CHECKING:  # what the names are, for readers and type checkers; imported on first use
    from .agreement import JoinInput, join_agreement
    from .changes import Change, EditError, Problem
    from .check import check_change
    from .corrections import ORG_FIELDS, correct_organisation, end_membership, end_tie, remove_entry
    from .editor import Editor
    from .history import Entry, history_path, read_history
    from .ids import IdentifierError, check_krs, check_nip, check_regon
    from .importer import ORG_COLUMNS, TIE_COLUMNS, ImportPlan, plan_import, read_table, template_csv, template_xlsx
    from .lookup import Context
    from .organisations import OrganisationInput, add_organisation
    from .ties import TieInput, add_tie
    from .writeback import WriteError, locked, save

#: Public name -> the submodule that defines it.
_WHERE = {
    "Change": "changes",
    "Context": "lookup",
    "EditError": "changes",
    "Editor": "editor",
    "Entry": "history",
    "IdentifierError": "ids",
    "ImportPlan": "importer",
    "JoinInput": "agreement",
    "ORG_COLUMNS": "importer",
    "ORG_FIELDS": "corrections",
    "OrganisationInput": "organisations",
    "Problem": "changes",
    "TIE_COLUMNS": "importer",
    "TieInput": "ties",
    "WriteError": "writeback",
    "add_organisation": "organisations",
    "add_tie": "ties",
    "check_change": "check",
    "check_krs": "ids",
    "check_nip": "ids",
    "check_regon": "ids",
    "correct_organisation": "corrections",
    "end_membership": "corrections",
    "end_tie": "corrections",
    "history_path": "history",
    "join_agreement": "agreement",
    "locked": "writeback",
    "plan_import": "importer",
    "read_history": "history",
    "read_table": "importer",
    "remove_entry": "corrections",
    "save": "writeback",
    "template_csv": "importer",
    "template_xlsx": "importer",
}

__all__ = [
    "Change",
    "Context",
    "EditError",
    "Editor",
    "Entry",
    "IdentifierError",
    "ImportPlan",
    "JoinInput",
    "ORG_COLUMNS",
    "ORG_FIELDS",
    "OrganisationInput",
    "Problem",
    "TIE_COLUMNS",
    "TieInput",
    "WriteError",
    "add_organisation",
    "add_tie",
    "check_change",
    "check_krs",
    "check_nip",
    "check_regon",
    "correct_organisation",
    "end_membership",
    "end_tie",
    "history_path",
    "join_agreement",
    "locked",
    "plan_import",
    "read_history",
    "read_table",
    "remove_entry",
    "save",
    "template_csv",
    "template_xlsx",
]


__getattr__, __dir__ = lazy_names(__name__, _WHERE, globals(), __all__)  # names imported on first use (graph.lazy)
