"""Organisations (the office, chambers, agencies): a directory every role reads; office staff
browse the management pages; office admins change it."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Select, select

from app.access.rules import ADMIN, ALL, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.models import Organization
from app.models.enums import Role

RESOURCE = "organisations"


class OrganizationAction(StrEnum):
    read = "read"
    browse = "browse"  # the management pages
    create = "create"
    update = "update"
    delete = "delete"


RULES: dict[OrganizationAction, frozenset[Role]] = {
    OrganizationAction.read: ALL,
    OrganizationAction.browse: OFFICE,
    OrganizationAction.create: ADMIN,
    OrganizationAction.update: ADMIN,
    OrganizationAction.delete: ADMIN,
}

SCOPE: dict[Role, str] = dict.fromkeys(Role, "all")


def readable(viewer: Viewer) -> Select[Organization]:
    return select(Organization)


def search_filters(viewer: Viewer) -> dict[str, list[int]]:
    return {}


def can(viewer: Viewer, action: OrganizationAction, org: Organization | None = None) -> bool:
    return allowed(RULES, viewer, action)


def require(viewer: Viewer, action: OrganizationAction, org: Organization | None = None) -> None:
    decide(RULES, viewer, action)
