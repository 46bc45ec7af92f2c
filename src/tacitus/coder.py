"""The coder: Articles in, CodedArticles (events, quotes, actor mentions) out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from tacitus.records import Actor, Article, Event, Quote
from tacitus.settings import DEFAULT_SETTINGS, Settings


@dataclass(frozen=True)
class CodedArticle:
    """One article with everything the coder found in it."""

    article: Article
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...]
    actors: tuple[Actor, ...]
    problem: str | None = None


class Coder:
    """Holds the loaded model and dictionaries; reuse one per process."""

    def __init__(self, settings: Settings = DEFAULT_SETTINGS) -> None:
        self.settings = settings

    def code(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        for article in articles:
            yield CodedArticle(article, (), (), ())


@lru_cache(maxsize=4)
def get_coder(settings: Settings = DEFAULT_SETTINGS) -> Coder:
    """One Coder per settings per process (the spaCy model loads once)."""
    return Coder(settings)


def code_articles(
    articles: Iterable[Article], *, settings: Settings = DEFAULT_SETTINGS
) -> Iterator[Event]:
    """Code articles and yield their events, in article order."""
    for coded in get_coder(settings).code(articles):
        yield from coded.events


def code_text(
    text: str,
    *,
    published: dt.date | None = None,
    article_id: str = "text",
    settings: Settings = DEFAULT_SETTINGS,
) -> list[Event]:
    """Code one text; convenient for notebooks and tests."""
    article = Article(id=article_id, text=text, published=published)
    return list(code_articles([article], settings=settings))
