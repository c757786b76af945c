"""Median time of each catalogue question, side by side: plain pyoxigraph, the console path, the endpoint, plain rdflib.

    python scripts/bench_queries.py                       # bundled, voivodeship and country data
    python scripts/bench_queries.py --datasets bundled --repeat 3
    python scripts/bench_queries.py --rdflib-max country  # rdflib at 1M triples too (very slow)
    python scripts/bench_queries.py --server http://127.0.0.1:8890/sparql --graph https://w3id.org/es-pl/graph

With ``--server URL`` it measures a running SPARQL server instead (holding
the bundled data, in ``--graph`` if given): each question through the
remote store (HTTP, parsing, terms), the console path over it, and
``python -m graph serve`` in front of it, beside the embedded store on the
bundled files; answers that differ from the embedded store's are marked
``!=``.  Then the analysis over the server: projection, statistics, gaps.

For every dataset it loads the data once into an Oxigraph store, starts
``python -m graph serve`` over the same files, and for each question of
``graph/queries/`` (parameters: :func:`graph.views.console.example_values`) times:

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
from graph.guard import Limits, run_limited  # noqa: E402
from graph.library import load_library  # noqa: E402
from graph.model import PREFIXES  # noqa: E402
from graph.settings import DEFAULT_DATA, Settings  # noqa: E402
from graph.store import OxigraphStore, RdflibStore, open_store  # noqa: E402
from graph.terms import to_oxigraph  # noqa: E402
from graph.views.console import example_values  # noqa: E402

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


def _start_endpoint(files: list[Path], max_rows: int, extra: dict | None = None) -> tuple[str, subprocess.Popen]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPH_")}
    env.update({"GRAPH_QUERY_TIMEOUT": "600", "GRAPH_MAX_ROWS": str(max_rows), "GRAPH_DATA": os.pathsep.join(map(str, files))})
    env.update(extra or {})
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


def _table(header: list[str], lines: list[list[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in lines)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in lines:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)))


def _answer(result):
    if result.kind == "ASK":
        return result.boolean
    if result.kind == "GRAPH":
        return sorted(result.triples)
    return sorted(result.rows, key=repr)


def bench_server(args) -> None:
    """Each question, and the analysis, on a running SPARQL server (``--server``)."""
    from graph.analysis.gaps import gap_report
    from graph.analysis.projection import to_networkx
    from graph.analysis.stats import stats

    env = {"GRAPH_SPARQL_QUERY_URL": args.server}
    if args.graph:
        env["GRAPH_SPARQL_GRAPH"] = args.graph
    if args.server_max_rows:
        env["GRAPH_SPARQL_SERVER_MAX_ROWS"] = str(args.server_max_rows)
    remote = open_store(Settings.from_env(env))
    local = open_store(Settings())
    library = load_library()
    names = [n for n in library if not args.only or n in args.only]
    url, proc = _start_endpoint(list(DEFAULT_DATA), args.max_rows, env)
    limits = Limits(timeout_s=600, max_rows=args.max_rows)
    print(f"\n== server {args.server} (graph {args.graph or 'default'}): {len(remote):,} triples; "
          f"embedded: {len(local):,}; median of {args.repeat} runs, ms; ratios to the embedded store")
    lines = []
    try:
        for name in names:
            q = library[name]
            bindings = q.bind(example_values(local, q))
            answer = remote.query(q.text, bindings)
            same = "" if _answer(answer) == _answer(local.query(q.text, bindings)) else " !="
            rows = 1 if answer.kind == "ASK" else len(answer.rows or answer.triples)
            base = _median_ms(_plain_oxigraph(local.ox, q.text, bindings), args.repeat)
            server = _median_ms(lambda q=q, b=bindings: remote.query(q.text, b), args.repeat)
            console = _median_ms(lambda q=q, b=bindings: run_limited(remote, q.text, b, limits=limits), args.repeat)
            endpoint = _median_ms(_endpoint(url, q.text, bindings), args.repeat)
            lines.append([name, f"{rows}{same}", f"{base:.1f}", _ratio(server, base), _ratio(console, base), _ratio(endpoint, base)])
    finally:
        proc.terminate()
        proc.wait(30)
    _table(["question", "rows", "embedded", "server", "console", "endpoint"], lines)
    total = sum(float(r[3].split()[0]) for r in lines)
    print(f"all {len(lines)} questions on the server: {total:.0f} ms (sum of medians)")
    steps = [("projection", to_networkx), ("stats", stats), ("gaps (2020-01-01)", lambda s: gap_report(s, as_of="2020-01-01"))]
    analysis = [[label, f"{_median_ms(lambda f=f: f(local), args.repeat):.0f}", f"{_median_ms(lambda f=f: f(remote), args.repeat):.0f}"]
                for label, f in steps]
    _table(["analysis", "embedded ms", "server ms"], analysis)


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
    p.add_argument("--server", metavar="URL", help="measure this running SPARQL server (query URL; it holds the bundled data)")
    p.add_argument("--graph", metavar="IRI", help="with --server: the named graph holding the data (default-graph-uri)")
    p.add_argument("--server-max-rows", type=int, metavar="N", help="with --server: the server's own answer cap (Virtuoso's ResultSetMaxRows)")
    args = p.parse_args(argv)
    if args.server:
        bench_server(args)
        return 0
    args.synthetic_dir.mkdir(parents=True, exist_ok=True)
    for scale in args.datasets.split(","):
        if scale not in SCALES:
            p.error(f"unknown dataset {scale!r}")
        bench(scale, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
