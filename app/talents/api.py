"""/api/v1/talents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.access.deps import ApiViewer
from app.context import app_context
from app.db import SessionDep
from app.i18n import locale_of
from app.models.enums import Education, TalentStatus
from app.talents import service
from app.talents.schemas import TalentCreate, TalentPage, TalentRead, TalentUpdate

router = APIRouter(prefix="/api/v1/talents", tags=["talents"])


def _id_key(request: Request) -> str:
    return str(app_context(request).settings.id_hash_key.get_secret_value())


@router.get("")
def list_talents(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    q: Annotated[str | None, Query(max_length=100)] = None,
    organization_id: int | None = None,
    education: Education | None = None,
    status: TalentStatus | None = None,
    is_returnee: bool | None = None,
    major: Annotated[str | None, Query(max_length=100)] = None,
    min_years: Annotated[int | None, Query(ge=0, le=70)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> TalentPage:
    items, total = service.list_talents(
        session,
        viewer,
        q=q,
        organization_id=organization_id,
        education=education,
        status=status,
        is_returnee=is_returnee,
        major=major,
        min_years=min_years,
        limit=limit,
        offset=offset,
    )
    locale = locale_of(request)
    return TalentPage(items=[TalentRead.of(t, viewer, locale) for t in items], total=total)


@router.get("/{talent_id}")
def get_talent(
    talent_id: int, request: Request, session: SessionDep, viewer: ApiViewer
) -> TalentRead:
    return TalentRead.of(service.get_talent(session, viewer, talent_id), viewer, locale_of(request))


@router.post("", status_code=201)
def create_talent(
    data: TalentCreate, request: Request, session: SessionDep, viewer: ApiViewer
) -> TalentRead:
    talent = service.create_talent(session, viewer, data, id_key=_id_key(request))
    session.commit()
    return TalentRead.of(talent, viewer, locale_of(request))


@router.patch("/{talent_id}")
def update_talent(
    talent_id: int, data: TalentUpdate, request: Request, session: SessionDep, viewer: ApiViewer
) -> TalentRead:
    talent = service.update_talent(session, viewer, talent_id, data, id_key=_id_key(request))
    session.commit()
    return TalentRead.of(talent, viewer, locale_of(request))


@router.delete("/{talent_id}", status_code=204)
def delete_talent(talent_id: int, session: SessionDep, viewer: ApiViewer) -> Response:
    service.delete_talent(session, viewer, talent_id)
    session.commit()
    return Response(status_code=204)
