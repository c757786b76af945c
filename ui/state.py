"""The cached layer between pages and the core.

* One store per process (``st.cache_resource``), keyed by the settings and
  the size and modification time of every data file: change a file and the
  next rerun loads it afresh; every session shares the same store, whose
  lock serialises access (SECURITY T8).
* Projections to networkx are shared too (``st.cache_resource``): treat them
  as read-only.
* Results (tables, reports) are copies (``st.cache_data``) keyed by the same
  data signature.

Pages never build stores or graphs themselves; they call the functions here.
A file that cannot be read raises :class:`graph.errors.GraphError`;
``app.py`` catches it once and shows :func:`error_page` instead of a page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from graph.access import Throttle
from graph.errors import GraphError, SettingsError
from graph.settings import DEFAULT_DATA, Settings
from graph.store import Store, open_store
from graph.workers import warn_once_without_sandbox

__all__ = [
    "settings",
    "data_signature",
    "store",
    "projection",
    "cached",
    "refresh",
    "error_page",
    "is_synthetic",
    "GraphError",
    "DEFAULT_DATA",
    "shared",
    "password_gate",
]


def secret_settings() -> dict[str, str]:
    """``GRAPH_*`` keys at the top level of Streamlit secrets (``.streamlit/secrets.toml``).

    No secrets file is no secrets; a file that does not parse is a
    SettingsError with Streamlit's message (file, line and column).
    """
    try:
        found = st.secrets.to_dict()
    except FileNotFoundError as exc:  # Streamlit's StreamlitSecretNotFoundError: no file, or a broken one
        if any(Path(p).expanduser().is_file() for p in st.get_option("secrets.files")):
            raise SettingsError(str(exc)) from None
        return {}
    return {k: str(v) for k, v in found.items() if k.startswith("GRAPH_") and not isinstance(v, Mapping)}


def settings() -> Settings:
    """The settings of this process: ``GRAPH_*`` variables, where Streamlit secrets of
    the same names win (SPARQL credentials belong there); empty GRAPH_DATA -> bundled data."""
    return Settings.from_env({**os.environ, **secret_settings()})


def _stat(path: Path) -> tuple[str, int, int]:
    try:
        s = path.stat()
        return (str(path), s.st_mtime_ns, s.st_size)
    except OSError:
        return (str(path), -1, -1)


def data_signature(cfg: Settings | None = None) -> str:
    """A short key that changes when the settings or any data file changes."""
    cfg = cfg or settings()
    parts: list[Any] = [cfg.backend, cfg.query_url, cfg.update_url, cfg.user, cfg.max_file_bytes, cfg.include_schema,
                        cfg.sparql_graph, cfg.sparql_auth, cfg.server_max_rows]
    if cfg.password:
        parts.append(hashlib.sha256(cfg.password.encode()).hexdigest())
    if cfg.backend != "remote":
        parts.extend(_stat(Path(p)) for p in cfg.files)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


@st.cache_resource(max_entries=3, show_spinner=False)
def _open_store(signature: str, _cfg: Settings) -> Store:
    warn_once_without_sandbox()  # said once per process, at start, if query workers keep the network
    return open_store(_cfg)


def store() -> Store:
    """The shared store for the current settings and data files (raises GraphError)."""
    cfg = settings()
    return _open_store(data_signature(cfg), cfg)


@st.cache_resource(max_entries=32, show_spinner=False)
def _projection(signature: str, as_of: str | None, tie_kinds: tuple[str, ...] | None, people: bool, memberships: bool, _store: Store):
    from graph.analysis.projection import to_networkx

    return to_networkx(_store, as_of=as_of, tie_kinds=tie_kinds, include_people=people, include_memberships=memberships)


def projection(
    *,
    as_of: dt.date | str | None = None,
    tie_kinds: tuple[str, ...] | list[str] | None = None,
    include_people: bool = False,
    include_memberships: bool = False,
):
    """The shared (read-only!) networkx projection for these options."""
    as_of_s = as_of.isoformat() if isinstance(as_of, dt.date) else as_of
    kinds = tuple(sorted(tie_kinds)) if tie_kinds is not None else None
    return _projection(data_signature(), as_of_s, kinds, include_people, include_memberships, store())


@st.cache_data(max_entries=256, show_spinner=False)
def _cached(signature: str, name: str, args: tuple, kwargs: tuple, _fn: Callable) -> Any:
    return _fn(store(), *args, **dict(kwargs))


def cached(fn: Callable, *args, **kwargs) -> Any:
    """``fn(store, *args, **kwargs)`` cached per data signature (a copy per call).

    ``fn`` must be a module-level function of the core; its result must pickle.
    """
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _cached(data_signature(), name, tuple(args), tuple(sorted(kwargs.items())), fn)


@st.cache_resource(max_entries=64, show_spinner=False)
def _shared(signature: str, name: str, args: tuple, kwargs: tuple, _fn: Callable) -> Any:
    return _fn(store(), *args, **dict(kwargs))


def shared(fn: Callable, *args, **kwargs) -> Any:
    """Like :func:`cached` but one shared object (no copy): for large read-only results."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _shared(data_signature(), name, tuple(args), tuple(sorted(kwargs.items())), fn)


