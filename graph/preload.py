"""The dashboard's workspace, opened before the first visitor comes.

``./run app`` (:mod:`ui.launch`) calls :func:`preload` as the server starts:
a background thread reads the store and computes the first page's answers
while Streamlit starts, and :func:`preloaded` hands that workspace to the
dashboard's first run (``ui/state.py``).  :func:`release_memory` gives the C
heap's free pages back after such work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .settings import Settings

if TYPE_CHECKING:  # imported by preload() once the files are being read (rdflib, networkx... take 0.15 s)
    from .store import Store
    from .workspace import Workspace

__all__ = ["preload", "preloaded", "serving", "release_memory", "PRELOAD_WARM_UP_AFTER"]

#: Seconds the gap report's saved answers wait for the first page to be drawn before they are read.
LATER_AFTER_AT_MOST = 30.0
#: Set when the dashboard's server has started (:func:`serving`).
_SERVING = threading.Event()
#: The workspace the launcher started to open before the first visitor (:func:`preload`), by settings.
_PRELOADED: dict[Settings, Workspace] = {}
_PRELOAD_LOCK = threading.Lock()
#: Seconds the preloaded workspace of small data waits after the first page's answers (or until the first
#: page is drawn) before it computes the findings: a visitor who came meanwhile draws the page without competing.
PRELOAD_WARM_UP_AFTER = 3.0


def release_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``; elsewhere
    nothing).  Reading a national file and building its projection leaves a few tens of
    MB of freed but held heap behind; a long-lived server calls this after such work."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def preload(settings: Settings, *, warm_up_after: float | None = PRELOAD_WARM_UP_AFTER) -> Workspace:
    """Start opening the workspace of ``settings`` in a background thread and return it.

    The dashboard's launcher calls it as the server starts, so the store is read
    and the first page's answers (its counts, without the network; the timeline)
    are computed while Streamlit starts and before the first visitor comes;
    :func:`preloaded` hands the workspace to the dashboard.  The first page's answers
    of a former start on the same files (:mod:`graph.saved_answers`) are taken at once,
    while the store loads, and the later pages' (the network, the gap report) once
    Streamlit serves; computed ones are kept for the next start.  On large data it then
    warms up the other pages' answers at once, the Network page's first view first, each step after the
    page being drawn (:meth:`Workspace.warm_up`); on small data, ``warm_up_after``
    seconds later (or once the first page is drawn) it builds the network and the
    findings.  With None, the findings at once and no warm-up.  An error
    (a broken file) is left for the first page, which reads the files again and
    shows it.  ``ws.first_answers`` (a ``threading.Event``) is set when the first
    page's answers are there, or failed.
    """
    opening, signature = _begin_reading(settings) if settings.backend == "oxigraph" else (None, None)
    from .workspace import Workspace

    ws = Workspace(settings, opening=opening, signature=signature)
    ws.first_answers = threading.Event()  # set once the first page's answers are there (or failed)
    ws.visited = threading.Event()  # set when the dashboard's first run takes it (preloaded())
    with _PRELOAD_LOCK:
        _PRELOADED.clear()
        _PRELOADED[settings] = ws

    def run():
        from . import saved_answers

        failed: list[Exception] = []

        def load():
            try:
                _ = ws.store  # read the files
            except Exception as exc:  # noqa: BLE001 - the first page opens the store again and shows the error
                failed.append(exc)

        loading = threading.Thread(target=load, name="preload-store")
        loading.start()
        saved, looked_up, name = None, (), None
        try:  # the files hashed while the store reads them; the answers kept for those bytes, if any
            if saved_answers.kept(settings):
                looked_up = saved_answers.digests(settings)
                name = saved_answers.key(settings, looked_up)
                saved = saved_answers.read(settings, name)
        except Exception:  # noqa: BLE001 - no saved answers: they are computed
            pass
        done = None
        if saved is not None:
            ws.take(saved)
            done = _expect_later(ws, name)  # before the first page is drawn: a page asking for them waits for the read
            ws.first_answers.set()  # the first page is drawn from them while the store loads
            if done is not None:  # in a thread of its own: this one checks the store's bytes as soon as it is read
                reader = threading.Thread(
                    target=_read_later, args=(ws, name, loading, done, ws.generation), name="preload-later", daemon=True
                )
                reader.start()
        loading.join()
        try:
            if failed:
                return
            store = ws.store
            if saved is not None and getattr(store, "digests", None) != looked_up:
                ws.forget()  # the files changed between the two reads: the answers come from the store
                saved, ws.later_saved = None, False
            if saved is None:
                timeline = threading.Thread(target=_quietly, args=(ws.timeline,), name="preload-timeline")  # its query beside the counts
                timeline.start()
                ws.summary(), ws.overview_tables(), ws.triples(), ws.vocabulary()  # the first page's counts, without the network
                timeline.join()
                ws.timeline(), ws.agreement_table()
        except Exception:  # noqa: BLE001 - the first page opens the store again and shows the error
            return
        finally:
            if saved is not None and failed:
                ws.forget()
            ws.first_answers.set()

        def keep_first_page():  # computed answers, for the next start on the same files
            if saved is None and not ws.stale() and (answers := ws.answers_of(saved_answers.KEYS)) is not None:
                _quietly(lambda: saved_answers.write(settings, saved_answers.key(settings, getattr(store, "digests", ())), answers))

        release_memory()
        if saved is not None and done is not None and not done.is_set():
            return  # the later pages' answers are coming from disk; the warm-up follows the first page drawn (app.py)
        if warm_up_after is not None and ws.warm_up(drawn=False, keep_first_page=keep_first_page):
            return  # large data: the later pages' answers from now on, the Network page's first view first, each after the page being drawn
        keep_first_page()
        if warm_up_after is not None and saved is None:  # a visitor who came meanwhile draws the first page without competing
            ws.drawn.wait(warm_up_after)  # (a saved first page needed no store: nothing to wait for)
        _quietly(ws.findings)  # the first page's headline gaps (the network built first)

    threading.Thread(target=run, name="preload", daemon=True).start()
    return ws


def serving() -> None:
    """Say that the dashboard's server has started (the launcher calls it): the later pages'
    answers are read from disk from then on (:func:`_read_later`)."""
    _SERVING.set()


def _expect_later(ws: Workspace, name: str) -> threading.Event | None:
    """When the later pages' answers are kept for these files, tell the workspace they are
    coming (:meth:`Workspace.expect`) and return the event to set once they are read."""
    from . import saved_answers

    if not all(saved_answers.exists(ws.settings, name, p) for p in saved_answers.LATER_PARTS):
        return None
    return ws.expect(k for p in saved_answers.LATER_PARTS for k in saved_answers.PARTS[p])


def _read_later(ws: Workspace, name: str, loading: threading.Thread, done: threading.Event, generation: int) -> None:
    """Take the later pages' answers kept for these files (:data:`graph.saved_answers.LATER_PARTS`;
    about 0.7 s and 0.8 s of the interpreter on the country file) when they delay least: the
    network's once Streamlit serves (:func:`serving`; the browser is still loading the page), a
    visitor came or the store is read; the gap report's once the first page is drawn
    (``ws.drawn``), at most :data:`LATER_AFTER_AT_MOST` seconds later; either at once when a page
    waits for it (``ws.wanted``).  Nothing is taken once the workspace's answers were dropped
    since ``generation`` (the store read other bytes).  ``done`` is set at the end, taken or not."""
    from . import saved_answers

    try:
        for part in saved_answers.LATER_PARTS:
            if part == "network":
                while not (_SERVING.is_set() or ws.visited.wait(0.05) or ws.wanted.is_set()) and loading.is_alive():
                    pass
            else:
                deadline = time.monotonic() + LATER_AFTER_AT_MOST
                while not (ws.drawn.wait(0.05) or ws.wanted.is_set()) and time.monotonic() < deadline:
                    pass
            later = saved_answers.read(ws.settings, name, part=part)
            if later is None or not ws.take(later, generation=generation):
                return
        ws.later_saved = ws.generation == generation
    finally:
        done.set()


def _begin_reading(settings: Settings) -> tuple[Callable[[], Store], str]:
    """Start reading the files into a pyoxigraph store in a thread, before the rest of
    the workspace is imported.  Returns the function that gives the store once read (or
    raises its error: :class:`graph.errors.DataError` naming the file and place) and the
    data signature taken before the first byte was read (a file changed later makes the
    workspace stale)."""
    from concurrent.futures import Future

    import pyoxigraph as ox

    from .io import bulk_load
    from .settings import data_signature

    signature = data_signature(settings)
    read: Future = Future()
    digests: list[str] = []

    def run():
        try:
            read.set_result(bulk_load(ox.Store(), settings.files, max_bytes=settings.max_file_bytes, digests=digests))
        except BaseException as exc:  # noqa: BLE001 - raised again by opening(), in the thread that asks
            read.set_exception(exc)

    threading.Thread(target=run, name="preload-read", daemon=True).start()

    def opening() -> Store:
        from .store import OxigraphStore

        store = OxigraphStore(read.result())
        store.digests = tuple(digests)
        return store

    return opening, signature


def _quietly(compute) -> None:
    """``compute()``; an error is left for the page that asks again (it shows it)."""
    try:
        compute()
    except Exception:  # noqa: BLE001 - the first page computes it again and shows the error
        pass


def preloaded(settings: Settings) -> Workspace | None:
    """The workspace :func:`preload` opened for ``settings`` (once; None when there is none,
    when it was for other settings, or when the files changed since)."""
    with _PRELOAD_LOCK:
        ws = _PRELOADED.pop(settings, None)
        _PRELOADED.clear()  # preloaded for other settings: not kept in memory
    if ws is not None:
        ws.visited.set()
    return ws if ws is not None and not ws.stale() else None
