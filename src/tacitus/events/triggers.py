"""Find event triggers in a parsed sentence: the pattern that fits each verb, noun or adjective."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Span, Token

from tacitus.dictionaries import Pattern

OBJECT_DEPS = frozenset({"dobj", "attr", "oprd", "nsubjpass", "dative"})
NOT_COMPLEMENT = frozenset(
    {"nsubj", "nsubjpass", "csubj", "aux", "auxpass", "neg", "punct", "cc", "conj", "mark",
     "advcl", "parataxis", "advmod", "agent", "expl"}
)  # fmt: skip
# A noun alone triggers only as an argument ("held protests", "talks began"), not inside
# a time or place phrase ("before the 2014 protests").
NOUN_TRIGGER_DEPS = frozenset({"dobj", "nsubjpass", "nsubj", "attr", "conj", "appos"})
ADJ_TRIGGER_DEPS = frozenset({"acomp", "oprd", "xcomp", "ccomp", "amod", "attr"})


@dataclass(frozen=True)
class Trigger:
    """A matched pattern: its head token, its object (if any) and the words that fired."""

    token: Token
    pattern: Pattern
    obj: Token | None
    words: tuple[Token, ...]
    kind: str  # verb, noun or adj

    @property
    def clause_verb(self) -> Token:
        """The verb whose clause holds the event's participants."""
        if self.kind == "verb":
            return self.token
        head = self.token.head
        return head if head.pos_ in ("VERB", "AUX") else self.token


class PatternBook:
    """Patterns indexed by the lemma that can fire them."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self.by_verb: dict[str, list[Pattern]] = defaultdict(list)
        self.by_noun: dict[str, list[Pattern]] = defaultdict(list)
        self.by_adj: dict[str, list[Pattern]] = defaultdict(list)
        for p in patterns:
            if p.verb:
                for lemma in p.verb:
                    self.by_verb[lemma].append(p)
            elif p.adj:
                for lemma in p.adj:
                    self.by_adj[lemma].append(p)
            else:
                for lemma in p.noun:
                    self.by_noun[lemma].append(p)
        for index in (self.by_verb, self.by_noun, self.by_adj):
            for lemma, plist in index.items():
                index[lemma] = sorted(plist, key=lambda p: -p.specificity)


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def verb_keys(token: Token) -> tuple[str, ...]:
    """Lemma, then spellings that undo a wrong lemma ("staged" lemmatized as "stag")."""
    lower = token.lower_
    keys = [_lemma(token)]
    if lower.endswith("ed"):
        keys += [lower[:-1], lower[:-2]]
    elif lower.endswith("ing"):
        keys += [lower[:-3], lower[:-3] + "e"]
    elif lower.endswith("s"):
        keys += [lower[:-1]]
    return tuple(dict.fromkeys(keys))


def _words(token: Token) -> set[str]:
    return {token.lower_, _lemma(token)}


def complement_tokens(verb: Token) -> list[Token]:
    """Tokens of what the verb governs, minus its subject, auxiliaries and side clauses."""
    out: list[Token] = []
    for child in verb.children:
        if child.dep_ not in NOT_COMPLEMENT or (child.dep_ == "advcl" and is_purpose(child)):
            out.extend(child.subtree)
    return out


SCOPE_DEPS = frozenset(
    {"dobj", "xcomp", "ccomp", "attr", "oprd", "dative", "prt", "acomp", "pcomp"}
)
SCOPE_PREPS = frozenset(
    {"for", "to", "on", "upon", "against", "with", "of", "into", "from", "out", "as", "over"}
)


def object_scope(verb: Token, obj: Token | None) -> list[Token]:
    """What a pattern's object conditions look at: the object, complements, argument PPs."""
    out: list[Token] = list(obj.subtree) if obj is not None else []
    for child in verb.children:
        if (
            child.dep_ in SCOPE_DEPS
            or (child.dep_ in ("prep", "agent") and child.lower_ in SCOPE_PREPS)
            or child.dep_ == "advcl"
            and is_purpose(child)
        ):
            out.extend(child.subtree)
    return out


def is_purpose(clause: Token) -> bool:
    """A clause that completes its verb: an infinitive of purpose ("... to protest X",
    "sworn to fight") or a gerund right after it ("ruled out sending troops")."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "mark") for c in clause.children):
        return False
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children):
        return True
    return clause.tag_ == "VBG" and 0 < clause.i - clause.head.i <= 2


def _objects(verb: Token) -> list[Token]:
    objs = [c for c in verb.children if c.dep_ in OBJECT_DEPS]
    for obj in list(objs):
        objs.extend(c for c in obj.conjuncts if c.i > obj.i)
        # "25,000 tons of food aid", "$50,000 worth of goods", "$50 million in aid": the
        # measured noun counts.
        measured = obj.ent_type_ in ("MONEY", "QUANTITY", "CARDINAL") or obj.like_num
        for prep in obj.children:
            if prep.dep_ == "prep" and (prep.lower_ == "of" or (measured and prep.lower_ == "in")):
                objs.extend(c for c in prep.children if c.dep_ == "pobj")
    # "hold a phone conversation" parses fine; "hold talks" is sometimes a compound chain.
    return objs


def _object_words(obj: Token) -> set[str]:
    """An object's words, with its title ("received Prime Minister X": minister)."""
    words = _words(obj)
    if obj.pos_ == "PROPN":
        for child in obj.children:
            if child.dep_ == "compound":
                words |= _words(child)
    return words


