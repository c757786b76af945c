"""The workspace: one store, one memo and one vocabulary behind every entry point.

A :class:`Workspace` is built once from :class:`~graph.settings.Settings`.
It opens the store on first use and answers what pages and commands ask for
(the projection, the profile, the gap report, the network view...), each
answer computed once and kept in a memo.  The memo belongs to the data it
was computed on: :func:`data_signature` names the settings and the size and
modification time of every data file, and a caller that sees the signature
change (:meth:`Workspace.stale`) builds a new workspace.  An edit made through
the workspace's own store (:class:`graph.edit.editor.Editor` updates it in
place) is adopted instead (:meth:`Workspace.adopt`): the workspace takes the
new signature, patches its projections and the agreement timeline for the
subjects the edit changed and drops the rest of its memo, and the store is not
read again.

Analysis is called through the :mod:`graph.analysis` facade.  Results are shared read-only: projections are frozen networkx graphs
(``nx.freeze``: a change raises), reports and profiles frozen dataclasses;
tables (DataFrames, dicts, lists) are copied at the boundary, so a caller may
change its copy without touching the memo.

It also holds the one piece of analysis policy the dashboard used to keep:
past :data:`LOCAL_ANALYSIS_OVER` organisations, measures and single points of
failure of a drilled-down view are computed on the view, not the network.

>>> ws = Workspace(Settings())
>>> ws.summary()["organisations"] > 0
True
>>> ws.vocabulary()["kind"]["firm"]["en"]
'private firm'
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from . import analysis  # a lazy facade: names import on first use
from .settings import Settings, data_signature
from .store import Store, open_store

__all__ = ["Workspace", "data_signature", "LOCAL_ANALYSIS_OVER", "WARM_UP_OVER", "PATCHED_AT_MOST", "PAUSE_AT_MOST"]

#: Past this many organisations, measures and single points of failure in a
#: (drilled-down) view are computed on the view itself, not the whole network.
LOCAL_ANALYSIS_OVER = 5000
#: Past this many organisations, the answers of the other pages are computed in the
#: background after the first page (:meth:`Workspace.warm_up`).
WARM_UP_OVER = 1000
#: Seconds a background computation (:meth:`Workspace.ahead`) waits before it starts: the page
#: that asked for it is drawn first (both run on one interpreter).
AHEAD_AFTER = 0.5
#: Seconds a page waits for an answer being read from disk (:meth:`Workspace.expect`) before computing it.
EXPECT_AT_MOST = 20.0
#: Seconds the warm-up waits, at most, before each of its steps while a page is being drawn (:meth:`Workspace.drawing`).
PAUSE_AT_MOST = 5.0
#: Answers kept per workspace, by room (least recently used dropped first):
#: projections and network views are large, so fewer of them.
MEMO_ENTRIES = {"answers": 256, "graphs": 32}
#: The memo key of the network: the projection with no date, every tie kind, no people or memberships.
_PLAIN = ("projection", None, None, False, False)
#: Projections patched after an adopted edit (:meth:`Workspace.adopt`), the most recently used;
#: each costs a few bound queries and a pass over its edges, so a save stays quick.
PATCHED_AT_MOST = 4


def _as_of(value: dt.date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def _kinds(tie_kinds) -> tuple[str, ...] | None:
    return tuple(sorted(tie_kinds)) if tie_kinds is not None else None


def _copy(value: Any) -> Any:
    """A copy of a table; shared read-only values (frozen dataclasses, frozen graphs) as they are."""
    if hasattr(value, "copy") and hasattr(value, "columns"):  # a DataFrame
        return value.copy()
    if isinstance(value, (dict, list, set)):
        return copy.deepcopy(value)
    return value


def _drop(memo: dict, key: Hashable, lock: threading.Lock, *, retired: bool = False) -> None:
    """Drop the graph under ``key`` from ``memo`` (``retired``: None in its place, so it is
    not built again), and the views networkx keeps on it that refer back to it (its edges,
    its degrees): with no cycle left its memory is freed as soon as nobody reads it, not at
    the next full collection (50 MB for a national skeleton).  A reader keeps working: a
    view asked for again is made again."""
    with lock:
        g = memo.pop(key, None)
        if retired:
            memo[key] = None
    for name, value in list(vars(g).items()) if g is not None else ():
        if getattr(value, "_graph", None) is g:
            vars(g).pop(name, None)


def _room(key: Hashable) -> str:
    """The memo's room of an answer: projections are kept among the large ones."""
    return "graphs" if isinstance(key, tuple) and key and key[0] == "projection" else "answers"


def _frozen(value: Any) -> Any:
    """A read-only view of nested dicts (labels are read at every row: no copy per call)."""
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    return value


