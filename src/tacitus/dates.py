"""Resolve date expressions ("on Tuesday", "last month", "8 December") against the article date."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

WEEKDAYS = {
    d: i
    for i, d in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
          "jul", "aug", "sep", "sept", "oct", "nov", "dec")  # fmt: skip
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DAYNUM = re.compile(r"\b([0-3]?\d)(st|nd|rd|th)?\b")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\.?\b", re.IGNORECASE)


@dataclass(frozen=True)
class ResolvedDate:
    date: dt.date
    precision: str  # day, week, month, year
    text: str

    @property
    def iso(self) -> str:
        return self.date.isoformat()


def _weekday_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _relative(lower: str, base: dt.date) -> tuple[dt.date, str] | None:
    if lower in (
        "today",
        "tonight",
        "this morning",
        "this afternoon",
        "this evening",
        "earlier today",
    ):
        return base, "day"
    if lower in ("yesterday", "last night", "yesterday morning", "yesterday evening"):
        return base - dt.timedelta(days=1), "day"
    if lower == "tomorrow":
        return base + dt.timedelta(days=1), "day"
    words = lower.split()
    for word in words:
        if word in WEEKDAYS:
            if "next" in words:
                return base + dt.timedelta(days=(WEEKDAYS[word] - base.weekday()) % 7 or 7), "day"
            return _weekday_before(base, WEEKDAYS[word]), "day"
    if lower in ("last week", "the past week", "earlier this week", "this week"):
        delta = 7 if "last" in lower or "past" in lower else 0
        return base - dt.timedelta(days=delta), "week"
    if lower in ("last month", "this month", "earlier this month", "the past month"):
        if lower == "last month":
            first = base.replace(day=1) - dt.timedelta(days=1)
            return first.replace(day=1), "month"
        return base.replace(day=1), "month"
    if lower in ("last year", "this year", "earlier this year"):
        year = base.year - 1 if lower == "last year" else base.year
        return dt.date(year, 1, 1), "year"
    return None


def _explicit(text: str, base: dt.date | None) -> tuple[dt.date, str] | None:
    has_month = _MONTH.search(text) is not None
    year = _YEAR.search(text)
    if not has_month and year is None:
        return None
    if not has_month and year is not None:
        return dt.date(int(year.group(1)), 1, 1), "year"
    import dateparser  # imported late: it is slow to import and rarely needed

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first"}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(base, dt.time(12))
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None:
        return None
    without_year = _YEAR.sub("", text)
    has_day = _DAYNUM.search(_MONTH.sub("", without_year)) is not None
    return parsed.date(), "day" if has_day else "month"


@lru_cache(maxsize=4096)
def resolve_date(text: str, published: dt.date | None) -> ResolvedDate | None:
    """A date for the expression, relative to the publication date; None if unresolvable."""
    cleaned = re.sub(r"^(on|in|during|since|by|at)\s+", "", text.strip(), flags=re.IGNORECASE)
    cleaned = cleaned.strip(" ,.")
    lower = cleaned.lower()
    if published is not None:
        rel = _relative(lower, published)
        if rel is not None:
            return ResolvedDate(rel[0], rel[1], text)
    try:
        explicit = _explicit(cleaned, published)
    except (ValueError, OverflowError):
        return None
    if explicit is None:
        return None
    return ResolvedDate(explicit[0], explicit[1], text)
