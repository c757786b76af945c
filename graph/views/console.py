"""The SPARQL console's core: pickers, labels, tables, downloads, shareable URLs, graph views.

The dashboard's console page (``ui/pages/console.py``) only reads widgets and
renders what these functions return, so everything it shows can be checked in
a plain test.  Running a query is :func:`graph.guard.start_limited` (guarded,
time- and row-limited, in a killable worker); catalogue questions come from
:mod:`graph.library` and their form values are bound, never pasted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import networkx as nx
import pandas as pd
from rdflib import BNode, Literal, URIRef

from ..bind import inject_rows
from ..library import SavedQuery, internal_query
from ..model import ES, ORG, PREFIXES, RDF, SKOS
from ..results import to_csv, to_json, to_tsv, to_turtle
from ..sparql_terms import EXAMPLES
from ..store import Result, Store
from ..terms import checked_iri, plain
from ..vocabulary import Label, pick

__all__ = [
    "ConsoleRequest",
    "Download",
    "EXAMPLE",
    "choices",
    "example_values",
    "label_info",
    "IriInfo",
    "result_iris",
    "picker_for",
    "compact",
    "display_table",
    "downloads",
    "encode_request",
    "decode_request",
    "graph_network",
    "network_html",
    "LINK_PATTERN",
]

#: Shown in an empty editor: the project's prefixes are known, so none is declared.
EXAMPLE = EXAMPLES["pl"]  # the example in Polish; graph.sparql_terms.example_query(lang) for either language

# ---------------------------------------------------------------- pickers

_PICKERS = ("org", "gmina", "kind", "tie_kind", "agreement", "area", "source", "role")  # graph/queries/internal/pick_<name>.rq
#: ``iri`` parameters whose name says what to pick.
_PICKER_BY_NAME = {"agreement": "agreement", "area": "area", "source": "source", "role": "role", "owes": "org"}


def picker_for(param_type: str, name: str = "") -> str | None:
    """Which list a parameter picks from (None: free input)."""
    if param_type in ("org", "gmina", "kind", "tie_kind"):
        return _PICKER_BY_NAME.get(name, param_type)
    if param_type == "iri":
        return _PICKER_BY_NAME.get(name)
    return None


def choices(store: Store, picker: str, lang: str = "pl", *, limit: int = 50_000) -> list[tuple[str, str]]:
    """``(iri, label)`` options for a picker, sorted by label (codes shown for units)."""
    _, rows = store.select_values(internal_query(f"pick_{picker}"))
    seen: dict[str, str] = {}
    for row in rows:
        iri, pl, en = row[0], row[1], row[2]
        code = row[3] if len(row) > 3 else None
        label = pick(lang, pl, en)
        label = label or compact(iri)
        if code:
            label = f"{label} ({code})"
        if iri not in seen or label < seen[iri]:
            seen[iri] = label
    out = sorted(seen.items(), key=lambda kv: (kv[1].casefold(), kv[0]))
    return out[:limit]


def example_values(store: Store, saved: SavedQuery) -> dict[str, str]:
    """A value for every required parameter without a default (the first choice), for demos and benchmarks."""
    out: dict[str, str] = {}
    for p in saved.params:
        if not p.required:
            continue
        picker = picker_for(p.type, p.name)
        if picker is None:
            continue
        if picker in _BUSIEST:
            # the best-connected organisation, the gmina with most seats: the example shows something
            _, rows = store.select_values(internal_query(f"get_busiest_{picker}"))
            if rows:
                out[p.name] = rows[0][0]
                continue
        options = choices(store, picker)
        if options:
            out[p.name] = options[0][0]
    return out


_BUSIEST = ("org", "gmina")  # graph/queries/internal/get_busiest_<picker>.rq


# ---------------------------------------------------------------- labels and tables


def compact(iri: str) -> str:
    """``eso:koowes`` for a project IRI (longest matching prefix), else the IRI."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            local = iri[len(ns) :]
            if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", local or "x") and not local.endswith("."):
                best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


