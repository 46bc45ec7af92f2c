"""Resolve a noun phrase to coded actors: country, sector, person, with in-article coreference."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from spacy.tokens import Token

from tacitus.actors.lexicon import (
    CAPITAL,
    COUNTRY,
    DEMONYM,
    ORG,
    PERSON,
    SEAT,
    SECTOR,
    TITLE,
    ActorLexicon,
    Holding,
    Mention,
)
from tacitus.places import Gazetteer
from tacitus.records import Actor

MODIFIER_DEPS = frozenset({"compound", "amod", "nmod", "poss", "appos", "npadvmod"})
PHRASE_PREPS = frozenset({"of", "in", "from", "for"})
PERSONAL = frozenset({"he", "she", "him", "her", "his", "hers", "himself", "herself"})
FIRST_PLURAL = frozenset({"we", "us", "our", "ours", "ourselves"})
THIRD_GROUP = frozenset({"it", "its", "they", "them", "their", "itself", "themselves"})
PLACE_KINDS = frozenset({COUNTRY, CAPITAL, SEAT, DEMONYM})


@dataclass
class ArticleMemory:
    """What an article has said so far about who is who (in-article coreference)."""

    last_person: Actor | None = None
    seen: dict[tuple[int, int], Actor] = field(default_factory=dict)
    by_surname: dict[str, Actor] = field(default_factory=dict)
    by_role: dict[tuple[str, str], Actor] = field(default_factory=dict)
    recent: list[Actor] = field(default_factory=list)  # named people, one per country, latest last
    dyad: tuple[Actor, Actor] | None = None  # the two parties of the article's first exchange

    def remember(self, actor: Actor, role: str | None) -> None:
        if actor.name is None:
            return
        self.last_person = actor
        if actor.code:
            self.recent = [a for a in self.recent if a.code != actor.code][-5:] + [actor]
        for part in {actor.name.split()[-1], actor.text.split()[-1]}:
            self.by_surname[part] = actor
        if role and actor.code:
            self.by_role[(actor.code, role)] = actor


@dataclass(frozen=True)
class Context:
    """Where a phrase is read: the article's date, its mentions, who is speaking."""

    mentions: dict[int, Mention]
    day: dt.date | None
    memory: ArticleMemory
    speaker: Actor | None = None  # the speaker when the phrase is inside a quote
    sentence_country: str | None = None  # the only country the sentence names, if one
    reporter: Actor | None = None  # the subject of a governing "say"-verb


def _phrase_tokens(head: Token, depth: int = 0) -> list[Token]:
    tokens = [head]
    if depth > 3:
        return tokens
    for child in head.children:
        if child.dep_ in MODIFIER_DEPS:
            tokens.extend(_phrase_tokens(child, depth + 1))
        elif child.dep_ == "prep" and child.lower_ in PHRASE_PREPS and depth < 2:
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    tokens.extend(_phrase_tokens(pobj, depth + 1))
    return tokens


def _span_text(tokens: list[Token]) -> tuple[str, tuple[int, int]]:
    doc = tokens[0].doc
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens)
    while start < end and doc[start].dep_ in ("det", "punct", "case"):
        start += 1
    indexes = {t.i for t in tokens}
    if start > 0 and doc[start - 1].lower_ == "the" and doc[start - 1].head.i in indexes:
        start -= 1  # "The Kremlin", "the Iranian president": keep the article as written
    span = doc[start : end + 1]
    return span.text, (span.start_char, span.end_char)


