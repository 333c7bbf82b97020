"""Talent API shapes. The ID number is write-only: only its keyed hash is ever stored."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.access import Viewer
from app.access.policies import talents as talent_policy
from app.demands.schemas import OccupationCode
from app.fieldtypes import (
    BirthYear,
    Blankable,
    ConsentDate,
    LongText,
    OneLine,
    OptEmail,
    OptIdNumber,
    OptPhone,
    OptText100,
    OptText200,
    OptText500,
    Salary,
    Text100,
    TextList,
    Years,
    mask_email,
    mask_phone,
)
from app.models import Talent
from app.models.enums import Education, Gender, TalentStatus

ExternalKey = Annotated[Annotated[str, Field(max_length=64), OneLine] | None, Blankable]


class TalentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organization_id: int | None = None
    external_key: ExternalKey = None
    name: Text100
    gender: Gender | None = None
    birth_year: BirthYear | None = None
    education: Education | None = None
    school: OptText100 = None
    major: OptText100 = None
    professional_title: OptText100 = None
    employer: OptText200 = None
    position: OptText100 = None
    years_experience: Years | None = None
    skills: TextList = []
    languages: TextList = []
    summary: LongText = ""
    preferred_locations: TextList = []
    expected_salary: Salary | None = None
    occupation_code: OccupationCode = None
    is_returnee: bool = False
    is_foreign_national: bool = False
    nationality: OptText100 = None
    phone: OptPhone = None
    email: OptEmail = None
    id_number: OptIdNumber = None
    consent_date: ConsentDate
    consent_scope: OptText500 = None
    status: TalentStatus = TalentStatus.active


class TalentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_key: ExternalKey = None
    name: Text100 | None = None
    gender: Gender | None = None
    birth_year: BirthYear | None = None
    education: Education | None = None
    school: OptText100 = None
    major: OptText100 = None
    professional_title: OptText100 = None
    employer: OptText200 = None
    position: OptText100 = None
    years_experience: Years | None = None
    skills: TextList | None = None
    languages: TextList | None = None
    summary: LongText | None = None
    preferred_locations: TextList | None = None
    expected_salary: Salary | None = None
    occupation_code: OccupationCode = None
    is_returnee: bool | None = None
    is_foreign_national: bool | None = None
    nationality: OptText100 = None
    phone: OptPhone = None
    email: OptEmail = None
    id_number: OptIdNumber = None
    consent_date: ConsentDate | None = None
    consent_scope: OptText500 = None
    status: TalentStatus | None = None


class TalentRead(BaseModel):
    id: int
    organization_id: int
    organization_name: str
    external_key: str | None
    name: str
    gender: Gender | None
    birth_year: int | None
    education: Education | None
    school: str | None
    major: str | None
    professional_title: str | None
    employer: str | None
    position: str | None
    years_experience: int | None
    skills: list[str]
    languages: list[str]
    summary: str
    preferred_locations: list[str]
    expected_salary: int | None
    occupation_code: str | None
    is_returnee: bool
    is_foreign_national: bool
    nationality: str | None
    phone: str | None
    email: str | None
    contact_masked: bool
    has_id_number: bool
    consent_date: dt.date | None
    consent_scope: str | None
    status: TalentStatus
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, t: Talent, viewer: Viewer, locale: str = "zh") -> TalentRead:
        masked = not talent_policy.contact_visible(viewer, t)
        return cls(
            id=t.id,
            organization_id=t.organization_id,
            organization_name=t.organization.display_name(locale),
            external_key=t.external_key,
            name=t.name,
            gender=Gender(t.gender) if t.gender else None,
            birth_year=t.birth_year,
            education=Education(t.education) if t.education else None,
            school=t.school,
            major=t.major,
            professional_title=t.professional_title,
            employer=t.employer,
            position=t.position,
            years_experience=t.years_experience,
            skills=list(t.skills or []),
            languages=list(t.languages or []),
            summary=t.summary,
            preferred_locations=list(t.preferred_locations or []),
            expected_salary=t.expected_salary,
            occupation_code=t.occupation_code,
            is_returnee=t.is_returnee,
            is_foreign_national=t.is_foreign_national,
            nationality=t.nationality,
            phone=mask_phone(t.phone) if masked else t.phone,
            email=mask_email(t.email) if masked else t.email,
            contact_masked=masked,
            has_id_number=t.id_number_hash is not None,
            consent_date=t.consent_date,
            consent_scope=t.consent_scope,
            status=TalentStatus(t.status),
            created_at=t.created_at,
            updated_at=t.updated_at,
        )


class TalentPage(BaseModel):
    items: list[TalentRead]
    total: int
