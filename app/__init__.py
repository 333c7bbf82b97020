"""Talent Supermarket (人才超市): the web service and API."""
