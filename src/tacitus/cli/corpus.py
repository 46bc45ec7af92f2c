"""Corpus commands: ingest, events, export, trend, actors, dyads, compare, store."""
