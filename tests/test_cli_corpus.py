"""The corpus commands, run in-process with click's CliRunner (and one real SIGKILL)."""

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
from click.testing import CliRunner

from corpus_factory import make_coded, make_event
from tacitus.cli import main
from tacitus.store import Store

REPO = Path(__file__).resolve().parents[1]
CORPUS_COMMANDS = ["ingest", "events", "export", "trend", "actors", "dyads", "compare", "stats"]


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def db(tmp_path: Path) -> str:
    path = tmp_path / "store.db"
    with Store(path) as store:
        store.add(
            [
                make_coded("tehran", publisher="Tehran Times"),
                make_coded(
                    "kremlin",
                    publisher="Kremlin",
                    events=[make_event("kremlin", source="RUS", target="IRN")],
                ),
                make_coded(
                    "later",
                    events=[make_event("later", event="ACCUSE", date="2022-02-01")],
                ),
            ]
        )
    return str(path)


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def test_ingest_reports_bad_records_and_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    src = _jsonl(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": "ok1", "text": "Putin met Raisi.", "published": "2021-11-16"}),
            "{not json",
            json.dumps({"id": "empty", "text": "  "}),
            json.dumps({"id": "ok2", "text": "Iran accused Israel.", "published": "2021-11-17"}),
        ],
    )
    db = str(tmp_path / "s.db")
    result = runner.invoke(main, ["ingest", str(src), "--db", db, "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "read 4, coded 2, skipped 0 (already stored), failed 2" in result.stdout
    assert f"{src}:2: malformed JSON" in result.stderr
    assert f"{src}:3: no text" in result.stderr
    again = runner.invoke(main, ["ingest", str(src), "--db", db, "-j", "1", "--quiet"])
    assert "coded 0, skipped 2" in again.stdout and again.stderr == ""


def test_ingest_nothing_readable_exits_1_with_summary(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main, ["ingest", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "s.db"), "-j", "1"]
    )
    assert result.exit_code == 1
    assert "read 1, coded 0" in result.stdout and "no such file" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_ingest_into_a_file_that_is_not_a_store(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not sqlite " * 200)
    src = _jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "a", "text": "x y z"})])
    result = runner.invoke(main, ["ingest", str(src), "--db", str(bad)])
    assert result.exit_code == 1 and "cannot open" in result.stderr
    assert "Traceback" not in result.output


