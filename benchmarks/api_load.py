"""Load test of the HTTP API: N concurrent clients against `tacitus serve` on a large store.

    python benchmarks/api_load.py                       # 1M events, 50 clients, 60 s at most
    python benchmarks/api_load.py --clients 50 --requests 5000 --workers 2

Builds (or reuses) a synthetic store with benchmarks/make_synthetic_store.py, starts the
server as its own process on a free loopback port, runs the clients (asyncio + httpx) on
/api/events (a mix of filters and pages) and /api/trend, and prints p50/p90/p99 latency,
throughput and errors per endpoint. Goal: p99 < 200 ms at 50 clients, 0 errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
TOP = "USA CHN RUS IRN ISR UKR GBR FRA DEU IND PAK TUR SAU SYR IRQ AFG".split()  # noqa: SIM905
TYPES = "CONSULT AGREE SUPPORT ACCUSE THREATEN ASSAULT SANCTION AID".split()  # noqa: SIM905


def ensure_store(path: Path, events: int) -> None:
    if path.exists():
        print(f"reusing {path} ({path.stat().st_size / 1e9:.2f} GB)")
        return
    sys.path.insert(0, str(HERE))
    from make_synthetic_store import generate

    t0 = time.perf_counter()
    generate(path, events)
    print(f"built {path}: {events:,} events in {time.perf_counter() - t0:.0f} s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-c", "from tacitus.cli import main; main()"]
    cmd += ["serve", "--db", str(db), "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "TACITUS_TOKEN": ""}
    return subprocess.Popen(cmd, env=env)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children (uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def wait_ready(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit("the server did not start")


def request_mix(rng: random.Random) -> tuple[str, str]:
    """(label, path) of one request: mostly /api/events with filters, some /api/trend."""
    a, b = rng.sample(TOP[:8], 2)
    year = rng.randrange(2000, 2024)
    roll = rng.random()
    if roll < 0.30:
        return "trend", f"/api/trend?a={a}&b={b}&by={rng.choice(['month', 'year'])}"
    choices = [
        ("events", "/api/events"),
        ("events?actor", f"/api/events?actor={a}"),
        ("events?dyad", f"/api/events?dyad={a},{b}"),
        ("events?dyad+type", f"/api/events?dyad={a},{b}&type={rng.choice(TYPES)}"),
        ("events?type", f"/api/events?type={rng.choice(TYPES)}"),
        ("events?quad_class", f"/api/events?quad_class={rng.randrange(1, 5)}"),
        ("events?since/until", f"/api/events?since={year}-01-01&until={year}-03-31"),
        ("events?actor+year", f"/api/events?actor={a}&since={year}&until={year}"),
        ("events?q", "/api/events?q=assault"),
        ("events.csv", f"/api/events?dyad={a},{b}&format=csv&limit=200"),
    ]
    return rng.choice(choices)


async def run_clients(
    base: str, clients: int, total: int, seconds: float, seed: int
) -> tuple[dict[str, list[float]], dict[str, int], float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    reasons: Counter[str] = Counter()
    issued = 0
    deadline = time.monotonic() + seconds
    # Expire idle connections before uvicorn does (5 s), or a reused one may be closed under us.
    limits = httpx.Limits(
        max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=4
    )
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def one_client(k: int) -> None:
            nonlocal issued
            rng = random.Random(seed * 1000 + k)
            cursor: str | None = None
            while issued < total and time.monotonic() < deadline:
                issued += 1
                label, path = request_mix(rng)
                if cursor and rng.random() < 0.5:  # follow a next page now and then
                    label, path = "events?cursor", f"/api/events?cursor={cursor}"
                t0 = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                    why = f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    ok, response, why = False, None, type(exc).__name__
                latencies[label].append(time.perf_counter() - t0)
                if not ok:
                    errors[label] += 1
                    reasons[why] += 1
                elif response is not None and label == "events":
                    cursor = response.json().get("next_cursor")

        t0 = time.perf_counter()
        await asyncio.gather(*(one_client(k) for k in range(clients)))
        elapsed = time.perf_counter() - t0
    if reasons:
        print("errors:", dict(reasons))
    return latencies, errors, elapsed


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(latencies: dict[str, list[float]], errors: dict[str, int], elapsed: float) -> None:
    every = [v for vs in latencies.values() for v in vs]
    print(f"{'endpoint':<20}{'n':>7}{'err':>5}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max':>8}")
    for label in sorted(latencies):
        vs = latencies[label]
        print(
            f"{label:<20}{len(vs):>7}{errors.get(label, 0):>5}{pct(vs, 0.5):>9.1f}"
            f"{pct(vs, 0.9):>9.1f}{pct(vs, 0.99):>9.1f}{max(vs) * 1000:>8.0f}"
        )
    print(
        f"{'all':<20}{len(every):>7}{sum(errors.values()):>5}{pct(every, 0.5):>9.1f}"
        f"{pct(every, 0.9):>9.1f}{pct(every, 0.99):>9.1f}{max(every) * 1000:>8.0f}"
    )
    print(
        f"{len(every) / elapsed:.0f} requests/s over {elapsed:.1f} s; "
        f"mean {statistics.mean(every) * 1000:.1f} ms; errors {sum(errors.values())}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/tacitus-api-load.db"))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000, help="at most this many")
    parser.add_argument("--seconds", type=float, default=60, help="and at most this long")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--warmup", type=int, default=200, help="requests before measuring")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    ensure_store(args.db, args.events)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(args.db, port, args.workers)
    try:
        wait_ready(base)
        if args.warmup:
            asyncio.run(run_clients(base, min(args.clients, 10), args.warmup, 30, args.seed + 1))
        server_cpu = cpu_seconds(server.pid)
        client_cpu = time.process_time()
        latencies, errors, elapsed = asyncio.run(
            run_clients(base, args.clients, args.requests, args.seconds, args.seed)
        )
        server_cpu = cpu_seconds(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    print(
        f"{args.clients} clients, server workers {args.workers}, store {args.db.name}, "
        f"{os.cpu_count()} CPUs (clients and server share them)"
    )
    report(latencies, errors, elapsed)
    n = sum(len(v) for v in latencies.values())
    print(
        f"server CPU {server_cpu / n * 1000:.1f} ms/request ({server_cpu / elapsed:.2f} cores), "
        f"client CPU {client_cpu / n * 1000:.1f} ms/request ({client_cpu / elapsed:.2f} cores); "
        f"load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
