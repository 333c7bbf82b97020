"""Passwords (argon2), signed API tokens, CSRF tokens, login throttling and the ID-number hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

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


class TokenSigner:
    """Bearer tokens: a signed, time-limited {user id, auth version}; no server-side state."""

    def __init__(self, secret: str, max_age_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="api-token")
        self._max_age_s = max_age_s

    def issue(self, user_id: int, auth_version: int) -> str:
        return self._serializer.dumps({"uid": user_id, "av": auth_version})

    def read(self, token: str) -> tuple[int, int] | None:
        try:
            data = self._serializer.loads(token, max_age=self._max_age_s)
        except (BadSignature, SignatureExpired):
            return None
        if not isinstance(data, dict):
            return None
        uid, av = data.get("uid"), data.get("av")
        if not isinstance(uid, int) or not isinstance(av, int):
            return None
        return uid, av


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def new_session_id() -> str:
    """Names one page session, so that logging out can revoke it on the server."""
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


class LoginThrottle:
    """At most `max_attempts` failed logins per key (username and client address) per window."""

    def __init__(self, max_attempts: int, window_s: int) -> None:
        self.max_attempts = max_attempts
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after_s(self, *keys: str) -> int:
        """0 when a login may be tried now, else the seconds to wait."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                q = self._failures.get(key)
                if not q:
                    continue
                while q and now - q[0] > self.window_s:
                    q.popleft()
                if len(q) >= self.max_attempts:
                    wait = max(wait, self.window_s - (now - q[0]))
        return int(wait) + 1 if wait else 0

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username_key: str) -> None:
        with self._lock:
            self._failures.pop(username_key, None)


def hash_id_number(id_number: str, key: str) -> str:
    """HMAC-SHA256 of an upper-cased ID number: equal numbers give equal hashes, nothing more."""
    normalised = id_number.strip().upper()
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()
