"""Load and validate the actor and pattern dictionaries (built-in and user files)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import pycountry
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from tacitus.ontology import PLOVER_TYPES, cameo_table

PATTERN_FILES = (
    "agree", "consult", "support", "concede", "cooperate", "aid", "retreat", "request",
    "accuse", "reject", "threaten", "protest", "sanction", "mobilize", "coerce", "assault",
)  # fmt: skip


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DictionaryError(ValueError):
    """A dictionary file is missing, unreadable or invalid; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NegatedAs(_Strict):
    event: str
    cameo: str


class PatternModel(_Strict):
    id: str
    event: str | None = None
    verb: list[str] = Field(default_factory=list)
    noun: list[str] = Field(default_factory=list)
    adj: list[str] = Field(default_factory=list)
    noun_mod: list[str] = Field(default_factory=list)
    prep: str | None = None
    particle: str | None = None
    object_has: list[str] = Field(default_factory=list)
    object_not: list[str] = Field(default_factory=list)
    passive: bool | None = None
    cameo: str
    mode: str | None = None
    context: list[str] = Field(default_factory=list)
    intent: bool = False
    target: Literal["default", "ccomp_subject", "clause_subject", "none"] = "default"
    source: Literal["default", "reporter"] = "default"
    target_preps: list[str] = Field(default_factory=list)
    modal: list[str] = Field(default_factory=list)
    negated: NegatedAs | None = None
    confidence: float = 0.8

    @field_validator("verb", "noun", "adj", "noun_mod", "object_has", "object_not", "modal")
    @classmethod
    def _lower(cls, values: list[str]) -> list[str]:
        return [v.lower() for v in values]


class PatternFile(_Strict):
    version: str
    event: str | None = None
    patterns: list[PatternModel]


class RoleModel(_Strict):
    country: str
    sector: str = "GOV"
    role: str
    start: dt.date | None = None
    end: dt.date | None = None
    org: str | None = None


class PersonModel(_Strict):
    name: str
    aliases: list[str] = Field(default_factory=list)
    roles: list[RoleModel] = Field(default_factory=list)
    country: str | None = None
    sector: str | None = None


class OrgModel(_Strict):
    name: str
    code: str
    country: str | None = None
    sector: str | None = None
    aliases: list[str] = Field(default_factory=list)


class CountryModel(_Strict):
    names: list[str] = Field(default_factory=list)
    demonyms: list[str] = Field(default_factory=list)
    capital: str | None = None
    seats: list[str] = Field(default_factory=list)


class TitleModel(_Strict):
    words: list[str]
    role: str
    sector: str


class ActorFile(_Strict):
    version: str = "user"
    countries: dict[str, CountryModel] = Field(default_factory=dict)
    organizations: list[OrgModel] = Field(default_factory=list)
    people: list[PersonModel] = Field(default_factory=list)
    sectors: dict[str, list[str]] = Field(default_factory=dict)
    titles: list[TitleModel] = Field(default_factory=list)


@dataclass(frozen=True)
class Pattern:
    """One validated pattern: how a construction maps to PLOVER type, mode, CAMEO."""

    id: str
    event: str
    verb: frozenset[str]
    noun: frozenset[str]
    adj: frozenset[str]
    noun_mod: frozenset[str]
    prep: str | None
    particle: str | None
    object_has: frozenset[str]
    object_not: frozenset[str]
    passive: bool | None
    cameo: str
    mode: str | None
    context: tuple[str, ...]
    intent: bool
    target: str
    source: str
    target_preps: frozenset[str]
    modal: frozenset[str]
    negated: tuple[str, str] | None
    confidence: float

    @property
    def specificity(self) -> int:
        return (
            bool(self.verb) + bool(self.noun) * 2 + bool(self.adj) + bool(self.noun_mod)
            + bool(self.prep) + bool(self.particle) + bool(self.object_has)
            + (self.passive is not None) + bool(self.modal) - ("*" in self.verb) * 3
            + (self.target == "ccomp_subject")
        )  # fmt: skip


@dataclass(frozen=True)
class Lexicon:
    """Everything the actor resolver needs, merged from built-in and user files."""

    countries: dict[str, CountryModel]
    organizations: tuple[OrgModel, ...]
    people: tuple[PersonModel, ...]
    sectors: dict[str, tuple[str, ...]]
    titles: tuple[TitleModel, ...]
    versions: dict[str, str]


def _read_structured(path: Path | None, text: str, where: str) -> Any:
    if where.endswith((".jsonl", ".ndjson")):
        items = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DictionaryError(f"{where}:{lineno}: malformed JSON ({exc.msg})") from None
        return items
    try:
        return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader, in C when available
    except yaml.YAMLError as exc:
        raise DictionaryError(f"{where}: not valid YAML ({exc})") from None


def _read_user_file(path: Path) -> Any:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DictionaryError(f"{path}: cannot read ({exc})") from None
    return _read_structured(path, text, str(path))


def _builtin(name: str) -> Any:
    text = files("tacitus").joinpath(f"data/{name}").read_text("utf-8")
    return _read_structured(None, text, name)


