"""A saved form on large data: the time from the save to the next page view (issue 14).

    python scripts/bench_edit.py [--data bench-data/country.ttl] [--repeat 3]

On a copy of the data file (its stamp copied too, so edits splice the changed
blocks as the dashboard's do), one workspace, as the dashboard holds it:
the Overview page's data (``summary``, ``overview_tables``, ``timeline``) and
an organisation's profile are computed, then each kind of edit is saved the
way the Data page saves it (``Editor.commit`` on the workspace's store, then
``Workspace.adopt``) and the same views are asked for again.  Printed per
edit: the save, the adopt (the projections patched), the Overview data and
the profile after it (the adopt patches the projection with memberships too,
as the Explore page's search holds it); and, for comparison, the same views after dropping the
whole memo (what adopting did before).  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _timed(fn):
    t = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t


def _views(ws, org: str) -> tuple[float, float]:
    _, overview = _timed(lambda: (ws.summary(), ws.overview_tables(), ws.timeline()))
    _, profile = _timed(lambda: ws.profile(org))
    return overview, profile


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT / "bench-data" / "country.ttl")
    ap.add_argument("--repeat", type=int, default=2, help="rounds of edits (each round: every kind once)")
    ap.add_argument("--check", action="store_true", help="at the end, compare the patched projections with fresh ones")
    args = ap.parse_args(argv)
    os.environ.setdefault("GRAPH_WORKER_NETNS", "off")

    from graph.edit import JoinInput, OrganisationInput, TieInput, add_organisation, add_tie, correct_organisation, end_tie, join_agreement
    from graph.edit.editor import Editor
    from graph.edit.splice import stamp_path
    from graph.settings import Settings
    from graph.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="bench-edit-") as tmp:
        data = Path(tmp) / args.data.name
        shutil.copyfile(args.data, data)
        if stamp_path(args.data).exists():
            shutil.copyfile(stamp_path(args.data), stamp_path(data))
        ws = Workspace(Settings(data=(data,), history=Path(tmp) / "history.jsonl"))
        (_, load) = _timed(lambda: ws.store)
        g = ws.projection()
        # a typical organisation (the median degree): a hub's save is dominated by its SHACL check
        orgs = sorted((n for n, t in g.nodes(data="type") if t == "organisation" and g.degree(n)), key=lambda n: (g.degree(n), n))
        org, other = orgs[len(orgs) // 2], orgs[len(orgs) // 2 + 1]
        ws.projection(include_memberships=True)  # what the Explore page's search reads: patched too
        agreement = next(n for n, t in g.nodes(data="type") if t == "agreement")
        first = _views(ws, org)
        print(f"{data.name}: {g.number_of_nodes()} nodes, {g.number_of_edges()} ties; {org} ({g.degree(org)} ties); load {load:.2f} s; "
              f"first views: overview {first[0]:.2f} s, profile {first[1]:.2f} s")  # fmt: skip
        editor = Editor(ws.settings, store=ws.store)
        src = "https://example.org/bench-edit"  # a new source document, as a form may name
        print(f"{'edit':<26}{'save':>8}{'adopt':>8}{'overview':>10}{'profile':>9}{'total':>8}")
        for r in range(args.repeat):
            edits = [
                ("change a label", lambda r=r: correct_organisation(editor.context(), org, "name", f"Organizacja poprawiona {r}", src, who="Bench")),
                ("add a tie", lambda r=r: add_tie(editor.context(), TieInput(from_=org, to=other, kind="advice", start=f"202{r}-05-01", source=src), who="Bench")),
                ("end a tie", lambda r=r: end_tie(editor.context(), _a_tie(ws, org, other), f"202{r + 2}-01-31", src, who="Bench")),
                ("add an organisation", lambda r=r: add_organisation(
                    editor.context(), OrganisationInput(name=f"Fundacja Pomiarowa {r}", kind="foundation", teryt="2611011", source=src), who="Bench")),
                ("join an agreement", lambda r=r: join_agreement(
                    editor.context(), JoinInput(organisation=f"Fundacja Pomiarowa {r}", date=f"202{r}-06-01", source=src, agreement=agreement), who="Bench")),
            ]  # fmt: skip
            for what, make in edits:
                _, save = _timed(lambda make=make: editor.commit(make()))
                ok, adopt = _timed(lambda: ws.adopt(editor))
                assert ok, "not adopted"
                overview, profile = _views(ws, org)
                print(f"{what:<26}{save:8.2f}{adopt:8.2f}{overview:10.2f}{profile:9.2f}{adopt + overview + profile:8.2f}")
        if args.check:
            import networkx as nx

            from graph.analysis import to_networkx

            for opts in ({}, {"include_memberships": True}):
                patched, fresh = ws.projection(**opts), to_networkx(ws.store, **opts)
                same = nx.utils.graphs_equal(patched, fresh) and list(patched.edges(keys=True)) == list(fresh.edges(keys=True))
                print(f"patched projection {opts or ''} equals a fresh one: {same}")
            from graph.views.overview import agreement_timeline

            print(f"patched timeline equals a fresh one: {ws.timeline().equals(agreement_timeline(ws.store))}")
        ws.forget()  # what adopting did before: the whole memo dropped
        overview, profile = _views(ws, org)
        print(f"{'(memo dropped instead)':<26}{'':>8}{'':>8}{overview:10.2f}{profile:9.2f}{overview + profile:8.2f}")


def _a_tie(ws, org: str, other: str) -> str:
    """The open tie from ``org`` to ``other`` that started last (the one just added)."""
    g = ws.projection()
    ties = sorted((d["start"] or "", key) for key, d in g.get_edge_data(org, other, default={}).items() if d["end"] is None)
    if ties:
        return ties[-1][1]
    raise SystemExit(f"{org}: no open tie to end")


if __name__ == "__main__":
    main()
