"""Readers that turn files into Articles: text, JSONL, and (see submodules) more."""

from tacitus.ingest.base import ReadProblem, read_inputs

__all__ = ["ReadProblem", "read_inputs"]
