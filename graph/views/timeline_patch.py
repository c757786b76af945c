"""The agreement timeline after an edit, from the one before: only what the edit touched is read again.

:func:`graph.views.overview.agreement_timeline` reads only the triples of the
agreements, their memberships, the members and the roles.  An edit that
changed the triples of some subjects (:attr:`graph.edit.editor.Editor.changed`)
therefore leaves every row alone whose agreement, membership, member and role
it did not touch: :func:`patch_timeline` keeps those rows and reads the
memberships among the subjects and the memberships of the members among them
again with a bound query (``list_agreement_timeline_of``).  An edit to an
agreement or a role (rows of many members read them) needs the whole query.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from rdflib import URIRef

from ..bind import inject_rows
from ..library import internal_query
from ..store import Store
from .overview import TIMELINE_COLUMNS, timeline_frame, timeline_records

__all__ = ["patch_timeline"]

_CHUNK = 400  # values per VALUES block


def _select(store: Store, name: str, values: list[str]) -> list[tuple]:
    rows: list[tuple] = []
    for i in range(0, len(values), _CHUNK):
        rows.extend(store.select_values(inject_rows(internal_query(name), "s", [URIRef(v) for v in values[i : i + _CHUNK]]))[1])
    return rows


def patch_timeline(store: Store, table: pd.DataFrame, subjects: Iterable[str]) -> pd.DataFrame | None:
    """The agreement timeline of ``store`` after an edit that changed the triples of
    ``subjects`` (IRIs), from ``table``, the timeline before it: ``table`` itself when the
    edit touched none of its agreements, memberships, members or roles; a new table with the
    touched memberships read again; None when it touched an agreement or a role (the caller
    reads the whole timeline again)."""
    subjects = sorted({str(s) for s in subjects})
    if not subjects:
        return table
    what = {w for _, w in _select(store, "list_timeline_subjects", subjects)}
    if "agreement" in what or "role" in what or table["agreement"].isin(subjects).any():
        return None
    touched = table["membership"].isin(subjects) | table["member"].isin(subjects)
    if not what and not touched.any():
        return table
    cols = [c for c in TIMELINE_COLUMNS if c != "joined"]
    part = table.loc[~touched, cols]
    part = part.astype(object).where(part.notna(), None).to_numpy()  # a missing value is None, as timeline_records gives it
    records = {r[2]: tuple(r) for r in part}
    records.update(timeline_records(_select(store, "list_agreement_timeline_of", subjects)))
    return timeline_frame(records.values())
