"""Dictionary loading: validation, user files that add and override."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tacitus.coder import code_text
from tacitus.dictionaries import PATTERN_FILES, DictionaryError, load_lexicon, load_patterns
from tacitus.ontology import PLOVER_TYPES, cameo_table
from tacitus.settings import Settings


def test_every_plover_type_has_patterns() -> None:
    patterns, _ = load_patterns()
    assert {p.event for p in patterns} == set(PLOVER_TYPES)
    assert len(PATTERN_FILES) == 16


def test_every_pattern_cameo_is_in_the_ontology() -> None:
    patterns, _ = load_patterns()
    table = cameo_table()
    assert all(p.cameo in table for p in patterns)


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: '1'\nevent: ASSAULT\npatterns:\n  - {id: x, verb: [smite], cameo: '190', colour: red}\n"
    )
    with pytest.raises(DictionaryError, match="colour"):
        load_patterns((bad,))


def test_unknown_cameo_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: '1'\nevent: ASSAULT\npatterns:\n  - {id: x, verb: [smite], cameo: '999'}\n"
    )
    with pytest.raises(DictionaryError, match="999"):
        load_patterns((bad,))


def test_malformed_user_jsonl(tmp_path: Path) -> None:
    bad = tmp_path / "actors.jsonl"
    bad.write_text('{"name": "A"}\n{oops\n')
    with pytest.raises(DictionaryError, match=":2:"):
        load_lexicon((bad,))


def test_user_pattern_file_adds_a_verb(coder, tmp_path: Path) -> None:
    text = "Estonia smote Latvia."
    assert code_text(text) == []
    extra = tmp_path / "mine.jsonl"
    extra.write_text(
        json.dumps({"id": "mine.smite", "event": "ASSAULT", "verb": ["smite"], "cameo": "190"})
        + "\n"
    )
    events = code_text(text, settings=Settings(pattern_files=(extra,)))
    assert [(e.event, e.rule) for e in events] == [("ASSAULT", "mine.smite")]


def test_user_actor_file_adds_a_person(coder, tmp_path: Path) -> None:
    extra = tmp_path / "people.yaml"
    extra.write_text(
        "people:\n  - name: Ana Quirogaz\n    aliases: [Quirogaz]\n"
        "    roles:\n      - {country: BOL, sector: GOV, role: minister, start: 2020-01-01, end: null}\n"
    )
    events = code_text("Quirogaz criticized Peru.", settings=Settings(actor_files=(extra,)))
    assert events and events[0].source[0].code == "BOL"
    assert events[0].source[0].name == "Ana Quirogaz"
