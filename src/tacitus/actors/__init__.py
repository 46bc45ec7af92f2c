"""Actors: the lexicon of who is who, and the resolver that codes a phrase."""