class ActorResolver:
    """Codes the actor a token heads, using the lexicon, the date and the article so far."""

    def __init__(self, lexicon: ActorLexicon, gazetteer: Gazetteer) -> None:
        self.lexicon = lexicon
        self.gazetteer = gazetteer

    def is_candidate(self, token: Token, ctx: Context) -> bool:
        """Could this token head an actor phrase? (cheap test before resolving)."""
        if token.i in ctx.mentions:
            return True
        if token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE", "FAC", "LOC"):
            return True
        for child in token.children:
            if child.dep_ in MODIFIER_DEPS and (
                child.i in ctx.mentions or child.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
            ):
                return True
        return (
            token.lower_ in PERSONAL or token.lower_ in FIRST_PLURAL or token.lower_ in THIRD_GROUP
        )

    def resolve(self, head: Token, ctx: Context) -> list[Actor]:
        """The actors a phrase names: one, or several for "Iran and Russia"."""
        pair = self._the_two(head, ctx)
        if pair is not None:
            return pair
        actors: list[Actor] = []
        for token in (head, *head.conjuncts):
            if token.i < head.i:
                continue
            actors.extend(self._resolve_distributed(token, ctx))
        seen: set[tuple[str | None, str | None, str | None]] = set()
        unique = []
        for actor in actors:
            key = (actor.code, actor.sector, actor.name)
            if key not in seen:
                seen.add(key)
                unique.append(actor)
            if actor.span != (0, 0) and (actor.code or actor.name):
                ctx.memory.seen.setdefault(actor.span, actor)
        return unique

    def _the_two(self, head: Token, ctx: Context) -> list[Actor] | None:
        """ "The two presidents", "both leaders", "the sides": the last two people of the article."""
        mention = ctx.mentions.get(head.i)
        if (
            head.tag_ not in ("NNS", "NNPS")
            or mention is None
            or mention.kind not in (TITLE, SECTOR)
        ):
            return None
        if mention.entries[0].sector not in ("GOV", "PTY", None):
            return None
        counted = any(c.lower_ in ("two", "both") for c in head.children) or head.lower_ in (
            "sides",
            "parties",
        )
        if not counted or len(ctx.memory.recent) < 2:
            return None
        text, span = _span_text(
            [head, *[c for c in head.children if c.dep_ in ("nummod", "det", "amod")]]
        )
        return [replace(a, text=text, span=span) for a in ctx.memory.recent[-2:]]

    def _resolve_distributed(self, head: Token, ctx: Context) -> list[Actor]:
        actor = self._resolve_one(head, ctx)
        if actor is None:
            return []
        out = [actor]
        # "Senior Hungarian and Romanian officials", "the presidents of Iran and Russia":
        # a coordinated modifier makes one actor per country, sharing the head's sector.
        for token in _phrase_tokens(head):
            if token == head or not token.conjuncts:
                continue
            mention = ctx.mentions.get(token.i)
            if mention is None or mention.kind not in PLACE_KINDS:
                continue
            title = ctx.mentions.get(head.i)
            role = title.entries[0].role if title is not None and title.kind == TITLE else None
            for conj in token.conjuncts:
                other = ctx.mentions.get(conj.i)
                if (
                    other is not None
                    and other.kind in PLACE_KINDS
                    and other.entries[0].code != actor.code
                ):
                    text, span = _span_text([conj])
                    code = other.entries[0].code
                    holder = (
                        self._holder(code, role, ctx)
                        if role and code and role != "counterpart"
                        else None
                    )
                    name = holder.name if holder is not None else None
                    out.append(
                        Actor(text=text, span=span, code=code, sector=actor.sector, name=name)
                    )
            break
        return out

    def _resolve_one(self, head: Token, ctx: Context) -> Actor | None:
        lower = head.lower_
        if head.i not in ctx.mentions and (
            head.pos_ == "PRON" or lower in PERSONAL or lower in FIRST_PLURAL
        ):
            return self._pronoun(head, ctx)
        qualifiers = [
            ctx.mentions[c.i]
            for c in head.children
            if c.dep_ in MODIFIER_DEPS
            and c.i in ctx.mentions
            and ctx.mentions[c.i].kind in (TITLE, SECTOR)
        ]
        if (
            head.i not in ctx.mentions
            and head.ent_type_ not in ("PERSON", "ORG", "NORP", "GPE")
            and not qualifiers
        ):
            # "Tehran's proposals", "the Taliban religious faction": the modifier is the actor.
            for dep in ("poss", "nmod", "compound", "amod"):
                child = next(
                    (
                        c
                        for c in head.children
                        if c.dep_ == dep and c.pos_ != "PRON" and self.is_candidate(c, ctx)
                    ),
                    None,
                )
                if child is not None:
                    return self._resolve_one(child, ctx)
        tokens = _phrase_tokens(head)
        mentions: list[Mention] = []
        for token in tokens:
            mention = ctx.mentions.get(token.i)
            if mention is not None and mention not in mentions:
                mentions.append(mention)
        text, span = _span_text(tokens)
        code: str | None = None
        sector: str | None = None
        name: str | None = None
        role: str | None = None
        head_mention = ctx.mentions.get(head.i)

        person = next((m for m in mentions if m.kind == PERSON), None)
        if person is not None:
            code, sector, name, role = self._person(person, ctx.day)
        org = next((m for m in mentions if m.kind == ORG), None)
        if code is None and org is not None:
            entry = org.entries[0]
            code, sector, name = entry.code, entry.sector, entry.name
        if code is None:
            place = head_mention if head_mention and head_mention.kind in PLACE_KINDS else None
            place = place or next((m for m in mentions if m.kind in PLACE_KINDS), None)
            if place is not None:
                code = place.entries[0].code
                if place.kind in (CAPITAL, SEAT) and (
                    place is head_mention or head_mention is None
                ):
                    sector = "GOV"
        if code is None:
            code = self._gazetteer_code(tokens)
        for m in ([head_mention] if head_mention else []) + mentions:
            if m.kind in (TITLE, SECTOR) and (sector is None or person is None):
                if sector is None or m is head_mention:
                    sector = m.entries[0].sector
                if m.kind == TITLE and role is None:
                    role = m.entries[0].role
                break
        named_place = head_mention is not None and head_mention.kind in PLACE_KINDS | {ORG}
        if name is None and person is None and not named_place:
            name, remembered = self._unknown_person(head, tokens, ctx)
            if remembered is not None:
                return replace(remembered, text=text, span=span)
            if name is None and role and role != "counterpart" and code:
                holder = self._holder(code, role, ctx)
                if holder is not None:
                    return replace(holder, text=text, span=span)
            if name is None and code is None and role and role != "counterpart":
                # "The President" in a readout that named "President Joseph R. Biden" before.
                holders = {a.name: a for (c, r), a in ctx.memory.by_role.items() if r == role}
                if len(holders) == 1:
                    return replace(next(iter(holders.values())), text=text, span=span)
        owned = any(t.dep_ == "poss" and t.pos_ == "PRON" for t in tokens)
        # "the leaders", "the parties": a group of officials is no one country's.
        group = head.tag_ in ("NNS", "NNPS") and (role is not None or sector in ("GOV", "PTY"))
        if code is None and not owned and not group and sector and ctx.sentence_country:
            # "Judge X opened an inquiry into Chilean officials": one country in the sentence
            # (after the article's own office holders; never for "my administration",
            # whose owner is the speaker, nor for a bare unknown name: "Adviser Sullivan
            # thanked the South Africans" says nothing of Sullivan's country).
            code = ctx.sentence_country
        if code is None and name is None and sector is None:
            return None
        if code is None and sector is not None and name is None and head_mention is None:
            return None
        actor = Actor(text=text, span=span, code=code, sector=sector, name=name)
        if name is not None and (person is not None or head.ent_type_ == "PERSON"):
            ctx.memory.remember(actor, role)
        return actor

    def _person(
        self, mention: Mention, day: dt.date | None
    ) -> tuple[str | None, str | None, str, str | None]:
        candidates = [e.person for e in mention.entries if e.person is not None]
        best = None
        for person in candidates:
            role = self.lexicon.role_on(person, day)
            in_office = day is None or any(Holding(person, r).covers(day) for r in person.roles)
            if role is not None and (best is None or in_office):
                best = (person, role)
        if best is None:
            person = candidates[0]
            assert person is not None
            return person.country, person.sector, person.name, None
        person, role = best
        if role.org:
            return "IGO", role.sector, person.name, role.role
        return role.country, role.sector, person.name, role.role

    def _holder(self, code: str, role: str, ctx: Context) -> Actor | None:
        remembered = ctx.memory.by_role.get((code, role))
        if remembered is not None:
            return remembered
        holders = self.lexicon.holders(code, role, ctx.day)
        if len(holders) == 1 and ctx.day is not None:
            h = holders[0]
            actor = Actor(
                text=h.person.name, span=(0, 0), code=code, sector=h.role.sector, name=h.person.name
            )
            ctx.memory.by_role[(code, role)] = actor
            return actor
        return None

    def _unknown_person(
        self, head: Token, tokens: list[Token], ctx: Context
    ) -> tuple[str | None, Actor | None]:
        if head.ent_type_ != "PERSON":
            return None, None
        remembered = ctx.memory.by_surname.get(head.text)
        if remembered is not None and len([t for t in tokens if t.ent_type_ == "PERSON"]) == 1:
            return None, remembered
        ent_tokens = [t for t in tokens if t.ent_type_ == "PERSON" and t.i <= head.i]
        if not ent_tokens:
            return None, None
        start = min(t.i for t in ent_tokens)
        return head.doc[start : head.i + 1].text, None

    def _gazetteer_code(self, tokens: list[Token]) -> str | None:
        # A city codes the phrase it qualifies ("police in Jericho") or a place acted upon
        # ("shelled Kharkiv"); a bare city is never a subject that acts.
        for token in tokens:
            if token.ent_type_ in ("GPE", "LOC", "FAC") and token.dep_ in (
                "pobj",
                "dobj",
                "nsubjpass",
            ):
                place = self.gazetteer.lookup(token.text)
                if place is not None and place.country:
                    return place.country
        return None

    def _pronoun(self, head: Token, ctx: Context) -> Actor | None:
        lower = head.lower_
        span = (head.idx, head.idx + len(head.text))
        if lower in FIRST_PLURAL:
            if ctx.speaker is not None and ctx.speaker.code:
                return Actor(
                    text=head.text,
                    span=span,
                    code=ctx.speaker.code,
                    sector=ctx.speaker.sector or "GOV",
                )
            return None
        if lower in PERSONAL:
            if (
                ctx.reporter is not None
                and ctx.reporter.name
                and head.dep_ in ("nsubj", "nsubjpass")
            ):
                return replace(ctx.reporter, text=head.text, span=span)
            last = ctx.memory.last_person
            return replace(last, text=head.text, span=span) if last is not None else None
        if (
            lower in THIRD_GROUP
            and ctx.reporter is not None
            and ctx.reporter.name is None
            and head.dep_ in ("nsubj", "nsubjpass")
        ):
            return replace(ctx.reporter, text=head.text, span=span)
        return None
