"""A change to the graph: the triples added and removed, who, when and why.

Every edit (a form, an import, an undo) becomes one :class:`Change`.  It is
checked (SHACL, conflicts) and then written as a whole or not at all: to the
data file (``writeback``) or as one SPARQL Update (``remote``), and logged in
the history.  Builders in :mod:`graph.edit` (``add_organisation``...) make changes; a
problem with the input is a :class:`Problem` naming the field (and, for an
import, the file, row and column), collected into an :class:`EditError`.

Provenance: a change that adds facts adds a ``prov:Activity``
(``esi:change/<id>``) associated with the editor (``esi:editor/<slug>``, a
``prov:Person``) with its time; each resource it creates gets
``prov:wasGeneratedBy`` that activity, ``prov:wasAttributedTo`` the editor
and ``prov:generatedAtTime``; each existing resource it changes gets
``prov:wasInfluencedBy`` the activity.  Removals and undos leave no PROV
triples (an undo restores the graph exactly); their who and when are in the
history.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rdflib import Literal, URIRef

from ..errors import GraphError
from ..model import ESI, PROV, RDF, RDFS, XSD
from ..vocabulary import pick
from .naming import slugify

__all__ = ["Triple", "Problem", "EditError", "Change", "new_change_id", "now_utc", "editor_iri", "activity_iri", "with_provenance"]

Triple = tuple  # (subject, predicate, object) of rdflib terms


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an edit, named by field (and place in a spreadsheet)."""

    field: str
    message_pl: str
    message_en: str
    severity: str = "error"  # "error" refuses the change; "warning" is shown and allowed
    rule: str | None = None  # the SHACL shape or check that failed
    file: str | None = None
    row: int | None = None  # spreadsheet row (the header is row 1)
    column: str | None = None  # spreadsheet column letter (A, B, ...)
    focus: str | None = None  # the resource a SHACL finding is about

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column} ({self.field})" if self.field else f"column {self.column}")
        elif self.field:
            parts.append(self.field)
        return ", ".join(parts)

    def text(self, lang: str = "en") -> str:
        msg = pick(lang, self.message_pl, self.message_en, fallback=False)
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{self.severity}: {self.where()}: {msg}{rule}"


class EditError(GraphError):
    """An edit refused: every problem found, each naming its field (and row/column)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity == "error"] or list(self.problems)
        first = errors[0].text() if errors else "edit refused"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(first + more)

    def __reduce__(self):
        return (EditError, (self.problems,))


def now_utc() -> str:
    """The current time as ISO 8601 UTC with seconds (``2025-01-20T10:00:00Z``)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_change_id(when: str | None = None) -> str:
    """A sortable, unique change id: ``20250120T100000Z-3f9a1c``."""
    stamp = (when or now_utc()).replace("-", "").replace(":", "")
    return f"{stamp}-{secrets.token_hex(3)}"


def editor_iri(who: str) -> URIRef:
    return ESI["editor/" + (slugify(who) or "anonymous")]


def activity_iri(change_id: str) -> URIRef:
    return ESI["change/" + change_id.lower()]


@dataclass(frozen=True)
class Change:
    """Triples to add and remove, as one unit, with who, when and what."""

    op: str  # add_organisation, join_agreement, add_tie, end_tie, end_membership, correct, remove, import, undo
    what: str  # one line saying what the change does
    who: str
    when: str
    id: str
    added: frozenset = frozenset()
    removed: frozenset = frozenset()
    warnings: tuple[Problem, ...] = ()
    subjects: tuple[str, ...] = ()  # the main resources (to show the result)
    undoes: str | None = None

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed

    def summary(self) -> str:
        return f"{self.what} (+{len(self.added)} / -{len(self.removed)} triples)"

    def inverse(self, *, who: str, when: str | None = None) -> Change:
        """The change that undoes this one."""
        when = when or now_utc()
        return Change(
            op="undo",
            what=f"undo {self.id}: {self.what}",
            who=who,
            when=when,
            id=new_change_id(when),
            added=self.removed,
            removed=self.added,
            subjects=self.subjects,
            undoes=self.id,
        )

    def narrowed(self, added: Iterable[Triple], removed: Iterable[Triple]) -> Change:
        return replace(self, added=frozenset(added), removed=frozenset(removed))


def with_provenance(
    *,
    op: str,
    what: str,
    who: str,
    facts: Iterable[Triple],
    existing: set,
    removed: Iterable[Triple] = (),
    created: Iterable[URIRef] = (),
    modified: Iterable[URIRef] = (),
    warnings: Iterable[Problem] = (),
    subjects: Iterable[URIRef] = (),
    when: str | None = None,
) -> Change:
    """A change adding the ``facts`` not in ``existing``, plus PROV for who and when.

    ``existing`` holds the current triples about the resources involved; when
    every fact is already there and nothing is removed, the change is empty:
    re-adding the same facts changes nothing.
    """
    when = when or now_utc()
    change_id = new_change_id(when)
    new_facts = {t for t in facts if t not in existing}
    removed = {t for t in removed if t in existing}
    if not new_facts and not removed:
        return Change(op, what, who, when, change_id, warnings=tuple(warnings), subjects=tuple(map(str, subjects)))
    added = set(new_facts)
    if new_facts:
        activity = activity_iri(change_id)
        agent = editor_iri(who)
        stamp = Literal(when, datatype=XSD.dateTime)
        added |= {
            (activity, RDF.type, PROV.Activity),
            (activity, RDFS.label, Literal(what)),
            (activity, PROV.wasAssociatedWith, agent),
            (activity, PROV.startedAtTime, stamp),
            (activity, PROV.endedAtTime, stamp),
        }
        for t in ((agent, RDF.type, PROV.Agent), (agent, RDF.type, PROV.Person), (agent, RDFS.label, Literal(who))):
            if t not in existing:
                added.add(t)
        touched = {t[0] for t in new_facts}
        created = [c for c in created if c in touched]
        for iri in created:
            added |= {(iri, PROV.wasGeneratedBy, activity), (iri, PROV.wasAttributedTo, agent), (iri, PROV.generatedAtTime, stamp)}
        for iri in modified:
            if iri not in created and iri in touched:
                added.add((iri, PROV.wasInfluencedBy, activity))
    return Change(op, what, who, when, change_id, frozenset(added), frozenset(removed), tuple(warnings), tuple(map(str, subjects)))
