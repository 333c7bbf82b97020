"""The inbox page: the viewer's notifications, newest first; opening one marks it read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.accounts.deps import CheckedForm, PageViewer
from app.db import SessionDep
from app.i18n import locale_of
from app.models import Notification
from app.notifications import service
from app.notifications.api import message
from app.web import Pager, offset_param, redirect, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 30


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
