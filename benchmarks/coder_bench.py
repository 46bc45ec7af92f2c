"""Coding speed against the bare spaCy parse of the same texts, measured in one run.

    python benchmarks/coder_bench.py [CORPUS.jsonl]   (default ../shared/data/corpus/news_dev.jsonl)

Prints the parse time, the full coding time (parse included), the overhead coding adds
to the parse, and words per second. The goal: coding adds at most 30% to the parse.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tacitus.coder import get_coder
from tacitus.ingest.base import parse_date
from tacitus.records import Article

DEFAULT = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "corpus" / "news_dev.jsonl"
)


def load(path: Path) -> list[Article]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [
        Article(id=r["id"], text=r["text"], published=parse_date(r.get("published"))) for r in rows
    ]


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        sys.exit(f"no corpus at {path}")
    articles = load(path)
    words = sum(len(a.text.split()) for a in articles)
    coder = get_coder()
    nlp = coder.nlp
    list(nlp.pipe([a.text for a in articles[:5]]))  # warm up both paths
    list(coder.code(articles[:5]))
    rounds = []
    for _ in range(3):
        start = time.perf_counter()
        docs = list(nlp.pipe((a.text for a in articles), batch_size=coder.settings.batch_size))
        parse = time.perf_counter() - start
        start = time.perf_counter()
        events = sum(
            len(coder.code_doc(doc, a).events) for doc, a in zip(docs, articles, strict=True)
        )
        post = time.perf_counter() - start
        rounds.append((parse, post, events))
    rounds.sort(key=lambda r: r[1] / r[0])
    parse, post, events = rounds[len(rounds) // 2]  # the median round
    print(f"corpus          {path.name}: {len(articles)} articles, {words:,} words")
    print(f"bare parse      {parse:6.2f} s  ({words / parse:,.0f} words/s)")
    print(f"coding on top   {post:6.2f} s  ({events} events)")
    print(f"total           {parse + post:6.2f} s  ({words / (parse + post):,.0f} words/s)")
    print(
        f"overhead        {post / parse:6.1%} of the parse time (goal: <= 30%; median of {len(rounds)} rounds)"
    )


if __name__ == "__main__":
    main()
