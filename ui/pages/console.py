"""SPARQL console: the question catalogue as forms, an editor, guarded runs, results, downloads.

Every query goes through :func:`graph.guard.start_limited` (read-only guard,
time and row limits, a worker killed at the limit).  A query that takes more
than half a second is polled by a fragment, so the page stays usable and a
Stop button (or any rerun that starts another query) ends it.  The address bar
always holds the query (``?q=`` text, or ``?saved=`` plus ``p.<name>=``), so a
result can be shared; opening such an address runs the query once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from graph.errors import GraphError, QueryError, QueryRefused, QueryTimeout
from graph.guard import Limits, RunningQuery, start_limited
from graph.library import SavedQuery, expand_iri, load_library
from graph.model import PREFIXES
from graph.sparql_terms import EXAMPLES, completion_terms, example_query
from graph.views.console import (
    LINK_PATTERN,
    ConsoleRequest,
    Download,
    decode_request,
    display_table,
    downloads,
    encode_request,
    graph_network,
    label_info,
    network_html,
    picker_for,
    result_iris,
)
from graph.viz import HARD_MAX
from graph.vocabulary import pick
from graph.wording import number
from ui import state
from ui.i18n import lang, t, viz_texts
from ui.sparql_editor import sparql_editor

_RUNNING = "console_running"
_OUTCOME = "console_outcome"
_FROM_URL = "console_url_done"
_MAX_TURTLE = 200_000


@dataclass
class Outcome:
    """What the last run gave, ready to draw (kept in the session across reruns)."""

    error: GraphError | None = None
    stopped: bool = False
    kind: str = ""
    seconds: float = 0.0
    truncated: bool = False
    boolean: bool | None = None
    frame: pd.DataFrame | None = None
    links: list[str] = field(default_factory=list)
    count: int = 0
    turtle: str = ""
    html: str | None = None
    nodes: int = 0
    files: list[Download] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    text: str
    bindings: dict
    stem: str
    request: ConsoleRequest


def _seconds(x: float) -> str:
    """A limit in seconds as the reader writes it: 10, 2,5."""
    return number(int(x), lang()) if float(x).is_integer() else number(x, lang(), 1)


def _viz_texts(language: str) -> tuple[dict, dict]:
    texts = dict(viz_texts(language))
    captions = {k[len("cap.") :]: v for k, v in texts.items() if k.startswith("cap.")}
    ui = {k[len("ui.") :]: v for k, v in texts.items() if k.startswith("ui.")}
    return captions, ui


def _finish(running: RunningQuery, stem: str, language: str) -> Outcome:
    try:
        result = running.result()
    except GraphError as exc:
        return Outcome(error=exc)
    store = state.workspace().store
    info = label_info(store, result_iris(result), language)
    out = Outcome(kind=result.kind, seconds=running.elapsed, truncated=result.truncated, files=downloads(result, stem))
    if result.kind == "ASK":
        out.boolean = result.boolean
    elif result.kind == "SELECT":
        out.frame, out.links = display_table(result, info, language)
        out.count = len(result.rows)
    else:
        out.count = len(result.triples)
        out.turtle = next((d.data.decode("utf-8") for d in out.files if d.label == "Turtle"), "")
        g = graph_network(result, info, language)
        out.nodes = g.number_of_nodes()
        if 0 < out.nodes <= HARD_MAX:
            captions, ui = _viz_texts(language)
            out.html = network_html(g, lang=language, vocab=state.workspace().vocabulary(), captions=captions, ui=ui, title=stem)
    return out


def _start(job: Job, language: str) -> None:
    previous = st.session_state.pop(_RUNNING, None)
    if previous is not None:
        previous[0].cancel()
    st.query_params.from_dict({**encode_request(job.request), "lang": language})
    try:
        running = start_limited(state.workspace().store, job.text, job.bindings, limits=Limits.from_settings(state.settings()))
    except GraphError as exc:
        st.session_state[_OUTCOME] = Outcome(error=exc)
        return
    if running.wait(0.5):
        st.session_state[_OUTCOME] = _finish(running, job.stem, language)
    else:
        st.session_state.pop(_OUTCOME, None)
        st.session_state[_RUNNING] = (running, job.stem)


@st.fragment(run_every=0.5)
def _poll(language: str) -> None:
    entry = st.session_state.get(_RUNNING)
    if entry is None:
        return
    running, stem = entry
    if running.done():
        st.session_state.pop(_RUNNING, None)
        st.session_state[_OUTCOME] = _finish(running, stem, language)
        st.rerun()
    st.info(t("console.running", seconds=number(running.elapsed, lang(), 1), limit=_seconds(running.limits.timeout_s)))
    if st.button(t("console.stop"), key="console_stop"):
        running.cancel()
        st.session_state.pop(_RUNNING, None)
        st.session_state[_OUTCOME] = Outcome(stopped=True)
        st.rerun()


# ---------------------------------------------------------------- catalogue


def _param_widget(q: SavedQuery, p, initial: str | None, language: str):
    key = f"console_p_{q.name}_{p.name}"
    label = pick(language, p.label, p.label_en, fallback=False)
    picker = picker_for(p.type, p.name)
    if picker is not None:
        options = state.workspace().choices(picker, language)
        iris = [iri for iri, _ in options]
        names = dict(options)
        if not p.required:
            iris = [None, *iris]
        start = None
        if initial:
            try:
                start = str(expand_iri(initial))
            except ValueError:
                start = None
        elif p.default not in (None, "-"):
            start = str(expand_iri(p.default))
        index = iris.index(start) if start in iris else 0
        return st.selectbox(label, iris, index=index, key=key, format_func=lambda i: t("console.any") if i is None else names.get(i, i))
    if p.type == "date":
        raw = initial or (p.default if p.default not in (None, "-") else None)
        try:
            value = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            value = None
        chosen = st.date_input(
            label, value=value, min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31), key=key, format="YYYY-MM-DD"
        )
        return chosen.isoformat() if chosen else None
    if p.type == "integer":
        return str(int(st.number_input(label, value=int(initial or p.default or 0), step=1, key=key)))
    return st.text_input(label, value=initial or ("" if p.default in (None, "-") else p.default), key=key)


def _open_in_editor(text: str) -> None:
    st.session_state["console_text"] = text
    st.session_state["console_mode"] = "editor"


def _catalogue(library: dict[str, SavedQuery], url: ConsoleRequest, language: str) -> Job | None:
    names = list(library)
    if url.saved and url.saved not in library:
        st.warning(t("console.no_such_question"))
        st.code(url.saved, language=None)
    default = names.index(url.saved) if url.saved in library else 0
    name = st.selectbox(
        t("console.question"), names, index=default, key="console_saved", format_func=lambda n: library[n].title_in(language)
    )
    q = library[name]
    st.caption(q.description_in(language))
    initial = url.params if url.saved == name else {}
    values = {}
    cols = st.columns(2) if len(q.params) > 1 else [st.container()]
    for i, p in enumerate(q.params):
        with cols[i % len(cols)]:
            values[p.name] = _param_widget(q, p, initial.get(p.name), language)
    left, right = st.columns([1, 5])
    clicked = left.button(t("console.run"), type="primary", key="console_run_saved")
    right.button(t("console.to_editor"), key="console_to_editor", on_click=_open_in_editor, args=(q.text,))
    with st.expander(t("console.show_text")):
        st.code(q.text, language="sparql")
    if not clicked:
        return None
    return _saved_job(q, values)


def _saved_job(q: SavedQuery, values: dict) -> Job | None:
    raw = {k: v for k, v in values.items() if v not in (None, "")}
    try:
        bindings = q.bind(raw)
    except GraphError as exc:
        st.session_state[_OUTCOME] = Outcome(error=GraphError(f"{t('console.bad_value')} {exc}"))
        return None
    return Job(q.text, bindings, q.name, ConsoleRequest(saved=q.name, params={k: str(v) for k, v in raw.items()}))


# ---------------------------------------------------------------- editor


_HISTORY = "console_history"
HISTORY_MAX = 20


def _remember(text: str) -> None:
    """The session's query history: newest first, no repeats, at most :data:`HISTORY_MAX`."""
    past = [q for q in st.session_state.get(_HISTORY, []) if q != text]
    st.session_state[_HISTORY] = [text, *past][:HISTORY_MAX]


