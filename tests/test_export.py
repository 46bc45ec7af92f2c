"""Exports: JSONL in the record contract, flat CSV, Parquet loadable by pandas and DuckDB."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from corpus_factory import make_coded, make_event
from tacitus.export import ExportError, csv_columns, export_store
from tacitus.records import Event
from tacitus.schema import ARROW_SCHEMA
from tacitus.store import Store


@pytest.fixture()
def store() -> Store:
    with Store(":memory:") as s:
        s.add(
            [
                make_coded("a", publisher="A"),
                make_coded(
                    "b", publisher="B", events=[make_event("b", source="RUS", target="IRN")]
                ),
                make_coded("c", events=[make_event("c", event="ACCUSE", target="USA")]),
            ]
        )
        yield s


def test_jsonl_mentions_follow_the_record_contract(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    assert export_store(store, "jsonl", out) == 3
    events = [Event.from_dict(json.loads(line)) for line in out.read_text().splitlines()]
    assert {e.article_id for e in events} == {"a", "b", "c"}


def test_jsonl_merged_has_counts(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    assert export_store(store, "jsonl", out, merged=True) == 2
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    consult = next(r for r in rows if r["event"] == "CONSULT")
    assert consult["mentions"] == 2 and consult["publishers"] == 2
    assert len(consult["mention_ids"]) == 2
    Event.from_dict(consult)  # still an event record


def test_csv_has_gdelt_like_columns(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    export_store(store, "csv", out, merged=True)
    rows = list(csv.DictReader(out.open()))
    needed = {
        "date",
        "source_country",
        "source_sector",
        "target_country",
        "target_sector",
        "event",
        "cameo",
        "quad_class",
        "goldstein",
        "mentions",
        "url",
    }
    assert needed <= set(rows[0])
    assert "record" not in rows[0] and list(rows[0]) == csv_columns(merged=True)
    assert sorted(r["mentions"] for r in rows) == ["1", "2"]


def test_parquet_schema_and_one_line_loaders(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "e.parquet"
    export_store(store, "parquet", out)
    assert pq.read_schema(out).equals(ARROW_SCHEMA, check_metadata=False)
    pd = pytest.importorskip("pandas")
    assert len(pd.read_parquet(out)) == 3
    duckdb = pytest.importorskip("duckdb")
    assert duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchall() == [(3,)]
    merged = tmp_path / "m.parquet"
    export_store(store, "parquet", merged, merged=True)
    table = pq.read_table(merged)
    assert set(ARROW_SCHEMA.names) < set(table.column_names)
    assert sorted(table.column("mentions").to_pylist()) == [1, 2]


def test_bad_format_and_path(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown format"):
        export_store(store, "xml", tmp_path / "x")
    with pytest.raises(ExportError, match="cannot write"):
        export_store(store, "csv", tmp_path / "missing" / "x.csv")
