"""Erasure of a talent's personal data on request."""
