"""/api/v1/search/talents and /api/v1/search/demands: keyword + meaning, filters, facets; and
their `/export` twins, which download every hit (up to 10,000) as .xlsx or .csv."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import selectinload

from app.access import Viewer
from app.access.deps import ApiViewer
from app.context import app_context
from app.db import SessionDep
from app.i18n import locale_of
from app.imports.api import EXPORT_FILE, XLSX, attachment
from app.models import Demand, Talent
from app.searching.indexer import Indexer
from app.searching.indexes import DemandSearch, Index, SearchQuery, TalentSearch
from app.searching.service import params_of, run_search

router = APIRouter(prefix="/api/v1/search", tags=["search"])

EXPORT_MAX = 10_000


class SearchHit(BaseModel):
    id: int  # the talent's or demand's id, as in every resource API
    fields: dict[str, Any]
    snippet: str
    score: float


class SearchResult(BaseModel):
    items: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]


def _result(page: Any) -> SearchResult:
    return SearchResult(
        items=[
            SearchHit(id=int(h.id), fields=dict(h.fields), snippet=h.snippet, score=h.score)
            for h in page.hits
        ],
        total=page.total,
        facets={k: dict(v) for k, v in page.facets.items()},
    )


def _all_ids(indexer: Indexer, viewer: Viewer, index: Index, p: SearchQuery) -> list[int]:
    ids: list[int] = []
    offset = 0
    while offset < EXPORT_MAX:
        page = run_search(indexer, viewer, index, params_of(p, 100, offset))
        ids += [int(h.id) for h in page.hits]
        offset += 100
        if offset >= page.total or not page.hits:
            break
    return ids


def _export(
    request: Request, session: Any, viewer: Viewer, index: Index, p: SearchQuery, fmt: str
) -> Response:
    from app.demands.service import scoped_demands
    from app.imports.exports import export_objects
    from app.talents.service import scoped_talents

    ids = _all_ids(app_context(request).indexer, viewer, index, p)
    # Read again from the database through the list scope: the index is never trusted alone.
    objects: list[Any]
    if index == "talents":
        found = {t.id: t for t in session.scalars(scoped_talents(viewer).where(Talent.id.in_(ids)))}
    else:
        found = {
            d.id: d
            for d in session.scalars(
                scoped_demands(viewer)
                .where(Demand.id.in_(ids))
                .options(selectinload(Demand.enterprise))
            )
        }
    objects = [found[i] for i in ids if i in found]
    content = export_objects(index, objects, viewer, fmt, locale_of(request))
    media = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    return attachment(content, f"search-{index}.{fmt}", media)


@router.get("/talents")
def search_talents(
    request: Request, viewer: ApiViewer, p: Annotated[TalentSearch, Query()]
) -> SearchResult:
    """Talents (supply side). Agencies see only their own; demand-side users are refused."""
    params = params_of(p, p.limit, p.offset)
    return _result(run_search(app_context(request).indexer, viewer, "talents", params))


@router.get("/demands")
def search_demands(
    request: Request, viewer: ApiViewer, p: Annotated[DemandSearch, Query()]
) -> SearchResult:
    """Demands: chambers see their members', enterprises their own, agencies every published
    (non-draft) demand."""
    params = params_of(p, p.limit, p.offset)
    return _result(run_search(app_context(request).indexer, viewer, "demands", params))


@router.get("/talents/export", responses=EXPORT_FILE)
def export_talent_search(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    p: Annotated[TalentSearch, Query()],
    format: Literal["xlsx", "csv"] = "xlsx",
) -> Response:
    """Every hit of the search (up to 10,000, in rank order), masked as the viewer sees it."""
    return _export(request, session, viewer, "talents", p, format)


@router.get("/demands/export", responses=EXPORT_FILE)
def export_demand_search(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    p: Annotated[DemandSearch, Query()],
    format: Literal["xlsx", "csv"] = "xlsx",
) -> Response:
    """Every hit of the search (up to 10,000, in rank order) as .xlsx or .csv."""
    return _export(request, session, viewer, "demands", p, format)
