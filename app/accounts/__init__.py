"""Accounts: users, login and logout, API tokens, and the dependencies resolving the viewer."""
