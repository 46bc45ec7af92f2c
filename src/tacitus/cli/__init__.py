"""The `tacitus` command: one click group; each area registers its commands."""

from __future__ import annotations

import click

from tacitus._version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tacitus")
def main() -> None:
    """Tacitus turns English news into PLOVER/CAMEO political event data."""


def _register() -> None:
    from tacitus.cli import coding, corpus, dask_cmd, serve  # noqa: F401


_register()
