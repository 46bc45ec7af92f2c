"""Options shared by several commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def dictionary_options(command: F) -> F:
    """--actors FILE and --patterns FILE: user dictionaries that add to the built-in ones."""
    command = click.option(
        "--patterns",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False),
        help="Extra pattern dictionary (YAML or JSONL).",
    )(command)
    return click.option(
        "--actors",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False),
        help="Extra actor dictionary (YAML or JSONL).",
    )(command)
