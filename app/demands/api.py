"""/api/v1/demands."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.access.deps import ApiViewer
from app.db import SessionDep
from app.demands import service
from app.demands.schemas import DemandCreate, DemandPage, DemandRead, DemandUpdate
from app.models.enums import DemandKind, DemandStatus, Education

router = APIRouter(prefix="/api/v1/demands", tags=["demands"])


@router.get("")
def list_demands(
    session: SessionDep,
    viewer: ApiViewer,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: DemandStatus | None = None,
    kind: DemandKind | None = None,
    enterprise_id: int | None = None,
    chamber_id: int | None = None,
    min_education: Education | None = None,
    occupation_code: Annotated[str | None, Query(max_length=12)] = None,
    industry: Annotated[str | None, Query(pattern="^[A-T]$")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DemandPage:
    items, total = service.list_demands(
        session,
        viewer,
        q=q,
        status=status,
        kind=kind,
        enterprise_id=enterprise_id,
        chamber_id=chamber_id,
        min_education=min_education,
        occupation_code=occupation_code,
        industry=industry,
        limit=limit,
        offset=offset,
    )
    return DemandPage(items=[DemandRead.of(d) for d in items], total=total)


@router.get("/{demand_id}")
def get_demand(demand_id: int, session: SessionDep, viewer: ApiViewer) -> DemandRead:
    return DemandRead.of(service.get_demand(session, viewer, demand_id))


@router.post("", status_code=201)
def create_demand(data: DemandCreate, session: SessionDep, viewer: ApiViewer) -> DemandRead:
    demand = service.create_demand(session, viewer, data)
    session.commit()
    return DemandRead.of(demand)


@router.patch("/{demand_id}")
def update_demand(
    demand_id: int, data: DemandUpdate, session: SessionDep, viewer: ApiViewer
) -> DemandRead:
    demand = service.update_demand(session, viewer, demand_id, data)
    session.commit()
    return DemandRead.of(demand)


@router.delete("/{demand_id}", status_code=204)
def delete_demand(demand_id: int, session: SessionDep, viewer: ApiViewer) -> Response:
    service.delete_demand(session, viewer, demand_id)
    session.commit()
    return Response(status_code=204)
