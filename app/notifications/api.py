"""/api/v1/notifications: the viewer's inbox and its unread count."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from app.access.deps import ApiViewer
from app.db import SessionDep
from app.i18n import locale_of, translate
from app.notifications import service

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


class NotificationRead(BaseModel):
    id: int
    kind: str
    message: str
    params: dict[str, Any]
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationRead]
    total: int
    unread: int


def message(kind: str, params: dict[str, Any], locale: str) -> str:
    shown = dict(params)
    for key in ("answer", "outcome"):
        if key in shown:
            shown[key] = translate(f"notify.{key}.{shown[key]}", locale)
    return translate(f"notify.{kind}", locale, **shown)


@router.get("")
def list_notifications(
    request: Request,
    session: SessionDep,
    viewer: ApiViewer,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> NotificationPage:
    items, total = service.list_notifications(
        session, viewer, unread_only=unread, limit=limit, offset=offset
    )
    locale = locale_of(request)
    return NotificationPage(
        items=[
            NotificationRead(
                id=n.id,
                kind=n.kind,
                message=message(n.kind, n.params, locale),
                params=n.params,
                link=n.link,
                created_at=n.created_at,
                read_at=n.read_at,
            )
            for n in items
        ],
        total=total,
        unread=service.unread_count(session, viewer),
    )


@router.post("/{notification_id}/read")
def mark_read(notification_id: int, session: SessionDep, viewer: ApiViewer) -> dict[str, int]:
    service.mark_read(session, viewer, notification_id)
    session.commit()
    return {"unread": service.unread_count(session, viewer)}


@router.post("/read-all")
def mark_all_read(session: SessionDep, viewer: ApiViewer) -> dict[str, int]:
    service.mark_read(session, viewer, None)
    session.commit()
    return {"unread": 0}
