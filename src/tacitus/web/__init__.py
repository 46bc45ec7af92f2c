"""The HTTP API and dashboard over a Store (FastAPI, server-rendered templates)."""

from tacitus.web.app import app_from_env, create_app

__all__ = ["app_from_env", "create_app"]
