"""Colours, shapes and edge styles of the network view, and the legend's entries.

Colours come from the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal
Design"), whose eight colours stay apart for the common colour-vision
deficiencies: sectors get blue (public), bluish green (social economy) and
orange (private).  Kinds are grouped into families, and a family has a shape
as well as a colour (government: square, social services: dot, reintegration
units: triangle, social enterprises: diamond, associations and foundations:
inverted triangle, support centres: hexagon, the agreement: star), so a
reader who cannot tell two colours apart still tells the shapes.  Tie kinds
differ in colour and width; dashes are kept for the overlays
(expected-but-missing and suggested ties) so a dashed line always means "not
(yet) there".
"""

from __future__ import annotations

__all__ = [
    "OKABE_ITO",
    "KIND_COLOURS",
    "KIND_FAMILY",
    "FAMILY_SHAPES",
    "SECTOR_COLOURS",
    "COMMUNITY_COLOURS",
    "TIE_STYLES",
    "OVERLAY_STYLES",
    "SPOF_BORDER",
    "UNKNOWN_COLOUR",
    "colour_for",
    "shape_for",
    "tie_style",
    "SHAPES",
]

#: The Okabe-Ito palette.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

UNKNOWN_COLOUR = "#999999"
SPOF_BORDER = "#D55E00"  # vermillion ring, 5 px
GROUP_COLOUR = "#BBBBBB"  # unnamed groups of signatories (with a dashed border)

SECTOR_COLOURS: dict[str, str] = {
    "public": OKABE_ITO["blue"],
    "social_economy": OKABE_ITO["bluish_green"],
    "private": OKABE_ITO["orange"],
}

#: Kind -> family (what the shape and, coloured by kind, the colour say).
KIND_FAMILY: dict[str, str] = {
    "regional_government": "government",
    "starostwo": "government",
    "gmina": "government",
    "rops": "services",
    "ops": "services",
    "pcpr": "services",
    "pup": "services",
    "other_public": "services",
    "cis": "reintegration",
    "kis": "reintegration",
    "zaz": "reintegration",
    "wtz": "reintegration",
    "social_cooperative": "enterprise",
    "work_cooperative": "enterprise",
    "agricultural_cooperative": "enterprise",
    "nonprofit_company": "enterprise",
    "foundation": "ngo",
    "association": "ngo",
    "lgd": "ngo",
    "owes": "support",
    "firm": "firm",
}

#: Family -> vis-network shape (all draw their label below the shape).
FAMILY_SHAPES: dict[str, str] = {
    "government": "square",
    "services": "dot",
    "reintegration": "triangle",
    "enterprise": "diamond",
    "ngo": "triangleDown",
    "support": "hexagon",
    "firm": "dot",
}

_FAMILY_COLOURS: dict[str, str] = {
    "government": OKABE_ITO["blue"],
    "services": OKABE_ITO["sky_blue"],
    "reintegration": OKABE_ITO["vermillion"],
    "enterprise": OKABE_ITO["bluish_green"],
    "ngo": OKABE_ITO["yellow"],
    "support": OKABE_ITO["black"],
    "firm": OKABE_ITO["orange"],
}

#: Kind -> colour (colour by kind): the family's Okabe-Ito colour.
KIND_COLOURS: dict[str, str] = {
    **{kind: _FAMILY_COLOURS[family] for kind, family in KIND_FAMILY.items()},
    "agreement": OKABE_ITO["reddish_purple"],
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

#: Node type -> shape (organisations: by kind, see :func:`shape_for`).
SHAPES: dict[str, str] = {
    "organisation": "dot",
    "group": "dot",
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


def shape_for(attrs: dict) -> str:
    """The vis-network shape of a node: by type, and for an organisation by its kind's family."""
    typ = attrs.get("type") or "other"
    if typ == "organisation":
        return FAMILY_SHAPES.get(KIND_FAMILY.get(attrs.get("kind") or "", ""), "dot")
    return SHAPES.get(typ, "dot")


def tie_style(kind: str | None) -> dict:
    """A copy of the style of a tie kind (unknown kinds: thin grey)."""
    return dict(TIE_STYLES.get(kind or "", {"color": UNKNOWN_COLOUR, "width": 1}))
