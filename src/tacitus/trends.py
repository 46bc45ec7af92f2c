"""Trends between two actors: rows from the store, written as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from tacitus.store import Store

FORMATS = ("table", "csv", "json")
COLUMNS = [
    "period",
    "events",
    "q1",
    "q2",
    "q3",
    "q4",
    "goldstein_sum",
    "goldstein_mean",
    "top_types",
]
QUAD_NAMES = {
    "q1": "verbal cooperation",
    "q2": "material cooperation",
    "q3": "verbal conflict",
    "q4": "material conflict",
}


def dyad_trend(
    store: Store,
    a: str,
    b: str,
    *,
    by: str = "month",
    both_directions: bool = False,
    since: str | None = None,
    until: str | None = None,
) -> list[dict[str, Any]]:
    """Per-period merged-event counts by QuadClass and Goldstein for the dyad A -> B."""
    return store.trend(
        a.upper(), b.upper(), by=by, both_directions=both_directions, since=since, until=until
    )


def to_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "top_types": ";".join(row["top_types"])})
    return buf.getvalue()


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2)


def table_rows(rows: list[dict[str, Any]]) -> list[list[str]]:
    """Rows of strings for a terminal table, in COLUMNS order."""
    return [
        [
            str(r["period"]),
            str(r["events"]),
            *(str(r[q]) for q in ("q1", "q2", "q3", "q4")),
            f"{r['goldstein_sum']:+.1f}",
            f"{r['goldstein_mean']:+.2f}",
            ", ".join(r["top_types"]),
        ]
        for r in rows
    ]
