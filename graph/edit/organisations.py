"""Adding an organisation.

IRIs are stable: from the ``id``, else from an existing organisation with the
same identifiers or the same name in the same gmina, else from the name; so
adding the same facts twice changes nothing.  Likely duplicates are warned
about (SECURITY T14), and a value that differs from the one recorded is
refused with a pointer to a correction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import Literal, URIRef

from ..model import ES, ESO, ORG, PROV, RDF, SDO, SKOS
from .changes import Change
from .draft import Draft, draft_source, draft_territory, finish, local_part
from .ids import CHECKS, IdentifierError
from .lookup import Context, OrgRecord
from .naming import normalise_name, slugify

__all__ = ["OrganisationInput", "draft_organisation", "add_organisation"]

_ID_PREDICATES = {"nip": ES.nip, "regon": ES.regon, "krs": ES.krs}


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
    # only the organisations that can match: the same identifiers or the same gmina
    orgs: dict[str, OrgRecord] = {}
    for key, value in ids.items():
        if value:
            orgs.update(ctx.organisations_by(key, value))
    if gmina is not None:
        orgs.update(ctx.organisations_by("gmina", str(gmina)))
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
    return iri, orgs.get(str(iri)) or ctx.organisation(str(iri))


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
        gmina = draft_territory(draft, code)
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


def add_organisation(ctx: Context, inp: OrganisationInput, *, who: str) -> Change:
    draft = Draft(ctx)
    iri = draft_organisation(draft, inp)
    return finish(draft, op="add_organisation", what=f"add organisation {local_part(iri, ESO) if iri else ''} «{inp.name}»", who=who)
