"""Generate a synthetic Tacitus store of N merged events (one mention each) for benchmarks.

    python benchmarks/make_synthetic_store.py /tmp/synthetic.db --events 1000000

Actors follow a Zipf-like law (a few dyads are very active, as in real event data);
dates are spread over 2000-2024; types, QuadClass and Goldstein are PLOVER-like.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

from tacitus.merge import merged_id
from tacitus.store import Store

COUNTRIES = (  # noqa: SIM905 - a readable block of codes
    "USA CHN RUS IRN ISR UKR GBR FRA DEU IND PAK TUR SAU SYR IRQ AFG PRK KOR JPN EGY "
    "BRA MEX CAN AUS NGA ZAF ETH KEN VEN COL CUB QAT ARE JOR LBN YEM LBY SDN SOM MLI "
    "POL HUN SRB ITA ESP GRC NLD BEL SWE NOR FIN AZE ARM GEO KAZ BLR VNM PHL IDN THA"
).split()
TYPES = [  # PLOVER type, CAMEO code, QuadClass, Goldstein
    ("CONSULT", "040", 1, 1.0),
    ("AGREE", "057", 1, 8.0),
    ("SUPPORT", "051", 1, 3.4),
    ("REQUEST", "020", 1, 3.0),
    ("COOPERATE", "060", 2, 6.0),
    ("AID", "070", 2, 7.0),
    ("CONCEDE", "080", 2, 5.0),
    ("ACCUSE", "112", 3, -2.0),
    ("REJECT", "120", 3, -4.0),
    ("THREATEN", "130", 3, -4.4),
    ("PROTEST", "140", 3, -6.5),
    ("SANCTION", "163", 4, -8.0),
    ("MOBILIZE", "150", 4, -7.2),
    ("COERCE", "170", 4, -7.0),
    ("ASSAULT", "180", 4, -9.0),
]
SECTORS = ["GOV", "GOV", "GOV", "MIL", "CVL", "OPP"]
START = dt.date(2000, 1, 1)
DAYS = (dt.date(2024, 12, 31) - START).days


def _record(
    i: int,
    art: str,
    day: str,
    kind: tuple[str, str, int, float],
    src: str,
    tgt: str,
    ssec: str,
    tsec: str,
    text: str,
) -> dict[str, object]:
    def actor(code: str, sector: str) -> dict[str, object]:
        return {"actorText": code, "code": code, "sector": sector, "name": None, "span": [0, 3]}

    return {
        "id": f"{i:016x}",
        "article_id": art,
        "sentence_index": i % 7,
        "text": text,
        "span": [0, len(text)],
        "event": kind[0],
        "mode": None,
        "context": [],
        "cameo": kind[1],
        "quad_class": kind[2],
        "goldstein": kind[3],
        "source": [actor(src, ssec)],
        "target": [actor(tgt, tsec)],
        "reciprocal": False,
        "eventText": kind[0].lower(),
        "trigger_span": [4, 10],
        "date": day,
        "date_precision": "day",
        "date_text": None,
        "location": None,
        "modality": {"negated": False, "future": False, "hypothetical": False, "historical": False},
        "attribution": {"said_by": None, "according_to": None, "in_quote": False},
        "confidence": 0.8,
        "rule": "synthetic",
        "coder_version": "synthetic",
        "mentions": 1,
        "published": day,
        "publisher": f"publisher {i % 40}",
        "url": f"https://example.org/{art}",
    }


def generate(path: Path, n: int, *, seed: int = 1, per_article: int = 4) -> None:
    rng = random.Random(seed)
    weights = [1 / (k + 1) ** 1.1 for k in range(len(COUNTRIES))]
    with Store(path) as store:
        db = store.db
        db.execute("PRAGMA synchronous = OFF")
        batch_m: list[tuple[object, ...]] = []
        batch_x: list[tuple[object, ...]] = []
        batch_a: list[tuple[object, ...]] = []

        def flush() -> None:
            with db:
                db.executemany(
                    "INSERT INTO articles (id, text_hash, publisher, published, text, events, "
                    "coded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    batch_a,
                )
                db.executemany(
                    "INSERT INTO mentions (id, article_id, merged_id, day, date, event, mode, "
                    "cameo, quad_class, goldstein, source_code, source_sector, target_code, "
                    "target_sector, merge_key, symmetric, location, publisher, published, url, "
                    "text, record) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', "
                    "?, ?, ?, ?, ?)",
                    batch_x,
                )
                db.executemany(
                    "INSERT INTO merged_events (id, merge_key, day, date, event, mode, cameo, "
                    "quad_class, goldstein, source_code, source_sector, target_code, "
                    "target_sector, symmetric, location, mentions, publishers, first_report, "
                    "last_report, url, text, record) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, "
                    "?, ?, ?, '', 1, 1, ?, ?, ?, ?, ?)",
                    batch_m,
                )
            batch_a.clear()
            batch_x.clear()
            batch_m.clear()

        for i in range(n):
            art = f"syn-{i // per_article}"
            day = (START + dt.timedelta(days=rng.randrange(DAYS))).isoformat()
            src, tgt = rng.choices(COUNTRIES, weights, k=2)
            if src == tgt:
                tgt = COUNTRIES[(COUNTRIES.index(src) + 1) % len(COUNTRIES)]
            kind = rng.choice(TYPES)
            ssec, tsec = rng.choice(SECTORS), rng.choice(SECTORS)
            text = f"{src} {kind[0].lower()} {tgt}, a synthetic sentence number {i}."
            rec = _record(i, art, day, kind, src, tgt, ssec, tsec, text)
            mid = merged_id(str(rec["id"]))
            key = f"{kind[0]}|{src}/{ssec}|{tgt}/{tsec}"
            sym = int(kind[0] == "CONSULT")
            url = rec["url"]
            blob = json.dumps(rec)
            if i % per_article == 0:
                batch_a.append(
                    (
                        art,
                        f"{i:040x}",
                        rec["publisher"],
                        day,
                        text,
                        per_article,
                        "2025-01-01T00:00:00+00:00",
                    )
                )
            batch_x.append(
                (
                    rec["id"],
                    art,
                    mid,
                    day,
                    day,
                    kind[0],
                    kind[1],
                    kind[2],
                    kind[3],
                    src,
                    ssec,
                    tgt,
                    tsec,
                    key,
                    sym,
                    rec["publisher"],
                    day,
                    url,
                    text,
                    blob,
                )
            )
            batch_m.append(
                (
                    mid,
                    key,
                    day,
                    day,
                    kind[0],
                    kind[1],
                    kind[2],
                    kind[3],
                    src,
                    ssec,
                    tgt,
                    tsec,
                    sym,
                    day,
                    day,
                    url,
                    text,
                    blob,
                )
            )
            if len(batch_m) >= 50_000:
                flush()
        flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.out.exists():
        sys.exit(f"{args.out} exists; remove it first")
    t0 = time.perf_counter()
    generate(args.out, args.events, seed=args.seed)
    size = args.out.stat().st_size / 1e9
    print(
        f"wrote {args.events} merged events to {args.out} ({size:.2f} GB) "
        f"in {time.perf_counter() - t0:.0f} s"
    )


if __name__ == "__main__":
    main()
