"""The Dask runner: partitions, Parquet output, resuming, worker loss, store import."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import cloudpickle
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from corpus_factory import make_event
from tacitus import dask_runner
from tacitus.coder import CodedArticle, code_articles, code_text, get_coder
from tacitus.dask_runner import (
    ARTICLES_DIR,
    DaskRunError,
    Partition,
    Segment,
    code_partition,
    cut_partitions,
    plan_inputs,
    read_coded,
    read_events,
    read_partition,
    run_plan,
)
from tacitus.ingest import ReadProblem, read_inputs
from tacitus.records import Actor, Article, Quote
from tacitus.schema import ARROW_SCHEMA
from tacitus.settings import DEFAULT_SETTINGS

# Tasks defined here run in spawned worker processes, which cannot import this file.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

PROBE = "Russia's army attacked Ukraine on Monday, the Ukrainian government said."

SENTENCES = [
    "Russian President Vladimir Putin met Chinese President Xi Jinping in Beijing on Monday.",
    "Iran accused Israel of attacking its nuclear facility in Natanz.",
    "The United States imposed new sanctions on North Korea on Tuesday.",
    "French troops killed several militants in Mali, the army said.",
    "Germany and France signed an agreement on defence cooperation.",
    "Police arrested dozens of protesters in Minsk after the election.",
    "Ukraine's president called on NATO to provide more weapons.",
    "Turkey threatened to launch a new military operation in northern Syria.",
    "Japan's foreign minister spoke with his South Korean counterpart by phone.",
    "Rebels attacked a military base near Goma, killing ten soldiers.",
    "China criticised the United States over arms sales to Taiwan.",
    "The European Union pledged 500 million euros in aid to Ukraine.",
]


def write_corpus(folder: Path) -> list[str]:
    """A small corpus over three files, with a blank line and a broken record."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, sentence in enumerate(SENTENCES[:9]):
        rec = {"id": f"a{i}", "text": f"{sentence} {SENTENCES[(i + 3) % 12]}"}
        rec["published"] = "2022-03-0" + str(1 + i % 9)
        lines.append(json.dumps(rec))
        if i == 4:
            lines.extend(["", "{not json"])
    lines.append(json.dumps({"text": PROBE}))  # no id: the fallback id from the line number
    (folder / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "more.jsonl").write_text(
        "\n".join(json.dumps({"id": f"b{i}", "text": s}) for i, s in enumerate(SENTENCES[9:]))
        + "\n",
        encoding="utf-8",
    )
    (folder / "note.txt").write_text(" ".join(SENTENCES[::2]), encoding="utf-8")
    return [str(folder / "news.jsonl"), str(folder / "more.jsonl"), str(folder / "note.txt")]


def single_process(inputs: list[str]) -> list[Any]:
    """The events of the single-process run (code_articles) of the same inputs.

    Should the coder raise on some article, the runner codes that partition one article
    at a time (code_isolated); the reference then does the same over the whole corpus.
    """
    articles = [a for a in read_inputs(inputs) if isinstance(a, Article)]
    try:
        return list(code_articles(articles))
    except Exception:
        return [e for c in dask_runner.code_isolated(get_coder(), articles) for e in c.events]


def article_ids(out: Path) -> list[str]:
    return [
        row
        for path in sorted((out / ARTICLES_DIR).glob("part-*.parquet"))
        for row in pq.read_table(path, columns=["id"]).column("id").to_pylist()
    ]


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.rglob("*") if p.name.endswith(".tmp")]


def coder_finds_events() -> bool:
    return bool(code_text(PROBE))


# -- planning and reading, in process ------------------------------------------------------


def test_partitions_cut_the_record_stream_across_files() -> None:
    parts = list(cut_partitions([("x", 5), ("y", 1), ("z", 4)], size=4))
    assert [p.name for p in parts] == ["part-00000", "part-00001", "part-00002"]
    assert parts[0].segments == (Segment("x", 0, 4),)
    assert parts[1].segments == (Segment("x", 4, 5), Segment("y", 0, 1), Segment("z", 0, 2))
    assert parts[2].segments == (Segment("z", 2, 4),)
    assert parts == list(cut_partitions([("x", 5), ("y", 1), ("z", 4)], size=4))


