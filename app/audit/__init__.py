"""The audit trail: the flush hook that records every change, and the admin's page reading it."""