@dataclass(frozen=True)
class IriInfo:
    label: str
    is_org: bool = False
    kind: str | None = None  # an organisation's kind notation (social_cooperative...)


def label_info(store: Store, iris: Iterable[str], lang: str = "pl", *, chunk: int = 400) -> dict[str, IriInfo]:
    """Labels (skos:prefLabel, foaf:name, dcterms:title, rdfs:label) of ``iris`` in ``lang``, and which are organisations."""
    wanted = []
    for i in dict.fromkeys(iris):
        try:
            wanted.append(checked_iri(i))
        except ValueError:
            continue
    found: dict[str, dict[str, str]] = {}
    orgs: set[str] = set()
    kinds: dict[str, str] = {}
    for n in range(0, len(wanted), chunk):
        _, rows = store.select_values(inject_rows(internal_query("list_iri_labels"), "x", wanted[n : n + chunk]))
        for x, label, language, is_org, kind in rows:
            if is_org is not None:
                orgs.add(x)
            elif kind is not None:
                kinds[x] = kind.rsplit("/", 1)[-1]
            elif label is not None:
                found.setdefault(x, {}).setdefault(language or "", label)
    out = {}
    for i in map(str, wanted):
        label = Label.of(found.get(i, {})).in_lang(lang)
        out[i] = IriInfo(label or compact(i), i in orgs, kinds.get(i))
    return out


#: The link columns show the text after this marker (``st.column_config.LinkColumn(display_text=...)``).
LINK_PATTERN = r"^.*#label=(.*)$"


def _link(iri: str, info: IriInfo | None, lang: str, profile_path: str) -> str:
    label = (info.label if info else compact(iri)).replace("\n", " ")
    if info is not None and info.is_org:
        return f"{profile_path}?{urlencode({'org': iri, 'lang': lang})}#label={label}"
    if iri.startswith(("http://", "https://")):
        return f"{iri}#label={label}"
    return label  # never a link to another scheme (javascript:, file:...)


def display_table(result: Result, info: Mapping[str, IriInfo], lang: str = "pl", *, profile_path: str = "./profile"):
    """SELECT rows for the screen: (DataFrame, names of link columns).

    IRI cells become links whose text is the label: an organisation links to
    its profile, another http(s) IRI to itself (the IRI shows on hover);
    literals become plain values.  Downloads use the raw result instead.
    """
    columns: dict[str, list] = {}
    links: list[str] = []
    for i, var in enumerate(result.vars):
        values = []
        has_link = False
        for row in result.rows:
            term = row[i]
            if isinstance(term, URIRef):
                cell = _link(str(term), info.get(str(term)), lang, profile_path)
                has_link |= "#label=" in cell
                values.append(cell)
            elif isinstance(term, BNode):
                values.append(f"_:{term}")
            elif isinstance(term, Literal):
                value = plain(term)
                values.append(value if isinstance(value, (int, float, bool, str)) else str(term))
            else:
                values.append(None)
        if has_link:
            links.append(var)
            values = [v if v is None or "#label=" in str(v) else f"#label={v}" for v in values]
        columns[var] = values
    frame = pd.DataFrame(columns, columns=list(result.vars))
    return frame, links


def result_iris(result: Result) -> list[str]:
    """Every IRI in a result (SELECT cells, or graph subjects and objects)."""
    if result.kind == "SELECT":
        return [str(t) for row in result.rows for t in row if isinstance(t, URIRef)]
    if result.kind == "GRAPH":
        return [str(t) for s, _, o in result.triples for t in (s, o) if isinstance(t, URIRef)]
    return []


# ---------------------------------------------------------------- downloads


@dataclass(frozen=True)
class Download:
    label: str  # CSV, TSV, JSON, Turtle
    file_name: str
    mime: str
    data: bytes


