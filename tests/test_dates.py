"""Date expressions resolved against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from tacitus.dates import resolve_date

WEDNESDAY = dt.date(2021, 11, 17)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("on Tuesday", "2021-11-16", "day"),
        ("Wednesday", "2021-11-17", "day"),
        ("last Thursday", "2021-11-11", "day"),
        ("yesterday", "2021-11-16", "day"),
        ("today", "2021-11-17", "day"),
        ("last month", "2021-10-01", "month"),
        ("last year", "2020-01-01", "year"),
        ("in 1988", "1988-01-01", "year"),
        ("November 16, 2021", "2021-11-16", "day"),
        ("on 8 November", "2021-11-08", "day"),
        ("March 2020", "2020-03-01", "month"),
    ],
)
def test_resolves_relative_to_publication(text: str, expected: str, precision: str) -> None:
    resolved = resolve_date(text, WEDNESDAY)
    assert resolved is not None
    assert (resolved.iso, resolved.precision) == (expected, precision)


def test_unknown_expression_is_none() -> None:
    assert resolve_date("the other day", WEDNESDAY) is None


def test_weekday_without_publication_date_is_none() -> None:
    assert resolve_date("on Tuesday", None) is None
