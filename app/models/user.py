"""Accounts: every user belongs to exactly one organisation (and maybe one enterprise)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.models.org import Enterprise, Organization
from app.security import new_auth_secret


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))  # notifications by e-mail (SMTP)
    role: Mapped[str] = mapped_column(String(20))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # No cascade: deleting an enterprise never deletes its accounts (it is archived instead).
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    # The account's own secret: API tokens and page sessions carry its fingerprint, so they
    # die with the account and when it is replaced (password change, deactivation).
    auth_secret: Mapped[str] = mapped_column(String(64), default=new_auth_secret)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(lazy="joined")
    enterprise: Mapped[Enterprise | None] = relationship(lazy="joined")


class RevokedSession(Base):
    """A page session ended by logging out: its cookie no longer signs anyone in, even if it
    was copied before. Rows older than the session lifetime are deleted at the next logout."""

    __tablename__ = "revoked_sessions"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    revoked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ApiToken(Base):
    """An API token issued at login: listed to its owner, revocable; the signed token names
    it by `jti`. Deleted with its user; expired rows are deleted at the owner's next login."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    jti: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(200))


class ThrottleCounter(Base):
    """Attempts per key (a login name and address, an address) in the current window; moved
    only by conditional SQL updates, so parallel requests cannot overshoot the limit."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
