"""Corpus commands: ingest, events, export, trend, actors, dyads, compare, stats."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from tacitus.cli import main
from tacitus.cli.options import dictionary_options
from tacitus.store import Store, StoreError

DB_OPTION = click.option(
    "--db",
    required=True,
    envvar="TACITUS_DB",
    type=click.Path(dir_okay=False),
    help="The SQLite store (or set TACITUS_DB).",
)


def _fail(message: str) -> None:
    raise click.ClickException(message)


@contextmanager
def _open(db: str, *, readonly: bool = True, **kwargs: Any) -> Iterator[Store]:
    try:
        store = Store(db, readonly=readonly, **kwargs)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield store
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except sqlite3.Error as exc:  # a damaged or locked file, met while reading
        raise click.ClickException(f"cannot read {db}: {exc}") from None
    finally:
        store.close()


def _date(value: str | None) -> str | None:
    if value is None:
        return None
    for size in (10, 7, 4):
        if len(value) == size:
            fmt = {10: "%Y-%m-%d", 7: "%Y-%m", 4: "%Y"}[size]
            try:
                dt.datetime.strptime(value, fmt)
                return value
            except ValueError:
                break
    raise click.BadParameter(f"{value!r} is not a date like 2021-11-17, 2021-11 or 2021")


def _code(value: str) -> str:
    return value.strip().upper()


# -- ingest --------------------------------------------------------------------------------


@main.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@DB_OPTION
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Coding processes (default: the number of cores).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no per-record problems.")
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that lack one.")
@click.option(
    "--window",
    type=click.IntRange(min=0),
    default=None,
    help="Days between two reports of one event for them to merge (default 2).",
)
@dictionary_options
def ingest_command(
    inputs: tuple[str, ...],
    db: str,
    jobs: int | None,
    quiet: bool,
    published: str | None,
    window: int | None,
    actors: tuple[str, ...],
    patterns: tuple[str, ...],
) -> None:
    """Code news articles and store their events, skipping those already stored.

    INPUT is a file (text, JSONL, HTML, RSS/Atom, WARC, gzip), a folder, or - for
    standard input. Re-running is safe: stored articles are skipped, changed ones recoded.
    """
    from tacitus.merge import MergeRule
    from tacitus.pipeline import CoderLoadError, estimate_total, ingest
    from tacitus.settings import Settings

    try:
        pub = dt.date.fromisoformat(published) if published else None
    except ValueError:
        raise click.BadParameter(
            f"{published!r} is not a date like 2021-11-17", param_hint="--published"
        ) from None
    settings = Settings(
        actor_files=tuple(Path(p) for p in actors), pattern_files=tuple(Path(p) for p in patterns)
    )
    rule = MergeRule(window_days=window) if window is not None else MergeRule()
    show_bar = not quiet and sys.stderr.isatty()
    with _open(db, readonly=False, rule=rule) as store, _Bar(show_bar) as bar:
        total = estimate_total(inputs) if show_bar else None

        def problem(message: str) -> None:
            if not quiet:
                bar.echo(f"tacitus: {message}")

        try:
            report = ingest(
                inputs,
                store,
                settings=settings,
                jobs=jobs or os.cpu_count() or 1,
                published=pub,
                on_problem=problem,
                on_progress=bar.update,
                total=total,
            )
        except CoderLoadError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(report.summary())
    if report.error:
        raise click.ClickException(report.error)
    if report.interrupted:
        sys.exit(130)
    if report.read == 0 or report.failed == report.read:
        sys.exit(1)


class _Bar:
    """A rich progress bar on standard error, or nothing when not wanted."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Any = None
        self.task: Any = None

    def __enter__(self) -> _Bar:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.progress = Progress(
                TextColumn("ingest"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("articles · {task.fields[rate]:.1f}/s · {task.fields[events]} events"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
                auto_refresh=False,  # no refresh thread: the pipeline may fork workers
            )
            self.progress.start()
            self.task = self.progress.add_task("ingest", total=None, rate=0.0, events=0)
        return self

    def update(self, p: Any) -> None:
        if self.progress is None:
            return
        rate = p.coded / p.elapsed if p.elapsed > 0 else 0.0
        self.progress.update(self.task, completed=p.done, total=p.total, rate=rate, events=p.events)
        self.progress.refresh()

    def echo(self, message: str) -> None:
        if self.progress is not None:
            self.progress.console.print(message, markup=False, highlight=False)
        else:
            click.echo(message, err=True)

    def __exit__(self, *_: object) -> None:
        if self.progress is not None:
            self.progress.stop()


# -- queries -------------------------------------------------------------------------------


def _print_table(title: str | None, headers: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*headers, title=title)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def _actor_cell(actors: list[dict[str, Any]]) -> str:
    return (
        " + ".join(
            "-".join(p for p in (a.get("code") or "?", a.get("sector")) if p)
            + (f" ({a['name']})" if a.get("name") else "")
            for a in actors
        )
        or "-"
    )


@main.command("events")
@DB_OPTION
@click.option("--actor", help="Events with this actor code as source or target.")
@click.option("--dyad", nargs=2, help="Events between two actor codes (both directions).")
@click.option("--one-way", is_flag=True, help="With --dyad: only from the first to the second.")
@click.option("--type", "event_type", help="PLOVER event type, e.g. CONSULT.")
@click.option("--quad-class", type=click.IntRange(1, 4), help="QuadClass 1-4.")
@click.option("--since", help="From this date (YYYY[-MM[-DD]]).")
@click.option("--until", help="Up to this date (YYYY[-MM[-DD]]).")
@click.option("--search", "q", help="Only events whose sentence contains this text.")
@click.option("--mentions", is_flag=True, help="List event mentions instead of merged events.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="How many events (0: all).",
)
def events_command(
    db: str,
    actor: str | None,
    dyad: tuple[str, str] | None,
    one_way: bool,
    event_type: str | None,
    quad_class: int | None,
    since: str | None,
    until: str | None,
    q: str | None,
    mentions: bool,
    fmt: str,
    limit: int,
) -> None:
    """List stored events, newest first (merged events unless --mentions)."""
    merged = not mentions
    with _open(db) as store:
        records = _all_events(
            store,
            limit,
            actor=_code(actor) if actor else None,
            dyad=(_code(dyad[0]), _code(dyad[1])) if dyad else None,
            both_directions=not one_way,
            type=event_type.upper() if event_type else None,
            quad_class=quad_class,
            since=_date(since),
            until=_date(until),
            q=q,
            merged=merged,
        )
        if fmt == "jsonl":
            for record in records:
                click.echo(json.dumps(record, ensure_ascii=False))
        elif fmt == "csv":
            from tacitus.export import csv_columns, flat_row

            writer = csv.DictWriter(
                sys.stdout, fieldnames=csv_columns(merged=merged), extrasaction="ignore"
            )
            writer.writeheader()
            for record in records:
                writer.writerow(flat_row(record, merged=merged))
        else:
            rows = [
                [
                    r.get("date") or "",
                    r["event"] + (f"/{r['mode']}" if r.get("mode") else ""),
                    _actor_cell(r["source"]),
                    _actor_cell(r["target"]),
                    r["cameo"],
                    f"{r['goldstein']:+.1f}",
                    str(r.get("mentions", 1)),
                    r["id"],
                    r["text"][:100],
                ]
                for r in records
            ]
            _print_table(
                None,
                ["date", "event", "source", "target", "cameo", "gold.", "ment.", "id", "sentence"],
                rows,
            )
            if not rows:
                click.echo("no events")


def _all_events(store: Store, limit: int, **filters: Any) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    left = limit or None
    while True:
        size = min(left, 1000) if left else 1000
        page, cursor = store.events(limit=size, cursor=cursor, **filters)
        yield from page
        if left:
            left -= len(page)
        if not cursor or (left is not None and left <= 0):
            return


@main.command("export")
@DB_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    required=True,
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output file.")
@click.option("--merged", is_flag=True, help="Export merged events instead of mentions.")
def export_command(db: str, fmt: str, out: str, merged: bool) -> None:
    """Write every stored event (or merged event) to a JSONL, CSV or Parquet file."""
    from tacitus.export import ExportError, export_store

    with _open(db) as store:
        try:
            n = export_store(store, fmt, Path(out), merged=merged)
        except ExportError as exc:
            raise click.ClickException(str(exc)) from None
    kind = "merged events" if merged else "event mentions"
    click.echo(f"wrote {n} {kind} to {out}", err=True)


@main.command("trend")
@click.argument("a")
@click.argument("b")
@DB_OPTION
@click.option(
    "--by",
    type=click.Choice(["day", "week", "month", "year"]),
    default="month",
    show_default=True,
)
@click.option("--both-directions", is_flag=True, help="Count B -> A events too.")
@click.option("--since", help="From this date (YYYY[-MM[-DD]]).")
@click.option("--until", help="Up to this date (YYYY[-MM[-DD]]).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@click.option("--plot", type=click.Path(dir_okay=False), help="Draw the series to a .png/.svg.")
def trend_command(
    a: str,
    b: str,
    db: str,
    by: str,
    both_directions: bool,
    since: str | None,
    until: str | None,
    fmt: str,
    plot: str | None,
) -> None:
    """How relations from actor A to actor B moved: merged events per period."""
    from tacitus import trends

    a, b = _code(a), _code(b)
    with _open(db) as store:
        rows = trends.dyad_trend(
            store,
            a,
            b,
            by=by,
            both_directions=both_directions,
            since=_date(since),
            until=_date(until),
        )
    if plot:
        from tacitus.plot import PlotError, plot_trend

        arrow = "<->" if both_directions else "->"
        try:
            plot_trend(rows, Path(plot), title=f"{a} {arrow} {b}: merged events by {by}")
        except PlotError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"wrote {plot}", err=True)
    if fmt == "csv":
        click.echo(trends.to_csv(rows), nl=False)
    elif fmt == "json":
        click.echo(trends.to_json(rows))
    else:
        headers = [
            "period",
            "events",
            "verb. coop",
            "mat. coop",
            "verb. confl",
            "mat. confl",
            "goldstein sum",
            "mean",
            "top types",
        ]
        _print_table(
            f"{a} {'<->' if both_directions else '->'} {b}", headers, trends.table_rows(rows)
        )
        if not rows:
            click.echo(f"no events between {a} and {b}")


@main.command("actors")
@DB_OPTION
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def actors_command(db: str, limit: int, as_json: bool) -> None:
    """The most active actors in the store."""
    with _open(db) as store:
        rows = store.actors(limit=limit)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    _print_table(
        None,
        ["actor", "events", "as source", "as target", "mean Goldstein"],
        [
            [
                r["code"],
                str(r["events"]),
                str(r["as_source"]),
                str(r["as_target"]),
                f"{r['goldstein_mean']:+.2f}",
            ]
            for r in rows
        ],
    )


@main.command("dyads")
@DB_OPTION
@click.option("--actor", help="Only pairs with this actor.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def dyads_command(db: str, actor: str | None, limit: int, as_json: bool) -> None:
    """The most active (source, target) pairs in the store."""
    with _open(db) as store:
        rows = store.dyads(limit=limit, actor=_code(actor) if actor else None)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    _print_table(
        None,
        ["source", "target", "events", "q1", "q2", "q3", "q4", "mean Goldstein", "from", "to"],
        [
            [
                r["source"],
                r["target"],
                str(r["events"]),
                str(r["q1"]),
                str(r["q2"]),
                str(r["q3"]),
                str(r["q4"]),
                f"{r['goldstein_mean']:+.2f}",
                r["first_date"] or "",
                r["last_date"] or "",
            ]
            for r in rows
        ],
    )


@main.command("compare")
@click.argument("event_id")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def compare_command(event_id: str, db: str, as_json: bool) -> None:
    """Side by side, what each report of a merged event adds (topics, quotes, actors)."""
    from tacitus.merge import compare_readouts

    with _open(db) as store:
        result = compare_readouts(store, event_id)
    if result is None:
        raise click.ClickException(f"no event {event_id!r} in {db}")
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    ev = result["event"]
    from rich.console import Console
    from rich.table import Table

    title = (
        f"{ev['event']} {_actor_cell(ev['source'])} -> {_actor_cell(ev['target'])} on "
        f"{ev.get('date') or '?'}: {ev['mentions']} reports, {ev['publishers']} publishers"
    )
    accounts = result["accounts"]
    table = Table(
        "",
        *[f"{a['publisher'] or a['article_id']}\n{a['published'] or ''}" for a in accounts],
        title=title,
        show_lines=True,
    )

    def cell(items: list[str], n: int = 8) -> str:
        more = f"\n… {len(items) - n} more" if len(items) > n else ""
        return "\n".join(f"• {x}" for x in items[:n]) + more or "-"

    table.add_row("reports it as", *[cell(a["sentences"], 3) for a in accounts])
    table.add_row("topics only here", *[cell(a["topics_only_here"]) for a in accounts])
    table.add_row("actors only here", *[cell(a["actors_only_here"]) for a in accounts])
    table.add_row(
        "quotes",
        *[
            cell([f"{q['speaker'] or '?'}: {q['text'][:140]}" for q in a["quotes"]], 5)
            for a in accounts
        ],
    )
    Console().print(table)


@main.command("stats")
@DB_OPTION
def stats_command(db: str) -> None:
    """Counts of a store: articles, event mentions, merged events, date range."""
    with _open(db) as store:
        click.echo(json.dumps(store.stats(), indent=2))
