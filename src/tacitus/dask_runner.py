"""Code a corpus on Dask: partitions of articles in, one Parquet file (export schema) out.

The client only reads the inputs to count their records and cut deterministic
partitions; it sends small descriptors (file, first record, last record, byte range)
and each worker reads its own records, codes them with the same coder as the single-machine
path (`get_coder(settings).code`, loaded once per worker process) and writes
``part-XXXXX.parquet`` atomically. A partition file that exists is done, so a re-run
resumes where a failed run stopped.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import glob
import json
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dask
import fsspec
import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from tacitus.coder import CodedArticle, get_coder
from tacitus.ingest.base import (
    MAX_TEXT_BYTES,
    Item,
    ReadProblem,
    decode_bytes,
    parse_date,
    read_bytes,
    read_jsonl_text,
)
from tacitus.ingest.formats import _GZIP_SUFFIXES, _JSONL_SUFFIXES, GZIP_MAGIC, gunzip
from tacitus.ingest.warc import looks_like_warc
from tacitus.records import Actor, Article, Event, Quote
from tacitus.schema import ARROW_SCHEMA, SCHEMA_VERSION, to_table
from tacitus.settings import DEFAULT_SETTINGS, Settings

__all__ = [
    "DaskRunError",
    "Partition",
    "PartitionResult",
    "Plan",
    "RunReport",
    "Segment",
    "code_isolated",
    "code_partition",
    "cut_partitions",
    "dask_client",
    "is_complete",
    "plan_inputs",
    "read_coded",
    "read_events",
    "read_partition",
    "run",
    "run_plan",
    "warm_workers",
]

MANIFEST = "_manifest.json"
SUCCESS = "_SUCCESS"
ARTICLES_DIR = "_articles"
PARTITION_KEY = b"tacitus_partition"
MAX_PROBLEMS = 1000  # per partition, so that a garbage file cannot flood the client
DEFAULT_PARTITION_SIZE = 200
DEFAULT_RETRIES = 2

# What the store needs of an article besides its events (its text decides re-coding).
ARTICLES_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("publisher", pa.string()),
        ("published", pa.string()),
        ("language", pa.string()),
        ("text_hash", pa.string()),
        ("text", pa.string()),
        ("problem", pa.string()),
        ("actors", pa.string()),
        ("quotes", pa.string()),
    ]
)


class DaskRunError(Exception):
    """The run cannot start (bad output folder, no input, a different earlier run)."""


@dataclass(frozen=True)
class Segment:
    """Records [start, stop) of one input; a record is a JSONL line, or a whole other file.

    For a plain UTF-8 JSONL file the planner also notes the bytes [byte_start, byte_stop)
    that hold these records and the line number where they begin, so that a worker reads
    only its share of the file.
    """

    path: str
    start: int
    stop: int
    byte_start: int | None = None
    byte_stop: int | None = None
    line: int = 1


@dataclass(frozen=True)
class Records:
    """An input's record count, and where the cuts between partitions fall in its bytes.

    `cuts` maps a record index to (byte offset, line number) of the line holding it;
    `size` is the file's length in bytes, None when its bytes cannot be cut (gzip,
    not valid UTF-8, not JSONL).
    """

    path: str
    count: int
    cuts: dict[int, tuple[int, int]] = dataclasses.field(default_factory=dict)
    size: int | None = None


@dataclass(frozen=True)
class Partition:
    """Partition k holds records [k*size, (k+1)*size) of the input stream."""

    index: int
    segments: tuple[Segment, ...]

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}"

    @property
    def filename(self) -> str:
        return f"{self.name}.parquet"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "segments": [[s.path, s.start, s.stop] for s in self.segments]}


@dataclass(frozen=True)
class Plan:
    """The partitions of a run, and the inputs that could not be opened at all."""

    partitions: tuple[Partition, ...]
    problems: tuple[ReadProblem, ...]
    partition_size: int


@dataclass(frozen=True)
class PartitionResult:
    """What one partition task did; small, so thousands fit on the client."""

    name: str
    articles: int
    events: int
    problems: tuple[str, ...]
    seconds: float
    worker: str
    skipped: bool = False


@dataclass(frozen=True)
class RunReport:
    """The outcome of a run: partitions written, skipped (already done) and failed."""

    out: str
    partitions: int
    done: tuple[PartitionResult, ...]
    failed: tuple[tuple[str, str], ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def articles(self) -> int:
        return sum(r.articles for r in self.done if not r.skipped)

    @property
    def events(self) -> int:
        return sum(r.events for r in self.done if not r.skipped)

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.done if r.skipped)

    @property
    def problems(self) -> list[str]:
        return [p for r in self.done if not r.skipped for p in r.problems]


Task = Callable[..., PartitionResult]
OnDone = Callable[[PartitionResult, int, int], None]  # (result, finished so far, to run)


# -- planning (client side) ----------------------------------------------------------------


def is_jsonl(path: str) -> bool:
    """Whether ingest reads this input as JSONL by its name (also when gzipped)."""
    name = path.lower()
    if name.endswith(_GZIP_SUFFIXES):
        name = name.rsplit(".", 1)[0]
    return name.endswith(_JSONL_SUFFIXES)


def jsonl_text(data: bytes, where: str) -> str | ReadProblem | None:
    """The text of a JSONL input as ingest.formats.read_bytes would decode it.

    None when ingest would read these bytes in another way (not named JSONL, or a WARC).
    """
    if not is_jsonl(where):
        return None
    if data.startswith(GZIP_MAGIC):
        inner = gunzip(data, where)
        if isinstance(inner, ReadProblem):
            return inner
        data = inner
    if not data.strip():
        return ReadProblem(where, "empty")
    if looks_like_warc(data):
        return None
    text, problem = decode_bytes(data)
    return text if text is not None else ReadProblem(where, problem or "unreadable")


def _is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Files from paths, folders, globs and fsspec URLs (s3://, gs://, ...), in a stable order."""
    for raw in inputs:
        if raw == "-":
            raise DaskRunError(
                "standard input cannot be split across Dask workers; save it to a file"
            )
        if _is_local(raw):
            yield from _expand_local(raw.removeprefix("file://"))
        else:
            yield from _expand_remote(raw)


