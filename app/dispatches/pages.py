"""Dispatch pages: the office's dispatch board (with overdue flags and the "by rules" action),
the agency's task board with nominations, and the routing rules editor (office admin)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.deps import CheckedForm, PageViewer
from app.access.policies import dispatches as policy
from app.access.policies.dispatches import DispatchAction
from app.db import SessionDep
from app.dispatches import service
from app.errors import AppError, FieldErrors, render_field_errors
from app.i18n import locale_of, translate
from app.models import Demand, Organization, Talent
from app.models.enums import ORG_KIND_SIDE, DemandStatus, Side, TalentStatus
from app.web import Pager, flash, offset_param, redirect, render, whole_number

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 30


def _date(raw: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw or ""))
    except ValueError:
        return None


def _board(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    q = request.query_params
    overdue = True if q.get("overdue") == "1" else None
    offset = offset_param(request)
    items, total = service.list_dispatches(
        session,
        viewer,
        overdue=overdue,
        demand_id=whole_number(q.get("demand_id")),
        limit=PAGE_SIZE,
        offset=offset,
    )
    locale = locale_of(request)
    ctx: dict[str, Any] = {
        "rows": service.views(session, items, locale),
        "pager": Pager(total, PAGE_SIZE, offset),
        "overdue_only": overdue is True,
        "errors": errors or {},
        "message": message,
        "values": values or {"due_date": (service.today() + dt.timedelta(days=14)).isoformat()},
    }
    ctx["sees_all"] = policy.sees_all_agencies(viewer)
    ctx["can_dispatch"] = policy.can(viewer, DispatchAction.dispatch)
    ctx["can_set_rules"] = policy.can(viewer, DispatchAction.set_rules)
    ctx["can_nominate"] = policy.can(viewer, DispatchAction.nominate)
    if ctx["can_dispatch"]:
        ctx["demands"] = list(
            session.scalars(
                select(Demand).where(Demand.status == DemandStatus.open.value).order_by(Demand.id)
            )
        )
        ctx["agencies"] = list(
            session.scalars(
                select(Organization)
                .where(Organization.side == Side.supply.value)
                .order_by(Organization.id)
            )
        )
        ctx["overdue_count"] = service.list_dispatches(session, viewer, overdue=True, limit=1)[1]
    else:
        ctx["talents"] = list(
            session.scalars(
                select(Talent)
                .where(
                    Talent.organization_id == viewer.organization_id,
                    Talent.status == TalentStatus.active.value,
                )
                .order_by(Talent.name, Talent.id)
                .limit(500)
            )
        )
    return render(request, "dispatches/board.html", ctx, status_code=status_code)


@router.get("/dispatches")
def board_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    service.scoped_dispatches(viewer)  # Forbidden for the demand side
    return _board(request, session, viewer)


def _failed(
    request: Request, session: Session, viewer: Viewer, exc: AppError, values: dict[str, Any]
) -> Response:
    session.rollback()
    locale = locale_of(request)
    if isinstance(exc, FieldErrors):
        errors = {e["field"]: e["message"] for e in render_field_errors(exc.errors, locale)}
        return _board(request, session, viewer, errors=errors, values=values, status_code=422)
    message = translate(f"error.{exc.code}", locale, **exc.params)
    return _board(request, session, viewer, message=message, values=values, status_code=exc.status)


@router.post("/dispatches")
def dispatch_submit(
    request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    policy.require(viewer, DispatchAction.dispatch)
    values = {k: str(form.get(k, "")) for k in ("demand_id", "organization_id", "due_date")}
    errors: dict[str, str] = {}
    locale = locale_of(request)
    demand_id, org_id, due = (
        whole_number(values["demand_id"]),
        whole_number(values["organization_id"]),
        _date(values["due_date"]),
    )
    rules = form.get("action") == "rules"
    if demand_id is None:
        errors["demand_id"] = translate("field_error.missing", locale)
    if org_id is None and not rules:
        errors["organization_id"] = translate("field_error.missing", locale)
    if due is None:
        errors["due_date"] = translate("field_error.date_from_datetime_parsing", locale)
    if errors or demand_id is None or due is None:
        return _board(request, session, viewer, errors=errors, values=values, status_code=422)
    try:
        if rules:
            created = service.dispatch_by_rules(session, viewer, demand_id, due_date=due)
            if not created:
                flash(request, "dispatch.none_by_rules")
        elif org_id is not None:
            service.create_dispatch(
                session, viewer, demand_id, organization_id=org_id, due_date=due
            )
    except AppError as exc:
        return _failed(request, session, viewer, exc, values)
    session.commit()
    flash(request, "dispatch.created")
    return redirect("/dispatches")


@router.post("/dispatches/{dispatch_id}/nominations")
def nominate_submit(
    dispatch_id: int, request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    ids = [i for i in (whole_number(x) for x in form.getlist("talent_id")) if i is not None]
    if not ids:
        flash(request, "dispatch.choose_talents")
        return redirect("/dispatches")
    try:
        service.nominate(session, viewer, dispatch_id, ids)
    except FieldErrors as exc:
        return _failed(request, session, viewer, exc, {})
    session.commit()
    flash(request, "dispatch.nominated")
    return redirect("/dispatches")


def _rules_page(
    request: Request,
    session: Session,
    rules: dict[str, list[str]],
    errors: dict[str, str] | None = None,
) -> Response:
    kinds = [k.value for k, side in ORG_KIND_SIDE.items() if side is Side.supply]
    return render(
        request,
        "dispatches/rules.html",
        {
            "rules": rules,
            "kinds": kinds,
            "categories": service.CATEGORIES,
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )


@router.get("/dispatches/rules")
def rules_page(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    policy.require(viewer, DispatchAction.read_rules)
    return _rules_page(request, session, service.get_rules(session))


@router.post("/dispatches/rules")
def rules_submit(
    request: Request, session: SessionDep, viewer: PageViewer, form: CheckedForm
) -> Response:
    rules = {c: [str(x) for x in form.getlist(c)] for c in service.CATEGORIES}
    try:
        service.set_rules(session, viewer, rules)
    except FieldErrors as exc:
        session.rollback()
        rendered = render_field_errors(exc.errors, locale_of(request))
        return _rules_page(request, session, rules, {e["field"]: e["message"] for e in rendered})
    session.commit()
    flash(request, "dispatch.rules_saved")
    return redirect("/dispatches/rules")
