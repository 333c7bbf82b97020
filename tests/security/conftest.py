"""Fixtures for the security checks: one world and one login per role and test module."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.factories import World, make_world


def committed_world(db: Session) -> World:
    """`make_world`, committed to the test's savepoint: a failed request's rollback keeps it."""
    world = make_world(db)
    db.commit()
    return world
