"""Overlays from the gap analysis: single points of failure, missing and suggested ties."""

from __future__ import annotations

from .build import Overlay

__all__ = ["overlays_from"]


def overlays_from(report, lang: str = "pl") -> tuple[frozenset[str], tuple[Overlay, ...]]:
    """``(single points of failure, dashed overlays)`` from a :class:`graph.analysis.GapReport`.

    Articulation points are the single points of failure; every suggestion
    becomes a ``suggested`` edge (organisation -> partner) with its text as
    the reason; an expectation finding that names two organisations becomes
    a ``missing`` edge between them.  ``report`` may be None (no analysis).
    """
    if report is None:
        return frozenset(), ()
    structure = getattr(report, "structure", None)
    spof = frozenset(r.iri for r in getattr(structure, "articulation_points", ()) or ())
    out: list[Overlay] = []
    for s in getattr(report, "suggestions", ()) or ():
        if len(s.resources) >= 2:
            out.append(Overlay(s.resources[0].iri, s.resources[1].iri, "suggested", s.text(lang)))
    for f in getattr(report, "findings", ()) or ():
        if f.category == "expectation" and len(f.resources) >= 2:
            out.append(Overlay(f.resources[0].iri, f.resources[1].iri, "missing", f.text(lang)))
    return spof, tuple(out)
