"""Structure: isolates, peripheral members, articulation points, bridges; what-if removal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from .findings import Finding, Resource

__all__ = ["Structure", "structure", "WhatIf", "what_if"]


@dataclass(frozen=True)
class Structure:
    """Single points of failure and the edge of the network."""

    isolates: tuple[Resource, ...]
    peripheral: tuple[Resource, ...]
    articulation_points: tuple[Resource, ...]
    bridges: tuple[tuple[Resource, Resource], ...]
    components: tuple[int, ...]
    findings: tuple[Finding, ...]


def structure(g: nx.MultiDiGraph) -> Structure:
    """Isolates, peripheral members (one partner), articulation points and bridges."""
    raise NotImplementedError


@dataclass(frozen=True)
class WhatIf:
    """What changes when organisations are taken out."""

    removed: tuple[Resource, ...]
    components_before: tuple[int, ...]
    components_after: tuple[int, ...]
    lost_support: tuple[Resource, ...]
    isolated: tuple[Resource, ...]
    findings: tuple[Finding, ...]


def what_if(g: nx.MultiDiGraph, remove: Iterable[str]) -> WhatIf:
    """Take out the organisations ``remove`` (IRIs, ``eso:slug`` or slugs)."""
    raise NotImplementedError
