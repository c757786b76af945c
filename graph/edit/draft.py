"""Drafts: the facts and problems gathered before they become one change.

Each ``draft_*`` builder (in :mod:`.organisations`, :mod:`.agreement` and
:mod:`.ties`) checks its input against the graph (through a
:class:`~graph.edit.lookup.Context`) and adds facts or problems to a
:class:`Draft`; the importer drafts many rows into one.  :func:`finish` turns
a draft into a :class:`~graph.edit.changes.Change`, refusing it with every
problem when any is an error.  Here too is what the builders share: dates,
sources (every fact needs one), territorial units from TERC, and finding one
organisation by its id, NIP or exact name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from ..model import DCTERMS, ES, ESG, ESSRC, FOAF, PROV, RDF, SDO, SKOS, TERC, XSD
from ..terms import checked_iri
from ..wording import count
from .changes import Change, EditError, Problem, editor_iri, with_provenance
from .lookup import Context, OrgRecord
from .naming import normalise_name, slugify

__all__ = [
    "GUS_TERC",
    "Draft",
    "parse_date",
    "read_date",
    "date_literal",
    "local_part",
    "draft_source",
    "draft_territory",
    "find_one_org",
    "finish",
]

GUS_TERC = ESSRC["gus-terc-2020"]
_RODZ = {1: "gmina miejska", 2: "gmina wiejska", 3: "gmina miejsko-wiejska"}


@dataclass
class Draft:
    """Facts and problems gathered before they become one change."""

    ctx: Context
    facts: set = field(default_factory=set)
    removed: set = field(default_factory=set)
    created: list = field(default_factory=list)
    modified: list = field(default_factory=list)
    subjects: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    reserved: set = field(default_factory=set)  # IRIs minted in this draft
    sources: dict = field(default_factory=dict)  # source text -> IRI
    place: dict = field(default_factory=dict)  # file/row/column context for problems (importer)

    def error(self, fld: str, pl: str, en: str, **kw) -> None:
        self.problems.append(Problem(fld, pl, en, **(self.place | kw)))

    def warn(self, fld: str, pl: str, en: str, **kw) -> None:
        self.problems.append(Problem(fld, pl, en, severity="warning", **(self.place | kw)))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def taken(self, iri: URIRef) -> bool:
        return iri in self.reserved or self.ctx.exists(iri)

    def add_new(self, iri: URIRef, facts: set) -> None:
        """Record a resource this draft creates, with its facts, as a subject of the change."""
        self.facts |= facts
        self.created.append(iri)
        self.reserved.add(iri)
        self.subjects.append(iri)


# ------------------------------------------------------------------ values


def parse_date(text) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (or a date/datetime object); None when empty; ValueError when bad."""
    if text is None or text == "":
        return None
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    value = str(text).strip()
    if not value:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00:00)?", value):
        return dt.date.fromisoformat(value[:10])
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value):  # 20.01.2017, as Polish Excel shows dates
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise ValueError(value)


def read_date(draft: Draft, fld: str, text, *, required: bool) -> dt.date | None:
    try:
        value = parse_date(text)
    except ValueError:
        draft.error(fld, f"zła data {str(text)!r}: użyj RRRR-MM-DD", f"bad date {str(text)!r}: use YYYY-MM-DD")
        return None
    if value is None and required:
        draft.error(fld, "data jest wymagana", "a date is required")
    return value


def date_literal(d: dt.date) -> Literal:
    return Literal(d.isoformat(), datatype=XSD.date)


def local_part(iri: str, ns) -> str:
    iri = str(iri)
    return iri[len(str(ns)) :] if iri.startswith(str(ns)) else slugify(iri)


# ------------------------------------------------------------------ sources


