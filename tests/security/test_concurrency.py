"""Parallel requests against a live service: what must happen once happens once.

Each test fires PARALLEL requests at once (threads released together by a barrier) at a live
service on its own committed database, then checks the answers (one success, the others 409 or
404 in the one error shape, never a 500) and the rows in the database. PostgreSQL is where
these races are real; SQLite's single writer serialises the requests, and the same answers
must come out there too.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from app.models import (
    AuditLog,
    Demand,
    Dispatch,
    DuplicatePair,
    Introduction,
    MatchRun,
    Nomination,
    Talent,
    TalentErasure,
)
from app.models.enums import OrgKind
from tests.app.helpers import token_headers
from tests.factories import World, make_talent, make_world

PARALLEL = 10
DUE = (dt.date.today() + dt.timedelta(days=14)).isoformat()


def fire(call: Callable[[int], httpx.Response], n: int = PARALLEL) -> list[httpx.Response]:
    """Run `call(i)` for i < n in n threads released at the same moment."""
    barrier = threading.Barrier(n)

    def one(i: int) -> httpx.Response:
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


def seed(live: Any) -> tuple[World, dict[str, dict[str, str]]]:
    with live.session() as s:
        w = make_world(s)
        s.commit()
    headers = {k: token_headers(live.client, w.users[k]) for k in ("admin", "enterprise", "kejiju")}
    return w, headers


def count(live: Any, stmt: Any) -> int:
    with live.session() as s:
        return int(s.scalar(stmt) or 0)


def test_parallel_hires_each_count_once_and_close_the_demand_at_headcount(
    live_factory: Any,
) -> None:
    live = live_factory().start()
    w, h = seed(live)
    with live.session() as s:
        demand = s.get_one(Demand, w.demands["general"].id)
        demand.headcount = 3
        kejiju = w.talents["kejiju"].organization_id
        org = s.get_one(Talent, w.talents["kejiju"].id).organization
        intros = []
        for i in range(PARALLEL):
            talent = make_talent(s, org, name=f"候选人{i}")
            intro = Introduction(
                demand_id=demand.id,
                talent_id=talent.id,
                enterprise_id=demand.enterprise_id,
                agency_id=kejiju,
                status="connected",
                interested=True,
                consent=True,
            )
            s.add(intro)
            intros.append(intro)
        s.commit()
        ids = [i.id for i in intros]

    answers = fire(
        lambda i: live.client.post(
            f"/api/v1/introductions/{ids[i]}/outcome",
            headers=h["enterprise"],
            json={"outcome": "hired"},
        )
    )

    assert statuses(answers) == {200: 3, 409: PARALLEL - 3}, [r.text for r in answers]
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"demand_full"}
    with live.session() as s:
        demand = s.get_one(Demand, w.demands["general"].id)
        assert (demand.hired_count, demand.status) == (3, "filled")
        hired = s.scalar(
            select(func.count()).where(Introduction.id.in_(ids), Introduction.status == "hired")
        )
        assert hired == 3
        # each hire is in the demand's audit trail, from its count before to its count after
        trail = s.scalars(
            select(AuditLog.changes)
            .where(
                AuditLog.entity == "demands",
                AuditLog.entity_id == demand.id,
                AuditLog.action == "update",
            )
            .order_by(AuditLog.id)
        )
        counts = [c["hired_count"] for c in trail if "hired_count" in c]
        assert counts == [[0, 1], [1, 2], [2, 3]]


def test_parallel_outcomes_of_one_introduction_record_one(live_factory: Any) -> None:
    live = live_factory().start()
    w, h = seed(live)
    with live.session() as s:
        demand = s.get_one(Demand, w.demands["general"].id)
        intro = Introduction(
            demand_id=demand.id,
            talent_id=w.talents["kejiju"].id,
            enterprise_id=demand.enterprise_id,
            agency_id=w.talents["kejiju"].organization_id,
            status="connected",
            interested=True,
            consent=True,
        )
        s.add(intro)
        s.commit()
        intro_id = intro.id

    answers = fire(
        lambda i: live.client.post(
            f"/api/v1/introductions/{intro_id}/outcome",
            headers=h["enterprise"],
            json={"outcome": "hired"},
        )
    )

    assert statuses(answers) == {200: 1, 409: PARALLEL - 1}, [r.text for r in answers]
    with live.session() as s:
        assert s.get_one(Demand, w.demands["general"].id).hired_count == 1


def test_parallel_match_run_starts_queue_one_run(live_factory: Any) -> None:
    # No job runner: the run stays queued, so every request meets it.
    live = live_factory(background=False).start()
    _, h = seed(live)
    with live.session() as s:
        s.add(MatchRun(status="succeeded", params={}))
        s.commit()
        previous = s.scalar(select(MatchRun.id))

    answers = fire(lambda i: live.client.post("/api/v1/match-runs", headers=h["admin"], json={}))

    assert statuses(answers) == {202: 1, 409: PARALLEL - 1}, [r.text for r in answers]
    run = next(r.json() for r in answers if r.status_code == 202)
    lost = [r.json() for r in answers if r.status_code == 409]
    assert {(b["code"], b["current_id"]) for b in lost} == {("match_run_in_progress", run["id"])}
    with live.session() as s:
        runs = list(s.scalars(select(MatchRun).where(MatchRun.id != previous)))
        assert [(r.id, r.status, r.previous_run_id) for r in runs] == [
            (run["id"], "queued", previous)
        ]


def test_the_database_refuses_a_second_active_match_run(live_factory: Any) -> None:
    live = live_factory(background=False).start()
    with live.session() as s:
        s.add(MatchRun(status="running", params={}))
        s.commit()
        s.add(MatchRun(status="queued", params={}))
        with pytest.raises(Exception, match=r"(?i)unique"):
            s.commit()


def test_parallel_dispatches_of_one_demand_to_one_agency_make_one(live_factory: Any) -> None:
    live = live_factory().start()
    w, h = seed(live)
    demand_id = w.demands["general"].id
    org_id = w.orgs[OrgKind.science_bureau].id

    answers = fire(
        lambda i: live.client.post(
            f"/api/v1/demands/{demand_id}/dispatches",
            headers=h["admin"],
            json={"organization_id": org_id, "due_date": DUE},
        )
    )

    assert statuses(answers) == {201: 1, 409: PARALLEL - 1}, [r.text for r in answers]
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"dispatch_exists"}
    assert count(live, select(func.count()).where(Dispatch.demand_id == demand_id)) == 1


def test_parallel_dispatches_by_rules_task_each_agency_once(live_factory: Any) -> None:
    live = live_factory().start()
    w, h = seed(live)
    demand_id = w.demands["general"].id  # a job: the rules name 人社局

    answers = fire(
        lambda i: live.client.post(
            f"/api/v1/demands/{demand_id}/dispatches/by-rules",
            headers=h["admin"],
            json={"due_date": DUE},
        )
    )

    # One request tasks the agencies; the others find them tasked (nothing new) or lose the
    # race on the unique (demand, agency) pair: 409, never a 500.
    assert set(statuses(answers)) <= {201, 409}, [r.text for r in answers]
    created = [r.json() for r in answers if r.status_code == 201 and r.json()]
    assert len(created) == 1
    rows = count(live, select(func.count()).where(Dispatch.demand_id == demand_id))
    assert rows == len(created[0]) == 1


def test_parallel_nominations_of_one_talent_make_one(live_factory: Any) -> None:
    live = live_factory().start()
    w, h = seed(live)
    with live.session() as s:
        d = Dispatch(
            demand_id=w.demands["general"].id,
            organization_id=w.orgs[OrgKind.science_bureau].id,
            due_date=dt.date.today() + dt.timedelta(days=7),
        )
        s.add(d)
        s.commit()
        dispatch_id = d.id
    talent_id = w.talents["kejiju"].id

    answers = fire(
        lambda i: live.client.post(
            f"/api/v1/dispatches/{dispatch_id}/nominations",
            headers=h["kejiju"],
            json={"talent_ids": [talent_id]},
        )
    )

    assert set(statuses(answers)) <= {201, 409}, [r.text for r in answers]
    created = [r for r in answers if r.status_code == 201 and r.json()["created"]]
    assert len(created) == 1
    assert count(live, select(func.count()).where(Nomination.dispatch_id == dispatch_id)) == 1
    with live.session() as s:
        d = s.get_one(Dispatch, dispatch_id)
        assert d.status == "answered"
        assert d.first_nomination_at == dt.datetime.fromisoformat(
            created[0].json()["dispatch"]["first_nomination_at"]
        )


def test_parallel_erasures_of_one_talent_erase_once(live_factory: Any) -> None:
    live = live_factory().start()
    w, h = seed(live)
    talent_id = w.talents["kejiju"].id

    answers = fire(
        lambda i: live.client.post(f"/api/v1/talents/{talent_id}/erase", headers=h["kejiju"])
    )

    assert statuses(answers) == {200: 1, 404: PARALLEL - 1}, [r.text for r in answers]
    assert count(live, select(func.count()).select_from(TalentErasure)) == 1
    assert count(live, select(func.count()).where(Talent.id == talent_id)) == 0


def test_parallel_deletes_of_one_talent_delete_once(live_factory: Any) -> None:
    live = live_factory().start()
    w, h = seed(live)
    talent_id = w.talents["kejiju"].id

    answers = fire(lambda i: live.client.delete(f"/api/v1/talents/{talent_id}", headers=h["admin"]))

    assert statuses(answers) == {204: 1, 404: PARALLEL - 1}, [r.text for r in answers]
    deletes = select(func.count()).where(
        AuditLog.entity == "talents", AuditLog.entity_id == talent_id, AuditLog.action == "delete"
    )
    assert count(live, deletes) == 1


def test_parallel_duplicate_scans_run_one(live_factory: Any, backend: str) -> None:
    live = live_factory().start()
    w, h = seed(live)
    with live.session() as s:
        # the same person at two agencies: the scan finds one pair
        renshe = s.get_one(Talent, w.talents["renshe"].id).organization
        make_talent(s, renshe, name="李明", phone=w.talents["kejiju"].phone)
        s.commit()

    def scan(i: int) -> httpx.Response:
        return live.client.post("/api/v1/duplicates/scan", headers=h["admin"])

    if backend == "postgresql":
        # Hold the pairs table: the first scan, once it has claimed the running slot, waits
        # at its insert, so every other request meets a running scan.
        hold = live.engine.connect()
        hold.begin()
        hold.execute(text("LOCK TABLE duplicate_pairs IN EXCLUSIVE MODE"))
        with ThreadPoolExecutor(PARALLEL) as pool:
            barrier = threading.Barrier(PARALLEL)

            def one(i: int) -> httpx.Response:
                barrier.wait()
                return scan(i)

            futures: list[Future[httpx.Response]] = [pool.submit(one, i) for i in range(PARALLEL)]
            deadline = time.monotonic() + 30
            while sum(f.done() for f in futures) < PARALLEL - 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            hold.rollback()
            hold.close()
            answers = [f.result() for f in futures]
        assert statuses(answers) == {200: 1, 409: PARALLEL - 1}, [r.text for r in answers]
    else:
        answers = fire(scan)  # serialised by SQLite: each scan runs alone
        assert set(statuses(answers)) <= {200, 409}, [r.text for r in answers]
    won = [r.json() for r in answers if r.status_code == 200]
    assert sum(b["new_pairs"] for b in won) == 1
    lost = [r.json() for r in answers if r.status_code == 409]
    assert all(b["code"] == "duplicate_scan_running" and b["current_id"] for b in lost)
    assert count(live, select(func.count()).select_from(DuplicatePair)) == 1


def test_parallel_creates_with_one_external_key_make_one(live_factory: Any) -> None:
    live = live_factory().start()
    _, h = seed(live)

    answers = fire(
        lambda i: live.client.post(
            "/api/v1/talents",
            headers=h["kejiju"],
            json={"name": f"王芳{i}", "consent_date": "2026-03-01", "external_key": "KJ-001"},
        )
    )

    assert statuses(answers) == {201: 1, 422: PARALLEL - 1}, [r.text for r in answers]
    errors = {
        (e["field"], e["code"]) for r in answers if r.status_code == 422 for e in r.json()["errors"]
    }
    assert errors == {("external_key", "external_key_taken")}
    assert count(live, select(func.count()).where(Talent.external_key == "KJ-001")) == 1
