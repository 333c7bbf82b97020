"""Who may see or do what: the viewer and one policy per resource (`app.access.policies`).

This package sits at the bottom of `app`: it imports models, the database helpers and the base
errors, never a domain package. Services call a policy's `require`, pages and the nav its
`can`, lists and counts its `readable`, search its `search_filters`; nothing else compares
roles.
"""

from app.access.viewer import Viewer

__all__ = ["Viewer"]
