"""Shaping the projected network for exploration: search, filters, focus.

Pure functions over the ``nx.MultiDiGraph`` from
:func:`graph.analysis.projection.to_networkx`; the dashboard calls them, and
so can a test or a notebook.

Examples
--------
>>> fold("Wąchock")
'wachock'
>>> fold("ŁÓDŹ  Żółć")
'lodz zolc'
"""

from __future__ import annotations

import unicodedata

import networkx as nx

__all__ = ["fold", "synthetic_count", "summary"]

# Letters NFKD does not decompose (ł has no combining form).
_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss"})


def fold(text: str) -> str:
    """Lower-case, strip diacritics (Polish ł included), collapse spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def synthetic_count(g: nx.Graph) -> int:
    """How many nodes are synthetic (``es:isSynthetic true``)."""
    return sum(1 for _, syn in g.nodes(data="synthetic") if syn)


def summary(g: nx.Graph) -> dict[str, int]:
    """Counts for the sidebar: organisations (and groups), ties, synthetic nodes."""
    orgs = sum(1 for _, typ in g.nodes(data="type") if typ in ("organisation", "group"))
    return {"organisations": orgs, "ties": g.number_of_edges(), "synthetic": synthetic_count(g)}