def absolute(path: str) -> str:
    """A local path made absolute (workers may run elsewhere); URLs unchanged."""
    return os.path.abspath(path.removeprefix("file://")) if _is_local(path) else path


def _expand_local(raw: str) -> Iterator[str]:
    path = Path(raw)
    if glob.has_magic(raw):
        found = sorted(glob.glob(raw, recursive=True))
    elif path.is_dir():
        found = [str(c) for c in sorted(path.rglob("*")) if not c.name.startswith(".")]
    else:
        found = [raw]
    # Absolute, so that workers started elsewhere find the same file.
    yield from (absolute(f) for f in found if not Path(f).is_dir())


def _expand_remote(raw: str) -> Iterator[str]:
    fs, root = fsspec.core.url_to_fs(raw)
    if glob.has_magic(root):
        found = sorted(fs.glob(root))
    elif fs.isdir(root):
        found = sorted(fs.find(root))
    else:
        found = [root]
    for f in found:
        if not Path(f).name.startswith("."):
            yield fs.unstrip_protocol(f)


def _read_file(path: str) -> tuple[bytes | None, ReadProblem | None]:
    """The bytes of an input, or the same problem read_inputs reports for it."""
    fs, root = fsspec.core.url_to_fs(path)
    if not fs.exists(root):
        return None, ReadProblem(path, "no such file")
    if (fs.size(root) or 0) > MAX_TEXT_BYTES * 5:
        return None, ReadProblem(path, "file larger than 100 MB; split it")
    return fs.cat_file(root), None