def draft_source(draft: Draft, text: str, fld: str = "source") -> URIRef | None:
    """The source document for ``text``: an existing ``essrc:`` id, a URL, or a document title."""
    text = str(text or "").strip()
    if not text:
        draft.error(fld, "źródło jest wymagane (adres URL albo tytuł dokumentu)", "a source is required (a URL or a document title)")
        return None
    if text in draft.sources:
        return draft.sources[text]
    ctx = draft.ctx
    sources = ctx.sources
    if text.startswith("essrc:") or text.startswith(str(ESSRC)):
        iri = ESSRC[text.removeprefix("essrc:")] if text.startswith("essrc:") else URIRef(text)
        if str(iri) not in sources and iri not in draft.reserved:
            draft.error(fld, f"nie ma źródła {text}", f"no source {text}")
            return None
        draft.sources[text] = iri
        return iri
    is_url = bool(re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", text))
    if is_url:
        if not re.match(r"^https?://", text, re.I):
            draft.error(fld, "dozwolone są tylko adresy http(s)://", "only http(s):// addresses are allowed")
            return None
        try:
            url = checked_iri(text, field=fld)
        except ValueError:
            draft.error(fld, f"zły adres URL: {text!r}", f"not a valid URL: {text!r}")
            return None
        for s in sources.values():
            if str(url) in s["urls"]:
                draft.sources[text] = URIRef(s["iri"])
                return draft.sources[text]
        base = slugify(re.sub(r"^https?://(www\.)?", "", text, flags=re.I), max_length=60) or "source"
        facts = [(DCTERMS.title, Literal(text)), (SDO.url, url), (DCTERMS.source, url)]
    else:
        norm = normalise_name(text)
        for s in sources.values():
            if any(normalise_name(t) == norm for t in s["titles"]):
                draft.sources[text] = URIRef(s["iri"])
                return draft.sources[text]
        base = slugify(text, max_length=60) or "source"
        facts = [(DCTERMS.title, Literal(text, lang="pl"))]
    iri = ESSRC[base]
    if draft.taken(iri):
        iri = ESSRC[f"{base}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"]
    draft.reserved.add(iri)
    draft.sources[text] = iri
    draft.facts |= {(iri, RDF.type, FOAF.Document), (iri, RDF.type, ES.SourceDocument)} | {(iri, p, o) for p, o in facts}
    draft.created.append(iri)
    return iri


# ------------------------------------------------------------------ territory


def draft_territory(draft: Draft, code: str) -> URIRef | None:
    unit = draft.ctx.gmina(code)
    if unit is None:
        draft.error(
            "teryt",
            f"nie ma gminy o kodzie TERC {code!r} (7 cyfr: WOJ+POW+GMI+RODZ)",
            f"no gmina with TERC code {code!r} (7 digits: WOJ+POW+GMI+RODZ)",
        )
        return None
    iri = TERC[unit.code]
    if iri in draft.reserved or draft.ctx.exists(iri):
        return iri
    units = draft.ctx.terc_units
    chain = [unit]
    while chain[-1].parent and not (TERC[chain[-1].parent] in draft.reserved or draft.ctx.exists(TERC[chain[-1].parent])):
        chain.append(units[chain[-1].parent])
    for u in chain:
        node = TERC[u.code]
        cls = {"gmina": ES.Gmina, "powiat": ES.Powiat, "voivodeship": ES.Voivodeship}[u.level]
        label = u.name.lower() if u.level == "voivodeship" else u.name
        draft.facts |= {
            (node, RDF.type, cls),
            (node, RDF.type, ES.TerritorialUnit),
            (node, RDF.type, SDO.AdministrativeArea),
            (node, SKOS.prefLabel, Literal(label, lang="pl")),
            (node, SKOS.notation, Literal(u.code)),
            (node, PROV.wasDerivedFrom, GUS_TERC),
        }
        if u.parent:
            draft.facts.add((node, SDO.containedInPlace, TERC[u.parent]))
        if u.level == "gmina":
            draft.facts |= {(node, ES.gminaKind, ESG[str(u.rodz)]), (node, SKOS.note, Literal(f"TERC: {_RODZ[u.rodz]}", lang="pl"))}
        draft.reserved.add(node)
    return iri


# ------------------------------------------------------------------ one organisation, named


def find_one_org(draft: Draft, text: str, fld: str) -> OrgRecord | None:
    text = str(text or "").strip()
    if not text:
        draft.error(fld, "wybierz organizację", "choose an organisation")
        return None
    found = draft.ctx.find_org(text)
    if not found:
        draft.error(
            fld,
            f"nie ma organizacji {text!r} (podaj id, NIP albo dokładną nazwę)",
            f"no organisation {text!r} (give its id, NIP or exact name)",
        )
        return None
    if len(found) > 1:
        draft.error(
            fld,
            f"{count(len(found), 'organizacja pasuje|organizacje pasują|organizacji pasuje')} do {text!r}; podaj id",
            f"{count(len(found), 'organisation matches|organisations match', 'en')} {text!r}; give the id",
        )
        return None
    return found[0]


# ------------------------------------------------------------------ finishing


def finish(draft: Draft, *, op: str, what: str, who: str, allow_warnings: bool = True) -> Change:
    """The change a draft makes, or EditError with every problem."""
    if not str(who or "").strip():
        draft.error("user", "podaj, kto wprowadza zmianę", "say who is making the change")
    errors = draft.errors
    if errors or (draft.problems and not allow_warnings):
        raise EditError(draft.problems)
    subjects = {t[0] for t in draft.facts | draft.removed} | {editor_iri(who)}
    existing = draft.ctx.about(subjects)
    return with_provenance(
        op=op,
        what=what,
        who=who.strip(),
        facts=draft.facts,
        existing=existing,
        removed=draft.removed,
        created=draft.created,
        modified=draft.modified,
        warnings=[p for p in draft.problems if p.severity == "warning"],
        subjects=draft.subjects,
    )
