"""`tacitus serve`: the HTTP API and dashboard."""
