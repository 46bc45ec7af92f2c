"""The SQLite store: batches, incremental re-runs, merging, queries, crash safety."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus_factory import make_coded, make_event
from tacitus.records import Actor, Location, Quote
from tacitus.store import IngestStats, Store, StoreError, decode_cursor, encode_cursor


@pytest.fixture()
def store() -> Store:
    with Store(":memory:") as s:
        yield s


def test_creates_schema_and_records_migrations(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with Store(path) as s:
        assert s.migrations() == ["0001_initial", "0002_query_indexes", "0003_target_covering"]
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as s:  # reopening does not re-run migrations
        assert s.migrations() == ["0001_initial", "0002_query_indexes", "0003_target_covering"]
    plain = sqlite3.connect(path)
    tables = {r[0] for r in plain.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "mentions", "merged_events", "actors", "quotes", "migrations"} <= tables
    plain.close()


def test_readonly_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.db", readonly=True)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("hello, this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(bad)


def test_add_counts_and_stats(store: Store) -> None:
    stats = store.add([make_coded("a1"), make_coded("a2", problem="too long")])
    assert stats == IngestStats(coded=1, failed=1, events=1, merged_new=1)
    assert store.stats() == {
        "articles": 1,
        "mentions": 1,
        "events": 1,
        "first_date": "2021-11-16",
        "last_date": "2021-11-16",
    }


def test_same_id_and_text_is_skipped(store: Store) -> None:
    store.add([make_coded("a1")])
    stats = store.add([make_coded("a1")])
    assert stats.skipped == 1 and stats.coded == 0
    assert store.stats()["mentions"] == 1
    assert store.known([("a1", make_coded("a1").article.text_hash), ("a2", "x")]) == {"a1"}


def test_changed_text_replaces_old_events(store: Store) -> None:
    store.add([make_coded("a1", events=[make_event("a1", event="ACCUSE")])])
    stats = store.add(
        [make_coded("a1", text="New text.", events=[make_event("a1", event="AGREE")])]
    )
    assert stats.replaced == 1 and stats.coded == 1
    page, _ = store.events()
    assert [e["event"] for e in page] == ["AGREE"]
    assert store.stats()["events"] == 1 and store.stats()["articles"] == 1


def test_two_publishers_merge_into_one_event(store: Store) -> None:
    # The Iranian and the Russian readout of one call: opposite directions, a day apart.
    tehran = make_coded(
        "tehran",
        publisher="Tehran Times",
        events=[make_event("tehran", source="IRN", target="RUS")],
    )
    kremlin = make_coded(
        "kremlin",
        publisher="Kremlin",
        events=[make_event("kremlin", source="RUS", target="IRN", date="2021-11-17")],
    )
    stats = store.add([tehran, kremlin])
    assert stats.events == 2 and stats.merged_new == 1
    (merged,), _ = store.events()
    assert merged["event"] == "CONSULT"
    assert merged["mentions"] == 2 and merged["publishers"] == 2
    assert merged["date"] == "2021-11-16"
    assert merged["first_report"] == merged["last_report"] == "2021-11-17"
    assert sorted(merged["mention_ids"]) == sorted([tehran.events[0].id, kremlin.events[0].id])
    detail = store.event(merged["id"])
    assert detail is not None and len(detail["mentions"]) == 2
    assert detail["mention_count"] == 2


def test_no_merge_outside_window_or_other_dyad_or_place(store: Store) -> None:
    paris = Location("Paris", "FRA", None, None, None)
    rome = Location("Rome", "ITA", None, None, None)
    store.add(
        [
            make_coded("a", events=[make_event("a", event="ACCUSE", location=paris)]),
            make_coded("b", events=[make_event("b", event="ACCUSE", date="2021-11-25")]),
            make_coded("c", events=[make_event("c", event="ACCUSE", target="USA")]),
            make_coded("d", events=[make_event("d", event="ACCUSE", location=rome)]),
            # directed type: reversed dyad is another event
            make_coded("e", events=[make_event("e", event="ACCUSE", source="RUS", target="IRN")]),
            # same day, no place: compatible with Paris
            make_coded("f", events=[make_event("f", event="ACCUSE")]),
        ]
    )
    assert store.stats()["events"] == 5
    counts = sorted(e["mentions"] for e in store.events()[0])
    assert counts == [1, 1, 1, 1, 2]


def test_undated_mentions_never_merge(store: Store) -> None:
    store.add(
        [
            make_coded("a", published=None, events=[make_event("a", date=None)]),
            make_coded("b", published=None, events=[make_event("b", date=None)]),
        ]
    )
    assert store.stats()["events"] == 2


def test_replacing_one_report_updates_the_merged_event(store: Store) -> None:
    store.add([make_coded("a"), make_coded("b", publisher="Other")])
    store.add([make_coded("b", text="Changed.", events=[])])
    (merged,), _ = store.events()
    assert merged["mentions"] == 1 and merged["publishers"] == 1
    store.add([make_coded("a", text="Changed too.", events=[])])
    assert store.stats()["events"] == 0


def test_article_detail(store: Store) -> None:
    speaker = Actor("Putin", (0, 5), "RUS", "GOV", "Vladimir Putin")
    quote = Quote("a1", "We support it.", (10, 24), speaker, "Putin said")
    store.add([make_coded("a1", quotes=(quote,), actors=(speaker,))])
    art = store.article("a1")
    assert art is not None
    assert art["text"] == "Text of a1." and art["publisher"] == "Pub"
    assert art["events"][0]["event"] == "CONSULT"
    assert art["quotes"][0]["speaker"]["name"] == "Vladimir Putin"
    assert art["actors"] == [
        {
            "actorText": "Putin",
            "span": [0, 5],
            "code": "RUS",
            "sector": "GOV",
            "name": "Vladimir Putin",
        }
    ]
    assert store.article("nope") is None
    mention = store.event(art["events"][0]["id"])
    assert mention is not None and mention["article_id"] == "a1"
    assert store.event("nope") is None


def _many(store: Store) -> None:
    items = []
    for i in range(30):
        day = f"2021-{1 + i % 12:02d}-{1 + i:02d}" if i < 28 else f"2022-01-{i - 20:02d}"
        src, tgt = [("IRN", "RUS"), ("RUS", "IRN"), ("USA", "CHN")][i % 3]
        kind = ["ACCUSE", "AGREE", "ASSAULT"][i % 3]
        items.append(
            make_coded(
                f"x{i}", events=[make_event(f"x{i}", event=kind, source=src, target=tgt, date=day)]
            )
        )
    store.add(items)


def test_events_filters_and_pagination(store: Store) -> None:
    _many(store)
    page, cursor = store.events(limit=7)
    days = [e["date"] for e in page]
    assert days == sorted(days, reverse=True) and cursor
    seen = [e["id"] for e in page]
    while cursor:
        page, cursor = store.events(limit=7, cursor=cursor)
        seen += [e["id"] for e in page]
    assert len(seen) == len(set(seen)) == 30
    dyad, _ = store.events(dyad=("IRN", "RUS"), limit=100)
    assert len(dyad) == 20
    one_way, _ = store.events(dyad=("IRN", "RUS"), both_directions=False, limit=100)
    assert len(one_way) == 10 and all(e["source"][0]["code"] == "IRN" for e in one_way)
    assert len(store.events(actor="CHN", limit=100)[0]) == 10
    assert len(store.events(actor="IRN", limit=100)[0]) == 20
    assert len(store.events(type="ASSAULT", limit=100)[0]) == 10
    assert len(store.events(quad_class=4, limit=100)[0]) == 10
    assert all(e["date"] >= "2022" for e in store.events(since="2022-01-01")[0])
    assert all(e["date"] < "2021-03" for e in store.events(until="2021-02")[0])
    assert len(store.events(q="sentence", limit=100)[0]) == 30
    assert store.events(q="%")[0] == []
    mentions, _ = store.events(merged=False, limit=100)
    assert len(mentions) == 30 and "merged_id" in mentions[0]


def test_cursor_roundtrip_and_bad_cursor(store: Store) -> None:
    assert decode_cursor(encode_cursor("2021-01-01", "abc")) == ("2021-01-01", "abc")
    with pytest.raises(StoreError):
        store.events(cursor="!!!")


def test_trend_by_month(store: Store) -> None:
    _many(store)
    rows = store.trend("IRN", "RUS", by="month")
    assert all(r["q3"] == r["events"] for r in rows)  # IRN->RUS is always ACCUSE
    assert sum(r["events"] for r in rows) == 10
    both = store.trend("IRN", "RUS", by="year", both_directions=True)
    assert [r["period"] for r in both] == ["2021", "2022"]
    assert sum(r["events"] for r in both) == 20
    first = both[0]
    assert set(first) >= {
        "period",
        "events",
        "q1",
        "q2",
        "q3",
        "q4",
        "goldstein_sum",
        "goldstein_mean",
        "top_types",
    }
    assert first["top_types"][0] in {"ACCUSE", "AGREE"}
    weeks = store.trend("IRN", "RUS", by="week")
    assert all(r["period"] <= "2022-12-31" and len(r["period"]) == 10 for r in weeks)
    with pytest.raises(StoreError):
        store.trend("IRN", "RUS", by="decade")


def test_actors_and_dyads(store: Store) -> None:
    _many(store)
    actors = store.actors()
    assert {a["code"]: a["events"] for a in actors} == {"IRN": 20, "RUS": 20, "USA": 10, "CHN": 10}
    dyads = store.dyads(limit=2)
    assert len(dyads) == 2 and dyads[0]["events"] == 10
    assert all("CHN" in (d["source"], d["target"]) for d in store.dyads(actor="CHN"))


def test_records_are_json(store: Store) -> None:
    _many(store)
    page, _ = store.events(limit=3)
    json.dumps(page)
    json.dumps(store.event(page[0]["id"]))
    json.dumps(store.trend("IRN", "RUS"))


def test_readonly_store_reads_while_writer_open(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with Store(path) as writer:
        writer.add([make_coded("a1")])
        with Store(path, readonly=True) as reader:
            assert reader.stats()["articles"] == 1


CRASH_SCRIPT = """
import sys, time
sys.path.insert(0, {tests!r})
from corpus_factory import make_coded, make_event
from tacitus.store import Store