def count_records(path: str, *, first_cut: int = 0, every: int = 0) -> Records:
    """How many records an input holds: JSONL lines, else 1 (the whole file).

    For a plain JSONL file, also where records first_cut, first_cut + every, ... begin.
    """
    if not is_jsonl(path):
        return Records(path, 1)
    data, problem = _read_file(path)
    text = jsonl_text(data, path) if data is not None else problem
    if not isinstance(text, str) or data is None:
        return Records(path, 1)
    if not every or data.startswith(GZIP_MAGIC) or not _round_trips(text, data):
        return Records(path, sum(1 for line in text.splitlines() if line.strip()))
    cuts: dict[int, tuple[int, int]] = {}
    count = offset = 0
    for lineno, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.strip():
            if count > 0 and (count - first_cut) % every == 0:
                cuts[count] = (offset, lineno)
            count += 1
        offset += len(line.encode("utf-8", "surrogatepass"))
    return Records(path, count, cuts, len(data))


def _round_trips(text: str, data: bytes) -> bool:
    # Byte offsets computed from the text are exact only if decoding replaced nothing.
    return "\ufffd" not in text or text.encode("utf-8", "surrogatepass") == data


def cut_partitions(
    counts: Iterable[Records | tuple[str, int]], *, size: int
) -> Iterator[Partition]:
    """Cut the record stream into partitions of `size` records (the last may be smaller)."""
    segments: list[Segment] = []
    room, index = size, 0
    for item in counts:
        records = Records(*item) if isinstance(item, tuple) else item
        pos = 0
        while pos < records.count:
            take = min(room, records.count - pos)
            segments.append(_segment(records, pos, pos + take))
            pos, room = pos + take, room - take
            if room == 0:
                yield Partition(index, tuple(segments))
                segments, room, index = [], size, index + 1
    if segments:
        yield Partition(index, tuple(segments))


def _segment(records: Records, start: int, stop: int) -> Segment:
    if records.size is None:
        return Segment(records.path, start, stop)
    byte_start, line = records.cuts[start] if start else (0, 1)
    byte_stop = records.cuts[stop][0] if stop < records.count else records.size
    return Segment(records.path, start, stop, byte_start, byte_stop, line)


def plan_inputs(inputs: Iterable[str], *, partition_size: int = DEFAULT_PARTITION_SIZE) -> Plan:
    """Read the inputs one at a time to count records; keep only the descriptors."""
    if partition_size < 1:
        raise DaskRunError("the partition size must be at least 1")
    problems: list[ReadProblem] = []
    counts: list[Records] = []
    position = 0  # records before this input in the whole stream
    for path in expand_inputs(inputs):
        fs, root = fsspec.core.url_to_fs(path)
        if not fs.exists(root):
            problems.append(ReadProblem(path, "no such file"))
            continue
        first_cut = -position % partition_size
        counts.append(count_records(path, first_cut=first_cut, every=partition_size))
        position += counts[-1].count
    partitions = tuple(cut_partitions(counts, size=partition_size))
    return Plan(partitions, tuple(problems), partition_size)


# -- one partition (worker side) -----------------------------------------------------------


def read_segment(segment: Segment, *, published: dt.date | None = None) -> Iterator[Item]:
    """The records of one segment, as the single-machine readers would yield them."""
    if segment.byte_start is not None and segment.byte_stop is not None:
        fs, root = fsspec.core.url_to_fs(segment.path)
        data = fs.cat_file(root, start=segment.byte_start, end=segment.byte_stop)
        text = data.decode("utf-8", errors="replace")
        count = segment.stop - segment.start
        yield from read_jsonl_text(text, segment.path, stop=count, first_line=segment.line)
        return
    data, problem = _read_file(segment.path)
    if problem is not None or data is None:
        yield problem or ReadProblem(segment.path, "unreadable")
        return
    text = jsonl_text(data, segment.path)
    if text is None:
        yield from read_bytes(data, segment.path, published=published)
    elif isinstance(text, ReadProblem):
        yield text
    else:
        yield from read_jsonl_text(text, segment.path, start=segment.start, stop=segment.stop)


