"""The SQLite store: articles, event mentions, merged events, actors; queries on them."""

from __future__ import annotations

import base64
import datetime as dt
import heapq
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tacitus.merge import (
    DEFAULT_RULE,
    MergeRule,
    day_distance,
    dyad,
    event_day,
    location_key,
    merge_key,
    merged_id,
    modes_compatible,
    places_compatible,
    window,
)
from tacitus.records import Event

if TYPE_CHECKING:
    from tacitus.coder import CodedArticle

BATCH_SIZE = 50

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            text_hash TEXT NOT NULL,
            title TEXT,
            url TEXT,
            publisher TEXT,
            published TEXT,
            language TEXT,
            text TEXT NOT NULL,
            events INTEGER NOT NULL DEFAULT 0,
            coded_at TEXT NOT NULL
        );
        CREATE INDEX articles_published ON articles (published);

        CREATE TABLE mentions (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles (id),
            merged_id TEXT,
            day TEXT NOT NULL,
            date TEXT,
            event TEXT NOT NULL,
            mode TEXT,
            cameo TEXT NOT NULL,
            quad_class INTEGER NOT NULL,
            goldstein REAL NOT NULL,
            source_code TEXT,
            source_sector TEXT,
            target_code TEXT,
            target_sector TEXT,
            merge_key TEXT NOT NULL,
            symmetric INTEGER NOT NULL DEFAULT 0,
            location TEXT NOT NULL,
            publisher TEXT,
            published TEXT,
            url TEXT,
            text TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE INDEX mentions_article ON mentions (article_id);
        CREATE INDEX mentions_merged ON mentions (merged_id);
        CREATE INDEX mentions_day ON mentions (day, id);
        CREATE INDEX mentions_dyad ON mentions (source_code, target_code, day, id);
        CREATE INDEX mentions_target ON mentions (target_code, day, id);

        CREATE TABLE merged_events (
            id TEXT PRIMARY KEY,
            merge_key TEXT NOT NULL,
            day TEXT NOT NULL,
            date TEXT,
            event TEXT NOT NULL,
            mode TEXT,
            cameo TEXT NOT NULL,
            quad_class INTEGER NOT NULL,
            goldstein REAL NOT NULL,
            source_code TEXT,
            source_sector TEXT,
            target_code TEXT,
            target_sector TEXT,
            symmetric INTEGER NOT NULL DEFAULT 0,
            location TEXT NOT NULL,
            mentions INTEGER NOT NULL,
            publishers INTEGER NOT NULL,
            first_report TEXT,
            last_report TEXT,
            url TEXT,
            text TEXT NOT NULL,
            record TEXT NOT NULL
        );
        CREATE INDEX merged_key_day ON merged_events (merge_key, day);
        CREATE INDEX merged_day ON merged_events (day, id);
        CREATE INDEX merged_dyad ON merged_events (source_code, target_code, day, id);
        CREATE INDEX merged_target ON merged_events (target_code, day, id);

        CREATE TABLE actors (
            article_id TEXT NOT NULL REFERENCES articles (id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            code TEXT,
            sector TEXT,
            name TEXT
        );
        CREATE INDEX actors_article ON actors (article_id);
        CREATE INDEX actors_code ON actors (code);

        CREATE TABLE quotes (
            article_id TEXT NOT NULL REFERENCES articles (id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            text TEXT NOT NULL,
            speaker_code TEXT,
            speaker_name TEXT,
            speaker TEXT,
            attribution TEXT
        );
        CREATE INDEX quotes_article ON quotes (article_id);
        """,
    ),
    (
        # Trends read only this index (covering); actor and type listings walk by date.
        "0002_query_indexes",
        """
        DROP INDEX merged_dyad;
        CREATE INDEX merged_dyad ON merged_events
            (source_code, target_code, day, id, event, quad_class, goldstein, symmetric);
        CREATE INDEX merged_source ON merged_events (source_code, day, id);
        CREATE INDEX merged_event ON merged_events (event, day, id);
        CREATE INDEX mentions_source ON mentions (source_code, day, id);
        """,
    ),
    (
        # An actor's dyads (as target) read only the index, like trends.
        "0003_target_covering",
        """
        DROP INDEX merged_target;
        CREATE INDEX merged_target ON merged_events
            (target_code, day, id, source_code, event, quad_class, goldstein, symmetric);
        """,
    ),
]

PERIODS = {
    "day": "day",
    "week": "date(day, 'weekday 0', '-6 days')",
    "month": "substr(day, 1, 7)",
    "year": "substr(day, 1, 4)",
}

_MENTION_COLUMNS = (
    "id, article_id, merged_id, day, date, event, mode, cameo, quad_class, goldstein, "
    "source_code, source_sector, target_code, target_sector, merge_key, symmetric, location, "
    "publisher, published, url, text, record"
)


class StoreError(Exception):
    """The database cannot be opened or used (a clear message for the user)."""


@dataclass(frozen=True)
class IngestStats:
    """What one call to Store.add did."""

    coded: int = 0
    skipped: int = 0
    replaced: int = 0
    failed: int = 0
    events: int = 0
    merged_new: int = 0

    def __add__(self, other: IngestStats) -> IngestStats:
        return IngestStats(
            coded=self.coded + other.coded,
            skipped=self.skipped + other.skipped,
            replaced=self.replaced + other.replaced,
            failed=self.failed + other.failed,
            events=self.events + other.events,
            merged_new=self.merged_new + other.merged_new,
        )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def encode_cursor(day: str, ident: str) -> str:
    raw = json.dumps([day, ident]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        day, ident = json.loads(raw)
        return str(day), str(ident)
    except (ValueError, TypeError) as exc:
        raise StoreError(f"invalid cursor {cursor!r}") from exc


class Store:
    """An event store in one SQLite file (or ":memory:")."""

    def __init__(
        self,
        path: str | Path,
        *,
        readonly: bool = False,
        rule: MergeRule = DEFAULT_RULE,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.path = str(path)
        self.readonly = readonly
        self.rule = rule
        self.batch_size = batch_size
        try:
            if readonly:
                if self.path != ":memory:" and not Path(self.path).exists():
                    raise StoreError(f"no such database: {self.path}")
                uri = f"file:{quote(str(Path(self.path).resolve()))}?mode=ro"
                self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            else:
                self.db = sqlite3.connect(self.path, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 10000")
            if not readonly:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
            else:
                self.db.execute("SELECT count(*) FROM migrations").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open {self.path} as a Tacitus store: {exc}") from None

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _migrate(self) -> None:
        with self.db:
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
            )
        done = {r[0] for r in self.db.execute("SELECT name FROM migrations")}
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            # executescript commits first; the migration and its record go in one transaction.
            self.db.executescript(
                "BEGIN;\n" + sql + "\nINSERT INTO migrations (name, applied_at) VALUES "
                f"('{name}', '{_now()}');\nCOMMIT;"
            )

    def migrations(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM migrations ORDER BY name")]

    # -- writing ---------------------------------------------------------------------------

    def known(self, pairs: Iterable[tuple[str, str]]) -> set[str]:
        """Of (article id, text hash) pairs, the ids already stored with that same hash."""
        items = list(pairs)
        found: set[str] = set()
        for i in range(0, len(items), 500):
            chunk = items[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT id, text_hash FROM articles WHERE id IN ({marks})",
                [a for a, _ in chunk],
            )
            stored = {r[0]: r[1] for r in rows}
            found.update(a for a, h in chunk if stored.get(a) == h)
        return found

    def add(self, coded: Iterable[CodedArticle]) -> IngestStats:
        """Store coded articles, one transaction per batch, merging their events."""
        total = IngestStats()
        batch: list[CodedArticle] = []
        for item in coded:
            batch.append(item)
            if len(batch) >= self.batch_size:
                total += self._add_batch(batch)
                batch = []
        if batch:
            total += self._add_batch(batch)
        return total

    def _add_batch(self, batch: list[CodedArticle]) -> IngestStats:
        try:
            return self._add_batch_unchecked(batch)
        except sqlite3.Error as exc:  # disk full, locked, read-only file: one clear line
            raise StoreError(f"cannot write to {self.path}: {exc}") from exc

    def _add_batch_unchecked(self, batch: list[CodedArticle]) -> IngestStats:
        coded = skipped = replaced = failed = events = merged_new = 0
        with self.db:  # one transaction: the whole batch or nothing
            touched: set[str] = set()
            for item in batch:
                art = item.article
                if item.problem:
                    failed += 1
                    continue
                row = self.db.execute(
                    "SELECT text_hash FROM articles WHERE id = ?", (art.id,)
                ).fetchone()
                if row is not None and row[0] == art.text_hash:
                    skipped += 1
                    continue
                if row is not None:
                    touched |= self._delete_article(art.id)
                    replaced += 1
                self._insert_article(item)
                for event in item.events:
                    new, mid = self._insert_mention(event, item)
                    if mid is None:
                        continue
                    events += 1
                    merged_new += new
                    touched.add(mid)
                coded += 1
            self._refresh_merged(touched)
        return IngestStats(coded, skipped, replaced, failed, events, merged_new)

    def _delete_article(self, article_id: str) -> set[str]:
        rows = self.db.execute(
            "SELECT DISTINCT merged_id FROM mentions WHERE article_id = ?", (article_id,)
        )
        merged = {r[0] for r in rows if r[0]}
        for table in ("mentions", "actors", "quotes"):
            self.db.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
        return merged

    def _insert_article(self, item: CodedArticle) -> None:
        art = item.article
        self.db.execute(
            "INSERT INTO articles (id, text_hash, title, url, publisher, published, language, "
            "text, events, coded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                art.id,
                art.text_hash,
                art.title,
                art.url,
                art.publisher,
                art.published.isoformat() if art.published else None,
                art.language,
                art.text,
                len(item.events),
                _now(),
            ),
        )
        self.db.executemany(
            'INSERT INTO actors (article_id, start, "end", text, code, sector, name) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(art.id, a.span[0], a.span[1], a.text, a.code, a.sector, a.name) for a in item.actors],
        )
        self.db.executemany(
            'INSERT INTO quotes (article_id, start, "end", text, speaker_code, speaker_name, '
            "speaker, attribution) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    art.id,
                    q.span[0],
                    q.span[1],
                    q.text,
                    q.speaker.code if q.speaker else None,
                    (q.speaker.name or q.speaker.text) if q.speaker else None,
                    json.dumps(q.speaker.to_dict(), ensure_ascii=False) if q.speaker else None,
                    q.attribution_text,
                )
                for q in item.quotes
            ],
        )

    def _insert_mention(self, event: Event, item: CodedArticle) -> tuple[int, str | None]:
        """Insert one mention and attach it to a merged event; (1 if new merged, merged id)."""
        art = item.article
        published = event.published or (art.published.isoformat() if art.published else None)
        record = event.to_dict()
        record["published"] = published
        record["publisher"] = event.publisher or art.publisher
        record["url"] = event.url or art.url
        day = event_day(event) or (published[:10] if published else "")
        key = merge_key(event, self.rule)
        source, target = dyad(event)
        loc = location_key(event)
        mid, new = self._find_merged(key, day, event.mode, loc), 0
        if mid is None:
            mid, new = merged_id(event.id), 1
        cur = self.db.execute(
            f"INSERT OR IGNORE INTO mentions ({_MENTION_COLUMNS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.id,
                art.id,
                mid,
                day,
                event.date,
                event.event,
                event.mode,
                event.cameo,
                event.quad_class,
                event.goldstein,
                source.code if source else None,
                source.sector if source else None,
                target.code if target else None,
                target.sector if target else None,
                key,
                int(event.reciprocal or event.event in self.rule.symmetric_types),
                loc,
                record["publisher"],
                published,
                record["url"],
                event.text,
                json.dumps(record, ensure_ascii=False),
            ),
        )
        if cur.rowcount == 0:
            return 0, None
        if new:
            self._create_merged(mid, key, day, loc)
        return new, mid

    def _find_merged(self, key: str, day: str, mode: str | None, loc: str) -> str | None:
        bounds = window(day, self.rule)
        if bounds is None:
            return None
        rows = self.db.execute(
            "SELECT id, day, mode, location FROM merged_events "
            "WHERE merge_key = ? AND day BETWEEN ? AND ? ORDER BY day, id",
            (key, *bounds),
        ).fetchall()
        fits = [
            r
            for r in rows
            if modes_compatible(r["mode"], mode) and places_compatible(r["location"], loc)
        ]
        if not fits:
            return None
        return str(min(fits, key=lambda r: day_distance(r["day"], day))["id"])

    def _create_merged(self, mid: str, key: str, day: str, loc: str) -> None:
        # A placeholder filled by _refresh_merged at the end of the batch.
        self.db.execute(
            "INSERT INTO merged_events (id, merge_key, day, event, cameo, quad_class, goldstein, "
            "location, mentions, publishers, text, record) "
            "VALUES (?, ?, ?, '', '', 0, 0, ?, 0, 0, '', '{}')",
            (mid, key, day, loc),
        )

    def _refresh_merged(self, ids: Iterable[str]) -> None:
        for mid in ids:
            agg = self.db.execute(
                "SELECT count(*), count(DISTINCT article_id), "
                "count(DISTINCT coalesce(publisher, article_id)), min(published), "
                "max(published), max(mode), max(location) FROM mentions WHERE merged_id = ?",
                (mid,),
            ).fetchone()
            if agg[0] == 0:
                self.db.execute("DELETE FROM merged_events WHERE id = ?", (mid,))
                continue
            rep = self.db.execute(
                f"SELECT {_MENTION_COLUMNS} FROM mentions WHERE merged_id = ? "
                "ORDER BY day = '', day, published IS NULL, published, id LIMIT 1",
                (mid,),
            ).fetchone()
            self.db.execute(
                "UPDATE merged_events SET day = ?, date = ?, event = ?, mode = ?, cameo = ?, "
                "quad_class = ?, goldstein = ?, source_code = ?, source_sector = ?, "
                "target_code = ?, target_sector = ?, symmetric = ?, location = ?, mentions = ?, "
                "publishers = ?, "
                "first_report = ?, last_report = ?, url = ?, text = ?, record = ? WHERE id = ?",
                (
                    rep["day"],
                    rep["date"],
                    rep["event"],
                    rep["mode"] or agg[5],
                    rep["cameo"],
                    rep["quad_class"],
                    rep["goldstein"],
                    rep["source_code"],
                    rep["source_sector"],
                    rep["target_code"],
                    rep["target_sector"],
                    rep["symmetric"],
                    rep["location"] or agg[6] or "",
                    agg[1],
                    agg[2],
                    agg[3],
                    agg[4],
                    rep["url"],
                    rep["text"],
                    rep["record"],
                    mid,
                ),
            )

    # -- reading ---------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        one = self.db.execute
        dates = one("SELECT min(day), max(day) FROM merged_events WHERE day != ''").fetchone()
        return {
            "articles": one("SELECT count(*) FROM articles").fetchone()[0],
            "mentions": one("SELECT count(*) FROM mentions").fetchone()[0],
            "events": one("SELECT count(*) FROM merged_events").fetchone()[0],
            "first_date": dates[0],
            "last_date": dates[1],
        }

    def article(self, article_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT id, title, url, publisher, published, language, text, text_hash, coded_at "
            "FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        out = dict(row)
        mentions = self.db.execute(
            "SELECT record, merged_id FROM mentions WHERE article_id = ? ORDER BY day, id",
            (article_id,),
        )
        out["events"] = [self._mention(r) for r in mentions]
        out["quotes"] = [
            {
                "article_id": article_id,
                "text": q["text"],
                "span": [q["start"], q["end"]],
                "speaker": json.loads(q["speaker"]) if q["speaker"] else None,
                "attribution": q["attribution"],
            }
            for q in self.db.execute(
                'SELECT text, start, "end", speaker, attribution FROM quotes '
                "WHERE article_id = ? ORDER BY start",
                (article_id,),
            )
        ]
        out["actors"] = [
            {
                "actorText": a["text"],
                "span": [a["start"], a["end"]],
                "code": a["code"],
                "sector": a["sector"],
                "name": a["name"],
            }
            for a in self.db.execute(
                'SELECT text, start, "end", code, sector, name FROM actors '
                "WHERE article_id = ? ORDER BY start",
                (article_id,),
            )
        ]
        return out

    @staticmethod
    def _mention(row: sqlite3.Row) -> dict[str, Any]:
        record: dict[str, Any] = json.loads(row["record"])
        record["merged_id"] = row["merged_id"]
        return record

    def _merged(self, row: sqlite3.Row, mention_ids: list[str]) -> dict[str, Any]:
        record: dict[str, Any] = json.loads(row["record"])
        record.update(
            {
                "id": row["id"],
                "date": row["date"] if row["date"] is not None else record.get("date"),
                "mentions": row["mentions"],
                "publishers": row["publishers"],
                "first_report": row["first_report"],
                "last_report": row["last_report"],
                "mention_ids": mention_ids,
            }
        )
        return record

    def _mention_ids(self, ids: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {i: [] for i in ids}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(
                f"SELECT merged_id, id FROM mentions WHERE merged_id IN ({marks}) "
                "ORDER BY day, published, id",
                chunk,
            ):
                out[r[0]].append(r[1])
        return out

    def event(self, event_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM merged_events WHERE id = ?", (event_id,)).fetchone()
        if row is not None:
            mentions = [
                self._mention(r)
                for r in self.db.execute(
                    "SELECT record, merged_id FROM mentions WHERE merged_id = ? "
                    "ORDER BY day, published, id",
                    (event_id,),
                )
            ]
            out = self._merged(row, [m["id"] for m in mentions])
            out["mention_count"] = out["mentions"]
            out["mentions"] = mentions
            return out
        row = self.db.execute(
            "SELECT record, merged_id FROM mentions WHERE id = ?", (event_id,)
        ).fetchone()
        return self._mention(row) if row is not None else None

    def events(
        self,
        *,
        actor: str | None = None,
        dyad: tuple[str, str] | None = None,
        both_directions: bool = True,
        type: str | None = None,  # noqa: A002 - the API's name for the PLOVER type
        quad_class: int | None = None,
        since: str | None = None,
        until: str | None = None,
        q: str | None = None,
        merged: bool = True,
        limit: int = 50,
        cursor: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Events newest first, filtered; returns a page and the cursor of the next one."""
        table = "merged_events" if merged else "mentions"
        common: list[str] = []
        params: list[Any] = []
        if type:
            common.append("event = ?")
            params.append(type)
        if quad_class is not None:
            common.append("quad_class = ?")
            params.append(int(quad_class))
        if since:
            common.append("day >= ?")
            params.append(since)
        if until:
            common.append("day <= ?")
            params.append(until + "\uffff" if len(until) < 10 else until)
        if q:
            common.append("text LIKE ? ESCAPE '\\'")
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        if cursor:
            common.append("(day, id) < (?, ?)")
            params.extend(decode_cursor(cursor))
        branches = _branches(actor, dyad, both_directions)
        limit = max(1, int(limit))
        iters: list[Iterator[sqlite3.Row]] = []
        for clause, bparams in branches:
            where = " AND ".join([*clause, *common]) or "1"
            sql = (
                f"SELECT * FROM {table} WHERE {where} ORDER BY day DESC, id DESC LIMIT {limit + 1}"
            )
            iters.append(iter(self.db.execute(sql, [*bparams, *params]).fetchall()))
        rows = list(heapq.merge(*iters, key=lambda r: (r["day"], r["id"]), reverse=True))[
            : limit + 1
        ]
        page, more = rows[:limit], len(rows) > limit
        nxt = encode_cursor(page[-1]["day"], page[-1]["id"]) if more and page else None
        if not merged:
            return [self._mention(r) for r in page], nxt
        ids = self._mention_ids([r["id"] for r in page])
        return [self._merged(r, ids[r["id"]]) for r in page], nxt

    def iter_events(self, *, merged: bool = True) -> Iterator[dict[str, Any]]:
        """Every event record (merged or mentions), oldest first, streamed."""
        if not merged:
            for row in self.db.execute("SELECT record, merged_id FROM mentions ORDER BY day, id"):
                yield self._mention(row)
            return
        sql = (
            "SELECT m.*, (SELECT group_concat(x.id, ' ') FROM mentions x "
            "WHERE x.merged_id = m.id) AS mention_list FROM merged_events m ORDER BY day, id"
        )
        for row in self.db.execute(sql):
            yield self._merged(row, sorted((row["mention_list"] or "").split()))

    def trend(
        self,
        a: str,
        b: str,
        *,
        by: str = "month",
        both_directions: bool = False,
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """Per period: merged events by QuadClass, Goldstein sum and mean, top types."""
        if by not in PERIODS:
            raise StoreError(f"unknown period {by!r}; use one of {', '.join(PERIODS)}")
        period = PERIODS[by]
        where = ["day != ''"]
        params: list[Any] = []
        if both_directions or a == b:
            where.append(
                "((source_code = ? AND target_code = ?) OR (source_code = ? AND target_code = ?))"
            )
        else:  # B -> A events without direction (a call, a meeting) count for A -> B too
            where.append(
                "((source_code = ? AND target_code = ?) OR "
                "(source_code = ? AND target_code = ? AND symmetric = 1))"
            )
        params.extend([a, b, b, a])
        if since:
            where.append("day >= ?")
            params.append(since)
        if until:
            where.append("day <= ?")
            params.append(until + "\uffff" if len(until) < 10 else until)
        sql = (
            f"SELECT {period} AS period, event, quad_class, count(*) AS n, "
            f"sum(goldstein) AS g FROM merged_events WHERE {' AND '.join(where)} "
            "GROUP BY period, event, quad_class"
        )
        periods: dict[str, dict[str, Any]] = {}
        types: dict[str, dict[str, int]] = {}
        for row in self.db.execute(sql, params):
            p = periods.setdefault(
                row["period"],
                {
                    "period": row["period"],
                    "events": 0,
                    "q1": 0,
                    "q2": 0,
                    "q3": 0,
                    "q4": 0,
                    "goldstein_sum": 0.0,
                },
            )
            p["events"] += row["n"]
            if 1 <= row["quad_class"] <= 4:
                p[f"q{row['quad_class']}"] += row["n"]
            p["goldstein_sum"] += row["g"] or 0.0
            counts = types.setdefault(row["period"], {})
            counts[row["event"]] = counts.get(row["event"], 0) + row["n"]
        out = []
        for key in sorted(periods):
            p = periods[key]
            p["goldstein_sum"] = round(p["goldstein_sum"], 3)
            p["goldstein_mean"] = round(p["goldstein_sum"] / p["events"], 3)
            ranked = sorted(types[key].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
            p["top_types"] = [t for t, _ in ranked]
            out.append(p)
        return out

    def actors(self, *, limit: int = 50) -> list[dict[str, Any]]:
        """The most active actors (country codes) in merged events."""
        # Two grouped scans, each of one covering index, added up here.
        totals: dict[str, dict[str, Any]] = {}
        for role, sql in (
            (
                "as_source",
                "SELECT source_code, count(*), sum(goldstein) FROM merged_events "
                "WHERE source_code IS NOT NULL GROUP BY source_code",
            ),
            (
                "as_target",
                "SELECT target_code, count(*), sum(goldstein) FROM merged_events "
                "WHERE target_code IS NOT NULL AND target_code IS NOT source_code "
                "GROUP BY target_code",
            ),
        ):
            for code, n, goldstein in self.db.execute(sql):
                row = totals.setdefault(
                    code, {"code": code, "as_source": 0, "as_target": 0, "events": 0, "g": 0.0}
                )
                row[role] += n
                row["events"] += n
                row["g"] += goldstein or 0.0
        ranked = sorted(totals.values(), key=lambda r: (-r["events"], r["code"]))[: int(limit)]
        return [
            {
                "code": r["code"],
                "as_source": r["as_source"],
                "as_target": r["as_target"],
                "events": r["events"],
                "goldstein_mean": round(r.pop("g") / r["events"], 3),
            }
            for r in ranked
        ]

    def dyads(self, *, limit: int = 50, actor: str | None = None) -> list[dict[str, Any]]:
        """The most active (source, target) pairs in merged events."""
        columns = (
            "SELECT source_code AS source, target_code AS target, count(*) AS events, "
            "sum(quad_class = 1) AS q1, sum(quad_class = 2) AS q2, sum(quad_class = 3) AS q3, "
            "sum(quad_class = 4) AS q4, sum(goldstein) AS goldstein_sum, "
            "avg(goldstein) AS goldstein_mean, min(nullif(day, '')) AS first_date, "
            "max(nullif(day, '')) AS last_date FROM merged_events WHERE "
        )
        group = " GROUP BY source_code, target_code"
        order = " ORDER BY events DESC, source, target LIMIT ?"
        params: list[Any] = []
        if actor:  # two index-friendly halves rather than one OR over the whole table
            sql = (
                f"{columns} source_code = ? AND target_code IS NOT NULL{group} UNION ALL "
                f"{columns} target_code = ? AND source_code IS NOT NULL AND source_code != ?"
                f"{group}{order}"
            )
            params.extend([actor, actor, actor])
        else:
            sql = f"{columns} source_code IS NOT NULL AND target_code IS NOT NULL{group}{order}"
        params.append(int(limit))
        return [
            {
                **dict(r),
                "goldstein_sum": round(r["goldstein_sum"], 3),
                "goldstein_mean": round(r["goldstein_mean"], 3),
            }
            for r in self.db.execute(sql, params)
        ]


def _branches(
    actor: str | None, dyad: tuple[str, str] | None, both_directions: bool
) -> list[tuple[list[str], list[Any]]]:
    """Index-friendly alternatives whose results are merged (instead of one slow OR)."""
    if dyad is not None:
        a, b = dyad
        out: list[tuple[list[str], list[Any]]] = [(["source_code = ?", "target_code = ?"], [a, b])]
        if a != b:
            reverse = ["source_code = ?", "target_code = ?"]
            if not both_directions:  # events without direction count both ways
                reverse.append("symmetric = 1")
            out.append((reverse, [b, a]))
        if actor:
            for clause, params in out:
                clause.append("(source_code = ? OR target_code = ?)")
                params.extend([actor, actor])
        return out
    if actor:
        return [
            (["source_code = ?"], [actor]),
            (["target_code = ?", "source_code IS NOT ?"], [actor, actor]),
        ]
    return [([], [])]
