"""Findings: small frozen records a coordinator can read and check.

Every finding names the resources it is about (IRI and Polish label) and the
data it rests on (``basis``: IRIs of ties, memberships, shapes and source
documents), with a Polish and an English text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..vocabulary import pick

__all__ = ["Resource", "Finding", "Suggestion", "SEVERITIES", "CATEGORIES", "KINDS", "sizes"]

#: Severities, most serious first (the SHACL ones).
SEVERITIES: tuple[str, ...] = ("violation", "warning", "info")
#: What a finding is about.
CATEGORIES: tuple[str, ...] = ("expectation", "coverage", "structure", "suggestion", "change", "validation")
#: The two kinds of finding: what the data shows about cooperation (ties that
#: the data does not hold between organisations it knows, or an absence a
#: coordinator verified), and what the data does not say (an organisation or
#: fact not recorded: "uzupełnij dane" / "complete the data").
KINDS: tuple[str, ...] = ("cooperation", "data")


@dataclass(frozen=True, order=True)
class Resource:
    """A resource named in a finding: its IRI and labels (Polish first)."""

    iri: str
    label: str
    label_en: str = ""

    def label_in(self, lang: str = "pl") -> str:
        """The label in ``lang`` ("pl" or "en"), falling back to the Polish one."""
        return pick(lang, self.label, self.label_en)


@dataclass(frozen=True)
class Finding:
    """One thing worth a coordinator's attention.

    ``code`` names the rule (e.g. ``gmina-has-pes``, ``articulation-point``);
    ``resources`` the organisations, gminy or ties it is about; ``basis`` the
    IRIs of the data it rests on (ties, memberships, the SHACL shape, source
    documents); ``data`` small numbers behind the text (e.g. how many
    organisations a removal cuts off); ``kind`` one of :data:`KINDS`: a gap
    in cooperation or a gap in the data.
    """

    category: str
    code: str
    severity: str
    resources: tuple[Resource, ...]
    text_pl: str
    text_en: str
    basis: tuple[str, ...] = ()
    data: tuple[tuple[str, object], ...] = ()
    kind: str = "cooperation"

    def text(self, lang: str = "pl") -> str:
        """The text in ``lang`` ("pl" or "en")."""
        return pick(lang, self.text_pl, self.text_en, fallback=False)

    def value(self, key: str, default=None):
        """One of the numbers in ``data`` by name."""
        return dict(self.data).get(key, default)

    def to_dict(self) -> dict:
        """Plain JSON-ready values."""
        out = asdict(self)
        out["data"] = dict(self.data)
        return out


@dataclass(frozen=True)
class Suggestion(Finding):
    """A missing tie worth building: ``resources`` are (organisation, partner).

    ``score`` is the link-prediction score (resource allocation index on the
    undirected network of organisations); ``shared`` the partners both already
    work with; ``rule`` the complementary pair (``pes-ops``, ``pes-firm``,
    ``pes-pup``, ``gmina-owes``); ``meets`` the codes of the expectations the
    tie would meet.
    """

    score: float = 0.0
    rule: str = ""
    shared: tuple[Resource, ...] = field(default=())
    meets: tuple[str, ...] = ()


def sizes(parts) -> str:
    """Part sizes, repeats folded: ``1531, 3 (×2), 1 (×26)``.

    >>> sizes([7, 1, 1, 1, 1])
    '7, 1 (×4)'
    """
    out: list[str] = []
    items = list(parts)
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and items[j] == items[i]:
            j += 1
        out.append(str(items[i]) + (f" (×{j - i})" if j - i > 1 else ""))
        i = j
    return ", ".join(out)
