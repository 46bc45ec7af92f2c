"""Validate the built-in dictionaries of countries and organisations."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pycountry
import pytest
import yaml

ACTORS = Path(__file__).resolve().parents[1] / "src" / "tacitus" / "data" / "actors"
COUNTRIES_YAML = ACTORS / "countries.yaml"
ORGS_YAML = ACTORS / "organizations.yaml"

# Codes in use that ISO 3166-1 does not assign (Kosovo's user-assigned code).
EXTRA_COUNTRY_CODES = {"XKX"}
ORG_CODES = {"IGO", "NGO", "MNC", "IMG"}
SECTORS = {
    "GOV",
    "MIL",
    "COP",
    "JUD",
    "LEG",
    "OPP",
    "REB",
    "CVL",
    "BUS",
    "JRN",
    "REL",
    "EDU",
    "MED",
    "REF",
    "LAB",
    "HRI",
}
COUNTRY_KEYS = {"names", "demonyms", "capital", "seats"}
ORG_KEYS = {"name", "code", "country", "sector", "aliases"}


def _load(path: Path, key: str):  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), f"{path.name} lost its header comment"
    data = yaml.safe_load(text)
    assert isinstance(data, dict) and data.get("version"), path.name
    return data[key]


COUNTRIES: dict[str, dict] = _load(COUNTRIES_YAML, "countries")
ORGS: list[dict] = _load(ORGS_YAML, "organizations")


def _valid_alpha3(code: object) -> bool:
    if not isinstance(code, str) or len(code) != 3 or not code.isupper():
        return False
    return code in EXTRA_COUNTRY_CODES or pycountry.countries.get(alpha_3=code) is not None


def _country_forms(entry: dict) -> list[str]:
    forms = [*entry["names"], *entry["demonyms"], *entry["seats"]]
    if entry["capital"] is not None:
        forms.append(entry["capital"])
    return forms


def _org_forms(org: dict) -> list[str]:
    return [org["name"], *org["aliases"]]


def _is_clean(s: object) -> bool:
    return isinstance(s, str) and bool(s) and s.strip() == s and "  " not in s


def _country_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for code, entry in COUNTRIES.items():
        for form in _country_forms(entry):
            index[form].add(code)
    return index


def _org_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for org in ORGS:
        for form in _org_forms(org):
            index[form].append(org["name"])
    return index


# --- countries.yaml


def test_country_codes_are_valid_alpha3() -> None:
    bad = [code for code in COUNTRIES if not _valid_alpha3(code)]
    assert not bad, bad


def test_every_iso_country_is_present() -> None:
    missing = {c.alpha_3 for c in pycountry.countries} - set(COUNTRIES)
    assert not missing, sorted(missing)
    for code in ("PSE", "XKX", "TWN", "HKG"):
        assert code in COUNTRIES


def test_country_entries_are_well_formed() -> None:
    for code, entry in COUNTRIES.items():
        assert isinstance(entry, dict) and set(entry) == COUNTRY_KEYS, code
        assert entry["names"], f"{code} has no names"
        for field in ("names", "demonyms", "seats"):
            assert isinstance(entry[field], list), (code, field)
            for form in entry[field]:
                assert _is_clean(form), (code, field, form)
        assert entry["capital"] is None or _is_clean(entry["capital"]), code
        forms = _country_forms(entry)
        assert len(forms) == len(set(forms)), f"{code} repeats a surface form"


def test_country_aliases_map_to_one_country() -> None:
    clashes = {form: sorted(codes) for form, codes in _country_index().items() if len(codes) > 1}
    assert not clashes, clashes


def test_common_name_leads_each_entry() -> None:
    # The first name is the everyday English name, never the inverted ISO form.
    for code, entry in COUNTRIES.items():
        first = entry["names"][0]
        assert ", " not in first or code in {"BES", "SHN"}, (code, first)


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ("Burma", "MMR"),
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("South Korea", "KOR"),
        ("ROK", "KOR"),
        ("Republic of Korea", "KOR"),
        ("North Korea", "PRK"),
        ("DPRK", "PRK"),
        ("Britain", "GBR"),
        ("Northern Ireland", "GBR"),
        ("U.S.", "USA"),
        ("America", "USA"),
        ("UAE", "ARE"),
        ("the Emirates", "ARE"),
        ("Czechia", "CZE"),
        ("Czech Republic", "CZE"),
        ("Holland", "NLD"),
        ("Soviet Union", "RUS"),
        ("USSR", "RUS"),
        ("Yugoslavia", "SRB"),
        ("Zaire", "COD"),
        ("Gaza", "PSE"),
        ("Gaza Strip", "PSE"),
        ("West Bank", "PSE"),
        ("Hong Kong", "HKG"),
        ("Taiwan", "TWN"),
        ("Kosovo", "XKX"),
        ("Chechnya", "RUS"),
        ("Kurdistan", "IRQ"),
        ("Nagorno-Karabakh", "AZE"),
        ("Crimea", "UKR"),
        ("Donbas", "UKR"),
        ("Tibet", "CHN"),
        ("Xinjiang", "CHN"),
        ("Iranian", "IRN"),
        ("Filipino", "PHL"),
        ("Philippine", "PHL"),
        ("Israelis", "ISR"),
        ("Palestinians", "PSE"),
        ("Kurdish", "IRQ"),
        ("Kurds", "IRQ"),
        ("Chechen", "RUS"),
        ("Tamil", "LKA"),
        ("Greek Cypriot", "CYP"),
        ("Greek-Cypriot", "CYP"),
        ("Turkish Cypriot", "CYP"),
        ("Kremlin", "RUS"),
        ("White House", "USA"),
        ("Pentagon", "USA"),
        ("State Department", "USA"),
        ("Foggy Bottom", "USA"),
        ("Downing Street", "GBR"),
        ("Whitehall", "GBR"),
        ("Élysée", "FRA"),
        ("Elysee", "FRA"),
        ("Quai d'Orsay", "FRA"),
        ("Chancellery", "DEU"),
        ("Zhongnanhai", "CHN"),
        ("Blue House", "KOR"),
        ("Tehran", "IRN"),
        ("Kyiv", "UKR"),
    ],
)
def test_known_country_forms(form: str, code: str) -> None:
    assert _country_index().get(form) == {code}, form


def test_seats_are_not_legislatures() -> None:
    # Seats code as GOV; legislatures are LEG and belong to the sector words.
    seats = {s for entry in COUNTRIES.values() for s in entry["seats"]}
    assert not seats & {"Capitol Hill", "Knesset", "Duma", "Bundestag", "Westminster"}


# --- organizations.yaml


def test_org_entries_are_well_formed() -> None:
    assert 150 <= len(ORGS) <= 400
    for org in ORGS:
        assert isinstance(org, dict) and {"name", "code", "aliases"} <= set(org) <= ORG_KEYS, org
        assert _is_clean(org["name"]), org
        assert isinstance(org["aliases"], list), org["name"]
        for alias in org["aliases"]:
            assert _is_clean(alias), (org["name"], alias)


def test_org_codes_are_valid() -> None:
    for org in ORGS:
        code = org["code"]
        assert code in ORG_CODES or _valid_alpha3(code), (org["name"], code)
        if "country" in org:
            assert _valid_alpha3(org["country"]), (org["name"], org["country"])
        if code in ORG_CODES:
            assert "country" not in org, f"{org['name']}: {code} bodies take no country"
        else:
            assert org.get("country") == code, f"{org['name']}: national body needs country"


def test_org_sectors_are_known() -> None:
    for org in ORGS:
        if "sector" in org:
            assert org["sector"] in SECTORS, (org["name"], org["sector"])


def test_org_aliases_are_unique() -> None:
    clashes = {f: names for f, names in _org_index().items() if len(names) > 1}
    assert not clashes, clashes


def test_no_alias_shared_by_country_and_org() -> None:
    clashes = sorted(set(_country_index()) & set(_org_index()))
    assert not clashes, clashes


@pytest.mark.parametrize(
    ("form", "code", "sector"),
    [
        ("UN", "IGO", None),
        ("Security Council", "IGO", "GOV"),
        ("UN refugee agency", "IGO", "REF"),
        ("World Food Program", "IGO", None),
        ("ICJ", "IGO", "JUD"),
        ("ICC", "IGO", "JUD"),
        ("European Parliament", "IGO", "LEG"),
        ("NATO", "IGO", "MIL"),
        ("Doctors Without Borders", "NGO", "MED"),
        ("Human Rights Watch", "NGO", "HRI"),
        ("Reuters", "MNC", "JRN"),
        ("Xinhua", "CHN", "JRN"),
        ("Taliban", "AFG", "REB"),
        ("Hizbollah", "LBN", "REB"),
        ("Hamas", "PSE", "REB"),
        ("Palestinian Authority", "PSE", "GOV"),
        ("Ansar Allah", "YEM", "REB"),
        ("al-Qaeda", "IMG", "REB"),
        ("Daesh", "IMG", "REB"),
        ("PKK", "TUR", "REB"),
        ("SDF", "SYR", "REB"),
        ("Tamil Tigers", "LKA", "REB"),
        ("IRGC", "IRN", "MIL"),
        ("Revolutionary Guards", "IRN", "MIL"),
        ("Wagner Group", "RUS", "MIL"),
        ("CIA", "USA", "COP"),
        ("Aramco", "SAU", "BUS"),
    ],
)
def test_known_orgs(form: str, code: str, sector: str | None) -> None:
    names = _org_index().get(form)
    assert names and len(names) == 1, form
    org = next(o for o in ORGS if o["name"] == names[0])
    assert (org["code"], org.get("sector")) == (code, sector), org
