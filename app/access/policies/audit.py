"""The audit log: office admins read it; it is written by every change, never by hand."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Select, select

from app.access.rules import ADMIN, NOBODY, allowed, decide
from app.access.viewer import Viewer
from app.errors import Forbidden
from app.models import AuditLog
from app.models.enums import Role

RESOURCE = "audit"


class AuditAction(StrEnum):
    read = "read"
    change = "change"  # edit or delete entries


RULES: dict[AuditAction, frozenset[Role]] = {
    AuditAction.read: ADMIN,
    AuditAction.change: NOBODY,
}

SCOPE: dict[Role, str] = {role: "all" if role is Role.office_admin else "—" for role in Role}


def readable(viewer: Viewer) -> Select[AuditLog]:
    if not allowed(RULES, viewer, AuditAction.read):
        raise Forbidden()
    return select(AuditLog)


def search_filters(viewer: Viewer) -> dict[str, list[int]]:
    if not allowed(RULES, viewer, AuditAction.read):
        raise Forbidden()
    return {}


def can(viewer: Viewer, action: AuditAction, entry: AuditLog | None = None) -> bool:
    return allowed(RULES, viewer, action)


def require(viewer: Viewer, action: AuditAction, entry: AuditLog | None = None) -> None:
    decide(RULES, viewer, action)
