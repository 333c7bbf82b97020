"""Who a request's credentials sign in: an API token's claims or a page session's cookie.

Model lookups only, so that the request dependencies (`app.access.deps`) need no domain
package; issuing tokens and logging out stay with the accounts service.
"""

from __future__ import annotations

import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ApiToken, RevokedSession, User
from app.security import TokenClaims, auth_fingerprint


def token_user(session: Session, claims: TokenClaims) -> tuple[User, ApiToken] | None:
    """The active user a token's claims sign in, and the token's row; None once the token
    was revoked, or the account was deleted, deactivated or given a new password."""
    token = session.scalar(select(ApiToken).where(ApiToken.jti == claims.jti))
    if token is None or token.user_id != claims.user_id:
        return None
    user = signed_in_user(session, claims.user_id, claims.key)
    return (user, token) if user is not None else None


def signed_in_user(session: Session, user_id: int, key: object) -> User | None:
    """The active user `user_id` if `key` is the fingerprint of its current secret."""
    user = session.get(User, user_id)
    if user is None or not user.is_active or not isinstance(key, str):
        return None
    return user if hmac.compare_digest(auth_fingerprint(user.auth_secret), key) else None


def session_revoked(session: Session, sid: object) -> bool:
    """Whether a page session cookie was logged out (a cookie without an id counts as one)."""
    return not isinstance(sid, str) or not sid or session.get(RevokedSession, sid) is not None
