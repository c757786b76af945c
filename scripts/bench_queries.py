"""Median time of each catalogue question, side by side: plain pyoxigraph, the console path, the endpoint, plain rdflib.

    python scripts/bench_queries.py                       # bundled, voivodeship and country data
    python scripts/bench_queries.py --datasets bundled --repeat 3
    python scripts/bench_queries.py --rdflib-max country  # rdflib at 1M triples too (very slow)

For every dataset it loads the data once into an Oxigraph store, starts
``python -m graph serve`` over the same files, and for each question of
``graph/queries/`` (parameters: :func:`graph.console.example_values`) times:

* **pyoxigraph**: ``pyoxigraph.Store.query`` on the same store, every row read;
* **console**: :func:`graph.guard.run_limited` (guard, forked worker, rows to
  rdflib terms, back over a pipe; at most ``--max-rows`` rows);
* **endpoint**: an HTTP POST to the endpoint (guard, forked query worker, rows cut
  at ``--max-rows``, re-serialised as SPARQL JSON);
* **rdflib**: rdflib's own engine on an rdflib graph of the same files, in a
  worker stopped after ``--rdflib-budget`` seconds (shown as ``>N s``).

Synthetic data is generated (seed ``--seed``) into ``--synthetic-dir``
unless a file is already there.  Prints one table per dataset; ratios are to
plain pyoxigraph (target for the console path: within 2x).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
import requests  # noqa: E402

from graph.bind import inject_values  # noqa: E402
from graph.console import example_values  # noqa: E402
from graph.guard import Limits, run_limited  # noqa: E402
from graph.library import load_library  # noqa: E402
from graph.model import PREFIXES  # noqa: E402
from graph.settings import DEFAULT_DATA, Settings  # noqa: E402
from graph.store import OxigraphStore, RdflibStore, open_store  # noqa: E402
from graph.terms import to_oxigraph  # noqa: E402

SCALES = ("bundled", "county", "voivodeship", "country")


def _median_ms(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def _plain_oxigraph(store: ox.Store, text: str, bindings: dict):
    def run():
        subs = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        try:
            answer = store.query(text, prefixes=PREFIXES, substitutions=subs or None, use_default_graph_as_union=True)
        except RuntimeError:  # a bound variable outside the projection: bind with VALUES, as the store does
            answer = store.query(inject_values(text, bindings), prefixes=PREFIXES, use_default_graph_as_union=True)
        if isinstance(answer, ox.QueryBoolean):
            return 1
        return sum(1 for _ in answer)

    return run


def _endpoint(url: str, text: str, bindings: dict):
    body = {"query": inject_values(text, bindings)}
    session = requests.Session()

    def run():
        r = session.post(url, data=body, headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"}, timeout=600)
        r.raise_for_status()
        return len(r.content)

    return run


def _rdflib_child(files, jobs, repeat, conn):
    store = RdflibStore()
    store.load_files(files)
    for name, text, bindings in jobs:
        fn = lambda text=text, bindings=bindings: store.query(text, bindings)  # noqa: E731
        conn.send((name, _median_ms(fn, repeat)))
    conn.close()


def _rdflib_times(files, jobs, repeat: int, budget: float) -> dict[str, str]:
    """Median ms per question on rdflib, each question within ``budget`` s (then '>N s')."""
    out: dict[str, str] = {}
    todo = list(jobs)
    ctx = multiprocessing.get_context("fork")
    while todo:
        receive, send = ctx.Pipe(duplex=False)
        worker = ctx.Process(target=_rdflib_child, args=(files, todo, repeat, send), daemon=True)
        worker.start()
        send.close()
        first = True
        while todo:
            # loading the graph is not part of a question's budget
            wait = budget * (repeat + 1) + (600 if first else 0)
            if not receive.poll(wait):
                name = todo.pop(0)[0]
                out[name] = f">{budget:g} s"
                worker.kill()
                break
            try:
                name, ms = receive.recv()
            except EOFError:
                out[todo.pop(0)[0]] = "failed"
                break
            first = False
            out[name] = f"{ms:.1f}"
            todo = [j for j in todo if j[0] != name]
        worker.join(5)
    return out


def _start_endpoint(files: list[Path], max_rows: int) -> tuple[str, subprocess.Popen]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPH_")}
    env.update({"GRAPH_QUERY_TIMEOUT": "600", "GRAPH_MAX_ROWS": str(max_rows), "GRAPH_DATA": os.pathsep.join(map(str, files))})
    proc = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--port", str(port), "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/sparql"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return url, proc
        except requests.RequestException:
            if proc.poll() is not None:
                raise RuntimeError("the endpoint did not start") from None
            time.sleep(0.2)
    raise RuntimeError("the endpoint did not start within 600 s")


def _data_files(scale: str, folder: Path, seed: int) -> list[Path]:
    if scale == "bundled":
        return list(DEFAULT_DATA)
    from graph.synthetic import write_synthetic

    path = folder / f"synthetic-{scale}-{seed}.ttl"
    if not path.exists():
        write_synthetic(scale, seed=seed, out=path)
    return [path]


def _ratio(ms: float | str, base: float) -> str:
    if isinstance(ms, str):
        return ms
    return f"{ms:.1f} ({ms / base:.1f}x)" if base > 0 else f"{ms:.1f}"


def bench(scale: str, args) -> None:
    files = _data_files(scale, args.synthetic_dir, args.seed)
    settings = Settings(data=tuple(files))
    t0 = time.perf_counter()
    store = open_store(settings)
    assert isinstance(store, OxigraphStore)
    load_s = time.perf_counter() - t0
    library = load_library()
    names = [n for n in library if not args.only or n in args.only]
    jobs = []
    for name in names:
        q = library[name]
        jobs.append((name, q.text, q.bind(example_values(store, q))))
    url, proc = _start_endpoint(list(files), args.max_rows)
    limits = Limits(timeout_s=600, max_rows=args.max_rows)
    rdflib_on = SCALES.index(scale) <= SCALES.index(args.rdflib_max)
    rdflib = _rdflib_times(list(settings.files), jobs, args.repeat, args.rdflib_budget) if rdflib_on else {}
    print(f"\n== {scale}: {len(store):,} triples ({', '.join(p.name for p in files)}), Oxigraph load {load_s:.1f} s; "
          f"median of {args.repeat} runs, ms; ratios to plain pyoxigraph")
    header = ["question", "rows", "pyoxigraph", "console", "endpoint", "rdflib"]
    lines = []
    try:
        for name, text, bindings in jobs:
            rows = _plain_oxigraph(store.ox, text, bindings)()
            base = _median_ms(_plain_oxigraph(store.ox, text, bindings), args.repeat)
            console = _median_ms(lambda text=text, bindings=bindings: run_limited(store, text, bindings, limits=limits), args.repeat)
            endpoint = _median_ms(_endpoint(url, text, bindings), args.repeat)
            cut = "+" if rows > args.max_rows else ""
            rd = rdflib.get(name, "not run") if rdflib_on else "not run"
            rd = _ratio(float(rd), base) if rd.replace(".", "", 1).isdigit() else rd
            lines.append([name, f"{rows}{cut}", f"{base:.1f}", _ratio(console, base), _ratio(endpoint, base), rd])
    finally:
        proc.terminate()
        proc.wait(30)
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in lines:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)))
    ratios = [float(r[3].split("(")[1].rstrip("x)")) for r in lines if "(" in r[3]]
    if ratios:
        print(f"console/pyoxigraph: median {statistics.median(ratios):.1f}x, max {max(ratios):.1f}x"
              + ("" if rdflib_on else f"; rdflib not run at this scale (--rdflib-max {args.rdflib_max})"))
    if any(r[1].endswith("+") for r in lines):
        print(f"rows marked + exceed --max-rows {args.max_rows}: console and endpoint return the first {args.max_rows} only")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", default="bundled,voivodeship,country", help=f"comma-separated, of {', '.join(SCALES)}")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-rows", type=int, default=10_000)
    p.add_argument("--rdflib-max", choices=SCALES, default="voivodeship", help="largest scale rdflib runs on")
    p.add_argument("--rdflib-budget", type=float, default=60.0, help="seconds one rdflib question may take")
    p.add_argument("--synthetic-dir", type=Path, default=Path(tempfile.gettempdir()) / "graph-bench")
    p.add_argument("--only", nargs="+", metavar="QUESTION")
    args = p.parse_args(argv)
    args.synthetic_dir.mkdir(parents=True, exist_ok=True)
    for scale in args.datasets.split(","):
        if scale not in SCALES:
            p.error(f"unknown dataset {scale!r}")
        bench(scale, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