def test_read_commands_on_missing_store(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["events", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no such database" in result.stderr


def test_events_formats_and_filters(runner: CliRunner, db: str) -> None:
    table = runner.invoke(main, ["events", "--db", db])
    assert table.exit_code == 0 and "date" in table.stdout
    lines = runner.invoke(main, ["events", "--db", db, "--format", "jsonl"]).stdout.splitlines()
    first = json.loads(lines[0])
    assert first["event"] == "ACCUSE" and len(lines) == 2  # newest first, merged
    dyad = runner.invoke(
        main,
        ["events", "--db", db, "--dyad", "rus", "irn", "--type", "consult", "--format", "jsonl"],
    )
    assert [json.loads(x)["mentions"] for x in dyad.stdout.splitlines()] == [2]
    one_way = runner.invoke(
        main, ["events", "--db", db, "--dyad", "RUS", "IRN", "--one-way", "--format", "jsonl"]
    )
    # a call has no direction: it is listed one way too, but not the directed ACCUSE
    assert [json.loads(x)["event"] for x in one_way.stdout.splitlines()] == ["CONSULT"]
    mentions = runner.invoke(main, ["events", "--db", db, "--mentions", "--format", "csv"])
    assert len(mentions.stdout.strip().splitlines()) == 4
    since = runner.invoke(main, ["events", "--db", db, "--since", "2022", "--format", "jsonl"])
    assert len(since.stdout.splitlines()) == 1
    bad = runner.invoke(main, ["events", "--db", db, "--since", "last week"])
    assert bad.exit_code == 2 and "not a date" in bad.stderr


def test_export_formats(runner: CliRunner, db: str, tmp_path: Path) -> None:
    for fmt in ("jsonl", "csv", "parquet"):
        out = tmp_path / f"e.{fmt}"
        result = runner.invoke(
            main, ["export", "--db", db, "--format", fmt, "--out", str(out), "--merged"]
        )
        assert result.exit_code == 0 and "wrote 2 merged events" in result.stderr
        assert out.stat().st_size > 0
    bad = runner.invoke(
        main, ["export", "--db", db, "--format", "csv", "--out", str(tmp_path / "no" / "x.csv")]
    )
    assert bad.exit_code == 1 and "cannot write" in bad.stderr


def test_trend_and_plot(runner: CliRunner, db: str, tmp_path: Path) -> None:
    result = runner.invoke(main, ["trend", "IRN", "RUS", "--db", db, "--format", "json"])
    rows = json.loads(result.stdout)
    assert [r["period"] for r in rows] == ["2021-11", "2022-02"]
    csv_out = runner.invoke(
        main,
        ["trend", "irn", "rus", "--db", db, "--by", "year", "--both-directions", "--format", "csv"],
    )
    assert csv_out.stdout.splitlines()[0].startswith("period,events,q1")
    png = tmp_path / "t.png"
    plotted = runner.invoke(main, ["trend", "IRN", "RUS", "--db", db, "--plot", str(png)])
    assert plotted.exit_code == 0 and png.stat().st_size > 1000
    bad = runner.invoke(main, ["trend", "IRN", "RUS", "--db", db, "--plot", "x.pdf"])
    assert bad.exit_code == 1 and ".png or .svg" in bad.stderr
    empty = runner.invoke(main, ["trend", "USA", "CHN", "--db", db])
    assert "no events between USA and CHN" in empty.stdout


def test_actors_dyads_stats(runner: CliRunner, db: str) -> None:
    actors = json.loads(runner.invoke(main, ["actors", "--db", db, "--json"]).stdout)
    assert {a["code"] for a in actors} == {"IRN", "RUS"}
    dyads = json.loads(runner.invoke(main, ["dyads", "--db", db, "--json"]).stdout)
    assert {(d["source"], d["target"], d["events"]) for d in dyads} == {
        ("IRN", "RUS", 1),
        ("RUS", "IRN", 1),
    }
    assert "IRN" in runner.invoke(main, ["dyads", "--db", db, "--actor", "irn"]).stdout
    stats = json.loads(runner.invoke(main, ["stats", "--db", db]).stdout)
    assert stats["articles"] == 3 and stats["events"] == 2 and stats["mentions"] == 3


def test_compare(runner: CliRunner, db: str) -> None:
    with Store(db, readonly=True) as store:
        (merged,), _ = store.events(type="CONSULT")
    out = runner.invoke(main, ["compare", merged["id"], "--db", db, "--json"])
    result = json.loads(out.stdout)
    assert {a["publisher"] for a in result["accounts"]} == {"Tehran Times", "Kremlin"}
    table = runner.invoke(main, ["compare", merged["id"], "--db", db])
    assert table.exit_code == 0 and "Kremlin" in table.stdout
    missing = runner.invoke(main, ["compare", "nope", "--db", db])
    assert missing.exit_code == 1 and "no event" in missing.stderr


def test_every_corpus_command_is_documented() -> None:
    doc = (REPO / "docs" / "corpus.md").read_text()
    for name in CORPUS_COMMANDS:
        assert name in main.commands
        assert f"tacitus {name}" in doc, name


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def test_ingest_killed_with_sigkill_then_rerun(tmp_path: Path) -> None:
    """The real CLI, killed at random points, then re-run: every article stored once."""
    n = 150
    src = _jsonl(
        tmp_path / "in.jsonl",
        [
            json.dumps(
                {
                    "id": f"k{i}",
                    "text": f"Iran and Russia held talks, part {i}.",
                    "published": "2021-11-17",
                    "publisher": f"p{i % 5}",
                }
            )
            for i in range(n)
        ],
    )
    db = tmp_path / "crash.db"
    cmd = [
        sys.executable,
        "-c",
        "from tacitus.cli import main; main()",
        "ingest",
        str(src),
        "--db",
        str(db),
        "--jobs",
        "1",
        "--quiet",
    ]
    rng = random.Random(3)
    kills = 0
    for _ in range(3):
        # Kill it once a random number of articles is stored, at a random instant after.
        target = rng.randrange(1, n - 20)
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if _stored(db) >= target:
                time.sleep(rng.uniform(0, 0.05))
                break
            time.sleep(0.02)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 2
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "failed 0" in done.stdout
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (n, n)
    assert con.execute(
        "SELECT count(*) FROM mentions WHERE merged_id NOT IN (SELECT id FROM merged_events)"
    ).fetchone() == (0,)
    events = con.execute("SELECT sum(events) FROM articles").fetchone()[0] or 0
    assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == events
    con.close()


def test_incremental_rerun_recodes_changed_articles(runner: CliRunner, tmp_path: Path) -> None:
    def write(texts: dict[str, str]) -> Path:
        rows = [
            json.dumps({"id": k, "text": v, "published": "2021-11-17"}) for k, v in texts.items()
        ]
        return _jsonl(tmp_path / "in.jsonl", rows)

    db = str(tmp_path / "s.db")
    first = write({"a": "Putin met Raisi in Moscow.", "b": "Iran accused Israel."})
    assert "coded 2" in runner.invoke(main, ["ingest", str(first), "--db", db, "-j", "1"]).stdout
    second = write({"a": "Putin met Raisi in Moscow.", "b": "Iran praised Israel today."})
    result = runner.invoke(main, ["ingest", str(second), "--db", db, "-j", "1"])
    assert "read 2, coded 1 (1 replaced), skipped 1 (already stored)" in result.stdout
    with Store(db, readonly=True) as store:
        art = store.article("b")
        assert art is not None and art["text"] == "Iran praised Israel today."
        assert store.stats()["articles"] == 2


def test_parallel_ingest_killed_leaves_no_workers_and_reruns(tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    n = 120
    src = _jsonl(
        tmp_path / "in.jsonl",
        [
            json.dumps(
                {
                    "id": f"p{i}",
                    "text": f"Iran and Russia held talks, round {i}.",
                    "published": "2021-11-17",
                }
            )
            for i in range(n)
        ],
    )
    db = tmp_path / "par.db"
    cmd = [
        sys.executable,
        "-c",
        "from tacitus.cli import main; main()",
        "ingest",
        str(src),
        "--db",
        str(db),
        "--jobs",
        "2",
        "--quiet",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None and _stored(db) < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, "workers outlived their killed parent"
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    assert "failed 0" in done.stdout
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*), count(DISTINCT id) FROM articles").fetchone() == (n, n)
    con.close()