def read_partition(
    partition: Partition, *, published: dt.date | None = None, problems: list[str] | None = None
) -> Iterator[Article]:
    """The articles of a partition; unreadable records are appended to `problems`."""
    for segment in partition.segments:
        for item in read_segment(segment, published=published):
            if isinstance(item, ReadProblem):
                if problems is not None:
                    problems.append(str(item))
                continue
            if published and item.published is None:
                item = dataclasses.replace(item, published=published)
            yield item


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _article_row(coded: CodedArticle) -> dict[str, Any]:
    row = coded.article.to_dict()
    row["text_hash"] = coded.article.text_hash
    row["problem"] = coded.problem
    row["actors"] = json.dumps([a.to_dict() for a in coded.actors], ensure_ascii=False)
    row["quotes"] = json.dumps([q.to_dict() for q in coded.quotes], ensure_ascii=False)
    return row


def code_partition(
    partition: Partition,
    *,
    out: str,
    settings: Settings = DEFAULT_SETTINGS,
    published: dt.date | None = None,
) -> PartitionResult:
    """Code one partition and write out/part-XXXXX.parquet; the Dask task."""
    began = time.perf_counter()
    fs, root = fsspec.core.url_to_fs(out)
    root = root.rstrip("/")
    target = f"{root}/{partition.filename}"
    if fs.exists(target):  # written by an attempt whose worker died before reporting
        return _result_from_file(fs, root, partition)
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    events: list[Event] = []
    articles = list(read_partition(partition, published=published, problems=problems))
    for coded in code_isolated(get_coder(settings), articles):
        rows.append(_article_row(coded))
        events.extend(coded.events)
        if coded.problem:
            problems.append(f"{coded.article.id}: {coded.problem}")
    problems = problems[:MAX_PROBLEMS]
    meta = {**partition.to_dict(), "articles": len(rows), "problems": problems}
    # Articles first: an events file that exists means its whole partition is written.
    fs.makedirs(f"{root}/{ARTICLES_DIR}", exist_ok=True)
    articles_table = pa.Table.from_pylist(rows, schema=ARTICLES_SCHEMA)
    _write_atomic(fs, f"{root}/{ARTICLES_DIR}/{partition.filename}", articles_table)
    _write_atomic(fs, target, _with_meta(to_table(events), meta))
    seconds = time.perf_counter() - began
    return PartitionResult(
        partition.name, len(rows), len(events), tuple(problems), seconds, _worker_name()
    )


def code_isolated(coder: Any, articles: list[Article]) -> list[CodedArticle]:
    """Code a batch; if the coder raises, code one article at a time and report the culprits.

    One article that breaks the coder then costs one article, not its whole partition
    (retrying the partition would fail the same way).
    """
    try:
        return list(coder.code(articles))
    except Exception:
        return [_code_one(coder, article) for article in articles]


def _code_one(coder: Any, article: Article) -> CodedArticle:
    try:
        return next(iter(coder.code([article])))
    except Exception as exc:
        problem = f"the coder failed on this article ({type(exc).__name__}: {exc})"
        return CodedArticle(article, (), (), (), problem)


def _with_meta(table: pa.Table, meta: dict[str, Any]) -> pa.Table:
    extra = {PARTITION_KEY: json.dumps(meta, ensure_ascii=False).encode("utf-8")}
    return table.replace_schema_metadata({**(ARROW_SCHEMA.metadata or {}), **extra})


def _write_atomic(fs: Any, target: str, table: pa.Table) -> None:
    """Write beside the target under a hidden temporary name, then rename over it."""
    if not isinstance(fs, LocalFileSystem):
        # Object stores make an object visible only once its upload completes.
        with fs.open(target, "wb") as fh:
            pq.write_table(table, fh)
        return
    folder, name = os.path.split(target)
    tmp = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)


