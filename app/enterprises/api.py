"""/api/v1/enterprises."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.access.deps import ApiViewer
from app.db import SessionDep
from app.enterprises import service
from app.enterprises.schemas import (
    EnterpriseCreate,
    EnterprisePage,
    EnterpriseRead,
    EnterpriseUpdate,
)
from app.i18n import locale_of
from app.models.enums import EnterpriseSize

router = APIRouter(prefix="/api/v1/enterprises", tags=["enterprises"])


@router.get("")
def list_enterprises(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    q: Annotated[str | None, Query(max_length=100)] = None,
    industry: Annotated[str | None, Query(pattern="^[A-T]$")] = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    chamber_id: int | None = None,
    size: EnterpriseSize | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> EnterprisePage:
    items, total = service.list_enterprises(
        session,
        viewer,
        q=q,
        industry=industry,
        district=district,
        chamber_id=chamber_id,
        size=size,
        limit=limit,
        offset=offset,
    )
    locale = locale_of(request)
    return EnterprisePage(items=[EnterpriseRead.of(e, viewer, locale) for e in items], total=total)


@router.get("/{enterprise_id}")
def get_enterprise(
    enterprise_id: int, request: Request, session: SessionDep, viewer: ApiViewer
) -> EnterpriseRead:
    enterprise = service.get_enterprise(session, viewer, enterprise_id)
    return EnterpriseRead.of(enterprise, viewer, locale_of(request))


@router.post("", status_code=201)
def create_enterprise(
    data: EnterpriseCreate, request: Request, session: SessionDep, viewer: ApiViewer
) -> EnterpriseRead:
    enterprise = service.create_enterprise(session, viewer, data)
    session.commit()
    return EnterpriseRead.of(enterprise, viewer, locale_of(request))


@router.patch("/{enterprise_id}")
def update_enterprise(
    enterprise_id: int,
    data: EnterpriseUpdate,
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
) -> EnterpriseRead:
    enterprise = service.update_enterprise(session, viewer, enterprise_id, data)
    session.commit()
    return EnterpriseRead.of(enterprise, viewer, locale_of(request))


@router.delete("/{enterprise_id}", status_code=204)
def delete_enterprise(enterprise_id: int, session: SessionDep, viewer: ApiViewer) -> Response:
    service.delete_enterprise(session, viewer, enterprise_id)
    session.commit()
    return Response(status_code=204)
