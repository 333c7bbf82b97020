"""The inbox page: the viewer's notifications, newest first; opening one marks it read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access.deps import CheckedForm, PageViewer, resolve_viewer
from app.db import SessionDep
from app.i18n import locale_of
from app.models import Notification
from app.notifications import service
from app.notifications.api import message
from app.web import Pager, offset_param, redirect, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 30


def inbox_badge(request: Request, session: SessionDep) -> None:
    """The header's unread count, on every page a signed-in viewer sees (main adds this
    dependency to the page routers)."""
    viewer = resolve_viewer(request, session)
    if viewer is not None:
        request.state.unread = service.unread_count(session, viewer)


@router.get("/notifications")
def inbox_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    offset = offset_param(request)
    items, total = service.list_notifications(
        session, viewer, unread_only=False, limit=PAGE_SIZE, offset=offset
    )
    locale = locale_of(request)
    rows = [(n, message(n.kind, n.params, locale)) for n in items]
    return render(
        request,
        "notifications/inbox.html",
        {"rows": rows, "pager": Pager(total, PAGE_SIZE, offset)},
    )


@router.post("/notifications/{notification_id}/open")
def open_page(
    notification_id: int, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    service.mark_read(session, viewer, notification_id)
    link = session.get_one(Notification, notification_id).link
    session.commit()
    return redirect(
        link if link.startswith("/") and not link.startswith("//") else "/notifications"
    )


@router.post("/notifications/read-all")
def read_all_page(session: SessionDep, viewer: PageViewer, form: CheckedForm) -> Response:
    service.mark_read(session, viewer, None)
    session.commit()
    return redirect("/notifications")