def partition_meta(fs: Any, path: str) -> dict[str, Any]:
    """The partition descriptor, article count and problems stored in a part file."""
    with fs.open(path, "rb") as fh:
        meta = pq.read_schema(fh).metadata or {}
    raw = meta.get(PARTITION_KEY)
    return json.loads(raw) if raw else {}


def _result_from_file(fs: Any, root: str, partition: Partition) -> PartitionResult:
    path = f"{root}/{partition.filename}"
    meta = partition_meta(fs, path)
    with fs.open(path, "rb") as fh:
        rows = pq.ParquetFile(fh).metadata.num_rows
    problems = tuple(meta.get("problems", ()))
    articles = int(meta.get("articles", 0))
    return PartitionResult(partition.name, articles, rows, problems, 0.0, "", skipped=True)


# -- the run (client side) -----------------------------------------------------------------


def _manifest(plan: Plan, settings: Settings, published: dt.date | None) -> dict[str, Any]:
    return {
        "tacitus_schema": SCHEMA_VERSION,
        "settings": repr(settings),
        "published": published.isoformat() if published else None,
        "partition_size": plan.partition_size,
        "partitions": [p.to_dict() for p in plan.partitions],
    }


def _write_json(fs: Any, path: str, obj: dict[str, Any]) -> None:
    data = json.dumps(obj, ensure_ascii=False, indent=1).encode("utf-8")
    if isinstance(fs, LocalFileSystem):
        tmp = f"{path}.{uuid.uuid4().hex}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    else:
        fs.pipe_file(path, data)


def prepare_out(out: str, manifest: dict[str, Any]) -> None:
    """Create the output folder, or check that it holds results of the same plan."""
    fs, root = fsspec.core.url_to_fs(out)
    path = f"{root.rstrip('/')}/{MANIFEST}"
    if fs.exists(path):
        earlier = json.loads(fs.cat_file(path))
        if earlier != manifest:
            raise DaskRunError(
                f"{out} holds results of other inputs or settings ({MANIFEST} differs); "
                "use another --out folder"
            )
        return
    if fs.exists(root) and [p for p in fs.ls(root, detail=False) if not _hidden(p)]:
        raise DaskRunError(f"{out} is not empty and holds no {MANIFEST}; use another --out folder")
    fs.makedirs(root, exist_ok=True)
    _write_json(fs, path, manifest)


def _hidden(path: str) -> bool:
    return Path(path).name.startswith(".")


def portable(settings: Settings) -> Settings:
    """Settings whose dictionary paths are absolute, for workers started elsewhere."""
    return dataclasses.replace(
        settings,
        actor_files=tuple(p.resolve() for p in settings.actor_files),
        pattern_files=tuple(p.resolve() for p in settings.pattern_files),
    )


def warm_workers(client: Any, settings: Settings) -> None:
    """Load the coder on every worker now, in parallel (and fail early on bad dictionaries).

    Without it each worker loads the coder before its first partition all the same.
    """
    client.run(_load_coder, portable(settings))


WARM_UP = Article(
    id="tacitus-warm-up",
    text="On 3 May 2021 Russia's foreign minister met his Chinese counterpart in Moscow.",
    published=dt.date(2021, 5, 3),
)


def _load_coder(settings: Settings) -> None:
    # Coding one sentence also loads what the coder loads lazily (dates, places).
    list(get_coder(settings).code([WARM_UP]))