def test_partitions_read_the_same_records_as_the_single_machine_reader(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in")
    expected = list(read_inputs([str(tmp_path / "in")]))
    assert len(expected) == 15
    for size in (1, 2, 3, 100):
        plan = plan_inputs([str(tmp_path / "in")], partition_size=size)
        assert len(plan.partitions) == -(-15 // size)
        problems: list[str] = []
        got = [a for p in plan.partitions for a in read_partition(p, problems=problems)]
        assert got == [a for a in expected if isinstance(a, Article)]
        assert problems == [str(p) for p in expected if isinstance(p, ReadProblem)]


def test_workers_read_only_their_bytes_of_a_jsonl_file(tmp_path: Path) -> None:
    recs = [
        json.dumps({"id": f"t{i}", "text": f"Ünïcode {s}"}, ensure_ascii=False)
        for i, s in enumerate(SENTENCES)
    ]
    recs[3] = json.dumps({"id": "t3", "text": "a\u2028b (raw line separator)"}, ensure_ascii=False)
    tricky = "\r\n".join(recs[:6]) + "\r\n\r\n  \n" + "\n".join(recs[6:]) + "\x1c{bad\n"
    (tmp_path / "a.jsonl").write_text(tricky, encoding="utf-8", newline="")
    (tmp_path / "b.jsonl").write_bytes(b'{"id": "x", "text": "caf\xe9"}\n' + recs[0].encode())
    for size in (1, 2, 3, 5, 100):
        plan = plan_inputs([str(tmp_path)], partition_size=size)
        ranged = [s for p in plan.partitions for s in p.segments if s.byte_start is not None]
        assert {Path(s.path).name for s in ranged} == {"a.jsonl"}  # b is not valid UTF-8
        bounds = [(s.byte_start, s.byte_stop) for s in ranged]
        assert bounds[0][0] == 0 and bounds[-1][1] == (tmp_path / "a.jsonl").stat().st_size
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:], strict=False))
        problems: list[str] = []
        got = [a for p in plan.partitions for a in read_partition(p, problems=problems)]
        expected = list(read_inputs([str(tmp_path)]))
        assert got == [a for a in expected if isinstance(a, Article)]
        assert problems == [str(p) for p in expected if isinstance(p, ReadProblem)]


