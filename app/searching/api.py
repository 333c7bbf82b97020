"""/api/v1/search/talents and /api/v1/search/demands: keyword + meaning, filters, facets; and
their `/export` twins, which download every hit (up to 10,000) as .xlsx or .csv."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import selectinload

from app.accounts.deps import ApiViewer
from app.access import Viewer
from app.context import app_context
from app.db import SessionDep
from app.i18n import locale_of
from app.imports.api import EXPORT_FILE, XLSX, attachment
from app.models import Demand, Talent
from app.models.enums import DemandKind, DemandStatus, Education, TalentStatus
from app.searching.indexer import Indexer
from app.searching.service import (
    SORTS,
    Index,
    SearchInvalid,
    SearchParams,
    range_of,
    run_search,
)

router = APIRouter(prefix="/api/v1/search", tags=["search"])

Text = Annotated[str | None, Field(max_length=100)]
Years = Annotated[int | None, Field(ge=0, le=70)]
Money = Annotated[int | None, Field(ge=0, le=10_000_000)]
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


class _Common(BaseModel):
    # Unknown parameters (lang, a bookmarked old filter) are ignored, as on every list.
    model_config = ConfigDict(extra="ignore")

    q: str = Field("", max_length=1000)
    semantic_ratio: float = Field(0.5, ge=0, le=1)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


class TalentSearch(_Common):
    """Talents (supply side). Agencies see only their own; demand-side users are refused."""

    organization_id: int | None = None
    education: list[Education] | None = None
    major: Text = None
    location: Text = None
    skill: Text = None
    occupation_code: str | None = Field(None, max_length=12)
    status: TalentStatus | None = None
    is_returnee: bool | None = None
    min_years: Years = None
    max_years: Years = None
    salary_min: Money = None
    salary_max: Money = None
    sort: str | None = Field(None, description=", ".join(SORTS["talents"]))

    def filters(self) -> dict[str, Any]:
        return _clean(
            {
                "organization_id": self.organization_id,
                "education": [e.value for e in self.education] if self.education else None,
                "major": self.major,
                "preferred_locations": self.location,
                "skills": self.skill,
                "occupation_code": self.occupation_code,
                "status": self.status.value if self.status else None,
                "is_returnee": self.is_returnee,
                "years_experience": range_of(self.min_years, self.max_years),
                "expected_salary": range_of(self.salary_min, self.salary_max),
            }
        )


class DemandSearch(_Common):
    """Demands. Chambers see their members', enterprises their own, agencies every published
    (non-draft) demand. ``max_years`` keeps demands asking at most that many years;
    ``salary_min``/``salary_max`` keep demands whose range reaches into the given one."""

    kind: DemandKind | None = None
    status: DemandStatus | None = None
    chamber_id: int | None = None
    enterprise_id: int | None = None
    industry: str | None = Field(None, max_length=1)
    district: Text = None
    min_education: list[Education] | None = None
    major: Text = None
    location: Text = None
    skill: Text = None
    occupation_code: str | None = Field(None, max_length=12)
    overseas_required: bool | None = None
    max_years: Years = None
    salary_min: Money = None
    salary_max: Money = None
    sort: str | None = Field(None, description=", ".join(SORTS["demands"]))

    def filters(self) -> dict[str, Any]:
        return _clean(
            {
                "kind": self.kind.value if self.kind else None,
                "status": self.status.value if self.status else None,
                "chamber_id": self.chamber_id,
                "enterprise_id": self.enterprise_id,
                "industry": self.industry,
                "district": self.district,
                "min_education": (
                    [e.value for e in self.min_education] if self.min_education else None
                ),
                "majors": self.major,
                "work_location": self.location,
                "required_skills": self.skill,
                "occupation_code": self.occupation_code,
                "overseas_required": self.overseas_required,
                "min_years_experience": range_of(None, self.max_years),
                "salary_max": range_of(self.salary_min, None),
                "salary_min": range_of(None, self.salary_max),
            }
        )


def _clean(filters: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in filters.items() if v is not None and v != []}


def _params(index: Index, p: TalentSearch | DemandSearch, limit: int, offset: int) -> SearchParams:
    if p.sort and p.sort not in SORTS[index]:
        raise SearchInvalid(detail="sort")
    return SearchParams(p.q, p.filters(), p.sort, p.semantic_ratio, limit, offset)


def _result(page: Any) -> SearchResult:
    return SearchResult(
        items=[
            SearchHit(id=int(h.id), fields=dict(h.fields), snippet=h.snippet, score=h.score)
            for h in page.hits
        ],
        total=page.total,
        facets={k: dict(v) for k, v in page.facets.items()},
    )


def _all_ids(indexer: Indexer, viewer: Viewer, index: Index, p: Any) -> list[int]:
    ids: list[int] = []
    offset = 0
    while offset < EXPORT_MAX:
        page = run_search(indexer, viewer, index, _params(index, p, 100, offset))
        ids += [int(h.id) for h in page.hits]
        offset += 100
        if offset >= page.total or not page.hits:
            break
    return ids


def _export(
    request: Request, session: Any, viewer: Viewer, index: Index, p: Any, fmt: str
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
    params = _params("talents", p, p.limit, p.offset)
    return _result(run_search(app_context(request).indexer, viewer, "talents", params))


@router.get("/demands")
def search_demands(
    request: Request, viewer: ApiViewer, p: Annotated[DemandSearch, Query()]
) -> SearchResult:
    """Demands: chambers see their members', enterprises their own, agencies every published
    (non-draft) demand."""
    params = _params("demands", p, p.limit, p.offset)
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
