"""Modality of an event: negated, future, hypothetical, historical."""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Token

from tacitus.records import Modality

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
HYPOTHETICAL_AUX = frozenset({"could", "might", "may", "should", "must", "can"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
FAILURE_VERBS = frozenset({"fail", "refuse", "decline", "cease", "stop"})
# "denied that Beijing had supplied weapons": the denied clause did not happen, says the source.
DENIAL_VERBS = frozenset({"deny", "dismiss", "refute", "reject"})
# "is expected to visit", "is scheduled to meet": what is planned lies ahead.
PLANNED_HEADS = frozenset({"expect", "schedule", "slate", "set", "due", "plan"})
NEGATORS = frozenset({"not", "n't", "never", "no"})


def _aux_words(verb: Token) -> set[str]:
    return {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}


def is_negated(verb: Token, trigger: Token, obj: Token | None) -> bool:
    for token in {verb, trigger}:
        if any(
            c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never") for c in token.children
        ):
            return True
    if obj is not None and any(c.dep_ == "det" and c.lower_ == "no" for c in obj.children):
        return True
    if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in DENIAL_VERBS:
        return True
    node = verb
    for _ in range(3):
        if node.dep_ == "xcomp" and node.head.lemma_.lower() in FAILURE_VERBS:
            return True
        if node.dep_ in ("xcomp", "conj") and node.head != node:
            if any(c.dep_ == "neg" for c in node.head.children) and node.dep_ == "xcomp":
                return True
            node = node.head
            continue
        break
    return False


def _in_reported_speech(verb: Token) -> bool:
    node = verb
    for _ in range(4):
        if node.dep_ in ("ccomp", "parataxis") and node.head.lemma_.lower() in (
            "say",
            "announce",
            "tell",
            "add",
            "state",
            "declare",
            "warn",
            "indicate",
            "report",
            "claim",
        ):
            return True
        if node.head == node:
            return False
        node = node.head
    return False


def is_conditional(verb: Token) -> bool:
    node = verb
    for _ in range(3):
        if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in node.children):
            return True
        if node.dep_ in ("conj", "xcomp") and node.head != node:
            node = node.head
            continue
        break
    return False


def modality_of(
    verb: Token,
    trigger: Token,
    obj: Token | None,
    *,
    event_date: dt.date | None,
    published: dt.date | None,
    intent: bool = False,
) -> Modality:
    aux = _aux_words(verb)
    chain_aux = set(aux)
    if verb.dep_ in ("xcomp", "conj") and verb.head != verb:
        chain_aux |= _aux_words(verb.head)
    going_to = verb.dep_ == "xcomp" and (
        verb.head.lower_ == "going" or verb.head.lemma_.lower() in PLANNED_HEADS
    )
    future = bool(chain_aux & FUTURE_AUX) or going_to or intent
    hypothetical = is_conditional(verb) or bool(chain_aux & HYPOTHETICAL_AUX)
    if "would" in chain_aux:
        if _in_reported_speech(verb):
            future = True
        else:
            hypothetical = True
    historical = False
    if event_date is not None and published is not None:
        historical = (published - event_date).days > 31
    if "had" in aux and not future:
        historical = historical or event_date is None
    return Modality(
        negated=is_negated(verb, trigger, obj),
        future=future,
        hypothetical=hypothetical,
        historical=historical,
    )
