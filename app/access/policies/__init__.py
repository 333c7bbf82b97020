"""One policy module per resource; `POLICIES` lists them in the order of the role matrix."""

from __future__ import annotations

from types import ModuleType

from app.access.policies import (
    audit,
    dashboards,
    demands,
    dispatches,
    duplicates,
    enterprises,
    imports,
    introductions,
    notifications,
    organizations,
    public_interests,
    suggestions,
    talents,
    users,
)

POLICIES: tuple[ModuleType, ...] = (
    organizations,
    users,
    enterprises,
    demands,
    talents,
    suggestions,
    introductions,
    dispatches,
    imports,
    duplicates,
    dashboards,
    audit,
    notifications,
    public_interests,
)

__all__ = [
    "POLICIES",
    "audit",
    "dashboards",
    "demands",
    "dispatches",
    "duplicates",
    "enterprises",
    "imports",
    "introductions",
    "notifications",
    "organizations",
    "public_interests",
    "suggestions",
    "talents",
    "users",
]
