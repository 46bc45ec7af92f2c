"""Query speed on a synthetic store of 1,000,000 merged events: trend and first events page.

    python benchmarks/make_synthetic_store.py /tmp/synthetic.db --events 1000000
    python benchmarks/store_bench.py /tmp/synthetic.db

Goals: `tacitus trend A B --by month` under 1 s; `tacitus events --dyad A B` first page
under 0.2 s. Both are measured as library calls (Store.trend, Store.events) and as whole
CLI commands (a fresh Python process each time, which adds the interpreter start-up).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tacitus.store import Store


def timed(fn: Callable[[], Any], repeat: int = 5) -> tuple[float, float, Any]:
    """(first call, median of the next ``repeat``) in seconds, and the last result."""
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return first, statistics.median(times), result


CLI_TIMED = """
import contextlib, io, sys, time
t0 = time.perf_counter()
from tacitus.cli import main
t1 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:], standalone_mode=False)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def cli(args: list[str], repeat: int = 3) -> tuple[float, float, float]:
    """Medians of: whole process wall time, import of the CLI, the command itself."""
    walls, imports, commands = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", CLI_TIMED, *args], check=True, capture_output=True, text=True
        )
        walls.append(time.perf_counter() - t0)
        imp, cmd = map(float, out.stdout.split())
        imports.append(imp)
        commands.append(cmd)
    return statistics.median(walls), statistics.median(imports), statistics.median(commands)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    args = parser.parse_args()
    db = str(args.db)
    with Store(db, readonly=True) as store:
        stats = store.stats()
        top = store.dyads(limit=40)
    busiest, typical = top[0], top[len(top) // 2]
    print(
        f"store: {stats['events']:,} merged events, {stats['mentions']:,} mentions, "
        f"{stats['articles']:,} articles ({args.db.stat().st_size / 1e9:.2f} GB)"
    )
    print(f"{'query':58} {'first':>8} {'median':>8}  goal")
    rows = []
    with Store(db, readonly=True) as store:
        for label, d in (("busiest", busiest), ("typical", typical)):
            a, b = d["source"], d["target"]
            first, med, res = timed(lambda a=a, b=b: store.trend(a, b, by="month"))
            n = sum(r["events"] for r in res)
            rows.append((f"Store.trend {a}->{b} by month ({label}, {n:,} events)", first, med, 1.0))
            first, med, _ = timed(lambda a=a, b=b: store.events(dyad=(a, b)))
            rows.append((f"Store.events dyad {a}<->{b} first page ({label})", first, med, 0.2))
            first, med, page = timed(lambda a=a, b=b: store.events(dyad=(a, b)))
            cursor = store.events(dyad=(a, b), limit=50)[1]
            first, med, _ = timed(lambda a=a, b=b, c=cursor: store.events(dyad=(a, b), cursor=c))
            rows.append((f"Store.events dyad {a}<->{b} second page ({label})", first, med, 0.2))
        first, med, _ = timed(lambda: store.events())
        rows.append(("Store.events all, first page", first, med, 0.2))
        first, med, _ = timed(lambda: store.events(actor=busiest["source"], type="ASSAULT"))
        rows.append((f"Store.events actor {busiest['source']} type ASSAULT", first, med, 0.2))
        first, med, _ = timed(lambda: store.dyads(actor=busiest["source"]), repeat=2)
        rows.append((f"Store.dyads actor {busiest['source']}", first, med, None))
        first, med, _ = timed(lambda: store.dyads(), repeat=2)
        rows.append(("Store.dyads, whole store", first, med, None))
        first, med, _ = timed(lambda: store.actors(), repeat=2)
        rows.append(("Store.actors, whole store", first, med, None))
    for label, first, med, goal in rows:
        verdict = f"< {goal} s {'ok' if med < goal else 'MISSED'}" if goal else "-"
        print(f"{label:58} {first:8.3f} {med:8.3f}  {verdict}")
    a, b = busiest["source"], busiest["target"]
    print("CLI, fresh process each time (median of 3): wall = Python start + import + command")
    for label, cli_args, goal in (
        (f"tacitus trend {a} {b} --by month", ["trend", a, b, "--db", db, "--format", "csv"], 1.0),
        (
            f"tacitus events --dyad {a} {b}",
            ["events", "--db", db, "--dyad", a, b, "--format", "jsonl"],
            0.2,
        ),
    ):
        wall, imp, cmd = cli(cli_args)
        print(
            f"  {label}: wall {wall:.3f} s, of which import {imp:.3f} s and the command "
            f"{cmd:.3f} s (goal < {goal} s: command {'ok' if cmd < goal else 'MISSED'}, "
            f"wall {'ok' if wall < goal else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
