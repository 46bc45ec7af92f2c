"""`tacitus serve`: the HTTP API and dashboard."""

from __future__ import annotations

import os
from pathlib import Path

import click

from tacitus.cli import main


@main.command("serve")
@click.option(
    "--db",
    "db",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The store (SQLite file); created empty if missing.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
def serve(db: Path, host: str, port: int) -> None:
    """Serve the JSON API (/api, /docs) and the dashboard over a store.

    POST /api/articles (ingest) is enabled only when TACITUS_TOKEN is set, for clients
    sending it as `Authorization: Bearer <token>`.
    """
    import uvicorn

    from tacitus.store import Store, StoreError
    from tacitus.web import create_app

    try:
        if not db.exists():
            Store(db).close()
        app = create_app(db, token=os.environ.get("TACITUS_TOKEN") or None)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Tacitus on http://{host}:{port}/ (API docs at /docs) over {db}", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
