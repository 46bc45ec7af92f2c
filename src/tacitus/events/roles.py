"""Who did it and to whom: source and target of a trigger from the dependency parse."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Token

from tacitus.events.triggers import NOT_COMPLEMENT, Trigger, is_purpose
from tacitus.records import Actor

Resolve = Callable[[Token], list[Actor]]
IsCandidate = Callable[[Token], bool]

TARGET_PREPS = frozenset(
    {"with", "to", "against", "on", "upon", "from", "for", "into", "toward", "towards", "over",
     "between", "of", "onto", "among", "at", "by"}
)  # fmt: skip
NOMINAL_DEPS = frozenset(
    {"dobj", "dative", "pobj", "nsubjpass", "attr", "oprd", "poss", "appos", "conj", "nsubj",
     "compound", "npadvmod", "nmod"}
)  # fmt: skip
# Verbs whose passive subject is the one committing ("Vietnam is committed to ...").
# ... and "troops were put on alert": the troops are the ones mobilized.
STATIVE_PASSIVES = frozenset(
    {
        "commit",
        "prepare",
        "determine",
        "dedicate",
        "resolve",
        "oblige",
        "poise",
        "put",
        "place",
        "expect",
        "schedule",
        "slate",
        "set",
        "demobilize",
        "demobilise",
        "disarm",
        "disband",
        "withdraw",
        "redeploy",
        "mobilize",
        "mobilise",
        "deploy",
    }
)
# Events whose target may be where they happen: "evacuated settlements in the Gaza Strip".
IN_PLACE_EVENTS = frozenset(
    {
        "ASSAULT",
        "COERCE",
        "SANCTION",
        "MOBILIZE",
        "PROTEST",
        "RETREAT",
        "AID",
        "CONCEDE",
        "COOPERATE",
        "REQUEST",
    }
)
PLACE_PREPS = frozenset({"in", "inside", "near"})
# Acts whose place names their author: "condemned the coup in Niger" (not "the situation in X").
BAD_ACTS = frozenset(
    {"coup", "crackdown", "violence", "attack", "attacks", "killing", "killings", "invasion",
     "occupation", "abuse", "abuses", "violation", "violations", "repression", "massacre",
     "bombing", "bombings", "arrest", "arrests", "execution", "executions", "aggression",
     "persecution", "torture", "shelling", "offensive", "incursion", "annexation", "test"}
)  # fmt: skip
# Verbal events whose clause complement names the target: "demanded that the US cancel ...".
CLAUSE_TARGET_EVENTS = frozenset({"REQUEST", "ACCUSE", "THREATEN", "REJECT", "SUPPORT"})
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
DOCUMENT_NOUNS = frozenset(
    {"statement", "declaration", "communique", "communiqué", "resolution", "letter", "message",
     "report", "note", "appeal", "petition", "decree", "motion", "bill", "speech"}
)  # fmt: skip


def subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "nsubj":
            return child
    return None


def _passive_agent(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def controlling_subject(verb: Token) -> Token | None:
    """The subject a verb shares with the verb it depends on (conj, xcomp, relcl...)."""
    node = verb
    for step in range(5):
        if step > 0 and verb.dep_ == "conj" and node == verb.head:
            # "X has been indicted by a court and will resign": X resigns, not the court.
            shared = subject(node) or passive_patient(node)
            if shared is not None:
                return shared
        subj = _passive_agent(node) if _is_passive(node) else subject(node)
        if subj is not None:
            return subj
        if node.dep_ in ("conj", "xcomp", "advcl", "ccomp") and node.head != node:
            node = node.head
            continue
        if node.dep_ == "relcl":
            rel = next(
                (
                    c
                    for c in node.children
                    if c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WDT", "WP")
                ),
                None,
            )
            return node.head if rel is not None or subject(node) is None else None
        if node.dep_ == "acl":
            # "militiamen armed with...", "troops attacking X": the noun described acts;
            # "the plan finalized between X and Y" (past participle) names no actor;
            # "issued a statement demanding ...": whoever issued the statement.
            if node.tag_ != "VBG":
                return None
            if node.head.lemma_.lower() in DOCUMENT_NOUNS and node.head.head != node.head:
                node = node.head.head
                continue
            return node.head
        if node.dep_ == "pcomp" and node.head.dep_ == "prep":
            node = node.head.head  # "resorted to throwing stones"
            continue
        return None
    return None


def source_of(trigger: Trigger) -> Token | None:
    token = trigger.token
    if trigger.kind == "noun":
        for child in token.children:
            if child.dep_ == "poss":
                return child
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("by", "between"):
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        # "the phone call of his counterpart", "a suspension of air links": "of" names the
        # actor only when no verb governs the noun.
        of_actor = next(
            (
                g
                for c in token.children
                if c.dep_ == "prep" and c.lower_ in ("of", "from")
                for g in c.children
                if g.dep_ == "pobj"
                and (g.pos_ == "PROPN" or g.ent_type_ in ("GPE", "NORP", "ORG", "PERSON"))
            ),
            None,
        )
        if token.dep_ in ("nsubj", "nsubjpass"):
            return of_actor
        head = token.head
        while head.dep_ == "prep" or (
            head.pos_ == "NOUN" and head != head.head and token.dep_ == "pobj"
        ):
            if head.head == head:
                break
            head = head.head
        if head.pos_ in ("VERB", "AUX"):
            return controlling_subject(head) or of_actor
        return of_actor
    verb = trigger.clause_verb
    if (
        trigger.kind == "adj"
        and trigger.token.dep_ in ("oprd", "ccomp", "xcomp")
        and verb.lemma_.lower()
        in (
            "consider",
            "call",
            "deem",
            "declare",
            "find",
            "regard",
            "describe",
            "label",
        )
    ):
        return subject(verb)
    if trigger.kind == "verb" and _is_passive(verb):
        agent = _passive_agent(verb)
        if agent is None and verb.lemma_.lower() in STATIVE_PASSIVES:
            return passive_patient(verb)
        return agent
    return controlling_subject(verb)


def passive_patient(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            return child
    return None


def target_search_roots(trigger: Trigger) -> list[Token]:
    verb = trigger.clause_verb
    if trigger.kind == "noun":
        return [trigger.token]
    if trigger.kind == "adj":
        roots = [trigger.token]
        if verb != trigger.token:
            roots.append(verb)
        return roots
    return [verb]


def find_target(
    trigger: Trigger,
    source_tokens: set[int],
    resolve: Resolve,
    is_candidate: IsCandidate,
    source: list[Actor],
) -> list[Actor]:
    """The first coded actor met breadth-first in what the trigger governs, not the source."""
    verb = trigger.clause_verb
    if trigger.pattern.target == "none":
        return []
    if trigger.pattern.target == "ccomp_subject":
        for child in verb.children:
            if child.dep_ == "ccomp":
                subj = subject(child)
                if subj is not None:
                    return [a for a in resolve(subj) if a.code]
        return []
    patient_acts = verb.lemma_.lower() in STATIVE_PASSIVES and _passive_agent(verb) is None
    if trigger.kind == "verb" and _is_passive(verb) and not patient_acts:
        patient = passive_patient(verb)
        if patient is not None and patient.i not in source_tokens:
            actors = [a for a in resolve(patient) if a.code]
            if actors:
                return actors
    conditional = trigger.pattern.event in (
        "THREATEN",
        "ASSAULT",
        "COERCE",
        "SANCTION",
        "PROTEST",
        "MOBILIZE",
    )
    if conditional or trigger.pattern.intent:
        # "threatened to X unless Baghdad accepted...": the condition names whom it is aimed at.
        for token in verb.subtree:
            if token.dep_ == "advcl" and any(
                c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in token.children
            ):
                subj = subject(token)
                if subj is not None and subj.i not in source_tokens:
                    actors = [a for a in resolve(subj) if a.code]
                    if actors and not all(_same_side(a, source) for a in actors):
                        return actors
    if trigger.pattern.target_preps:
        # "discussed Syria with Turkey": the topic is no target, the partner is.
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in trigger.pattern.target_preps:
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None and is_candidate(pobj):
                    actors = [a for a in resolve(pobj) if a.code]
                    if actors and not all(_same_side(a, source) for a in actors):
                        return actors
        return []
    found = _search(trigger, source_tokens, resolve, is_candidate, source, TARGET_PREPS)
    if found:
        return found
    if trigger.pattern.event in CLAUSE_TARGET_EVENTS:
        for child in verb.children:
            if child.dep_ == "ccomp":
                subj = subject(child) or passive_patient(child)
                if subj is not None and subj.i not in source_tokens:
                    actors = [a for a in resolve(subj) if a.code]
                    if actors and not all(_same_side(a, source) for a in actors):
                        return actors
    if trigger.pattern.event in IN_PLACE_EVENTS or trigger.pattern.mode == "investigate":
        # "evacuate settlements in the Gaza Strip": where it happens is whom it hits; the
        # place stands for its country, not for a government seated there.
        def as_place(token: Token) -> list[Actor]:
            if token.dep_ == "pobj" and token.head.lower_ in PLACE_PREPS:
                if token.i < verb.i:
                    return []  # "In Brussels, the EU urged ...": where it was said, not to whom
                found = resolve(token)
                return [replace(a, sector=None) if a.name is None else a for a in found]
            return resolve(token)

        return _search(
            trigger, source_tokens, as_place, is_candidate, source, TARGET_PREPS | PLACE_PREPS
        )
    return []


def _search(
    trigger: Trigger,
    source_tokens: set[int],
    resolve: Resolve,
    is_candidate: IsCandidate,
    source: list[Actor],
    preps: frozenset[str],
) -> list[Actor]:
    queue: deque[tuple[Token, int]] = deque()
    for root in target_search_roots(trigger):
        for child in root.children:
            purpose = child.dep_ == "advcl" and is_purpose(child)
            if (child.dep_ not in NOT_COMPLEMENT or purpose) and child.i not in source_tokens:
                queue.append((child, 1))
    seen: set[int] = set()
    while queue:
        token, depth = queue.popleft()
        if token.i in seen or token.i in source_tokens:
            continue
        seen.add(token.i)
        # "condemned the coup in Niger": a place qualifying the object names the target of
        # verbal conflict; a place where the verb happens does not.
        object_place = (
            token.dep_ == "prep"
            and token.lower_ == "in"
            and token.head.lemma_.lower() in BAD_ACTS
            and trigger.pattern.event in ("ACCUSE", "REJECT", "REQUEST")
        )
        if token.dep_ == "prep" and token.lower_ not in preps and not object_place:
            continue
        if token.dep_ in ("ccomp", "advcl", "relcl", "parataxis") and not is_purpose(token):
            continue
        if token.dep_ in NOMINAL_DEPS and is_candidate(token):
            actors = [a for a in resolve(token) if a.code]
            possessive = token.dep_ == "poss" or any(c.dep_ == "poss" for c in token.children)
            if actors and not all(_same_side(a, source, possessive=possessive) for a in actors):
                return actors
            if actors:
                continue
        if depth < 6:
            for child in token.children:
                if child.dep_ not in ("nsubj", "punct", "cc", "det", "aux", "neg", "mark"):
                    queue.append((child, depth + 1))
    return []


def _same_side(actor: Actor, source: list[Actor], *, possessive: bool = False) -> bool:
    """Is this actor just the source again ("X expressed Iran's willingness", X Iranian)?"""
    for s in source:
        if actor.code != s.code or (actor.name is not None and actor.name != s.name):
            continue
        if actor.sector == s.sector or (possessive and actor.sector is None):
            return True
    return False