def _error_marker() -> dict | None:
    out = st.session_state.get(_OUTCOME)
    exc = getattr(out, "error", None)
    if isinstance(exc, QueryError) and exc.line is not None:
        return {"line": int(exc.line), "column": int(exc.column or 1), "message": str(exc.problem)}
    return None


def _editor(url: ConsoleRequest, language: str) -> Job | None:
    if "console_text" not in st.session_state:
        st.session_state["console_text"] = url.text or example_query(language)
    elif st.session_state["console_text"] in EXAMPLES.values():  # the example follows the page's language
        st.session_state["console_text"] = example_query(language)
    st.markdown(f"**{t('console.editor')}**")
    st.caption(t("console.editor_help"))
    value, run = sparql_editor(
        st.session_state["console_text"],
        terms=completion_terms(lang=language),
        error=_error_marker(),
        label=t("console.editor"),
        run_label=t("console.run_editor"),
    )
    if value is not None:
        st.session_state["console_text"] = value
    past = st.session_state.get(_HISTORY, [])
    with st.expander(t("console.history", n=len(past))):
        if not past:
            st.caption(t("console.history_empty"))
        for i, text in enumerate(past):
            first = next((line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), text)
            c1, c2 = st.columns([6, 1])
            c1.code(first.strip()[:160], language="sparql")
            c2.button(t("console.history_load"), key=f"console_history_{i}", on_click=_open_in_editor, args=(text,))
    with st.expander(t("console.prefixes")):
        st.dataframe(
            pd.DataFrame({t("console.prefix"): list(PREFIXES), t("console.namespace"): list(PREFIXES.values())}),
            hide_index=True,
            key="console_prefixes",
        )
    if not run:
        return None
    st.session_state["console_text"] = run
    _remember(run)
    return Job(run, {}, "zapytanie", ConsoleRequest(text=run))


