"""Time from opening the Network page to a drawn network, in a real browser.

    python scripts/bench_browser.py [--runs 3] [--only bundled,voivodeship,country]

For the bundled data, the synthetic voivodeship and the synthetic country
(grouped view), it starts ``streamlit run app.py`` on a free port, opens
``/network`` in Debian's chromium (``$CHROMIUM``, default /usr/bin/chromium)
and waits until vis-network has drawn (``#mynetwork[data-drawn]``).

* cold: the first open after the server starts (loads the store, projects,
  lays out, draws);
* warm: later opens in fresh tabs (what a coordinator sees once the app is
  up): the median of ``--runs``.

Targets (warm): 2 s, 3 s, 5 s.  Synthetic files are written to bench-data/
(seed 1) when missing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from harness import launch_chromium, streamlit_server  # noqa: E402  (shared with the browser tests)

DATASETS = {"bundled": (None, 2.0), "voivodeship": ("voivodeship", 3.0), "country": ("country", 5.0)}


def _data_file(scale: str | None) -> Path:
    if scale is None:
        return ROOT / "data" / "entities.ttl"
    path = ROOT / "bench-data" / f"{scale}.ttl"
    if not path.exists():
        from graph.synthetic import write_synthetic

        path.parent.mkdir(exist_ok=True)
        write_synthetic(scale, seed=1, out=path)
    return path


def _open_network(context, base: str, timeout_ms: int = 120_000) -> tuple[float, int, int]:
    page = context.new_page()
    started = time.perf_counter()
    page.goto(f"{base}/network")
    deadline = time.perf_counter() + timeout_ms / 1000
    while time.perf_counter() < deadline:
        for frame in page.frames:
            if frame is page.main_frame:
                continue
            el = frame.query_selector("#mynetwork[data-drawn='1']")
            if el is not None:
                elapsed = time.perf_counter() - started
                nodes, edges = int(el.get_attribute("data-nodes")), int(el.get_attribute("data-edges"))
                page.close()
                return elapsed, nodes, edges
        page.wait_for_timeout(20)
    page.close()
    raise RuntimeError("the network was not drawn in time")


def bench(name: str, scale: str | None, runs: int, browser) -> dict:
    data = _data_file(scale)
    with streamlit_server({"GRAPH_DATA": str(data)}) as base:
        context = browser.new_context(viewport={"width": 1500, "height": 1000})
        cold, nodes, edges = _open_network(context, base)
        warm = [_open_network(context, base)[0] for _ in range(runs)]
        context.close()
    return {
        "name": name,
        "file": data.name,
        "bytes": data.stat().st_size,
        "nodes": nodes,
        "edges": edges,
        "cold": cold,
        "warm": statistics.median(warm),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(DATASETS))
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = launch_chromium(p)
        for name in args.only.split(","):
            scale, target = DATASETS[name]
            row = bench(name, scale, args.runs, browser)
            row["target"] = target
            rows.append(row)
            print(f"  {name}: cold {row['cold']:.2f} s, warm {row['warm']:.2f} s", file=sys.stderr)
        browser.close()
    print(f"{'data':<12} {'file':<18} {'MB':>6} {'nodes drawn':>11} {'edges':>6} {'cold s':>7} {'warm s':>7} {'target':>7}  ok")
    for r in rows:
        ok = "yes" if r["warm"] <= r["target"] else "NO"
        print(
            f"{r['name']:<12} {r['file']:<18} {r['bytes'] / 1e6:>6.1f} {r['nodes']:>11} {r['edges']:>6} {r['cold']:>7.2f} {r['warm']:>7.2f} {r['target']:>7.1f}  {ok}"
        )
    return 0 if all(r["warm"] <= r["target"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
