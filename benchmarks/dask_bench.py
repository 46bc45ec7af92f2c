"""Articles per second on a Dask LocalCluster of 1 and of 2 worker processes, and the ratio.

    python benchmarks/dask_bench.py [--copies 2] [--partition-size 10] [--repeat 2] [--corpus FILE]

The corpus (../shared news_dev.jsonl, or a generated one) is repeated `copies` times
under new ids. The model is loaded on every worker before the clock starts, so the
figures are coding throughput; the one-off start-up is printed beside them. 1 and 2
workers run in alternating rounds and the best round of each counts, because other
processes on a small machine slow single rounds down.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from tacitus import dask_runner
from tacitus.coder import get_coder
from tacitus.ingest import read_inputs
from tacitus.records import Article
from tacitus.settings import DEFAULT_SETTINGS

SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared/data/corpus/news_dev.jsonl"
FALLBACK = [
    "Russian President Vladimir Putin met Chinese President Xi Jinping in Beijing on Monday.",
    "Iran accused Israel of attacking its nuclear facility in Natanz.",
    "The United States imposed new sanctions on North Korea on Tuesday.",
    "Ukraine's president called on NATO to provide more weapons.",
]


def write_corpus(source: Path | None, copies: int, folder: Path) -> Path:
    if source and source.exists():
        records = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line]
    else:
        records = [{"id": f"s{i}", "text": " ".join(FALLBACK * 20)} for i in range(60)]
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for copy in range(copies):
            for rec in records:
                fh.write(json.dumps({**rec, "id": f"{rec['id']}~{copy}"}) + "\n")
    return path


def measure(corpus: Path, workers: int, size: int, folder: Path) -> dict[str, float]:
    plan = dask_runner.plan_inputs([str(corpus)], partition_size=size)
    began = time.perf_counter()
    with dask_runner.dask_client(workers=workers) as client:
        dask_runner.warm_workers(client, DEFAULT_SETTINGS)
        ready = time.perf_counter()
        out = folder / f"out-{workers}"
        folder.mkdir(parents=True, exist_ok=True)
        cpu_before = sum(client.run(time.process_time).values())
        report = dask_runner.run_plan(client, plan, out=str(out), settings=DEFAULT_SETTINGS)
        cpu = sum(client.run(time.process_time).values()) - cpu_before
    if not report.ok:
        raise SystemExit(f"failed partitions: {report.failed}")
    return {
        "startup_s": ready - began,
        "seconds": report.seconds,
        "articles": report.articles,
        "events": report.events,
        "rate": report.articles / report.seconds,
        # Cores the workers got: below `workers` when other processes share the machine.
        "cores": cpu / report.seconds,
    }


def single_process(corpus: Path) -> dict[str, float]:
    """The same coding without Dask; like the runner, it survives an article the coder breaks on."""
    articles = [a for a in read_inputs([str(corpus)]) if isinstance(a, Article)]
    coder = get_coder(DEFAULT_SETTINGS)
    list(coder.code(articles[:1]))  # load the model outside the clock
    began, cpu_began = time.perf_counter(), time.process_time()
    coded = dask_runner.code_isolated(coder, articles)
    seconds = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    events = sum(len(c.events) for c in coded)
    return {
        "seconds": seconds,
        "articles": len(articles),
        "events": events,
        "rate": len(articles) / seconds,
        "cores": cpu / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--partition-size", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2, help="Rounds of 1 then 2 workers.")
    parser.add_argument("--corpus", type=Path, default=SHARED_CORPUS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = write_corpus(args.corpus, args.copies, folder)
        base = single_process(corpus)
        origin = args.corpus if args.corpus.exists() else "generated text"
        print(
            f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.1f}; "
            f"corpus: {origin} x{args.copies}, {base['articles']:.0f} articles, "
            f"partitions of {args.partition_size}; best of {args.repeat} rounds"
        )
        print(
            f"no Dask, 1 process : {base['rate']:7.1f} articles/s "
            f"({base['articles']:.0f} articles, {base['events']:.0f} events, "
            f"{base['seconds']:.1f} s; cores used {base['cores']:.2f}; "
            f"{base['rate'] / base['cores']:.1f} articles per CPU-second)"
        )
        best: dict[int, dict[str, float]] = {}
        for round_ in range(args.repeat):
            for n in (1, 2):  # interleaved, so that other load hits both alike
                r = measure(corpus, n, args.partition_size, folder / f"r{round_}")
                if n not in best or r["rate"] > best[n]["rate"]:
                    best[n] = r
        for n, r in best.items():
            print(
                f"Dask, {n} worker(s)  : {r['rate']:7.1f} articles/s "
                f"({r['articles']:.0f} articles, {r['events']:.0f} events, "
                f"{r['seconds']:.1f} s; cores used {r['cores']:.2f}; "
                f"{r['rate'] / r['cores']:.1f} articles per worker CPU-second; "
                f"start-up and model load {r['startup_s']:.1f} s)"
            )
        ratio = best[2]["rate"] / best[1]["rate"]
        print(f"ratio 2 workers / 1 worker: {ratio:.2f}x (goal >= 1.6x on 2 cores)")
        per_core = (best[2]["rate"] / best[2]["cores"]) / (best[1]["rate"] / best[1]["cores"])
        print(
            f"articles per worker CPU-second, 2 workers / 1 worker: {per_core:.2f} "
            f"(so about {2 * per_core:.2f}x on two cores the workers have to themselves)"
        )
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
