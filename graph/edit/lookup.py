"""What the edit builders need to know about the current graph, read through a Store.

The same queries run on every backend (Oxigraph, rdflib, a remote
endpoint); their texts are in ``graph/queries/internal/``, values are bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from rdflib import Literal, URIRef

from ..bind import inject_rows
from ..dates import holds
from ..library import internal_query
from ..model import ESK, ESO, ESROLE, EST
from ..store import Store
from ..terc import Unit, gminy_by_code, read_terc
from ..vocabulary import Concept, Label
from .naming import normalise_name

__all__ = ["Concept", "OrgRecord", "Context"]


@dataclass(frozen=True)
class OrgRecord:
    iri: str
    labels: tuple[str, ...]  # Polish names
    kind: str | None
    gmina: str | None  # IRI of schema:location
    nip: str | None
    regon: str | None
    krs: str | None
    # lifetime as the source gives it (day, month or year; bounds are es:notLaterThan/es:notEarlierThan IRIs)
    founded: str | None = None
    founded_bound: str | None = None
    dissolved: str | None = None
    dissolved_bound: str | None = None

    def exists_on(self, day: str | None) -> bool:
        """Does the organisation exist on ``day`` (YYYY-MM-DD; None: every day)?  The one as-of rule, :func:`graph.dates.holds`."""
        return holds(self.founded, self.founded_bound, self.dissolved, self.dissolved_bound, day)

    @property
    def label(self) -> str:
        return self.labels[0] if self.labels else self.iri.rsplit("/", 1)[-1]

    @property
    def local(self) -> str:
        return self.iri[len(str(ESO)) :] if self.iri.startswith(str(ESO)) else self.iri


_IRI = re.compile(r"^https?://[^\s<>\"{}|^`\\]+$")


#: The record's fields after the labels, in the order of the list_org_records* queries' columns after ?label.
_FIELDS = ("kind", "gmina", "nip", "regon", "krs", "founded", "founded_bound", "dissolved", "dissolved_bound")


def _records(rows) -> dict[str, OrgRecord]:
    acc: dict[str, dict] = {}
    for o, label, *values in rows:
        d = acc.setdefault(o, {"labels": [], **dict.fromkeys(_FIELDS)})
        if label and label not in d["labels"]:
            d["labels"].append(label)
        for k, v in zip(_FIELDS, values, strict=True):
            d[k] = d[k] or v
    return {o: OrgRecord(o, tuple(sorted(d.pop("labels"))), **d) for o, d in sorted(acc.items())}


def _matches(rec: OrgRecord, key: str, value: str) -> bool:
    if key == "name":
        return value in rec.labels
    return getattr(rec, key) == value


class Context:
    """Lookups over a store, read once per context (make a new one after a change)."""

    def __init__(self, store: Store, *, terc_path=None):
        self.store = store
        self.terc_path = terc_path

    # -------------------------------------------------------------- schemes
    def _concepts(self, scheme: URIRef) -> dict[str, Concept]:
        _, rows = self.store.select_values(internal_query("list_scheme_concepts"), {"scheme": scheme})
        out: dict[str, Concept] = {}
        for c, n, pl, en, x in rows:
            if c not in out or (pl and not out[c].label.pl):
                out[c] = Concept(c, n, Label(pl or n, en or pl or n), direct_property=x or "")
        return dict(sorted(out.items(), key=lambda kv: kv[1].notation))

    @cached_property
    def kinds(self) -> dict[str, Concept]:
        return self._concepts(ESK.scheme)

    @cached_property
    def tie_kinds(self) -> dict[str, Concept]:
        return self._concepts(EST.scheme)

    @cached_property
    def roles(self) -> dict[str, Concept]:
        return self._concepts(ESROLE.scheme)

    @staticmethod
    def find_concept(concepts: dict[str, Concept], text: str) -> Concept | None:
        """A concept (:class:`graph.vocabulary.Concept`) by notation, Polish or English label, or IRI, in any case."""
        key = str(text).strip().casefold()
        if not key:
            return None
        for c in concepts.values():
            if key in (c.notation.casefold(), c.label.pl.casefold(), c.label.en.casefold(), c.iri.casefold()):
                return c
        norm = normalise_name(key)
        for c in concepts.values():
            if norm in (normalise_name(c.notation), normalise_name(c.label.pl), normalise_name(c.label.en)):
                return c
        return None

    # -------------------------------------------------------------- territory
    def gmina(self, code: str) -> Unit | None:
        kw = {"path": self.terc_path} if self.terc_path else {}
        return gminy_by_code(**kw).get(str(code).strip())

    @cached_property
    def terc_units(self) -> dict[str, Unit]:
        kw = {"path": self.terc_path} if self.terc_path else {}
        return {u.code: u for u in read_terc(**kw)}

    # -------------------------------------------------------------- instances
    @cached_property
    def organisations(self) -> dict[str, OrgRecord]:
        """Every organisation (reads them all: the lookups below read only what they need)."""
        _, rows = self.store.select_values(internal_query("list_org_records"))
        return _records(rows)

    def organisations_by(self, key: str, value: str) -> dict[str, OrgRecord]:
        """The organisations whose ``key`` (iri, nip, regon, krs, gmina or Polish name) is ``value``."""
        if "organisations" in self.__dict__:  # already read whole: no query
            return {o: r for o, r in self.organisations.items() if _matches(r, key, value)}
        if key == "iri":
            _, rows = self.store.select_values(internal_query("list_org_records"), {"o": URIRef(value)})
        else:
            term = URIRef(value) if key == "gmina" else Literal(value, lang="pl") if key == "name" else Literal(value)
            _, rows = self.store.select_values(internal_query(f"list_org_records_by_{key}"), {"v": term})
        return {o: r for o, r in _records(rows).items() if _matches(r, key, value)}

    def organisation(self, iri: str) -> OrgRecord | None:
        return self.organisations_by("iri", str(iri)).get(str(iri))

    def find_org(self, text: str) -> list[OrgRecord]:
        """Organisations by id (local name, ``eso:x`` or IRI), NIP, or exact Polish name."""
        key = str(text).strip()
        if not key:
            return []
        for candidate in (key, str(ESO) + key, str(ESO) + key.removeprefix("eso:")):
            if _IRI.match(candidate) and (rec := self.organisation(candidate)):
                return [rec]
        digits = "".join(ch for ch in key if ch.isdigit())
        if len(digits) == 10 and len(digits) >= len(key.replace("-", "").replace(" ", "")) - 2:
            found = list(self.organisations_by("nip", digits).values())
            if found:
                return found
        return list(self.organisations_by("name", key).values())

    def _find_org_by_reading_all(self, text: str) -> list[OrgRecord]:
        """The reference for :meth:`find_org` (tests compare the two)."""
        key = str(text).strip()
        if not key:
            return []
        orgs = self.organisations
        for candidate in (key, str(ESO) + key, str(ESO) + key.removeprefix("eso:")):
            if candidate in orgs:
                return [orgs[candidate]]
        digits = "".join(ch for ch in key if ch.isdigit())
        if len(digits) == 10 and len(digits) >= len(key.replace("-", "").replace(" ", "")) - 2:
            found = [o for o in orgs.values() if o.nip == digits]
            if found:
                return found
        return [o for o in orgs.values() if key in o.labels]

    @cached_property
    def agreements(self) -> dict[str, str]:
        _, rows = self.store.select_values(internal_query("list_agreements"))
        return dict(sorted((a, label or a) for a, label in rows))

    @cached_property
    def ties(self) -> list[dict]:
        _, rows = self.store.select_values(internal_query("list_tie_records"))
        return [dict(zip(("iri", "kind", "from", "to", "start", "end", "start_bound", "end_bound"), r)) for r in sorted(rows)]

    @cached_property
    def memberships(self) -> list[dict]:
        _, rows = self.store.select_values(internal_query("list_membership_records"))
        return [dict(zip(("iri", "member", "org", "role", "start", "end"), r)) for r in sorted(set(rows))]

    @cached_property
    def sources(self) -> dict[str, dict]:
        _, rows = self.store.select_values(internal_query("list_source_records"))
        out: dict[str, dict] = {}
        for s, title, url in rows:
            d = out.setdefault(s, {"iri": s, "titles": set(), "urls": set()})
            if title:
                d["titles"].add(title)
            if url:
                d["urls"].add(url)
        return out

    # -------------------------------------------------------------- triples
    def about(self, subjects) -> set:
        """Every triple whose subject is one of ``subjects`` (rdflib terms)."""
        subjects = sorted({str(s) for s in subjects if isinstance(s, URIRef)})
        out: set = set()
        for i in range(0, len(subjects), 500):
            res = self.store.query(inject_rows(internal_query("construct_about"), "s", [URIRef(s) for s in subjects[i : i + 500]]))
            out |= set(res.triples)
        return out

    def incoming(self, iri) -> set:
        """Every triple whose object is ``iri``."""
        res = self.store.query(internal_query("construct_incoming"), {"o": URIRef(str(iri))})
        return set(res.triples)

    def exists(self, iri) -> bool:
        return self.store.query(internal_query("ask_subject_exists"), {"s": URIRef(str(iri))}).boolean
