"""Benchmark the store backends side by side: load, library queries, projection.

    python scripts/bench.py [--scales county voivodeship country] [--runs 5]
                            [--rdflib-max-triples 200000] [--out-dir bench-data]

For the bundled data and each synthetic scale, and for each backend, a fresh
subprocess loads the data (time and peak RSS), runs every saved query of the
library (median of --runs) and the networkx projection; plain pyoxigraph
(its own bulk load and ``Store.query`` on the same text) is measured beside
it as the reference.  rdflib is skipped above --rdflib-max-triples (its parser
needs about 80 s and 1.1 GB at a million triples); pass a larger value to
measure it anyway.  Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _plain_oxigraph(store, text: str, bindings) -> list:
    """The reference: pyoxigraph's own query API, results drained, no conversion."""
    import pyoxigraph as ox

    from graph.bind import inject_values
    from graph.model import PREFIXES
    from graph.terms import to_oxigraph

    subs = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
    try:
        answer = store.query(text, prefixes=PREFIXES, substitutions=subs or None, use_default_graph_as_union=True)
    except RuntimeError:
        answer = store.query(inject_values(text, bindings), prefixes=PREFIXES, use_default_graph_as_union=True)
    return answer if isinstance(answer, ox.QueryBoolean) else list(answer)


def _median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(data: Path, backend: str, runs: int) -> dict:
    """Run in a fresh process: one dataset, one backend."""
    import pyoxigraph as ox

    from graph.analysis.projection import to_networkx
    from graph.library import load_library
    from graph.settings import Settings
    from graph.store import open_store

    settings = Settings(data=(data,), backend="oxigraph" if backend == "pyoxigraph" else backend)
    out: dict = {"backend": backend}
    t = time.perf_counter()
    if backend == "pyoxigraph":
        store = ox.Store()
        for f in settings.files:
            store.bulk_load(path=str(f))
        out["triples"] = len(store)
    else:
        store = open_store(settings)
        out["triples"] = len(store)
    out["load_s"] = time.perf_counter() - t
    out["peak_mb_after_load"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["queries"] = {}
    for name, q in load_library().items():
        # bind the defaults; required parameters get the first value a query can find
        try:
            bindings = q.bind({})
        except Exception:  # noqa: BLE001 - a required parameter with no default
            continue
        if backend == "pyoxigraph":
            fn = lambda q=q, b=bindings: _plain_oxigraph(store, q.text, b)  # noqa: E731
        else:
            fn = lambda q=q, b=bindings: store.query(q.text, b)  # noqa: E731
        out["queries"][name] = _median_time(fn, runs)
    if backend != "pyoxigraph":
        t = time.perf_counter()
        g = to_networkx(store)
        out["projection_s"] = time.perf_counter() - t
        out["nodes"], out["edges"] = g.number_of_nodes(), g.number_of_edges()
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _datasets(scales: list[str], out_dir: Path) -> list[tuple[str, Path]]:
    from graph.synthetic import write_synthetic

    sets = [("bundled", ROOT / "data" / "entities.ttl")]
    out_dir.mkdir(parents=True, exist_ok=True)
    for scale in scales:
        path = out_dir / f"synthetic-{scale}-seed1.ttl"
        if not path.exists():
            t = time.perf_counter()
            write_synthetic(scale, seed=1, out=path)
            print(f"generated {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        sets.append((scale, path))
    return sets


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", nargs="*", default=["county", "voivodeship", "country"])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rdflib-max-triples", type=int, default=200_000)
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench-data")
    ap.add_argument("--one", nargs=2, metavar=("DATA", "BACKEND"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(Path(args.one[0]), args.one[1], args.runs)))
        return 0
    rows = []
    for label, path in _datasets(args.scales, args.out_dir):
        results = {}
        for backend in ("pyoxigraph", "oxigraph", "rdflib"):
            if backend == "rdflib" and results.get("oxigraph", {}).get("triples", 0) > args.rdflib_max_triples:
                results[backend] = None
                continue
            proc = subprocess.run(
                [sys.executable, __file__, "--one", str(path), backend, "--runs", str(args.runs)],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                results[backend] = None
                continue
            results[backend] = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append((label, results))
        _print_dataset(label, results)
    return 0


def _fmt(x, unit="s") -> str:
    if x is None:
        return "skipped"
    return f"{x * 1000:.1f} ms" if unit == "s" and x < 1 else (f"{x:.2f} s" if unit == "s" else f"{x:.0f} MB")


def _print_dataset(label: str, r: dict) -> None:
    ref, ours, rdf = r.get("pyoxigraph"), r.get("oxigraph"), r.get("rdflib")
    n = (ours or ref or {}).get("triples", 0)
    print(f"\n## {label}: {n:,} triples")
    print(f"{'measure':<34} {'pyoxigraph (plain)':>20} {'oxigraph store':>16} {'rdflib store':>14}  ours/plain")
    def line(name, key, unit="s"):
        a = ref.get(key) if ref else None
        b = ours.get(key) if ours else None
        c = rdf.get(key) if rdf else None
        ratio = f"{b / a:.2f}x" if a and b else ""
        print(f"{name:<34} {_fmt(a, unit):>20} {_fmt(b, unit):>16} {_fmt(c, unit):>14}  {ratio}")
    line("load", "load_s")
    line("peak memory after load", "peak_mb_after_load", "MB")
    for q in sorted((ours or ref or {}).get("queries", {})):
        a = ref["queries"].get(q) if ref else None
        b = ours["queries"].get(q) if ours else None
        c = rdf["queries"].get(q) if rdf else None
        ratio = f"{b / a:.2f}x" if a and b else ""
        print(f"{'query ' + q:<34} {_fmt(a):>20} {_fmt(b):>16} {_fmt(c):>14}  {ratio}")
    if ours:
        print(f"{'projection to networkx':<34} {'':>20} {_fmt(ours.get('projection_s')):>16} {_fmt(rdf.get('projection_s') if rdf else None):>14}"
              f"  ({ours.get('nodes')} nodes, {ours.get('edges')} edges)")
        print(f"{'peak memory':<34} {_fmt(ref.get('peak_mb') if ref else None, 'MB'):>20} {_fmt(ours.get('peak_mb'), 'MB'):>16} "
              f"{_fmt(rdf.get('peak_mb') if rdf else None, 'MB'):>14}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