def run_plan(
    client: Any,
    plan: Plan,
    *,
    out: str,
    settings: Settings = DEFAULT_SETTINGS,
    published: dt.date | None = None,
    retries: int = DEFAULT_RETRIES,
    task: Task = code_partition,
    on_done: OnDone | None = None,
) -> RunReport:
    """Submit the partitions not yet written, gather their results, write _SUCCESS."""
    from distributed import as_completed

    began = time.perf_counter()
    out = absolute(out)
    settings = portable(settings)
    prepare_out(out, _manifest(plan, settings, published))
    fs, root = fsspec.core.url_to_fs(out)
    root = root.rstrip("/")
    done: list[PartitionResult] = []
    todo: list[Partition] = []
    for part in plan.partitions:
        target = f"{root}/{part.filename}"
        if fs.exists(target):
            done.append(_result_from_file(fs, root, part))
        else:
            todo.append(part)
    if todo and client is None:
        raise DaskRunError("partitions remain to be coded and there is no Dask client")
    run_id = uuid.uuid4().hex[:8]
    futures = {
        client.submit(
            task,
            part,
            out=out,
            settings=settings,
            published=published,
            key=f"tacitus-{part.name}-{run_id}",
            retries=retries,
            pure=False,
        ): part.name
        for part in todo
    }
    failed: list[tuple[str, str]] = []
    for finished, future in enumerate(as_completed(futures), start=1):
        if future.status == "finished":
            result = future.result()
            done.append(result)
            if on_done is not None:
                on_done(result, finished, len(todo))
        else:
            failed.append((futures[future], _error_text(future)))
        future.release()
    _remove_stale_temporaries(fs, root)
    report = RunReport(
        out,
        len(plan.partitions),
        tuple(sorted(done, key=lambda r: r.name)),
        tuple(sorted(failed)),
        time.perf_counter() - began,
    )
    if report.ok:
        summary = {
            "partitions": report.partitions,
            "articles": _total(done, "articles"),
            "events": _total(done, "events"),
        }
        _write_json(fs, f"{root}/{SUCCESS}", summary)
    return report


def _total(results: list[PartitionResult], attr: str) -> int:
    return sum(getattr(r, attr) for r in results)


def _error_text(future: Any) -> str:
    try:
        exc = future.exception()
    except Exception as err:  # the future itself was lost (cancelled, scheduler gone)
        exc = err
    return f"{type(exc).__name__}: {exc}"


def _remove_stale_temporaries(fs: Any, root: str) -> None:
    # Left by workers killed while writing; their partitions were retried elsewhere.
    if not isinstance(fs, LocalFileSystem):
        return
    for folder in (root, os.path.join(root, ARTICLES_DIR)):
        for path in glob.glob(os.path.join(folder, ".part-*.tmp")):
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)


