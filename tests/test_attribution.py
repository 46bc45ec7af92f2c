"""Quotes, their speakers, and the attribution of events."""

from __future__ import annotations

import datetime as dt

from tacitus.attribution import find_quote_spans
from tacitus.records import Article


def test_quote_spans_exclude_marks_and_scare_quotes() -> None:
    text = 'He called it "historic". "We will never accept this plan," the minister said.'
    quotes = find_quote_spans(text)
    assert [q.text for q in quotes] == ["We will never accept this plan,"]
    q = quotes[0]
    assert text[q.start : q.end] == q.text


def test_curly_and_straight_quotes() -> None:
    text = '“Our position has not changed at all,” she said. "The talks went very well indeed," he added.'
    assert len(find_quote_spans(text)) == 2


def test_speakers_resolved_before_and_after_the_quote(coder) -> None:
    text = (
        "Chilean President Gabriel Boric met Argentine officials on Monday. "
        '"We want closer trade with our neighbours," Boric said. '
        'He added, "The border will stay open for all goods."'
    )
    coded = next(coder.code([Article(id="q", text=text, published=dt.date(2023, 5, 2))]))
    speakers = [(q.speaker.code if q.speaker else None) for q in coded.quotes]
    assert speakers == ["CHL", "CHL"]
    assert coded.quotes[0].attribution_text == "Boric said"


def test_events_in_quotes_carry_the_speaker(coder) -> None:
    text = '"Japan supports the Philippine position," Japanese Foreign Minister Yoshimasa Hayashi said.'
    coded = next(coder.code([Article(id="q", text=text, published=dt.date(2023, 5, 2))]))
    event = next(e for e in coded.events if e.event == "SUPPORT")
    assert event.attribution.in_quote
    assert event.attribution.said_by is not None and event.attribution.said_by.code == "JPN"