def refresh() -> None:
    """Forget every cached store, projection and result (after an edit, say)."""
    _open_store.clear()
    _projection.clear()
    _cached.clear()
    _shared.clear()
    _derived_cached.clear()


def is_synthetic() -> bool:
    """True when any organisation in the data is synthetic (``es:isSynthetic true``)."""
    from graph.explore import synthetic_count

    return synthetic_count(projection()) > 0


def error_page(exc: GraphError) -> None:
    """A page that says which file is broken, where, and what is wrong: as text, no traceback."""
    from .i18n import t

    st.title(t("app.error.title"))
    st.error(t("app.error.lead"))
    place = getattr(exc, "place", None)
    if place is not None:
        st.text(f"{t('app.error.file')}: {place.source}")
        if place.line is not None:
            pos = f"{place.line}" + (f", {t('app.error.column')} {place.column}" if place.column is not None else "")
            st.text(f"{t('app.error.line')}: {pos}")
        st.text(f"{t('app.error.problem')}:")
        st.code(exc.problem, language=None)
    else:
        st.code(str(exc), language=None)
    st.info(t("app.error.hint"))


# ---------------------------------------------------------------- vocabulary, territory, overview


@st.cache_resource(max_entries=128, show_spinner=False)
def _derived_cached(signature: str, name: str, args: tuple, _fn: Callable) -> Any:
    return _fn(*args)


def derived(fn: Callable, *args) -> Any:
    """``fn(*args)`` shared per data signature; ``fn`` reads other cached values
    (projection, vocab...) itself and its arguments must be hashable."""
    return _derived_cached(data_signature(), f"{fn.__module__}.{fn.__qualname__}", tuple(args), fn)


def vocab() -> dict:
    """Labels of kinds, sectors and tie kinds (pl/en) by notation."""
    from graph.explore import vocabulary

    return cached(vocabulary)


def territory() -> dict[str, str]:
    """Names of territorial units by TERC code."""
    from graph.explore import territory_labels

    return cached(territory_labels)


def history() -> list[str]:
    """Every start/end date of ties and memberships: the as-of slider's stops."""
    from graph.explore import store_dates

    return cached(store_dates)


def timeline():
    """Members of the agreement(s) by date (a DataFrame)."""
    from graph.overview import agreement_timeline

    return cached(agreement_timeline)


def profile(iri: str):
    """The organisation's :class:`graph.profile.Profile` (raises GraphError if unknown)."""
    from graph.profile import organisation_profile

    return cached(organisation_profile, iri)


# ---------------------------------------------------------------- analysis (graph.analysis)
# The gap analysis is built beside the dashboard; until a measure exists it
# raises NotImplementedError and these return None, so pages say "not yet".


def _metrics(as_of: str | None):
    from graph.analysis import node_metrics

    try:
        return node_metrics(projection(as_of=as_of), seed=0)
    except NotImplementedError:
        return None


def metrics(as_of: str | None = None):
    """Per-organisation metrics (DataFrame indexed by IRI) or None."""
    return derived(_metrics, as_of)


def _report(as_of: str | None):
    from graph.analysis import gap_report

    try:
        return gap_report(store(), as_of=as_of, graph=projection(as_of=as_of))
    except NotImplementedError:
        return None


