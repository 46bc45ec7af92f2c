"""Tacitus: news text in, PLOVER/CAMEO political events out, with evidence.

The public names are imported lazily, so that commands which never code (queries,
exports, the server) start without loading spaCy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tacitus._version import __version__

if TYPE_CHECKING:
    from tacitus.coder import CodedArticle, Coder, code_articles, code_text, get_coder
    from tacitus.records import Actor, Article, Attribution, Event, Location, Modality, Quote
    from tacitus.settings import DEFAULT_SETTINGS, Settings

_EXPORTS = {
    "CodedArticle": "tacitus.coder",
    "Coder": "tacitus.coder",
    "code_articles": "tacitus.coder",
    "code_text": "tacitus.coder",
    "get_coder": "tacitus.coder",
    "Actor": "tacitus.records",
    "Article": "tacitus.records",
    "Attribution": "tacitus.records",
    "Event": "tacitus.records",
    "Location": "tacitus.records",
    "Modality": "tacitus.records",
    "Quote": "tacitus.records",
    "DEFAULT_SETTINGS": "tacitus.settings",
    "Settings": "tacitus.settings",
}

__all__ = [
    "DEFAULT_SETTINGS",
    "Actor",
    "Article",
    "Attribution",
    "CodedArticle",
    "Coder",
    "Event",
    "Location",
    "Modality",
    "Quote",
    "Settings",
    "__version__",
    "code_articles",
    "code_text",
    "get_coder",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tacitus' has no attribute {name!r}")
    return getattr(import_module(module), name)