def downloads(result: Result, stem: str = "wynik") -> list[Download]:
    """The result in the standard formats: CSV, TSV and SPARQL JSON for SELECT/ASK, Turtle for graphs."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem) or "wynik"
    if result.kind == "GRAPH":
        return [Download("Turtle", f"{stem}.ttl", "text/turtle", to_turtle(result).encode("utf-8"))]
    out = [
        Download("CSV", f"{stem}.csv", "text/csv", to_csv(result).encode("utf-8")),
        Download("JSON", f"{stem}.json", "application/sparql-results+json", to_json(result).encode("utf-8")),
    ]
    if result.kind == "SELECT":
        out.insert(1, Download("TSV", f"{stem}.tsv", "text/tab-separated-values", to_tsv(result).encode("utf-8")))
    return out


# ---------------------------------------------------------------- shareable URLs


@dataclass(frozen=True)
class ConsoleRequest:
    """What the address bar says: a query text, or a catalogue name and its parameters."""

    text: str | None = None
    saved: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    run: bool = False


def encode_request(req: ConsoleRequest) -> dict[str, str]:
    """Query parameters for the address bar (``q=`` text, or ``saved=`` + ``p.<name>=``)."""
    out: dict[str, str] = {}
    if req.saved:
        out["saved"] = req.saved
        out.update({f"p.{k}": v for k, v in req.params.items() if v not in (None, "")})
    elif req.text:
        out["q"] = req.text
    if req.run:
        out["run"] = "1"
    return out


def decode_request(query_params: Mapping[str, str]) -> ConsoleRequest:
    """The inverse of :func:`encode_request`; unknown keys (``lang``...) are ignored."""
    params = {k[2:]: str(v) for k, v in query_params.items() if k.startswith("p.") and len(k) > 2}
    saved = query_params.get("saved") or None
    text = None if saved else (query_params.get("q") or None)
    return ConsoleRequest(text=text, saved=saved, params=params, run=query_params.get("run") == "1")


# ---------------------------------------------------------------- graph results as a network

_TIE_PROPERTY_KIND = {
    str(ES.advises): "advice",
    str(ES.funds): "funding",
    str(ES.contracts): "contracting",
    str(ES.coFounded): "cofounding",
    str(ES.refersClientsTo): "referral",
    str(ES.coordinates): "coordination",
    str(ES.operates): "operation",
    str(ORG.subOrganizationOf): "unit_of",
    str(ES.projectPartnerOf): "project_partnership",
}
_NOT_EDGES = {str(RDF.type), str(ORG.classification), str(SKOS.inScheme), str(ES.tieKind)}


def graph_network(result: Result, info: Mapping[str, IriInfo], lang: str = "pl") -> nx.MultiDiGraph:
    """A CONSTRUCT/DESCRIBE result as a network: resources are nodes, IRI-valued triples edges."""
    g = nx.MultiDiGraph()
    kinds: dict[str, str] = {}
    for s, p, o in result.triples:
        if str(p) == str(ORG.classification) and isinstance(o, URIRef):
            kinds[str(s)] = str(o).rsplit("/", 1)[-1]

    def add(node: str) -> None:
        if node not in g:
            i = info.get(node)
            label = i.label if i else compact(node)
            g.add_node(
                node,
                label=label,
                label_en=label,
                kind=kinds.get(node) or (i.kind if i else None),
                type="organisation" if (i and i.is_org) or node in kinds else "other",
            )

    for s, p, o in sorted(result.triples):
        if not isinstance(o, URIRef) or str(p) in _NOT_EDGES or isinstance(s, BNode):
            continue
        add(str(s))
        add(str(o))
        g.add_edge(str(s), str(o), key=f"{s}|{p}|{o}", kind=_TIE_PROPERTY_KIND.get(str(p), compact(str(p))))
    return g


def network_html(g: nx.MultiDiGraph, *, lang: str = "pl", vocab=None, captions=None, ui=None, title: str = "") -> str:
    """The self-contained network page (graph.viz) of :func:`graph_network`'s graph."""
    from ..viz import ViewOptions, build_network, layout, render_html

    view = build_network(g, options=ViewOptions(lang=lang), positions=layout(g), vocab=vocab, captions=captions)
    return render_html(view, title=title, ui=ui)
