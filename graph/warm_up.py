"""The workspace's background work on large data: a part of :class:`graph.workspace.Workspace`.

One interpreter computes the pages' answers and draws the pages, so the work done
in the background is ordered and yields to pages:

* :meth:`WarmUp.warm_up`: once per data version, past :data:`WARM_UP_OVER`
  organisations, one lane computes what the other pages ask for first, in the
  order a visitor needs it, waiting between its steps while a page is drawn
  (:meth:`WarmUp.drawing`), and keeps the answers on disk for the next start;
* :meth:`WarmUp.ahead`: one answer a page wishes for, computed after it is drawn;
* queries begun before the step that reads them (:meth:`WarmUp._begin`), so that
  pyoxigraph evaluates them while a page is drawn.

The memo, the lock and the answers themselves belong to the class that mixes this in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from typing import Any

__all__ = ["WarmUp", "WARM_UP_OVER", "AHEAD_AFTER", "PAUSE_AT_MOST"]

#: Past this many organisations, the answers of the other pages are computed in the
#: background after the first page (:meth:`Workspace.warm_up`).
WARM_UP_OVER = 1000
#: Seconds a background computation (:meth:`Workspace.ahead`) waits before it starts: the page
#: that asked for it is drawn first (both run on one interpreter).
AHEAD_AFTER = 0.5
#: Seconds the warm-up waits, at most, before each of its steps while a page is being drawn (:meth:`Workspace.drawing`).
PAUSE_AT_MOST = 5.0


class WarmUp:
    """The warm-up lane, pages' drawing and background wishes of a workspace (mixed into
    :class:`graph.workspace.Workspace`)."""

    def warm_up(self, lang: str = "pl", *, drawn: bool = True, keep_first_page: Callable[[], object] | None = None) -> bool:
        """On large data (past :data:`WARM_UP_OVER` organisations), compute in a background
        thread, once per data version, what the other pages ask for first, one answer after
        the other in the order a visitor needs them: the filters' counts, the as-of dates and
        the first (grouped) view of the Network page, drawn from the network's skeleton
        (:meth:`_skeleton`), the coverage (the Gaps page's first tab, from the skeleton too),
        the network, the seats, the findings (the first page's headline gaps), the pickers,
        the gap report, the structure, the what-if of the first single point of failure.
        Before each step it waits while a page is being drawn (:meth:`drawing`, at most
        :data:`PAUSE_AT_MOST` seconds): one interpreter runs both, and the page comes first.
        A later page finds them in the memo; they are then kept on disk for the next start on
        the same files (:meth:`keep_later_pages`).  Returns True when it started the thread.
        A page calls it once drawn (``drawn``: it sets :attr:`drawn`); the preload as soon as
        the first page's answers are there, with ``keep_first_page``, which keeps them on disk
        (after the first view: 0.1 s on the country file)."""
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
