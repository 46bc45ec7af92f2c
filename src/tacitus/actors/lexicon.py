"""Find actor-bearing words in a parsed text: countries, capitals, people, titles, sectors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pycountry
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from tacitus.dictionaries import Lexicon, PersonModel, RoleModel

# Kinds of mention, from what names a whole actor to what only qualifies one.
COUNTRY, CAPITAL, SEAT, DEMONYM, ORG, PERSON, TITLE, SECTOR = (
    "country", "capital", "seat", "demonym", "org", "person", "title", "sector",
)  # fmt: skip


@dataclass(frozen=True)
class Entry:
    """What a matched phrase means: one dictionary entry."""

    kind: str
    code: str | None = None
    sector: str | None = None
    name: str | None = None
    role: str | None = None
    person: PersonModel | None = None


@dataclass(frozen=True)
class Mention:
    """A matched phrase in a Doc (token offsets) and the entries it may mean."""

    start: int
    end: int
    entries: tuple[Entry, ...]

    @property
    def kind(self) -> str:
        return self.entries[0].kind


@dataclass(frozen=True)
class Holding:
    """A role held by a person over a period."""

    person: PersonModel
    role: RoleModel

    def covers(self, day: dt.date | None) -> bool:
        if day is None:
            return self.role.end is None
        start_ok = self.role.start is None or self.role.start <= day
        end_ok = self.role.end is None or day <= self.role.end
        return start_ok and end_ok


def _strip_the(phrase: str) -> str:
    return phrase[4:] if phrase.lower().startswith("the ") else phrase


class ActorLexicon:
    """PhraseMatchers over the lexicon, and lookups of people by role and date."""

    def __init__(self, nlp: Language, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._proper = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._entries: dict[str, tuple[Entry, ...]] = {}
        self._holders: dict[tuple[str, str], list[Holding]] = defaultdict(list)
        self._build(nlp)

    def _add(
        self, matcher: PhraseMatcher, nlp: Language, key: str, entry: Entry, phrases: Iterable[str]
    ) -> None:
        unique = {_strip_the(p).strip() for p in phrases if p and p.strip()}
        # News writes the apostrophe both ways: "People's Republic", "People’s Republic".
        unique |= {t.replace("'", "\u2019") for t in unique if "'" in t}
        texts = sorted(unique)
        if not texts:
            return
        self._entries[key] = (*self._entries.get(key, ()), entry)
        matcher.add(key, [nlp.make_doc(t) for t in texts])

    def _build(self, nlp: Language) -> None:
        lex = self.lexicon
        for code, country in lex.countries.items():
            names = set(country.names)
            iso = pycountry.countries.get(alpha_3=code)
            if iso is not None:
                names.update(
                    n
                    for n in (
                        iso.name,
                        getattr(iso, "common_name", None),
                        getattr(iso, "official_name", None),
                    )
                    if n
                )
            self._add(self._proper, nlp, f"C|{code}", Entry(COUNTRY, code=code), names)
            demonyms = set(country.demonyms)
            self._add(self._proper, nlp, f"D|{code}", Entry(DEMONYM, code=code), demonyms)
            if country.capital:
                self._add(
                    self._proper,
                    nlp,
                    f"K|{code}",
                    Entry(CAPITAL, code=code, sector="GOV"),
                    [country.capital],
                )
            self._add(
                self._proper, nlp, f"S|{code}", Entry(SEAT, code=code, sector="GOV"), country.seats
            )
        for i, org in enumerate(lex.organizations):
            code = org.country or org.code
            entry = Entry(ORG, code=code, sector=org.sector, name=org.name)
            self._add(self._proper, nlp, f"O|{i}", entry, [org.name, *org.aliases])
        for i, person in enumerate(lex.people):
            entry = Entry(PERSON, name=person.name, person=person)
            self._add(self._proper, nlp, f"P|{i}", entry, [person.name, *person.aliases])
            for role in person.roles:
                self._holders[(role.country, role.role)].append(Holding(person, role))
        for sector, words in lex.sectors.items():
            self._add(self._lower, nlp, f"E|{sector}", Entry(SECTOR, sector=sector), words)
        for i, title in enumerate(lex.titles):
            entry = Entry(TITLE, sector=title.sector, role=title.role)
            self._add(self._lower, nlp, f"T|{i}", entry, title.words)

    def mentions(self, doc: Doc) -> dict[int, Mention]:
        """Token index -> the mention covering it (longest match wins; names beat words)."""
        vocab = doc.vocab
        spans: dict[tuple[int, int], list[Entry]] = defaultdict(list)
        for matcher in (self._proper, self._lower):
            for match_id, start, end in matcher(doc):
                spans[(start, end)].extend(self._entries[vocab.strings[match_id]])
        ordered = sorted(spans.items(), key=lambda kv: (-(kv[0][1] - kv[0][0]), kv[0][0]))
        taken: dict[int, Mention] = {}
        for (start, end), entries in ordered:
            if any(i in taken for i in range(start, end)):
                continue
            if not self._plausible(doc, start, end, entries):
                continue
            mention = Mention(start, end, tuple(entries))
            for i in range(start, end):
                taken[i] = mention
        return taken

    @staticmethod
    def _plausible(doc: Doc, start: int, end: int, entries: list[Entry]) -> bool:
        # A one-word name that is also a common lower-case word ("Chad", "Jordan", "May")
        # counts only when written with a capital and not as a sentence-initial verb.
        if end - start == 1 and entries[0].kind in (COUNTRY, CAPITAL, PERSON, ORG):
            token = doc[start]
            if token.pos_ in ("VERB", "AUX", "ADV", "ADP") and token.ent_type_ == "":
                return False
        if entries[0].kind == PERSON and end - start == 1:
            # "Boris" in "Boris Yeltsin": a first name that is part of another person's name.
            after = doc[end] if end < len(doc) else None
            if after is not None and after.pos_ == "PROPN" and after.ent_type_ == "PERSON":
                return False
        return True

    def holders(self, code: str, role: str, day: dt.date | None) -> list[Holding]:
        return [h for h in self._holders.get((code, role), ()) if h.covers(day)]

    @staticmethod
    def role_on(person: PersonModel, day: dt.date | None) -> RoleModel | None:
        """The role a person held on a day (the latest when undated), or None."""
        if not person.roles:
            return None
        dated = [r for r in person.roles if Holding(person, r).covers(day)]
        if dated:
            return dated[0]
        if day is None:
            return person.roles[-1]
        # Outside every role: the nearest earlier role still tells the country.
        earlier = [r for r in person.roles if r.start is None or r.start <= day]
        return earlier[-1] if earlier else person.roles[0]
