"""Benchmark the tie survey on synthetic rounds (county and voivodeship size).

    python scripts/bench_survey.py [--scales county voivodeship] [--rate 0.6] [--runs 3]

For each scale the synthetic generator writes the data (marked synthetic),
a round invites every organisation, and synthetic answers are stored: a share
``--rate`` of the organisations answer, each naming most of its partners in
the data and two others, with random kinds, frequency and 1-4 scales.  Then
it prints the size of the round's files, the time to read it, to compute the status
(fresh lookups, median of ``--runs``) and to save one more answer (lock,
re-read, write back).  Nothing is asserted; the target is a status under 1 s
for 3,000 organisations.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _answers(ctx, data, rate: float, rng: random.Random) -> int:
    from graph.model import FREQUENCIES
    from graph.survey import Claim, Response

    orgs = sorted(ctx.organisations)
    partners: dict[str, set[str]] = {}
    for t in ctx.ties:
        partners.setdefault(t["from"], set()).add(t["to"])
        partners.setdefault(t["to"], set()).add(t["from"])
    kinds = sorted(ctx.tie_kinds)
    n = 0
    for org in orgs:
        if rng.random() > rate:
            continue
        named = {p for p in partners.get(org, ()) if p in ctx.organisations and rng.random() < 0.9}
        named |= {rng.choice(orgs) for _ in range(2)}
        named.discard(org)
        claims = [
            Claim(org, p, tuple(rng.sample(kinds, rng.randint(0, 2))), rng.choice(FREQUENCIES), rng.randint(1, 4), rng.randint(1, 4))
            for p in sorted(named)
        ]
        data.responses[org] = Response(
            org,
            "submitted",
            "[SYNT] Osoba",
            "[SYNT] stanowisko",
            saved="2026-05-01T10:00:00Z",
            submitted="2026-05-01T10:00:00Z",
            claims=claims,
        )
        n += len(claims)
    return n


def bench(scale: str, rate: float, runs: int, folder: Path) -> dict:
    from graph.edit.lookup import Context
    from graph.settings import Settings
    from graph.store import open_store
    from graph.survey import AnswerInput, PartnerAnswer, answers_dir, create_round, load, save_answer, status, update
    from graph.synthetic import generate

    data_file = folder / f"{scale}.ttl"
    data_file.write_text(generate(scale, seed=16), encoding="utf-8")
    store = open_store(Settings(data=(data_file,)))
    ctx = Context(store)
    path, _, tokens, _ = create_round(data_file, "bench", ctx, as_of="2026-04-30")
    rng = random.Random(16)
    claims = update(path, "bench", lambda d: _answers(ctx, d, rate, rng))
    size = path.stat().st_size + sum(f.stat().st_size for f in answers_dir(path).glob("*.ttl"))
    t = time.perf_counter()
    data = load(path, "bench", fresh=True)
    read_s = time.perf_counter() - t
    times, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        st = status(load(path, "bench", fresh=True), Context(store))
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    org = next(o for o in sorted(ctx.organisations) if o not in data.responses)
    other = next(o for o in sorted(ctx.organisations) if o != org)
    t = time.perf_counter()
    save_answer(
        path,
        "bench",
        org,
        AnswerInput("X", "Y", "", (PartnerAnswer(other, (), "regularly", 3, 3),)),
        submit=True,
        known_orgs=ctx.organisations,
        tie_kinds=ctx.tie_kinds,
    )
    save_s = time.perf_counter() - t
    return {
        "scale": scale,
        "organisations": st["invited"],
        "responded": st["responded"],
        "claims": claims,
        "ties": len(st["ties"]),
        "confirmed": st["network"]["confirmed_ties"],
        "file_mib": size / 2**20,
        "read_s": read_s,
        "status_s": statistics.median(times),
        "status_cpu_s": statistics.median(cpu),
        "save_s": save_s,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", nargs="+", default=["county", "voivodeship"], choices=("county", "voivodeship", "country"))
    p.add_argument("--rate", type=float, default=0.6, help="share of organisations that answer (default 0.6)")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    print(
        f"{'scale':<12} {'orgs':>6} {'answered':>8} {'claims':>7} {'ties':>6} {'confirmed':>9} {'file MiB':>8} {'read s':>7} {'status s':>8} {'CPU s':>6} {'save 1 s':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            r = bench(scale, args.rate, args.runs, Path(tmp))
            print(
                f"{r['scale']:<12} {r['organisations']:>6} {r['responded']:>8} {r['claims']:>7} {r['ties']:>6} {r['confirmed']:>9} "
                f"{r['file_mib']:>8.2f} {r['read_s']:>7.2f} {r['status_s']:>8.2f} {r['status_cpu_s']:>6.2f} {r['save_s']:>8.2f}"
            )
    print("read s: the round file parsed once (cold); status s: read again and the status computed with fresh lookups, median of the runs;")
    print("CPU s: the same in this process's CPU time (less sensitive to a busy machine); save 1 s: one more answer saved")
    print("(lock, re-read, check, write back atomically).  Load average now:", " ".join(f"{x:.1f}" for x in __import__("os").getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
