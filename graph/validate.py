"""SHACL validation with pySHACL, as findings a person can read and check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import rdflib
from rdflib.namespace import SH

from .errors import DataError
from .io import load_graph
from .settings import SHAPES_FILE

__all__ = ["Finding", "Report", "validate_graph", "load_shapes"]

_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class Finding:
    """One SHACL result: which resource, which rule, what is wrong."""

    focus: str
    shape: str
    severity: str
    message: str
    message_en: str
    path: str | None = None
    value: str | None = None
    constraint: str | None = None


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


def _text(g: rdflib.Graph, node, prop, lang: str) -> str | None:
    values = list(g.objects(node, prop))
    for v in values:
        if getattr(v, "language", None) == lang:
            return str(v)
    plain = [v for v in values if not getattr(v, "language", None)]
    return str(plain[0]) if plain else (str(values[0]) if values else None)


def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph | None = None) -> Report:
    """Validate ``data`` against ``shapes`` (default: data/shapes.ttl)."""
    shapes = shapes if shapes is not None else load_shapes()
    try:
        conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True)
    except Exception as exc:  # pySHACL raises ReportableRuntimeError, ConstraintLoadError...
        raise DataError("shapes", f"not valid SHACL: {exc}") from None
    findings = []
    for r in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        shape = results.value(r, SH.sourceShape)
        msg_pl = _text(results, r, SH.resultMessage, "pl") or _text(shapes, shape, SH.message, "pl") or ""
        msg_en = _text(results, r, SH.resultMessage, "en") or _text(shapes, shape, SH.message, "en") or msg_pl
        path = results.value(r, SH.resultPath)
        value = results.value(r, SH.value)
        comp = results.value(r, SH.sourceConstraintComponent)
        findings.append(
            Finding(
                focus=str(results.value(r, SH.focusNode)),
                shape=str(shape),
                severity=_SEVERITY.get(results.value(r, SH.resultSeverity), "violation"),
                message=msg_pl,
                message_en=msg_en,
                path=str(path) if path is not None else None,
                value=str(value) if value is not None else None,
                constraint=str(comp).rsplit("#", 1)[-1] if comp is not None else None,
            )
        )
    findings.sort(key=lambda f: (f.severity != "violation", f.focus, f.shape, f.path or ""))
    return Report(bool(conforms), tuple(findings))
