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

Betweenness and closeness are exact: networkx up to :data:`NX_MAX_NODES`
organisations, igraph (C) up to :data:`EXACT_MAX_NODES`; past that,
betweenness is sampled from :data:`SAMPLE_K` pivots with a seed (see
:mod:`graph.analysis.metrics`).  Expectations run on Oxigraph, one query per
rule, or on pySHACL (``engine="pyshacl"``), with the same findings.
"""

from __future__ import annotations

from .absences import VerifiedAbsence, absence_text, verified_absences
from .brokerage import BROKERAGE_ROLES, brokerage, role_of
from .coverage import coverage_view
from .errors import AnalysisError, ExpectationsError, InvalidDate, UnknownResource
from .expectations import ENGINES, EXPECTATIONS_FILE, Expectation, check_expectations, describe_expectations, load_expectations
from .export import EXPORT_FORMATS, FILE_TYPES, FORMAT_ALIASES, export_network, flat_graph, organisation_lifetimes
from .findings import CATEGORIES, KINDS, SEVERITIES, Finding, Resource, Suggestion
from .gaps import COVERAGE_COLUMNS, COVERAGE_LABELS, GapReport, coverage, coverage_findings, gap_report, pes_kinds
from .metrics import EXACT_MAX_NODES, NX_MAX_NODES, SAMPLE_K, betweenness, burt, ei_index, harmonic, network_metrics, node_metrics
from .network import organisation_digraph, organisation_graph, resolve_organisation
from .projection import to_networkx
from .report import CSV_COLUMNS, md_escape, render_csv, render_json, render_markdown
from .stats import stats
from .structure import SUPPORT_KINDS, Structure, WhatIf, cut_parts, structure, what_if
from .suggest import RULE_MEETS, SUGGESTION_RULES, WEIGHTS, suggest_ties
from .timeline import Diff, diff_report, parse_date, snapshot_store, tie_kind_labels

__all__ = [
    # projection and counts
    "to_networkx",
    "stats",
    "organisation_graph",
    "organisation_digraph",
    "resolve_organisation",
    # metrics
    "NX_MAX_NODES",
    "EXACT_MAX_NODES",
    "SAMPLE_K",
    "node_metrics",
    "network_metrics",
    "betweenness",
    "harmonic",
    "burt",
    "ei_index",
    "BROKERAGE_ROLES",
    "brokerage",
    "role_of",
    # gaps
    "EXPECTATIONS_FILE",
    "ENGINES",
    "Expectation",
    "load_expectations",
    "describe_expectations",
    "check_expectations",
    "COVERAGE_COLUMNS",
    "COVERAGE_LABELS",
    "pes_kinds",
    "coverage",
    "coverage_findings",
    "coverage_view",
    "VerifiedAbsence",
    "verified_absences",
    "absence_text",
    "GapReport",
    "gap_report",
    # structure and what-if
    "SUPPORT_KINDS",
    "Structure",
    "structure",
    "cut_parts",
    "WhatIf",
    "what_if",
    # suggestions
    "SUGGESTION_RULES",
    "RULE_MEETS",
    "WEIGHTS",
    "suggest_ties",
    # time
    "parse_date",
    "snapshot_store",
    "tie_kind_labels",
    "Diff",
    "diff_report",
    # findings and output
    "Resource",
    "Finding",
    "Suggestion",
    "SEVERITIES",
    "CATEGORIES",
    "KINDS",
    "render_markdown",
    "render_csv",
    "render_json",
    "CSV_COLUMNS",
    "md_escape",
    "EXPORT_FORMATS",
    "FORMAT_ALIASES",
    "FILE_TYPES",
    "organisation_lifetimes",
    "export_network",
    "flat_graph",
    # errors
    "AnalysisError",
    "InvalidDate",
    "UnknownResource",
    "ExpectationsError",
]
