"""Introductions (对接): double opt-in, masked profiles, contact reveals, outcomes."""