def report(as_of: str | None = None):
    """The :class:`graph.analysis.GapReport` on ``as_of`` or None."""
    return derived(_report, as_of)


def _what_if(remove: tuple[str, ...], as_of: str | None):
    from graph.analysis import what_if as run

    try:
        return run(projection(as_of=as_of), remove)
    except NotImplementedError:
        return None


def what_if(remove: tuple[str, ...], as_of: str | None = None):
    """What removing ``remove`` would cut off, or None."""
    return derived(_what_if, tuple(sorted(remove)), as_of)


def _diff(date1: str, date2: str):
    from graph.analysis import diff_report

    try:
        return diff_report(store(), date1, date2)
    except NotImplementedError:
        return None


def diff(date1: str, date2: str):
    """The change between two dates, or None."""
    return derived(_diff, date1, date2)


# ---------------------------------------------------------------- the network view


#: Past this many organisations, measures and single points of failure in a
#: (drilled-down) view are computed on the view itself, not the whole network.
LOCAL_ANALYSIS_OVER = 5000


def _spof(as_of: str | None) -> frozenset[str]:
    from graph.analysis import structure

    try:
        return frozenset(r.iri for r in structure(projection(as_of=as_of)).articulation_points)
    except NotImplementedError:
        return frozenset()


def spof(as_of: str | None = None) -> frozenset[str]:
    """IRIs of the single points of failure (articulation points)."""
    return derived(_spof, as_of)


def _network(proj: tuple, spec, texts: tuple, title: str, banner: str | None):
    from graph.analysis import node_metrics, structure
    from graph.explore import summary
    from graph.viz import METRIC_COLUMNS, compose, visible_graph
    from graph.viz.overlays import overlays_from

    as_of, tie_kinds, memberships = proj
    g = projection(as_of=as_of, tie_kinds=tie_kinds, include_memberships=memberships)
    visible = visible_graph(g, spec, territory())
    shown, level, _ = visible
    m, communities, points, overlays = None, None, frozenset(), ()
    if level is None:
        local_only = summary(g)["organisations"] > LOCAL_ANALYSIS_OVER
        try:
            table = node_metrics(shown, seed=0) if local_only else metrics(as_of)
            points = frozenset(r.iri for r in structure(shown).articulation_points) if local_only else spof(as_of)
        except NotImplementedError:
            table = None
        if table is not None:
            cols = [c for c in METRIC_COLUMNS if c in table.columns]
            m = table[cols].to_dict(orient="index") if cols else None
            if "community" in table.columns:
                communities = {k: int(v) for k, v in table["community"].dropna().items()}
        if spec.show_missing or spec.show_suggested:
            overlays = overlays_from(report(as_of), spec.lang)[1]
        if getattr(spec, "survey", None):  # the tie survey's claims over the network (graph/survey)
            from graph.survey import survey_overlays

            overlays = tuple(overlays) + survey_overlays(settings().edit_file, spec.survey, store())
    t = dict(texts)
    captions = {k[len("cap.") :]: v for k, v in t.items() if k.startswith("cap.")}
    ui = {k[len("ui.") :]: v for k, v in t.items() if k.startswith("ui.")}
    names = {k[len("metric.") :]: v for k, v in t.items() if k.startswith("metric.")}
    return compose(
        g, spec, metrics=m, metric_names=names, communities=communities, spof=points, overlays=overlays,
        vocab=vocab(), labels=territory(), captions=captions, ui=ui, title=title, banner=banner, visible=visible,
    )  # fmt: skip


def network(
    spec,
    *,
    as_of: str | None = None,
    tie_kinds: tuple[str, ...] | None = None,
    memberships: bool = False,
    title: str = "",
    banner: str | None = None,
):
    """The composed network view (HTML and counts) for ``spec``, shared per data and options."""
    from .i18n import viz_texts

    kinds = tuple(sorted(tie_kinds)) if tie_kinds is not None else None
    return derived(_network, (as_of, kinds, memberships), spec, viz_texts(spec.lang), title, banner)


