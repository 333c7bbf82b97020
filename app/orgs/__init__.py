"""Organisations: the office, the two chambers and the six supply-side agencies."""
