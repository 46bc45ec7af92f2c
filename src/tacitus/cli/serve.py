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
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (reads scale with them; SQLite serialises writes).",
)
def serve(db: Path, host: str, port: int, workers: int) -> None:
    """Serve the JSON API (/api, /docs) and the dashboard over a store.

    POST /api/articles (ingest) is enabled only when TACITUS_TOKEN is set, for clients
    sending it as `Authorization: Bearer <token>`.
    """
    import uvicorn

    from tacitus.store import Store, StoreError
    from tacitus.web import create_app

    token = os.environ.get("TACITUS_TOKEN") or None
    try:
        if not db.exists():
            Store(db).close()
        app = create_app(db, token=token)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Tacitus on http://{host}:{port}/ (API docs at /docs) over {db}", err=True)
    options = {"host": host, "port": port, "log_level": "warning", "server_header": False}
    if workers == 1:
        uvicorn.run(app, **options)  # type: ignore[arg-type]
        return
    # Worker processes import the app by name and build it from the environment.
    os.environ["TACITUS_DB"] = str(db.resolve())
    uvicorn.run("tacitus.web:app_from_env", factory=True, workers=workers, **options)  # type: ignore[arg-type]
