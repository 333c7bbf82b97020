"""The login page names the demo accounts only where they work: a city's own deployment never
prints a password."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.models.enums import OrgKind, Role
from app.security import hash_password
from tests.factories import make_orgs, make_user

HINT = "talent-demo"


def test_no_demo_accounts_no_demo_hint(client: Any, db: Session) -> None:
    make_orgs(db)
    db.flush()
    assert HINT not in client.get("/login").text
    assert HINT not in client.get("/login?lang=en").text


def test_the_demo_hint_shows_while_the_demo_office_login_works(client: Any, db: Session) -> None:
    orgs = make_orgs(db)
    office = make_user(db, orgs[OrgKind.talent_office], Role.office_admin, username="office")
    office.password_hash = hash_password("talent-demo")
    db.flush()
    assert HINT in client.get("/login").text
    # once the office changes the demo password (a real deployment), the hint is gone
    office.password_hash = hash_password("a-real-password-2026")
    db.flush()
    assert HINT not in client.get("/login").text
    office.password_hash = hash_password("talent-demo")
    office.is_active = False
    db.flush()
    assert HINT not in client.get("/login").text
