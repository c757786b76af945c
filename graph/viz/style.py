"""Colours, shapes and edge styles of the network view, and the legend's entries.

Kinds within a sector share a hue family (public: blues, social economy:
greens, private: oranges) so a projector audience reads the sector at a
glance; every kind still has its own shade.  Tie kinds differ in colour and
width; dashes are kept for the overlays (expected-but-missing and suggested
ties) so a dashed line always means "not (yet) there".
"""

from __future__ import annotations

__all__ = [
    "KIND_COLOURS",
    "SECTOR_COLOURS",
    "COMMUNITY_COLOURS",
    "TIE_STYLES",
    "OVERLAY_STYLES",
    "SPOF_BORDER",
    "UNKNOWN_COLOUR",
    "colour_for",
    "tie_style",
    "SHAPES",
]

UNKNOWN_COLOUR = "#9e9e9e"
SPOF_BORDER = "#d50000"
GROUP_COLOUR = "#b0a48a"  # unnamed groups of signatories

SECTOR_COLOURS: dict[str, str] = {
    "public": "#1f5fa8",
    "social_economy": "#2e8b3e",
    "private": "#e07b00",
}

KIND_COLOURS: dict[str, str] = {
    # public: blues and teals
    "regional_government": "#0b3d91",
    "rops": "#1565c0",
    "starostwo": "#1e88e5",
    "gmina": "#42a5f5",
    "ops": "#00838f",
    "pcpr": "#26a69a",
    "pup": "#5c6bc0",
    "other_public": "#90caf9",
    # social economy: greens
    "owes": "#1b5e20",
    "social_cooperative": "#43a047",
    "cis": "#7cb342",
    "kis": "#9ccc65",
    "zaz": "#2e7d32",
    "wtz": "#558b2f",
    "foundation": "#00a86b",
    "association": "#66bb6a",
    "lgd": "#827717",
    "nonprofit_company": "#00695c",
    "work_cooperative": "#33691e",
    "agricultural_cooperative": "#afb42b",
    # private: oranges
    "firm": "#e65100",
    # the agreement itself
    "agreement": "#6a1b9a",
    "group": GROUP_COLOUR,
}

#: Tableau-like qualitative palette for communities (cycled).
COMMUNITY_COLOURS: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1b9e77",
    "#d95f02",
)

#: Tie kind -> vis-network edge style (solid; colour, width).
TIE_STYLES: dict[str, dict] = {
    "advice": {"color": "#00897b", "width": 2},
    "funding": {"color": "#c62828", "width": 3},
    "contracting": {"color": "#ef6c00", "width": 3},
    "cofounding": {"color": "#6a1b9a", "width": 3},
    "referral": {"color": "#0277bd", "width": 2},
    "coordination": {"color": "#37474f", "width": 2},
    "operation": {"color": "#5d4037", "width": 2},
    "unit_of": {"color": "#757575", "width": 1},
    "project_partnership": {"color": "#2e7d32", "width": 2},
    "membership": {"color": "#b39ddb", "width": 1},
    "post": {"color": "#bdbdbd", "width": 1},
}

#: Overlays: always dashed.
OVERLAY_STYLES: dict[str, dict] = {
    "missing": {"color": "#d50000", "width": 2, "dashes": [8, 6]},
    "suggested": {"color": "#7b1fa2", "width": 2, "dashes": [3, 5]},
    # the tie survey (graph.survey.overlays): both sides, one side, in the data but named by neither
    "confirmed": {"color": "#2e7d32", "width": 4, "dashes": False},
    "one_sided": {"color": "#ef6c00", "width": 2, "dashes": [10, 6]},
    "unconfirmed": {"color": "#607d8b", "width": 2, "dashes": [2, 5]},
}

SHAPES: dict[str, str] = {
    "organisation": "dot",
    "group": "square",
    "agreement": "star",
    "territory": "hexagon",
    "person": "diamond",
    "other": "dot",
}


def colour_for(attrs: dict, colour_by: str, communities: dict[str, int] | None = None, node: str | None = None) -> str:
    """The fill colour of a node for ``colour_by`` = ``kind``, ``sector`` or ``community``."""
    if attrs.get("type") == "agreement":
        return KIND_COLOURS["agreement"]
    if attrs.get("type") == "group":
        return GROUP_COLOUR
    if colour_by == "sector":
        return SECTOR_COLOURS.get(attrs.get("sector") or "", UNKNOWN_COLOUR)
    if colour_by == "community":
        if communities is None or node not in communities:
            return UNKNOWN_COLOUR
        return COMMUNITY_COLOURS[communities[node] % len(COMMUNITY_COLOURS)]
    return KIND_COLOURS.get(attrs.get("kind") or "", UNKNOWN_COLOUR)


def tie_style(kind: str | None) -> dict:
    """A copy of the style of a tie kind (unknown kinds: thin grey)."""
    return dict(TIE_STYLES.get(kind or "", {"color": UNKNOWN_COLOUR, "width": 1}))
