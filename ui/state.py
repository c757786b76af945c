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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from graph.errors import GraphError
from graph.settings import DEFAULT_DATA, Settings
from graph.store import Store, open_store

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
]


def settings() -> Settings:
    """The settings of this process (``GRAPH_*`` variables; empty GRAPH_DATA -> bundled data)."""
    return Settings.from_env()


def _stat(path: Path) -> tuple[str, int, int]:
    try:
        s = path.stat()
        return (str(path), s.st_mtime_ns, s.st_size)
    except OSError:
        return (str(path), -1, -1)


def data_signature(cfg: Settings | None = None) -> str:
    """A short key that changes when the settings or any data file changes."""
    cfg = cfg or settings()
    parts: list[Any] = [cfg.backend, cfg.query_url, cfg.update_url, cfg.user, cfg.max_file_bytes, cfg.include_schema]
    if cfg.password:
        parts.append(hashlib.sha256(cfg.password.encode()).hexdigest())
    if cfg.backend != "remote":
        parts.extend(_stat(Path(p)) for p in cfg.files)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


@st.cache_resource(max_entries=3, show_spinner=False)
def _open_store(signature: str, _cfg: Settings) -> Store:
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
