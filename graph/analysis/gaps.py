"""The whole gap report: coverage of gminy (:mod:`.coverage`), expectations,
structure, suggestions, and the verified absences they rest on.

:func:`gap_report` runs every part on one date and times each:
projection, metrics, expectations (SHACL), coverage, structure, suggestions.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd

from ..library import internal_query
from ..store import Store
from .absences import VerifiedAbsence, verified_absences
from .coverage import COVERAGE_COLUMNS, COVERAGE_LABELS, coverage, coverage_findings, kind_labels, pes_kinds
from .dates import iso
from .expectations import EXPECTATIONS_FILE, check_expectations, load_expectations
from .findings import Finding, Suggestion
from .network import organisation_graph, quiet
from .offload import OFFLOAD_MIN_NODES
from .projection import to_networkx

if TYPE_CHECKING:
    from .structure import Structure

__all__ = [
    "COVERAGE_COLUMNS",
    "COVERAGE_LABELS",
    "pes_kinds",
    "kind_labels",
    "coverage",
    "coverage_findings",
    "GapReport",
    "gap_report",
    "GapFindings",
    "gap_findings",
    "ExpectedFindings",
    "expectation_findings",
]


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
    #: the verified absences in the data (every one, whatever the date)
    absences: tuple[VerifiedAbsence, ...] = ()

    @property
    def all_findings(self) -> tuple[Finding, ...]:
        """Expectations, coverage, structure and suggestions, in that order."""
        return tuple(chain(self.findings, self.structure.findings, self.suggestions))

    def about(self, iri: str) -> tuple[Finding, ...]:
        """The findings naming ``iri``."""
        return tuple(f for f in self.all_findings if any(r.iri == iri for r in f.resources))



@dataclass(frozen=True)
class GapFindings:
    """The part of the gap report a summary shows: expectation and coverage findings.

    No measures, structure or suggestions: at national scale those cost tens of
    seconds, and a page that lists the first findings needs none of them.
    :func:`gap_report` takes it (``findings=``) and adds the rest.
    """

    as_of: str | None
    coverage: pd.DataFrame
    expected: tuple[Finding, ...]
    findings: tuple[Finding, ...]
    absences: tuple[VerifiedAbsence, ...]
    pes: frozenset
    timings: dict = field(default_factory=dict)


def _stopwatch(timings: dict[str, float]):
    """``timed(name, fn, *args, **kwargs)``: the answer of ``fn``, its seconds kept in ``timings[name]``."""

    def timed(name, fn, *a, **kw):
        t0 = time.perf_counter()
        out = fn(*a, **kw)
        timings[name] = round(time.perf_counter() - t0, 4)
        return out

    return timed


@dataclass(frozen=True)
class ExpectedFindings:
    """The part of :class:`GapFindings` that reads the store alone: the expectation findings
    on ``as_of``, with the verified absences and PES kinds they and the coverage read.

    It needs no projection, so the dashboard computes it while the network is built
    (:func:`expectation_findings`; its queries run outside the interpreter's lock).
    """

    as_of: str | None
    expected: tuple[Finding, ...]
    absences: tuple[VerifiedAbsence, ...]
    pes: frozenset
    timings: dict = field(default_factory=dict)


@quiet
def expectation_findings(
    store: Store, *, as_of: dt.date | str | None = None, expectations: str | Path | None = None, engine: str = "auto"
) -> ExpectedFindings:
    """The expectation findings on ``as_of`` (most serious first) and what they read: the
    store's part of :func:`gap_findings`, the same values."""
    day = iso(as_of, field="as_of")
    timings: dict[str, float] = {}
    timed = _stopwatch(timings)
    shapes = timed("load_expectations", load_expectations, expectations or EXPECTATIONS_FILE)
    absences = verified_absences(store)
    expected = timed("expectations", check_expectations, store, shapes, as_of=day, engine=engine, absences=absences)
    return ExpectedFindings(as_of=day, expected=expected, absences=absences, pes=frozenset(pes_kinds(store)), timings=timings)


@quiet
def gap_findings(
    store: Store,
    *,
    as_of: dt.date | str | None = None,
    expectations: str | Path | None = None,
    graph: nx.MultiDiGraph | None = None,
    engine: str = "auto",
    expected: ExpectedFindings | None = None,
    prefetch: bool = True,
    coverage_table: pd.DataFrame | None = None,
) -> GapFindings:
    """Expectation findings (most serious first), then coverage gaps, on ``as_of``
    (the ``findings`` of :func:`gap_report`, the same values).

    ``expected``: :func:`expectation_findings` already computed for that date (and
    expectations); ``coverage_table``: :func:`coverage` already computed for that date
    and graph; ``prefetch``: on large data, start the report's slowest measures in
    forked children first (:func:`_prefetch`; a caller that wants the findings soonest,
    and asks for the measures later, says False).
    """
    day = iso(as_of, field="as_of")
    if expected is not None and expected.as_of != day:
        raise ValueError(f"expectation findings of {expected.as_of}, asked for {day}")
    timings: dict[str, float] = {}
    timed = _stopwatch(timings)

    if graph is not None and prefetch:
        _prefetch(graph)
    part = expected if expected is not None else expectation_findings(store, as_of=day, expectations=expectations, engine=engine)
    timings.update(part.timings)
    # a projection of our own is frozen: the measures then share what they derive from it
    g = graph if graph is not None else nx.freeze(timed("projection", to_networkx, store, as_of=day))
    if graph is None and prefetch:
        _prefetch(g)
    cov = coverage_table if coverage_table is not None else timed("coverage", coverage, g, store, pes=part.pes)
    found = part.expected + coverage_findings(cov, as_of=day, absences=part.absences)
    return GapFindings(as_of=day, coverage=cov, expected=part.expected, findings=found, absences=part.absences, pes=part.pes, timings=timings)


def _prefetch(g: nx.Graph) -> None:
    """On large data, start the slowest measures of the report (betweenness, harmonic closeness)
    in forked children: they run while the findings are computed here (:func:`.metrics.prefetch_closeness`)."""
    if nx.is_frozen(g) and organisation_graph(g).number_of_nodes() >= OFFLOAD_MIN_NODES:
        from .metrics import prefetch_closeness

        prefetch_closeness(g)


def ended_ties(store: Store, day: str | None) -> tuple:
    """Ties that ended before ``day`` as (from, to, tie, (kind pl, kind en), end); none when ``day`` is None."""
    if day is None:
        return ()
    _, rows = store.select_values(internal_query("list_ended_ties"))
    out = {}
    for tie, src, dst, end, kind_pl, kind_en in rows:
        if str(end)[:10] < day:
            out.setdefault(tie, (src, dst, tie, (kind_pl or "", kind_en or kind_pl or ""), str(end)[:10]))
    return tuple(sorted(out.values()))


@quiet
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
    findings: GapFindings | None = None,
) -> GapReport:
    """Coverage, expectation findings, structure, metrics and suggested ties on ``as_of``.

    ``as_of``: a date (``YYYY-MM-DD``, ``today``) or None for every tie
    whatever its dates; ``expectations``: a SHACL file (default
    ``data/expectations.ttl``); ``graph`` / ``metrics``: a projection and
    node metrics already computed for that date (the dashboard's cache);
    ``findings``: :func:`gap_findings` already computed for that date and graph.
    Bad input raises :class:`~graph.analysis.errors.InvalidDate` or
    :class:`~graph.analysis.errors.ExpectationsError`.
    """
    # the measures are imported here: the findings alone (what a summary shows) need none of them
    from .metrics import network_metrics, node_metrics
    from .structure import structure
    from .suggest import suggest_ties

    day = iso(as_of, field="as_of")
    timings: dict[str, float] = {}
    timed = _stopwatch(timings)

    # a projection of our own is frozen: the measures then share what they derive from it
    g = graph if graph is not None else nx.freeze(timed("projection", to_networkx, store, as_of=day))
    part = findings if findings is not None else gap_findings(store, as_of=day, expectations=expectations, graph=g, engine=engine)
    timings.update(part.timings)
    table = metrics if metrics is not None else timed("metrics", node_metrics, g, seed=seed)
    net = timed("network", network_metrics, g)
    struct = timed("structure", structure, g)
    ended = ended_ties(store, day)
    suggestions = timed("suggestions", suggest_ties, g, pes_kinds=part.pes, top=top, findings=part.expected, ended=ended)
    timings["total"] = round(sum(timings.values()), 4)
    return GapReport(
        as_of=day,
        coverage=part.coverage,
        findings=part.findings,
        structure=struct,
        suggestions=suggestions,
        network=net,
        timings=timings,
        metrics=table,
        kinds=kind_labels(store),
        absences=part.absences,
    )
