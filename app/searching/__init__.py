"""Search inside the service: the outbox that keeps the index true, the search API and pages."""
