"""`tacitus code --engine dask` and `tacitus store import-parquet`: the cluster commands."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable

import click

from tacitus.cli import main
from tacitus.cli.output import echo_problem
from tacitus.settings import Settings


def run_dask_command(
    inputs: Iterable[str],
    *,
    out: str | None,
    settings: Settings,
    published: dt.date | None,
    scheduler: str | None,
    workers: int | None,
    partition_size: int,
) -> None:
    """Code INPUTS on Dask into Parquet files in OUT; exit 1 when a partition failed."""
    from tacitus import dask_runner
    from tacitus.dictionaries import DictionaryError

    if not out:
        raise click.UsageError("--engine dask needs --out FOLDER for the Parquet files")
    if scheduler and workers:
        raise click.UsageError("use --scheduler (an existing cluster) or --workers, not both")

    def progress(result: dask_runner.PartitionResult, finished: int, total: int) -> None:
        click.echo(
            f"tacitus: [{finished}/{total}] {result.name}: {result.articles} articles, "
            f"{result.events} events in {result.seconds:.1f} s",
            err=True,
        )

    try:
        plan, report = dask_runner.run(
            inputs,
            out=out,
            settings=settings,
            published=published,
            scheduler=scheduler,
            workers=workers,
            partition_size=partition_size,
            on_done=progress,
        )
    except (dask_runner.DaskRunError, DictionaryError) as exc:
        raise click.ClickException(str(exc)) from None
    for problem in [*plan.problems, *report.problems]:
        echo_problem(str(problem))
    rate = report.articles / report.seconds if report.seconds else 0.0
    click.echo(
        f"tacitus: {report.articles} articles, {report.events} events, "
        f"{report.partitions - report.skipped - len(report.failed)} partitions written, "
        f"{report.skipped} already done, {len(report.failed)} failed "
        f"in {report.seconds:.1f} s ({rate:.1f} articles/s) -> {out}",
        err=True,
    )
    for name, error in report.failed:
        echo_problem(f"{name} failed: {error}")
    if report.failed:
        echo_problem("run the same command again to retry the failed partitions")
        sys.exit(1)
    if not any(r.articles for r in report.done):
        echo_problem("nothing could be read")
        sys.exit(1)


def _store_group() -> click.Group:
    # Another module may define `tacitus store` first; add to it rather than replace it.
    existing = main.commands.get("store")
    if isinstance(existing, click.Group):
        return existing

    @main.group("store")
    def store() -> None:
        """Manage the embedded event store."""

    return store


@_store_group().command("import-parquet")
@click.argument("folder")
@click.option(
    "--db",
    required=True,
    envvar="TACITUS_DB",
    type=click.Path(dir_okay=False),
    help="The SQLite store (or set TACITUS_DB).",
)
@click.option(
    "--window",
    type=click.IntRange(min=0),
    default=None,
    help="Days between two reports of one event for them to merge (default 2).",
)
def import_parquet_command(folder: str, db: str, window: int | None) -> None:
    """Load the Parquet files of a `code --engine dask` run into the store.

    Events that report the same real-world event are merged as `ingest` merges them;
    articles already stored with the same text are skipped.
    """
    from tacitus.dask_runner import is_complete, part_files, read_coded
    from tacitus.merge import MergeRule
    from tacitus.store import Store, StoreError

    if not part_files(folder):
        raise click.ClickException(f"no part-*.parquet files in {folder}")
    if not is_complete(folder):
        echo_problem(f"{folder} holds an unfinished run; importing the partitions it has")
    try:
        rule = MergeRule(window_days=window) if window is not None else MergeRule()
        with Store(db, rule=rule) as store:
            stats = store.add(read_coded(folder))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"tacitus: {stats.coded} articles stored ({stats.events} events, "
        f"{stats.merged_new} new merged events), {stats.skipped} unchanged, "
        f"{stats.replaced} replaced, {stats.failed} failed -> {db}",
        err=True,
    )
