"""The dashboard's thin layer over :class:`graph.workspace.Workspace`.

* :func:`settings`: built once per environment (``GRAPH_*`` variables, where
  Streamlit secrets of the same names win).
* :func:`workspace`: one :class:`~graph.workspace.Workspace` per settings,
  shared by every session (``st.cache_resource``) and rebuilt when a data file
  changes (its data signature); the store's
  lock serialises access (SECURITY T8).  ``app.py`` calls :func:`begin_run`
  once per run, which looks at the data files again: change a file and the
  next rerun loads it afresh.  Pages ask the workspace
  (``state.workspace().report(as_of)``); a new kind of result is a new
  workspace method, not a wrapper here.
* :func:`refresh` after an edit (given the editor, the workspace adopts the edit
  without reading the store again); :func:`error_page` for a file that cannot be
  read (``app.py`` catches :class:`graph.errors.GraphError` once);
  :func:`password_gate`, the editor password's process-wide delay.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from graph.access import Throttle
from graph.errors import GraphError, SettingsError
from graph.preload import preloaded
from graph.settings import DEFAULT_DATA, Settings, environment, graph_keys
from graph.workers import warn_once_without_sandbox
from graph.workspace import Workspace

__all__ = ["settings", "environment", "graph_keys", "workspace", "begin_run", "refresh", "error_page", "secret_settings", "password_gate", "GraphError", "DEFAULT_DATA"]

_RUN_KEY = "_graph_workspace_key"


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
    return graph_keys(found)


@st.cache_resource(max_entries=4, show_spinner=False)
def _settings(env: tuple[tuple[str, str], ...]) -> Settings:
    return Settings.from_env(dict(env))


def settings() -> Settings:
    """The settings of this process: ``GRAPH_*`` variables, where Streamlit secrets of
    the same names win (SPARQL credentials belong there); empty GRAPH_DATA -> bundled data."""
    return _settings(tuple(sorted({**environment(), **secret_settings()}.items())))


class _Current:
    """The one workspace of a settings value: rebuilt when its files changed, kept across adopted edits."""

    def __init__(self, cfg: Settings) -> None:
        self.cfg = cfg
        self.ws: Workspace | None = None
        self.lock = threading.Lock()

    def get(self) -> Workspace:
        with self.lock:
            if self.ws is None or self.ws.stale():
                # the one the launcher started to open (graph.preload.preload), else a new one;
                # the old one (its store, its memo) goes with the last run holding it
                self.ws = preloaded(self.cfg) or Workspace(self.cfg)
            return self.ws

    def drop(self) -> None:
        with self.lock:
            self.ws = None


@st.cache_resource(max_entries=4, show_spinner=False)
def _current(settings_hash: int, _cfg: Settings) -> _Current:
    warn_once_without_sandbox()  # said once per process, at start, if query workers keep the network
    return _Current(_cfg)


def workspace() -> Workspace:
    """The shared workspace for the current settings and data (opening its store may raise GraphError).

    Within one run the same workspace answers every call (the files are looked at once per run)."""
    cfg = settings()
    pinned = st.session_state.get(_RUN_KEY)
    if pinned is None or pinned[0] != cfg:
        ws = _current(hash(cfg), cfg).get()
        st.session_state[_RUN_KEY] = (cfg, ws)
        return ws
    return pinned[1]


def begin_run() -> Workspace:
    """Called once per run by ``app.py``: look at the data files again."""
    st.session_state.pop(_RUN_KEY, None)
    return workspace()


def refresh(editor=None) -> None:
    """After an edit.  With the :class:`graph.edit.editor.Editor` that made it on the
    workspace's store, the workspace adopts the edit (new data signature, memo
    dropped, the store kept: nothing is read again); otherwise the workspace is
    forgotten and the next run reads the files afresh."""
    st.session_state.pop(_RUN_KEY, None)
    cfg = settings()
    current = _current(hash(cfg), cfg)
    ws = current.ws
    if editor is not None and ws is not None and ws.adopt(editor):
        return
    current.drop()


#: The delay after wrong editor passwords, shared by every session of this process.
_GATE = Throttle()


def password_gate() -> Throttle:
    """The process-wide :class:`graph.access.Throttle` of the editor password."""
    return _GATE


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
