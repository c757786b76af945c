"""Write a synthetic partnership graph (Turtle) on the real GUS skeleton.

    python scripts/generate_synthetic.py --scale county --seed 1 --out bench-data/county.ttl

Scales: county (powiat starachowicki, ~10k triples), voivodeship
(Świętokrzyskie, ~100k), country (all 2,477 gminy, ~1M).  The same seed gives
a byte-identical file.  Bad input exits with code 2 and a message naming what
and where.  The logic lives in :mod:`graph.synthetic`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.synthetic import DEFAULT_TERC, SCALES, SyntheticError, write_synthetic  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", required=True, choices=SCALES)
    parser.add_argument("--seed", required=True, type=int)
    parser.add_argument("--out", required=True, type=Path, help="Turtle file to write (atomically)")
    parser.add_argument("--teryt", type=Path, default=DEFAULT_TERC, help="GUS TERC CSV (default: %(default)s)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        stats = write_synthetic(args.scale, seed=args.seed, out=args.out, teryt_path=args.teryt)
    except (SyntheticError, OSError) as exc:
        print(f"generate_synthetic: error: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote {args.out}: {stats.triples:,} triples ({stats.organisations:,} organisations, {stats.ties:,} ties, "
        f"{stats.memberships:,} memberships, {stats.gminy:,} gminy; scale={stats.scale}, seed={stats.seed}) "
        f"in {time.perf_counter() - started:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
