"""/public/demands: open demands without login, searchable, with an interest form per demand."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.access.deps import CheckedForm, PageViewer
from app.accounts import throttles
from app.accounts.api import client_address
from app.context import app_context
from app.db import SessionDep, utcnow
from app.errors import FieldErrors, TooManyAttempts, render_field_errors
from app.i18n import locale_of
from app.models.enums import INDUSTRY_SECTIONS, DemandKind, Education
from app.public import service
from app.web import Pager, flash, offset_param, redirect, render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
#: Interest registrations per client address per hour.
MAX_PER_HOUR = 5


def _secret(request: Request) -> str:
    return str(app_context(request).settings.secret_key.get_secret_value())


def _page(
    request: Request,
    session: SessionDep,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    demand_id: int | None = None,
    status_code: int = 200,
) -> Response:
    # the search word survives a sign-up: the interest form carries it back
    q = (request.query_params.get("q") or (values or {}).get("q") or "").strip()[:100]
    offset = offset_param(request)
    kind = request.query_params.get("kind")
    kind = kind if kind in DemandKind.__members__ else None
    industry = request.query_params.get("industry")
    industry = industry if industry in INDUSTRY_SECTIONS else None
    today = utcnow().astimezone(app_context(request).settings.zone).date()
    demands, total = service.open_demands(
        session,
        q or None,
        today=today,
        kind=kind,
        industry=industry,
        limit=PAGE_SIZE,
        offset=offset,
    )
    return render(
        request,
        "public/demands.html",
        {
            "demands": demands,
            "q": q,
            "kind": kind or "",
            "industry": industry or "",
            "kinds": list(DemandKind),
            "industries": INDUSTRY_SECTIONS,
            "pager": Pager(total, PAGE_SIZE, offset),
            "stamp": service.form_stamp(_secret(request)),
            "errors": errors or {},
            "values": values or {},
            "error_demand": demand_id,
            "educations": list(Education),
            "consent_text": service.consent_text(locale_of(request)),
        },
        status_code=status_code,
    )


@router.get("/public/demands")
def public_demands(request: Request, session: SessionDep) -> Response:
    return _page(request, session)


@router.post("/public/demands/{demand_id}/interest")
def register_interest(
    request: Request, demand_id: int, session: SessionDep, form: CheckedForm
) -> Response:
    values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    locale = locale_of(request)
    if values.get("website"):  # the honeypot: people never see it, bots fill it
        return redirect("/public/demands")
    if not service.stamp_ok(_secret(request), values.get("stamp", "")):
        errors = {"form": render_field_errors(
            [{"field": "form", "code": "public_form_too_fast", "params": {}}], locale
        )[0]["message"]}  # fmt: skip
        return _page(request, session, errors=errors, values=values, demand_id=demand_id,
                     status_code=422)  # fmt: skip
    # Counted in the registration's own transaction: parallel sign-ups wait for each
    # other's count (a row lock on PostgreSQL), so no more than MAX_PER_HOUR get through.
    key = f"public:{client_address(request)}"
    if wait := throttles.take(session, key, limit=MAX_PER_HOUR, window_s=3600):
        raise TooManyAttempts(retry_after_s=wait)
    try:
        service.register_interest(session, demand_id, values, locale=locale)
    except FieldErrors as exc:  # raised before anything is written
        throttles.give_back(session, key)  # only registrations count against the address
        errors = {e["field"]: e["message"] for e in render_field_errors(exc.errors, locale)}
        return _page(request, session, errors=errors, values=values, demand_id=demand_id,
                     status_code=422)  # fmt: skip
    session.commit()
    flash(request, "public.thanks")
    q = values.get("q", "").strip()[:100]
    return redirect("/public/demands" + (f"?{urlencode({'q': q})}" if q else ""))


# ------------------------------------------------------------------------------ the queue


@router.get("/public-interests")
def interest_queue(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    """人社局's queue of registrations from the public page (office staff see every queue)."""
    status = request.query_params.get("status", "new")
    if status not in service.INTEREST_STATES:
        status = "new"
    offset = offset_param(request)
    rows, total = service.interest_queue(session, viewer, status, limit=PAGE_SIZE, offset=offset)
    return render(
        request,
        "public/queue.html",
        {
            "rows": rows,
            "status": status,
            "states": service.INTEREST_STATES,
            "pager": Pager(total, PAGE_SIZE, offset),
            "waiting": service.queue_size(session, viewer),
            "can_decide": service.can_decide_interests(viewer),
        },
    )


@router.post("/public-interests/{interest_id}/{decision}")
def decide_interest(
    request: Request,
    interest_id: int,
    decision: str,
    session: SessionDep,
    viewer: PageViewer,
    form: CheckedForm,
) -> Response:
    interest = service.decide_interest(session, viewer, interest_id, decision)
    session.commit()
    flash(request, f"interest.{interest.status}")
    return redirect("/public-interests")
