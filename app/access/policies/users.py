"""User accounts: office admins manage them; everyone else sees only their own account. No
other role creates, changes or deletes accounts (a chamber cannot, not even by deleting an
enterprise)."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, Select, select, true

from app.access.rules import ADMIN, NOBODY, allowed, decide
from app.access.viewer import Viewer
from app.models import User
from app.models.enums import Role

RESOURCE = "users"


class UserAction(StrEnum):
    read = "read"
    create = "create"
    update = "update"
    delete = "delete"


RULES: dict[UserAction, frozenset[Role]] = {
    UserAction.read: ADMIN,
    UserAction.create: ADMIN,
    UserAction.update: ADMIN,
    UserAction.delete: NOBODY,  # accounts are deactivated (an update), never deleted
}

SCOPE: dict[Role, str] = {
    role: "all" if role is Role.office_admin else "own account" for role in Role
}


def _where(viewer: Viewer) -> ColumnElement[bool]:
    return true() if viewer.role is Role.office_admin else User.id == viewer.id


def readable(viewer: Viewer) -> Select[User]:
    return select(User).where(_where(viewer))


def search_filters(viewer: Viewer) -> dict[str, list[int]]:
    return {} if viewer.role is Role.office_admin else {"id": [viewer.id]}


def role_has_enterprise(role: Role) -> bool:
    """Whether an account of this role names the enterprise it acts for (others name none)."""
    return role is Role.enterprise_user


def in_scope(viewer: Viewer, user: User) -> bool:
    return viewer.role is Role.office_admin or user.id == viewer.id


def can(viewer: Viewer, action: UserAction, user: User | None = None) -> bool:
    return allowed(RULES, viewer, action) and (user is None or in_scope(viewer, user))


def require(viewer: Viewer, action: UserAction, user: User | None = None) -> None:
    decide(RULES, viewer, action, visible=user is None or in_scope(viewer, user), readers=ADMIN)