def _network_file(proj: tuple, spec, fmt: str) -> tuple[bytes, bool]:
    from graph.analysis import export_network, node_metrics, organisation_lifetimes
    from graph.explore import summary
    from graph.viz import visible_graph

    as_of, tie_kinds, memberships = proj
    g = projection(as_of=as_of, tie_kinds=tie_kinds, include_memberships=memberships)
    shown, level, _ = visible_graph(g, spec, territory())
    out = shown if level is None else g  # a grouped view draws groups: the file holds the organisations
    try:
        table = node_metrics(out, seed=0) if summary(out)["organisations"] <= LOCAL_ANALYSIS_OVER else None
    except NotImplementedError:
        table = None
    return export_network(out, fmt, metrics=table, lifetimes=cached(organisation_lifetimes)), level is None


def network_file(spec, fmt: str, *, as_of: str | None = None, tie_kinds: tuple[str, ...] | None = None, memberships: bool = False):
    """``(file bytes, whether it holds just the view)`` of the network view in an export
    format (graph.analysis.EXPORT_FORMATS), measures computed on what it holds."""
    kinds = tuple(sorted(tie_kinds)) if tie_kinds is not None else None
    return derived(_network_file, (as_of, kinds, memberships), spec, fmt)


def _search(text: str, lang: str, limit: int) -> list[dict]:
    from graph.explore import node_rows, search

    g = projection(include_memberships=True)
    return node_rows(g, search(g, text, limit=limit), vocab=vocab(), lang=lang)


def search(text: str, lang: str = "pl", limit: int = 30) -> list[dict]:
    """Organisations matching ``text`` (diacritics ignored): rows with iri, label, kind, gmina."""
    return derived(_search, text.strip(), lang, limit)


def _facets(as_of: str | None, memberships: bool):
    from graph.explore import facets

    return facets(projection(as_of=as_of, include_memberships=memberships))


def facets(as_of: str | None = None, memberships: bool = False):
    """Counts the filters can offer: kind, sector, gmina, tie_kind."""
    return derived(_facets, as_of, memberships)


def search_iri(iri: str, lang: str = "pl") -> list[dict]:
    """The display row of one node (empty when the data does not hold it)."""
    from graph.explore import node_rows

    return node_rows(projection(include_memberships=True), [iri], vocab=vocab(), lang=lang)


def _overview_tables(lang: str) -> dict:
    from graph.overview import counts_by, gmina_grid, ties_by_kind

    g = projection()
    v = vocab()
    return {
        "kind": counts_by(g, "kind", v),
        "sector": counts_by(g, "sector", v),
        "ties": ties_by_kind(g, v),
        "gminas": gmina_grid(g, territory()),
    }


def overview_tables(lang: str = "pl") -> dict:
    """Members by kind and sector, ties by kind, organisations by gmina (DataFrames)."""
    return derived(_overview_tables, lang)


def _structure(as_of: str | None):
    from graph.analysis import structure as run

    try:
        return run(projection(as_of=as_of))
    except NotImplementedError:
        return None


def structure(as_of: str | None = None):
    """The :class:`graph.analysis.Structure` (articulation points, bridges...) or None."""
    return derived(_structure, as_of)


def _org_choices(lang: str, limit: int) -> list[dict]:
    from graph.explore import node_rows, organisations

    g = projection()
    return sorted(node_rows(g, organisations(g)[:limit], vocab=vocab(), lang=lang), key=lambda r: r["label"])


def org_choices(lang: str = "pl", limit: int = 2000) -> list[dict]:
    """Display rows of organisations (at most ``limit``) for pickers."""
    return derived(_org_choices, lang, limit)


def _report_text(as_of: str | None, fmt: str, lang: str) -> str | None:
    from graph.analysis import render_csv, render_markdown

    rep = report(as_of)
    if rep is None:
        return None
    try:
        return render_markdown(rep, lang=lang) if fmt == "md" else render_csv(rep, lang=lang)
    except NotImplementedError:
        return None


def report_text(as_of: str | None, fmt: str, lang: str = "pl") -> str | None:
    """The gap report as Markdown (``md``) or CSV (``csv``), or None."""
    return derived(_report_text, as_of, fmt, lang)


#: The delay after wrong editor passwords, shared by every session of this process.
_GATE = Throttle()


def password_gate() -> Throttle:
    """The process-wide :class:`graph.access.Throttle` of the editor password."""
    return _GATE
