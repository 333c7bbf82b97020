"""The request dependencies: the viewer from a bearer token or the page session (`ApiViewer`,
`PageViewer`, `resolve_viewer`), and the CSRF-checked form (`CheckedForm`)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.access.sessions import session_revoked, signed_in_user, token_user
from app.access.viewer import Viewer
from app.context import app_context
from app.db import SessionDep, set_actor, utcnow
from app.errors import CsrfFailed, NotAuthenticated
from app.models import ApiToken, User
from app.security import csrf_matches

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


#: A token's `last_used_at` is written at most this often (not on every request).
TOKEN_TOUCH_EVERY = dt.timedelta(seconds=60)


def _touch(request: Request, session: Session, token: ApiToken) -> None:
    """Note when the token was last used. Writes ride on the request's own transaction; a
    read (which commits nothing, and on SQLite holds no write lock) notes it in a short
    transaction of its own that gives up at once if the database is busy: it is a hint."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_TOUCH_EVERY:
        return
    stmt = update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
    if request.method not in SAFE_METHODS:
        session.execute(stmt)
        return
    engine = app_context(request).engine
    try:
        with engine.connect() as conn:
            # the driver's own connection: a statement through `conn` would begin (and wait)
            raw = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
            if raw is not None:
                raw.execute("PRAGMA busy_timeout = 0")
            try:
                with conn.begin():
                    if raw is None:  # a write of this token in flight holds the row: skip
                        conn.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
                    conn.execute(stmt)
            finally:
                if raw is not None:
                    raw.execute("PRAGMA busy_timeout = 30000")  # make_engine's timeout
    except OperationalError:
        pass


def _session_live(request: Request, session: Session) -> bool:
    """A page session signs in until it is logged out or its login is older than the session
    lifetime (the cookie's own age restarts whenever the session changes, so it cannot say)."""
    issued = request.session.get("iat")
    max_age = app_context(request).settings.session_max_age_s
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
        claims = app_context(request).tokens.read(auth[7:].strip())
        found = token_user(session, claims) if claims is not None else None
        if found is not None:
            user, token = found
            request.state.token_id = token.id
            _touch(request, session, token)
    else:
        uid = request.session.get("uid")
        if isinstance(uid, int):
            if _session_live(request, session):
                user = signed_in_user(session, uid, request.session.get("ak"))
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
