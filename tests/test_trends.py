"""Trends and plots of a dyad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus_factory import make_coded, make_event
from tacitus.plot import PlotError, plot_trend
from tacitus.store import Store
from tacitus.trends import COLUMNS, dyad_trend, table_rows, to_csv, to_json


@pytest.fixture()
def rows() -> list[dict]:
    with Store(":memory:") as s:
        s.add(
            [
                make_coded(f"a{i}", events=[make_event(f"a{i}", event=kind, date=day)])
                for i, (kind, day) in enumerate(
                    [
                        ("AGREE", "2021-01-05"),
                        ("ACCUSE", "2021-01-20"),
                        ("ASSAULT", "2021-03-02"),
                        ("SUPPORT", "2021-03-03"),
                    ]
                )
            ]
        )
        return dyad_trend(s, "irn", "rus", by="month")


def test_trend_rows(rows: list[dict]) -> None:
    assert [r["period"] for r in rows] == ["2021-01", "2021-03"]
    jan = rows[0]
    assert (jan["q1"], jan["q3"], jan["goldstein_sum"], jan["goldstein_mean"]) == (1, 1, 1.0, 0.5)


def test_formats(rows: list[dict]) -> None:
    text = to_csv(rows)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert json.loads(to_json(rows)) == rows
    assert table_rows(rows)[0][0] == "2021-01"


@pytest.mark.parametrize("name", ["t.png", "t.svg"])
def test_plot(rows: list[dict], tmp_path: Path, name: str) -> None:
    out = plot_trend(rows, tmp_path / name, title="IRN -> RUS")
    assert out.stat().st_size > 1000


def test_plot_errors(rows: list[dict], tmp_path: Path) -> None:
    with pytest.raises(PlotError, match="png or .svg"):
        plot_trend(rows, tmp_path / "t.pdf", title="x")
    with pytest.raises(PlotError, match="nothing to draw"):
        plot_trend([], tmp_path / "t.png", title="x")
