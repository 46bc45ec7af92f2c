"""Acceptance: the seed article against the careful human reading in ../shared (skips without it)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tacitus.cli import main
from tacitus.records import Article, Event


@pytest.fixture(scope="module")
def seed(shared_dir: Path, coder) -> dict[str, Any]:
    path = shared_dir / "data" / "seed" / "article.jsonl"
    result = CliRunner().invoke(main, ["code", str(path)])
    assert result.exit_code == 0, result.output
    events = [
        Event.from_dict(json.loads(line)) for line in result.stdout.splitlines() if line.strip()
    ]
    quotes_run = CliRunner().invoke(main, ["quotes", str(path)])
    assert quotes_run.exit_code == 0, quotes_run.output
    quotes = [json.loads(line) for line in quotes_run.stdout.splitlines() if line.strip()]
    expected = json.loads((shared_dir / "data" / "seed" / "expected.json").read_text("utf-8"))
    record = json.loads(path.read_text("utf-8").splitlines()[0])
    article = Article(
        id=record["id"], text=record["text"], published=dt.date.fromisoformat(record["published"])
    )
    actors = next(coder.code([article])).actors
    return {"events": events, "quotes": quotes, "expected": expected, "actors": actors}


def _codes(actors: Any) -> set[str]:
    return {a.code for a in actors if a.code}


def _matches(event: Event, spec: dict[str, Any]) -> bool:
    types = {spec["event"], *spec.get("alternatives", [])}
    if event.event not in types:
        return False
    if spec.get("near") and spec["near"].lower() not in event.text.lower():
        return False
    if spec.get("mode") and event.mode != spec["mode"]:
        return False
    if spec.get("date") and event.date != spec["date"]:
        return False
    parties = _codes(event.source) | _codes(event.target)
    if not set(spec.get("parties", [])) <= parties:
        return False
    if not set(spec.get("from", [])) <= _codes(event.source):
        return False
    return set(spec.get("to", [])) <= _codes(event.target)


def test_every_must(seed: dict[str, Any]) -> None:
    for spec in seed["expected"]["must"]:
        assert any(_matches(e, spec) for e in seed["events"]), spec


def test_at_least_four_shoulds(seed: dict[str, Any]) -> None:
    hits = [
        spec
        for spec in seed["expected"]["should"]
        if any(_matches(e, spec) for e in seed["events"])
    ]
    assert len(hits) >= 4, hits


def test_no_must_not(seed: dict[str, Any]) -> None:
    for rule in seed["expected"]["must_not"]:
        for event in seed["events"]:
            assert event.event not in rule.get("event_in", [])
            if "party" in rule:
                parties = _codes(event.source) | _codes(event.target)
                allowed = rule.get("unless") == "historical" and event.modality.historical
                assert rule["party"] not in parties or allowed
            if "near" in rule:
                assert rule["near"].lower() not in event.text.lower()


def test_actors(seed: dict[str, Any]) -> None:
    named = list(seed["actors"])
    for spec in seed["expected"]["actors"]:
        found = [
            a for a in named
            if a is not None and a.text.lower() == spec["text"].lower()
            or (a is not None and spec["text"].lower() in a.text.lower() and a.name == spec.get("person"))
        ]  # fmt: skip
        assert any(a.code == spec["code"] and a.sector == spec["sector"] for a in found), spec
        if spec.get("person"):
            assert any(a.name == spec["person"] for a in found), spec


def test_quotes(seed: dict[str, Any]) -> None:
    for spec in seed["expected"]["quotes"]:
        quote = next((q for q in seed["quotes"] if q["text"].startswith(spec["starts"])), None)
        assert quote is not None, spec
        assert quote["speaker"] and quote["speaker"]["name"] == spec["speaker"], (spec, quote)


def test_sources(seed: dict[str, Any]) -> None:
    named = {e.attribution.according_to for e in seed["events"]}
    found = [s for s in seed["expected"]["sources"] if s in named]
    assert found, named
