"""Search records in Chinese and English: one protocol, two real backends.

The app builds one backend at startup with `create_backend`, calls `SearchBackend.ensure_index`
for each index it describes (an `IndexSpec`, plain data: the library knows no index of its own),
then upserts, deletes and searches plain dataclasses:

>>> import tempfile, os
>>> from search import Document, IndexSpec, Query, create_backend
>>> TALENTS = IndexSpec("talents", {"name": "text", "position": "text"}, {"name": 3, "position": 2},
...                     snippet_fields=("position",))
>>> backend = create_backend(None, None, path=os.path.join(tempfile.mkdtemp(), "s.sqlite3"))
>>> backend.ensure_index(TALENTS)
>>> backend.upsert("talents", [Document("1", {"name": "李明", "position": "Python后端开发",
...                                           "phone": "13800000000"})])
>>> page = backend.search("talents", Query("后端"))
>>> page.total, page.hits[0].snippet, "phone" in page.hits[0].fields
(1, 'Python<mark>后端</mark>开发', False)
>>> backend.close()
"""

from __future__ import annotations

from pathlib import Path

from search.base import (
    Document,
    FieldKind,
    FieldValue,
    FilterValue,
    FloatVector,
    Health,
    Hit,
    IndexSpec,
    Query,
    Range,
    SearchBackend,
    SearchDocumentError,
    SearchError,
    SearchPage,
    SearchQueryError,
    SearchTaskFailed,
    SearchTimeout,
    SearchUnavailable,
)
from search.embedded import EmbeddedBackend
from search.meili import MeiliBackend

__all__ = [
    "Document",
    "EmbeddedBackend",
    "FieldKind",
    "FieldValue",
    "FilterValue",
    "FloatVector",
    "Health",
    "Hit",
    "IndexSpec",
    "MeiliBackend",
    "Query",
    "Range",
    "SearchBackend",
    "SearchDocumentError",
    "SearchError",
    "SearchPage",
    "SearchQueryError",
    "SearchTaskFailed",
    "SearchTimeout",
    "SearchUnavailable",
    "create_backend",
]

DEFAULT_PATH = Path("var/search.sqlite3")


def create_backend(
    meili_url: str | None,
    api_key: str | None,
    *,
    path: str | Path = DEFAULT_PATH,
    timeout_s: float = 5.0,
    task_timeout_s: float = 60.0,
) -> SearchBackend:
    """Pick the backend: Meilisearch when both its URL and key are given, else embedded.

    Parameters
    ----------
    meili_url : the Meilisearch server, or None for the embedded backend.
    api_key : the Meilisearch key, or None.
    path : the embedded backend's SQLite file (its own file, under ``var/``).
    timeout_s : Meilisearch: how long one HTTP request may take.
    task_timeout_s : Meilisearch: how long a write waits for its task.

    Returns
    -------
    SearchBackend
        An `EmbeddedBackend` or a `MeiliBackend`. Nothing is contacted yet.

    Raises
    ------
    ValueError
        When only one of ``meili_url`` and ``api_key`` is given (a configuration mistake that
        should fail at startup, not fall back silently).

    Examples
    --------
    >>> type(create_backend("http://127.0.0.1:7700", "key")).__name__
    'MeiliBackend'
    >>> create_backend("http://127.0.0.1:7700", None)
    Traceback (most recent call last):
    ...
    ValueError: set both meili_url and api_key for Meilisearch, or neither for the embedded backend
    """
    if bool(meili_url) != bool(api_key):
        raise ValueError(
            "set both meili_url and api_key for Meilisearch, or neither for the embedded backend"
        )
    if meili_url and api_key:
        return MeiliBackend(meili_url, api_key, timeout_s=timeout_s, task_timeout_s=task_timeout_s)
    return EmbeddedBackend(path)
