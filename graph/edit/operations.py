"""Building changes: add an organisation, join the agreement, add a tie, end a
tie or a membership, correct or remove an entry.

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

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef

from ..model import DCTERMS, ES, ESG, ESM, ESO, ESP, ESSRC, ESTIE, FOAF, ORG, PROV, RDF, RDFS, SDO, SKOS, TERC, TIME, XSD
from ..terms import checked_iri
from .changes import Change, EditError, Problem, editor_iri, with_provenance
from .ids import CHECKS, IdentifierError
from .lookup import Context, OrgRecord
from .naming import normalise_name, slugify

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

GUS_TERC = ESSRC["gus-terc-2020"]
DEFAULT_AGREEMENT = ESO["porozumienie-starachowice-2017"]
#: organisation fields a correction may change
ORG_FIELDS = ("name", "name_en", "kind", "teryt", "address", "nip", "regon", "krs")
_ID_PREDICATES = {"nip": ES.nip, "regon": ES.regon, "krs": ES.krs}
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


def _date(draft: Draft, fld: str, text, *, required: bool) -> dt.date | None:
    try:
        value = parse_date(text)
    except ValueError:
        draft.error(fld, f"zła data {str(text)!r}: użyj RRRR-MM-DD", f"bad date {str(text)!r}: use YYYY-MM-DD")
        return None
    if value is None and required:
        draft.error(fld, "data jest wymagana", "a date is required")
    return value


def _dl(d: dt.date) -> Literal:
    return Literal(d.isoformat(), datatype=XSD.date)


def _iri_local(iri: str, ns) -> str:
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


def _territory(draft: Draft, code: str) -> URIRef | None:
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


# ------------------------------------------------------------------ organisations


@dataclass(frozen=True)
class OrganisationInput:
    name: str
    kind: str
    teryt: str
    source: str
    name_en: str = ""
    address: str = ""
    nip: str = ""
    regon: str = ""
    krs: str = ""
    id: str = ""


def _same_name(rec: OrgRecord, norm: str) -> bool:
    return any(normalise_name(label) == norm for label in rec.labels)


def _resolve_org(draft: Draft, inp: OrganisationInput, ids: dict, gmina: URIRef | None) -> tuple[URIRef, OrgRecord | None]:
    ctx = draft.ctx
    orgs = ctx.organisations
    norm = normalise_name(inp.name)
    reasons: dict[str, list[tuple[str, str, str]]] = {}
    for rec in orgs.values():
        for key, value in ids.items():
            if value and getattr(rec, key) == value:
                reasons.setdefault(rec.iri, []).append((key, f"ten sam {key.upper()}", f"same {key.upper()}"))
        if gmina is not None and rec.gmina == str(gmina) and _same_name(rec, norm):
            reasons.setdefault(rec.iri, []).append(("name", "ta sama nazwa w tej samej gminie", "same name in the same gmina"))
    if inp.id.strip():
        local = slugify(inp.id.removeprefix("eso:"))
        iri = ESO[local]
    else:
        iri = None
        for rec_iri in sorted(reasons):
            rec = orgs[rec_iri]
            conflict = any(v and getattr(rec, k) and getattr(rec, k) != v for k, v in ids.items())
            if (
                _same_name(rec, norm)
                and not conflict
                and (rec.gmina == (str(gmina) if gmina else None) or any(k != "name" for k, *_ in reasons[rec_iri]))
            ):
                iri = URIRef(rec_iri)
                break
        if iri is None:
            base = slugify(inp.name) or "organizacja"
            iri = ESO[base]
            if draft.taken(iri) and gmina is not None:
                unit = ctx.gmina(str(gmina).rsplit("/", 1)[-1])
                iri = ESO[f"{base}-{slugify(unit.name) if unit else 'x'}"]
            n = 2
            stem = str(iri)[len(str(ESO)) :]
            while draft.taken(iri):
                iri = ESO[f"{stem}-{n}"]
                n += 1
    for rec_iri, why in sorted(reasons.items()):
        if rec_iri == str(iri):
            continue
        rec = orgs[rec_iri]
        fld = why[0][0]
        draft.warn(
            fld,
            f"możliwy duplikat: {rec.local} „{rec.label}” ({', '.join(w[1] for w in why)})",
            f'possible duplicate: {rec.local} "{rec.label}" ({", ".join(w[2] for w in why)})',
            rule="duplicate",
        )
    return iri, orgs.get(str(iri))


def draft_organisation(draft: Draft, inp: OrganisationInput) -> URIRef | None:
    """Check one organisation and add its facts; returns its IRI (None when it has errors)."""
    ctx = draft.ctx
    before = len(draft.errors)
    name = " ".join(str(inp.name or "").split())
    if not name:
        draft.error("name", "nazwa (po polsku) jest wymagana", "the (Polish) name is required")
    kind = ctx.find_concept(ctx.kinds, inp.kind) if str(inp.kind or "").strip() else None
    if kind is None:
        shown = str(inp.kind or "").strip()
        draft.error(
            "kind",
            f"nieznany rodzaj {shown!r}; wybierz jeden z: {', '.join(ctx.kinds[k].notation for k in ctx.kinds)}"
            if shown
            else "rodzaj jest wymagany",
            f"unknown kind {shown!r}; choose one of: {', '.join(ctx.kinds[k].notation for k in ctx.kinds)}"
            if shown
            else "the kind is required",
        )
    code = re.sub(r"\s", "", str(inp.teryt or ""))
    gmina = None
    if not code:
        draft.error("teryt", "kod TERC gminy jest wymagany", "the gmina's TERC code is required")
    elif not re.fullmatch(r"\d{7}", code):
        draft.error("teryt", f"kod TERC gminy ma 7 cyfr, jest {code!r}", f"a gmina's TERC code has 7 digits, got {code!r}")
    else:
        gmina = _territory(draft, code)
    ids: dict[str, str] = {}
    for key, check in CHECKS.items():
        raw = str(getattr(inp, key) or "").strip()
        if raw:
            try:
                ids[key] = check(raw)
            except IdentifierError as exc:
                draft.error(key, exc.message_pl, exc.message_en)
    if inp.id.strip() and not slugify(inp.id):
        draft.error("id", "identyfikator musi zawierać litery lub cyfry", "the id must hold letters or digits")
    source = draft_source(draft, inp.source)
    if len(draft.errors) > before or not name:
        return None
    iri, rec = _resolve_org(draft, OrganisationInput(**{**inp.__dict__, "name": name}), ids, gmina)
    facts = {
        (iri, RDF.type, ORG.Organization),
        (iri, ORG.classification, URIRef(kind.iri)),
        (iri, SDO.location, gmina),
        (iri, PROV.wasDerivedFrom, source),
    }
    label_pl = Literal(name, lang="pl")
    if inp.name_en.strip():
        facts.add((iri, SKOS.prefLabel, Literal(" ".join(inp.name_en.split()), lang="en")))
    if inp.address.strip():
        facts.add((iri, SDO.address, Literal(" ".join(inp.address.split()))))
    for key, value in ids.items():
        facts.add((iri, _ID_PREDICATES[key], Literal(value)))
    if rec is None:
        facts.add((iri, SKOS.prefLabel, label_pl))
        draft.created.append(iri)
    else:
        current = ctx.about([iri])
        if not _same_name(rec, normalise_name(name)):
            draft.error(
                "name",
                f"{rec.local} ma już nazwę „{rec.label}”; zmień ją przez korektę",
                f'{rec.local} is already named "{rec.label}"; change it with a correction',
            )
        for fld, pred in (
            ("kind", ORG.classification),
            ("teryt", SDO.location),
            ("address", SDO.address),
            *((k, p) for k, p in _ID_PREDICATES.items()),
        ):
            new = {o for s, p, o in facts if p == pred}
            old = {o for s, p, o in current if p == pred}
            if new and old and not new & old:
                draft.error(
                    fld,
                    f"{rec.local} ma już inną wartość: {', '.join(map(str, old))}; zmień ją przez korektę",
                    f"{rec.local} already has another value: {', '.join(map(str, old))}; change it with a correction",
                )
        en_new = {o for s, p, o in facts if p == SKOS.prefLabel and o.language == "en"}
        en_old = {o for s, p, o in current if p == SKOS.prefLabel and getattr(o, "language", None) == "en"}
        if en_new and en_old and not en_new & en_old:
            draft.error(
                "name_en",
                f"{rec.local} ma już nazwę angielską „{next(iter(en_old))}”",
                f'{rec.local} already has the English name "{next(iter(en_old))}"',
            )
        draft.modified.append(iri)
    if len(draft.errors) > before:
        return None
    draft.facts |= facts
    draft.reserved.add(iri)
    draft.subjects.append(iri)
    return iri


# ------------------------------------------------------------------ membership of the agreement


@dataclass(frozen=True)
class JoinInput:
    organisation: str  # IRI, id, NIP or exact Polish name
    date: object
    source: str
    role: str = "signatory"
    agreement: str = ""
    signer: str = ""  # who signed (a person's name)
    post: str = ""  # the signer's post: a role of esrole:scheme (wójt, starosta...) or free text
    upper_bound: bool = False  # the source only says "a member by this date"


def _one_org(draft: Draft, text: str, fld: str) -> OrgRecord | None:
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
            fld, f"{len(found)} organizacje pasują do {text!r}; podaj id", f"{len(found)} organisations match {text!r}; give the id"
        )
        return None
    return found[0]


def _membership_parts(m: URIRef, member: URIRef, org: URIRef, role: URIRef, start: dt.date, source: URIRef, upper: bool) -> set:
    during, begin = URIRef(str(m) + "-during"), URIRef(str(m) + "-start")
    facts = {
        (m, RDF.type, ORG.Membership),
        (m, ORG.member, member),
        (m, ORG.organization, org),
        (m, ORG.role, role),
        (m, ORG.memberDuring, during),
        (m, ES.startDate, _dl(start)),
        (m, PROV.wasDerivedFrom, source),
        (during, RDF.type, TIME.Interval),
        (during, TIME.hasBeginning, begin),
        (begin, RDF.type, TIME.Instant),
        (begin, TIME.inXSDDate, _dl(start)),
    }
    if upper:
        facts.add((m, ES.startDateIsUpperBound, Literal(True)))
    return facts


def draft_join(draft: Draft, inp: JoinInput) -> URIRef | None:
    ctx = draft.ctx
    before = len(draft.errors)
    rec = _one_org(draft, inp.organisation, "organisation")
    agreements = ctx.agreements
    agreement = str(inp.agreement or "").strip() or (
        str(DEFAULT_AGREEMENT) if str(DEFAULT_AGREEMENT) in agreements else next(iter(agreements), "")
    )
    if agreement.startswith("eso:"):
        agreement = str(ESO) + agreement[4:]
    if agreement not in agreements:
        draft.error("agreement", f"nie ma porozumienia {agreement!r}", f"no agreement {agreement!r}")
    role = ctx.find_concept(ctx.roles, inp.role or "signatory")
    if role is None:
        draft.error("role", f"nieznana rola {inp.role!r}", f"unknown role {inp.role!r}")
    start = _date(draft, "date", inp.date, required=True)
    source = draft_source(draft, inp.source)
    post = None
    signer = " ".join(str(inp.signer or "").split())
    if inp.post and str(inp.post).strip():
        post = ctx.find_concept(ctx.roles, inp.post)
        if not signer:
            draft.error("signer", "podaj, kto podpisał (stanowisko bez osoby)", "give who signed (a post without a person)")
    if len(draft.errors) > before:
        return None
    member = URIRef(rec.iri)
    ag = URIRef(agreement)
    prefix = "agreement" if ag == DEFAULT_AGREEMENT else _iri_local(ag, ESO)
    m = ESM[f"{prefix}-{rec.local}"]
    same = [x for x in ctx.memberships if x["member"] == rec.iri and x["org"] == agreement]
    exact = [x for x in same if x["start"] == start.isoformat() and x["role"] == role.iri]
    if exact:
        m = URIRef(exact[0]["iri"])
    else:
        for x in same:
            if not x["end"]:
                draft.warn(
                    "organisation",
                    f"{rec.local} jest już członkiem ({x['iri'].rsplit('/', 1)[-1]}, od {x['start']})",
                    f"{rec.local} is already a member ({x['iri'].rsplit('/', 1)[-1]}, since {x['start']})",
                    rule="duplicate",
                )
        if draft.taken(m):
            m = ESM[f"{prefix}-{rec.local}-{start.isoformat()}"]
    facts = _membership_parts(m, member, ag, URIRef(role.iri), start, source, inp.upper_bound)
    if signer:
        person = ESP[slugify(signer) or "osoba"]
        facts |= {(person, RDF.type, FOAF.Person), (person, FOAF.name, Literal(signer)), (person, PROV.wasDerivedFrom, source)}
        if not ctx.exists(person):
            draft.created.append(person)
        post_text = post.pl if post else str(inp.post or "").strip()
        note_pl = f"Podpisał(a) w imieniu organizacji: {signer}" + (f" ({post_text})" if post_text else "") + "."
        note_en = f"Signed for the organisation by {signer}" + (f" ({post.en if post else post_text})" if post_text else "") + "."
        facts |= {(m, RDFS.comment, Literal(note_pl, lang="pl")), (m, RDFS.comment, Literal(note_en, lang="en"))}
        if post is not None:
            pm = ESM[f"{slugify(signer)}-{slugify(post.notation)}"]
            facts |= _membership_parts(pm, person, member, URIRef(post.iri), start, source, inp.upper_bound)
            draft.created.append(pm)
    draft.facts |= facts
    draft.created.append(m)
    draft.reserved.add(m)
    draft.subjects.append(m)
    return m


# ------------------------------------------------------------------ ties


@dataclass(frozen=True)
class TieInput:
    from_: str
    to: str
    kind: str
    start: object
    source: str
    end: object = None
    amount: str = ""
    comment: str = ""
    upper_bound: bool = False


def draft_tie(draft: Draft, inp: TieInput, *, resolve=None) -> URIRef | None:
    """``resolve(text, field)`` may name organisations not yet in the graph (the importer's)."""
    ctx = draft.ctx
    before = len(draft.errors)
    ends = []
    for fld, text in (("from", inp.from_), ("to", inp.to)):
        n = len(draft.errors)
        iri = resolve(text, fld) if resolve else None
        if iri is None and len(draft.errors) == n:
            rec = _one_org(draft, text, fld)
            iri = URIRef(rec.iri) if rec else None
        ends.append(iri)
    kind = ctx.find_concept(ctx.tie_kinds, inp.kind) if str(inp.kind or "").strip() else None
    if kind is None:
        shown = str(inp.kind or "").strip()
        names = ", ".join(c.notation for c in ctx.tie_kinds.values())
        draft.error("kind", f"nieznany rodzaj powiązania {shown!r}; wybierz: {names}", f"unknown tie kind {shown!r}; choose: {names}")
    start = _date(draft, "start", inp.start, required=True)
    end = _date(draft, "end", inp.end, required=False)
    if start and end and end < start:
        draft.error("end", "data końca jest wcześniejsza niż data początku", "the end date is before the start date")
    amount = None
    if str(inp.amount or "").strip():
        try:
            amount = Decimal(str(inp.amount).replace(" ", "").replace(",", "."))
            if amount <= 0:
                raise InvalidOperation
        except InvalidOperation:
            draft.error(
                "amount",
                f"kwota musi być liczbą dodatnią, jest {inp.amount!r}",
                f"the amount must be a positive number, got {inp.amount!r}",
            )
    source = draft_source(draft, inp.source)
    if ends[0] is not None and ends[0] == ends[1]:
        draft.error("to", "powiązanie musi łączyć dwie różne organizacje", "a tie must join two different organisations")
    if len(draft.errors) > before or None in ends:
        return None
    frm, to = ends
    existing = [t for t in ctx.ties if t["from"] == str(frm) and t["to"] == str(to) and t["kind"] == kind.iri]
    match = [t for t in existing if t["start"] == start.isoformat()]
    base = f"{_iri_local(frm, ESO)}-{kind.notation.replace('_', '-')}-{_iri_local(to, ESO)}"
    if match:
        tie = URIRef(match[0]["iri"])
    else:
        tie = ESTIE[base]
        if draft.taken(tie):
            tie = ESTIE[f"{base}-{start.isoformat()}"]
        for t in [t for t in existing if not t["end"]][:1]:  # one warning is enough
            draft.warn(
                "kind",
                f"takie powiązanie już trwa: {t['iri'].rsplit('/', 1)[-1]} (od {t['start']})",
                f"such a tie is already in force: {t['iri'].rsplit('/', 1)[-1]} (since {t['start']})",
                rule="duplicate",
            )
    facts = {
        (tie, RDF.type, ES.Tie),
        (tie, ES.tieKind, URIRef(kind.iri)),
        (tie, ES.tieFrom, frm),
        (tie, ES.tieTo, to),
        (tie, ES.startDate, _dl(start)),
        (tie, PROV.wasDerivedFrom, source),
        (frm, URIRef(kind.extra), to),
    }
    if end:
        facts.add((tie, ES.endDate, _dl(end)))
    if amount is not None:
        facts.add((tie, ES.amountPLN, Literal(amount)))
    if inp.comment.strip():
        facts.add((tie, RDFS.comment, Literal(inp.comment.strip(), lang="pl")))
    if inp.upper_bound:
        facts.add((tie, ES.startDateIsUpperBound, Literal(True)))
    draft.facts |= facts
    draft.created.append(tie)
    draft.reserved.add(tie)
    draft.subjects.append(tie)
    return tie


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


def add_organisation(ctx: Context, inp: OrganisationInput, *, who: str) -> Change:
    draft = Draft(ctx)
    iri = draft_organisation(draft, inp)
    return finish(draft, op="add_organisation", what=f"add organisation {_iri_local(iri, ESO) if iri else ''} «{inp.name}»", who=who)


def join_agreement(ctx: Context, inp: JoinInput, *, who: str) -> Change:
    draft = Draft(ctx)
    m = draft_join(draft, inp)
    return finish(draft, op="join_agreement", what=f"join the agreement: {_iri_local(m, ESM) if m else inp.organisation}", who=who)


def add_tie(ctx: Context, inp: TieInput, *, who: str) -> Change:
    draft = Draft(ctx)
    tie = draft_tie(draft, inp)
    return finish(draft, op="add_tie", what=f"add tie {_iri_local(tie, ESTIE) if tie else ''}", who=who)


def _end(ctx: Context, iri: str, end, source: str, *, who: str, kind: str) -> Change:
    draft = Draft(ctx)
    rows = ctx.ties if kind == "tie" else ctx.memberships
    row = next((r for r in rows if r["iri"] == str(iri)), None)
    fld = "tie" if kind == "tie" else "membership"
    if row is None:
        draft.error(fld, f"nie ma {'powiązania' if kind == 'tie' else 'członkostwa'} {iri}", f"no {kind} {iri}")
    date = _date(draft, "end", end, required=True)
    src = draft_source(draft, source)
    if row is not None and date is not None:
        if row["start"] and date.isoformat() < row["start"]:
            draft.error(
                "end",
                f"data końca jest wcześniejsza niż data początku ({row['start']})",
                f"the end date is before the start date ({row['start']})",
            )
        if row["end"] and row["end"] != date.isoformat():
            draft.error(
                "end",
                f"już zakończone {row['end']}; zmień datę przez korektę",
                f"already ended on {row['end']}; change it with a correction",
            )
    if draft.errors:
        raise EditError(draft.problems)
    node = URIRef(str(iri))
    draft.facts |= {(node, ES.endDate, _dl(date)), (node, PROV.wasDerivedFrom, src)}
    if kind == "membership":
        during = ctx.store.query("SELECT ?d WHERE { ?m org:memberDuring ?d }", {"m": node}).column("d")
        if during:
            instant = URIRef(str(node) + "-end")
            draft.facts |= {(during[0], TIME.hasEnd, instant), (instant, RDF.type, TIME.Instant), (instant, TIME.inXSDDate, _dl(date))}
    draft.modified.append(node)
    draft.subjects.append(node)
    local = str(iri).rsplit("/", 1)[-1]
    return finish(draft, op=f"end_{kind}", what=f"end {kind} {local} on {date.isoformat()}", who=who)


def end_tie(ctx: Context, tie: str, end, source: str, *, who: str) -> Change:
    """Record that a tie ended (an end date, not a deletion)."""
    return _end(ctx, tie, end, source, who=who, kind="tie")


def end_membership(ctx: Context, membership: str, end, source: str, *, who: str) -> Change:
    """Record that a membership ended: es:endDate and the interval's time:hasEnd."""
    return _end(ctx, membership, end, source, who=who, kind="membership")


# ------------------------------------------------------------------ corrections and removals

_FIELD_PREDICATE = {
    "name": SKOS.prefLabel,
    "name_en": SKOS.prefLabel,
    "kind": ORG.classification,
    "teryt": SDO.location,
    "address": SDO.address,
    "nip": ES.nip,
    "regon": ES.regon,
    "krs": ES.krs,
}


def correct_organisation(ctx: Context, org: str, fld: str, value: str, source: str, *, who: str) -> Change:
    """Replace one field of an organisation (all its old values) by ``value``; empty clears an optional field."""
    draft = Draft(ctx)
    rec = ctx.organisations.get(str(org))
    if rec is None:
        draft.error("organisation", f"nie ma organizacji {org}", f"no organisation {org}")
    if fld not in _FIELD_PREDICATE:
        draft.error("field", f"nieznane pole {fld!r}", f"unknown field {fld!r}")
    if draft.errors:
        raise EditError(draft.problems)
    node = URIRef(rec.iri)
    pred = _FIELD_PREDICATE[fld]
    value = " ".join(str(value or "").split())
    new = None
    if fld in ("name", "kind", "teryt") and not value:
        draft.error(fld, "to pole jest wymagane", "this field is required")
    elif fld == "name":
        new = Literal(value, lang="pl")
    elif fld == "name_en":
        new = Literal(value, lang="en") if value else None
    elif fld == "kind":
        kind = ctx.find_concept(ctx.kinds, value)
        if kind is None:
            draft.error("kind", f"nieznany rodzaj {value!r}", f"unknown kind {value!r}")
        else:
            new = URIRef(kind.iri)
    elif fld == "teryt":
        new = _territory(draft, value) if re.fullmatch(r"\d{7}", value) else None
        if new is None and not draft.errors:
            draft.error("teryt", f"kod TERC gminy ma 7 cyfr, jest {value!r}", f"a gmina's TERC code has 7 digits, got {value!r}")
    elif fld in CHECKS and value:
        try:
            new = Literal(CHECKS[fld](value))
        except IdentifierError as exc:
            draft.error(fld, exc.message_pl, exc.message_en)
    elif value:
        new = Literal(value)
    src = draft_source(draft, source)
    if draft.errors:
        raise EditError(draft.problems)
    current = ctx.about([node])
    lang = "pl" if fld == "name" else "en" if fld == "name_en" else None
    old = {t for t in current if t[1] == pred and (lang is None or getattr(t[2], "language", None) == lang)}
    draft.removed |= {t for t in old if new is None or t[2] != new}
    if new is not None:
        draft.facts.add((node, pred, new))
    if draft.removed or (new is not None and (node, pred, new) not in current):
        draft.facts.add((node, PROV.wasDerivedFrom, src))
    draft.modified.append(node)
    draft.subjects.append(node)
    return finish(draft, op="correct", what=f"correct {fld} of {rec.local}: {value or '(cleared)'}", who=who)


def _parts(ctx: Context, node: URIRef) -> set:
    """The triples of a resource and of the parts it owns (a membership's interval and instants)."""
    triples = ctx.about([node])
    parts = {o for s, p, o in triples if p == ORG.memberDuring}
    if parts:
        inner = ctx.about(parts)
        instants = {o for s, p, o in inner if p in (TIME.hasBeginning, TIME.hasEnd)}
        triples |= inner | ctx.about(instants)
    kinds = {o for s, p, o in triples if p == ES.tieKind}
    if kinds:
        frm = next((o for s, p, o in triples if p == ES.tieFrom), None)
        to = next((o for s, p, o in triples if p == ES.tieTo), None)
        kind = ctx.tie_kinds.get(str(next(iter(kinds))))
        others = [
            t
            for t in ctx.ties
            if t["iri"] != str(node) and t["from"] == str(frm) and t["to"] == str(to) and t["kind"] == str(next(iter(kinds)))
        ]
        if kind and kind.extra and frm is not None and to is not None and not others:
            triples.add((frm, URIRef(kind.extra), to))
    return triples


def remove_entry(ctx: Context, iri: str, *, who: str, cascade: bool = False) -> Change:
    """Remove a mistaken entry: the resource, its owned parts and, with ``cascade``, the ties and
    memberships that refer to it; refused (naming them) when other entries still refer to it."""
    draft = Draft(ctx)
    node = URIRef(str(iri))
    if not ctx.exists(node):
        raise EditError([Problem("entry", f"nie ma wpisu {iri}", f"no entry {iri}")])
    removed = _parts(ctx, node)
    owned = {t[0] for t in removed}
    refs = {t for t in ctx.incoming(node) if t[0] not in owned and t[1] not in (PROV.wasGeneratedBy,)}
    dependants = {s for s, p, o in refs}
    dependent_kinds = {}
    for s in dependants:
        types = {o for _, p, o in ctx.about([s]) if p == RDF.type}
        dependent_kinds[s] = types
    if cascade:
        for s, types in dependent_kinds.items():
            if types & {ES.Tie, ORG.Membership}:
                removed |= _parts(ctx, s)
        owned = {t[0] for t in removed}
        refs = {t for t in refs if t[0] not in owned and t not in removed}
    # plain tie triples pointing here are removed with their ties
    plain = {t for t in refs if t[1] in {URIRef(c.extra) for c in ctx.tie_kinds.values() if c.extra}}
    refs -= {t for t in plain if t in removed}
    if refs:
        names = ", ".join(sorted({str(s).rsplit("/", 1)[-1] for s, p, o in refs})[:10])
        raise EditError(
            [
                Problem(
                    "entry",
                    f"inne wpisy odwołują się do {str(iri).rsplit('/', 1)[-1]}: {names}; usuń je najpierw lub usuń kaskadowo",
                    f"other entries refer to {str(iri).rsplit('/', 1)[-1]}: {names}; remove them first or remove with cascade",
                    rule="references",
                )
            ]
        )
    draft.removed |= removed
    draft.subjects.append(node)
    return finish(
        draft, op="remove", what=f"remove {str(iri).rsplit('/', 1)[-1]}" + (" with its ties and memberships" if cascade else ""), who=who
    )
