"""GET /audit: the office admin reads the audit trail, newest first, filtered by entity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.access.policies import audit as policy
from app.accounts.deps import PageViewer
from app.db import SessionDep, paginate
from app.models import AuditLog
from app.web import Pager, render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    viewer: PageViewer,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    stmt = policy.readable(viewer).order_by(AuditLog.id.desc())
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    entries, total = paginate(session, stmt, limit=PAGE_SIZE, offset=offset)
    return render(
        request,
        "audit/list.html",
        {
            "entries": entries,
            "pager": Pager(total, PAGE_SIZE, offset),
            "entity": entity or "",
        },
    )
