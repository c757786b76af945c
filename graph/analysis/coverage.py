"""Coverage of gminy: gmina x expected partner, and what the data says about it.

A count says what the data holds, never what the gmina has: a 0 under "OPS"
means the data names no social assistance centre seated there, although every
gmina must run one (ustawa o pomocy społecznej, art. 110), so it is a gap in
the data.  The findings come in the two kinds of :data:`~.findings.KINDS`:

* ``coverage-data`` (a gap in the data, "uzupełnij dane"): no OPS, PES or firm
  seated in the gmina is recorded.  Where an unnamed group of signatories
  stands for such organisations (``es:memberKind`` on an ``es:UnnamedGroup``
  that signed an agreement covering the gmina) the finding says so: a group,
  number unknown.
* ``coverage-cooperation`` (a gap in cooperation): organisations of the gmina
  are in the data but none has a tie to a PUP, an OWES, or ROPS advice.
* ``coverage-verified``: an absence a coordinator checked
  (:mod:`.absences`), stated as a fact with the record as its basis.

ROPS advice counts the advice ties from a ROPS and the organisations a ROPS
offers advice to (``es:ServiceOffer`` with ``es:offeredTo`` their kind, S6)
in the ROPS's voivodeship.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from ..library import internal_query
from ..model import ESK, TERC
from ..store import Store
from ..vocabulary import pick
from .absences import absence_text, matching
from .findings import Finding, Resource
from .network import _org_nodes, quiet
from .projection import local

__all__ = [
    "COVERAGE_COLUMNS",
    "COVERAGE_LABELS",
    "GROUP_COLUMNS",
    "pes_kinds",
    "kind_labels",
    "coverage",
    "coverage_findings",
    "coverage_view",
]

#: Coverage columns besides one ``pes:<kind>`` column per PES kind.
COVERAGE_COLUMNS: tuple[str, ...] = ("ops", "pes", "firm", "pup_tie", "owes_support", "rops_advice")
#: Column -> (Polish, English) heading.
COVERAGE_LABELS: dict[str, tuple[str, str]] = {
    "ops": ("OPS", "OPS"),
    "pes": ("PES (razem)", "PES (all)"),
    "firm": ("firmy", "firms"),
    "pup_tie": ("powiązania z PUP", "ties to a PUP"),
    "owes_support": ("wsparcie OWES", "OWES support"),
    "rops_advice": ("doradztwo ROPS", "ROPS advice"),
}
#: Column -> the column counting unnamed signatory groups of that kind (number of members unknown).
GROUP_COLUMNS: dict[str, str] = {"pes": "pes_group", "firm": "firm_group"}
#: Organisation columns (a 0 is a gap in the data) and what "w danych brak ..." names.
_ENTITY = {
    "ops": (
        "ośrodka pomocy społecznej (OPS), który każda gmina prowadzi z mocy ustawy o pomocy społecznej (art. 110)",
        "social assistance centre (OPS), which every gmina runs by law (Social Assistance Act, art. 110)",
        ESK.ops,
    ),
    "pes": ("podmiotu ekonomii społecznej (PES) z siedzibą w gminie", "social-economy entity (PES) seated in the gmina", ESK.pes),
    "firm": ("firmy z siedzibą w gminie", "firm seated in the gmina", ESK.firm),
}
_GROUP_NOTE = {
    "pes": (
        "porozumienie podpisała grupa przedstawicieli PES bez nazw, liczba nieznana",
        "unnamed PES representatives signed the agreement, number unknown",
    ),
    "firm": (
        "porozumienie podpisała grupa przedstawicieli firm bez nazw, liczba nieznana",
        "unnamed firm representatives signed the agreement, number unknown",
    ),
}
#: Tie columns (a 0 is a gap in cooperation where the gmina has organisations in the data).
_TIES = {
    "pup_tie": ("powiązania z PUP", "a tie to a PUP"),
    "owes_support": ("wsparcia OWES", "OWES support"),
    "rops_advice": ("doradztwa ROPS", "ROPS advice"),
}


def kind_labels(store: Store) -> dict[str, tuple[str, str]]:
    """Organisation-kind notation -> (Polish, English) label, from the vocabulary."""
    from ..vocabulary import load_vocabulary

    return load_vocabulary(store).labels("sector", "kind")


def pes_kinds(store: Store) -> frozenset[str]:
    """Notations of the kinds that are PES (``esk:pes skos:member ?kind``)."""
    _, rows = store.select_values(internal_query("list_pes_kinds"))
    return frozenset(k for (iri,) in rows if (k := local(iri, ESK)))


def _holds(start, end, as_of) -> bool:
    return as_of is None or ((start is None or str(start)[:10] <= as_of) and (end is None or str(end)[:10] >= as_of))


def _groups(store: Store, gminy, as_of: str | None, pes: frozenset[str]) -> dict[tuple[str, str], set]:
    """(gmina IRI, column) -> the unnamed signatory groups standing for organisations of that column."""
    _, rows = store.select_values(internal_query("list_signatory_groups"))
    _, inside = store.select_values(internal_query("list_gmina_areas"))
    areas: dict[str, set] = {}
    for g, area in inside:
        areas.setdefault(g, set()).add(area)
    out: dict[tuple[str, str], set] = {}
    for group, kind, area, start, end in rows:
        if not _holds(start, end, as_of):
            continue
        k = local(kind, ESK)
        col = "pes" if k == "pes" or k in pes else "firm" if k == "firm" else None
        if col is None:
            continue
        for g in gminy:
            if g == area or area in areas.get(g, ()):
                out.setdefault((g, col), set()).add(group)
    return out


@quiet
def coverage(g: nx.Graph, store: Store, *, pes: frozenset[str] | None = None) -> pd.DataFrame:
    """Gmina x expected partner, as of the projection's date.

    One row per gmina in the area of an agreement (every gmina when the data
    holds none), index = the gmina's IRI (``terc:...``), sorted by powiat and
    label.  Columns: ``label``, ``powiat``, ``powiat_label``; counts of
    organisations seated there: ``organisations`` (all), ``ops``, ``pes`` and
    ``pes:<kind>`` for each PES kind, ``firm``; of those with a tie (either
    direction) to a PUP (``pup_tie``), with an OWES (``owes_support``), or
    reached by ROPS advice (``rops_advice``: an advice tie from a ROPS, or a
    ROPS advice offer to their kind in the ROPS's voivodeship); and
    ``pes_group``, ``firm_group``: unnamed groups of signatories standing for
    PES or firms in an agreement covering the gmina (how many organisations
    each holds is unknown).
    """
    pes = pes if pes is not None else pes_kinds(store)
    kinds_sorted = sorted(pes)
    _, rows = store.select_values(internal_query("list_scope_gminy"))
    gminy: dict[str, dict] = {}
    for gmina, label, powiat, plabel in rows:
        if gmina not in gminy or (label and not gminy[gmina]["label"]):
            gminy[gmina] = {"label": label or local(gmina, TERC) or gmina, "powiat": powiat, "powiat_label": plabel}
    cols = ["organisations", "ops", "pes", *(f"pes:{k}" for k in kinds_sorted), "firm", "pup_tie", "owes_support", "rops_advice"]
    cols += list(GROUP_COLUMNS.values())
    counts = {iri: dict.fromkeys(cols, 0) for iri in gminy}
    orgs = dict(_org_nodes(g))  # the organisations, as organisation_graph holds them; their partners read from g itself
    kind = {v: d.get("kind") for v, d in orgs.items()}
    advised = {v for u, v, d in _ties(g) if d.get("kind") == "advice" and kind.get(u) == "rops"}
    _, offers = store.select_values(internal_query("list_rops_offers"))
    offered = {(str(orgs[r].get("gmina") or "")[:2], local(k, ESK)) for r, k in offers if r in orgs and orgs[r].get("gmina")}
    for v, d in orgs.items():
        code = d.get("gmina")
        row = counts.get(str(TERC) + code) if code else None
        if row is None:
            continue
        k = kind[v]
        row["organisations"] += 1
        if k == "ops":
            row["ops"] += 1
        elif k in pes:
            row["pes"] += 1
            row[f"pes:{k}"] += 1
        elif k == "firm":
            row["firm"] += 1
        partners = {kind[w] for w in _neighbours(g, v) if w in kind and w != v}
        row["pup_tie"] += "pup" in partners
        row["owes_support"] += "owes" in partners
        row["rops_advice"] += v in advised or (code[:2], k) in offered
    for (gmina, col), groups in _groups(store, gminy, g.graph.get("as_of"), pes).items():
        counts[gmina][GROUP_COLUMNS[col]] = len(groups)
    frame = pd.DataFrame.from_dict(counts, orient="index", columns=cols)
    frame.insert(0, "powiat_label", [gminy[i]["powiat_label"] for i in frame.index])
    frame.insert(0, "powiat", [gminy[i]["powiat"] for i in frame.index])
    frame.insert(0, "label", [gminy[i]["label"] for i in frame.index])
    frame.index.name = "gmina"
    if len(frame):
        frame = frame.assign(_k=frame.index).sort_values(["powiat", "label", "_k"]).drop(columns="_k")
    return frame.astype(dict.fromkeys(cols, int))


def _neighbours(g: nx.Graph, v: str):
    """The nodes tied to ``v`` either way (what ``organisation_graph(g)[v]`` holds, and more)."""
    return (*g.succ[v], *g.pred[v]) if g.is_directed() else g.adj[v]


def _ties(g: nx.Graph):
    if g.is_multigraph():
        return ((u, v, d) for u, v, _, d in g.edges(keys=True, data=True))
    return g.edges(data=True)


def coverage_findings(frame: pd.DataFrame, *, as_of: str | None = None, absences=()) -> tuple[Finding, ...]:
    """Per gmina: a gap in the data (no OPS, PES or firm recorded), a gap in
    cooperation (organisations but no PUP tie, OWES support or ROPS advice),
    and each matching verified absence stated as a fact."""
    out = []
    for iri, row in frame.to_dict("index").items():  # plain dicts: iterrows builds a Series per gmina
        r = Resource(str(iri), str(row["label"]), str(row["label"]))
        data_pl, data_en = [], []
        for col, (pl, en, kind_iri) in _ENTITY.items():
            if col not in frame.columns or row[col] != 0:
                continue
            checked = matching(absences, str(iri), [kind_iri], as_of)
            if checked is not None:
                out.append(
                    Finding(
                        "coverage",
                        "coverage-verified",
                        "info",
                        (r,),
                        f"{r.label}: {absence_text(checked, 'pl')}.",
                        f"{r.label}: {absence_text(checked, 'en')}.",
                        (checked.iri, str(iri)),
                        (("column", col), ("as_of", as_of)),
                        kind="cooperation",
                    )
                )
                continue
            group = GROUP_COLUMNS.get(col)
            note = _GROUP_NOTE[col] if group and group in frame.columns and row[group] > 0 else None
            data_pl.append(pl + (f" ({note[0]})" if note else ""))
            data_en.append(en + (f" ({note[1]})" if note else ""))
        if data_pl:
            out.append(
                Finding(
                    "coverage",
                    "coverage-data",
                    "info",
                    (r,),
                    f"{r.label}: w danych brak " + ", ".join(data_pl) + "; uzupełnij dane.",
                    f"{r.label}: the data shows no " + ", no ".join(data_en) + "; complete the data.",
                    (str(iri),),
                    (("missing", tuple(c for c in _ENTITY if c in frame.columns and row[c] == 0)), ("as_of", as_of)),
                    kind="data",
                )
            )
        if "organisations" in frame.columns and row["organisations"] == 0:
            continue  # no organisation of the gmina in the data: nothing to say about their ties
        missing = [c for c in _TIES if c in frame.columns and row[c] == 0]
        if missing:
            out.append(
                Finding(
                    "coverage",
                    "coverage-cooperation",
                    "info",
                    (r,),
                    f"{r.label}: w danych żadna organizacja z tej gminy nie ma " + " ani ".join(_TIES[c][0] for c in missing) + ".",
                    f"{r.label}: the data shows no organisation of this gmina with " + " or ".join(_TIES[c][1] for c in missing) + ".",
                    (str(iri),),
                    (("missing", tuple(missing)), ("as_of", as_of)),
                    kind="cooperation",
                )
            )
    return tuple(out)


def coverage_view(frame: pd.DataFrame, lang: str = "pl", kinds: dict | None = None) -> pd.DataFrame:
    """The coverage matrix as a reader sees it: headings in ``lang``, counts
    formatted (:func:`graph.wording.number`), "0 + grupa, liczba nieznana"
    where an unnamed signatory group stands beside a 0; IRIs and helper
    columns left out.  ``kinds``: kind notation -> (Polish, English) label."""
    from ..wording import number

    group_note = pick(lang, "grupa, liczba nieznana", "group, number unknown")
    out = pd.DataFrame(index=frame.index)
    out["Gmina"] = frame["label"] if "label" in frame.columns else list(frame.index)
    out["Powiat"] = frame["powiat_label"] if "powiat_label" in frame.columns else ""
    for col in frame.columns:
        if col in ("label", "powiat", "powiat_label", "organisations", *GROUP_COLUMNS.values()):
            continue
        if col.startswith("pes:"):
            k = col[4:]
            name = "PES: " + pick(lang, *(kinds or {}).get(k, (k, k)), fallback=False)
        else:
            name = pick(lang, *COVERAGE_LABELS.get(col, (col, col)), fallback=False)
        group = GROUP_COLUMNS.get(col)
        cells = []
        for iri, value in frame[col].items():
            text = number(int(value), lang)
            if group and group in frame.columns and int(frame.at[iri, group]) > 0 and int(value) == 0:
                text += f" + {group_note}"
            cells.append(text)
        out[name] = cells
    return out.reset_index(drop=True)