def test_gzipped_jsonl_is_split_like_plain_jsonl(tmp_path: Path) -> None:
    import gzip

    lines = [json.dumps({"id": f"g{i}", "text": s}) for i, s in enumerate(SENTENCES)]
    data = gzip.compress(("\n".join(lines) + "\n").encode())
    (tmp_path / "g.jsonl.gz").write_bytes(data)
    (tmp_path / "zipped.jsonl").write_bytes(data)  # gzip content under a plain name
    (tmp_path / "page.html").write_text(f"<html><body><p>{SENTENCES[0]}</p></body></html>")
    inputs = [str(tmp_path)]
    plan = plan_inputs(inputs, partition_size=5)
    assert len(plan.partitions) == -(-(12 + 12 + 1) // 5)
    got = [a for p in plan.partitions for a in read_partition(p)]
    assert got == [a for a in read_inputs(inputs) if isinstance(a, Article)]


def test_globs_folders_and_missing_inputs(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in")
    by_glob = plan_inputs([str(tmp_path / "in" / "*.jsonl")], partition_size=100)
    assert {Path(s.path).name for p in by_glob.partitions for s in p.segments} == {
        "news.jsonl",
        "more.jsonl",
    }
    missing = plan_inputs([str(tmp_path / "nope.jsonl")], partition_size=10)
    assert missing.partitions == ()
    assert [p.reason for p in missing.problems] == ["no such file"]
    with pytest.raises(DaskRunError):
        plan_inputs(["-"])


def test_fsspec_urls_in_and_out(tmp_path: Path, fake_coder) -> None:
    import fsspec

    fs = fsspec.filesystem("memory")
    lines = [json.dumps({"id": f"m{i}", "text": s}) for i, s in enumerate(SENTENCES)]
    fs.pipe_file("/corpus/news.jsonl", ("\n".join(lines) + "\n").encode())
    fs.pipe_file("/corpus/.hidden.jsonl", b'{"id": "no", "text": "hidden"}\n')
    plan = plan_inputs(["memory://corpus/*.jsonl"], partition_size=5)
    paths = {s.path for p in plan.partitions for s in p.segments}
    assert len(plan.partitions) == 3 and paths == {"memory:///corpus/news.jsonl"}
    for part in plan.partitions:
        code_partition(part, out="memory://results")
    assert sorted(fs.ls("/results", detail=False))[-3:] == [
        "/results/part-00000.parquet",
        "/results/part-00001.parquet",
        "/results/part-00002.parquet",
    ]
    assert sorted(c.article.id for c in read_coded("memory://results")) == sorted(
        f"m{i}" for i in range(12)
    )
    from tacitus.cli import main

    args = ["store", "import-parquet", "memory://results", "--db", str(tmp_path / "t.db")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "12 articles stored" in result.output
    assert "unfinished run" in result.output  # no _SUCCESS: partitions were coded by hand
    fs.rm("/corpus", recursive=True)
    fs.rm("/results", recursive=True)


def test_published_fills_articles_without_a_date(tmp_path: Path) -> None:
    inputs = write_corpus(tmp_path / "in")
    plan = plan_inputs(inputs, partition_size=100)
    day = dt.date(2020, 1, 2)
    got = {a.id: a.published for p in plan.partitions for a in read_partition(p, published=day)}
    assert got["a0"] == dt.date(2022, 3, 1)
    assert got["b0"] == day


class FakeCoder:
    """Two events, an actor and a quote per article: the Parquet path without the model."""

    def code(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        for a in articles:
            events = (
                make_event(a.id, published=a.published.isoformat() if a.published else None),
                make_event(a.id, event="ACCUSE", sentence=1, source="USA", target="CHN"),
            )
            actor = Actor("Iran", (0, 4), "IRN", "GOV")
            quote = Quote(a.id, "We will talk", (5, 17), actor, "said")
            yield CodedArticle(a, events, (quote,), (actor,))


@pytest.fixture()
def fake_coder(monkeypatch: pytest.MonkeyPatch) -> FakeCoder:
    fake = FakeCoder()
    monkeypatch.setattr(dask_runner, "get_coder", lambda settings=None: fake)
    return fake


def test_a_partition_is_written_once_with_the_export_schema(tmp_path: Path, fake_coder) -> None:
    inputs = write_corpus(tmp_path / "in")
    plan = plan_inputs(inputs, partition_size=4)
    out = tmp_path / "out"
    out.mkdir()
    first = code_partition(plan.partitions[0], out=str(out))
    assert (first.articles, first.events, first.skipped) == (4, 8, False)
    table = pq.read_table(out / "part-00000.parquet")
    assert table.schema.remove_metadata() == ARROW_SCHEMA.remove_metadata()
    assert table.schema.metadata[b"tacitus_schema"] == b"1"
    again = code_partition(plan.partitions[0], out=str(out))
    assert again.skipped and (again.articles, again.events) == (4, 8)
    assert leftovers(out) == []


class BrittleCoder(FakeCoder):
    """Raises, as a coder bug would, when a batch holds article a3."""

    def code(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        for coded in super().code(articles):
            if coded.article.id == "a3":
                raise IndexError("span index out of range")
            yield coded


def test_an_article_that_breaks_the_coder_costs_only_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_runner, "get_coder", lambda settings=None: BrittleCoder())
    inputs = write_corpus(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    result = code_partition(plan_inputs(inputs, partition_size=4).partitions[0], out=str(out))
    assert (result.articles, result.events) == (4, 6)
    assert [p.split(":")[0] for p in result.problems] == ["a3"]
    assert "IndexError" in result.problems[0]
    assert {c.article.id: c.problem is not None for c in read_coded(str(out))} == {
        "a0": False,
        "a1": False,
        "a2": False,
        "a3": True,
    }


def test_parquet_round_trip_into_the_store_equals_direct_ingest(tmp_path: Path, fake_coder) -> None:
    store_mod = pytest.importorskip("tacitus.store")
    inputs = write_corpus(tmp_path / "in")
    plan = plan_inputs(inputs, partition_size=3)
    out = tmp_path / "out"
    out.mkdir()
    for part in plan.partitions:
        code_partition(part, out=str(out))
    articles = [a for a in read_inputs(inputs) if isinstance(a, Article)]
    direct = list(fake_coder.code(articles))
    back = list(read_coded(str(out)))
    assert sorted(back, key=lambda c: c.article.id) == sorted(direct, key=lambda c: c.article.id)
    assert sorted(e.id for e in read_events(str(out))) == sorted(
        e.id for c in direct for e in c.events
    )
    with store_mod.Store(":memory:") as a, store_mod.Store(":memory:") as b:
        a.add(direct)
        b.add(back)
        assert a.stats() == b.stats()
        for article_id in ("a0", "note"):
            one, two = a.article(article_id), b.article(article_id)
            assert one and two and one.pop("coded_at") and two.pop("coded_at")
            assert one == two
        assert b.add(read_coded(str(out))).skipped == len(direct)  # duplicates merged
    # Part files without their _articles twin: articles rebuilt from the event fields.
    for path in (out / ARTICLES_DIR).iterdir():
        path.unlink()
    bare = list(read_coded(str(out)))
    assert sorted(e.id for c in bare for e in c.events) == sorted(
        e.id for c in direct for e in c.events
    )
    assert {c.article.id for c in bare} == {c.article.id for c in direct}
    a0 = next(c.article for c in bare if c.article.id == "a0")
    assert a0.published == dt.date(2022, 3, 1) and a0.text == ""


def test_import_parquet_command(tmp_path: Path, fake_coder) -> None:
    pytest.importorskip("tacitus.store")
    from tacitus.cli import main

    inputs = write_corpus(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    for part in plan_inputs(inputs, partition_size=5).partitions:
        code_partition(part, out=str(out))
    db = tmp_path / "t.db"
    runner = CliRunner()
    result = runner.invoke(main, ["store", "import-parquet", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "14 articles stored (28 events" in result.output
    again = runner.invoke(main, ["store", "import-parquet", str(out), "--db", str(db)])
    assert "0 articles stored" in again.output and "14 unchanged" in again.output
    empty = runner.invoke(main, ["store", "import-parquet", str(tmp_path), "--db", str(db)])
    assert empty.exit_code != 0


def test_an_output_folder_of_another_run_is_refused(tmp_path: Path) -> None:
    inputs = write_corpus(tmp_path / "in")
    out = tmp_path / "out"
    first = dask_runner._manifest(plan_inputs(inputs, partition_size=3), DEFAULT_SETTINGS, None)
    dask_runner.prepare_out(str(out), first)
    dask_runner.prepare_out(str(out), first)  # the same plan resumes
    other = dask_runner._manifest(plan_inputs(inputs, partition_size=4), DEFAULT_SETTINGS, None)
    with pytest.raises(DaskRunError, match="other inputs"):
        dask_runner.prepare_out(str(out), other)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.csv").write_text("x")
    with pytest.raises(DaskRunError, match="not empty"):
        dask_runner.prepare_out(str(tmp_path / "full"), first)


def test_code_command_needs_an_output_folder(tmp_path: Path) -> None:
    from tacitus.cli import main

    inputs = write_corpus(tmp_path / "in")
    result = CliRunner().invoke(main, ["code", inputs[0], "--engine", "dask"])
    assert result.exit_code != 0 and "--out" in result.output


# -- on a LocalCluster of two worker processes ---------------------------------------------

cluster = pytest.mark.cluster


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_runner.dask_client(workers=2) as c:
        yield c


def _coder_loads() -> int:
    return get_coder.cache_info().misses


def _run(client: Any, inputs: list[str], out: Path, *, size: int, **kw: Any) -> Any:
    plan = plan_inputs(inputs, partition_size=size)
    dask_runner.warm_workers(client, DEFAULT_SETTINGS)
    return plan, run_plan(client, plan, out=str(out), **kw)


def check_output(out: Path, expected: list[Any], inputs: list[str], plan: Any) -> None:
    events = list(read_events(str(out)))
    assert Counter(e.id for e in events) == Counter(e.id for e in expected)
    ids = article_ids(out)
    want = [a.id for a in read_inputs(inputs) if isinstance(a, Article)]
    assert sorted(ids) == sorted(want)  # every article once, none twice
    assert len(list(out.glob("part-*.parquet"))) == len(plan.partitions)
    assert (out / "_SUCCESS").exists() and leftovers(out) == []


@cluster
def test_cluster_run_equals_the_single_process_run(tmp_path: Path, client: Any) -> None:
    inputs = write_corpus(tmp_path / "in")
    expected = single_process(inputs)
    if coder_finds_events():
        assert expected, "the coder finds events in the probe but none in the test corpus"
    before = client.run(_coder_loads)
    plan, report = _run(client, inputs, tmp_path / "out", size=3)
    assert report.ok and report.partitions == len(plan.partitions) == 5
    assert report.articles == 14 and report.events == len(expected)
    check_output(tmp_path / "out", expected, inputs, plan)
    # The model is loaded once per worker process, not once per partition (5 here).
    after = client.run(_coder_loads)
    assert all(1 <= after[w] <= before[w] + 1 for w in after)
    assert os.getpid() not in {int(r.worker.split(":")[1]) for r in report.done}
    # A re-run skips every partition already written.
    _, again = _run(client, inputs, tmp_path / "out", size=3)
    assert again.ok and again.skipped == 5 and again.articles == 0


@cluster
@pytest.mark.shared
def test_cluster_run_on_the_dev_corpus(shared_dir: Path, tmp_path: Path, client: Any) -> None:
    inputs = [str(shared_dir / "data" / "corpus" / "news_dev.jsonl")]
    expected = single_process(inputs)
    if coder_finds_events():
        assert expected
    plan, report = _run(client, inputs, tmp_path / "out", size=16)
    assert report.ok and report.articles == 120 and len(plan.partitions) == 8
    check_output(tmp_path / "out", expected, inputs, plan)


def failing_task(partition: Partition, *, attempts: str, **kw: Any) -> Any:
    """Partition 0 raises on every attempt, as a bad file would."""
    if partition.index == 0:
        with open(attempts, "a") as fh:
            fh.write("x")
        raise OSError("cannot read bad.jsonl")
    return code_partition(partition, **kw)


@cluster
def test_a_failing_partition_is_retried_reported_and_resumed(tmp_path: Path, client: Any) -> None:
    inputs = write_corpus(tmp_path / "in")
    out = tmp_path / "out"
    attempts = tmp_path / "attempts"
    task = functools.partial(failing_task, attempts=str(attempts))
    plan, report = _run(client, inputs, out, size=3, task=task)
    assert [name for name, _ in report.failed] == ["part-00000"]
    assert "cannot read bad.jsonl" in report.failed[0][1]
    assert attempts.read_text() == "xxx"  # the first try and two retries
    assert not (out / "_SUCCESS").exists() and not (out / "part-00000.parquet").exists()
    assert len(report.done) == len(plan.partitions) - 1
    _, again = _run(client, inputs, out, size=3)
    assert again.ok and again.skipped == len(plan.partitions) - 1
    check_output(out, single_process(inputs), inputs, plan)


@cluster
def test_code_command_with_the_dask_engine(tmp_path: Path, client: Any) -> None:
    from tacitus.cli import main

    inputs = write_corpus(tmp_path / "in")
    out = tmp_path / "out"
    address = client.scheduler.address
    args = ["code", *inputs, "--engine", "dask", "--scheduler", address, "--partition-size", "4"]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "14 articles" in result.output and "4 partitions written" in result.output
    assert "[4/4] part-0000" in result.output
    assert "malformed JSON" in result.output  # the broken record is reported
    assert sorted(article_ids(out)) == sorted(
        a.id for a in read_inputs(inputs) if isinstance(a, Article)
    )
    again = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert again.exit_code == 0 and "4 already done" in again.output


@cluster
def test_bad_dictionaries_stop_the_run_before_it_starts(tmp_path: Path, client: Any) -> None:
    from tacitus.cli import main

    inputs = write_corpus(tmp_path / "in")
    bad = tmp_path / "bad.yaml"
    bad.write_text("patterns:\n  - nonsense: 1\n")
    args = ["code", inputs[1], "--engine", "dask", "--scheduler", client.scheduler.address]
    result = CliRunner().invoke(main, [*args, "--patterns", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "bad.yaml" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


def dying_task(partition: Partition, *, flag: str, **kw: Any) -> Any:
    """Kill this worker process the first time partition 1 runs, halfway through writing."""
    marker = Path(flag)
    if partition.index == 1 and not marker.exists():
        marker.write_text(str(os.getpid()))
        half = Path(kw["out"]) / f".{partition.filename}.killed.tmp"
        half.write_bytes(b"PAR1 half a file")
        os._exit(1)
    return code_partition(partition, **kw)


@cluster
def test_a_killed_worker_loses_nothing_and_duplicates_nothing(tmp_path: Path, client: Any) -> None:
    inputs = write_corpus(tmp_path / "in")
    expected = single_process(inputs)
    flag = tmp_path / "killed"
    task = functools.partial(dying_task, flag=str(flag))
    plan, report = _run(client, inputs, tmp_path / "out", size=2, task=task)
    killed = int(flag.read_text())
    assert report.ok, report.failed
    assert str(killed) not in {
        r.worker.split(":")[1] for r in report.done if r.name == "part-00001"
    }
    check_output(tmp_path / "out", expected, inputs, plan)


def test_the_cluster_commands_are_documented() -> None:
    from tacitus.cli import main

    doc = (Path(__file__).resolve().parents[1] / "docs" / "cluster.md").read_text()
    store = main.commands["store"]
    assert "import-parquet" in store.commands  # type: ignore[attr-defined]
    for usage in ("tacitus store import-parquet", "--engine dask", "--scheduler", "--workers"):
        assert usage in doc, usage


def test_public_names() -> None:
    assert all(hasattr(dask_runner, name) for name in dask_runner.__all__)
