"""Suggested ties: link prediction filtered to complementary kinds, with reasons."""

from __future__ import annotations

import networkx as nx

from .findings import Suggestion

__all__ = ["SUGGESTION_RULES", "suggest_ties"]

#: Complementary pairs of kinds worth linking (rule -> (kinds of one end, kinds of the other)).
SUGGESTION_RULES: dict[str, tuple[str, str]] = {
    "pes-ops": ("pes", "ops"),
    "pes-firm": ("pes", "firm"),
    "pes-pup": ("pes", "pup"),
    "gmina-owes": ("gmina", "owes"),
}


def suggest_ties(
    g: nx.MultiDiGraph, *, pes_kinds: frozenset[str], top: int = 10, unmet: frozenset[str] = frozenset()
) -> tuple[Suggestion, ...]:
    """The ``top`` missing ties worth building, best first."""
    raise NotImplementedError
