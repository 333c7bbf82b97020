"""Notifications: everyone reads and marks their own inbox; who is told of what is decided
here too (the enterprise side of an enterprise, the office)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, Select, or_, select

from app.access.rules import ALL, OFFICE, allowed, decide
from app.access.viewer import Viewer
from app.models import Notification, User
from app.models.enums import Role

RESOURCE = "notifications"


class NotificationAction(StrEnum):
    read = "read"
    mark_read = "mark_read"


RULES: dict[NotificationAction, frozenset[Role]] = {
    NotificationAction.read: ALL,
    NotificationAction.mark_read: ALL,
}

SCOPE: dict[Role, str] = dict.fromkeys(Role, "own inbox")


def readable(viewer: Viewer) -> Select[Notification]:
    return select(Notification).where(Notification.user_id == viewer.id)


def search_filters(viewer: Viewer) -> dict[str, list[int]]:
    return {"user_id": [viewer.id]}


def in_scope(viewer: Viewer, notification: Notification) -> bool:
    return notification.user_id == viewer.id


def enterprise_side(enterprise_id: int, chamber_id: int | None) -> ColumnElement[bool]:
    """The users who act for an enterprise: its own users and its chamber's staff."""
    return or_(
        User.enterprise_id == enterprise_id,
        (User.organization_id == chamber_id) & (User.role == Role.chamber_staff.value),
    )


def office_staff() -> ColumnElement[bool]:
    """The users told of what needs the office's attention."""
    return User.role.in_([r.value for r in OFFICE])


def can(
    viewer: Viewer, action: NotificationAction, notification: Notification | None = None
) -> bool:
    return allowed(RULES, viewer, action) and (
        notification is None or in_scope(viewer, notification)
    )


def require(
    viewer: Viewer, action: NotificationAction, notification: Notification | None = None
) -> None:
    visible = notification is None or in_scope(viewer, notification)
    decide(RULES, viewer, action, visible=visible)
