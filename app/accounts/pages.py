"""Login, logout, each role's home page, and the admin's user and audit pages."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts import service
from app.accounts.api import login_throttled
from app.accounts.deps import CheckedForm, PageViewer, resolve_viewer
from app.accounts.schemas import UserCreate, UserUpdate
from app.accounts.viewer import Viewer
from app.crud_pages import CrudPages, install
from app.db import SessionDep, paginate
from app.demands.service import scoped_demands
from app.enterprises.service import scoped_enterprises
from app.errors import AppError, Forbidden
from app.forms import FormField, enum_choices
from app.i18n import enum_label, locale_of, translate
from app.models import AuditLog, Demand, Enterprise, Organization, Talent, User
from app.models.enums import DemandStatus, Role, TalentStatus
from app.public.service import queue_size
from app.security import csrf_matches, new_csrf_token, new_session_id
from app.talents.service import scoped_talents
from app.web import Pager, redirect, render

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    # Only local paths: an attacker's absolute URL must not become an open redirect.
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


@router.get("/login")
def login_page(
    request: Request, session: SessionDep, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    if resolve_viewer(request, session) is not None:
        return redirect(_safe_next(next))
    return render(
        request, "accounts/login.html", {"next": _safe_next(next), "error": None, "username": ""}
    )


@router.post("/login")
def login_submit(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=50)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    error: str | None = None
    if not csrf_matches(request.session.get("csrf"), csrf_token):
        error = "error.csrf_failed"
    else:
        try:
            keys = login_throttled(request, username)
        except AppError as exc:
            return render(
                request,
                "accounts/login.html",
                {
                    "next": _safe_next(next),
                    "username": username,
                    "error": translate("error.too_many_attempts", locale_of(request), **exc.params),
                },
                status_code=429,
            )
        user = service.authenticate(session, username, password)
        if user is None:
            request.app.state.login_throttle.failed(*keys)
            error = "error.invalid_credentials"
        else:
            request.app.state.login_throttle.succeeded(keys[0])
            session.commit()
            # A fresh session on login: nothing from before (a planted cookie) carries over.
            request.session.clear()
            request.session.update(
                {
                    "uid": user.id,
                    "av": user.auth_version,
                    "sid": new_session_id(),
                    "iat": int(time.time()),
                    "csrf": new_csrf_token(),
                }
            )
            return redirect(_safe_next(next))
    return render(
        request,
        "accounts/login.html",
        {
            "next": _safe_next(next),
            "username": username,
            "error": translate(error, locale_of(request)),
        },
        status_code=400,
    )


@router.post("/logout")
def logout(request: Request, form: CheckedForm, session: SessionDep) -> Response:
    # Server-side too: a copy of this cookie (another tab, a shared computer's disk, a thief)
    # signs nobody in after logging out.
    service.revoke_session(
        session, request.session.get("sid"), request.app.state.settings.session_max_age_s
    )
    session.commit()
    request.session.clear()
    request.session["flash"] = ["login.logged_out"]
    return redirect("/login")


def _home_counts(session: Session, viewer: Viewer) -> list[tuple[str, int]]:
    open_demands = scoped_demands(viewer).where(Demand.status == DemandStatus.open.value)
    counts = [
        (
            "home.open_demands",
            session.scalar(select(func.count()).select_from(open_demands.subquery())) or 0,
        ),
        (
            "home.open_headcount",
            session.scalar(select(func.coalesce(func.sum(open_demands.subquery().c.headcount), 0)))
            or 0,
        ),
    ]
    if viewer.is_office or viewer.is_demand_side:
        counts.append(
            (
                "home.enterprises",
                session.scalar(
                    select(func.count()).select_from(scoped_enterprises(viewer).subquery())
                )
                or 0,
            )
        )
    if viewer.is_office or viewer.is_agency:
        active = scoped_talents(viewer).where(Talent.status == TalentStatus.active.value)
        counts.append(
            (
                "home.active_talents",
                session.scalar(select(func.count()).select_from(active.subquery())) or 0,
            )
        )
    return counts


def _home_actions(viewer: Viewer) -> list[tuple[str, str]]:
    actions: list[tuple[str, str]] = []
    if viewer.is_office:
        actions.append(("matching.run_button", "/match-runs"))
    if viewer.is_admin or viewer.is_chamber:
        actions.append(("action.new_enterprise", "/enterprises/new"))
    if viewer.is_admin or viewer.is_demand_side:
        actions.append(("action.new_demand", "/demands/new"))
    if viewer.is_admin or viewer.is_agency:
        actions.append(("action.new_talent", "/talents/new"))
    if viewer.is_agency:
        actions.append(("home.open_demands", "/demands?status=open"))
    if viewer.is_admin:
        actions.append(("action.new_user", "/users/new"))
    return actions


HINTS = {
    Role.office_admin: "home.hint.office",
    Role.office_reviewer: "home.hint.reviewer",
    Role.chamber_staff: "home.hint.chamber",
    Role.enterprise_user: "home.hint.enterprise",
    Role.agency_staff: "home.hint.agency",
}


@router.get("/")
def home(request: Request, session: SessionDep, viewer: PageViewer) -> Response:
    counts, actions = _home_counts(session, viewer), _home_actions(viewer)
    waiting = queue_size(session, viewer)
    if waiting:  # registrations from the public page wait in 人社局's queue
        counts.append(("home.public_interests", waiting))
        actions.insert(0, ("home.public_interests", "/public-interests"))
    return render(
        request,
        "accounts/home.html",
        {"counts": counts, "actions": actions, "hint": HINTS[viewer.role]},
    )


# --- users (office admin) -------------------------------------------------------------------

ROLES = enum_choices("role", [r.value for r in Role])


def _org_choices(session: Session) -> Any:
    orgs = [(str(o.id), o.name_zh, o.name_en) for o in session.scalars(select(Organization))]
    return lambda locale: [(i, en if locale == "en" else zh) for i, zh, en in orgs]


def _user_fields(session: Session, viewer: Viewer) -> list[FormField]:
    enterprises = [
        (str(e.id), e.name)
        for e in session.scalars(select(Enterprise).order_by(Enterprise.name).limit(2000))
    ]
    return [
        FormField("username", required=True, max_length=50, autocomplete="off"),
        FormField("display_name", required=True, max_length=100),
        FormField("email", max_length=254, autocomplete="off", attrs={"inputmode": "email"}),
        FormField(
            "password", "password", required=True, max_length=200, autocomplete="new-password"
        ),
        FormField("role", "select", required=True, choices=ROLES),
        FormField("organization_id", "select", required=True, choices=_org_choices(session)),
        FormField("enterprise_id", "select", choices=lambda locale: enterprises),
    ]


def _list_users(session: Session, viewer: Viewer, **kwargs: Any) -> tuple[list[User], int]:
    return service.list_users(session, viewer, **kwargs)


def _user_row(u: User, viewer: Viewer, locale: str) -> list[str]:
    return [
        u.username,
        u.display_name,
        enum_label("role", u.role, locale),
        u.organization.display_name(locale),
        translate(f"enum.bool.{str(u.is_active).lower()}", locale),
    ]


def _user_detail(u: User, viewer: Viewer, locale: str) -> tuple[str, list[tuple[str, Any]]]:
    return u.username, [
        ("field.display_name", u.display_name),
        ("field.role", enum_label("role", u.role, locale)),
        ("field.organization", u.organization.display_name(locale)),
        ("field.enterprise", u.enterprise.name if u.enterprise else None),
        ("field.created_at", u.created_at.strftime("%Y-%m-%d %H:%M")),
    ]


def _no_delete(session: Session, viewer: Viewer, user_id: int) -> None:
    raise Forbidden()


install(
    router,
    CrudPages(
        base="/users",
        title_key="title.users",
        new_label_key="action.new_user",
        create_schema=UserCreate,
        update_schema=UserUpdate,
        fields=_user_fields,
        filters=lambda s, v: [],
        columns=[
            "field.username",
            "field.display_name",
            "field.role",
            "field.organization",
            "field.is_active",
        ],
        row=_user_row,
        detail=_user_detail,
        list=_list_users,
        get=service.get_user,
        create=lambda s, v, data, request: service.create_user(s, data),
        update=lambda s, v, i, data, request: service.update_user(s, v, i, data),
        delete=_no_delete,
        can_create=lambda v: v.is_admin,
        can_edit=lambda v: False,
        can_delete=lambda v: False,
    ),
)


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    viewer: PageViewer,
    entity: Annotated[str | None, Query(max_length=40)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    if not viewer.is_admin:
        raise Forbidden()
    stmt = select(AuditLog).order_by(AuditLog.id.desc())
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    entries, total = paginate(session, stmt, limit=50, offset=offset)
    return render(
        request,
        "accounts/audit.html",
        {
            "entries": entries,
            "pager": Pager(total, 50, offset),
            "entity": entity or "",
        },
    )