@contextlib.contextmanager
def dask_client(*, scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A client of `scheduler`, or of a LocalCluster of `workers` single-threaded processes."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    with (
        dask.config.set({PRE_SPAWN: _environ_without_trim()}),
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            # No dashboard; its HTTP server on a free port, so that runs can overlap.
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


PRE_SPAWN = "distributed.nanny.pre-spawn-environ"


def _environ_without_trim() -> dict[str, Any]:
    # Dask sets MALLOC_TRIM_THRESHOLD_ in its workers to return memory to the system
    # sooner; it also turns off glibc's adaptive thresholds, and spaCy then codes about
    # 10% slower. A coding worker's memory stays flat, so keep glibc's defaults.
    environ: dict[str, Any] = dask.config.get(PRE_SPAWN, default={}) or {}
    return {k: v for k, v in environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}


def run(
    inputs: Iterable[str],
    *,
    out: str,
    settings: Settings = DEFAULT_SETTINGS,
    published: dt.date | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    retries: int = DEFAULT_RETRIES,
    on_done: OnDone | None = None,
) -> tuple[Plan, RunReport]:
    """Plan the inputs, code them on Dask into `out`, and report."""
    plan = plan_inputs(inputs, partition_size=partition_size)
    if not plan.partitions:
        raise DaskRunError("nothing to read in the inputs")
    options: dict[str, Any] = dict(
        out=out, settings=settings, published=published, retries=retries, on_done=on_done
    )
    if not pending(plan, out):  # a re-run of a finished run needs no cluster
        return plan, run_plan(None, plan, **options)
    with dask_client(scheduler=scheduler, workers=workers) as client:
        warm_workers(client, settings)
        return plan, run_plan(client, plan, **options)


def pending(plan: Plan, out: str) -> list[Partition]:
    """The partitions of a plan whose file is not yet in `out`."""
    fs, root = fsspec.core.url_to_fs(out)
    return [p for p in plan.partitions if not fs.exists(f"{root.rstrip('/')}/{p.filename}")]


# -- reading results back ------------------------------------------------------------------


def part_files(out: str) -> list[str]:
    """The finished partition files of an output folder, in order."""
    fs, root = fsspec.core.url_to_fs(out)
    return sorted(fs.glob(f"{root.rstrip('/')}/part-*.parquet"))


def is_complete(out: str) -> bool:
    """Whether a run finished every partition of its plan (it wrote _SUCCESS)."""
    fs, root = fsspec.core.url_to_fs(out)
    return bool(fs.exists(f"{root.rstrip('/')}/{SUCCESS}"))


def read_events(out: str) -> Iterator[Event]:
    """Every event of an output folder, rebuilt from the `record` column."""
    fs, _ = fsspec.core.url_to_fs(out)
    for path in part_files(out):
        yield from _events(fs, path)


def read_coded(out: str) -> Iterator[CodedArticle]:
    """CodedArticles rebuilt from an output folder, one partition in memory at a time."""
    fs, _ = fsspec.core.url_to_fs(out)
    for path in part_files(out):
        folder, name = path.rsplit("/", 1)
        by_article: dict[str, list[Event]] = {}
        for event in _events(fs, path):
            by_article.setdefault(event.article_id, []).append(event)
        articles = f"{folder}/{ARTICLES_DIR}/{name}"
        if not fs.exists(articles):  # events exported some other way: no text, no actors
            for article_id, events in by_article.items():
                yield CodedArticle(_article_from_events(article_id, events), tuple(events), (), ())
            continue
        for row in read_article_rows(fs, articles):
            yield _coded_from_row(row, tuple(by_article.get(row["id"], ())))


def _article_from_events(article_id: str, events: list[Event]) -> Article:
    first = events[0]
    return Article(
        id=article_id,
        text="",
        url=first.url,
        publisher=first.publisher,
        published=parse_date(first.published),
    )


def read_article_rows(fs: Any, path: str) -> list[dict[str, Any]]:
    with fs.open(path, "rb") as fh:
        rows: list[dict[str, Any]] = pq.read_table(fh).to_pylist()
    return rows


def _events(fs: Any, path: str) -> Iterator[Event]:
    with fs.open(path, "rb") as fh:
        records = pq.read_table(fh, columns=["record"]).column("record").to_pylist()
    for record in records:
        yield Event.from_dict(json.loads(record))


def _coded_from_row(row: dict[str, Any], events: tuple[Event, ...]) -> CodedArticle:
    article = Article(
        id=row["id"],
        text=row["text"] or "",
        title=row["title"],
        url=row["url"],
        publisher=row["publisher"],
        published=parse_date(row["published"]),
        language=row["language"],
    )
    actors = tuple(Actor.from_dict(a) for a in json.loads(row["actors"] or "[]"))
    quotes = tuple(_quote(article.id, q) for q in json.loads(row["quotes"] or "[]"))
    return CodedArticle(article, events, quotes, actors, row["problem"])


def _quote(article_id: str, d: dict[str, Any]) -> Quote:
    span = d.get("span") or (0, 0)
    speaker = d.get("speaker")
    return Quote(
        article_id=d.get("article_id") or article_id,
        text=d.get("text") or "",
        span=(int(span[0]), int(span[1])),
        speaker=Actor.from_dict(speaker) if speaker else None,
        attribution_text=d.get("attribution"),
    )
