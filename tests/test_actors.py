"""Actor resolution: countries, capitals, titles, organisations, compounds, coreference."""

from __future__ import annotations

import datetime as dt

import pytest

from tacitus.coder import CodedArticle
from tacitus.records import Actor, Article


def coded(coder, text: str, day: dt.date = dt.date(2021, 11, 17)) -> CodedArticle:
    return next(coder.code([Article(id="a", text=text, published=day)]))


def actor_for(article: CodedArticle, text: str) -> Actor:
    for actor in article.actors:
        if actor.text == text:
            return actor
    raise AssertionError(f"{text!r} not among {[a.text for a in article.actors]}")


def test_capital_and_seat_of_power_code_the_government(coder) -> None:
    art = coded(coder, "The Kremlin criticized Washington. Moscow praised Beijing.")
    assert (actor_for(art, "The Kremlin").code, actor_for(art, "The Kremlin").sector) == (
        "RUS",
        "GOV",
    )
    assert (actor_for(art, "Moscow").code, actor_for(art, "Moscow").sector) == ("RUS", "GOV")


def test_demonym_and_sector(coder) -> None:
    art = coded(coder, "Israeli troops detained Palestinian protesters.")
    assert (actor_for(art, "Israeli troops").code, actor_for(art, "Israeli troops").sector) == (
        "ISR",
        "MIL",
    )
    assert actor_for(art, "Palestinian protesters").sector == "CVL"


def test_police_in_a_city(coder) -> None:
    art = coded(coder, "Police in Jericho arrested two Jordanian nationals.")
    police = actor_for(art, "Police in Jericho")
    assert (police.code, police.sector) == ("PSE", "COP")


def test_international_organisation(coder) -> None:
    art = coded(coder, "The IAEA criticized Iran.")
    iaea = actor_for(art, "The IAEA")
    assert iaea.code == "IGO" and iaea.name == "International Atomic Energy Agency"


def test_counterpart_with_name(coder) -> None:
    art = coded(
        coder, "Iranian President Ebrahim Raisi thanked his Russian counterpart Vladimir Putin."
    )
    names = {a.name for a in art.actors}
    assert {"Ebrahim Raisi", "Vladimir Putin"} <= names


def test_surname_and_title_coreference(coder) -> None:
    text = (
        "Iranian President Ayatollah Seyed Ebrahim Raisi criticized Israel. "
        "Later, Ayatollah Raisi praised Syria. The Iranian president also thanked Iraq."
    )
    art = coded(coder, text)
    assert actor_for(art, "Ayatollah Raisi").name == "Ebrahim Raisi"
    assert actor_for(art, "The Iranian president").name == "Ebrahim Raisi"


def test_compound_actor_is_a_list(coder) -> None:
    art = coded(coder, "Iran and Russia criticized the United States.")
    event = art.events[0]
    assert {a.code for a in event.source} == {"IRN", "RUS"}


def test_common_word_is_not_a_country(coder) -> None:
    art = coded(coder, "They chad a plan. Turkey is a bird.")
    assert art.events == ()


@pytest.mark.parametrize(
    ("text", "source", "target"),
    [
        ("Iran's foreign minister criticized Israel.", ("IRN", "GOV"), ("ISR", None)),
        ("Rebels attacked a Malian army base.", ("MLI", "REB"), ("MLI", "MIL")),
        ("The Kenyan parliament rejected the IMF loan.", ("KEN", "LEG"), ("IGO", None)),
        ("A Turkish court sentenced two German journalists.", ("TUR", "JUD"), ("DEU", "JRN")),
        (
            "The Belarusian opposition condemned President Lukashenko.",
            ("BLR", "OPP"),
            ("BLR", "GOV"),
        ),
    ],
)
def test_sectors(coder, text: str, source: tuple, target: tuple) -> None:
    (event,) = coded(coder, text).events
    assert (event.source[0].code, event.source[0].sector) == source
    assert (event.target[0].code, event.target[0].sector) == target


def test_foreign_minister_is_named_by_date(coder) -> None:
    (event,) = coded(coder, "Iran's foreign minister criticized Israel.").events
    assert event.source[0].name == "Hossein Amir-Abdollahian"
