"""SHACL validation with pySHACL, as findings a person can read and check.

A SHACL result is a :class:`graph.analysis.findings.Finding` like every other
finding of the project (category ``validation``); :func:`details` gives back
its SHACL fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import SH

from .analysis.findings import Finding, Resource
from .errors import DataError
from .io import load_graph
from .settings import SHAPES_FILE
from .sparql_parse_lock import install as _one_parse_at_a_time

_one_parse_at_a_time()  # pySHACL parses its SPARQL in the thread that checks (graph/sparql_parse_lock.py)

__all__ = ["Finding", "Report", "validate_graph", "load_shapes", "shacl_finding", "details", "SEVERITY", "text_in"]

#: SHACL severities by their IRI (the gap analysis reads them the same way).
SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


def shacl_finding(focus: str, shape: str, severity: str, message: str, message_en: str, *, path: str | None = None,
                  value: str | None = None, constraint: str | None = None) -> Finding:  # fmt: skip
    """One SHACL result as a :class:`~graph.analysis.findings.Finding` (category ``validation``).

    The focus node is the one resource; the shape is the basis; path, value,
    constraint and shape are in ``data`` (see :func:`details`).
    """
    data = {"constraint": constraint, "path": path, "shape": shape, "value": value}
    code = shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return Finding("validation", code, severity, (Resource(focus, focus),), message, message_en, (shape,), tuple(sorted(data.items())), kind="data")


def details(f: Finding) -> dict[str, str | None]:
    """The SHACL result behind ``f``: focus, shape, severity, message (pl, en), path, value, constraint."""
    return {
        "focus": f.resources[0].iri if f.resources else "",
        "shape": f.value("shape"),
        "severity": f.severity,
        "message": f.text_pl,
        "message_en": f.text_en,
        "path": f.value("path"),
        "value": f.value("value"),
        "constraint": f.value("constraint"),
    }


@dataclass(frozen=True)
class Report:
    conforms: bool
    findings: tuple[Finding, ...]

    @property
    def violations(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "violation")


def load_shapes(paths: Iterable[str | Path] = (SHAPES_FILE,)) -> rdflib.Graph:
    """Shapes from files; a file that is not valid SHACL is named in the error."""
    paths = list(paths)
    shapes = load_graph(paths)
    bad = [
        s
        for s in shapes.subjects(rdflib.RDF.type, SH.NodeShape)
        if not any(shapes.objects(s, p) for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target))
        and not any(shapes.subjects(SH.node, s))
    ]
    if not any(shapes.subjects(rdflib.RDF.type, SH.NodeShape)) and not any(shapes.subjects(rdflib.RDF.type, SH.PropertyShape)):
        raise DataError(", ".join(map(str, paths)), "holds no SHACL shape (sh:NodeShape or sh:PropertyShape)")
    if bad:
        raise DataError(", ".join(map(str, paths)), f"shape {bad[0]} has no target (sh:targetClass, sh:targetNode...)")
    return shapes


def text_in(g: rdflib.Graph, node, prop, lang: str) -> str | None:
    """The value of ``prop`` in ``lang``, else a plain literal, else any; None when there is none."""
    values = list(g.objects(node, prop))
    for v in values:
        if getattr(v, "language", None) == lang:
            return str(v)
    plain = [v for v in values if not getattr(v, "language", None)]
    return str(plain[0]) if plain else (str(values[0]) if values else None)


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph | None = None, *, inplace: bool = False) -> Report:
    """Validate ``data`` against ``shapes`` (default: data/shapes.ttl).

    ``inplace=True``: ``data`` is a throwaway graph built for this check, which
    pySHACL may change instead of copying it first (it copies in advanced mode).
    """
    shapes = shapes if shapes is not None else load_shapes()
    try:
        conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True, inplace=inplace)
    except Exception as exc:  # pySHACL raises ReportableRuntimeError, ConstraintLoadError...
        raise DataError("shapes", f"not valid SHACL: {exc}") from None
    findings = []
    for r in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        shape = results.value(r, SH.sourceShape)
        msg_pl = text_in(results, r, SH.resultMessage, "pl") or text_in(shapes, shape, SH.message, "pl") or ""
        msg_en = text_in(results, r, SH.resultMessage, "en") or text_in(shapes, shape, SH.message, "en") or msg_pl
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        comp = results.value(r, SH.sourceConstraintComponent)
        findings.append(
            shacl_finding(
                str(results.value(r, SH.focusNode)),
                str(shape),
                SEVERITY.get(results.value(r, SH.resultSeverity), "violation"),
                msg_pl,
                msg_en,
                path=str(path) if path is not None else None,
                value=str(value) if value is not None else None,
                constraint=str(comp).rsplit("#", 1)[-1] if comp is not None else None,
            )
        )
    findings.sort(key=lambda f: (f.severity != "violation", f.resources[0].iri, f.value("shape"), f.value("path") or ""))
    return Report(bool(conforms), tuple(findings))
