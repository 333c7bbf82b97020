"""Accounts: login, tokens, the current viewer and its organisation scope."""
