"""Export stored events as JSONL (the event-record contract), flat CSV or Parquet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tacitus.records import Event
from tacitus.schema import ARROW_SCHEMA, FIELDS, flat_record
from tacitus.store import Store

FORMATS = ("jsonl", "csv", "parquet")

# Merged events add the cross-article counts to the flat schema (a stable superset).
MERGED_FIELDS: list[tuple[str, pa.DataType]] = [
    *FIELDS,
    ("publishers", pa.int32()),
    ("first_report", pa.string()),
    ("last_report", pa.string()),
    ("mention_ids", pa.string()),
]
MERGED_SCHEMA = pa.schema(MERGED_FIELDS, metadata=ARROW_SCHEMA.metadata)
ROW_GROUP = 20_000


class ExportError(Exception):
    """The export cannot be written (bad format or path)."""


def flat_row(record: dict[str, Any], *, merged: bool) -> dict[str, Any]:
    """One flat row of a stored record (a mention, or a merged event with its counts)."""
    row = flat_record(Event.from_dict(record))
    row["mentions"] = int(record.get("mentions", 1))
    if merged:
        row["publishers"] = record.get("publishers")
        row["first_report"] = record.get("first_report")
        row["last_report"] = record.get("last_report")
        row["mention_ids"] = ";".join(record.get("mention_ids") or [])
        row["record"] = json.dumps(record, ensure_ascii=False)
    return row


def csv_columns(*, merged: bool) -> list[str]:
    fields = MERGED_FIELDS if merged else FIELDS
    return [name for name, _ in fields if name != "record"]


def _batches(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_records(records: Iterable[dict[str, Any]], fmt: str, out: Path, *, merged: bool) -> int:
    """Stream records to ``out`` in ``fmt``; returns how many were written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    n = 0
    try:
        if fmt == "parquet":
            schema = MERGED_SCHEMA if merged else ARROW_SCHEMA
            with pq.ParquetWriter(out, schema) as writer:
                for batch in _batches(records, ROW_GROUP):
                    rows = [flat_row(r, merged=merged) for r in batch]
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    n += len(rows)
            return n
        with out.open("w", encoding="utf-8", newline="") as fh:
            if fmt == "jsonl":
                for record in records:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                    n += 1
                return n
            columns = csv_columns(merged=merged)
            writer_csv = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer_csv.writeheader()
            for record in records:
                writer_csv.writerow(flat_row(record, merged=merged))
                n += 1
            return n
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None


def export_store(store: Store, fmt: str, out: Path, *, merged: bool = False) -> int:
    """Export every mention (or, with ``merged``, every merged event) of the store."""
    return write_records(store.iter_events(merged=merged), fmt, out, merged=merged)
