"""/api/v1/auth/token (OAuth2 password flow), /api/v1/me and the admin's /api/v1/users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request

from app.accounts import service
from app.accounts.deps import ApiViewer
from app.accounts.schemas import Token, UserCreate, UserPage, UserRead, UserUpdate
from app.accounts.viewer import Viewer
from app.db import SessionDep
from app.errors import Forbidden, InvalidCredentials, TooManyAttempts

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def login_throttled(request: Request, username: str) -> tuple[str, str]:
    """Raises TooManyAttempts; returns the throttle keys for this user and client."""
    client = request.client.host if request.client else "unknown"
    keys = (f"user:{username.strip().lower()}", f"ip:{client}")
    wait = request.app.state.login_throttle.retry_after_s(*keys)
    if wait:
        raise TooManyAttempts(retry_after_s=wait)
    return keys


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
    keys = login_throttled(request, username)
    user = service.authenticate(session, username, password)
    if user is None:
        request.app.state.login_throttle.failed(*keys)
        raise InvalidCredentials()
    request.app.state.login_throttle.succeeded(keys[0])
    session.commit()
    return Token(access_token=request.app.state.tokens.issue(user.id, user.auth_version))


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
    if not viewer.is_admin:
        raise Forbidden()
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