def _prep_objects(verb: Token, prep: str) -> list[Token]:
    out: list[Token] = []
    for child in verb.children:
        if child.dep_ in ("prep", "agent", "dative") and child.lower_ == prep:
            out.extend(c for c in child.children if c.dep_ in ("pobj", "pcomp"))
            if not out:
                out.append(child)
    return out


def _has_mod(noun: Token, mods: frozenset[str]) -> bool:
    for child in noun.children:
        if child.dep_ in ("compound", "amod", "nmod", "npadvmod") and _words(child) & mods:
            return True
    # "telephone conversation" may also be split across a hyphenated compound chain.
    return bool(noun.i > 0 and _words(noun.doc[noun.i - 1]) & mods)


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _verb_match(verb: Token, p: Pattern) -> Trigger | None:
    words = [verb]
    obj: Token | None = None
    if p.modal and not any(c.dep_ == "aux" and c.lower_ in p.modal for c in verb.children):
        return None
    if p.target == "ccomp_subject" and not any(
        c.dep_ == "ccomp" and any(g.dep_ == "nsubj" for g in c.children) for c in verb.children
    ):
        return None
    if p.particle is not None:
        prt = next((c for c in verb.children if c.dep_ == "prt" and c.lower_ == p.particle), None)
        if prt is None:
            return None
        words.append(prt)
    if p.passive is not None and _is_passive(verb) != p.passive:
        return None
    if p.prep is not None:
        pobjs = _prep_objects(verb, p.prep)
        if not pobjs:
            return None
        if p.noun:
            obj = next((o for o in pobjs if _words(o) & p.noun), None)
            if obj is None:
                return None
        else:
            obj = pobjs[0]
            # "spoke with X", "called for X": the preposition is part of the trigger, X is not.
            if obj.dep_ in ("pobj", "pcomp"):
                words.append(obj.head)
    elif p.noun:
        obj = next((o for o in _objects(verb) if _object_words(o) & p.noun), None)
        if obj is None:
            return None
    if obj is not None and obj != verb and (p.noun or obj.dep_ not in ("pobj", "pcomp")):
        words.append(obj)
    if p.noun_mod and (obj is None or not _has_mod(obj, p.noun_mod)):
        return None
    if p.object_has or p.object_not:
        comp = object_scope(verb, obj)
        if p.object_has and not any(_words(t) & p.object_has for t in comp):
            return None
        if p.object_not:
            first = obj or next(
                (c for c in verb.children if c.dep_ in ("dobj", "prt", "attr")), None
            )
            if first is not None and _words(first) & p.object_not:
                return None
    return Trigger(verb, p, obj, tuple(sorted(words, key=lambda t: t.i)), "verb")


def _noun_match(noun: Token, p: Pattern) -> Trigger | None:
    if noun.dep_ not in NOUN_TRIGGER_DEPS:
        return None
    if p.noun_mod and not _has_mod(noun, p.noun_mod):
        return None
    if p.object_has and not any(_words(t) & p.object_has for t in noun.subtree if t.i != noun.i):
        return None
    words = [noun]
    if p.noun_mod:
        words.extend(
            c for c in noun.children if c.dep_ in ("compound", "amod") and _words(c) & p.noun_mod
        )
    return Trigger(noun, p, noun, tuple(sorted(words, key=lambda t: t.i)), "noun")


def _adj_match(adj: Token, p: Pattern) -> Trigger | None:
    if adj.dep_ not in ADJ_TRIGGER_DEPS:
        return None
    if p.object_has:
        scope = list(adj.subtree) + list(adj.head.subtree)
        if not any(_words(t) & p.object_has for t in scope):
            return None
    return Trigger(adj, p, None, (adj,), "adj")


def find_triggers(sent: Span, book: PatternBook) -> list[Trigger]:
    """At most one trigger per verb; nouns and adjectives only where no verb claimed them."""
    triggers: list[Trigger] = []
    claimed: set[int] = set()
    for token in sent:
        if token.dep_ in ("amod", "compound", "nmod"):
            continue  # "Israeli-occupied", "Syrian-backed": a participle describing a noun
        if token.pos_ in ("VERB", "AUX") or (token.pos_ == "NOUN" and token.dep_ == "ROOT"):
            # A reported "Y must/should do Z" is a demand on Y before it is Z (modal rules first).
            key = next((k for k in verb_keys(token) if k in book.by_verb), "")
            for p in (*book.by_verb.get("*", ()), *book.by_verb.get(key, ())):
                trig = _verb_match(token, p)
                if trig is not None:
                    triggers.append(trig)
                    claimed.update(t.i for t in trig.words)
                    break
    for token in sent:
        if token.i in claimed:
            continue
        if token.pos_ in ("NOUN", "PROPN"):
            for p in book.by_noun.get(_lemma(token), ()) or book.by_noun.get(token.lower_, ()):
                trig = _noun_match(token, p)
                if trig is not None:
                    triggers.append(trig)
                    break
        elif token.pos_ == "ADJ":
            for p in book.by_adj.get(_lemma(token), ()) or book.by_adj.get(token.lower_, ()):
                trig = _adj_match(token, p)
                if trig is not None:
                    triggers.append(trig)
                    break
    return triggers
