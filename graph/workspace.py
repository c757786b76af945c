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

Its answers about the network (the projection, what stands for it until it is
built, the network views) are in :mod:`graph.network_answers`, and its
background work (the warm-up of large data) in :mod:`graph.warm_up`.

>>> ws = Workspace(Settings())
>>> ws.summary()["organisations"] > 0
True
>>> ws.vocabulary()["kind"]["firm"]["en"]
'private firm'
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from types import MappingProxyType
from typing import Any

from . import analysis  # a lazy facade: names import on first use
from .network_answers import LOCAL_ANALYSIS_OVER, NetworkAnswers
from .settings import Settings, data_signature
from .store import Store, open_store
from .warm_up import WarmUp

__all__ = ["Workspace", "data_signature", "LOCAL_ANALYSIS_OVER", "PATCHED_AT_MOST"]

#: Seconds a page waits for an answer being read from disk (:meth:`Workspace.expect`) before computing it.
EXPECT_AT_MOST = 20.0
#: Answers kept per workspace, by room (least recently used dropped first):
#: projections and network views are large, so fewer of them.
MEMO_ENTRIES = {"answers": 256, "graphs": 32}
#: Projections patched after an adopted edit (:meth:`Workspace.adopt`), the most recently used;
#: each costs a few bound queries and a pass over its edges, so a save stays quick.
PATCHED_AT_MOST = 4


def _copy(value: Any) -> Any:
    """A copy of a table; shared read-only values (frozen dataclasses, frozen graphs) as they are."""
    if hasattr(value, "copy") and hasattr(value, "columns"):  # a DataFrame
        return value.copy()
    if isinstance(value, (dict, list, set)):
        return copy.deepcopy(value)
    return value


def _room(key: Hashable) -> str:
    """The memo's room of an answer: projections are kept among the large ones."""
    return "graphs" if isinstance(key, tuple) and key and key[0] == "projection" else "answers"


def _frozen(value: Any) -> Any:
    """A read-only view of nested dicts (labels are read at every row: no copy per call)."""
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    return value


class Workspace(NetworkAnswers, WarmUp):
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

    # ------------------------------------------------------------ the first page's counts
    def summary(self) -> dict[str, int]:
        """Counts of the whole network (organisations, ties, synthetic nodes...)."""
        from .views.explore import summary

        def build():
            g, ties = self._counted()
            return summary(g, None if ties is None else sum(ties.values()))

        return self._table("summary", build)

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
