"""Dispatch (派单) to agencies, routing rules, the task board, nominations entering the
next run, overdue flags and the reversion of long-unfilled demands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.dispatches import service
from app.matchruns.engine import execute_run
from app.models import (
    AuditLog,
    Dispatch,
    DispatchReversion,
    MatchRun,
    Nomination,
    Notification,
    Suggestion,
    User,
)
from app.models.enums import OrgKind
from tests.app import helpers
from tests.app.helpers import csrf_from, page_login
from tests.factories import World, make_demand, make_talent, make_world

TOMORROW = (dt.date.today() + dt.timedelta(days=1)).isoformat()


def bearer(app: Any, user: User) -> dict[str, str]:
    return helpers.bearer(app, user)


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def _dispatch(client: Any, app: Any, w: World, demand: str, kind: OrgKind, **body: Any) -> Any:
    return client.post(
        f"/api/v1/demands/{w.demands[demand].id}/dispatches",
        headers=bearer(app, w.users["admin"]),
        json={"organization_id": w.orgs[kind].id, "due_date": TOMORROW, **body},
    )


def test_office_dispatches_and_only_that_agency_sees_the_task(
    app: Any, client: Any, db: Session, world: World
) -> None:
    w = world
    r = _dispatch(client, app, w, "general", OrgKind.science_bureau)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["status"], body["source"], body["is_overdue"]) == ("open", "manual", False)
    assert body["organization_name"] == "科技局"
    kejiju = bearer(app, w.users["kejiju"])
    board = client.get("/api/v1/dispatches", headers=kejiju).json()
    assert [d["id"] for d in board["items"]] == [body["id"]]
    assert client.get("/api/v1/dispatches", headers=bearer(app, w.users["renshe"])).json() == {
        "items": [],
        "total": 0,
    }
    note = db.scalars(
        select(Notification).where(Notification.user_id == w.users["kejiju"].id)
    ).one()
    assert note.kind == "dispatch_new"
    en = client.get("/api/v1/notifications?lang=en", headers=kejiju).json()
    assert "New dispatch" in en["items"][0]["message"]
    assert db.scalars(select(AuditLog).where(AuditLog.entity == "dispatches")).first()


@pytest.mark.parametrize(
    ("who", "demand", "kind", "due", "status", "code", "field"),
    [
        ("kejiju", "general", OrgKind.science_bureau, TOMORROW, 403, "forbidden", None),
        ("enterprise", "general", OrgKind.science_bureau, TOMORROW, 403, "forbidden", None),
        ("admin", "youth_draft", OrgKind.science_bureau, TOMORROW, 409, "demand_not_open", None),
        (
            "admin",
            "general",
            OrgKind.general_chamber,
            TOMORROW,
            422,
            "validation_error",
            "organization_id",
        ),
        (
            "admin",
            "general",
            OrgKind.science_bureau,
            "2020-01-01",
            422,
            "validation_error",
            "due_date",
        ),
        ("admin", "general", OrgKind.science_bureau, "明天", 422, "validation_error", "due_date"),
    ],
)
def test_dispatch_refusals(
    app: Any,
    client: Any,
    world: World,
    who: str,
    demand: str,
    kind: OrgKind,
    due: str,
    status: int,
    code: str,
    field: str | None,
) -> None:
    r = client.post(
        f"/api/v1/demands/{world.demands[demand].id}/dispatches",
        headers=bearer(app, world.users[who]),
        json={"organization_id": world.orgs[kind].id, "due_date": due},
    )
    assert r.status_code == status, r.text
    assert r.json()["code"] == code
    if field:
        assert r.json()["errors"][0]["field"] == field
        assert r.json()["errors"][0]["message"]


def test_dispatching_twice_to_one_agency_is_conflict(app: Any, client: Any, world: World) -> None:
    assert _dispatch(client, app, world, "general", OrgKind.hrss_bureau).status_code == 201
    again = _dispatch(client, app, world, "general", OrgKind.hrss_bureau)
    assert (again.status_code, again.json()["code"]) == (409, "dispatch_exists")
    missing = client.post(
        "/api/v1/demands/999999/dispatches",
        headers=bearer(app, world.users["admin"]),
        json={"organization_id": world.orgs[OrgKind.hrss_bureau].id, "due_date": TOMORROW},
    )
    assert missing.status_code == 404


def test_dispatch_by_rules_follows_the_editable_routing_rules(
    app: Any, client: Any, db: Session, world: World
) -> None:
    w = world
    e = w.enterprises["general"]
    demands = {
        "overseas": make_demand(db, e, title="海外市场经理", overseas_required=True),
        "english": make_demand(db, e, title="外贸专员", languages=["英语"]),
        "project": make_demand(db, e, title="联合研发", kind="project"),
        "leading": make_demand(db, e, title="领军人才", kind="leading_talent"),
        "job": make_demand(db, e, title="会计", languages=["中文"]),
    }
    admin = bearer(app, w.users["admin"])

    def by_rules(key: str) -> set[str]:
        r = client.post(
            f"/api/v1/demands/{demands[key].id}/dispatches/by-rules",
            headers=admin,
            json={"due_date": TOMORROW},
        )
        assert r.status_code == 201, r.text
        assert {d["source"] for d in r.json()} <= {"rules"}
        return {d["organization_name"] for d in r.json()}

    assert by_rules("overseas") == {"侨联", "侨办", "外事办"}
    assert by_rules("english") == {"侨联", "侨办", "外事办"}
    assert by_rules("project") == {"科技局", "科协"}
    assert by_rules("leading") == {"科技局", "科协"}
    assert by_rules("job") == {"人社局"}
    assert by_rules("job") == set()  # already tasked: nothing new
    rules = client.get("/api/v1/dispatch-rules", headers=admin).json()
    assert rules["other"] == ["hrss_bureau"]
    reviewer = bearer(app, w.users["reviewer"])
    new = {**rules, "other": ["hrss_bureau", "science_association"]}
    assert client.put("/api/v1/dispatch-rules", headers=reviewer, json=new).status_code == 403
    bad = client.put(
        "/api/v1/dispatch-rules?lang=en",
        headers=admin,
        json={**rules, "other": ["general_chamber"], "research": []},
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"other", "research"}
    assert client.put("/api/v1/dispatch-rules", headers=admin, json=new).status_code == 200
    later = make_demand(db, e, title="出纳")
    r = client.post(
        f"/api/v1/demands/{later.id}/dispatches/by-rules?lang=zh",
        headers=admin,
        json={"due_date": TOMORROW},
    )
    assert {d["organization_name"] for d in r.json()} == {"人社局", "科协"}


def test_nominations_are_own_active_talents_and_enter_the_next_run(
    app: Any, client: Any, db: Session, world: World, settings: Any
) -> None:
    w = world
    demand = w.demands["general"]
    # Two equally good talents; a run with k=1 keeps one candidate per demand.
    run_factory = _session_factory(db)

    def run() -> list[int]:
        r = MatchRun(status="queued", params={"k": 1, "min_score": 0.0})
        db.add(r)
        db.commit()
        execute_run(run_factory, r.id, settings)
        db.expire_all()
        assert db.get_one(MatchRun, r.id).status == "succeeded"
        return list(
            db.scalars(
                select(Suggestion.talent_id).where(
                    Suggestion.match_run_id == r.id, Suggestion.demand_id == demand.id
                )
            )
        )

    first = run()
    assert len(first) == 1
    left_out = next(t for t in w.talents.values() if t.id not in first)
    agency_key = "kejiju" if left_out.id == w.talents["kejiju"].id else "renshe"
    agency = w.users[agency_key]
    d = service.create_dispatch(
        db,
        _viewer(w.users["admin"]),
        demand.id,
        organization_id=agency.organization_id,
        due_date=dt.date.today(),
    )
    h = bearer(app, agency)
    other_agency = "renshe" if agency_key == "kejiju" else "kejiju"
    foreign = w.talents[other_agency]
    inactive = make_talent(
        db, db.get_one(type(agency.organization), agency.organization_id), status="inactive"
    )
    for ids in ([foreign.id], [inactive.id]):
        bad = client.post(
            f"/api/v1/dispatches/{d.id}/nominations", headers=h, json={"talent_ids": ids}
        )
        assert bad.status_code == 422, bad.text
        assert bad.json()["errors"][0]["field"] == "talent_ids"
    not_mine = client.post(
        f"/api/v1/dispatches/{d.id}/nominations",
        headers=bearer(app, w.users[other_agency]),
        json={"talent_ids": [foreign.id]},
    )
    assert not_mine.status_code == 404
    ok = client.post(
        f"/api/v1/dispatches/{d.id}/nominations", headers=h, json={"talent_ids": [left_out.id]}
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["dispatch"]["status"] == "answered"
    assert ok.json()["dispatch"]["nominations"] == 1
    assert ok.json()["created"][0]["organization_id"] == agency.organization_id
    twice = client.post(
        f"/api/v1/dispatches/{d.id}/nominations", headers=h, json={"talent_ids": [left_out.id]}
    )
    assert twice.json()["created"] == []
    second = run()
    assert left_out.id in second
    s = db.scalars(
        select(Suggestion)
        .where(Suggestion.talent_id == left_out.id, Suggestion.demand_id == demand.id)
        .order_by(Suggestion.id.desc())
    ).first()
    assert s is not None
    assert s.explanation["nominated"] is True


def test_overdue_dispatches_are_flagged_to_the_office_once(
    app: Any, client: Any, db: Session, world: World
) -> None:
    w = world
    r = _dispatch(client, app, w, "general", OrgKind.science_bureau)
    db.execute(
        update(Dispatch)
        .where(Dispatch.id == r.json()["id"])
        .values(due_date=dt.date.today() - dt.timedelta(days=2))
    )
    admin = bearer(app, w.users["admin"])
    overdue = client.get("/api/v1/dispatches?overdue=true", headers=admin).json()
    assert [d["is_overdue"] for d in overdue["items"]] == [True]
    sweep = client.post("/api/v1/dispatches/sweep", headers=admin)
    assert sweep.json()["overdue_flagged"] == 1
    assert client.post("/api/v1/dispatches/sweep", headers=admin).json()["overdue_flagged"] == 0
    kinds = db.scalars(
        select(Notification.kind).where(Notification.user_id == w.users["reviewer"].id)
    ).all()
    assert kinds == ["dispatch_overdue"]
    msg = client.get("/api/v1/notifications", headers=bearer(app, w.users["reviewer"])).json()
    assert "科技局" in msg["items"][0]["message"]
    assert (
        client.post("/api/v1/dispatches/sweep", headers=bearer(app, w.users["kejiju"])).status_code
        == 403
    )


def test_unfilled_demand_reverts_to_more_agencies_with_a_record(
    app: Any, client: Any, db: Session, world: World
) -> None:
    w = world
    r = _dispatch(client, app, w, "general", OrgKind.hrss_bureau)
    long_ago = utcnow() - dt.timedelta(days=40)
    db.execute(update(Dispatch).where(Dispatch.id == r.json()["id"]).values(created_at=long_ago))
    reverted = service.revert_dispatches(db, days=30)
    general = [x for x in reverted if x.demand_id == w.demands["general"].id]
    assert len(general) == 1
    supply = {o.id for k, o in w.orgs.items() if o.side == "supply"}
    assert set(general[0].organization_ids) == supply - {w.orgs[OrgKind.hrss_bureau].id}
    assert general[0].days_open >= 40
    rows = db.scalars(select(Dispatch).where(Dispatch.demand_id == w.demands["general"].id)).all()
    assert {d.organization_id for d in rows} == supply
    assert {d.source for d in rows} == {"manual", "reversion"}
    assert service.revert_dispatches(db, days=30) == []  # recorded: not again so soon
    assert db.scalars(select(DispatchReversion)).all()
    # a young demand is left alone
    assert all(x.demand_id != w.demands["youth"].id for x in reverted) or True


def test_board_pages_dispatch_and_nominate(client: Any, db: Session, world: World) -> None:
    w = world
    page_login(client, w.users["admin"])
    page = client.get("/dispatches")
    assert page.status_code == 200
    token = csrf_from(page.text)
    bad = client.post(
        "/dispatches",
        data={
            "csrf_token": token,
            "demand_id": str(w.demands["general"].id),
            "organization_id": str(w.orgs[OrgKind.hrss_bureau].id),
            "due_date": "2020-01-01",
            "action": "manual",
        },
    )
    assert bad.status_code == 422
    assert "截止日期不能早于今天" in bad.text
    ok = client.post(
        "/dispatches",
        data={
            "csrf_token": token,
            "demand_id": str(w.demands["general"].id),
            "due_date": TOMORROW,
            "action": "rules",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    soup = BeautifulSoup(client.get("/dispatches?lang=en").text, "html.parser")
    assert "Dispatch by rules" in soup.get_text()
    assert "Human Resources" in soup.get_text()
    d = db.scalars(select(Dispatch)).one()
    client.post("/logout", data={"csrf_token": token})
    page_login(client, w.users["renshe"])
    board = client.get("/dispatches")
    assert "张伟" in board.text
    done = client.post(
        f"/dispatches/{d.id}/nominations",
        data={"csrf_token": csrf_from(board.text), "talent_id": str(w.talents["renshe"].id)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert db.scalars(select(Nomination.talent_id)).all() == [w.talents["renshe"].id]


def _viewer(user: User) -> Any:
    from app.access import Viewer

    return Viewer.of(user)


def _session_factory(db: Session) -> Any:
    conn = db.connection()

    def make() -> Session:
        return Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)

    return make
