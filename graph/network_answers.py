"""The workspace's answers about the network: a part of :class:`graph.workspace.Workspace`.

The networkx projection for each set of options, and what stands for it until it is
built: the first page's node table (:func:`graph.analysis.projection.node_table`) and the
network's skeleton (:func:`graph.analysis.projection.skeleton`), which give the filters'
counts, grouped views and the coverage of gminy the same as the network does.  Then
search, the pickers' organisations, and the composed network views
(:func:`graph.viz.compose`) and export files.  Every answer goes through the
workspace's memo (``_memoised``, ``_table``, ``has``, ``_coming``, its lock), which the
class that mixes this in provides.

It also holds the one piece of analysis policy the dashboard used to keep:
past :data:`LOCAL_ANALYSIS_OVER` organisations, measures and single points of
failure of a drilled-down view are computed on the view, not the network.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable

from . import analysis  # a lazy facade: names import on first use

__all__ = ["NetworkAnswers", "LOCAL_ANALYSIS_OVER"]

#: Past this many organisations, measures and single points of failure in a
#: (drilled-down) view are computed on the view itself, not the whole network.
LOCAL_ANALYSIS_OVER = 5000
#: The memo key of the network: the projection with no date, every tie kind, no people or memberships.
_PLAIN = ("projection", None, None, False, False)


def _as_of(value: dt.date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def _kinds(tie_kinds) -> tuple[str, ...] | None:
    return tuple(sorted(tie_kinds)) if tie_kinds is not None else None


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


class NetworkAnswers:
    """The projection, its stand-ins and the network views of a workspace (mixed into
    :class:`graph.workspace.Workspace`)."""

    def projection(
        self, *, as_of: dt.date | str | None = None, tie_kinds=None, include_people: bool = False, include_memberships: bool = False
    ):
        """The networkx projection for these options: shared and frozen (read-only)."""
        day, kinds = _as_of(as_of), _kinds(tie_kinds)

        def build():
            import networkx as nx

            from .analysis.projection import with_memberships

            if include_people or include_memberships:
                base = self.projection(as_of=day, tie_kinds=kinds)
                if hasattr(base, "_gone"):  # the plain projection plus memberships, sharing its memory
                    return nx.freeze(
                        with_memberships(base, self.store, include_people=include_people, include_memberships=include_memberships)
                    )
            plain = (day, kinds, include_people, include_memberships) == (None, None, False, False)
            if plain:  # the skeleton retires: its memory goes to the network (a page meanwhile waits for the network)
                _drop(self._memo["graphs"], "skeleton", self._lock, retired=True)
            g = analysis.to_networkx(
                self.store, as_of=day, tie_kinds=kinds, include_people=include_people, include_memberships=include_memberships
            )
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
            g = self._memo["graphs"].get(_PLAIN)
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

        return self._table(
            ("row", iri, lang), lambda: node_rows(self.projection(include_memberships=True), [iri], vocab=self.vocabulary(), lang=lang)
        )

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

    def network(
        self,
        spec,
        *,
        as_of: str | None = None,
        tie_kinds=None,
        memberships: bool = False,
        texts: tuple = (),
        title: str = "",
        banner: str | None = None,
    ):
        """The composed network view (HTML and counts) for ``spec`` (a :class:`graph.viz.ViewSpec`).

        ``texts`` are the view's captions, ``(key, text)`` pairs with the
        prefixes ``cap.``, ``ui.`` and ``metric.``.
        """
        key = ("network", as_of, _kinds(tie_kinds), memberships, spec, tuple(texts), title, banner)
        return self._memoised(
            key, lambda: self._network(spec, as_of, _kinds(tie_kinds), memberships, dict(texts), title, banner), room="graphs"
        )

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
