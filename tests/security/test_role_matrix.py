"""docs/roles.md holds the policies' role matrix: written from them, and checked cell by cell
against what each policy's `can` answers for a viewer of each role."""

from __future__ import annotations

from types import ModuleType

import pytest

from app.access import Viewer
from app.access.matrix import DOC, NO, YES, documented, section
from app.access.policies import POLICIES
from app.access.policies.public_interests import INTAKE_KIND
from app.models.enums import Role


def viewer_of(role: Role) -> Viewer:
    """A viewer of this role (an agency: the intake agency, which has the most rights)."""
    return Viewer(
        id=1,
        username="matrix",
        display_name="matrix",
        role=role,
        organization_id=1,
        organization_kind=INTAKE_KIND if role is Role.agency_staff else "talent_office",
        organization_name_zh="",
        organization_name_en="",
        enterprise_id=1 if role is Role.enterprise_user else None,
    )


def documented_cells() -> dict[tuple[str, str, Role], str]:
    lines = [ln for ln in documented(DOC.read_text(encoding="utf-8")).splitlines() if ln]
    table = [ln for ln in lines if ln.startswith("|")]
    head = [c.strip() for c in table[0].strip("|").split("|")]
    assert head[:2] == ["resource", "action"]
    roles = [Role(c) for c in head[2:]]
    cells = {}
    for line in table[2:]:
        resource, action, *values = (c.strip() for c in line.strip("|").split("|"))
        for role, value in zip(roles, values, strict=True):
            cells[(resource, action, role)] = value
    return cells


def test_the_document_holds_the_matrix_written_from_the_policies() -> None:
    assert documented(DOC.read_text(encoding="utf-8")) == section(), (
        "docs/roles.md is out of date: run `python -m app.access.matrix --write`"
    )


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.RESOURCE)
def test_every_cell_matches_what_the_policy_answers(policy: ModuleType) -> None:
    cells = documented_cells()
    for action in policy.RULES:
        for role in Role:
            written = cells.pop((policy.RESOURCE, str(action), role))
            answer = policy.can(viewer_of(role), action)
            assert written.startswith(YES) == answer, (policy.RESOURCE, action, role, written)
            assert written.startswith(YES) or written == NO
    for role in Role:
        assert cells.pop((policy.RESOURCE, "*scope*", role)) == policy.SCOPE[role]
    assert not [key for key in cells if key[0] == policy.RESOURCE], "cells without a rule"


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.RESOURCE)
def test_every_action_has_a_rule_for_every_role(policy: ModuleType) -> None:
    actions = type(next(iter(policy.RULES)))
    assert set(policy.RULES) == set(actions), "an action without a rule"
    assert set(policy.SCOPE) == set(Role)
