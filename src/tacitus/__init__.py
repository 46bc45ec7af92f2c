"""Tacitus: news text in, PLOVER/CAMEO political events out, with evidence."""

from tacitus._version import __version__
from tacitus.coder import CodedArticle, Coder, code_articles, code_text, get_coder
from tacitus.records import Actor, Article, Attribution, Event, Location, Modality, Quote
from tacitus.settings import DEFAULT_SETTINGS, Settings

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
