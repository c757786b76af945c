"""The query library: one ``.rq`` file per question, in ``graph/queries/``.

Each file starts with a header of ``# key: value`` comment lines::

    # title: Członkowie porozumienia i daty przystąpienia
    # title_en: Members of the agreement and their join dates
    # description: ...
    # description_en: ...
    # param: org | org | Organizacja | Organisation | eso:rops

A parameter line is ``name | type | label pl | label en [| default]``.  Types:
``org``, ``gmina``, ``kind``, ``tie_kind``, ``iri`` (IRIs, prefixed names
allowed), ``date``, ``string``, ``integer``.  A parameter with no default is
required; a default of ``-`` makes it optional (left unbound, it matches
everything).  Values are bound by name (``?org``), never pasted into the text.

The queries the code itself runs (projection, counts, lookups...) live in
``graph/queries/internal/`` (not in the catalogue): :func:`internal_query`
reads one by name.  Every SPARQL text of the project is in that folder or this
one; none is formatted, every value is bound.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.term import Node

from .errors import GraphError
from .model import PREFIXES, XSD
from .terms import checked_iri
from .vocabulary import pick

__all__ = ["Param", "SavedQuery", "QUERY_DIR", "INTERNAL_DIR", "load_library", "get_query", "internal_query", "parse_query_file", "coerce", "expand_iri"]

QUERY_DIR = Path(__file__).resolve().parent / "queries"
INTERNAL_DIR = QUERY_DIR / "internal"
PARAM_TYPES = ("org", "gmina", "kind", "tie_kind", "iri", "date", "string", "integer")
IRI_TYPES = ("org", "gmina", "kind", "tie_kind", "iri")


@dataclass(frozen=True)
class Param:
    """A named parameter of a saved query; it becomes a form field."""

    name: str
    type: str
    label: str
    label_en: str
    default: str | None = None  # None: required; "-": optional, unbound

    @property
    def required(self) -> bool:
        return self.default is None

    def label_in(self, lang: str) -> str:
        return pick(lang, self.label, self.label_en, fallback=False)


@dataclass(frozen=True)
class SavedQuery:
    """A question from the library."""

    name: str
    title: str
    title_en: str
    description: str
    description_en: str
    params: tuple[Param, ...]
    text: str

    def bind(self, values: dict[str, str | None]) -> dict[str, Node]:
        """Form values (strings) as typed terms; errors name the field."""
        out: dict[str, Node] = {}
        for p in self.params:
            raw = values.get(p.name)
            if raw is None or str(raw).strip() == "":
                raw = None if p.default in (None, "-") else p.default
            if raw is None:
                if p.required:
                    raise GraphError(f"{p.name}: a value is required ({p.label_en})")
                continue
            out[p.name] = coerce(p.type, str(raw), field=p.name)
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise GraphError(f"{', '.join(sorted(unknown))}: no such parameter of {self.name}")
        return out

    def title_in(self, lang: str) -> str:
        return pick(lang, self.title, self.title_en, fallback=False)

    def description_in(self, lang: str) -> str:
        return pick(lang, self.description, self.description_en, fallback=False)


def expand_iri(value: str, *, field: str = "IRI") -> URIRef:
    """A full IRI, or a prefixed name with one of the project's prefixes."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return checked_iri(PREFIXES[prefix] + local, field=field)
    return checked_iri(value, field=field)


def coerce(kind: str, raw: str, *, field: str) -> Node:
    """A form value as the term the parameter's type asks for."""
    if kind in IRI_TYPES:
        try:
            return expand_iri(raw, field=field)
        except ValueError as exc:
            raise GraphError(str(exc)) from None
    if kind == "date":
        try:
            return Literal(dt.date.fromisoformat(raw.strip()).isoformat(), datatype=XSD.date)
        except ValueError:
            raise GraphError(f"{field}: not a date (YYYY-MM-DD): {raw!r}") from None
    if kind == "integer":
        try:
            return Literal(int(raw.strip()))
        except ValueError:
            raise GraphError(f"{field}: not a whole number: {raw!r}") from None
    if kind == "string":
        return Literal(raw)
    raise GraphError(f"{field}: unknown parameter type {kind!r}")


def parse_query_file(path: Path) -> SavedQuery:
    """Read one ``.rq`` file and its header; errors name the file and line."""
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    params: list[Param] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].partition(":")
        key, value = key.strip(), value.strip()
        if not sep:
            continue
        if key == "param":
            parts = [x.strip() for x in value.split("|")]
            if len(parts) not in (4, 5) or parts[1] not in PARAM_TYPES:
                raise GraphError(f"{path}:{n}: bad param line; expected 'name | type | label | label_en [| default]' with type one of {PARAM_TYPES}")
            params.append(Param(parts[0], parts[1], parts[2], parts[3], parts[4] if len(parts) == 5 else None))
        else:
            meta[key] = value
    missing = [k for k in ("title", "title_en", "description", "description_en") if k not in meta]
    if missing:
        raise GraphError(f"{path}:1: header lacks {', '.join(missing)}")
    return SavedQuery(path.stem, meta["title"], meta["title_en"], meta["description"], meta["description_en"], tuple(params), text)


@cache
def _library(folder: Path) -> dict[str, SavedQuery]:
    return {p.stem: parse_query_file(p) for p in sorted(folder.glob("*.rq"))}


def load_library(folder: Path = QUERY_DIR) -> dict[str, SavedQuery]:
    """Every saved query by name (the file's stem), in name order."""
    return dict(_library(folder))


def get_query(name: str, folder: Path = QUERY_DIR) -> SavedQuery:
    library = _library(folder)
    if name not in library:
        raise GraphError(f"no saved query named {name!r}; see `python -m graph queries`")
    return library[name]


@cache
def internal_query(name: str) -> str:
    """The text of ``graph/queries/internal/<name>.rq`` (a query the code runs with bound values).

    >>> "SELECT" in internal_query("count_by_kind")
    True
    """
    path = INTERNAL_DIR / f"{name}.rq"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GraphError(f"{path}: no internal query named {name!r}") from None
