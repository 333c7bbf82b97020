"""Throttles for logins and public sign-ups: attempt counters in the database, moved atomically.

Each counter is one row per key (a login name at an address, an address) holding the attempts
of its current window. An attempt is taken by one conditional UPDATE (`attempts < limit`), so
parallel requests, and parallel processes, can never pass more attempts than the limit: on
PostgreSQL the second UPDATE of a row waits for the first and re-checks the condition, on SQLite
writes are serial. The caller commits right after taking, before the slow part (the password
check), so that a failing request still counts.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, case, delete, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db import UTCDateTime, utcnow
from app.errors import TooManyAttempts
from app.models import ThrottleCounter

_T = cast(Table, ThrottleCounter.__table__)
#: Counters untouched for this long are deleted when new keys are counted.
_FORGET_AFTER_S = 86_400


def take(session: Session, key: str, *, limit: int, window_s: int) -> int:
    """Count one attempt under `key`: 0 when it is allowed, else the seconds until the window
    ends (and nothing is counted). Flushes only: commit to make the attempt count."""
    now = utcnow()
    cutoff = now - dt.timedelta(seconds=window_s)
    expired = _T.c.window_start <= cutoff
    for _ in range(2):
        counted = session.execute(
            update(_T)
            .where(_T.c.key == key, or_(expired, _T.c.attempts < limit))
            .values(
                attempts=case((expired, 1), else_=_T.c.attempts + 1),
                window_start=case((expired, literal(now, UTCDateTime())), else_=_T.c.window_start),
            )
            .returning(_T.c.key)
        )
        if counted.first() is not None:
            return 0
        started: dt.datetime | None = session.scalar(
            select(_T.c.window_start).where(_T.c.key == key)
        )
        if started is not None:
            return min(window_s, max(1, math.ceil((started - cutoff).total_seconds())))
        if _insert_new(session, key, now):
            return 0
        # Another request created the row in between: count against it.
    return window_s


def _insert_new(session: Session, key: str, now: dt.datetime) -> bool:
    forget = now - dt.timedelta(seconds=_FORGET_AFTER_S)
    session.execute(delete(_T).where(_T.c.window_start < forget))
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(
        dialect.insert(_T)
        .values(key=key, window_start=now, attempts=1)
        .on_conflict_do_nothing(index_elements=[_T.c.key])
        .returning(_T.c.key)  # rowcount says -1 on PostgreSQL (psycopg) when nothing was inserted
    )
    return inserted.first() is not None


def give_back(session: Session, key: str) -> None:
    """Un-count one attempt (it turned out not to be one: a valid login, a refused form)."""
    session.execute(
        update(_T).where(_T.c.key == key, _T.c.attempts > 0).values(attempts=_T.c.attempts - 1)
    )


def clear(session: Session, key: str) -> None:
    session.execute(delete(_T).where(_T.c.key == key))


@dataclass(frozen=True)
class LoginLimits:
    """Failed logins allowed per window: per login name at one address, and per address."""

    per_user: int
    per_address: int
    window_s: int


@dataclass(frozen=True)
class LoginAttempt:
    user_key: str
    address_key: str


def count_login(session: Session, username: str, address: str, limits: LoginLimits) -> LoginAttempt:
    """Count a login attempt against the name at this address and against the address.

    Raises TooManyAttempts (with nothing counted). A person's own
    failures lock out only that name at that address; guessing many names from one address
    stops at the higher per-address ceiling."""
    attempt = LoginAttempt(
        user_key=f"login:{address}:{username.strip().lower()}", address_key=f"login:{address}"
    )
    if wait := take(session, attempt.user_key, limit=limits.per_user, window_s=limits.window_s):
        raise TooManyAttempts(retry_after_s=wait)
    if wait := take(
        session, attempt.address_key, limit=limits.per_address, window_s=limits.window_s
    ):
        give_back(session, attempt.user_key)
        raise TooManyAttempts(retry_after_s=wait)
    return attempt


def login_succeeded(session: Session, attempt: LoginAttempt) -> None:
    """A valid login was no failure: forget the name's failures, give the address its slot."""
    clear(session, attempt.user_key)
    give_back(session, attempt.address_key)
