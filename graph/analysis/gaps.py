"""Gaps in cooperation: coverage of gminy and the whole gap report.

:func:`gap_report` runs every part on one date and times each:
projection, metrics, expectations (SHACL), coverage, structure, suggestions.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import networkx as nx
import pandas as pd

from ..model import ESK, TERC
from ..store import Store
from .expectations import EXPECTATIONS_FILE, check_expectations, load_expectations
from .findings import Finding, Resource, Suggestion
from .metrics import network_metrics, node_metrics
from .network import organisation_graph
from .projection import local, to_networkx
from .structure import Structure, structure
from .suggest import suggest_ties
from .timeline import iso

__all__ = [
    "COVERAGE_COLUMNS",
    "COVERAGE_LABELS",
    "SCOPE_QUERY",
    "pes_kinds",
    "kind_labels",
    "coverage",
    "coverage_findings",
    "GapReport",
    "gap_report",
]

#: Coverage columns besides one ``pes:<kind>`` column per PES kind.
COVERAGE_COLUMNS: tuple[str, ...] = ("ops", "pes", "firm", "pup_tie", "owes_support", "rops_advice")
#: Column -> (Polish, English) heading; a gap in one is named so in the findings.
COVERAGE_LABELS: dict[str, tuple[str, str]] = {
    "ops": ("OPS", "OPS"),
    "pes": ("PES", "PES"),
    "firm": ("firmy", "firms"),
    "pup_tie": ("powiązania z PUP", "ties to a PUP"),
    "owes_support": ("wsparcie OWES", "OWES support"),
    "rops_advice": ("doradztwo ROPS", "ROPS advice"),
}

#: Gminy in the area of an agreement (or every gmina when there is none), with labels.
SCOPE_QUERY = """
SELECT ?gmina ?label ?powiat ?powiat_label WHERE {
  { SELECT DISTINCT ?gmina WHERE {
      { ?agreement a org:OrganizationalCollaboration ; schema:areaServed ?gmina }
      UNION { ?agreement a org:OrganizationalCollaboration ; schema:areaServed ?area . ?gmina schema:containedInPlace+ ?area }
      UNION { ?gmina a es:Gmina . FILTER NOT EXISTS { ?anyAgreement a org:OrganizationalCollaboration } } } }
  ?gmina a es:Gmina .
  OPTIONAL { ?gmina skos:prefLabel ?label FILTER(lang(?label) = "pl" || lang(?label) = "") }
  OPTIONAL { ?gmina schema:containedInPlace ?powiat .
             OPTIONAL { ?powiat skos:prefLabel ?powiat_label FILTER(lang(?powiat_label) = "pl" || lang(?powiat_label) = "") } }
}
"""

PES_QUERY = "SELECT ?kind WHERE { esk:pes skos:member ?kind }"

KIND_QUERY = """
SELECT ?kind ?pl ?en WHERE {
  ?kind skos:inScheme esk:scheme .
  OPTIONAL { ?kind skos:prefLabel ?pl FILTER(lang(?pl) = "pl") }
  OPTIONAL { ?kind skos:prefLabel ?en FILTER(lang(?en) = "en") }
}
"""


def kind_labels(store: Store) -> dict[str, tuple[str, str]]:
    """Organisation-kind notation -> (Polish, English) label, from the vocabulary."""
    _, rows = store.select_values(KIND_QUERY)
    return {k: (pl or k, en or pl or k) for iri, pl, en in rows if (k := local(iri, ESK))}


def pes_kinds(store: Store) -> frozenset[str]:
    """Notations of the kinds that are PES (``esk:pes skos:member ?kind``)."""
    _, rows = store.select_values(PES_QUERY)
    return frozenset(k for (iri,) in rows if (k := local(iri, ESK)))


def coverage(g: nx.Graph, store: Store, *, pes: frozenset[str] | None = None) -> pd.DataFrame:
    """Gmina x expected partner, as of the projection's date.

    One row per gmina in the area of an agreement (every gmina when the data
    holds none), index = the gmina's IRI (``terc:...``), sorted by powiat and
    label.  Columns: ``label``, ``powiat``, ``powiat_label``; counts of
    organisations seated there: ``ops``, ``pes`` and ``pes:<kind>`` for each
    PES kind, ``firm``; and of those with a tie (either direction) to a PUP
    (``pup_tie``), with an OWES (``owes_support``), or advised by a ROPS
    (``rops_advice``).
    """
    pes = pes if pes is not None else pes_kinds(store)
    kinds_sorted = sorted(pes)
    _, rows = store.select_values(SCOPE_QUERY)
    gminy: dict[str, dict] = {}
    for gmina, label, powiat, plabel in rows:
        if gmina not in gminy or (label and not gminy[gmina]["label"]):
            gminy[gmina] = {"label": label or local(gmina, TERC) or gmina, "powiat": powiat, "powiat_label": plabel}
    cols = ["ops", "pes", *(f"pes:{k}" for k in kinds_sorted), "firm", "pup_tie", "owes_support", "rops_advice"]
    counts = {iri: dict.fromkeys(cols, 0) for iri in gminy}
    h = organisation_graph(g)
    kind = {v: d.get("kind") for v, d in h.nodes(data=True)}
    advised = {v for u, v, d in _ties(g) if d.get("kind") == "advice" and kind.get(u) == "rops"}
    for v, d in h.nodes(data=True):
        code = d.get("gmina")
        row = counts.get(str(TERC) + code) if code else None
        if row is None:
            continue
        k = kind[v]
        if k == "ops":
            row["ops"] += 1
        elif k in pes:
            row["pes"] += 1
            row[f"pes:{k}"] += 1
        elif k == "firm":
            row["firm"] += 1
        partners = {kind.get(w) for w in h[v]}
        row["pup_tie"] += "pup" in partners
        row["owes_support"] += "owes" in partners
        row["rops_advice"] += v in advised
    frame = pd.DataFrame.from_dict(counts, orient="index", columns=cols)
    frame.insert(0, "powiat_label", [gminy[i]["powiat_label"] for i in frame.index])
    frame.insert(0, "powiat", [gminy[i]["powiat"] for i in frame.index])
    frame.insert(0, "label", [gminy[i]["label"] for i in frame.index])
    frame.index.name = "gmina"
    if len(frame):
        frame = frame.assign(_k=frame.index).sort_values(["powiat", "label", "_k"]).drop(columns="_k")
    return frame.astype(dict.fromkeys(cols, int))


def _ties(g: nx.Graph):
    if g.is_multigraph():
        return ((u, v, d) for u, v, _, d in g.edges(keys=True, data=True))
    return g.edges(data=True)


def coverage_findings(frame: pd.DataFrame, *, as_of: str | None = None) -> tuple[Finding, ...]:
    """One finding per gmina with an empty column among :data:`COVERAGE_COLUMNS`."""
    out = []
    for iri, row in frame.iterrows():
        missing = [c for c in COVERAGE_COLUMNS if c in frame.columns and row[c] == 0]
        if not missing:
            continue
        pl = ", ".join(COVERAGE_LABELS[c][0] for c in missing)
        en = ", ".join(COVERAGE_LABELS[c][1] for c in missing)
        r = Resource(str(iri), str(row["label"]), str(row["label"]))
        out.append(
            Finding(
                "coverage",
                "coverage-gap",
                "info",
                (r,),
                f"{r.label}: brak w gminie: {pl}.",
                f"{r.label}: missing in the gmina: {en}.",
                (str(iri),),
                (("missing", tuple(missing)), ("as_of", as_of)),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class GapReport:
    """Everything ``python -m graph gaps`` shows.

    ``findings``: expectation findings (most serious first), then coverage
    gaps; ``structure``: single points of failure and the edge of the
    network (its own findings); ``suggestions``: ties worth building;
    ``network``: :func:`network_metrics`; ``metrics``: :func:`node_metrics`
    (one row per organisation); ``timings``: seconds per part.
    """

    as_of: str | None
    coverage: pd.DataFrame
    findings: tuple[Finding, ...]
    structure: Structure
    suggestions: tuple[Suggestion, ...]
    network: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)
    metrics: pd.DataFrame | None = None
    #: kind notation -> (Polish, English) label
    kinds: dict = field(default_factory=dict)

    @property
    def all_findings(self) -> tuple[Finding, ...]:
        """Expectations, coverage, structure and suggestions, in that order."""
        return tuple(chain(self.findings, self.structure.findings, self.suggestions))

    def about(self, iri: str) -> tuple[Finding, ...]:
        """The findings naming ``iri``."""
        return tuple(f for f in self.all_findings if any(r.iri == iri for r in f.resources))


def gap_report(
    store: Store,
    *,
    as_of: dt.date | str | None = None,
    expectations: str | Path | None = None,
    top: int = 10,
    seed: int = 0,
    graph: nx.MultiDiGraph | None = None,
    metrics: pd.DataFrame | None = None,
    engine: str = "auto",
) -> GapReport:
    """Coverage, expectation findings, structure, metrics and suggested ties on ``as_of``.

    ``as_of``: a date (``YYYY-MM-DD``, ``today``) or None for every tie
    whatever its dates; ``expectations``: a SHACL file (default
    ``data/expectations.ttl``); ``graph`` / ``metrics``: a projection and
    node metrics already computed for that date (the dashboard's cache).
    Bad input raises :class:`~graph.analysis.errors.InvalidDate` or
    :class:`~graph.analysis.errors.ExpectationsError`.
    """
    day = iso(as_of, field="as_of")
    timings: dict[str, float] = {}

    def timed(name, fn, *a, **kw):
        t0 = time.perf_counter()
        out = fn(*a, **kw)
        timings[name] = round(time.perf_counter() - t0, 4)
        return out

    shapes = timed("load_expectations", load_expectations, expectations or EXPECTATIONS_FILE)
    g = graph if graph is not None else timed("projection", to_networkx, store, as_of=day)
    table = metrics if metrics is not None else timed("metrics", node_metrics, g, seed=seed)
    net = timed("network", network_metrics, g)
    expected = timed("expectations", check_expectations, store, shapes, as_of=day, engine=engine)
    pes = pes_kinds(store)
    cov = timed("coverage", coverage, g, store, pes=pes)
    struct = timed("structure", structure, g)
    suggestions = timed("suggestions", suggest_ties, g, pes_kinds=pes, top=top, findings=expected)
    timings["total"] = round(sum(timings.values()), 4)
    return GapReport(
        as_of=day,
        coverage=cov,
        findings=expected + coverage_findings(cov, as_of=day),
        structure=struct,
        suggestions=suggestions,
        network=net,
        timings=timings,
        metrics=table,
        kinds=kind_labels(store),
    )
