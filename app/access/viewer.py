"""The viewer: who is asking, with the organisation scope every policy applies."""

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

    def org_name(self, locale: str) -> str:
        return self.organization_name_en if locale == "en" else self.organization_name_zh
