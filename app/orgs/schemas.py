"""Organisation API shapes."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from app.fieldtypes import Text100, Text200
from app.models.enums import OrgKind, Side


class OrganizationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: Text100
    name_en: Text200
    kind: OrgKind


class OrganizationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name_zh: Text100 | None = None
    name_en: Text200 | None = None


class OrganizationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name_zh: str
    name_en: str
    side: Side
    kind: OrgKind
    created_at: dt.datetime


class OrganizationPage(BaseModel):
    items: list[OrganizationRead]
    total: int