def articles():
    for i in range({n}):
        evs = [make_event(f"k{{i}}", sentence=j, event=["CONSULT", "ACCUSE"][j % 2],
                          date=f"2021-{{1 + i % 12:02d}}-{{1 + j:02d}}") for j in range(3)]
        print(i, flush=True)
        yield make_coded(f"k{{i}}", publisher=f"p{{i % 7}}", events=evs)

with Store({db!r}, batch_size=7) as s:
    stats = s.add(articles())
print("done", stats.coded)
"""


def _check_consistent(path: Path, n: int) -> None:
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == n
    assert db.execute("SELECT count(*) FROM mentions").fetchone()[0] == 3 * n
    assert (
        db.execute(
            "SELECT count(*) FROM mentions WHERE merged_id NOT IN (SELECT id FROM merged_events)"
        ).fetchone()[0]
        == 0
    )
    wrong = db.execute(
        "SELECT count(*) FROM merged_events m WHERE mentions != "
        "(SELECT count(DISTINCT article_id) FROM mentions x WHERE x.merged_id = m.id)"
    ).fetchone()[0]
    assert wrong == 0
    assert db.execute("SELECT count(*) FROM merged_events WHERE event = ''").fetchone()[0] == 0
    db.close()


def test_sigkill_at_random_points_then_rerun(tmp_path: Path) -> None:
    n = 2000
    path = tmp_path / "crash.db"
    script = CRASH_SCRIPT.format(tests=str(Path(__file__).parent), n=n, db=str(path))
    rng = random.Random(7)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    kills = 0
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", script],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        assert proc.stdout is not None
        # Let it store a random number of articles, then kill it at a random instant.
        for _ in range(rng.randrange(50, n // 2)):
            proc.stdout.readline()
        time.sleep(rng.uniform(0, 0.02))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate()
    assert kills >= 4
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1].startswith("done")
    _check_consistent(path, n)


def test_opens_in_the_sqlite3_shell_and_duckdb(tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "t.db"
    with Store(path) as s:
        s.add([make_coded("a1"), make_coded("a2", publisher="Other")])
    shell = shutil.which("sqlite3")
    if shell:
        out = subprocess.run(
            [shell, str(path), "SELECT event, mentions FROM merged_events"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == "CONSULT|2"
    duckdb = pytest.importorskip("duckdb")
    # No download in tests: use the extension only when it is installed already.
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        con.execute(f"ATTACH '{path}' AS s (TYPE sqlite, READ_ONLY)")
    except duckdb.Error as exc:
        pytest.skip(f"DuckDB's sqlite extension is not available offline: {exc}")
    assert con.execute("SELECT count(*) FROM s.mentions").fetchall() == [(2,)]