class Workspace:
    """Everything pages and commands ask of the data the settings name.

    Parameters
    ----------
    settings : Settings
        Built once by the entry point and passed down.
    store : Store, optional
        An open store to use instead of opening the one the settings name.
    opening : callable, optional
        How the store is opened on first use, instead of :func:`graph.store.open_store`
        (the preload's read begun before this workspace was built), with ``signature``,
        the data signature taken before that read began.
    """

    def __init__(self, settings: Settings, store: Store | None = None, *, opening: Callable[[], Store] | None = None, signature: str | None = None) -> None:
        self.settings = settings
        self.signature = signature if signature is not None else data_signature(settings)
        self._store = store
        self._opening = opening
        self._memo: dict[str, OrderedDict[Hashable, Any]] = {room: OrderedDict() for room in MEMO_ENTRIES}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # notified when answers are taken, a page is drawn, a warm-up ends
        self._open_lock = threading.Lock()
        self._adopt_lock = threading.Lock()
        self._key_locks: dict[Hashable, threading.Lock] = {}
        #: How many times the store was read from the files (1 after first use; an adopted edit adds none).
        self.loads = 0
        self._warming = False
        self._generation = 0  # bumped by forget(): an answer computed before is not kept after
        #: True once an edit was adopted: the store no longer holds the bytes it read (``store.digests``).
        self.edited = False
        #: True when the later pages' answers were read from disk (:mod:`graph.saved_answers`): not written again.
        self.later_saved = False
        self._expected: tuple[frozenset, threading.Event] | None = None  # answers being read from disk (expect())
        #: Set when a page waits for an answer being read from disk (:meth:`expect`): read it now.
        self.wanted = threading.Event()
        #: Set when a page has been drawn (:meth:`warm_up` is called at the end of each run).
        self.drawn = threading.Event()
        self._ahead: dict[Hashable, str] = {}  # keys computed in the background (ahead()): running / failed
        self._drawing = 0  # pages being drawn now (drawing()): the warm-up waits for them between its steps
        self._warming_keys: frozenset = frozenset()  # what the running warm-up will compute: ahead() leaves it to it
        self._begun_rows: dict[str, tuple[int, Callable[[], list]]] = {}  # queries begun ahead of their step (_begin)

    # ------------------------------------------------------------ plumbing
    @property
    def store(self) -> Store:
        """The store (opened on first use; raises GraphError naming a broken file)."""
        with self._open_lock:
            if self._store is None:
                self._store = self._opening() if self._opening is not None else open_store(self.settings)
                self._opening = None
                self.loads += 1
            return self._store

    @property
    def opened(self) -> bool:
        """True once the store is open (the first visitor's progress is shown until then)."""
        return self._store is not None

    def triples(self) -> int:
        """How many triples the store holds (the sidebar's figure)."""
        return self._memoised("triples", lambda: len(self.store))

    def answers_of(self, keys) -> dict[Hashable, Any] | None:
        """The answers under the memo ``keys`` (:data:`graph.saved_answers.PARTS`) when every one is
        in the memo and was computed on the files as read (no edit adopted since), for
        :mod:`graph.saved_answers` to keep; else None."""
        with self._lock:
            if self.edited:
                return None
            found = {k: self._memo[_room(k)][k] for k in keys if k in self._memo[_room(k)]}
        return found if len(found) == len(keys) else None

    def take(self, answers: Mapping[Hashable, Any], *, generation: int | None = None) -> bool:
        """Put answers read elsewhere (the saved pages: :mod:`graph.saved_answers`) into the memo,
        as if computed here; one already there is kept.  With ``generation`` (:attr:`generation`
        when the read began), nothing is taken when the memo was dropped since; True when taken."""
        with self._lock:
            if generation is not None and generation != self._generation:
                return False
            for k, v in answers.items():
                self._memo[_room(k)].setdefault(k, v)
            self._changed.notify_all()
            return True

    @property
    def generation(self) -> int:
        """How many times the memo was dropped (:meth:`forget`): answers read for an older one are stale."""
        with self._lock:
            return self._generation

    def expect(self, keys) -> threading.Event:
        """Say that the answers under ``keys`` are being read from disk (the saved later pages,
        one part after the other): a page asking for one of them meanwhile waits until it is
        taken (:meth:`take`; not until the other parts are read) or the read is over (at most
        :data:`EXPECT_AT_MOST` seconds) instead of computing it beside; set the returned
        event when the read is over (taken or not)."""
        done = threading.Event()
        self._expected = (frozenset(keys), done)
        return done

    def _coming(self, key: Hashable) -> bool:
        """True when the answer under ``key`` is coming from elsewhere (:meth:`expect`)."""
        expected = self._expected
        return expected is not None and key in expected[0] and not expected[1].is_set()

    def has(self, *key: Hashable, room: str = "answers") -> bool:
        """True when the answer under ``key`` is already in the memo (``has("summary")``,
        ``has("findings", None)``): a page shows progress only for what it must compute."""
        k = key[0] if len(key) == 1 else key
        with self._lock:
            return k in self._memo[room]

    def warm_up(self, lang: str = "pl", *, drawn: bool = True, keep_first_page: Callable[[], object] | None = None) -> bool:
        """On large data (past :data:`WARM_UP_OVER` organisations), compute in a background
        thread, once per data version, what the other pages ask for first, one answer after
        the other in the order a visitor needs them: the filters' counts, the as-of dates and
        the first (grouped) view of the Network page, drawn from the network's skeleton
        (:meth:`_skeleton`), the coverage (the Gaps page's first tab, from the skeleton too),
        the network, the seats, the findings (the first page's headline gaps), the pickers,
        the gap report, the structure, the what-if of the first single point of failure.
        Before each step it waits while a page is being drawn (:meth:`drawing`, at most
        :data:`PAUSE_AT_MOST` seconds): one interpreter runs both, and the page comes first.  A later page finds them in the memo;
        they are then kept on disk for the next start on the same files
        (:meth:`keep_later_pages`).  Returns True when it started the thread.  A page calls it
        once drawn (``drawn``: it sets :attr:`drawn`); the preload as soon as the first page's
        answers are there, with ``keep_first_page``, which keeps them on disk (after the first
        view: 0.1 s on the country file)."""
        if drawn:
            self.drawn.set()
        with self._lock:
            if self._warming or self._store is None:
                return False
            self._warming = True
        if self.summary()["organisations"] <= WARM_UP_OVER:
            return False
        steps = (
            self.facets, self.dates, self.first_view, keep_first_page or (lambda: None), self.coverage,
            self.projection, self.seats, self.findings, lambda: self.org_choices(lang), self.report,
        )  # fmt: skip
        with self._lock:
            self._warming_keys = frozenset({("findings", None)})

        def run():
            try:
                if self._stand_in() is not None:  # the network's skeleton and the dates: their queries run while the first page is drawn
                    self._begin("list_network_tie_ends", "list_dates")
                for step in steps:
                    self._after_pages()
                    step()
                points = [r.iri for r in self.structure().articulation_points]
                self.spof()
                if points:
                    self._after_pages()
                    self.what_if(tuple(points[:1]))
                self.territory()
                self.keep_later_pages()
            except Exception:  # noqa: BLE001 - a page asking again sees the error in its own run
                pass
            finally:
                with self._lock:
                    self._warming_keys = frozenset()
                    self._changed.notify_all()
            from .preload import release_memory

            release_memory()

        threading.Thread(target=run, name=f"warm-up {self.signature}", daemon=True).start()
        return True

    def _begin(self, *names: str) -> None:
        """Begin the internal queries ``names`` now, in the background
        (:meth:`graph.store.Store.select_many_later`: on Oxigraph they are evaluated while a
        page is drawn, without holding it up); the step that needs one reads it with :meth:`_begun`."""
        from .library import internal_query

        readers = self.store.select_many_later([internal_query(n) for n in names])
        with self._lock:
            for name, read in zip(names, readers, strict=True):
                self._begun_rows[name] = (self._generation, read)

    def _begun(self, name: str) -> list | None:
        """The rows of the internal query ``name`` begun by :meth:`_begin` on the data as it is
        now (read once), or None: not begun, begun before an edit, or failed (the step then asks
        the store itself, and a failure shows there)."""
        with self._lock:
            generation, rows = self._begun_rows.pop(name, (None, None))
            if rows is None or generation != self._generation:
                return None
        try:
            return rows()
        except Exception:  # noqa: BLE001 - asked again by the caller
            return None

    @contextmanager
    def drawing(self):
        """Say that a page is being drawn (``with ws.drawing(): ...``, around a page's run): the
        warm-up waits for it between its steps."""
        with self._lock:
            self._drawing += 1
        try:
            yield
        finally:
            with self._lock:
                self._drawing -= 1
                self._changed.notify_all()

    def _after_pages(self) -> None:
        """Wait while a page is being drawn (at most :data:`PAUSE_AT_MOST` seconds)."""
        until = time.monotonic() + PAUSE_AT_MOST
        with self._lock:
            while self._drawing > 0 and (left := until - time.monotonic()) > 0:
                self._changed.wait(min(left, 0.1))

    def keep_later_pages(self) -> int:
        """Write the later pages' answers (:data:`graph.saved_answers.LATER_PARTS`) to disk for
        the next start on the same files, unless they were read from there (``later_saved``);
        how many parts were written.  Only answers computed on the files as read are kept
        (:meth:`answers_of`)."""
        from . import saved_answers

        digests = getattr(self._store, "digests", ())
        if self.later_saved or not digests or not saved_answers.kept(self.settings) or self.stale():
            return 0
        from .analysis.offload import offload
        from .answer_codec import classes

        classes()  # imported here, not in the child (an import lock held by another thread at the fork stays held there)
        parts = {part: found for part in saved_answers.LATER_PARTS if (found := self.answers_of(saved_answers.PARTS[part])) is not None}
        if not parts:
            return 0
        # written by a forked child: its 10^5 small objects and 50 MB of text are freed with it (this process's
        # memory stays as it was), and it runs at a lower priority than the pages being drawn
        return offload(True, saved_answers.write_parts, self.settings, saved_answers.key(self.settings, digests), parts).result()

    def ahead(self, key: Hashable, compute: Callable[[], Any]) -> str:
        """Start ``compute`` (which memoises under ``key``) in a background thread, after
        :data:`AHEAD_AFTER` seconds and after a running warm-up (:meth:`warm_up`, which computes
        the findings itself), unless it is done or under way; returns ``"ready"``, ``"running"`` or ``"failed"`` (the background
        run raised: the caller computes it in its own run, where the error shows)."""
        with self._lock:
            if key in self._memo["answers"]:
                return "ready"
            if key in self._warming_keys:  # the warm-up computes it in its turn: not beside it
                return "running"
            if key in self._ahead:
                return self._ahead[key]
            self._ahead[key] = "running"

        def run():
            time.sleep(AHEAD_AFTER)  # the page that asked is drawn first, not beside this
            with self._lock:
                if key in self._warming_keys:  # a warm-up began meanwhile: it computes it in its turn
                    self._ahead.pop(key, None)
                    return
                while self._warming_keys:  # a warm-up runs: this comes after it, not beside it (one interpreter)
                    self._changed.wait(0.5)
            try:
                compute()
                state = "ready"
            except Exception:  # noqa: BLE001 - reported by the caller's own run
                state = "failed"
            with self._lock:
                if state == "failed":
                    self._ahead[key] = state
                else:
                    self._ahead.pop(key, None)

        threading.Thread(target=run, name=f"ahead {key!r}", daemon=True).start()
        return "running"

    def stale(self) -> bool:
        """True when the settings' files changed since this workspace was built."""
        return data_signature(self.settings) != self.signature

    def adopt(self, editor) -> bool:
        """Take an edit made by ``editor`` on this workspace's store: the new data signature,
        the same store (not read again), the projections patched for the subjects the edit
        changed (``editor.changed``; :func:`graph.analysis.patch_projection`: copy-on-write,
        so a page still reading an old projection is not disturbed) and so the agreement
        timeline (:func:`graph.views.timeline_patch.patch_timeline`), every other answer
        dropped.  The patched answers replace the old ones at once: no page finds the memo
        empty meanwhile.

        True when adopted; False (nothing changed) when the editor wrote to another
        store or the files had changed before the edit (the workspace is then
        :meth:`stale` and its caller builds a new one).
        """
        signatures = getattr(editor, "signatures", None)
        changed, ends = getattr(editor, "changed", None), getattr(editor, "dropped_objects", None)
        with self._adopt_lock:  # one edit after the other: each patches what the one before left
            with self._open_lock:
                if signatures is None or self._store is None or editor.store is not self._store or signatures[0] != self.signature:
                    return False
                self.signature = signatures[1]
                self.edited = True
            with self._lock:  # the most recently used projections (the memo's last), the others dropped
                graphs = [(k, g) for k, g in self._memo["graphs"].items() if isinstance(k, tuple) and k[0] == "projection"][-PATCHED_AT_MOST:]
                timeline = self._memo["answers"].get("timeline")
            kept: dict = {}
            if changed is not None:
                try:
                    kept = self._patched(graphs, timeline, changed, ends)
                except Exception:  # noqa: BLE001 - nothing kept: every answer is computed afresh
                    kept = {}
            self.forget(keep=kept)
        return True

    def _patched(self, graphs: list, timeline, changed, ends=None) -> dict:
        """``{(room, key): answer}``: the projections ``graphs`` (``(memo key, graph)``) and the
        agreement ``timeline`` patched for ``changed`` (those that can be; ``ends``: see
        :func:`graph.analysis.patch_projection`)."""
        import networkx as nx

        from .views.timeline_patch import patch_timeline

        kept: dict = {}
        for key, old in graphs:
            _, _, kinds, people, memberships = key
            new = analysis.patch_projection(old, self.store, changed, ends=ends, tie_kinds=kinds, include_people=people, include_memberships=memberships)
            if new is not None:
                kept["graphs", key] = new if nx.is_frozen(new) else nx.freeze(new)
        if timeline is not None:
            table = patch_timeline(self.store, timeline, changed)
            if table is not None:
                kept["answers", "timeline"] = table
        return kept

    def forget(self, keep: Mapping | None = None) -> None:
        """Drop every memoised answer (after the store was changed in place) but those in
        ``keep`` (``{(room, key): answer}``, answers on the changed data)."""
        with self._lock:
            self._generation += 1
            self._warming = False
            self._ahead.clear()
            self._begun_rows.clear()
            for memo in self._memo.values():
                memo.clear()
            for (room, key), value in (keep or {}).items():
                self._memo[room][key] = value

    def _memoised(self, key: Hashable, compute: Callable[[], Any], *, room: str = "answers") -> Any:
        memo = self._memo[room]
        with self._lock:
            if key in memo:
                memo.move_to_end(key)
                return memo[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # one computation per key; other keys go on in parallel
            with self._lock:
                if self._coming(key) and key not in memo:
                    self.wanted.set()  # being read from disk: quicker than computed here
                    until = time.monotonic() + EXPECT_AT_MOST
                    while key not in memo and self._coming(key) and (left := until - time.monotonic()) > 0:
                        self._changed.wait(min(left, 0.1))  # woken by take(); the event is looked at every 0.1 s
                if key in memo:
                    return memo[key]
                generation = self._generation
            value = compute()
            with self._lock:
                if generation != self._generation:  # the data changed meanwhile (an adopted edit)
                    self._key_locks.pop(key, None)
                    return value
                memo[key] = value
                while len(memo) > MEMO_ENTRIES[room]:
                    memo.popitem(last=False)
                self._key_locks.pop(key, None)
            return value

    def _table(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        return _copy(self._memoised(key, compute))

    # ------------------------------------------------------------ the store's tables
    @property
    def vocab(self):
        """The one :class:`graph.vocabulary.Vocabulary` (kinds, sectors, tie kinds; frozen)."""
        from .vocabulary import load_vocabulary

        return self._memoised("vocab", lambda: load_vocabulary(self.store))

    def vocabulary(self) -> Mapping[str, Mapping[str, Mapping[str, str]]]:
        """Labels of kinds, sectors and tie kinds (pl/en) by notation, as a shared read-only
        mapping ``{"kind": {"ops": {"pl":.., "en":.., "sector":..}}}`` (the shape views take)."""
        return self._memoised("vocabulary", lambda: _frozen(self.vocab.as_dict()))

    def territory(self) -> Mapping[str, str]:
        """Names of territorial units by TERC code (shared, read-only)."""
        from .views.explore import territory_labels

        return self._memoised("territory", lambda: _frozen(territory_labels(self.store)))

    def dates(self) -> list[str]:
        """Every start/end date of ties and memberships: the as-of slider's stops."""
        from .views.explore import store_dates

        return self._table("dates", lambda: store_dates(self.store, rows=self._begun("list_dates")))

    def timeline(self):
        """Members of the agreement(s) by date (a DataFrame)."""
        return self._table("timeline", self._timeline)

    def _timeline(self):
        from .views.overview import agreement_timeline

        return agreement_timeline(self.store)

    def edit_context(self):
        """The editing forms' lookups (:class:`graph.edit.lookup.Context`: organisations,
        ties, memberships, kinds...), read once per data version and shared by every
        session (on national data they took 1.6 s per view of the Data page).  A change
        is still checked against a fresh context by the editor."""
        from .edit.lookup import Context

        return self._memoised("edit_context", lambda: Context(self.store))

    def agreement_table(self):
        """One row per agreement: label, first date, members at the start and later (a DataFrame)."""
        from .views.overview import agreement_table

        return self._table("agreement_table", lambda: agreement_table(self._memoised("timeline", self._timeline)))

    def profile(self, iri: str):
        """The organisation's :class:`graph.views.profile.Profile` (raises GraphError if unknown)."""
        from .views.profile import organisation_profile

        return self._memoised(("profile", iri), lambda: organisation_profile(self.store, iri))

    def seats(self) -> dict[str, str]:
        """Organisation IRI -> TERC code of its seat (the Gaps page's gmina filter)."""
        from .finding_groups import seats

        return self._table("seats", lambda: seats(self.store))

    def choices(self, picker: str, lang: str = "pl") -> list[tuple[str, str]]:
        """``(iri, label)`` options of a console picker."""
        from .views.console import choices

        return self._table(("choices", picker, lang), lambda: choices(self.store, picker, lang))

    # ------------------------------------------------------------ the network
    def projection(self, *, as_of: dt.date | str | None = None, tie_kinds=None, include_people: bool = False, include_memberships: bool = False):
        """The networkx projection for these options: shared and frozen (read-only)."""
        day, kinds = _as_of(as_of), _kinds(tie_kinds)

        def build():
            import networkx as nx

            from .analysis.projection import with_memberships

            if include_people or include_memberships:
                base = self.projection(as_of=day, tie_kinds=kinds)
                if hasattr(base, "_gone"):  # the plain projection plus memberships, sharing its memory
                    return nx.freeze(with_memberships(base, self.store, include_people=include_people, include_memberships=include_memberships))
            plain = (day, kinds, include_people, include_memberships) == (None, None, False, False)
            if plain:  # the skeleton retires: its memory goes to the network (a page meanwhile waits for the network)
                _drop(self._memo["graphs"], "skeleton", self._lock, retired=True)
            g = analysis.to_networkx(self.store, as_of=day, tie_kinds=kinds, include_people=include_people, include_memberships=include_memberships)
            if plain:
                with self._lock:  # the first page's stand-ins (_counted, _skeleton) are not needed any more
                    self._memo["answers"].pop("node_table", None)
                _drop(self._memo["graphs"], "skeleton", self._lock)
            return nx.freeze(g)

        return self._memoised(("projection", day, kinds, include_people, include_memberships), build, room="graphs")

    def _counted(self):
        """``(nodes, tie counts)`` the first page counts: the projection when it is built
        (counts None: its edges), else the node list and tie counts of
        :func:`graph.analysis.projection.node_table`, so the first page does not wait
        for the network."""
        with self._lock:
            g = self._memo["graphs"].get(("projection", None, None, False, False))
        if g is None:
            from .analysis.projection import node_table

            counted = self._memoised("node_table", lambda: node_table(self.store))
            if counted is not None:
                return counted
        return self.projection(), None

    def _stand_in(self):
        """The first page's :func:`graph.analysis.projection.node_table` (nodes, tie counts) when
        it is in the memo and the network (the projection with no date) is not; else None."""
        with self._lock:
            if _PLAIN in self._memo["graphs"]:
                return None
            return self._memo["answers"].get("node_table")

    def _skeleton(self):
        """Until the network is built, its :func:`graph.analysis.projection.skeleton` (frozen;
        built once from the first page's node table): what grouped views and the coverage
        read, the same answers in a third of the time.  None once the network is there or
        being built (the skeleton's memory goes to it), when the network is coming from disk,
        when the first page's node table is not in the memo (the first page came from disk:
        the network is coming too), or when the skeleton cannot stand for the network."""
        counted = self._stand_in()
        if counted is None or self._coming(_PLAIN):
            return None

        def build():
            import networkx as nx

            from .analysis.projection import skeleton

            g = skeleton(self.store, counted[0], rows=self._begun("list_network_tie_ends"))
            return None if g is None else nx.freeze(g)

        g = self._memoised("skeleton", build, room="graphs")
        if self.has(*_PLAIN, room="graphs"):  # the network was built meanwhile: it stands for itself
            _drop(self._memo["graphs"], "skeleton", self._lock)
        return g

    def summary(self) -> dict[str, int]:
        """Counts of the whole network (organisations, ties, synthetic nodes...)."""
        from .views.explore import summary

        def build():
            g, ties = self._counted()
            return summary(g, None if ties is None else sum(ties.values()))

        return self._table("summary", build)

    def search(self, text: str, lang: str = "pl", limit: int = 30) -> list[dict]:
        """Organisations matching ``text`` (diacritics ignored): rows with iri, label, kind, gmina."""
        from .views.explore import node_rows, search, search_index

        def build():
            g = self.projection()  # organisations and agreements alike; memberships add no node it finds
            index = self._memoised("search_index", lambda: search_index(g))  # the folded labels, once for every session
            return node_rows(g, search(g, text, limit=limit, index=index), vocab=self.vocabulary(), lang=lang)

        return self._table(("search", text.strip(), lang, limit), build)

    def search_iri(self, iri: str, lang: str = "pl") -> list[dict]:
        """The display row of one node (empty when the data does not hold it)."""
        from .views.explore import node_rows

        return self._table(("row", iri, lang), lambda: node_rows(self.projection(include_memberships=True), [iri], vocab=self.vocabulary(), lang=lang))

    def facets(self, as_of: str | None = None, memberships: bool = False):
        """Counts the filters can offer: kind, sector, gmina, tie_kind (before the network is
        built, from the first page's node table: the same counts)."""
        from .views.explore import facets

        def build():
            counted = self._stand_in() if as_of is None and not memberships else None
            if counted is not None:
                return facets(*counted)
            return facets(self.projection(as_of=as_of, include_memberships=memberships))

        return self._table(("facets", as_of, memberships), build)

    def org_choices(self, lang: str = "pl", limit: int = 2000) -> list[dict]:
        """Display rows of organisations (at most ``limit``) for pickers, by label."""
        from .views.explore import node_rows, organisations

        def build():
            g = self.projection()
            return sorted(node_rows(g, organisations(g)[:limit], vocab=self.vocabulary(), lang=lang), key=lambda r: r["label"])

        return self._table(("org_choices", lang, limit), build)

    def overview_tables(self) -> dict:
        """Members by kind and sector, ties by kind, organisations by gmina (DataFrames)."""
        from .views.overview import counts_by, gmina_grid, ties_by_kind

        def build():
            (g, ties), v = self._counted(), self.vocabulary()
            return {"kind": counts_by(g, "kind", v), "sector": counts_by(g, "sector", v), "ties": ties_by_kind(g, v, ties), "gminas": gmina_grid(g, self.territory())}

        return {k: v.copy() for k, v in self._memoised("overview", build).items()}

    # ------------------------------------------------------------ analysis
    def metrics(self, as_of: str | None = None):
        """Per-organisation metrics (a DataFrame indexed by IRI)."""
        return _copy(self._metrics(as_of))

    def _metrics(self, as_of: str | None):
        return self._memoised(("node_metrics", as_of), lambda: analysis.node_metrics(self.projection(as_of=as_of), seed=0))

    def expected(self, as_of: str | None = None):
        """The :class:`graph.analysis.ExpectedFindings` on ``as_of``: the findings' part that reads
        the store alone (no network), so it can be computed while the network is built."""
        return self._memoised(("expected", as_of), lambda: analysis.expectation_findings(self.store, as_of=as_of, expectations=self.settings.expectations))

    def findings(self, as_of: str | None = None):
        """The :class:`graph.analysis.GapFindings` on ``as_of``: expectation and coverage findings
        alone (the report's ``findings``, without its measures: what a summary shows).  The
        report's slowest measures start when the report asks for them, not before the findings."""
        return self._memoised(
            ("findings", as_of),
            lambda: analysis.gap_findings(
                self.store, as_of=as_of, graph=self.projection(as_of=as_of), expectations=self.settings.expectations,
                expected=self.expected(as_of), prefetch=False, coverage_table=self._coverage(as_of),
            ),  # fmt: skip
        )

    def coverage(self, as_of: str | None = None):
        """The coverage of gminy on ``as_of`` (a DataFrame: the findings' and the report's
        ``coverage``), what the Gaps page shows first: computed from the network alone, without
        the expectations, unless the findings are there (or coming) already."""
        return _copy(self._coverage(as_of))

    def _coverage(self, as_of: str | None):
        def build():
            key = ("findings", as_of)
            with self._lock:
                found = self._memo["answers"].get(key)
            if found is None and self._coming(key):
                found = self.findings(as_of)
            if found is not None:
                return found.coverage
            g = (self._skeleton() if as_of is None else None) or self.projection(as_of=as_of)  # the skeleton: the same coverage
            return analysis.coverage(g, self.store, pes=analysis.pes_kinds(self.store))

        return self._memoised(("coverage", as_of), build)

    def report(self, as_of: str | None = None):
        """The :class:`graph.analysis.GapReport` on ``as_of`` (the expectations the settings name)."""
        return self._memoised(
            ("report", as_of),
            lambda: analysis.gap_report(
                self.store, as_of=as_of, graph=self.projection(as_of=as_of), expectations=self.settings.expectations,
                findings=self.findings(as_of), metrics=self._metrics(as_of),
            ),  # fmt: skip
        )

    def report_text(self, as_of: str | None, fmt: str, lang: str = "pl") -> str:
        """The gap report as Markdown (``md``) or CSV (``csv``)."""
        def build():
            rep = self.report(as_of)
            return analysis.render_markdown(rep, lang=lang) if fmt == "md" else analysis.render_csv(rep, lang=lang)

        return self._memoised(("report_text", as_of, fmt, lang), build)

    def structure(self, as_of: str | None = None):
        """The :class:`graph.analysis.Structure` (articulation points, bridges...)."""
        return self._memoised(("structure", as_of), lambda: analysis.structure(self.projection(as_of=as_of)))

    def spof(self, as_of: str | None = None) -> frozenset[str]:
        """IRIs of the single points of failure (articulation points)."""
        return self._memoised(("spof", as_of), lambda: frozenset(r.iri for r in self.structure(as_of).articulation_points))

    def what_if(self, remove, as_of: str | None = None):
        """What removing the organisations ``remove`` would cut off."""
        remove = tuple(sorted(remove))
        return self._memoised(("what_if", remove, as_of), lambda: analysis.what_if(self.projection(as_of=as_of), remove))

    def diff(self, date1: str, date2: str):
        """The change between two dates (:class:`graph.analysis.Diff`)."""
        return self._memoised(("diff", date1, date2), lambda: analysis.diff_report(self.store, date1, date2, expectations=self.settings.expectations))

    def network_file(self, spec, fmt: str, *, as_of: str | None = None, tie_kinds=None, memberships: bool = False) -> tuple[bytes, bool]:
        """``(file bytes, whether it holds just the view)`` of the network view in an export
        format (:data:`graph.analysis.EXPORT_FORMATS`), measures computed on what it holds."""
        key = ("network_file", as_of, _kinds(tie_kinds), memberships, spec, fmt)
        return self._memoised(key, lambda: self._network_file(spec, fmt, as_of, _kinds(tie_kinds), memberships), room="graphs")

    def _network_file(self, spec, fmt: str, as_of, kinds, memberships) -> tuple[bytes, bool]:
        from .views.explore import summary
        from .viz import visible_graph

        g = self.projection(as_of=as_of, tie_kinds=kinds, include_memberships=memberships)
        shown, level, _ = visible_graph(g, spec, self.territory())
        out = shown if level is None else g  # a grouped view draws groups: the file holds the organisations
        table = analysis.node_metrics(out, seed=0) if summary(out)["organisations"] <= LOCAL_ANALYSIS_OVER else None
        lifetimes = self._memoised("lifetimes", lambda: analysis.organisation_lifetimes(self.store))
        return analysis.export_network(out, fmt, metrics=table, lifetimes=lifetimes), level is None

    def network(self, spec, *, as_of: str | None = None, tie_kinds=None, memberships: bool = False, texts: tuple = (), title: str = "", banner: str | None = None):
        """The composed network view (HTML and counts) for ``spec`` (a :class:`graph.viz.ViewSpec`).

        ``texts`` are the view's captions, ``(key, text)`` pairs with the
        prefixes ``cap.``, ``ui.`` and ``metric.``.
        """
        key = ("network", as_of, _kinds(tie_kinds), memberships, spec, tuple(texts), title, banner)
        return self._memoised(key, lambda: self._network(spec, as_of, _kinds(tie_kinds), memberships, dict(texts), title, banner), room="graphs")

    def _visible(self, spec, day: str | None, kinds, full: bool):
        """``(network, graph.viz.visible_graph answer)`` of ``spec`` on the projection with these
        options (``full``: with memberships).  What is drawn depends on these fields of the spec
        alone: shared by languages, colours...  A grouped view needs no network (None in its
        place): while the network is built, one with no date, tie kinds or focus is drawn from
        its :meth:`_skeleton` (the same groups and weights, in the same order)."""
        from .viz import visible_graph

        key = ("visible", day, kinds, full, (spec.filters, spec.focus, spec.depth, spec.drill, spec.grouping, spec.threshold))

        def network():
            return self.projection(as_of=day, tie_kinds=kinds, include_memberships=full)

        def compute():
            early = self._skeleton() if day is None and kinds is None and not full and not spec.focus else None
            if early is not None:
                shown = visible_graph(early, spec, self.territory())
                if shown[1] is not None:  # grouped (a view node by node draws labels, measures...: the network's own)
                    return shown
            return visible_graph(network(), spec, self.territory())

        shown = self._memoised(key, compute, room="graphs")
        return (None if shown[1] is not None else network()), shown  # groups need no network

    def first_view(self):
        """What the Network page draws first (the default view: grouped on large data), for the warm-up."""
        from .viz import ViewSpec

        return self._visible(ViewSpec(), None, None, False)[1]

    def _network(self, spec, as_of, kinds, memberships, texts: dict, title: str, banner: str | None):
        from .viz import METRIC_COLUMNS, compose, groups_ignore_memberships
        from .viz.overlays import overlays_from

        # a grouped view is the same without the memberships (graph.viz.groups_ignore_memberships): it is drawn
        # from the projection without them, and the one with them is built (in the background) for a view that needs it
        day = _as_of(as_of)
        full = memberships and not groups_ignore_memberships(spec)
        g, visible = self._visible(spec, day, kinds, full)
        if memberships and not full:
            if visible[1] is None:  # drawn node by node: the memberships show
                g, visible = self._visible(spec, day, kinds, True)
            elif day is None and kinds is None and not self.has("projection", None, None, False, True, room="graphs"):
                # a drill-down past the groups of the default view draws them: built in the background, a second
                # later (this page first); not for every date or tie kind asked for (each would hold another projection)
                self.ahead(("ahead", "projection"), lambda: threading.Event().wait(1) or self.projection(include_memberships=True))
        shown, level, _ = visible
        m, communities, points, overlays = None, None, frozenset(), ()
        if level is None:
            from .views.explore import organisations

            if len(organisations(g)) > LOCAL_ANALYSIS_OVER:  # the view's own measures
                table = analysis.node_metrics(shown, seed=0)
                points = frozenset(r.iri for r in analysis.structure(shown).articulation_points)
            else:
                table, points = self.metrics(as_of), self.spof(as_of)
            cols = [c for c in METRIC_COLUMNS if c in table.columns]
            m = table[cols].to_dict(orient="index") if cols else None
            if "community" in table.columns:
                communities = {k: int(v) for k, v in table["community"].dropna().items()}
            if spec.show_missing or spec.show_suggested:  # missing ties need the findings alone, suggestions the whole report
                overlays = overlays_from(self.report(as_of) if spec.show_suggested else self.findings(as_of), spec.lang)[1]
            if getattr(spec, "survey", None):  # the tie survey's claims over the network (graph/survey)
                from .survey import survey_overlays

                overlays = tuple(overlays) + survey_overlays(self.settings.edit_file, spec.survey, self.store)
        part = {p: {k[len(p) :]: v for k, v in texts.items() if k.startswith(p)} for p in ("cap.", "ui.", "metric.")}
        return compose(
            g, spec, metrics=m, metric_names=part["metric."], communities=communities, spof=points, overlays=overlays,
            vocab=self.vocabulary(), labels=self.territory(), captions=part["cap."], ui=part["ui."], title=title, banner=banner, visible=visible,
        )  # fmt: skip
