"""FastAPI dependencies resolving the viewer from a bearer token or the page session."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.accounts.service import session_revoked
from app.accounts.viewer import Viewer
from app.audit import set_actor
from app.db import SessionDep
from app.errors import CsrfFailed, NotAuthenticated
from app.models import User
from app.security import csrf_matches

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _active_user(session: Session, user_id: int, auth_version: int) -> User | None:
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.auth_version != auth_version:
        return None
    return user


def _session_live(request: Request, session: Session) -> bool:
    """A page session signs in until it is logged out or its login is older than the session
    lifetime (the cookie's own age restarts whenever the session changes, so it cannot say)."""
    issued = request.session.get("iat")
    max_age = request.app.state.settings.session_max_age_s
    if not isinstance(issued, int) or time.time() - issued > max_age:
        return False
    return not session_revoked(session, request.session.get("sid"))


def resolve_viewer(request: Request, session: Session) -> Viewer | None:
    """The viewer of this request, or None; bearer tokens win over the session cookie."""
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    auth = request.headers.get("authorization", "")
    user: User | None = None
    via_cookie = False
    if auth.lower().startswith("bearer "):
        claims = request.app.state.tokens.read(auth[7:].strip())
        if claims is not None:
            user = _active_user(session, *claims)
    else:
        uid, av = request.session.get("uid"), request.session.get("av")
        if isinstance(uid, int) and isinstance(av, int):
            if _session_live(request, session):
                user = _active_user(session, uid, av)
                via_cookie = True
            else:  # logged out, or too old: forget it, so that it cannot be kept fresh
                request.session.clear()
    if user is None:
        return None
    viewer = Viewer.of(user)
    set_actor(session, viewer.id, viewer.username)
    request.state.viewer = viewer
    request.state.via_cookie = via_cookie
    return viewer


def api_viewer(request: Request, session: SessionDep) -> Viewer:
    """API callers: a bearer token, or the page session plus the X-CSRF-Token header on writes."""
    viewer = resolve_viewer(request, session)
    if viewer is None:
        raise NotAuthenticated()
    if (
        getattr(request.state, "via_cookie", False)
        and request.method not in SAFE_METHODS
        and not csrf_matches(request.session.get("csrf"), request.headers.get("x-csrf-token"))
    ):
        raise CsrfFailed()
    return viewer


def page_viewer(request: Request, session: SessionDep) -> Viewer:
    """Page visitors: the session cookie; without one the error handler sends them to log in."""
    viewer = resolve_viewer(request, session)
    if viewer is None:
        raise NotAuthenticated(next=request.url.path)
    from app.notifications.service import unread_count

    request.state.unread = unread_count(session, viewer)  # the header's inbox badge (issue 6)
    return viewer


ApiViewer = Annotated[Viewer, Depends(api_viewer)]
PageViewer = Annotated[Viewer, Depends(page_viewer)]


async def checked_form(request: Request) -> FormData:
    """The posted form, after its CSRF token was checked (an async dependency, so routes that
    use the database can stay synchronous)."""
    form = await request.form()
    token = form.get("csrf_token")
    if not csrf_matches(request.session.get("csrf"), token if isinstance(token, str) else None):
        raise CsrfFailed()
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]
