"""Holes the access policy closes: deletions that took accounts or history with them, and
writes the read-only office reviewer could make."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ContactReveal, Demand, DuplicatePair, Enterprise, Introduction, User
from app.models.enums import OrgKind, Role
from tests.app.helpers import bearer, page_login
from tests.app.review.test_review import seed_run
from tests.factories import World, make_enterprise, make_talent, make_user, make_world


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


@pytest.fixture
def h(app: Any, world: World) -> dict[str, dict[str, str]]:
    return {k: bearer(app, u) for k, u in world.users.items()}


def _introduce(client: TestClient, db: Session, world: World, h: dict[str, Any]) -> int:
    """An introduction for the general demand, both sides said yes, the contact revealed."""
    sugg = seed_run(db, world)
    r = client.post(f"/api/v1/suggestions/{sugg['first'].id}/approve", headers=h["admin"])
    assert r.status_code == 200, r.text
    intro_id = int(r.json()["introduction_id"])
    r = client.post(
        f"/api/v1/introductions/{intro_id}/interest",
        headers=h["enterprise"],
        json={"interested": True},
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/introductions/{intro_id}/consent",
        headers=h["kejiju"],
        json={"consent": True, "method": "phone"},
    )
    assert r.status_code == 200, r.text
    r = client.get(f"/api/v1/introductions/{intro_id}/contact", headers=h["chamber"])
    assert r.status_code == 200, r.text
    return intro_id


# --- a chamber deleting an enterprise never deletes accounts ----------------------------------


def test_chamber_deleting_an_enterprise_with_accounts_archives_it_and_keeps_them(
    client: TestClient, db: Session, world: World, h: dict[str, Any]
) -> None:
    chamber = world.orgs[OrgKind.general_chamber]
    enterprise = make_enterprise(db, chamber, name="临江云帆信息技术有限公司")
    account = make_user(db, chamber, Role.enterprise_user, enterprise=enterprise)
    account_id, enterprise_id = account.id, enterprise.id

    r = client.delete(f"/api/v1/enterprises/{enterprise_id}", headers=h["chamber"])

    assert r.status_code == 204
    db.expire_all()
    kept = db.get(User, account_id)
    assert kept is not None
    assert kept.is_active
    assert kept.enterprise_id == enterprise_id
    archived = db.get(Enterprise, enterprise_id)
    assert archived is not None
    assert archived.archived_at is not None
    listed = client.get("/api/v1/enterprises?limit=200", headers=h["chamber"]).json()
    assert enterprise_id not in {e["id"] for e in listed["items"]}
    read = client.get(f"/api/v1/enterprises/{enterprise_id}", headers=h["admin"])
    assert read.status_code == 200
    assert read.json()["archived_at"] is not None


def test_the_database_refuses_to_delete_an_enterprise_under_its_accounts(
    db: Session, world: World
) -> None:
    """The last line: no cascade from an enterprise to its accounts, whoever deletes."""
    from sqlalchemy import delete
    from sqlalchemy.exc import IntegrityError

    enterprise_id = world.enterprises["general2"].id
    with db.begin_nested():
        db.execute(delete(Demand).where(Demand.enterprise_id == enterprise_id))
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(delete(Enterprise).where(Enterprise.id == enterprise_id))
    assert db.get(User, world.users["enterprise2"].id) is not None


# --- the office reviewer is read-only, except for reviewing suggestions -----------------------


def test_reviewer_cannot_record_an_introduction_outcome(
    client: TestClient, db: Session, world: World, h: dict[str, Any]
) -> None:
    intro_id = _introduce(client, db, world, h)
    demand = world.demands["general"]
    hired_before = demand.hired_count

    r = client.post(
        f"/api/v1/introductions/{intro_id}/outcome",
        headers=h["reviewer"],
        json={"outcome": "hired"},
    )

    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    db.expire_all()
    intro = db.get(Introduction, intro_id)
    assert intro is not None
    assert intro.outcome is None
    assert intro.status == "connected"
    assert db.get_one(Demand, demand.id).hired_count == hired_before
    # the page offers the reviewer no outcome form either
    page_login(client, world.users["reviewer"])
    html = BeautifulSoup(client.get(f"/introductions/{intro_id}").text, "html.parser")
    assert html.select_one(f'form[action="/introductions/{intro_id}/outcome"]') is None
    # an office admin still may
    r = client.post(
        f"/api/v1/introductions/{intro_id}/outcome",
        headers=h["admin"],
        json={"outcome": "interviewed"},
    )
    assert r.status_code == 200, r.text


def test_reviewer_sees_no_merge_button_and_cannot_merge(
    client: TestClient, db: Session, world: World, h: dict[str, Any]
) -> None:
    a = world.talents["kejiju"]
    b = make_talent(db, world.orgs[OrgKind.hrss_bureau], name=a.name)
    db.add(
        DuplicatePair(
            talent_a_id=min(a.id, b.id),
            talent_b_id=max(a.id, b.id),
            confidence=0.9,
            reasons=["name_birth_year"],
        )
    )
    db.flush()

    page_login(client, world.users["reviewer"])
    html = BeautifulSoup(client.get("/duplicates").text, "html.parser")
    assert html.select(".dup-group"), "the reviewer reads the groups"
    buttons = {b.get_text(strip=True) for b in html.select("button")}
    assert not buttons & {"合并所选", "不是同一人", "全库查重"}, buttons
    r = client.post(
        "/api/v1/duplicates/merges",
        headers=h["reviewer"],
        json={"talent_ids": [a.id, b.id], "primary_talent_id": a.id},
    )
    assert r.status_code == 403

    page_login(client, world.users["admin"])
    html = BeautifulSoup(client.get("/duplicates").text, "html.parser")
    buttons = {b.get_text(strip=True) for b in html.select("button")}
    assert {"合并所选", "不是同一人", "全库查重"} <= buttons


# --- a demand with introductions is archived, its history kept --------------------------------


def test_deleting_a_demand_with_introductions_archives_it_and_keeps_the_history(
    client: TestClient, db: Session, world: World, h: dict[str, Any]
) -> None:
    intro_id = _introduce(client, db, world, h)
    demand_id = world.demands["general"].id
    assert f"/public/demands/{demand_id}/interest" in client.get("/public/demands").text

    r = client.delete(f"/api/v1/demands/{demand_id}", headers=h["chamber"])

    assert r.status_code == 204
    db.expire_all()
    assert db.get_one(Demand, demand_id).status == "archived"
    assert db.get(Introduction, intro_id) is not None
    reveals = db.scalars(select(ContactReveal).where(ContactReveal.introduction_id == intro_id))
    assert len(list(reveals)) == 1
    listed = client.get("/api/v1/demands?limit=200", headers=h["chamber"]).json()
    assert demand_id not in {d["id"] for d in listed["items"]}
    archived = client.get("/api/v1/demands?status=archived", headers=h["chamber"]).json()
    assert [d["id"] for d in archived["items"]] == [demand_id]
    assert client.get(f"/api/v1/introductions/{intro_id}", headers=h["kejiju"]).status_code == 200
    assert f"/public/demands/{demand_id}/interest" not in client.get("/public/demands").text
    again = client.patch(
        f"/api/v1/demands/{demand_id}", headers=h["chamber"], json={"headcount": 3}
    )
    assert again.status_code == 404


def test_archived_is_not_a_status_one_types(
    client: TestClient, world: World, h: dict[str, Any]
) -> None:
    demand_id = world.demands["general"].id
    r = client.patch(
        f"/api/v1/demands/{demand_id}", headers=h["chamber"], json={"status": "archived"}
    )
    assert r.status_code == 422
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [
        ("status", "demand_status_archived")
    ]
