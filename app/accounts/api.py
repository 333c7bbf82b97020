"""/api/v1/auth/token (OAuth2 password flow), the caller's tokens, /api/v1/me and the admin's
/api/v1/users."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.deps import ApiViewer
from app.access.policies import users as policy
from app.access.policies.users import UserAction
from app.accounts import service, throttles
from app.accounts.schemas import (
    Token,
    TokenList,
    TokenRead,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from app.accounts.throttles import LoginAttempt, LoginLimits
from app.context import app_context
from app.db import SessionDep
from app.errors import InvalidCredentials
from app.models import User

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def client_address(request: Request) -> str:
    """The client's address: the peer, or what a trusted proxy forwarded (TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


def count_login(request: Request, session: Session, username: str) -> LoginAttempt:
    """Raises TooManyAttempts; counts (and commits) this attempt before the password check,
    so that a failure counts however many run in parallel."""
    settings = app_context(request).settings
    limits = LoginLimits(
        per_user=settings.login_max_attempts,
        per_address=settings.login_address_max_attempts,
        window_s=settings.login_window_s,
    )
    attempt = throttles.count_login(session, username, client_address(request), limits)
    session.commit()
    return attempt


def new_token(request: Request, session: Session, user: User) -> str:
    """Record and sign an API token for `user` (the caller commits)."""
    claims = service.issue_token(
        session,
        user,
        user_agent=request.headers.get("user-agent"),
        max_age_s=app_context(request).settings.token_max_age_s,
    )
    return str(app_context(request).tokens.issue(claims))


@router.post(
    "/auth/token",
    responses={
        401: {"description": "Wrong username or password"},
        429: {"description": "Too many failed logins; `Retry-After` says when to try again"},
    },
)
def issue_token(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(max_length=50)],
    password: Annotated[str, Form(max_length=200)],
) -> Token:
    """OAuth2 password flow: form fields `username`, `password`; answers a bearer token."""
    attempt = count_login(request, session, username)
    user = service.authenticate(session, username, password)
    if user is None:
        raise InvalidCredentials()
    throttles.login_succeeded(session, attempt)
    token = new_token(request, session, user)
    session.commit()
    return Token(access_token=token)


@router.post("/auth/logout", status_code=204)
def logout(request: Request, session: SessionDep, viewer: ApiViewer) -> None:
    """End what this request signed in with: its API token, or the page session."""
    token_id = getattr(request.state, "token_id", None)
    if token_id is not None:
        service.revoke_token(session, viewer, token_id)
    else:
        service.revoke_session(
            session, request.session.get("sid"), app_context(request).settings.session_max_age_s
        )
        request.session.clear()
    session.commit()


@router.get("/auth/tokens")
def list_tokens(request: Request, session: SessionDep, viewer: ApiViewer) -> TokenList:
    """The caller's API tokens that have not expired: when issued and last used, and from
    which client (user agent); the tokens themselves are never shown again."""
    max_age = dt.timedelta(seconds=app_context(request).settings.token_max_age_s)
    current = getattr(request.state, "token_id", None)
    tokens = service.list_tokens(session, viewer, max_age_s=int(max_age.total_seconds()))
    return TokenList(
        items=[
            TokenRead(
                id=t.id,
                created_at=t.created_at,
                expires_at=t.created_at + max_age,
                last_used_at=t.last_used_at,
                user_agent=t.user_agent,
                is_current=t.id == current,
            )
            for t in tokens
        ]
    )


@router.delete("/auth/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, session: SessionDep, viewer: ApiViewer) -> None:
    """Revoke one of the caller's API tokens (404 for anyone else's)."""
    service.revoke_token(session, viewer, token_id)
    session.commit()


@router.get("/me")
def me(viewer: ApiViewer) -> Viewer:
    return viewer


@router.get("/users")
def list_users(
    session: SessionDep,
    viewer: ApiViewer,
    organization_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> UserPage:
    items, total = service.list_users(
        session, viewer, organization_id=organization_id, limit=limit, offset=offset
    )
    return UserPage(items=[UserRead.model_validate(u) for u in items], total=total)


@router.post("/users", status_code=201)
def create_user(data: UserCreate, session: SessionDep, viewer: ApiViewer) -> UserRead:
    policy.require(viewer, UserAction.create)
    user = service.create_user(session, data)
    session.commit()
    return UserRead.model_validate(user)


@router.get("/users/{user_id}")
def get_user(user_id: int, session: SessionDep, viewer: ApiViewer) -> UserRead:
    return UserRead.model_validate(service.get_user(session, viewer, user_id))


@router.patch("/users/{user_id}")
def update_user(user_id: int, data: UserUpdate, session: SessionDep, viewer: ApiViewer) -> UserRead:
    user = service.update_user(session, viewer, user_id, data)
    session.commit()
    return UserRead.model_validate(user)
