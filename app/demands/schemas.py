"""Demand API shapes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from app.fieldtypes import (
    Blankable,
    Headcount,
    LongText,
    OneLine,
    OptText100,
    Salary,
    Text200,
    TextList,
    Years,
)
from app.models import Demand
from app.models.enums import DemandKind, DemandStatus, Education

OccupationCode = Annotated[
    Annotated[str, Field(max_length=12, pattern=r"^\d-\d{2}-\d{2}-\d{2}$"), OneLine] | None,
    Blankable,
]


def check_salary_range(value: int | None, info: ValidationInfo) -> int | None:
    low = info.data.get("salary_min")
    if value is not None and low is not None and low > value:
        raise PydanticCustomError("salary_range", "minimum salary exceeds the maximum")
    return value


def check_status_typed(value: DemandStatus | None) -> DemandStatus | None:
    """`archived` is what deleting a demand with history does, never a status one types."""
    if value is DemandStatus.archived:
        raise PydanticCustomError("demand_status_archived", "a demand is archived by deleting it")
    return value


class DemandCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_id: int | None = None
    kind: DemandKind
    title: Text200
    description: LongText = ""
    headcount: Headcount = 1
    occupation_code: OccupationCode = None
    min_education: Education | None = None
    majors: TextList = []
    min_years_experience: Years | None = None
    required_skills: TextList = []
    preferred_skills: TextList = []
    languages: TextList = []
    work_location: OptText100 = None
    salary_min: Salary | None = None
    salary_max: Salary | None = None
    overseas_required: bool = False
    deadline: dt.date | None = None
    status: DemandStatus = DemandStatus.open

    _salary = field_validator("salary_max")(check_salary_range)
    _status = field_validator("status")(check_status_typed)


class DemandUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: DemandKind | None = None
    title: Text200 | None = None
    description: LongText | None = None
    headcount: Headcount | None = None
    occupation_code: OccupationCode = None
    min_education: Education | None = None
    majors: TextList | None = None
    min_years_experience: Years | None = None
    required_skills: TextList | None = None
    preferred_skills: TextList | None = None
    languages: TextList | None = None
    work_location: OptText100 = None
    salary_min: Salary | None = None
    salary_max: Salary | None = None
    overseas_required: bool | None = None
    deadline: dt.date | None = None
    status: DemandStatus | None = None

    _salary = field_validator("salary_max")(check_salary_range)
    _status = field_validator("status")(check_status_typed)


class DemandRead(BaseModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    chamber_id: int
    industry: str
    district: str
    kind: DemandKind
    title: str
    description: str
    headcount: int
    hired_count: int = 0  # hires recorded through introductions
    open_headcount: int = 0
    occupation_code: str | None
    min_education: Education | None
    majors: list[str]
    min_years_experience: int | None
    required_skills: list[str]
    preferred_skills: list[str]
    languages: list[str]
    work_location: str | None
    salary_min: int | None
    salary_max: int | None
    overseas_required: bool
    deadline: dt.date | None
    status: DemandStatus
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, d: Demand) -> DemandRead:
        e = d.enterprise
        return cls(
            id=d.id,
            enterprise_id=d.enterprise_id,
            enterprise_name=e.name,
            chamber_id=e.chamber_id,
            industry=e.industry,
            district=e.district,
            kind=DemandKind(d.kind),
            title=d.title,
            description=d.description,
            headcount=d.headcount,
            hired_count=d.hired_count or 0,
            open_headcount=d.open_headcount,
            occupation_code=d.occupation_code,
            min_education=Education(d.min_education) if d.min_education else None,
            majors=list(d.majors or []),
            min_years_experience=d.min_years_experience,
            required_skills=list(d.required_skills or []),
            preferred_skills=list(d.preferred_skills or []),
            languages=list(d.languages or []),
            work_location=d.work_location,
            salary_min=d.salary_min,
            salary_max=d.salary_max,
            overseas_required=d.overseas_required,
            deadline=d.deadline,
            status=DemandStatus(d.status),
            created_at=d.created_at,
            updated_at=d.updated_at,
        )


class DemandPage(BaseModel):
    items: list[DemandRead]
    total: int
