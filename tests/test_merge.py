"""The merge rule: keys, windows, places, and the readout comparison."""

from __future__ import annotations

import dataclasses

from corpus_factory import make_coded, make_event
from tacitus.merge import (
    MergeRule,
    compare_readouts,
    dyad,
    event_day,
    merge_key,
    merged_id,
    places_compatible,
    window,
)
from tacitus.records import Actor, Quote
from tacitus.store import Store


def test_symmetric_types_have_an_unordered_dyad() -> None:
    a = make_event("x", event="CONSULT", source="IRN", target="RUS")
    b = make_event("y", event="CONSULT", source="RUS", target="IRN")
    assert merge_key(a) == merge_key(b)
    c = make_event("x", event="ACCUSE", source="IRN", target="RUS")
    d = make_event("y", event="ACCUSE", source="RUS", target="IRN")
    assert merge_key(c) != merge_key(d)
    e = make_event("y", event="ACCUSE", source="RUS", target="IRN", reciprocal=True)
    f = make_event("x", event="ACCUSE", source="IRN", target="RUS", reciprocal=True)
    assert merge_key(e) == merge_key(f)


def test_sectors_are_part_of_the_dyad() -> None:
    gov = make_event("x", event="ACCUSE")
    mil = make_event("x", event="ACCUSE", source_sector="MIL")
    assert merge_key(gov) != merge_key(mil)


def test_window_and_days() -> None:
    assert window("2021-11-16") == ("2021-11-14", "2021-11-18")
    assert window("2021-11-16", MergeRule(window_days=0)) == ("2021-11-16", "2021-11-16")
    assert window("") is None and window("2021-11") is None
    assert event_day(make_event(date="2021-11")) == ""
    assert event_day(make_event(date=None, published="2021-11-17")) == "2021-11-17"


def test_places() -> None:
    assert places_compatible("", "FRA|Paris")
    assert places_compatible("FRA|", "FRA|Paris")
    assert places_compatible("FRA|Paris", "FRA|Paris")
    assert not places_compatible("FRA|Paris", "ITA|Rome")
    assert not places_compatible("FRA|Paris", "FRA|Lyon")


def test_merged_id_is_stable() -> None:
    assert merged_id("abc") == merged_id("abc") != merged_id("abd")
    assert merged_id("abc").startswith("m") and len(merged_id("abc")) == 16


def test_compare_readouts_shows_what_each_side_adds() -> None:
    raisi = Actor("Raisi", (0, 5), "IRN", "GOV", "Ebrahim Raisi")
    putin = Actor("Putin", (0, 5), "RUS", "GOV", "Vladimir Putin")
    tehran = make_coded(
        "tehran",
        publisher="Tehran Times",
        events=[
            make_event("tehran", source="IRN", target="RUS"),
            make_event("tehran", sentence=2, event="ACCUSE", source="IRN", target="USA"),
        ],
        actors=(raisi, putin),
        quotes=(Quote("tehran", "Outsiders must leave Syria.", (0, 10), raisi, "Raisi said"),),
    )
    kremlin = make_coded(
        "kremlin",
        publisher="Kremlin",
        events=[make_event("kremlin", source="RUS", target="IRN")],
        actors=(putin,),
    )
    with Store(":memory:") as store:
        store.add([tehran, kremlin])
        (merged,), _ = store.events(type="CONSULT")
        result = compare_readouts(store, merged["id"])
        by_mention = compare_readouts(store, tehran.events[0].id)
        assert compare_readouts(store, "nope") is None
    assert result is not None and by_mention is not None
    assert by_mention["event"]["id"] == merged["id"]
    accounts = {a["publisher"]: a for a in result["accounts"]}
    assert set(accounts) == {"Tehran Times", "Kremlin"}
    assert accounts["Tehran Times"]["topics_only_here"] == ["ACCUSE IRN->USA"]
    assert accounts["Tehran Times"]["actors_only_here"] == ["Ebrahim Raisi (IRN-GOV)"]
    assert accounts["Kremlin"]["actors_only_here"] == []
    assert accounts["Tehran Times"]["quotes"][0]["speaker"] == "Ebrahim Raisi (IRN-GOV)"
    assert result["event"]["mentions"] == 2


def test_dyad_of_a_joint_side() -> None:
    joint = make_event("x", event="CONSULT", reciprocal=True)
    joint = dataclasses.replace(joint, source=joint.source + joint.target, target=())
    src, tgt = dyad(joint)
    assert (src and src.code, tgt and tgt.code) == ("IRN", "RUS")
    assert merge_key(joint) == merge_key(make_event("y", source="RUS", target="IRN"))
    lone = dataclasses.replace(joint, source=joint.source[:1])
    assert [a and a.code for a in dyad(lone)] == ["IRN", None]


def test_generic_codes_compare_names() -> None:
    eu = make_event("x", target="IGO")
    au = make_event("y", target="IGO")
    eu = dataclasses.replace(eu, target=(Actor("EU", (0, 2), "IGO", "GOV", "European Union"),))
    au = dataclasses.replace(au, target=(Actor("AU", (0, 2), "IGO", "GOV", "African Union"),))
    assert merge_key(eu) != merge_key(au)


def test_a_missing_side_merges_only_within_its_article() -> None:
    a1 = dataclasses.replace(make_event("a", event="SUPPORT"), target=())
    a2 = dataclasses.replace(make_event("a", event="SUPPORT", sentence=3), target=())
    b = dataclasses.replace(make_event("b", event="SUPPORT"), target=())
    assert merge_key(a1) == merge_key(a2) != merge_key(b)
