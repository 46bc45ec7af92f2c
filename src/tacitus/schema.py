"""The flat export schema (CSV and Parquet columns) shared by export, the store and Dask."""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from tacitus.records import Event

SCHEMA_VERSION = "1"

# Columns a GDELT/ICEWS user recognises first, then Tacitus' evidence; `record` holds the
# whole event record as JSON so that a Parquet file can be loaded back into the store.
FIELDS: list[tuple[str, pa.DataType]] = [
    ("id", pa.string()),
    ("article_id", pa.string()),
    ("date", pa.string()),
    ("date_precision", pa.string()),
    ("source_country", pa.string()),
    ("source_sector", pa.string()),
    ("source_name", pa.string()),
    ("target_country", pa.string()),
    ("target_sector", pa.string()),
    ("target_name", pa.string()),
    ("event", pa.string()),
    ("mode", pa.string()),
    ("context", pa.string()),
    ("cameo", pa.string()),
    ("quad_class", pa.int8()),
    ("goldstein", pa.float32()),
    ("mentions", pa.int32()),
    ("reciprocal", pa.bool_()),
    ("negated", pa.bool_()),
    ("future", pa.bool_()),
    ("hypothetical", pa.bool_()),
    ("historical", pa.bool_()),
    ("said_by", pa.string()),
    ("according_to", pa.string()),
    ("in_quote", pa.bool_()),
    ("confidence", pa.float32()),
    ("rule", pa.string()),
    ("text", pa.string()),
    ("url", pa.string()),
    ("publisher", pa.string()),
    ("published", pa.string()),
    ("coder_version", pa.string()),
    ("record", pa.string()),
]

ARROW_SCHEMA = pa.schema(FIELDS, metadata={"tacitus_schema": SCHEMA_VERSION})
COLUMNS = [name for name, _ in FIELDS]


def _codes(actors: Any, attr: str) -> str | None:
    values = [getattr(a, attr) for a in actors]
    if not any(values):
        return None
    return ";".join(v or "" for v in values)


def flat_record(event: Event) -> dict[str, Any]:
    """One flat row; multiple actors on one side are joined with ';'."""
    m, a = event.modality, event.attribution
    return {
        "id": event.id,
        "article_id": event.article_id,
        "date": event.date,
        "date_precision": event.date_precision,
        "source_country": _codes(event.source, "code"),
        "source_sector": _codes(event.source, "sector"),
        "source_name": _codes(event.source, "name"),
        "target_country": _codes(event.target, "code"),
        "target_sector": _codes(event.target, "sector"),
        "target_name": _codes(event.target, "name"),
        "event": event.event,
        "mode": event.mode,
        "context": ";".join(event.context) or None,
        "cameo": event.cameo,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "mentions": event.mentions,
        "reciprocal": event.reciprocal,
        "negated": m.negated,
        "future": m.future,
        "hypothetical": m.hypothetical,
        "historical": m.historical,
        "said_by": (a.said_by.name or a.said_by.text) if a.said_by else None,
        "according_to": a.according_to,
        "in_quote": a.in_quote,
        "confidence": event.confidence,
        "rule": event.rule,
        "text": event.text,
        "url": event.url,
        "publisher": event.publisher,
        "published": event.published,
        "coder_version": event.coder_version,
        "record": json.dumps(event.to_dict(), ensure_ascii=False),
    }


def to_table(events: list[Event]) -> pa.Table:
    rows = [flat_record(e) for e in events]
    return pa.Table.from_pylist(rows, schema=ARROW_SCHEMA)
