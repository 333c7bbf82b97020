"""Login, logout, and the office admin's user pages."""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.deps import CheckedForm, resolve_viewer
from app.access.policies import users as policy
from app.access.policies.users import UserAction
from app.accounts import service
from app.accounts.api import count_login
from app.accounts.schemas import UserCreate, UserUpdate
from app.accounts.throttles import login_succeeded
from app.context import app_context
from app.crud_pages import CrudPages, install
from app.db import SessionDep
from app.errors import AppError
from app.forms import FormField, enum_choices
from app.i18n import enum_label, locale_of, translate
from app.models import Enterprise, Organization, User
from app.models.enums import Role
from app.security import (
    auth_fingerprint,
    csrf_matches,
    new_csrf_token,
    new_session_id,
    verify_password,
)
from app.web import redirect, render

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    # Only local paths: an attacker's absolute URL must not become an open redirect.
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


DEMO_LOGIN, DEMO_PASSWORD = "office", "talent-demo"


@lru_cache(maxsize=8)
def _is_demo_password(password_hash: str) -> bool:
    return verify_password(password_hash, DEMO_PASSWORD)


def demo_logins_work(session: Session) -> bool:
    """Whether the demo city's logins still open this service (its `office` account is active
    and has the demo password): only then does the login page print them. One indexed query;
    the password check is remembered per stored hash, so a changed password shows at once."""
    stored = session.scalar(
        select(User.password_hash).where(User.username == DEMO_LOGIN, User.is_active.is_(True))
    )
    return stored is not None and _is_demo_password(stored)


@router.get("/login")
def login_page(
    request: Request, session: SessionDep, next: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    if resolve_viewer(request, session) is not None:
        return redirect(_safe_next(next))
    return render(
        request,
        "accounts/login.html",
        {
            "next": _safe_next(next),
            "error": None,
            "username": "",
            "show_demo": demo_logins_work(session),
        },
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
            attempt = count_login(request, session, username)
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
            error = "error.invalid_credentials"
        else:
            login_succeeded(session, attempt)
            session.commit()
            # A fresh session on login: nothing from before (a planted cookie) carries over.
            request.session.clear()
            request.session.update(
                {
                    "uid": user.id,
                    "ak": auth_fingerprint(user.auth_secret),  # dies with the account's secret
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
            "show_demo": demo_logins_work(session),
        },
        status_code=400,
    )


@router.post("/logout")
def logout(request: Request, form: CheckedForm, session: SessionDep) -> Response:
    # Server-side too: a copy of this cookie (another tab, a shared computer's disk, a thief)
    # signs nobody in after logging out.
    service.revoke_session(
        session, request.session.get("sid"), app_context(request).settings.session_max_age_s
    )
    session.commit()
    request.session.clear()
    request.session["flash"] = ["login.logged_out"]
    return redirect("/login")


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
    policy.require(viewer, UserAction.delete)


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
        can_create=lambda v: policy.can(v, UserAction.create),
        can_edit=lambda v: False,
        can_delete=lambda v: False,
    ),
)
