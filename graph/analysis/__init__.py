"""Network analysis: projection, metrics, gaps in cooperation, suggestions, time.

The public API the dashboard and the CLI call.  Every function takes the graph
(a :func:`to_networkx` projection) or the store first and options keyword-only;
anything random takes ``seed=``.  Results are pandas DataFrames (one row per
organisation, index = IRI) or small frozen dataclasses whose findings name the
resources (IRI + Polish label) and the data they rest on, in Polish and English.

Names are imported on first use (the submodules pull in pandas, networkx and
pySHACL), so importing the package is cheap.  Typical use::

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

import sys
import types
from typing import TYPE_CHECKING

from ..lazy import lazy_names

if TYPE_CHECKING:  # what the names are, for readers and type checkers; imported on first use
    from .absences import VerifiedAbsence, absence_text, verified_absences
    from .brokerage import BROKERAGE_ROLES, brokerage, role_of
    from .coverage import coverage_view
    from .dates import parse_date, snapshot_store
    from .errors import AnalysisError, ExpectationsError, InvalidDate, UnknownResource
    from .expectations import ENGINES, EXPECTATIONS_FILE, Expectation, check_expectations, describe_expectations, load_expectations
    from .export import EXPORT_FORMATS, FILE_TYPES, FORMAT_ALIASES, export_network, flat_graph, organisation_lifetimes
    from .findings import CATEGORIES, KINDS, SEVERITIES, Finding, Resource, Suggestion
    from .gaps import (
        COVERAGE_COLUMNS,
        COVERAGE_LABELS,
        ExpectedFindings,
        GapFindings,
        GapReport,
        coverage,
        coverage_findings,
        expectation_findings,
        gap_findings,
        gap_report,
        pes_kinds,
    )
    from .metrics import EXACT_MAX_NODES, NX_MAX_NODES, SAMPLE_K, betweenness, burt, ei_index, harmonic, network_metrics, node_metrics
    from .network import organisation_digraph, organisation_graph, resolve_organisation
    from .projection import to_networkx
    from .projection_patch import patch_projection
    from .report import CSV_COLUMNS, md_escape, render_csv, render_json, render_markdown
    from .stats import stats
    from .structure import SUPPORT_KINDS, Structure, WhatIf, cut_parts, structure, what_if
    from .suggest import RULE_MEETS, SUGGESTION_RULES, WEIGHTS, suggest_ties
    from .timeline import Diff, diff_report, tie_kind_labels

#: Public name -> the submodule that defines it (imported on first use, PEP 562).
_WHERE = {
    "VerifiedAbsence": "absences",
    "absence_text": "absences",
    "verified_absences": "absences",
    "BROKERAGE_ROLES": "brokerage",
    "brokerage": "brokerage",
    "role_of": "brokerage",
    "coverage_view": "coverage",
    "parse_date": "dates",
    "snapshot_store": "dates",
    "AnalysisError": "errors",
    "ExpectationsError": "errors",
    "InvalidDate": "errors",
    "UnknownResource": "errors",
    "ENGINES": "expectations",
    "EXPECTATIONS_FILE": "expectations",
    "Expectation": "expectations",
    "check_expectations": "expectations",
    "describe_expectations": "expectations",
    "load_expectations": "expectations",
    "EXPORT_FORMATS": "export",
    "export_network": "export",
    "flat_graph": "export",
    "FILE_TYPES": "export",
    "FORMAT_ALIASES": "export",
    "organisation_lifetimes": "export",
    "CATEGORIES": "findings",
    "KINDS": "findings",
    "SEVERITIES": "findings",
    "Finding": "findings",
    "Resource": "findings",
    "Suggestion": "findings",
    "COVERAGE_COLUMNS": "gaps",
    "COVERAGE_LABELS": "gaps",
    "GapReport": "gaps",
    "coverage": "gaps",
    "coverage_findings": "gaps",
    "gap_report": "gaps",
    "GapFindings": "gaps",
    "gap_findings": "gaps",
    "ExpectedFindings": "gaps",
    "expectation_findings": "gaps",
    "pes_kinds": "gaps",
    "EXACT_MAX_NODES": "metrics",
    "NX_MAX_NODES": "metrics",
    "SAMPLE_K": "metrics",
    "betweenness": "metrics",
    "burt": "metrics",
    "ei_index": "metrics",
    "harmonic": "metrics",
    "network_metrics": "metrics",
    "node_metrics": "metrics",
    "organisation_digraph": "network",
    "organisation_graph": "network",
    "resolve_organisation": "network",
    "to_networkx": "projection",
    "patch_projection": "projection_patch",
    "CSV_COLUMNS": "report",
    "md_escape": "report",
    "render_csv": "report",
    "render_json": "report",
    "render_markdown": "report",
    "stats": "stats",
    "SUPPORT_KINDS": "structure",
    "Structure": "structure",
    "WhatIf": "structure",
    "cut_parts": "structure",
    "structure": "structure",
    "what_if": "structure",
    "RULE_MEETS": "suggest",
    "SUGGESTION_RULES": "suggest",
    "WEIGHTS": "suggest",
    "suggest_ties": "suggest",
    "Diff": "timeline",
    "diff_report": "timeline",
    "tie_kind_labels": "timeline",
}

__all__ = [
    # projection and counts
    "to_networkx",
    "patch_projection",
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
    "GapFindings",
    "gap_findings",
    "ExpectedFindings",
    "expectation_findings",
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
    "export_network",
    "flat_graph",
    "FORMAT_ALIASES",
    "FILE_TYPES",
    "organisation_lifetimes",
    # errors
    "AnalysisError",
    "InvalidDate",
    "UnknownResource",
    "ExpectationsError",
]


__getattr__, __dir__ = lazy_names(__name__, _WHERE, globals(), __all__)  # names imported on first use (graph.lazy)


class _Facade(types.ModuleType):
    """Keeps the public names what they are: importing a submodule sets the
    package's attribute of its name (``stats``, ``structure``, ``brokerage``,
    ``coverage``) to the module, which would hide the function of that name."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and name in _WHERE:
            if _WHERE[name] != name:  # e.g. the coverage module vs gaps.coverage: resolved on use
                return
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Facade
