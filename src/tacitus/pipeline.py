"""Parallel ingest: read inputs, skip what is stored, code in worker processes, store."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from tacitus.coder import CodedArticle, Coder, get_coder
from tacitus.ingest import ReadProblem, read_inputs
from tacitus.records import Article
from tacitus.settings import DEFAULT_SETTINGS, Settings
from tacitus.store import IngestStats, Store, StoreError

CHUNK_SIZE = 8
MAX_CHUNKS_PER_WORKER = 500


@dataclass(frozen=True)
class Progress:
    """Counts so far, passed to the progress callback after each stored chunk."""

    read: int
    coded: int
    skipped: int
    failed: int
    events: int
    elapsed: float
    total: int | None = None

    @property
    def done(self) -> int:
        return self.coded + self.skipped + self.failed


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did, for the summary line."""

    read: int = 0
    coded: int = 0
    skipped: int = 0
    replaced: int = 0
    failed: int = 0
    events: int = 0
    merged_new: int = 0
    seconds: float = 0.0
    reasons: tuple[tuple[str, int], ...] = field(default=())
    interrupted: bool = False
    error: str | None = None

    @property
    def rate(self) -> float:
        return self.coded / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        failed = f"failed {self.failed}"
        if self.reasons:
            failed += " (" + ", ".join(f"{r}: {n}" for r, n in self.reasons) + ")"
        replaced = f" ({self.replaced} replaced)" if self.replaced else ""
        stopped = "interrupted (re-run to go on): " if self.interrupted else ""
        if self.error:
            stopped = f"stopped ({self.error}): "
        return (
            f"{stopped}read {self.read}, coded {self.coded}{replaced}, skipped {self.skipped} "
            f"(already stored), {failed}, events {self.events}, new merged events "
            f"{self.merged_new} in {self.seconds:.1f} s ({self.rate:.1f} articles/s)"
        )


def reason_kind(reason: str) -> str:
    """The kind of a problem, without its details: 'malformed JSON (...)' -> 'malformed JSON'."""
    return reason.split(" (", 1)[0].split(":", 1)[0].strip() or "unknown"