def _validation_message(where: str, exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    return f"{where}: {loc}: {first['msg']}"


def _pattern_from_model(model: PatternModel, event: str, where: str) -> Pattern:
    event = (model.event or event).upper()
    if event not in PLOVER_TYPES:
        raise DictionaryError(f"{where}: pattern {model.id}: unknown PLOVER type {event}")
    table = cameo_table()
    if model.cameo not in table:
        raise DictionaryError(f"{where}: pattern {model.id}: unknown CAMEO code {model.cameo}")
    if not (model.verb or model.noun or model.adj):
        raise DictionaryError(f"{where}: pattern {model.id}: needs a verb, noun or adj")
    negated = (model.negated.event, model.negated.cameo) if model.negated else None
    return Pattern(
        id=model.id,
        event=event,
        verb=frozenset(model.verb),
        noun=frozenset(model.noun),
        adj=frozenset(model.adj),
        noun_mod=frozenset(model.noun_mod),
        prep=model.prep,
        particle=model.particle,
        object_has=frozenset(model.object_has),
        object_not=frozenset(model.object_not),
        passive=model.passive,
        cameo=model.cameo,
        mode=model.mode,
        context=tuple(model.context),
        intent=model.intent,
        target=model.target,
        source=model.source,
        target_preps=frozenset(model.target_preps),
        modal=frozenset(model.modal),
        negated=negated,
        confidence=model.confidence,
    )


def _patterns_from(raw: Any, where: str) -> tuple[list[Pattern], str]:
    if isinstance(raw, list):  # JSONL: one pattern a line, each with its "event"
        raw = {"version": "user", "patterns": raw}
    try:
        parsed = PatternFile.model_validate(raw)
    except ValidationError as exc:
        raise DictionaryError(_validation_message(where, exc)) from None
    return [
        _pattern_from_model(p, parsed.event or "", where) for p in parsed.patterns
    ], parsed.version


@lru_cache(maxsize=8)
def load_patterns(user_files: tuple[Path, ...] = ()) -> tuple[tuple[Pattern, ...], dict[str, str]]:
    """All patterns, built-in first; a user pattern with the same id replaces the built-in one."""
    by_id: dict[str, Pattern] = {}
    versions: dict[str, str] = {}
    for name in PATTERN_FILES:
        patterns, version = _patterns_from(
            _builtin(f"patterns/{name}.yaml"), f"patterns/{name}.yaml"
        )
        versions[f"patterns/{name}"] = version
        for p in patterns:
            if p.id in by_id:
                raise DictionaryError(f"patterns/{name}.yaml: duplicate pattern id {p.id}")
            by_id[p.id] = p
    for path in user_files:
        patterns, version = _patterns_from(_read_user_file(path), str(path))
        versions[f"user:{path.name}"] = version
        for p in patterns:
            by_id[p.id] = p
    return tuple(by_id.values()), versions


def _actor_file(raw: Any, where: str) -> ActorFile:
    if isinstance(raw, list):  # JSONL: each line a person or an organisation
        people = [r for r in raw if isinstance(r, dict) and ("roles" in r or "code" not in r)]
        orgs = [r for r in raw if isinstance(r, dict) and "code" in r and "roles" not in r]
        raw = {"people": people, "organizations": orgs}
    if not isinstance(raw, dict):
        raise DictionaryError(f"{where}: expected a mapping with countries/organizations/people")
    try:
        return ActorFile.model_validate(raw)
    except ValidationError as exc:
        raise DictionaryError(_validation_message(where, exc)) from None


def _valid_code(code: str) -> bool:
    return code in {"IGO", "NGO", "MNC", "IMG", "PSE", "XKX"} or (
        pycountry.countries.get(alpha_3=code) is not None
    )


@lru_cache(maxsize=8)
def load_lexicon(user_files: tuple[Path, ...] = ()) -> Lexicon:
    """The actor lexicon: built-in files, then user files that add or override entries."""
    parts = [
        ("actors/countries", _actor_file(_builtin("actors/countries.yaml"), "countries.yaml")),
        (
            "actors/organizations",
            _actor_file(_builtin("actors/organizations.yaml"), "organizations.yaml"),
        ),
        ("actors/people", _actor_file(_builtin("actors/people.yaml"), "people.yaml")),
        ("actors/sectors", _actor_file(_builtin("actors/sectors.yaml"), "sectors.yaml")),
    ]
    for path in user_files:
        parts.append((f"user:{path.name}", _actor_file(_read_user_file(path), str(path))))
    countries: dict[str, CountryModel] = {}
    orgs: dict[str, OrgModel] = {}
    people: dict[str, PersonModel] = {}
    sectors: dict[str, tuple[str, ...]] = {}
    titles: list[TitleModel] = []
    versions: dict[str, str] = {}
    for name, part in parts:
        versions[name] = part.version
        for code, country in part.countries.items():
            if not _valid_code(code):
                raise DictionaryError(f"{name}: {code} is not an ISO-3166 alpha-3 code")
            countries[code] = country
        for org in part.organizations:
            orgs[org.name] = org
        for person in part.people:
            people[person.name] = person
        for sector, words in part.sectors.items():
            sectors[sector] = tuple(sectors.get(sector, ())) + tuple(words)
        titles.extend(part.titles)
    return Lexicon(
        countries=countries,
        organizations=tuple(orgs.values()),
        people=tuple(people.values()),
        sectors=sectors,
        titles=tuple(titles),
        versions=versions,
    )


def dictionary_versions(
    actor_files: Iterable[Path] = (), pattern_files: Iterable[Path] = ()
) -> str:
    lex = load_lexicon(tuple(actor_files))
    _, pversions = load_patterns(tuple(pattern_files))
    merged = {**lex.versions, **pversions}
    return ";".join(f"{k}={v}" for k, v in sorted(merged.items()))
