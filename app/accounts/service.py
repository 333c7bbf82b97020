"""Account services: authenticate, API tokens, and the office admin's user management."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.access import Viewer
from app.access.policies import users as policy
from app.access.policies.users import UserAction
from app.accounts.schemas import UserCreate, UserUpdate
from app.db import paginate, utcnow
from app.errors import FieldErrors, NotFound
from app.models import ApiToken, Enterprise, Organization, RevokedSession, User
from app.models.enums import ROLE_SIDE, Role
from app.security import (
    TokenClaims,
    auth_fingerprint,
    hash_password,
    new_auth_secret,
    new_token_id,
    verify_password,
)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost either way)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def check_role_fits(
    session: Session, role: Role, organization_id: int, enterprise_id: int | None
) -> None:
    """Raises FieldErrors unless the role belongs to the organisation's side."""
    org = session.get(Organization, organization_id)
    if org is None:
        raise FieldErrors.one("organization_id", "organization_unknown")
    if org.side != ROLE_SIDE[role].value:
        raise FieldErrors.one("role", "role_org_mismatch")
    if policy.role_has_enterprise(role):
        enterprise = session.get(Enterprise, enterprise_id) if enterprise_id else None
        if enterprise is None or enterprise.chamber_id != org.id:
            raise FieldErrors.one("enterprise_id", "enterprise_unknown")
    elif enterprise_id is not None:
        raise FieldErrors.one("enterprise_id", "role_org_mismatch")


def create_user(session: Session, data: UserCreate) -> User:
    """Raises FieldErrors (also for a username in use). Used by the CLI and by the admin API."""
    check_role_fits(session, data.role, data.organization_id, data.enterprise_id)
    if session.scalar(select(User.id).where(User.username == data.username)):
        raise FieldErrors.one("username", "username_taken")
    user = User(
        username=data.username,
        password_hash=hash_password(data.password),
        display_name=data.display_name,
        email=data.email,
        role=data.role.value,
        organization_id=data.organization_id,
        enterprise_id=data.enterprise_id,
    )
    session.add(user)
    session.flush()
    return user


def _admin_only(viewer: Viewer, action: UserAction = UserAction.read) -> None:
    policy.require(viewer, action)


def list_users(
    session: Session,
    viewer: Viewer,
    *,
    organization_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[User], int]:
    _admin_only(viewer)
    stmt = select(User).order_by(User.id)
    if organization_id is not None:
        stmt = stmt.where(User.organization_id == organization_id)
    return paginate(session, stmt, limit=limit, offset=offset)


def get_user(session: Session, viewer: Viewer, user_id: int) -> User:
    _admin_only(viewer)
    user = session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def update_user(session: Session, viewer: Viewer, user_id: int, data: UserUpdate) -> User:
    """Raises Forbidden, NotFound. A new password or deactivation ends the user's sessions."""
    user = get_user(session, viewer, user_id)
    _admin_only(viewer, UserAction.update)
    if data.display_name is not None:
        user.display_name = data.display_name
    if "email" in data.model_fields_set:
        user.email = data.email
    if data.password is not None:
        user.password_hash = hash_password(data.password)
        end_sign_ins(session, user)
    if data.is_active is not None and data.is_active != user.is_active:
        user.is_active = data.is_active
        end_sign_ins(session, user)
    session.flush()
    return user


def end_sign_ins(session: Session, user: User) -> None:
    """A new account secret: every API token and page session of the user stops working."""
    user.auth_secret = new_auth_secret()
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


# --- API tokens -------------------------------------------------------------------------------


def issue_token(
    session: Session, user: User, *, user_agent: str | None, max_age_s: int
) -> TokenClaims:
    """Record a new API token of `user` (expired ones are forgotten); the caller signs the
    claims it answers."""
    cutoff = utcnow() - dt.timedelta(seconds=max_age_s)
    session.execute(
        delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.created_at < cutoff)
    )
    agent = "".join(ch for ch in user_agent or "" if ch.isprintable())[:200] or None
    token = ApiToken(jti=new_token_id(), user_id=user.id, user_agent=agent)
    session.add(token)
    session.flush()
    return TokenClaims(user.id, token.jti, auth_fingerprint(user.auth_secret))


def list_tokens(session: Session, viewer: Viewer, *, max_age_s: int) -> list[ApiToken]:
    """The viewer's own API tokens that have not expired, newest first."""
    cutoff = utcnow() - dt.timedelta(seconds=max_age_s)
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == viewer.id, ApiToken.created_at >= cutoff)
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, viewer: Viewer, token_id: int) -> None:
    """Raises NotFound unless the token is the viewer's own."""
    deleted = session.execute(
        delete(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == viewer.id)
    )
    if not deleted.rowcount:  # type: ignore[attr-defined]
        raise NotFound()


def revoke_session(session: Session, sid: object, max_age_s: int) -> None:
    """Record a logged-out page session; forget those logged in longer ago than a session
    lives (`resolve_viewer` refuses those by their login time anyway)."""
    if isinstance(sid, str) and sid and session.get(RevokedSession, sid) is None:
        try:
            with session.begin_nested():  # the same cookie logging out twice at once
                session.add(RevokedSession(sid=sid))
        except IntegrityError:
            pass
    cutoff = utcnow() - dt.timedelta(seconds=max_age_s)
    session.execute(delete(RevokedSession).where(RevokedSession.revoked_at < cutoff))
    session.flush()
