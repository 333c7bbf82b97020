"""Introductions with double opt-in, masked profiles, logged reveals, outcomes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.introductions.service import family_name
from app.models import ContactReveal, Notification, PairDecision, Suggestion
from tests.app.helpers import csrf_from, page_login
from tests.app.review.test_review import bearer, seed_run
from tests.factories import World, make_world


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


@pytest.fixture
def sugg(db: Session, world: World) -> dict[str, Suggestion]:
    return seed_run(db, world)


@pytest.fixture
def h(app: Any, world: World) -> dict[str, dict[str, str]]:
    return {k: bearer(app, u) for k, u in world.users.items()}


def approve(client: Any, h: dict[str, dict[str, str]], s: Suggestion) -> int:
    r = client.post(f"/api/v1/suggestions/{s.id}/approve", headers=h["reviewer"])
    assert r.status_code == 200, r.text
    return int(r.json()["introduction_id"])


def both_yes(client: Any, h: dict[str, dict[str, str]], intro_id: int, agency: str) -> None:
    r = client.post(
        f"/api/v1/introductions/{intro_id}/interest",
        headers=h["enterprise"],
        json={"interested": True},
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/introductions/{intro_id}/consent",
        headers=h[agency],
        json={"consent": True, "method": "phone"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "connected"


@pytest.mark.parametrize(
    ("name", "family"), [("李明", "李"), ("欧阳娜娜", "欧阳"), ("John Smith", "Smith"), ("", "")]
)
def test_family_name(name: str, family: str) -> None:
    assert family_name(name) == family


def test_double_opt_in_reveals_contact_only_after_both_yes_and_logs_it(
    client: Any, db: Session, world: World, sugg: dict[str, Suggestion], h: Any
) -> None:
    intro_id = approve(client, h, sugg["first"])
    talent = world.talents["kejiju"]
    # the enterprise side sees a masked profile
    seen = client.get(f"/api/v1/introductions/{intro_id}", headers=h["enterprise"])
    assert seen.status_code == 200
    card = seen.json()["talent"]
    assert card["name"] == "李"
    assert card["is_masked"]
    assert card["id"] is None
    assert card["employer"] is None
    for secret in (talent.phone, talent.email, talent.employer, "李明"):
        assert secret not in seen.text
    assert client.get(f"/api/v1/introductions/{intro_id}", headers=h["chamber"]).status_code == 200
    for outsider in ("enterprise2", "youth", "renshe"):
        r = client.get(f"/api/v1/introductions/{intro_id}", headers=h[outsider])
        assert r.status_code == 404, outsider
    # the agency sees its talent in full
    full = client.get(f"/api/v1/introductions/{intro_id}", headers=h["kejiju"]).json()
    assert full["talent"]["name"] == "李明"
    assert full["talent"]["employer"] == talent.employer
    # before both said yes: 403 consent_required
    early = client.get(f"/api/v1/introductions/{intro_id}/contact", headers=h["enterprise"])
    assert early.status_code == 403
    assert early.json()["code"] == "consent_required"
    # only the enterprise side answers interest, only the submitting agency records consent
    r = client.post(
        f"/api/v1/introductions/{intro_id}/interest", headers=h["kejiju"], json={"interested": True}
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/introductions/{intro_id}/consent",
        headers=h["enterprise"],
        json={"consent": True, "method": "phone"},
    )
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/introductions/{intro_id}/consent",
        headers=h["renshe"],
        json={"consent": True, "method": "phone"},
    )
    assert r.status_code == 404
    bad = client.post(
        f"/api/v1/introductions/{intro_id}/consent",
        headers=h["kejiju"],
        json={"consent": True, "method": "pigeon"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "method"
    both_yes(client, h, intro_id, "kejiju")
    again = client.post(
        f"/api/v1/introductions/{intro_id}/interest",
        headers=h["chamber"],
        json={"interested": False, "reason": "改主意"},
    )
    assert again.status_code == 409
    assert again.json()["code"] == "introduction_already_answered"
    # the agency and office may not pull contact through this door
    assert (
        client.get(f"/api/v1/introductions/{intro_id}/contact", headers=h["kejiju"]).status_code
        == 403
    )
    contact = client.get(f"/api/v1/introductions/{intro_id}/contact", headers=h["enterprise"])
    assert contact.status_code == 200
    assert contact.json() == {"name": "李明", "phone": talent.phone, "email": talent.email}
    client.get(f"/api/v1/introductions/{intro_id}/contact", headers=h["chamber"])
    reveals = client.get(f"/api/v1/introductions/{intro_id}/reveals", headers=h["kejiju"])
    assert [r["username"] for r in reveals.json()] == [
        world.users["enterprise"].username,
        world.users["chamber"].username,
    ]
    office = client.get(f"/api/v1/introductions/{intro_id}/reveals", headers=h["reviewer"])
    assert len(office.json()) == 2
    # the agency's page names who saw the contact as a person of an organisation
    page_login(client, world.users["kejiju"])
    seen = client.get(f"/introductions/{intro_id}").text
    chamber_user = world.users["chamber"]
    assert f"{chamber_user.display_name}（{chamber_user.organization.name_zh}）" in seen
    client.cookies.clear()
    r = client.get(f"/api/v1/introductions/{intro_id}/reveals", headers=h["enterprise"])
    assert r.status_code == 403
    assert db.scalar(select(ContactReveal.username).limit(1)) == world.users["enterprise"].username


def test_a_no_needs_a_reason_declines_and_forbids_the_pair(
    client: Any, db: Session, world: World, sugg: dict[str, Suggestion], h: Any
) -> None:
    intro_id = approve(client, h, sugg["second"])
    no_reason = client.post(
        f"/api/v1/introductions/{intro_id}/interest?lang=en",
        headers=h["enterprise"],
        json={"interested": False},
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == [
        {"field": "reason", "code": "reason_required", "message": "Please give a reason"}
    ]
    r = client.post(
        f"/api/v1/introductions/{intro_id}/interest",
        headers=h["enterprise"],
        json={"interested": False, "reason": "已招满"},
    )
    assert r.status_code == 200
    assert r.json()["status"] == "declined"
    late = client.post(
        f"/api/v1/introductions/{intro_id}/consent",
        headers=h["renshe"],
        json={"consent": True, "method": "online"},
    )
    assert late.status_code == 409
    assert late.json()["code"] == "introduction_invalid_transition"
    r = client.get(f"/api/v1/introductions/{intro_id}/contact", headers=h["enterprise"])
    assert r.json()["code"] == "consent_required"
    outcome = client.post(
        f"/api/v1/introductions/{intro_id}/outcome",
        headers=h["enterprise"],
        json={"outcome": "hired"},
    )
    assert outcome.status_code == 409
    s = sugg["second"]
    decision = db.scalar(
        select(PairDecision.decision).where(
            PairDecision.demand_id == s.demand_id, PairDecision.talent_id == s.talent_id
        )
    )
    assert decision == "forbid"


def test_outcomes_follow_the_state_machine_and_hire_counts_against_headcount(
    client: Any, db: Session, world: World, sugg: dict[str, Suggestion], h: Any
) -> None:
    demand = world.demands["general"]
    assert demand.headcount == 2
    first = approve(client, h, sugg["first"])
    r = client.post(
        f"/api/v1/introductions/{first}/outcome", headers=h["enterprise"], json={"outcome": "hired"}
    )
    assert r.status_code == 409
    assert r.json()["code"] == "introduction_invalid_transition"
    both_yes(client, h, first, "kejiju")
    r = client.post(
        f"/api/v1/introductions/{first}/outcome",
        headers=h["enterprise"],
        json={"outcome": "interviewed"},
    )
    assert r.json()["status"] == "interviewed"
    r = client.post(
        f"/api/v1/introductions/{first}/outcome",
        headers=h["enterprise"],
        json={"outcome": "hired", "keep_talent_active": True},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "keep_talent_active"
    r = client.post(
        f"/api/v1/introductions/{first}/outcome",
        headers=h["enterprise"],
        json={"outcome": "hired", "reason": "面试表现优秀"},
    )
    assert r.status_code == 200
    assert r.json()["status"] == "hired"
    again = client.post(
        f"/api/v1/introductions/{first}/outcome",
        headers=h["enterprise"],
        json={"outcome": "declined_by_talent"},
    )
    assert again.status_code == 409
    d = client.get(f"/api/v1/demands/{demand.id}", headers=h["enterprise"]).json()
    assert (d["hired_count"], d["open_headcount"], d["status"]) == (1, 1, "open")
    db.expire_all()
    assert world.talents["kejiju"].status == "inactive"
    # the second hire fills the demand; the agency keeps its talent active
    second = approve(client, h, sugg["second"])
    both_yes(client, h, second, "renshe")
    r = client.post(
        f"/api/v1/introductions/{second}/outcome",
        headers=h["renshe"],
        json={"outcome": "hired", "keep_talent_active": True},
    )
    assert r.status_code == 200, r.text
    d = client.get(f"/api/v1/demands/{demand.id}", headers=h["enterprise"]).json()
    assert (d["hired_count"], d["open_headcount"], d["status"]) == (2, 0, "filled")
    db.expire_all()
    assert world.talents["renshe"].status == "active"
    # the agency's dashboard shows what became of its talent, with the reason
    mine = client.get("/api/v1/introductions", headers=h["kejiju"]).json()
    assert [(i["status"], i["outcome_reason"]) for i in mine["items"]] == [
        ("hired", "面试表现优秀")
    ]
    assert mine["counts"] == {"hired": 1}
    page_login(client, world.users["kejiju"])
    board = client.get("/introductions")
    assert "面试表现优秀" in board.text
    assert "已录用" in board.text


def test_notifications_reach_each_side_and_the_header_counts_unread(
    client: Any, db: Session, world: World, sugg: dict[str, Suggestion], h: Any
) -> None:
    intro_id = approve(client, h, sugg["first"])
    inbox = client.get("/api/v1/notifications?lang=en", headers=h["enterprise"]).json()
    assert inbox["unread"] == 1
    assert inbox["items"][0]["kind"] == "introduction_new"
    assert "Python后端开发工程师" in inbox["items"][0]["message"]
    agency = client.get("/api/v1/notifications", headers=h["kejiju"]).json()
    assert [n["kind"] for n in agency["items"]] == ["consent_needed"]
    chamber = client.get("/api/v1/notifications", headers=h["chamber"]).json()
    assert chamber["unread"] == 1
    assert client.get("/api/v1/notifications", headers=h["renshe"]).json()["total"] == 0
    both_yes(client, h, intro_id, "kejiju")
    kinds = {n.kind for n in db.scalars(select(Notification))}
    assert {"interest_received", "consent_recorded"} <= kinds
    other = db.scalar(
        select(Notification.id).where(Notification.user_id != world.users["enterprise"].id)
    )
    assert (
        client.post(f"/api/v1/notifications/{other}/read", headers=h["enterprise"]).status_code
        == 404
    )
    page_login(client, world.users["enterprise"])
    home = client.get("/notifications")
    assert home.status_code == 200
    assert 'class="badge"' in home.text
    r = client.post(
        "/notifications/read-all", data={"csrf_token": csrf_from(home.text)}, follow_redirects=False
    )
    assert r.status_code == 303
    assert 'class="badge"' not in client.get("/notifications").text


def test_introduction_pages_walk_both_sides_through_the_forms(
    client: Any, world: World, sugg: dict[str, Suggestion], h: Any
) -> None:
    intro_id = approve(client, h, sugg["first"])
    page_login(client, world.users["enterprise"])
    page = client.get(f"/introductions/{intro_id}")
    assert page.status_code == 200
    assert "李明" not in page.text
    assert world.talents["kejiju"].phone not in page.text
    token = csrf_from(page.text)
    assert 'value="yes" checked' not in page.text  # no answer is pre-selected
    assert "姓名" in page.text  # a person is named as a person, not as a "名称"
    r = client.post(f"/introductions/{intro_id}/interest", data={"csrf_token": token, "reason": ""})
    assert r.status_code == 422
    assert "请选择“有意向”或“无意向”" in r.text
    r = client.post(
        f"/introductions/{intro_id}/interest",
        data={"csrf_token": token, "interested": "no", "reason": ""},
    )
    assert r.status_code == 422
    assert "没有意向时请填写原因" in r.text
    r = client.post(
        f"/introductions/{intro_id}/interest",
        data={"csrf_token": token, "interested": "yes", "reason": ""},
        follow_redirects=False,
    )
    assert r.status_code == 303
    r = client.post(f"/introductions/{intro_id}/contact", data={"csrf_token": token})
    assert r.status_code == 403
    client.cookies.clear()
    page_login(client, world.users["kejiju"])
    page = client.get(f"/introductions/{intro_id}?lang=en")
    assert "Does the talent agree" in page.text
    r = client.post(
        f"/introductions/{intro_id}/consent",
        data={"csrf_token": csrf_from(page.text), "consent": "yes", "method": "in_person"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    client.cookies.clear()
    page_login(client, world.users["enterprise"])
    page = client.get(f"/introductions/{intro_id}")
    r = client.post(f"/introductions/{intro_id}/contact", data={"csrf_token": csrf_from(page.text)})
    assert r.status_code == 200
    assert world.talents["kejiju"].phone in r.text


def test_acting_on_an_introduction_marks_its_notifications_read(
    client: Any, db: Session, world: World, sugg: dict[str, Suggestion], h: Any
) -> None:
    intro_id = approve(client, h, sugg["first"])
    link = f"/introductions/{intro_id}"

    def unread(user: str) -> int:
        return len(
            db.scalars(
                select(Notification).where(
                    Notification.user_id == world.users[user].id,
                    Notification.link == link,
                    Notification.read_at.is_(None),
                )
            ).all()
        )

    assert unread("enterprise") == 1  # told of the new introduction
    assert unread("kejiju") == 1
    r = client.post(f"/api/v1{link}/interest", headers=h["enterprise"], json={"interested": True})
    assert r.status_code == 200, r.text
    assert unread("enterprise") == 0  # answered: its to-do is done
    assert unread("kejiju") >= 1  # the agency still has to ask the talent
    r = client.post(
        f"/api/v1{link}/consent", headers=h["kejiju"], json={"consent": True, "method": "phone"}
    )
    assert r.status_code == 200, r.text
    assert unread("kejiju") == 0
