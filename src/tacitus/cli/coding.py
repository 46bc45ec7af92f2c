"""Coding commands: code, demo, quotes, eval."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tacitus.cli import main
from tacitus.cli.options import dictionary_options
from tacitus.cli.output import EventWriter, echo_problem
from tacitus.ingest import ReadProblem, read_inputs
from tacitus.records import Article
from tacitus.settings import Settings

if TYPE_CHECKING:
    from tacitus.coder import Coder


def _settings(actors: tuple[str, ...], patterns: tuple[str, ...]) -> Settings:
    return Settings(
        actor_files=tuple(Path(p) for p in actors),
        pattern_files=tuple(Path(p) for p in patterns),
    )


def _published(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2021-11-17") from None


class _Counter:
    def __init__(self) -> None:
        self.articles = 0
        self.problems = 0


def _articles(
    inputs: tuple[str, ...], published: dt.date | None, counter: _Counter
) -> Iterator[Article]:
    for item in read_inputs(inputs, published=published):
        if isinstance(item, ReadProblem):
            counter.problems += 1
            echo_problem(str(item))
            continue
        if published and item.published is None:
            item = Article(**{**item.__dict__, "published": published})
        counter.articles += 1
        yield item


def _load_coder(settings: Settings) -> Coder:
    from tacitus.coder import get_coder
    from tacitus.dictionaries import DictionaryError

    try:
        return get_coder(settings)
    except DictionaryError as exc:
        raise click.ClickException(str(exc)) from None


@main.command("code")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that lack one.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json", "csv", "table"]),
    default="jsonl",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(dir_okay=True, writable=True),
    help="Output file (or folder with --engine dask).",
)
@dictionary_options
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", help="Dask scheduler address (with --engine dask).")
@click.option(
    "--workers", type=int, default=None, help="Local Dask worker processes (with --engine dask)."
)
@click.option(
    "--partition-size",
    type=int,
    default=200,
    show_default=True,
    help="Articles per Dask partition.",
)
def code_command(
    inputs: tuple[str, ...],
    published: str | None,
    fmt: str,
    out: str | None,
    actors: tuple[str, ...],
    patterns: tuple[str, ...],
    engine: str,
    scheduler: str | None,
    workers: int | None,
    partition_size: int,
) -> None:
    """Code news articles into PLOVER/CAMEO events (JSONL on standard output).

    INPUT is a text file, a folder of them, a JSONL file of articles, or - for
    standard input.
    """
    settings = _settings(actors, patterns)
    pub = _published(published)
    if engine == "dask":
        from tacitus.cli.dask_cmd import run_dask_command

        run_dask_command(
            inputs,
            out=out,
            settings=settings,
            published=pub,
            scheduler=scheduler,
            workers=workers,
            partition_size=partition_size,
        )
        return
    coder = _load_coder(settings)
    counter = _Counter()
    with EventWriter(fmt, out) as writer:
        for coded in coder.code(_articles(inputs, pub, counter)):
            if coded.problem:
                echo_problem(f"{coded.article.id}: {coded.problem}")
            for event in coded.events:
                writer.write(event)
    if counter.articles == 0:
        echo_problem("nothing could be read")
        sys.exit(1)


@main.command("demo")
def demo_command() -> None:
    """Code the bundled example article and show its events as a table."""
    from importlib.resources import files

    from tacitus.records import Article

    raw = files("tacitus").joinpath("data/examples/example.txt").read_text("utf-8")
    article = Article(
        id="example", text=raw, published=dt.date(2024, 3, 6), publisher="Tacitus example"
    )
    coder = _load_coder(Settings())
    with EventWriter("table", None) as writer:
        for coded in coder.code([article]):
            for event in coded.events:
                writer.write(event)


@main.command("quotes")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that lack one.")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True
)
def quotes_command(inputs: tuple[str, ...], published: str | None, fmt: str) -> None:
    """List the direct quotes of each article with their speaker."""
    import json

    from rich.console import Console
    from rich.table import Table

    coder = _load_coder(Settings())
    counter = _Counter()
    table = Table("article", "speaker", "quote", "attribution")
    for coded in coder.code(_articles(inputs, _published(published), counter)):
        for quote in coded.quotes:
            if fmt == "jsonl":
                click.echo(json.dumps(quote.to_dict(), ensure_ascii=False))
            else:
                speaker = quote.speaker.name or quote.speaker.text if quote.speaker else "?"
                table.add_row(
                    quote.article_id, speaker, quote.text[:120], quote.attribution_text or ""
                )
    if fmt == "table":
        Console(width=None if sys.stdout.isatty() else 160).print(table)
    if counter.articles == 0:
        echo_problem("nothing could be read")
        sys.exit(1)


@main.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--errors", is_flag=True, help="List the sentences coded wrongly.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_command(gold: str, errors: bool, as_json: bool) -> None:
    """Score the coder on a PLOVER gold-standard file."""
    import json

    from tacitus.evaluate import evaluate_file, format_report

    coder = _load_coder(Settings())
    report = evaluate_file(Path(gold), coder=coder)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(format_report(report, errors=errors))
