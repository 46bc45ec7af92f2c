"""Turn a trigger in context into an Event record: type, roles, modality, date, place, evidence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spacy.tokens import Span, Token

from tacitus.attribution import according_to, attribution_phrase, reporting_verb, subject_of
from tacitus.dates import resolve_date
from tacitus.events.roles import IsCandidate, Resolve, find_target, passive_patient, source_of
from tacitus.events.triggers import Trigger, complement_tokens, is_purpose
from tacitus.modality import modality_of
from tacitus.ontology import cameo_table, quad_class
from tacitus.places import Gazetteer
from tacitus.records import Actor, Attribution, Event, Location, Modality, event_id

MATERIAL_COOPERATION = frozenset({"CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"})
MATERIAL_CONFLICT = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST"})
# What promising or intending each kind of event amounts to (CAMEO 03x and 13x).
INTENT_AGREE = {"AID": "033", "COOPERATE": "031", "CONSULT": "036", "RETREAT": "035",
                "CONCEDE": "035", "SUPPORT": "032", "AGREE": "030"}  # fmt: skip
INTENT_THREATEN = {"ASSAULT": "138", "COERCE": "137", "SANCTION": "131", "MOBILIZE": "138",
                   "PROTEST": "133", "THREATEN": "130"}  # fmt: skip
SOURCELESS_OK = frozenset({"ASSAULT", "COERCE"})
# Verbal and material conflict aimed at nobody is no event ("expressed concern over the situation").
NEEDS_TARGET = frozenset({"ACCUSE", "THREATEN", "SANCTION", "COERCE", "ASSAULT"})
PLACE_PREPS = frozenset({"in", "at", "near", "inside", "outside"})
WEAPON_NOUNS = frozenset(
    {"bombing", "bomb", "blast", "explosion", "attack", "strike", "airstrike", "shelling", "missile",
     "rocket", "shell", "mine", "gunfire", "shooting", "ambush", "raid", "drone", "grenade",
     "bomber", "barrage", "mortar", "artillery", "sniper", "gunman", "gunmen", "assailant"}
)  # fmt: skip
# Things that do not act, even when a country owns them: "Japan's Constitution forbids".
NON_AGENTS = frozenset(
    {"constitution", "law", "currency", "economy", "export", "import", "market", "price",
     "budget", "population", "territory", "border", "history", "culture", "language",
     "weather", "climate", "geography", "debt", "inflation", "growth", "rule", "charter"}
)  # fmt: skip
# Sport is not politics: "the Iranian football team beat Japan 2-1".
SPORTS_WORDS = frozenset(
    {"squad", "club", "player", "players", "athlete", "athletes", "striker", "goalkeeper",
     "coach", "champion", "champions", "olympian", "olympians", "footballer", "footballers"}
)  # fmt: skip
SPORTS = frozenset(
    {"football", "soccer", "basketball", "cricket", "hockey", "rugby", "volleyball", "tennis",
     "olympic", "baseball", "handball", "futsal"}
)  # fmt: skip


@dataclass(frozen=True)
class SentenceContext:
    """What the builder knows about the sentence an event comes from."""

    article_id: str
    sentence_index: int
    sent: Span
    published: dt.date | None
    speaker: Actor | None  # speaker of the quote the trigger is in, if any
    in_quote: bool
    coder_version: str
    publisher: str | None
    url: str | None
    sentence_country: str | None = None  # the one country a sentence names, if only one


def _type_and_code(
    trigger: Trigger, inner: Trigger | None, modality: Modality
) -> tuple[str, str, bool]:
    """Final PLOVER type and CAMEO code; the flag says whether the negation was absorbed."""
    p = trigger.pattern
    event, cameo = p.event, p.cameo
    if p.intent:
        inner_event = inner.pattern.event if inner is not None else None
        if inner_event in INTENT_THREATEN:
            return "THREATEN", INTENT_THREATEN[inner_event], False
        if inner_event in INTENT_AGREE and event == "AGREE":
            cameo = INTENT_AGREE[inner_event] if inner_event != "AGREE" else cameo
    elif modality.future and not modality.negated:
        if event in MATERIAL_COOPERATION:
            return "AGREE", INTENT_AGREE[event], False
        if event in MATERIAL_CONFLICT:
            return "THREATEN", INTENT_THREATEN[event], False
    if modality.negated and p.negated is not None:
        return p.negated[0], p.negated[1], True
    return event, cameo, False


def _token_set(token: Token | None) -> set[int]:
    return {t.i for t in token.subtree} if token is not None else set()


def _date_for(
    trigger: Trigger, ctx: SentenceContext
) -> tuple[str | None, str, str | None, dt.date | None]:
    verb = trigger.clause_verb
    for ent in ctx.sent.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        node = ent.root
        for _ in range(4):
            if (
                node == verb
                or node == trigger.token
                or (trigger.obj is not None and node == trigger.obj)
            ):
                resolved = resolve_date(ent.text, ctx.published)
                if resolved is not None:
                    return resolved.iso, resolved.precision, ent.text, resolved.date
                break
            if node.head == node:
                break
            node = node.head
    if ctx.published is not None:
        return ctx.published.isoformat(), "article", None, None
    return None, "article", None, None


def _location_for(trigger: Trigger, gazetteer: Gazetteer) -> Location | None:
    heads = [trigger.clause_verb]
    if trigger.obj is not None:
        heads.append(trigger.obj)
    for head in heads:
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ not in PLACE_PREPS:
                continue
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.ent_type_ in ("GPE", "LOC", "FAC"):
                    ent = next((e for e in pobj.sent.ents if e.start <= pobj.i < e.end), None)
                    name = ent.text if ent is not None else pobj.text
                    place = gazetteer.lookup(name) or gazetteer.lookup(pobj.text)
                    if place is not None:
                        return place.location()
    return None


def governed_triggers(trigger: Trigger, others: list[Trigger]) -> list[Trigger]:
    """Triggers inside what this trigger governs (its object, xcomp, ...), nearest first."""
    scope = (
        {t.i for t in complement_tokens(trigger.clause_verb)} if trigger.kind == "verb" else set()
    )
    if trigger.kind == "noun":
        scope = {t.i for t in trigger.token.subtree} - {trigger.token.i}
    if trigger.kind == "adj":
        scope = {t.i for t in trigger.token.subtree} - {trigger.token.i}
    inner = [o for o in others if o is not trigger and o.token.i in scope]
    return sorted(inner, key=lambda o: abs(o.token.i - trigger.token.i))


INNER_PATH_DEPS = frozenset(
    {"xcomp", "acl", "dobj", "pobj", "prep", "pcomp", "attr", "oprd", "nsubjpass", "compound",
     "amod", "conj", "advmod", "aux", "acomp"}
)  # fmt: skip


def is_inner(outer: Trigger, inner: Trigger) -> bool:
    """Does the outer trigger govern the inner one directly (xcomp, object), not via a side clause?

    A promise or warning also governs its clause: "warned that it would retaliate".
    """
    node = inner.token
    for _ in range(8):
        if node == outer.token or node == outer.clause_verb:
            return True
        purpose = node.dep_ == "advcl" and is_purpose(node)
        reported = node.dep_ == "ccomp" and outer.pattern.intent
        if (node.dep_ not in INNER_PATH_DEPS and not purpose and not reported) or node.head == node:
            return False
        node = node.head
    return False


def build_event(
    trigger: Trigger,
    inner: Trigger | None,
    ctx: SentenceContext,
    *,
    resolve: Resolve,
    is_candidate: IsCandidate,
    reporter_actor: Actor | None,
    gazetteer: Gazetteer,
) -> Event | None:
    verb = trigger.clause_verb
    pattern = trigger.pattern
    if pattern.source == "reporter":
        if reporter_actor is None:
            return None
        source_token = None
        source = [reporter_actor]
    else:
        source_token = source_of(trigger)
        source = resolve(source_token) if source_token is not None else []
        source = [a for a in source if a.code or a.name]
    if not source and ctx.in_quote and ctx.speaker is not None and trigger.kind == "adj":
        source = [ctx.speaker]
    source_tokens = _token_set(source_token)
    if pattern.target == "clause_subject":
        subj = subject_of(verb)
        if subj is not None and subj.lower_ in ("we", "i", "us"):
            return None  # "we must do more" states one's own duty, asks nothing of others
        found = resolve(subj) if subj is not None else []
        target = [a for a in found if a.code]
    else:
        target = find_target(trigger, source_tokens, resolve, is_candidate, source)
    if pattern.target == "ccomp_subject" and not target:
        return None
    if inner is not None and not target:
        target = find_target(inner, source_tokens, resolve, is_candidate, source)
    target = [a for a in target if not any(_same_actor(a, s) for s in source)]
    if source_token is not None and (
        source_token.lemma_.lower() in SPORTS_WORDS | NON_AGENTS
        or any(t.lemma_.lower() in SPORTS for t in source_token.subtree)
    ):
        return None
    coded_source = [a for a in source if a.code]
    if not coded_source:
        # "Three Iraqi civilians were killed": no attacker named, the victims are the target;
        # a place the passive clause mentions ("imprisoned in Russia") is not.
        patient = None
        if pattern.event in SOURCELESS_OK and not any(c.dep_ == "neg" for c in verb.children):
            patient = passive_patient(verb)
            # "A roadside bombing killed one U.S. soldier": the weapon as subject, no actor.
            weapon = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if patient is None and weapon is not None and weapon.lemma_.lower() in WEAPON_NOUNS:
                patient = next((c for c in verb.children if c.dep_ == "dobj"), None)
        found = resolve(patient) if patient is not None else []
        target = [a for a in found if a.code]
        if not target:
            return None
    date, precision, date_text, event_day = _date_for(trigger, ctx)
    modality = modality_of(
        verb,
        trigger.token,
        trigger.obj,
        event_date=event_day,
        published=ctx.published,
        intent=trigger.pattern.intent,
    )
    if trigger.pattern.intent and inner is None and trigger.pattern.id in ("agree.intend",):
        return None
    event, cameo, absorbed = _type_and_code(trigger, inner, modality)
    if event in NEEDS_TARGET and not target:
        return None
    if absorbed:
        modality = Modality(False, modality.future, modality.hypothetical, modality.historical)
    reciprocal = len(source) >= 2 and not target
    code = cameo_table()[cameo]
    confidence = trigger.pattern.confidence
    if not target:
        confidence -= 0.1
    if modality.hypothetical:
        confidence -= 0.1
    if any(a.text.lower() in ("he", "she", "it", "they", "we") for a in source):
        confidence -= 0.1
    said_by = ctx.speaker if ctx.in_quote else reporter_actor
    attribution = Attribution(
        said_by=said_by, according_to=according_to(ctx.sent), in_quote=ctx.in_quote
    )
    words = trigger.words
    if inner is not None:
        words = tuple(sorted({*words, *inner.words}, key=lambda t: t.i))
    trigger_span = (words[0].idx, words[-1].idx + len(words[-1].text))
    src_key = ",".join(sorted(f"{a.code}-{a.sector}" for a in source))
    tgt_key = ",".join(sorted(f"{a.code}-{a.sector}" for a in target))
    sent_start = ctx.sent.start_char
    rule = (
        trigger.pattern.id
        + (f"+{inner.pattern.id}" if inner is not None else "")
        + ("+negated" if absorbed else "")
    )
    return Event(
        id=event_id(ctx.article_id, sent_start, event, src_key, tgt_key),
        article_id=ctx.article_id,
        sentence_index=ctx.sentence_index,
        text=ctx.sent.text.strip(),
        span=(sent_start, ctx.sent.end_char),
        event=event,
        mode=trigger.pattern.mode if event == trigger.pattern.event else None,
        context=trigger.pattern.context,
        cameo=cameo,
        quad_class=quad_class(cameo),
        goldstein=code.goldstein,
        source=tuple(source),
        target=tuple(target),
        reciprocal=reciprocal,
        event_text=" ".join(t.text for t in words),
        trigger_span=trigger_span,
        date=date,
        date_precision=precision,
        date_text=date_text,
        location=_location_for(trigger, gazetteer),
        modality=modality,
        attribution=attribution,
        confidence=round(max(0.05, min(0.99, confidence)), 2),
        rule=rule,
        coder_version=ctx.coder_version,
        published=ctx.published.isoformat() if ctx.published else None,
        publisher=ctx.publisher,
        url=ctx.url,
    )


def _same_actor(a: Actor, b: Actor) -> bool:
    return a.code == b.code and a.sector == b.sector and (a.name == b.name or a.name is None)


def reporter_of(verb: Token) -> Token | None:
    rv = reporting_verb(verb)
    return subject_of(rv) if rv is not None else None


__all__ = [
    "SentenceContext",
    "attribution_phrase",
    "build_event",
    "governed_triggers",
    "reporter_of",
]
