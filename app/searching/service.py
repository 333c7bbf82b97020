"""Search, scoped: the viewer's organisation scope becomes filters the backend must apply.

Scope lives in the filters, not in post-filtering, so hits, totals and facet counts all hold
only what the viewer may see: an agency searches its own talents, a chamber its members'
demands, an enterprise its own demands, an agency every published demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from app.access import Viewer
from app.errors import AppError
from app.searching.indexer import Indexer
from app.searching.indexes import INDEXES, Index, SearchQuery
from app.searching.occupations import expand_vector
from search import (
    Query,
    SearchPage,
    SearchQueryError,
    SearchTimeout,
    SearchUnavailable,
)


class SearchUnavailableError(AppError):
    status, code = 503, "search_unavailable"


class SearchInvalid(AppError):
    status, code = 422, "search_invalid"


@dataclass(frozen=True)
class SearchParams:
    """What the user asked for, already validated by the index's query model."""

    q: str = ""
    filters: dict[str, Any] | None = None
    sort: str | None = None
    semantic_ratio: float = 0.5
    limit: int = 20
    offset: int = 0


def scope_filters(viewer: Viewer, index: Index, filters: dict[str, Any]) -> dict[str, Any]:
    """The user's filters narrowed to the viewer's scope (the policies' search filters, the
    same rule as their SQL scope); raises Forbidden when none."""
    return INDEXES[index].scope(viewer, filters)


def run_search(indexer: Indexer, viewer: Viewer, index: Index, params: SearchParams) -> SearchPage:
    filters = scope_filters(viewer, index, params.filters or {})
    q = (params.q or "").strip()
    vector = None
    ratio = params.semantic_ratio if q else 0.0
    if ratio > 0 and not indexer.encoder_loaded and indexer.started:
        ratio = 0.0  # the model is still loading (just after start-up): keywords meanwhile
    if ratio > 0:
        vector = np.asarray(indexer.vectors([q])[0], dtype=np.float32)
        if not np.isfinite(vector).all() or not vector.any():
            vector, ratio = None, 0.0  # nothing to mean (punctuation only): keywords only
        else:  # a job title: pulled towards its likely occupations (a boost, never a filter)
            vector = expand_vector(q, vector, indexer.vectors)
    try:
        query = Query(
            q,
            filters=filters,
            facets=INDEXES[index].facets,
            sort=(params.sort,) if params.sort else (),
            semantic_ratio=ratio,
            vector=vector,
            limit=params.limit,
            offset=params.offset,
        )
        indexer.ensure_ready()
        return indexer.backend.search(index, query)
    except (SearchUnavailable, SearchTimeout) as exc:
        raise SearchUnavailableError() from exc
    except SearchQueryError as exc:
        raise SearchInvalid(detail=exc.code) from exc


def params_of(query: SearchQuery, limit: int, offset: int) -> SearchParams:
    """A validated query (the API's, the export's or the page's) as search parameters."""
    return SearchParams(query.q, query.filters(), query.sort, query.semantic_ratio, limit, offset)
