"""/api/v1/search/talents and /api/v1/search/demands: keyword + meaning, filters, facets."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from app.accounts.deps import ApiViewer
from app.models.enums import DemandKind, DemandStatus, Education, TalentStatus
from app.searching.service import SORTS, SearchInvalid, SearchParams, range_of, run_search

router = APIRouter(prefix="/api/v1/search", tags=["search"])

Text = Annotated[str | None, Query(max_length=100)]
Years = Annotated[int | None, Query(ge=0, le=70)]
Money = Annotated[int | None, Query(ge=0, le=10_000_000)]


class SearchHit(BaseModel):
    id: str
    fields: dict[str, Any]
    snippet: str
    score: float


class SearchResult(BaseModel):
    items: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]


def _sort(index: str, sort: str | None) -> str | None:
    if sort and sort not in SORTS[index]:
        raise SearchInvalid(detail="sort")
    return sort


def _result(page: Any) -> SearchResult:
    return SearchResult(
        items=[
            SearchHit(id=h.id, fields=dict(h.fields), snippet=h.snippet, score=h.score)
            for h in page.hits
        ],
        total=page.total,
        facets={k: dict(v) for k, v in page.facets.items()},
    )


def _clean(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if v is not None and v != []}


@router.get("/talents")
def search_talents(
    request: Request,
    viewer: ApiViewer,
    q: Annotated[str, Query(max_length=1000)] = "",
    organization_id: int | None = None,
    education: Annotated[list[Education] | None, Query()] = None,
    major: Text = None,
    location: Text = None,
    skill: Text = None,
    occupation_code: Annotated[str | None, Query(max_length=12)] = None,
    status: TalentStatus | None = None,
    is_returnee: bool | None = None,
    min_years: Years = None,
    max_years: Years = None,
    salary_min: Money = None,
    salary_max: Money = None,
    sort: Annotated[str | None, Query(description=", ".join(SORTS["talents"]))] = None,
    semantic_ratio: Annotated[float, Query(ge=0, le=1)] = 0.5,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchResult:
    """Talents (supply side). Agencies see only their own; demand-side users are refused."""
    filters = _clean(
        {
            "organization_id": organization_id,
            "education": [e.value for e in education] if education else None,
            "major": major,
            "preferred_locations": location,
            "skills": skill,
            "occupation_code": occupation_code,
            "status": status.value if status else None,
            "is_returnee": is_returnee,
            "years_experience": range_of(min_years, max_years),
            "expected_salary": range_of(salary_min, salary_max),
        }
    )
    params = SearchParams(q, filters, _sort("talents", sort), semantic_ratio, limit, offset)
    return _result(run_search(request.app.state.indexer, viewer, "talents", params))


@router.get("/demands")
def search_demands(
    request: Request,
    viewer: ApiViewer,
    q: Annotated[str, Query(max_length=1000)] = "",
    kind: DemandKind | None = None,
    status: DemandStatus | None = None,
    chamber_id: int | None = None,
    enterprise_id: int | None = None,
    industry: Annotated[str | None, Query(max_length=1)] = None,
    district: Text = None,
    min_education: Annotated[list[Education] | None, Query()] = None,
    major: Text = None,
    location: Text = None,
    skill: Text = None,
    occupation_code: Annotated[str | None, Query(max_length=12)] = None,
    overseas_required: bool | None = None,
    max_years: Years = None,
    salary_min: Money = None,
    salary_max: Money = None,
    sort: Annotated[str | None, Query(description=", ".join(SORTS["demands"]))] = None,
    semantic_ratio: Annotated[float, Query(ge=0, le=1)] = 0.5,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchResult:
    """Demands (enterprise needs). Chambers see their members', enterprises their own,
    agencies every published (non-draft) demand.

    ``max_years`` keeps demands asking at most that many years; ``salary_min``/``salary_max``
    keep demands whose range reaches into the given one."""
    filters = _clean(
        {
            "kind": kind.value if kind else None,
            "status": status.value if status else None,
            "chamber_id": chamber_id,
            "enterprise_id": enterprise_id,
            "industry": industry,
            "district": district,
            "min_education": [e.value for e in min_education] if min_education else None,
            "majors": major,
            "work_location": location,
            "required_skills": skill,
            "occupation_code": occupation_code,
            "overseas_required": overseas_required,
            "min_years_experience": range_of(None, max_years),
            "salary_max": range_of(salary_min, None),
            "salary_min": range_of(None, salary_max),
        }
    )
    params = SearchParams(q, filters, _sort("demands", sort), semantic_ratio, limit, offset)
    return _result(run_search(request.app.state.indexer, viewer, "demands", params))
