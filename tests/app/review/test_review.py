"""Staff review of suggestions, the state machine, concurrency, and re-runs."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access import Viewer
from app.models import AuditLog, MatchRun, PairDecision, Suggestion, SuggestionReview, User
from app.models.enums import RejectReason
from app.models.states import SuggestionChanged
from app.review import service
from tests.app import helpers
from tests.app.helpers import csrf_from, page_login
from tests.factories import World, make_world

REASONS = [
    "education_mismatch",
    "major_mismatch",
    "insufficient_experience",
    "salary_mismatch",
    "location_mismatch",
    "talent_employed",
    "demand_changed",
    "other",
]


def bearer(app: Any, user: User) -> dict[str, str]:
    """A signed token without the (slow on purpose) password check."""
    return helpers.bearer(app, user)


def seed_run(db: Session, w: World) -> dict[str, Suggestion]:
    """A finished run: two talents for the general demand, one for the youth demand."""
    run = MatchRun(status="succeeded", progress=100, stage="done", params={}, summary={})
    db.add(run)
    db.flush()
    rows = {
        "first": (w.demands["general"], w.talents["kejiju"], 1, 0.82, True),
        "second": (w.demands["general"], w.talents["renshe"], 2, 0.61, False),
        "youth": (w.demands["youth"], w.talents["renshe"], 1, 0.55, True),
    }
    out = {}
    for key, (d, t, rank, score, proposed) in rows.items():
        s = Suggestion(
            match_run_id=run.id,
            demand_id=d.id,
            talent_id=t.id,
            rank=rank,
            score=score,
            confidence=0.9,
            components={"meaning": 0.7},
            explanation={
                "components": [{"name": "meaning", "value": 0.7, "contribution": 0.3}],
                "matched_skills": ["Python"],
            },
            is_proposed=proposed,
        )
        db.add(s)
        out[key] = s
    db.flush()
    return out


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


@pytest.fixture
def sugg(db: Session, world: World) -> dict[str, Suggestion]:
    return seed_run(db, world)


def test_reason_enumeration_is_the_agreed_list() -> None:
    assert [r.value for r in RejectReason] == REASONS


def test_approve_opens_an_introduction_and_approving_again_is_conflict(
    app: Any, client: Any, db: Session, world: World, sugg: dict[str, Suggestion]
) -> None:
    h = bearer(app, world.users["reviewer"])
    s = sugg["first"]
    r = client.post(f"/api/v1/suggestions/{s.id}/approve", headers=h, json={"note": "很合适"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["decision"] == "approved"
    assert body["suggestion"]["status"] == "approved"
    assert body["introduction_id"]
    again = client.post(f"/api/v1/suggestions/{s.id}/approve", headers=h)
    assert again.status_code == 409
    assert again.json()["code"] == "suggestion_invalid_transition"
    reject = client.post(f"/api/v1/suggestions/{s.id}/reject", headers=h, json={"reason": "other"})
    assert reject.json()["code"] == "suggestion_invalid_transition"
    lock = client.post(f"/api/v1/suggestions/{s.id}/lock", headers=h)
    assert lock.status_code == 409
    decision = db.scalar(select(PairDecision).where(PairDecision.talent_id == s.talent_id))
    assert decision is not None
    assert decision.decision == "approve"
    audited = db.scalars(select(AuditLog.entity).where(AuditLog.actor_id.is_not(None))).all()
    assert {"suggestion_reviews", "introductions", "pair_decisions"} <= set(audited)


def test_reject_needs_a_reason_from_the_list_and_forbids_the_pair(
    app: Any, client: Any, db: Session, world: World, sugg: dict[str, Suggestion]
) -> None:
    h = bearer(app, world.users["reviewer"])
    s = sugg["second"]
    missing = client.post(f"/api/v1/suggestions/{s.id}/reject", headers=h, json={"note": "x"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    wrong = client.post(
        f"/api/v1/suggestions/{s.id}/reject?lang=en", headers=h, json={"reason": "太贵"}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "reason"
    ok = client.post(
        f"/api/v1/suggestions/{s.id}/reject",
        headers=h,
        json={"reason": "salary_mismatch", "note": "期望薪资过高"},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["suggestion"]["status"] == "rejected"
    review = db.scalar(select(SuggestionReview).where(SuggestionReview.suggestion_id == s.id))
    assert review is not None
    assert (review.reason, review.note) == (
        "salary_mismatch",
        "期望薪资过高",
    )
    decision = db.scalar(
        select(PairDecision.decision).where(
            PairDecision.demand_id == s.demand_id, PairDecision.talent_id == s.talent_id
        )
    )
    assert decision == "forbid"
    approve = client.post(f"/api/v1/suggestions/{s.id}/approve?lang=en", headers=h)
    assert approve.status_code == 409
    assert approve.json()["code"] == "suggestion_invalid_transition"
    assert "already decided" in approve.json()["message"]


def test_a_stale_version_is_conflict(
    app: Any, client: Any, world: World, sugg: dict[str, Suggestion]
) -> None:
    h = bearer(app, world.users["reviewer"])
    s = sugg["first"]
    r = client.post(f"/api/v1/suggestions/{s.id}/approve", headers=h, json={"version": 7})
    assert r.status_code == 409
    assert r.json()["code"] == "suggestion_changed"


@pytest.mark.parametrize("who", ["kejiju", "enterprise", "chamber"])
def test_only_office_staff_review(
    app: Any, client: Any, world: World, sugg: dict[str, Suggestion], who: str
) -> None:
    h = bearer(app, world.users[who])
    s = sugg["first"]
    assert client.post(f"/api/v1/suggestions/{s.id}/approve", headers=h).status_code == 403
    r = client.post(f"/api/v1/suggestions/{s.id}/reject", headers=h, json={"reason": "other"})
    assert r.status_code == 403


def test_approve_refuses_a_closed_demand(
    app: Any, client: Any, db: Session, world: World, sugg: dict[str, Suggestion]
) -> None:
    world.demands["youth"].status = "paused"
    db.flush()
    h = bearer(app, world.users["reviewer"])
    r = client.post(f"/api/v1/suggestions/{sugg['youth'].id}/approve", headers=h)
    assert r.status_code == 409
    assert r.json()["code"] == "demand_not_open"


def test_bulk_review_answers_each_item(
    app: Any, client: Any, world: World, sugg: dict[str, Suggestion]
) -> None:
    h = bearer(app, world.users["admin"])
    no_reason = client.post(
        "/api/v1/suggestions/bulk-review",
        headers=h,
        json={"action": "reject", "items": [{"id": sugg["first"].id}]},
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    r = client.post(
        "/api/v1/suggestions/bulk-review",
        headers=h,
        json={
            "action": "approve",
            "items": [
                {"id": sugg["first"].id, "version": 1},
                {"id": sugg["youth"].id, "version": 5},
                {"id": 999_999},
            ],
        },
    )
    assert r.status_code == 200, r.text
    results = {x["suggestion_id"]: x for x in r.json()}
    assert results[sugg["first"].id]["ok"]
    assert results[sugg["first"].id]["introduction_id"]
    assert results[sugg["youth"].id]["code"] == "suggestion_changed"
    assert results[999_999]["code"] == "not_found"


def test_review_queue_page_groups_filters_and_decides_in_bulk(
    client: Any, db: Session, world: World, sugg: dict[str, Suggestion]
) -> None:
    from bs4 import BeautifulSoup

    page_login(client, world.users["reviewer"])
    page = client.get("/review")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    groups = [h.get_text(" ", strip=True) for h in soup.select("section.review-group h2")]
    assert len(groups) == 2
    assert "Python后端开发工程师" in groups[0]
    assert soup.select_one("#review-keys") is not None
    kejiju = world.talents["kejiju"].organization_id
    filtered = client.get(f"/review?agency_id={kejiju}&min_score=0.5&industry=I")
    rows = BeautifulSoup(filtered.text, "html.parser").select("tr.review-row")
    assert [r["data-suggestion-id"] for r in rows] == [str(sugg["first"].id)]
    assert client.get("/review?min_score=0.9").text.count("review-row") == 0
    assert client.get("/review?min_score=abc&agency_id=x&status=??").status_code == 200
    r = client.post(
        "/review",
        data={
            "csrf_token": csrf_from(page.text),
            "item": [f"{sugg['second'].id}:1", f"{sugg['youth'].id}:1"],
            "action": "reject",
            "reason": "location_mismatch",
            "note": "",
            "back": "/review",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    db.expire_all()
    assert db.get_one(Suggestion, sugg["second"].id).status == "rejected"
    assert db.get_one(Suggestion, sugg["youth"].id).status == "rejected"
    done = client.get("/review?lang=en")
    assert "Rejected; they will not be proposed again" in done.text
    assert done.text.count("review-row") == 1


def test_review_queue_is_office_only(client: Any, world: World) -> None:
    page_login(client, world.users["kejiju"])
    assert client.get("/review").status_code == 403


def test_two_reviewers_at_once_one_wins_the_other_gets_409(live_factory: Any, backend: str) -> None:
    """Two sessions on two connections: B read the suggestion before A's approval committed."""
    live = live_factory()  # not started: no background threads, just the committed database
    with live.session() as s:
        w = make_world(s)
        ids = {k: v.id for k, v in seed_run(s, w).items()}
        reviewer_id, admin_id = w.users["reviewer"].id, w.users["admin"].id
        s.commit()
    a, b = live.session(), live.session()
    try:
        va = Viewer.of(a.get_one(User, reviewer_id))
        a.commit()
        vb = Viewer.of(b.get_one(User, admin_id))
        seen_by_b = b.get_one(Suggestion, ids["first"])
        assert (seen_by_b.status, seen_by_b.version) == ("pending", 1)
        if backend == "sqlite":
            b.commit()  # SQLite serialises writers (BEGIN IMMEDIATE): B must let go of its lock
        service.approve_suggestion(a, va, ids["first"])
        a.commit()
        with pytest.raises(SuggestionChanged):
            service.reject_suggestion(b, vb, ids["first"], reason=RejectReason.other)
        b.rollback()
    finally:
        a.close()
        b.close()
    with live.session() as s:
        row = s.get_one(Suggestion, ids["first"])
        assert (row.status, row.version) == ("approved", 2)
        assert s.scalars(select(SuggestionReview.decision)).all() == ["approved"]


