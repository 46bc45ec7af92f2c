"""Who says so: direct quotes and their speakers, "X said that ...", "according to X"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

SPEECH_VERBS = frozenset(
    {"say", "tell", "add", "note", "state", "declare", "announce", "stress", "emphasize",
     "emphasise", "underline", "reiterate", "claim", "report", "write", "explain", "assert",
     "remark", "comment", "confirm", "affirm", "argue", "point", "quote", "insist", "reply",
     "respond", "continue", "conclude", "recall", "believe", "told", "maintain", "suggest",
     "observe", "highlight", "indicate", "stated", "mention", "disclose", "reveal", "acknowledge"}
)  # fmt: skip

_QUOTE_PAIRS = (("\u201c", "\u201d"), ('"', '"'), ("\u00ab", "\u00bb"))


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # character offsets of the quoted words, marks excluded
    end: int
    text: str


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Direct quotes: text between paired quotation marks (curly, straight or guillemets).

    Scare quotes ("in-depth") are not quotes: a quote has at least four words.
    """
    spans: list[QuoteSpan] = []
    for open_mark, close_mark in _QUOTE_PAIRS:
        pattern = re.compile(
            re.escape(open_mark)
            + r"([^"
            + re.escape(close_mark)
            + r"]{2,3000}?)"
            + re.escape(close_mark)
        )
        for m in pattern.finditer(text):
            inner = m.group(1)
            if (open_mark == '"' and "\n\n" in inner) or len(inner.split()) < 4:
                continue
            spans.append(QuoteSpan(m.start(1), m.end(1), inner))
    spans.sort(key=lambda q: q.start)
    kept: list[QuoteSpan] = []
    for q in spans:
        if kept and q.start < kept[-1].end:
            continue
        kept.append(q)
    return kept


def quote_at(quotes: list[QuoteSpan], char: int) -> QuoteSpan | None:
    for q in quotes:
        if q.start <= char < q.end:
            return q
        if q.start > char:
            break
    return None


def _outside(token: Token, quote: QuoteSpan) -> bool:
    return not (quote.start - 1 <= token.idx < quote.end + 1)


def speech_verb_for(quote: QuoteSpan, doc: Doc) -> Token | None:
    """The verb of saying that introduces or follows a quote, in the sentences around it."""
    first = doc.char_span(quote.start, quote.start + 1, alignment_mode="expand")
    last = doc.char_span(max(quote.end - 1, quote.start), quote.end, alignment_mode="expand")
    if first is None or last is None or not len(first) or not len(last):
        return None
    sents: list[Span] = []
    for token in (first[0], last[0]):
        if token.sent not in sents:
            sents.append(token.sent)
    nxt = last[0].sent.end
    if nxt < len(doc) and doc[nxt].sent not in sents:
        after = doc[nxt].sent
        # '"...," he said.' often lands in a sentence of its own.
        if after.start_char - quote.end <= 3:
            sents.append(after)
    best: tuple[int, Token] | None = None
    for sent in sents:
        for token in sent:
            if (
                token.lemma_.lower() in SPEECH_VERBS
                and token.pos_ in ("VERB", "AUX")
                and _outside(token, quote)
            ):
                if speaker_token(token) is None:
                    continue
                dist = min(abs(token.idx - quote.start), abs(token.idx - quote.end))
                if best is None or dist < best[0]:
                    best = (dist, token)
    if best is None:
        return None
    return best[1]


def subject_of(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    return None


def speaker_token(verb: Token) -> Token | None:
    """The subject of a speech verb, shared from the first verb in "X stressed ... and said"."""
    node = verb
    for _ in range(3):
        subj = subject_of(node)
        if subj is not None:
            return subj
        if node.dep_ != "conj" or node.head == node:
            return None
        node = node.head
    return None


def attribution_phrase(verb: Token) -> str:
    """The words that attribute a quote: "Ayatollah Raisi told President Putin", "he said"."""
    subj = speaker_token(verb)
    doc = verb.doc
    phrase = [verb]
    for child in verb.children:
        if child.dep_ in ("dobj", "dative") and len(list(child.subtree)) <= 4:
            phrase.extend(child.subtree)
        elif child.dep_ in ("neg", "aux", "prt"):
            phrase.append(child)
    verb_part = doc[min(t.i for t in phrase) : max(t.i for t in phrase) + 1].text
    if subj is None:
        return verb_part
    subj_tokens = list(subj.subtree)
    subj_text = doc[subj_tokens[0].i : subj_tokens[-1].i + 1].text
    if subj_tokens[-1].i + 1 == min(t.i for t in phrase):
        return f"{subj_text} {verb_part}"
    return f"{subj_text} ... {verb_part}" if subj.i < verb.i else f"{verb_part} {subj_text}"


def reporting_verb(verb: Token) -> Token | None:
    """The verb of saying a clause is reported under ("X said that <clause>"), if any."""
    node = verb
    for _ in range(4):
        if node.dep_ in ("ccomp", "parataxis") and node.head.lemma_.lower() in SPEECH_VERBS:
            return node.head
        # "reiterated Iran's position that X should ...": a clause on the object of a speech verb.
        if (
            node.dep_ in ("acl", "relcl")
            and node.head.dep_ == "dobj"
            and node.head.head.lemma_.lower() in SPEECH_VERBS
        ):
            return node.head.head
        if node.dep_ in ("conj", "xcomp", "advcl") and node.head != node:
            node = node.head
            continue
        break
    for child in verb.children:
        if (
            child.dep_ == "parataxis"
            and child.lemma_.lower() in SPEECH_VERBS
            and subject_of(child) is not None
        ):
            return child
    root = verb.sent.root
    if root != verb and root.lemma_.lower() in SPEECH_VERBS and verb in list(root.subtree):
        for child in root.children:
            if child.dep_ in ("ccomp", "parataxis") and verb in list(child.subtree):
                return root
    return None


def according_to(sent: Span) -> str | None:
    """The source named by "according to X" in a sentence, as written."""
    for token in sent:
        if token.lower_ == "according":
            for prep in token.children:
                if prep.lower_ == "to":
                    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if pobj is not None:
                        sub = list(pobj.subtree)
                        return sent.doc[sub[0].i : sub[-1].i + 1].text
            nxt = token.nbor(1) if token.i + 1 < sent.end else None
            if nxt is not None and nxt.lower_ == "to":
                rest = [t for t in sent if t.i > nxt.i and not t.is_punct]
                if rest:
                    return sent.doc[rest[0].i : rest[-1].i + 1].text
    return None
