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
"""

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
