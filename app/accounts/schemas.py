"""Account API shapes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.fieldtypes import OptEmail, Text100
from app.models.enums import Role

Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=50, pattern=r"^[A-Za-z0-9_.\-]+$"
    ),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200)]


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class TokenRead(BaseModel):
    """One of the caller's API tokens (never the token itself)."""

    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    user_agent: str | None
    is_current: bool  # the token this request was made with


class TokenList(BaseModel):
    items: list[TokenRead]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Username
    password: Password
    display_name: Text100
    email: OptEmail = None
    role: Role
    organization_id: int
    enterprise_id: int | None = None


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: Text100 | None = None
    email: OptEmail = None
    password: Password | None = None
    is_active: bool | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    email: str | None = None
    role: Role
    organization_id: int
    enterprise_id: int | None
    is_active: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None


class UserPage(BaseModel):
    items: list[UserRead]
    total: int
