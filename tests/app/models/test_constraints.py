"""Constraint violations are mapped by name, and the names are the same on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import Base
from app.errors import (
    CONSTRAINT_VIOLATIONS,
    Conflict,
    FieldErrors,
    constraint_name,
    violation_error,
)
from app.models import Dispatch, MatchRun, Organization
from tests.factories import make_world


def _unique_names() -> set[str]:
    names: set[str] = set()
    for table in Base.metadata.tables.values():
        names |= {str(i.name) for i in table.indexes if i.unique}
        names |= {str(c.name) for c in table.constraints if isinstance(c, UniqueConstraint)}
    return names


def test_every_mapped_constraint_exists_in_the_models() -> None:
    assert set(CONSTRAINT_VIOLATIONS) <= _unique_names()


def _violate(db: Session, row: object) -> IntegrityError:
    savepoint = db.begin_nested()
    db.add(row)
    with pytest.raises(IntegrityError) as caught:
        db.flush()
    savepoint.rollback()
    return caught.value


def test_the_database_names_the_violated_constraint(db: Session) -> None:
    w = make_world(db)
    kejiju = w.talents["kejiju"]
    kejiju.external_key = "KJ-1"
    db.flush()
    exc = _violate(db, type(kejiju)(organization_id=kejiju.organization_id, name="王芳",
                                    external_key="KJ-1"))  # fmt: skip
    assert constraint_name(exc) == "uq_talents_organization_id"
    error = violation_error(exc)
    assert isinstance(error, FieldErrors)
    assert error.errors[0]["field"] == "external_key"

    due = kejiju.consent_date
    assert due is not None
    org = kejiju.organization_id
    db.add(Dispatch(demand_id=w.demands["general"].id, organization_id=org, due_date=due))
    db.flush()
    exc = _violate(
        db, Dispatch(demand_id=w.demands["general"].id, organization_id=org, due_date=due)
    )
    assert constraint_name(exc) == "uq_dispatches_demand_id"
    assert (violation_error(exc).status, violation_error(exc).code) == (409, "dispatch_exists")

    db.add(MatchRun(status="running", params={}))
    db.flush()
    exc = _violate(db, MatchRun(status="queued", params={}))
    assert constraint_name(exc) == "uq_match_runs_active"
    db.add(MatchRun(status="succeeded", params={}))  # only active runs are single flight
    db.flush()


def test_an_unmapped_violation_is_a_conflict_not_a_500(db: Session) -> None:
    w = make_world(db)
    org = w.talents["kejiju"].organization
    exc = _violate(db, Organization(name_zh="又一个", name_en="Another", side=org.side,
                                    kind=org.kind))  # fmt: skip
    assert constraint_name(exc) == "uq_organizations_kind"
    assert "uq_organizations_kind" not in CONSTRAINT_VIOLATIONS
    error = violation_error(exc)
    assert isinstance(error, Conflict)
    assert (error.status, error.code) == (409, "conflict")


def test_single_flight_indexes_are_partial() -> None:
    indexes = {str(i.name): i for t in Base.metadata.tables.values() for i in t.indexes if i.unique}
    for name in ("uq_match_runs_active", "uq_duplicate_scans_running"):
        index: Index = indexes[name]
        assert index.dialect_options["postgresql"]["where"] is not None
        assert index.dialect_options["sqlite"]["where"] is not None


def test_every_mapped_violation_has_a_message_in_both_languages() -> None:
    from app.i18n import CATALOG

    for violation in CONSTRAINT_VIOLATIONS.values():
        key = f"field_error.{violation.code}" if violation.field else f"error.{violation.code}"
        zh, en = CATALOG[key]
        assert zh
        assert en != zh, key
