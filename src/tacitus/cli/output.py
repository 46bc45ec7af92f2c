"""Writers for event output: JSONL, JSON, CSV and a readable table."""

from __future__ import annotations

import csv
import json
import sys
from types import TracebackType
from typing import IO, Any

import click

from tacitus.records import Event


def echo_problem(message: str) -> None:
    click.echo(f"tacitus: {message}", err=True)


def _actor_label(actors: Any) -> str:
    return (
        " + ".join(
            "-".join(p for p in (x.code or "?", x.sector or "") if p)
            + (f" ({x.name})" if x.name else "")
            for x in actors
        )
        or "-"
    )


class EventWriter:
    """Context manager writing events in one of the output formats."""

    def __init__(self, fmt: str, out: str | None) -> None:
        self.fmt = fmt
        self.out = out
        self._fh: IO[str] = sys.stdout
        self._rows: list[Event] = []
        self._csv: Any = None
        self._first = True

    def __enter__(self) -> EventWriter:
        if self.out:
            try:
                self._fh = open(self.out, "w", encoding="utf-8", newline="")  # noqa: SIM115
            except OSError as exc:
                raise click.ClickException(f"cannot write {self.out}: {exc.strerror}") from None
        if self.fmt == "csv":
            from tacitus.export import csv_columns  # pyarrow: imported only when needed

            # The same flat columns as `tacitus export --format csv`.
            self._csv = csv.DictWriter(
                self._fh, fieldnames=csv_columns(merged=False), extrasaction="ignore"
            )
            self._csv.writeheader()
        elif self.fmt == "json":
            self._fh.write("[")
        return self

    def write(self, event: Event) -> None:
        if self.fmt == "jsonl":
            self._fh.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
        elif self.fmt == "json":
            self._fh.write(
                ("\n" if self._first else ",\n") + json.dumps(event.to_dict(), ensure_ascii=False)
            )
        elif self.fmt == "csv":
            from tacitus.export import flat_row

            self._csv.writerow(flat_row(event.to_dict(), merged=False))
        else:
            self._rows.append(event)
        self._first = False

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.fmt == "json":
            self._fh.write("\n]\n")
        elif self.fmt == "table":
            self._print_table()
        self._fh.flush()
        if self._fh is not sys.stdout:
            self._fh.close()

    def _print_table(self) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(
            "date",
            "event",
            "source",
            "target",
            "CAMEO",
            "Goldstein",
            "modality",
            "trigger",
            "sentence",
            show_lines=True,
        )
        for e in self._rows:
            mods = [k for k, v in vars(e.modality).items() if v]
            if e.attribution.in_quote:
                mods.append("quoted")
            sentence = e.text if len(e.text) <= 90 else e.text[:87] + "..."
            table.add_row(
                e.date or "",
                e.event + (f"/{e.mode}" if e.mode else ""),
                _actor_label(e.source),
                _actor_label(e.target),
                e.cameo,
                f"{e.goldstein:+.1f}",
                ",".join(mods),
                e.event_text,
                sentence,
            )
        interactive = self._fh is sys.stdout and sys.stdout.isatty()
        Console(file=self._fh, width=None if interactive else 180).print(table)
        if not self._rows:
            self._fh.write("no events\n")
