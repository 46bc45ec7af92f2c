"""The HTTP API and dashboard over a Store (FastAPI, server-rendered templates)."""

from tacitus.web.app import create_app

__all__ = ["create_app"]
