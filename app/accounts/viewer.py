"""The viewer: who is asking, with the organisation scope every service applies."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import User
from app.models.enums import Role


@dataclass(frozen=True)
class Viewer:
    id: int
    username: str
    display_name: str
    role: Role
    organization_id: int
    organization_kind: str
    organization_name_zh: str
    organization_name_en: str
    enterprise_id: int | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=Role(user.role),
            organization_id=user.organization_id,
            organization_kind=user.organization.kind,
            organization_name_zh=user.organization.name_zh,
            organization_name_en=user.organization.name_en,
            enterprise_id=user.enterprise_id,
        )

    @property
    def is_office(self) -> bool:
        return self.role in (Role.office_admin, Role.office_reviewer)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.office_admin

    @property
    def is_chamber(self) -> bool:
        return self.role is Role.chamber_staff

    @property
    def is_enterprise(self) -> bool:
        return self.role is Role.enterprise_user

    @property
    def is_agency(self) -> bool:
        return self.role is Role.agency_staff

    @property
    def is_demand_side(self) -> bool:
        return self.role in (Role.chamber_staff, Role.enterprise_user)

    def org_name(self, locale: str) -> str:
        return self.organization_name_en if locale == "en" else self.organization_name_zh
