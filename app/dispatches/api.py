"""/api/v1/demands/{demand_id}/dispatches, /api/v1/dispatches, /api/v1/dispatch-rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from app.access.deps import ApiViewer
from app.access.policies import dispatches as policy
from app.access.policies.dispatches import DispatchAction
from app.config import Settings
from app.context import app_context
from app.db import SessionDep
from app.dispatches import service
from app.fieldtypes import OneLine
from app.i18n import locale_of
from app.models import Nomination

router = APIRouter(tags=["dispatch"])

OrgKindName = Annotated[str, Field(max_length=40), OneLine]

DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]


class DispatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organization_id: DbId
    due_date: dt.date


class DispatchByRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    due_date: dt.date


class NominationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    talent_ids: Annotated[list[DbId], Field(min_length=1, max_length=50)]


class DispatchRead(BaseModel):
    id: int
    demand_id: int
    demand_title: str
    demand_status: str
    enterprise_name: str
    organization_id: int
    organization_name: str
    due_date: dt.date
    status: str
    source: str
    is_overdue: bool
    nominations: int
    created_at: dt.datetime
    first_nomination_at: dt.datetime | None

    @classmethod
    def of(cls, v: service.DispatchView) -> DispatchRead:
        d = v.dispatch
        return cls(
            id=d.id,
            demand_id=d.demand_id,
            demand_title=v.demand_title,
            demand_status=v.demand_status,
            enterprise_name=v.enterprise_name,
            organization_id=d.organization_id,
            organization_name=v.organization_name,
            due_date=d.due_date,
            status=d.status,
            source=d.source,
            is_overdue=v.is_overdue,
            nominations=v.nominated,
            created_at=d.created_at,
            first_nomination_at=d.first_nomination_at,
        )


class DispatchPage(BaseModel):
    items: list[DispatchRead]
    total: int


class NominationRead(BaseModel):
    id: int
    dispatch_id: int
    demand_id: int
    organization_id: int
    talent_id: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, n: Nomination) -> NominationRead:
        return cls(
            id=n.id,
            dispatch_id=n.dispatch_id,
            demand_id=n.demand_id,
            organization_id=n.organization_id,
            talent_id=n.talent_id,
            created_at=n.created_at,
        )


class NominationResult(BaseModel):
    dispatch: DispatchRead
    created: list[NominationRead]


class DispatchRules(BaseModel):
    """Organisation kinds per category: `overseas` (overseas or foreign-language demands),
    `research` (R&D projects, leading talent), `other` (every other job)."""

    model_config = ConfigDict(extra="forbid")

    overseas: Annotated[list[OrgKindName], Field(max_length=20)]
    research: Annotated[list[OrgKindName], Field(max_length=20)]
    other: Annotated[list[OrgKindName], Field(max_length=20)]


class SweepResult(BaseModel):
    overdue_flagged: int
    reverted_demands: list[int]


def _reads(request: Request, session: SessionDep, items: list[object]) -> list[DispatchRead]:
    views = service.views(session, items, locale_of(request))  # type: ignore[arg-type]
    return [DispatchRead.of(v) for v in views]


@router.post("/api/v1/demands/{demand_id}/dispatches", status_code=201)
def create_dispatch(
    demand_id: int,
    data: DispatchCreate,
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
) -> DispatchRead:
    """The office tasks an agency with an open demand, due by `due_date`."""
    d = service.create_dispatch(
        session, viewer, demand_id, organization_id=data.organization_id, due_date=data.due_date
    )
    session.commit()
    return _reads(request, session, [d])[0]


@router.post("/api/v1/demands/{demand_id}/dispatches/by-rules", status_code=201)
def dispatch_by_rules(
    demand_id: int,
    data: DispatchByRules,
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
) -> list[DispatchRead]:
    """The office tasks the agencies the routing rules name (already tasked ones skipped)."""
    rows = service.dispatch_by_rules(session, viewer, demand_id, due_date=data.due_date)
    session.commit()
    return _reads(request, session, list(rows))


@router.get("/api/v1/dispatches")
def list_dispatches(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    status: Annotated[str | None, Query(max_length=12)] = None,
    overdue: bool | None = None,
    demand_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> DispatchPage:
    """The agency's task board (the office sees every agency's), soonest due first."""
    items, total = service.list_dispatches(
        session,
        viewer,
        status=status,
        overdue=overdue,
        demand_id=demand_id,
        limit=limit,
        offset=offset,
    )
    return DispatchPage(items=_reads(request, session, list(items)), total=total)


@router.post("/api/v1/dispatches/{dispatch_id}/nominations", status_code=201)
def nominate(
    dispatch_id: int,
    data: NominationCreate,
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
) -> NominationResult:
    """The tasked agency nominates its own active talents; they enter the next match run."""
    rows = service.nominate(session, viewer, dispatch_id, list(data.talent_ids))
    session.commit()
    d = service.get_dispatch(session, viewer, dispatch_id)
    return NominationResult(
        dispatch=_reads(request, session, [d])[0], created=[NominationRead.of(n) for n in rows]
    )


@router.get("/api/v1/dispatch-rules")
def get_rules(session: SessionDep, viewer: ApiViewer) -> DispatchRules:
    policy.require(viewer, DispatchAction.read_rules)
    return DispatchRules(**service.get_rules(session))


@router.put("/api/v1/dispatch-rules")
def set_rules(data: DispatchRules, session: SessionDep, viewer: ApiViewer) -> DispatchRules:
    """Office admin: which agencies (by organisation kind) each category goes to."""
    rules = service.set_rules(session, viewer, data.model_dump())
    session.commit()
    return DispatchRules(**rules)


@router.post("/api/v1/dispatches/sweep")
def sweep(request: Request, session: SessionDep, viewer: ApiViewer) -> SweepResult:
    """The office runs now what `talent-supermarket revert-dispatches` runs: flag overdue
    dispatches and offer long-unfilled demands to more agencies."""
    policy.require(viewer, DispatchAction.sweep)
    settings: Settings = app_context(request).settings
    flagged = service.flag_overdue(session)
    reverted = service.revert_dispatches(session, days=settings.dispatch_reversion_days)
    session.commit()
    return SweepResult(overdue_flagged=flagged, reverted_demands=[r.demand_id for r in reverted])
