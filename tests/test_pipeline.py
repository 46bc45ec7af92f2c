"""Parallel ingest: counts, incremental re-runs, problems, the real coder end to end."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus_factory import make_event
from tacitus.coder import CodedArticle
from tacitus.ingest import ReadProblem
from tacitus.pipeline import (
    IngestReport,
    Progress,
    code_chunk,
    estimate_total,
    ingest,
    reason_kind,
)
from tacitus.records import Article
from tacitus.store import Store


class FakeCoder:
    """Codes 'SRC TGT TYPE DATE' texts into one event; raises on 'BOOM'."""

    def code(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        for art in articles:
            if "BOOM" in art.text:
                raise RuntimeError("boom")
            src, tgt, kind, day = art.text.split()[:4]
            event = make_event(art.id, source=src, target=tgt, event=kind, date=day)
            yield CodedArticle(art, (event,), (), ())


def _art(ident: str, text: str = "IRN RUS CONSULT 2021-11-16", **kw: Any) -> Article:
    return Article(id=ident, text=text, publisher=kw.pop("publisher", ident), **kw)


def _run(store: Store, items: list[Any], **kw: Any) -> IngestReport:
    return ingest([], store, items=items, coder=FakeCoder(), jobs=1, **kw)  # type: ignore[arg-type]


def test_counts_problems_and_summary() -> None:
    problems: list[str] = []
    progress: list[Progress] = []
    items = [
        _art("a"),
        ReadProblem("feed.jsonl:2", "malformed JSON (Expecting value)"),
        _art("b", "RUS IRN CONSULT 2021-11-17"),
        ReadProblem("feed.jsonl:4", "no text"),
        _art("c", "BOOM"),
    ]
    with Store(":memory:") as store:
        report = _run(store, items, on_problem=problems.append, on_progress=progress.append)
        assert store.stats()["events"] == 1  # the two readouts merged
    assert (report.read, report.coded, report.failed, report.events) == (5, 2, 3, 2)
    assert report.merged_new == 1
    assert problems[0] == "feed.jsonl:2: malformed JSON (Expecting value)"
    assert any(p.startswith("c: coder error") for p in problems)
    assert dict(report.reasons) == {"malformed JSON": 1, "no text": 1, "coder error": 1}
    line = report.summary()
    assert "read 5, coded 2" in line and "failed 3 (" in line and "new merged events 1" in line
    assert progress and progress[-1].done == 5


def test_incremental_rerun_skips_and_replaces() -> None:
    with Store(":memory:") as store:
        first = _run(store, [_art("a"), _art("b")])
        again = _run(store, [_art("a"), _art("b")])
        changed = _run(store, [_art("a"), _art("b", "USA CHN ACCUSE 2022-01-01")])
        assert store.stats() == {
            "articles": 2,
            "mentions": 2,
            "events": 2,
            "first_date": "2021-11-16",
            "last_date": "2022-01-01",
        }
    assert first.coded == 2 and again.skipped == 2 and again.coded == 0
    assert changed.skipped == 1 and changed.coded == 1 and changed.replaced == 1


def test_same_article_twice_in_one_run_is_stored_once() -> None:
    with Store(":memory:") as store:
        report = _run(store, [_art("a"), _art("a")])
        assert store.stats()["articles"] == 1
    assert report.coded == 1 and report.skipped == 1


def test_code_chunk_isolates_the_failing_article() -> None:
    out = code_chunk([_art("a"), _art("x", "BOOM"), _art("b")], FakeCoder())  # type: ignore[arg-type]
    assert [c.problem is None for c in out] == [True, False, True]


def test_reason_kind() -> None:
    assert reason_kind("malformed JSON (Expecting value)") == "malformed JSON"
    assert reason_kind("coder error: RuntimeError('x')") == "coder error"


def test_estimate_total(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text('{"id": 1}\n\n{"id": 2}\n')
    (tmp_path / "b.txt").write_text("hello")
    assert estimate_total([str(tmp_path)]) == 3
    (tmp_path / "c.html").write_text("<html></html>")
    assert estimate_total([str(tmp_path)]) is None


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_parallel_ingest_with_real_workers(tmp_path: Path) -> None:
    rows = [
        {
            "id": f"n{i}",
            "text": f"President Putin spoke with President Raisi on day {i}.",
            "published": "2021-11-17",
        }
        for i in range(12)
    ]
    src = _jsonl(tmp_path / "in.jsonl", rows)
    with Store(tmp_path / "t.db") as store:
        report = ingest([str(src)], store, jobs=2, chunk_size=2)
        again = ingest([str(src)], store, jobs=2, chunk_size=2)  # starts no worker
        assert store.stats()["articles"] == 12
    assert report.coded == 12 and report.failed == 0
    assert again.skipped == 12 and again.coded == 0


def test_seed_from_two_publishers_merges_into_one_consult(shared_dir: Path, coder: Any) -> None:
    row = json.loads((shared_dir / "data/seed/article.jsonl").read_text().splitlines()[0])
    art = Article(
        id=row["id"],
        text=row["text"],
        title=row["title"],
        url=row["url"],
        publisher=row["publisher"],
        published=dt.date.fromisoformat(row["published"]),
    )
    twin = dataclasses.replace(art, id="other-" + art.id, publisher="Other Agency")
    with Store(":memory:") as store:
        ingest([], store, items=[art, twin], coder=coder, jobs=1)
        consults = [e for e in store.events(type="CONSULT", dyad=("IRN", "RUS"), limit=100)[0]]
        assert len(consults) == 1, consults
        merged = consults[0]
        assert merged["mentions"] == 2 and merged["publishers"] == 2
        assert merged["first_report"] == "2021-11-17"


def test_a_dead_worker_fails_its_chunks_and_the_ingest_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from collections import deque
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from tacitus import pipeline

    class DeadPool:
        def shutdown(self, **_: Any) -> None:
            pass

    monkeypatch.setattr(pipeline, "_new_pool", lambda jobs, settings: "fresh pool")
    broken: Future[list[CodedArticle]] = Future()
    broken.set_exception(BrokenProcessPool("a worker died"))
    pending: Future[list[CodedArticle]] = Future()
    problems: list[str] = []
    with Store(":memory:") as store:
        run = pipeline._Run(store, problems.append, None, None)
        in_flight = deque([([_art("a"), _art("b")], broken), ([_art("c")], pending)])
        pool = pipeline._store_next(run, in_flight, DeadPool(), 2, None)  # type: ignore[arg-type]
        report = run.result()
        assert store.stats()["articles"] == 0
    assert pool == "fresh pool" and not in_flight
    assert report.failed == 3 and dict(report.reasons) == {"worker process died": 3}


def test_a_broken_reader_costs_only_its_input(monkeypatch: pytest.MonkeyPatch) -> None:
    from tacitus import pipeline

    def fake_read(paths: list[str], **_: Any) -> Iterator[Any]:
        if paths == ["bad.html"]:
            raise ValueError("parser bug")
        yield _art(paths[0])

    monkeypatch.setattr(pipeline, "read_inputs", fake_read)
    problems: list[str] = []
    with Store(":memory:") as store:
        report = ingest(
            ["a", "bad.html", "b"],
            store,
            coder=FakeCoder(),
            jobs=1,
            on_problem=problems.append,  # type: ignore[arg-type]
        )
    assert report.coded == 2 and report.failed == 1
    assert problems == ["bad.html: reader error (ValueError('parser bug'))"]


def test_a_store_error_stops_with_a_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    def full(self: Store, batch: list[Any]) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    with Store(":memory:") as store:
        monkeypatch.setattr(Store, "_add_batch_unchecked", full)
        report = _run(store, [_art("a"), _art("b")])
    assert report.error == "cannot write to :memory:: database or disk is full"
    assert report.summary().startswith("stopped (cannot write to :memory:")
