"""The erasure confirmation page, reached from the talent page's "erase personal data" button."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access.deps import CheckedForm, PageViewer
from app.db import SessionDep
from app.errors import Forbidden
from app.privacy import service
from app.privacy.api import erase
from app.talents.service import get_talent
from app.web import flash, redirect, render

router = APIRouter(include_in_schema=False)


def _page(request: Request, talent_id: int, name: str, *, error: bool = False) -> Response:
    return render(
        request,
        "privacy/erase.html",
        {"talent_id": talent_id, "talent_name": name, "error": error},
        status_code=422 if error else 200,
    )


@router.get("/talents/{talent_id}/erase")
def erase_page(
    talent_id: int, request: Request, session: SessionDep, viewer: PageViewer
) -> Response:
    talent = get_talent(session, viewer, talent_id)
    if not service.can_erase(viewer, talent):
        raise Forbidden()
    return _page(request, talent_id, talent.name)


@router.post("/talents/{talent_id}/erase")
def erase_submit(
    talent_id: int, request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    talent = get_talent(session, viewer, talent_id)
    if not service.can_erase(viewer, talent):
        raise Forbidden()
    if form.get("confirm") != "yes":
        return _page(request, talent_id, talent.name, error=True)
    erase(request, session, viewer, talent_id)
    session.commit()
    flash(request, "privacy.erased")
    return redirect("/talents")
