"""The coder: Articles in, CodedArticles (events, quotes, actor mentions) out."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache, partial

from spacy.tokens import Doc, Span, Token

from tacitus._version import __version__
from tacitus.actors.lexicon import ORG, ActorLexicon
from tacitus.actors.resolver import PLACE_KINDS, ActorResolver, ArticleMemory, Context
from tacitus.attribution import (
    QuoteSpan,
    attribution_phrase,
    find_quote_spans,
    quote_at,
    speaker_token,
    speech_verb_for,
)
from tacitus.dictionaries import dictionary_versions, load_lexicon, load_patterns
from tacitus.events.builder import (
    SentenceContext,
    build_event,
    governed_triggers,
    is_inner,
    reporter_of,
)
from tacitus.events.triggers import PatternBook, Trigger, complement_tokens, find_triggers
from tacitus.nlp import load_model
from tacitus.places import get_gazetteer
from tacitus.records import Actor, Article, Event, Quote, event_id
from tacitus.settings import DEFAULT_SETTINGS, Settings

logger = logging.getLogger(__name__)
_ENGLISH_CUES = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "that",
        "was",
        "were",
        "with",
        "for",
        "said",
        "has",
        "have",
        "his",
        "their",
        "which",
        "would",
        "from",
        "by",
        "this",
        "is",
        "are",
        "it",
    ]
)
ARGUMENT_DEPS = frozenset(
    {"nsubj", "nsubjpass", "dobj", "pobj", "dative", "appos", "attr", "conj", "poss", "ROOT"}
)
# Words that make a gesture bilateral: it concerns what two parties share.
BILATERAL = frozenset(
    {"document", "agreement", "deal", "treaty", "accord", "cooperation", "partnership",
     "relation", "tie", "roadmap", "memorandum", "bilateral", "pact", "program", "programme"}
)  # fmt: skip
_TAG = re.compile(r"<[^>]{0,2000}>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class CodedArticle:
    """One article with everything the coder found in it."""

    article: Article
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...]
    actors: tuple[Actor, ...]
    problem: str | None = None


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return ("<html" in head or "<body" in head or "<div" in head or "<p>" in head) and text.count(
        "<"
    ) > 5


def html_to_text(text: str) -> str:
    text = _SCRIPT.sub(" ", text)
    text = re.sub(r"<(br|/p|/div|/h\d|/li)\b[^>]*>", "\n", text, flags=re.IGNORECASE)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    return re.sub(r"[ \t]+", " ", text).strip()


def is_probably_english(text: str) -> bool:
    """A cheap guard against coding other languages: English function words, Latin script."""
    sample = text[:20000]
    letters = [c for c in sample if c.isalpha()]
    if letters and sum(1 for c in letters if c.isascii()) / len(letters) < 0.5:
        return False
    words = re.findall(r"[A-Za-z']+", sample.lower())
    if len(words) < 40:
        return True
    cues = sum(1 for w in words if w in _ENGLISH_CUES)
    return cues / len(words) >= 0.06


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(". ", 0, limit)
    if cut < limit // 2:
        cut = text.rfind(" ", 0, limit)
    return text[: cut + 1 if cut > 0 else limit]


class Coder:
    """Holds the loaded model and dictionaries; reuse one per process."""

    def __init__(self, settings: Settings = DEFAULT_SETTINGS) -> None:
        self.settings = settings
        self.nlp = load_model(settings.model)
        patterns, _ = load_patterns(settings.pattern_files)
        self.book = PatternBook(patterns)
        self.lexicon = ActorLexicon(self.nlp, load_lexicon(settings.actor_files))
        self.gazetteer = get_gazetteer()
        self.resolver = ActorResolver(self.lexicon, self.gazetteer)
        self.version = f"tacitus-{__version__};" + dictionary_versions(
            settings.actor_files, settings.pattern_files
        )

    # -- preparing texts -------------------------------------------------------------

    def _prepare(self, article: Article) -> tuple[Article, str | None]:
        text = article.text.replace("\x00", " ")
        problems = []
        if article.language and not article.language.lower().startswith("en"):
            return article, f"language is {article.language!r}, not English; not coded"
        if looks_like_html(text):
            text = html_to_text(text)
            problems.append("HTML given as text; coded its visible text")
        if not text.strip():
            return replace(article, text=text), "no text"
        if not is_probably_english(text):
            return replace(article, text=text), "does not look like English; not coded"
        if len(text) > self.settings.max_chars:
            total = len(text)
            text = _truncate(text, self.settings.max_chars)
            problems.append(f"text has {total:,} characters; coded the first {len(text):,}")
        prepared = replace(article, text=text) if text != article.text else article
        return prepared, "; ".join(problems) or None

    # -- coding ----------------------------------------------------------------------

    def code(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        """Code articles in order, parsing them in batches."""
        skipped: list[CodedArticle] = []

        def to_parse() -> Iterator[tuple[str, tuple[Article, str | None]]]:
            for article in articles:
                prepared, problem = self._prepare(article)
                if problem and ("not coded" in problem or problem == "no text"):
                    skipped.append(CodedArticle(prepared, (), (), (), problem))
                    continue
                yield prepared.text, (prepared, problem)

        stream = self.nlp.pipe(to_parse(), as_tuples=True, batch_size=self.settings.batch_size)
        for doc, (article, problem) in stream:
            while skipped:
                yield skipped.pop(0)
            try:
                yield self.code_doc(doc, article, problem)
            except Exception as exc:  # noqa: BLE001 - one bad article must not stop a corpus
                logger.debug("coding %s failed", article.id, exc_info=True)
                reason = f"the coder failed on this article ({type(exc).__name__}: {exc}); please report it"
                yield CodedArticle(article, (), (), (), reason)
        while skipped:
            yield skipped.pop(0)

    def code_doc(self, doc: Doc, article: Article, problem: str | None = None) -> CodedArticle:
        mentions = self.lexicon.mentions(doc)
        quotes = find_quote_spans(doc.text)
        memory = ArticleMemory()
        base = Context(mentions=mentions, day=article.published, memory=memory)
        speakers: dict[int, tuple[Actor | None, str | None]] = {}
        events: dict[tuple[object, ...], Event] = {}
        actors: dict[tuple[int, int], Actor] = {}
        for index, sent in enumerate(doc.sents):
            self._quote_speakers(sent, quotes, speakers, base)
            self._remember_subjects(sent, base)
            for event in self._sentence_events(sent, index, article, quotes, speakers, base):
                key = (
                    event.event,
                    tuple(sorted((a.code or "", a.sector or "") for a in event.source)),
                    tuple(sorted((a.code or "", a.sector or "") for a in event.target)),
                    event.modality,
                )
                if key in events:
                    first = events[key]
                    events[key] = replace(first, mentions=first.mentions + 1)
                    continue
                events[key] = event
        actors.update(memory.seen)
        quote_records = []
        for q in quotes:
            speaker, phrase = speakers.get(q.start, (None, None))
            if speaker is not None and speaker.span != (0, 0):
                actors.setdefault(speaker.span, speaker)
            quote_records.append(Quote(article.id, q.text, (q.start, q.end), speaker, phrase))
        ordered = sorted(events.values(), key=lambda e: (e.span[0], e.trigger_span[0]))
        return CodedArticle(
            article=article,
            events=tuple(e for e in ordered if e.confidence >= self.settings.min_confidence),
            quotes=tuple(quote_records),
            actors=tuple(sorted(actors.values(), key=lambda a: a.span)),
            problem=problem,
        )

    @staticmethod
    def _sentence_country(sent: Span, ctx: Context) -> str | None:
        codes = set()
        for i in range(sent.start, sent.end):
            mention = ctx.mentions.get(i)
            if mention is not None and mention.kind in PLACE_KINDS | {ORG}:
                code = mention.entries[0].code
                if code and len(code) == 3 and code not in ("IGO", "NGO", "MNC", "IMG"):
                    codes.add(code)
        return codes.pop() if len(codes) == 1 else None

    def _resolve(self, token: Token, ctx: Context) -> list[Actor]:
        return self.resolver.resolve(token, ctx)

    def _quote_speakers(
        self,
        sent: Span,
        quotes: list[QuoteSpan],
        speakers: dict[int, tuple[Actor | None, str | None]],
        ctx: Context,
    ) -> None:
        for q in quotes:
            if not (sent.start_char <= q.start < sent.end_char) or q.start in speakers:
                continue
            verb = speech_verb_for(q, sent.doc)
            if verb is None:
                speakers[q.start] = (None, None)
                continue
            subj = speaker_token(verb)
            found = self._resolve(subj, ctx) if subj is not None else []
            speaker = next((a for a in found if a.code or a.name), None)
            speakers[q.start] = (speaker, attribution_phrase(verb))

    def _remember_subjects(self, sent: Span, ctx: Context) -> None:
        """Resolve the sentence's noun phrases in order, so later pronouns and titles find them."""
        for token in sent:
            if (
                token.dep_ in ARGUMENT_DEPS
                and token.pos_ in ("PROPN", "NOUN")
                and self.resolver.is_candidate(token, ctx)
            ):
                self._resolve(token, ctx)

    def _sentence_events(
        self,
        sent: Span,
        index: int,
        article: Article,
        quotes: list[QuoteSpan],
        speakers: dict[int, tuple[Actor | None, str | None]],
        base: Context,
    ) -> Iterator[Event]:
        triggers = find_triggers(sent, self.book)
        if not triggers:
            return
        country = self._sentence_country(sent, base)
        inner_of = {id(t): governed_triggers(t, triggers) for t in triggers}
        absorbed = {id(i) for t in triggers for i in inner_of[id(t)]}
        direct = {id(t): [i for i in inner_of[id(t)] if is_inner(t, i)] for t in triggers}
        for trigger in triggers:
            if id(trigger) in absorbed:
                continue
            inner_list = direct[id(trigger)]
            quote = quote_at(quotes, trigger.token.idx)
            speaker = speakers.get(quote.start, (None, None))[0] if quote else None
            reporter_tok = reporter_of(trigger.clause_verb)
            reporter = None
            if reporter_tok is not None:
                found = self._resolve(
                    reporter_tok, replace(base, speaker=speaker, sentence_country=country)
                )
                reporter = next((a for a in found if a.code or a.name), None)
            ctx = replace(base, speaker=speaker, reporter=reporter, sentence_country=country)
            sctx = SentenceContext(
                sentence_country=country,
                article_id=article.id,
                sentence_index=index,
                sent=sent,
                published=article.published,
                speaker=speaker,
                in_quote=quote is not None,
                coder_version=self.version,
                publisher=article.publisher,
                url=article.url,
            )
            event = build_event(
                trigger,
                inner_list[0] if inner_list else None,
                sctx,
                resolve=partial(self.resolver.resolve, ctx=ctx),
                is_candidate=partial(self.resolver.is_candidate, ctx=ctx),
                reporter_actor=reporter,
                gazetteer=self.gazetteer,
            )
            if event is not None:
                yield self._with_partner(event, trigger, base.memory)

    @staticmethod
    def _with_partner(event: Event, trigger: Trigger, memory: ArticleMemory) -> Event:
        """Remember the article's two parties; give a bilateral gesture its partner.

        "The Iranian president voiced Tehran's readiness to finalize the cooperation
        document", in a report of an Iran-Russia call, is addressed to Russia: a cooperative
        act about something bilateral (a document, ties, cooperation) with no target of its
        own goes to the other party of the article's first exchange.
        """
        sides = [a for a in (*event.source, *event.target) if a.code]
        if memory.dyad is None and len({a.code for a in sides}) == 2 and len(sides) == 2:
            memory.dyad = (sides[0], sides[1])
            return event
        if (
            memory.dyad is None
            or event.target
            or event.reciprocal
            or event.event not in ("AGREE", "SUPPORT", "COOPERATE")
            or len(event.source) != 1
        ):
            return event
        codes = [a.code for a in memory.dyad]
        source = event.source[0]
        if source.code not in codes or not any(
            t.lemma_.lower() in BILATERAL for t in complement_tokens(trigger.clause_verb)
        ):
            return event
        partner = memory.dyad[1 - codes.index(source.code)]
        partner = replace(partner, span=(0, 0), text=partner.name or partner.text)
        key_s = f"{source.code}-{source.sector}"
        key_t = f"{partner.code}-{partner.sector}"
        return replace(
            event,
            target=(partner,),
            id=event_id(event.article_id, event.span[0], event.event, key_s, key_t),
            confidence=round(max(0.05, event.confidence - 0.15), 2),
            rule=event.rule + "+article-partner",
        )


@lru_cache(maxsize=4)
def get_coder(settings: Settings = DEFAULT_SETTINGS) -> Coder:
    """One Coder per settings per process (the spaCy model loads once)."""
    return Coder(settings)


def code_articles(
    articles: Iterable[Article], *, settings: Settings = DEFAULT_SETTINGS
) -> Iterator[Event]:
    """Code articles and yield their events, in article order."""
    for coded in get_coder(settings).code(articles):
        yield from coded.events


def code_text(
    text: str,
    *,
    published: dt.date | None = None,
    article_id: str = "text",
    settings: Settings = DEFAULT_SETTINGS,
) -> list[Event]:
    """Code one text; convenient for notebooks and tests."""
    article = Article(id=article_id, text=text, published=published)
    return list(code_articles([article], settings=settings))
