"""/api/v1/organizations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.access.deps import ApiViewer
from app.db import SessionDep
from app.models.enums import Side
from app.orgs import service
from app.orgs.schemas import (
    OrganizationCreate,
    OrganizationPage,
    OrganizationRead,
    OrganizationUpdate,
)

router = APIRouter(prefix="/api/v1/organizations", tags=["organizations"])


@router.get("")
def list_organizations(
    session: SessionDep,
    viewer: ApiViewer,
    side: Side | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> OrganizationPage:
    items, total = service.list_organizations(
        session, viewer, side=side, q=q, limit=limit, offset=offset
    )
    return OrganizationPage(items=[OrganizationRead.model_validate(o) for o in items], total=total)


@router.get("/{organization_id}")
def get_organization(
    organization_id: int, session: SessionDep, viewer: ApiViewer
) -> OrganizationRead:
    return OrganizationRead.model_validate(
        service.get_organization(session, viewer, organization_id)
    )


@router.post("", status_code=201)
def create_organization(
    data: OrganizationCreate, session: SessionDep, viewer: ApiViewer
) -> OrganizationRead:
    org = service.create_organization(session, viewer, data)
    session.commit()
    return OrganizationRead.model_validate(org)


@router.patch("/{organization_id}")
def update_organization(
    organization_id: int, data: OrganizationUpdate, session: SessionDep, viewer: ApiViewer
) -> OrganizationRead:
    org = service.update_organization(session, viewer, organization_id, data)
    session.commit()
    return OrganizationRead.model_validate(org)


@router.delete("/{organization_id}", status_code=204)
def delete_organization(organization_id: int, session: SessionDep, viewer: ApiViewer) -> Response:
    service.delete_organization(session, viewer, organization_id)
    session.commit()
    return Response(status_code=204)