def _job_from_url(url: ConsoleRequest, library: dict[str, SavedQuery]) -> Job | None:
    if url.saved in library:
        return _saved_job(library[url.saved], url.params)
    if url.text:
        return Job(url.text, {}, "zapytanie", url)
    return None


# ---------------------------------------------------------------- results


def _show_error(exc: GraphError) -> None:
    if isinstance(exc, QueryError):
        if exc.line is not None:
            st.error(t("console.syntax", line=exc.line, column=exc.column))
        else:
            st.error(t("console.syntax_nowhere"))
        st.code(exc.problem, language=None)
    elif isinstance(exc, QueryRefused):
        st.error(t("console.refused"))
        st.code(str(exc), language=None)
    elif isinstance(exc, QueryTimeout):
        st.warning(t("console.timeout", seconds=f"{exc.seconds:g}"))
    else:
        st.error(t("console.failed"))
        st.code(str(exc), language=None)


def _show(out: Outcome, language: str) -> None:
    if out.stopped:
        st.info(t("console.stopped"))
        return
    if out.error is not None:
        _show_error(out.error)
        return
    if out.truncated:
        st.warning(t("console.truncated", n=state.settings().max_rows))
    seconds = number(out.seconds, lang(), 2)
    if out.kind == "ASK":
        (st.success if out.boolean else st.info)(t("console.yes") if out.boolean else t("console.no"))
    elif out.kind == "SELECT":
        st.caption(t("console.rows", n=out.count, seconds=seconds))
        config = {c: st.column_config.LinkColumn(c, display_text=LINK_PATTERN, help=t("console.link_help")) for c in out.links}
        st.dataframe(out.frame, hide_index=True, column_config=config, key="console_table")
    else:
        st.caption(t("console.triples", n=out.count, seconds=seconds))
        net, ttl = st.tabs([t("console.network"), t("console.turtle")])
        with net:
            if out.html:
                st.iframe(out.html, height=600)
            elif out.nodes > HARD_MAX:
                st.info(t("console.too_big", n=out.nodes))
            else:
                st.info(t("console.empty_graph"))
        with ttl:
            st.code(out.turtle[:_MAX_TURTLE], language="turtle")
    cols = st.columns(max(len(out.files), 1))
    for col, d in zip(cols, out.files):
        col.download_button(
            t("console.download", format=d.label), d.data, file_name=d.file_name, mime=d.mime, key=f"console_download_{d.label.lower()}"
        )
    st.caption(t("console.share"))


def render() -> None:
    language = lang()
    cfg = state.settings()
    st.title(t("console.title"))
    st.caption(t("console.intro", seconds=f"{cfg.timeout_s:g}", rows=cfg.max_rows))
    library = load_library()
    url = decode_request(st.query_params)
    if "console_mode" not in st.session_state:
        st.session_state["console_mode"] = "editor" if url.text else "catalogue"
    mode = st.radio(
        t("console.mode"),
        ["catalogue", "editor"],
        key="console_mode",
        horizontal=True,
        format_func=lambda m: t(f"console.mode.{m}"),
        label_visibility="collapsed",
    )
    job = _catalogue(library, url, language) if mode == "catalogue" else _editor(url, language)
    if job is None and not st.session_state.get(_FROM_URL) and (url.saved or url.text):
        job = _job_from_url(url, library)  # a shared address: run it once
    st.session_state[_FROM_URL] = True
    if job is not None:
        _start(job, language)
        if mode == "editor" and _error_marker() is not None:
            st.rerun()  # draw the editor again, with the error marked at its line and column
    if _RUNNING in st.session_state:
        _poll(language)
    elif _OUTCOME in st.session_state:
        _show(st.session_state[_OUTCOME], language)
