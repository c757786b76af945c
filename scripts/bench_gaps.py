"""Time and peak memory of each part of the gap analysis, on bundled and synthetic data.

    python scripts/bench_gaps.py                          # bundled, voivodeship and country data
    python scripts/bench_gaps.py --datasets voivodeship --as-of 2022-06-30
    python scripts/bench_gaps.py --engine pyshacl --datasets bundled

For each dataset: loading the store, then the parts of
:func:`graph.analysis.gap_report` one by one - projection, node metrics,
network metrics, expectations (SHACL), coverage, structure, suggestions -
each with its wall time and the peak resident memory above the level it
started at (sampled every 5 ms with psutil, so C allocations in Oxigraph,
igraph and numpy count).  "analysis" is the sum of the parts after loading,
the figure held to the budgets of issue 3: under 3 s on the synthetic
voivodeship, under 60 s on the synthetic country.

Synthetic data is generated with :mod:`graph.synthetic` (seed ``--seed``)
into ``--synthetic-dir`` (default ``bench-data/``, ignored by git) unless the
file is already there.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from graph.analysis import (  # noqa: E402
    check_expectations,
    coverage,
    load_expectations,
    network_metrics,
    node_metrics,
    parse_date,
    pes_kinds,
    structure,
    suggest_ties,
    to_networkx,
)
from graph.settings import DEFAULT_DATA, Settings  # noqa: E402
from graph.store import open_store  # noqa: E402

DATASETS = ("bundled", "county", "voivodeship", "country")
BUDGETS = {"voivodeship": 3.0, "country": 60.0}


class Peak:
    """Peak RSS (bytes) above the level at start, sampled in a thread."""

    def __init__(self, every: float = 0.005) -> None:
        self.proc = psutil.Process(os.getpid())
        self.every = every

    def __enter__(self):
        self.base = self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self.t0 = time.perf_counter()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            self._stop.wait(self.every)

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.t0
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def extra_mb(self) -> float:
        return (self.peak - self.base) / 2**20


def data_files(name: str, folder: Path, seed: int) -> list[Path]:
    if name == "bundled":
        return list(DEFAULT_DATA)
    from graph.synthetic import write_synthetic

    path = folder / f"synthetic-{name}-{seed}.ttl"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        stats = write_synthetic(name, seed=seed, out=path)
        print(f"  generated {path} ({stats.triples:,} triples) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return [path]


def bench(name: str, args) -> tuple[list[tuple[str, float, float]], dict]:
    files = data_files(name, args.synthetic_dir, args.seed)
    day = parse_date(args.as_of, field="--as-of")
    rows: list[tuple[str, float, float]] = []
    out: dict = {}

    def part(label, fn, *a, **kw):
        with Peak() as p:
            value = fn(*a, **kw)
        rows.append((label, p.seconds, p.extra_mb))
        return value

    store = part("load store", open_store, Settings(data=tuple(files)))
    shapes = part("load expectations", load_expectations)
    g = part("projection", to_networkx, store, as_of=day)
    out["organisations"] = sum(1 for _, d in g.nodes(data=True) if d.get("type") in ("organisation", "group", "other"))
    out["ties"] = g.number_of_edges()
    out["triples"] = len(store)
    part("node metrics", node_metrics, g, seed=0)
    part("network metrics", network_metrics, g)
    found = part("expectations", check_expectations, store, shapes, as_of=day, engine=args.engine)
    pes = pes_kinds(store)
    part("coverage", coverage, g, store, pes=pes)
    part("structure", structure, g)
    part("suggestions", suggest_ties, g, pes_kinds=pes, findings=found, top=10)
    out["findings"] = len(found)
    out["peak_rss_mb"] = psutil.Process(os.getpid()).memory_info().rss / 2**20
    return rows, out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", nargs="+", choices=DATASETS, default=["bundled", "voivodeship", "country"])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--as-of", default=None, help="date of the analysis (default: every tie)")
    p.add_argument("--engine", choices=("auto", "oxigraph", "pyshacl"), default="auto", help="expectations engine")
    p.add_argument("--synthetic-dir", type=Path, default=ROOT / "bench-data")
    args = p.parse_args(argv)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; as of: {args.as_of or 'every tie'}; engine: {args.engine}")
    failed = False
    for name in args.datasets:
        rows, info = bench(name, args)
        analysis = sum(s for label, s, _ in rows if not label.startswith("load store"))
        print(
            f"\n== {name}: {info['triples']:,} triples, {info['organisations']:,} organisations, {info['ties']:,} ties, {info['findings']:,} expectation findings"
        )
        print(f"  {'part':<20} {'time (s)':>9} {'peak +MB':>9}")
        for label, seconds, mb in rows:
            print(f"  {label:<20} {seconds:>9.3f} {mb:>9.1f}")
        budget = BUDGETS.get(name)
        verdict = "" if budget is None else (f"  (budget {budget:g} s: {'ok' if analysis < budget else 'OVER'})")
        failed |= budget is not None and analysis >= budget
        print(f"  {'analysis (no load)':<20} {analysis:>9.3f}{verdict}")
        print(f"  process RSS at the end: {info['peak_rss_mb']:.0f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
