"""Organisations (the office, chambers, agencies) and the enterprises chambers register."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from app.models.demand import Demand


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    side: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_zh


class Enterprise(Base):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    industry: Mapped[str] = mapped_column(String(1), index=True)
    district: Mapped[str] = mapped_column(String(100))
    size: Mapped[str] = mapped_column(String(10))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(30))
    chamber_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # Set when deleting would take user accounts or history with it: the enterprise then
    # leaves every list but stays readable where history points to it.
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    chamber: Mapped[Organization] = relationship(lazy="joined")
    demands: Mapped[list[Demand]] = relationship(back_populates="enterprise", lazy="raise")
