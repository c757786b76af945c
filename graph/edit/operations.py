"""Building changes: add an organisation, join the agreement, add a tie, end a
tie or a membership, correct or remove an entry.

The builders live in small modules: :mod:`.draft` (the :class:`Draft`, dates,
sources, territory, ``finish``), :mod:`.organisations`, :mod:`.agreement`,
:mod:`.ties` and :mod:`.corrections` (endings, corrections, removals).  This
module gathers their names in one place for the data page, the importer and
the tests; :mod:`graph.edit` exports the public ones.

Each ``draft_*`` function checks its input against the graph (through a
:class:`~graph.edit.lookup.Context`) and adds facts or problems to a
:class:`Draft`; the importer drafts many rows into one.  ``finish`` turns a
draft into a :class:`~graph.edit.changes.Change` (refusing it with every
problem when any is an error) and the public functions (``add_organisation``
...) do both.  Every fact needs a source; IRIs are stable (from the ``id``,
from an existing organisation with the same identifiers or name, else from
the name) so adding the same facts twice changes nothing, and likely
duplicates are warned about (SECURITY T14).
"""

from __future__ import annotations

from .agreement import JoinInput, draft_join, join_agreement
from .corrections import ORG_FIELDS, correct_organisation, end_membership, end_tie, remove_entry
from .draft import Draft, draft_source, finish, parse_date
from .organisations import OrganisationInput, add_organisation, draft_organisation
from .ties import TieInput, add_tie, draft_tie

__all__ = [
    "Draft",
    "OrganisationInput",
    "JoinInput",
    "TieInput",
    "draft_organisation",
    "draft_source",
    "draft_join",
    "draft_tie",
    "finish",
    "add_organisation",
    "join_agreement",
    "add_tie",
    "end_tie",
    "end_membership",
    "correct_organisation",
    "ORG_FIELDS",
    "remove_entry",
    "parse_date",
]
