"""Differential fuzzing of the query guard against Oxigraph, as long as you like (SECURITY T15).

    python scripts/fuzz_guard.py --examples 5000
    python scripts/fuzz_guard.py --examples 20000 --seed 7

Generates SPARQL texts with tests/fuzz_support.py (comments ended by LF, CR,
CRLF or escaped CR; strings with ``#`` and triple quotes; escaped keywords;
nested groups; hidden SERVICE, FROM and updates aimed at a listener on
127.0.0.1), checks each (the guard refuses it, or Oxigraph runs the checked
text without reaching the listener, with the guard's form and within the row
limit) and prints examples per second.  Exit code 1 with the smallest failing
text when one is found.  The suite runs 200 examples (tests/test_guard_fuzz.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--examples", type=int, default=1000, help="how many generated queries (default 1000)")
    p.add_argument("--seed", type=int, default=None, help="a seed for a repeatable run")
    args = p.parse_args(argv)

    from fuzz_support import Differential, queries
    from hypothesis import HealthCheck, given, seed, settings
    from sparql_servers import Listener

    listener = Listener()
    diff = Differential(listener)
    checked = 0

    @settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(queries(listener.url))
    def fuzz(text: str) -> None:
        nonlocal checked
        checked += 1
        diff.check(text)

    if args.seed is not None:
        fuzz = seed(args.seed)(fuzz)
    t0 = time.monotonic()
    try:
        fuzz()
        failed = False
    except AssertionError as exc:
        print(f"FOUND: {exc}", file=sys.stderr)
        failed = True
    finally:
        listener.close()
    took = time.monotonic() - t0
    c = diff.counts
    print(f"{checked} examples in {took:.1f} s: {checked / took:.1f} examples/s "
          f"(allowed {c['allowed']}, of which the engine refused {c['engine refused']}; refused {c['refused']}, "
          f"broken {c['broken']}); listener hits: {len(listener.hits)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
