"""The policy machinery: role groups, one rule table per resource, the 403/404 decision.

A policy module names its actions (an enum) and gives every action an explicit set of roles
(`RULES`); an object is judged by the resource's read scope. `decide` turns both into the one
error shape: an object outside the viewer's scope is 404 (its existence is not revealed), an
action the role may never take is 403.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from app.access.viewer import Viewer
from app.errors import Forbidden, NotFound
from app.models.enums import Role

ALL: frozenset[Role] = frozenset(Role)
OFFICE: frozenset[Role] = frozenset({Role.office_admin, Role.office_reviewer})
ADMIN: frozenset[Role] = frozenset({Role.office_admin})
DEMAND_SIDE: frozenset[Role] = frozenset({Role.chamber_staff, Role.enterprise_user})
AGENCY: frozenset[Role] = frozenset({Role.agency_staff})
CHAMBER: frozenset[Role] = frozenset({Role.chamber_staff})
ENTERPRISE: frozenset[Role] = frozenset({Role.enterprise_user})
NOBODY: frozenset[Role] = frozenset()

A = TypeVar("A", bound=StrEnum)


#: One word per role, for texts that address the role (the home page's hint).
ROLE_WORDS: dict[Role, str] = {
    Role.office_admin: "office",
    Role.office_reviewer: "reviewer",
    Role.chamber_staff: "chamber",
    Role.enterprise_user: "enterprise",
    Role.agency_staff: "agency",
}


def role_word(viewer: Viewer) -> str:
    return ROLE_WORDS[viewer.role]


def is_office(viewer: Viewer) -> bool:
    return viewer.role in OFFICE


def is_admin(viewer: Viewer) -> bool:
    return viewer.role is Role.office_admin


def is_chamber(viewer: Viewer) -> bool:
    return viewer.role is Role.chamber_staff


def is_enterprise(viewer: Viewer) -> bool:
    return viewer.role is Role.enterprise_user


def is_agency(viewer: Viewer) -> bool:
    return viewer.role is Role.agency_staff


def allowed(rules: Mapping[A, frozenset[Role]], viewer: Viewer, action: A) -> bool:
    """Whether the viewer's role may ever take this action (KeyError: an action without a rule)."""
    return viewer.role in rules[action]


def decide(
    rules: Mapping[A, frozenset[Role]],
    viewer: Viewer,
    action: A,
    *,
    visible: bool = True,
    readers: frozenset[Role] = ALL,
) -> None:
    """Raises NotFound for an object outside the viewer's scope (Forbidden instead when the
    role reads none of the resource, the `readers`), else Forbidden when the role may never
    take the action."""
    if not visible:
        raise NotFound() if viewer.role in readers else Forbidden()
    if not allowed(rules, viewer, action):
        raise Forbidden()