def test_a_rerun_respects_rejections_and_approvals(live_factory: Any) -> None:
    """Rejected pairs are never proposed again; approved pairs stay proposed and approved."""
    from app.matchruns.engine import execute_run
    from tests.app.matchruns.test_matchruns import seed

    live = live_factory()  # not started: the engine runs here, synchronously

    def run_once(previous: int | None) -> list[Suggestion]:
        with live.session() as s:
            run = MatchRun(
                status="queued", params={"min_score": 0.0, "k": 50}, previous_run_id=previous
            )
            s.add(run)
            s.commit()
            run_id = run.id
        execute_run(live.session_factory, run_id, live.settings)
        with live.session() as s:
            assert s.get_one(MatchRun, run_id).status == "succeeded"
            return list(s.scalars(select(Suggestion).where(Suggestion.match_run_id == run_id)))

    w = seed(live)
    first = run_once(None)
    proposed = sorted((x for x in first if x.is_proposed), key=lambda x: x.id)
    assert len(proposed) >= 2
    rejected, approved = proposed[0], proposed[1]
    with live.session() as s:
        viewer = Viewer.of(s.get_one(User, w.users["reviewer"].id))
        service.reject_suggestion(s, viewer, rejected.id, reason=RejectReason.major_mismatch)
        service.approve_suggestion(s, viewer, approved.id)
        s.commit()
    second = {(x.demand_id, x.talent_id): x for x in run_once(first[0].match_run_id)}
    assert (rejected.demand_id, rejected.talent_id) not in second
    kept = second[(approved.demand_id, approved.talent_id)]
    assert kept.is_proposed
    assert kept.status == "approved"
    assert {
        x.status for k, x in second.items() if k != (approved.demand_id, approved.talent_id)
    } <= {"pending"}