def estimate_total(inputs: Iterable[str]) -> int | None:
    """The number of articles when cheap to know (JSONL lines, plain files), else None."""
    total = 0
    for raw in inputs:
        path = Path(raw)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            name = f.name.lower()
            if name.startswith(".") and path.is_dir():
                continue
            if name.endswith((".jsonl", ".ndjson")):
                try:
                    with f.open("rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    return None
            elif name.endswith((".txt", ".text")):
                total += 1
            else:
                return None
    return total


# -- worker side ---------------------------------------------------------------------------


class CoderLoadError(Exception):
    """The coder (model or dictionaries) could not be loaded."""


_WORKER_CODER: Coder | None = None
_WORKER_ERROR: str | None = None


def load_coder(settings: Settings) -> Coder:
    try:
        return get_coder(settings)
    except Exception as exc:  # noqa: BLE001 - reported to the user as one line
        raise CoderLoadError(f"cannot load the coder: {exc}") from None


def _exit_with_parent(parent: int) -> None:
    # An ingest killed with SIGKILL cannot stop its workers: they stop themselves.
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init_worker(settings: Settings) -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    # A raising initializer would break the pool: keep the error for later.
    global _WORKER_CODER, _WORKER_ERROR
    try:
        _WORKER_CODER = load_coder(settings)
    except CoderLoadError as exc:
        _WORKER_ERROR = str(exc)


def code_chunk(articles: list[Article], coder: Coder | None = None) -> list[CodedArticle]:
    """Code a chunk; an article the coder fails on becomes a CodedArticle with a problem."""
    if _WORKER_ERROR:
        raise CoderLoadError(_WORKER_ERROR)
    coder = coder or _WORKER_CODER or get_coder()
    try:
        return list(coder.code(articles))
    except Exception:  # noqa: BLE001 - retry one by one to find the article at fault
        out: list[CodedArticle] = []
        for art in articles:
            try:
                out.extend(coder.code([art]))
            except Exception as exc:  # noqa: BLE001 - a coder bug must not end the ingest
                out.append(CodedArticle(art, (), (), (), problem=f"coder error: {exc!r}"))
        return out


# -- parent side ---------------------------------------------------------------------------


class _Run:
    def __init__(
        self,
        store: Store,
        on_problem: Callable[[str], None] | None,
        on_progress: Callable[[Progress], None] | None,
        total: int | None,
    ) -> None:
        self.store = store
        self.on_problem = on_problem
        self.on_progress = on_progress
        self.total = total
        self.read = 0
        self.stats = IngestStats()
        self.reasons: Counter[str] = Counter()
        self.failed_reading = 0
        self.interrupted = False
        self.error: str | None = None
        self.start = time.perf_counter()

    def problem(self, where: str, reason: str) -> None:
        self.reasons[reason_kind(reason)] += 1
        if self.on_problem:
            self.on_problem(f"{where}: {reason}")

    def chunks(self, items: Iterable[Article | ReadProblem], size: int) -> Iterator[list[Article]]:
        """Chunks of articles not yet stored; problems are counted on the way."""
        pending: list[Article] = []
        for item in items:
            self.read += 1
            if isinstance(item, ReadProblem):
                self.failed_reading += 1
                self.problem(item.where, item.reason)
                continue
            pending.append(item)
            if len(pending) >= size * 4:
                yield from self._fresh(pending, size)
                pending = []
        if pending:
            yield from self._fresh(pending, size)

    def _fresh(self, articles: list[Article], size: int) -> Iterator[list[Article]]:
        known = self.store.known((a.id, a.text_hash) for a in articles)
        fresh = [a for a in articles if a.id not in known]
        skipped = len(articles) - len(fresh)
        if skipped:
            self.stats += IngestStats(skipped=skipped)
            self.report()
        for i in range(0, len(fresh), size):
            yield fresh[i : i + size]

    def store_chunk(self, coded: list[CodedArticle]) -> None:
        for item in coded:
            if item.problem:
                self.problem(item.article.id, item.problem)
        self.stats += self.store.add(coded)
        self.report()

    def report(self) -> None:
        if self.on_progress:
            s = self.stats
            self.on_progress(
                Progress(
                    read=self.read,
                    coded=s.coded,
                    skipped=s.skipped,
                    failed=s.failed + self.failed_reading,
                    events=s.events,
                    elapsed=time.perf_counter() - self.start,
                    total=self.total,
                )
            )

    def result(self) -> IngestReport:
        s = self.stats
        return IngestReport(
            read=self.read,
            coded=s.coded,
            skipped=s.skipped,
            replaced=s.replaced,
            failed=s.failed + self.failed_reading,
            events=s.events,
            merged_new=s.merged_new,
            seconds=time.perf_counter() - self.start,
            reasons=tuple(self.reasons.most_common()),
            interrupted=self.interrupted,
            error=self.error,
        )


def _warm_up(coder: Coder) -> None:
    """Code one sentence so that what the coder builds lazily is built before the fork."""
    sample = Article(id="warm-up", text="The French president met the German chancellor.")
    code_chunk([sample], coder)


def _new_pool(jobs: int, settings: Settings) -> ProcessPoolExecutor:
    if "fork" in mp.get_all_start_methods():
        # Load the coder once, here, and fork the workers: they share the loaded model
        # (copy-on-write) instead of each spending seconds loading its own. They never
        # touch the parent's SQLite connection.
        _warm_up(load_coder(settings))
        return ProcessPoolExecutor(
            jobs,
            mp_context=mp.get_context("fork"),
            initializer=_init_worker,
            initargs=(settings,),
        )
    # Elsewhere workers start clean and load the coder themselves; recycling them bounds
    # the growth of spaCy's string store over a long corpus.
    return ProcessPoolExecutor(
        jobs,
        mp_context=mp.get_context("spawn"),
        initializer=_init_worker,
        initargs=(settings,),
        max_tasks_per_child=MAX_CHUNKS_PER_WORKER,
    )


def _store_next(
    run: _Run,
    in_flight: deque[tuple[list[Article], Future[list[CodedArticle]]]],
    pool: ProcessPoolExecutor,
    jobs: int,
    settings: Settings,
) -> ProcessPoolExecutor:
    """Store the oldest chunk's result; if a worker died, fail its chunks and start anew."""
    chunk, future = in_flight.popleft()
    try:
        run.store_chunk(future.result())
        return pool
    except BrokenProcessPool:
        lost = [chunk] + [c for c, _ in in_flight]
        in_flight.clear()
        pool.shutdown(wait=False, cancel_futures=True)
        for articles in lost:  # not stored, so a re-run retries them
            run.store_chunk(
                [CodedArticle(a, (), (), (), problem="worker process died") for a in articles]
            )
        return _new_pool(jobs, settings)


def _read_safely(
    inputs: Iterable[str], published: dt.date | None
) -> Iterator[Article | ReadProblem]:
    """Read each input in turn; a reader that breaks costs the rest of its input only."""
    for path in inputs:
        try:
            yield from read_inputs([path], published=published)
        except Exception as exc:  # noqa: BLE001 - a reader bug must not end the ingest
            yield ReadProblem(path, f"reader error ({exc!r})")


def ingest(
    inputs: Iterable[str],
    store: Store,
    *,
    settings: Settings = DEFAULT_SETTINGS,
    jobs: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    published: dt.date | None = None,
    items: Iterable[Article | ReadProblem] | None = None,
    on_problem: Callable[[str], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    total: int | None = None,
    coder: Coder | None = None,
) -> IngestReport:
    """Code and store every new article of ``inputs`` (or of ``items``) with ``jobs`` processes.

    ``coder`` replaces the coder loaded from ``settings`` when coding in this process
    (jobs=1). Memory stays flat: articles are read lazily, at most a few chunks per worker are in
    flight, and only this process writes to the store.
    """
    run = _Run(store, on_problem, on_progress, total)
    source = items if items is not None else _read_safely(inputs, published)
    chunks = run.chunks(source, chunk_size)
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or coder is not None:
        coder = coder or load_coder(settings)
        try:
            for chunk in chunks:
                run.store_chunk(code_chunk(chunk, coder))
        except KeyboardInterrupt:
            run.interrupted = True
        except StoreError as exc:
            run.error = str(exc)
        return run.result()
    # Parent-side bounded pipeline (rather than Pool.imap, which reads its whole input in a
    # thread): the parent reads, filters and stores; at most 3 chunks per worker in flight.
    pool: ProcessPoolExecutor | None = None  # started on the first chunk to code
    in_flight: deque[tuple[list[Article], Future[list[CodedArticle]]]] = deque()
    try:
        for chunk in chunks:
            pool = pool or _new_pool(jobs, settings)
            in_flight.append((chunk, pool.submit(code_chunk, chunk)))
            while len(in_flight) >= jobs * 3:
                pool = _store_next(run, in_flight, pool, jobs, settings)
        while in_flight and pool is not None:
            pool = _store_next(run, in_flight, pool, jobs, settings)
    except KeyboardInterrupt:
        run.interrupted = True
    except StoreError as exc:
        run.error = str(exc)
    finally:
        if pool is not None:
            pool.shutdown(wait=not run.interrupted, cancel_futures=True)
    return run.result()
