"""Passwords (argon2), account secrets, signed API tokens, CSRF tokens and the ID-number hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_hasher = PasswordHasher()
# Verifying against this keeps the time of "no such user" equal to "wrong password".
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_auth_secret() -> str:
    """A user's own secret (`User.auth_secret`): replaced when the password changes."""
    return secrets.token_urlsafe(32)


def auth_fingerprint(auth_secret: str) -> str:
    """What tokens and session cookies carry of the account's secret (never the secret)."""
    return hashlib.sha256(b"auth:" + auth_secret.encode()).hexdigest()[:32]


def new_token_id() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    jti: str  # the token's row in api_tokens
    key: str  # auth_fingerprint of the user's secret when the token was issued


class TokenSigner:
    """Bearer tokens: a signed, time-limited {user id, token id, account fingerprint}; the
    token's row and the account's secret must both still match when it is used."""

    def __init__(self, secret: str, max_age_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="api-token")
        self._max_age_s = max_age_s

    def issue(self, claims: TokenClaims) -> str:
        return self._serializer.dumps({"uid": claims.user_id, "jti": claims.jti, "ak": claims.key})

    def read(self, token: str) -> TokenClaims | None:
        try:
            data = self._serializer.loads(token, max_age=self._max_age_s)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(data, dict):
            return None
        uid, jti, key = data.get("uid"), data.get("jti"), data.get("ak")
        if not isinstance(uid, int) or not isinstance(jti, str) or not isinstance(key, str):
            return None
        return TokenClaims(uid, jti, key)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def new_session_id() -> str:
    """Names one page session, so that logging out can revoke it on the server."""
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def hash_id_number(id_number: str, key: str) -> str:
    """HMAC-SHA256 of an upper-cased ID number: equal numbers give equal hashes, nothing more."""
    normalised = id_number.strip().upper()
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()
