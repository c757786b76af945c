"""Network analysis: projection, metrics, gaps in cooperation, suggestions, time.

The public API the dashboard and the CLI call.  Every function takes the graph
(a :func:`to_networkx` projection) or the store first and options keyword-only;
anything random takes ``seed=``.  Results are pandas DataFrames (one row per
organisation, index = IRI) or small frozen dataclasses whose findings name the
resources (IRI + Polish label) and the data they rest on, in Polish and English.

Typical use::

    from graph.analysis import gap_report, render_markdown
    report = gap_report(store, as_of="2019-06-30")
    print(render_markdown(report, lang="pl"))

Exact algorithms are used while the network is small; past
:data:`EXACT_MAX_NODES` organisations, betweenness and closeness are sampled
(``k`` pivots, seeded); see :mod:`graph.analysis.metrics`.
"""

from __future__ import annotations

from .brokerage import BROKERAGE_ROLES, brokerage
from .errors import AnalysisError, ExpectationsError, InvalidDate, UnknownResource
from .expectations import EXPECTATIONS_FILE, check_expectations, load_expectations
from .export import EXPORT_FORMATS, export_network
from .findings import CATEGORIES, SEVERITIES, Finding, Resource, Suggestion
from .gaps import COVERAGE_COLUMNS, GapReport, coverage, gap_report
from .metrics import EXACT_MAX_NODES, network_metrics, node_metrics
from .network import organisation_digraph, organisation_graph, resolve_organisation
from .projection import to_networkx
from .report import render_csv, render_json, render_markdown
from .stats import stats
from .structure import Structure, WhatIf, structure, what_if
from .suggest import SUGGESTION_RULES, suggest_ties
from .timeline import Diff, diff_report, parse_date, snapshot_store

__all__ = [
    # projection and counts
    "to_networkx",
    "stats",
    "organisation_graph",
    "organisation_digraph",
    "resolve_organisation",
    # metrics
    "EXACT_MAX_NODES",
    "node_metrics",
    "network_metrics",
    "BROKERAGE_ROLES",
    "brokerage",
    # gaps
    "EXPECTATIONS_FILE",
    "load_expectations",
    "check_expectations",
    "COVERAGE_COLUMNS",
    "coverage",
    "GapReport",
    "gap_report",
    # structure and what-if
    "Structure",
    "structure",
    "WhatIf",
    "what_if",
    # suggestions
    "SUGGESTION_RULES",
    "suggest_ties",
    # time
    "parse_date",
    "snapshot_store",
    "Diff",
    "diff_report",
    # findings and output
    "Resource",
    "Finding",
    "Suggestion",
    "SEVERITIES",
    "CATEGORIES",
    "render_markdown",
    "render_csv",
    "render_json",
    "EXPORT_FORMATS",
    "export_network",
    # errors
    "AnalysisError",
    "InvalidDate",
    "UnknownResource",
    "ExpectationsError",
]
