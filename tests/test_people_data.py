"""Validate the built-in dictionary of people with date-bounded roles (people.yaml)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import pycountry
import pytest
import yaml

ACTORS = Path(__file__).resolve().parents[1] / "src" / "tacitus" / "data" / "actors"
PEOPLE_YAML = ACTORS / "people.yaml"
ORGS_YAML = ACTORS / "organizations.yaml"

ROLES = {
    "president",
    "vice president",
    "prime minister",
    "chancellor",
    "foreign minister",
    "defence minister",
    "interior minister",
    "finance minister",
    "minister",
    "supreme leader",
    "head of state",
    "chief justice",
    "speaker",
    "secretary-general",
}
SECTORS = {"GOV", "JUD", "LEG", "MIL"}
ROLE_KEYS = {"country", "org", "sector", "role", "start", "end"}
# Offices held by one person at a time (acting holders are entered so as not to overlap).
SINGLE_HOLDER = {
    "president",
    "prime minister",
    "chancellor",
    "supreme leader",
    "foreign minister",
    "secretary-general",
}
# Offices where two people legitimately share a (country, org, role) key:
# the EU has a President of the Commission and a President of the European Council.
SHARED_OFFICES = {("IGO", "European Union", "president")}
FAR_FUTURE = dt.date(9999, 12, 31)

HEADS = {"president", "prime minister", "chancellor", "head of state", "supreme leader"}
COVERED = [
    "ARG",
    "AUS",
    "BRA",
    "CAN",
    "CHN",
    "FRA",
    "DEU",
    "IND",
    "IDN",
    "ITA",
    "JPN",
    "MEX",
    "RUS",
    "SAU",
    "ZAF",
    "KOR",
    "TUR",
    "GBR",
    "USA",
    "IRN",
    "IRQ",
    "ISR",
    "PSE",
    "JOR",
    "LBN",
    "SYR",
    "ARE",
    "QAT",
    "KWT",
    "BHR",
    "OMN",
    "YEM",
    "EGY",
    "ARM",
    "AZE",
    "GEO",
    "KAZ",
    "KGZ",
    "TJK",
    "TKM",
    "UZB",
    "AFG",
    "PAK",
    "UKR",
    "BLR",
    "PRK",
]
SAMPLE_DATES = [dt.date(2002, 6, 1), dt.date(2012, 6, 1), dt.date(2022, 6, 1), dt.date(2025, 12, 1)]
FM_DATES = [dt.date(2012, 6, 1), dt.date(2022, 6, 1)]


def _load() -> list[dict]:
    data = yaml.safe_load(PEOPLE_YAML.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("people"), list)
    return data["people"]


PEOPLE = _load()
ORG_NAMES = {
    o["name"] for o in yaml.safe_load(ORGS_YAML.read_text(encoding="utf-8"))["organizations"]
}


def _span(role: dict) -> tuple[dt.date, dt.date]:
    return role["start"], role["end"] or FAR_FUTURE


def _overlap(a: dict, b: dict) -> bool:
    """Strict overlap: a handover day shared by the outgoing and incoming holder is allowed."""
    (s1, e1), (s2, e2) = _span(a), _span(b)
    return s1 < e2 and s2 < e1


def _holds(role: dict, day: dt.date) -> bool:
    start, end = _span(role)
    return start <= day < end


def _valid_country(code: str) -> bool:
    return code == "PSE" or pycountry.countries.get(alpha_3=code) is not None


def test_header_and_version() -> None:
    text = PEOPLE_YAML.read_text(encoding="utf-8")
    assert text.startswith("# People with date-bounded roles.")
    assert yaml.safe_load(text)["version"]


def test_entries_are_well_formed() -> None:
    assert len(PEOPLE) > 300
    for person in PEOPLE:
        assert set(person) == {"name", "aliases", "roles"}, person
        assert isinstance(person["name"], str) and person["name"].strip() == person["name"]
        assert person["name"]
        assert isinstance(person["aliases"], list), person["name"]
        for alias in person["aliases"]:
            assert isinstance(alias, str) and alias.strip() == alias and alias, person["name"]
        assert len({a.casefold() for a in person["aliases"]}) == len(person["aliases"]), (
            f"duplicate alias in {person['name']}"
        )
        assert isinstance(person["roles"], list) and person["roles"], person["name"]


def test_roles_are_valid() -> None:
    for person in PEOPLE:
        name = person["name"]
        for role in person["roles"]:
            assert set(role) <= ROLE_KEYS, (name, role)
            assert role["role"] in ROLES, (name, role)
            assert role["sector"] in SECTORS, (name, role)
            if role["country"] == "IGO":
                assert role.get("org") in ORG_NAMES, (name, role)
            else:
                assert "org" not in role, (name, role)
                assert _valid_country(role["country"]), (name, role)
            assert type(role["start"]) is dt.date, (name, role)
            assert role["end"] is None or type(role["end"]) is dt.date, (name, role)
            if role["end"] is not None:
                assert role["start"] <= role["end"], (name, role)
            assert role["start"] <= dt.date(2026, 12, 31), (name, role)
        starts = [r["start"] for r in person["roles"]]
        assert starts == sorted(starts), f"roles of {name} are not in chronological order"


def test_judicial_and_legislative_sectors() -> None:
    for person in PEOPLE:
        for role in person["roles"]:
            if role["role"] == "chief justice":
                assert role["sector"] == "JUD", person["name"]
            if role["role"] == "speaker":
                assert role["sector"] == "LEG", person["name"]


def test_names_unique() -> None:
    names = [p["name"].casefold() for p in PEOPLE]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes


def test_no_overlapping_stints_in_same_office() -> None:
    for person in PEOPLE:
        by_office = defaultdict(list)
        for role in person["roles"]:
            by_office[(role["country"], role.get("org"), role["role"])].append(role)
        for office, roles in by_office.items():
            for a, b in combinations(roles, 2):
                assert not _overlap(a, b), (person["name"], office, a, b)


def test_single_holder_offices_do_not_overlap() -> None:
    holders = defaultdict(list)
    for person in PEOPLE:
        for role in person["roles"]:
            key = (role["country"], role.get("org"), role["role"])
            if role["role"] in SINGLE_HOLDER and key not in SHARED_OFFICES:
                holders[key].append((person["name"], role))
    problems = []
    for key, roles in holders.items():
        for (n1, r1), (n2, r2) in combinations(roles, 2):
            if n1 != n2 and _overlap(r1, r2):
                problems.append((key, n1, _span(r1), n2, _span(r2)))
    assert not problems, problems


def test_shared_aliases_do_not_overlap_in_time() -> None:
    by_form = defaultdict(list)
    for person in PEOPLE:
        for form in {person["name"].casefold(), *(a.casefold() for a in person["aliases"])}:
            by_form[form].append(person)
    problems = []
    for form, people in by_form.items():
        for p, q in combinations(people, 2):
            if any(_overlap(a, b) for a in p["roles"] for b in q["roles"]):
                problems.append((form, p["name"], q["name"]))
    assert not problems, problems


def _holder(country: str, roles: set[str], day: dt.date, org: str | None = None) -> list[str]:
    return [
        p["name"]
        for p in PEOPLE
        for r in p["roles"]
        if r["country"] == country and r.get("org") == org and r["role"] in roles and _holds(r, day)
    ]


@pytest.mark.parametrize("country", COVERED)
def test_coverage_heads(country: str) -> None:
    for day in SAMPLE_DATES:
        assert _holder(country, HEADS, day), f"no head of state/government for {country} on {day}"


@pytest.mark.parametrize("country", COVERED)
def test_coverage_foreign_ministers(country: str) -> None:
    for day in FM_DATES:
        assert _holder(country, {"foreign minister"}, day), f"no foreign minister: {country} {day}"


@pytest.mark.parametrize(
    ("org", "role"),
    [
        ("United Nations", "secretary-general"),
        ("North Atlantic Treaty Organization", "secretary-general"),
        ("International Atomic Energy Agency", "secretary-general"),
        ("European Union", "president"),
        ("European Union", "foreign minister"),
    ],
)
def test_coverage_organisations(org: str, role: str) -> None:
    for day in SAMPLE_DATES:
        if org == "European Union" and day < dt.date(2009, 12, 1) and role == "foreign minister":
            continue
        assert _holder("IGO", {role}, day, org), (org, role, day)


@pytest.mark.parametrize(
    ("surface", "day", "expected"),
    [
        ("Putin", dt.date(2021, 3, 1), ("RUS", "GOV", "president")),
        ("Putin", dt.date(2010, 3, 1), ("RUS", "GOV", "prime minister")),
        ("Raisi", dt.date(2019, 6, 1), ("IRN", "JUD", "chief justice")),
        ("Raisi", dt.date(2022, 6, 1), ("IRN", "GOV", "president")),
        ("Merkel", dt.date(2015, 6, 1), ("DEU", "GOV", "chancellor")),
        ("Khamenei", dt.date(2020, 1, 1), ("IRN", "GOV", "supreme leader")),
        ("Erdogan", dt.date(2010, 1, 1), ("TUR", "GOV", "prime minister")),
        ("Erdoğan", dt.date(2020, 1, 1), ("TUR", "GOV", "president")),
        ("Zelenskyy", dt.date(2023, 1, 1), ("UKR", "GOV", "president")),
        ("Guterres", dt.date(2023, 1, 1), ("IGO", "GOV", "secretary-general")),
        ("Netanyahu", dt.date(2024, 1, 1), ("ISR", "GOV", "prime minister")),
        ("Lavrov", dt.date(2024, 1, 1), ("RUS", "GOV", "foreign minister")),
    ],
)
def test_known_anchors(surface: str, day: dt.date, expected: tuple[str, str, str]) -> None:
    found = {
        (r["country"], r["sector"], r["role"])
        for p in PEOPLE
        if surface.casefold() in {p["name"].casefold(), *(a.casefold() for a in p["aliases"])}
        for r in p["roles"]
        if _holds(r, day)
    }
    assert expected in found, (surface, day, found)
