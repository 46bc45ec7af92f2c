"""The gold-standard evaluation: scoring logic, and the coder's scores on ../shared's dev half."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tacitus.evaluate import evaluate_file, read_gold


def test_legacy_types_and_codes_are_read(tmp_path: Path) -> None:
    gold = tmp_path / "g.jsonl"
    gold.write_text(
        json.dumps({"id": "1", "event": "DISAPPROVE", "text": "{A text.}", "date": "2000-01-01",
                    "source": [{"code": "USA"}, {"code": "GBR"}], "target": ""}) + "\n"
    )  # fmt: skip
    (record,) = read_gold(gold)
    assert record.event == "ACCUSE" and record.text == "A text."
    assert record.source == {"USA", "GBR"} and record.target == frozenset()


def test_malformed_gold_line_names_the_line(tmp_path: Path) -> None:
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"id": "1", "event": "AGREE", "text": "x"}\n{oops\n')
    with pytest.raises(ValueError, match=":2:"):
        read_gold(gold)


def test_dev_gold_meets_the_acceptance_scores(shared_dir: Path, coder) -> None:
    report = evaluate_file(shared_dir / "data" / "gold" / "plover_gsr_dev.jsonl", coder=coder)
    assert len(report.outcomes) == 164
    assert report.type_recall >= 0.80
    assert report.type_precision >= 0.75
    assert report.source_accuracy >= 0.85
    assert report.target_accuracy >= 0.75
    assert report.full_match >= 0.60
