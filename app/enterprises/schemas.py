"""Enterprise API shapes."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from app.access import Viewer
from app.access.policies import enterprises as enterprise_policy
from app.fieldtypes import CreditCode, Industry, Phone, Text100, Text200, mask_phone
from app.models import Enterprise
from app.models.enums import EnterpriseSize


class EnterpriseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text200
    credit_code: CreditCode
    industry: Industry
    district: Text100
    size: EnterpriseSize
    contact_name: Text100
    contact_phone: Phone
    chamber_id: int | None = None


class EnterpriseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Text200 | None = None
    credit_code: CreditCode | None = None
    industry: Industry | None = None
    district: Text100 | None = None
    size: EnterpriseSize | None = None
    contact_name: Text100 | None = None
    contact_phone: Phone | None = None
    chamber_id: int | None = None


class EnterpriseRead(BaseModel):
    id: int
    name: str
    credit_code: str
    industry: str
    district: str
    size: EnterpriseSize
    contact_name: str
    contact_phone: str
    contact_masked: bool
    chamber_id: int
    chamber_name: str
    archived_at: dt.datetime | None = None  # set: deleted with accounts or history, kept
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, e: Enterprise, viewer: Viewer, locale: str = "zh") -> EnterpriseRead:
        masked = not enterprise_policy.contact_visible(viewer, e)
        return cls(
            id=e.id,
            name=e.name,
            credit_code=e.credit_code,
            industry=e.industry,
            district=e.district,
            size=EnterpriseSize(e.size),
            contact_name=e.contact_name,
            contact_phone=mask_phone(e.contact_phone) if masked else e.contact_phone,
            contact_masked=masked,
            chamber_id=e.chamber_id,
            chamber_name=e.chamber.display_name(locale),
            archived_at=e.archived_at,
            created_at=e.created_at,
            updated_at=e.updated_at,
        )


class EnterprisePage(BaseModel):
    items: list[EnterpriseRead]
    total: int
