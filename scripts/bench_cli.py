"""How fast the CLI starts: whole processes, timed against ``import rdflib``.

    python scripts/bench_cli.py              # 7 runs of each, medians
    python scripts/bench_cli.py --repeat 11

Times, on this machine and in one run, the median wall-clock time of

* ``python -c "import rdflib"`` (the floor: every command needs rdflib),
* ``python -m graph --help``,
* ``python -m graph stats`` on the bundled data,

and prints both ratios to the floor (targets: ``--help`` within 1.5x,
``stats`` within 2x).  The runs interleave, so a busy machine slows all
three alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "import rdflib": ["-c", "import rdflib"],
    "graph --help": ["-m", "graph", "--help"],
    "graph stats": ["-m", "graph", "stats"],
}
TARGETS = {"graph --help": 1.5, "graph stats": 2.0}


def _run(args: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRAPH_")}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: exit {proc.returncode}: {err.decode(errors='replace')[-500:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs of each command (median)")
    args = ap.parse_args(argv)
    times: dict[str, list[float]] = {name: [] for name in CASES}
    for cmd in CASES.values():  # warm the file cache and the .pyc files
        _run(cmd)
    for _ in range(args.repeat):
        for name, cmd in CASES.items():
            times[name].append(_run(cmd))
    floor = statistics.median(times["import rdflib"])
    print(f"{'command':<16} {'median s':>9} {'ratio':>6} {'target':>7}")
    for name in CASES:
        med = statistics.median(times[name])
        target = f"{TARGETS[name]:.1f}x" if name in TARGETS else ""
        print(f"{name:<16} {med:>9.3f} {med / floor:>5.2f}x {target:>7}")
    print(f"(median of {args.repeat} runs each, interleaved; python {sys.version.split()[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
