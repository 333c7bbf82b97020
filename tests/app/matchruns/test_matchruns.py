"""Match runs end to end on a live service: job, progress, suggestions, proposal, re-runs."""

from __future__ import annotations

import re
import time
from collections import Counter
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, update

from app.context import context_of
from app.models import MatchRun, Suggestion
from tests.app.helpers import csrf_from, page_login, token_headers
from tests.factories import make_demand, make_talent, make_world


def seed(live: Any) -> Any:
    """A small city: the factory world plus talents with varied skills and a 2-headcount job."""
    with live.session() as s:
        w = make_world(s)
        kejiju = w.talents["kejiju"].organization
        renshe = w.talents["renshe"].organization
        skills = [["Python", "SQL"], ["Java", "Spring"], ["数据分析", "Python"], ["材料", "锂电池"]]
        for i in range(12):
            make_talent(
                s,
                kejiju if i % 2 else renshe,
                name=f"人才{i:02d}",
                skills=skills[i % 4],
                education="master" if i % 3 else "bachelor",
                years_experience=i % 8,
                summary=f"从事{'、'.join(skills[i % 4])}相关工作{i % 8}年",
            )
        make_demand(
            s,
            w.enterprises["general"],
            title="数据分析师",
            headcount=2,
            required_skills=["Python", "数据分析"],
        )
        s.commit()
        return w


def start_run(live: Any, headers: dict[str, str]) -> dict[str, Any]:
    response = live.client.post("/api/v1/match-runs", headers=headers, json={})
    assert response.status_code == 202, response.text
    return response.json()  # type: ignore[no-any-return]


def wait_run(live: Any, run_id: int, headers: dict[str, str]) -> dict[str, Any]:
    live.settle()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = live.client.get(f"/api/v1/match-runs/{run_id}", headers=headers).json()
        if run["status"] not in ("queued", "running"):
            return run  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError("run did not finish")


def suggestions(live: Any, run_id: int, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = live.client.get(
        "/api/v1/suggestions", params={"match_run_id": run_id, "limit": 500}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def test_office_runs_matching_and_gets_ranked_explained_capacity_respecting_proposals(
    live: Any,
) -> None:
    w = seed(live)
    headers = token_headers(live.client, w.users["reviewer"])
    run = wait_run(live, start_run(live, headers)["id"], headers)
    assert run["status"] == "succeeded", run
    assert run["progress"] == 100
    items = suggestions(live, run["id"], headers)
    assert items, "a run over open demands and active talents suggests someone"
    with live.session() as s:
        demands = {d.id: d for d in w.demands.values()}
        headcount = {d_id: d.headcount for d_id, d in demands.items()}
        open_ids = {d.id for d in demands.values() if d.status == "open"}
        headcount |= {
            r.demand_id: 2
            for r in s.execute(select(Suggestion.demand_id))
            if r.demand_id not in headcount
        }
    assert {i["demand_id"] for i in items} <= open_ids | set(headcount)
    by_demand: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        by_demand.setdefault(item["demand_id"], []).append(item)
    for ranked in by_demand.values():
        assert [i["rank"] for i in ranked] == list(range(1, len(ranked) + 1))
        scores = [i["score"] for i in ranked]
        assert scores == sorted(scores, reverse=True)
        assert len(ranked) <= 20 + sum(i["is_proposed"] for i in ranked)
        assert all(0 <= i["score"] <= 1 and 0 <= i["confidence"] <= 1 for i in ranked)
        assert all(i["explanation"]["components"] for i in ranked)
    proposed = [i for i in items if i["is_proposed"]]
    assert proposed
    per_talent = Counter(i["talent_id"] for i in proposed)
    assert max(per_talent.values()) == 1
    per_demand = Counter(i["demand_id"] for i in proposed)
    for demand_id, n in per_demand.items():
        assert n <= headcount[demand_id]
    assert run["summary"]["proposed"] == len(proposed)
    assert run["summary"]["total_score"] == pytest.approx(
        sum(i["score"] for i in proposed), abs=1e-3
    )
    assert run["summary"]["stable_total_score"] <= run["summary"]["total_score"] + 1e-6
    # the draft demand is never matched
    assert w.demands["youth_draft"].id not in by_demand


def test_same_input_gives_same_suggestions_and_rerun_keeps_locks_and_forbids(live: Any) -> None:
    w = seed(live)
    headers = token_headers(live.client, w.users["reviewer"])
    first = wait_run(live, start_run(live, headers)["id"], headers)
    a = suggestions(live, first["id"], headers)
    second = wait_run(live, start_run(live, headers)["id"], headers)
    b = suggestions(live, second["id"], headers)
    key = lambda i: (i["demand_id"], i["talent_id"], i["rank"], i["score"], i["is_proposed"])  # noqa: E731
    assert [key(i) for i in a] == [key(i) for i in b]
    assert {i["change"] for i in b} == {"same"}
    assert second["summary"]["dropped"] == 0
    # forbid a proposed pair and lock a non-proposed one: the next run obeys both
    proposed = next(i for i in b if i["is_proposed"])
    other = next(
        i
        for i in b
        if not i["is_proposed"] and i["demand_id"] != proposed["demand_id"] and i["rank"] > 1
    )
    assert (
        live.client.post(
            f"/api/v1/suggestions/{proposed['id']}/forbid", headers=headers
        ).status_code
        == 200
    )
    assert (
        live.client.post(f"/api/v1/suggestions/{other['id']}/lock", headers=headers).status_code
        == 200
    )
    third = wait_run(live, start_run(live, headers)["id"], headers)
    c = suggestions(live, third["id"], headers)
    pairs = {(i["demand_id"], i["talent_id"]): i for i in c}
    assert (proposed["demand_id"], proposed["talent_id"]) not in pairs
    assert pairs[(other["demand_id"], other["talent_id"])]["is_proposed"] is True
    assert third["summary"]["dropped"] >= 1


def test_only_office_starts_runs_and_demand_side_reads_no_suggestions(live: Any) -> None:
    w = seed(live)
    for user in ("chamber", "enterprise", "kejiju"):
        headers = token_headers(live.client, w.users[user])
        assert live.client.post("/api/v1/match-runs", headers=headers, json={}).status_code == 403
    for user in ("chamber", "enterprise"):
        headers = token_headers(live.client, w.users[user])
        assert live.client.get("/api/v1/suggestions", headers=headers).status_code == 403
    reviewer = token_headers(live.client, w.users["reviewer"])
    run = wait_run(live, start_run(live, reviewer)["id"], reviewer)
    every = suggestions(live, run["id"], reviewer)
    kejiju_headers = token_headers(live.client, w.users["kejiju"])
    own = suggestions(live, run["id"], kejiju_headers)
    with live.session() as s:
        from app.models import Talent

        org_of = dict(s.execute(select(Talent.id, Talent.organization_id)).all())
    kejiju_org = w.users["kejiju"].organization_id
    assert [i["id"] for i in own] == [
        i["id"] for i in every if org_of[i["talent_id"]] == kejiju_org
    ]
    assert len(own) < len(every)


def test_an_agency_sees_another_agencys_runner_up_only_as_another_candidate(live: Any) -> None:
    w = seed(live)
    reviewer = token_headers(live.client, w.users["reviewer"])
    run = wait_run(live, start_run(live, reviewer)["id"], reviewer)
    with live.session() as s:
        from app.models import Talent

        org_of = dict(s.execute(select(Talent.id, Talent.organization_id)).all())
    kejiju_org = w.users["kejiju"].organization_id
    every = suggestions(live, run["id"], reviewer)
    leaking = [
        i
        for i in every
        if org_of[i["talent_id"]] == kejiju_org
        and (a := i["explanation"].get("assignment"))
        and a["runner_up_talent_id"] is not None
        and org_of[a["runner_up_talent_id"]] != kejiju_org
    ]
    assert leaking, "the office sees a kejiju proposal whose runner-up is another agency's"
    kejiju = token_headers(live.client, w.users["kejiju"])
    own = {i["id"]: i for i in suggestions(live, run["id"], kejiju)}
    for item in leaking:
        a = own[item["id"]]["explanation"]["assignment"]
        assert a["runner_up_talent_id"] is None
        assert a["runner_up_talent_score"] is None
        assert a["runner_up_talent_taken_by_demand_id"] is None
        assert a["runner_up_talent_reason"] == "另一位候选人"
        one = live.client.get(
            f"/api/v1/suggestions/{item['id']}", params={"lang": "en"}, headers=kejiju
        ).json()
        assert one["explanation"]["assignment"]["runner_up_talent_reason"] == "another candidate"
        assert one["explanation"]["assignment"]["runner_up_talent_id"] is None
    for item in own.values():
        a = item["explanation"].get("assignment") or {}
        named = [a.get("runner_up_talent_id"), *a.get("runner_up_demand_filled_by_talent_ids", [])]
        assert all(org_of[t] == kejiju_org for t in named if t is not None)
    # the office still sees who the runner-up is
    assert all(i["explanation"]["assignment"]["runner_up_talent_id"] for i in leaking)


def test_every_rank_of_a_demand_is_explained_by_the_same_rules(live: Any) -> None:
    """Identical talents get identical explanations, whether ranked in the top 3 or below."""
    with live.session() as s:
        w = make_world(s)
        for i in range(6):  # the same as the world's two talents, but for the name
            make_talent(s, w.talents["kejiju"].organization, name=f"同样{i}")
        s.commit()
    headers = token_headers(live.client, w.users["reviewer"])
    run = wait_run(live, start_run(live, headers)["id"], headers)
    by_demand: dict[int, list[dict[str, Any]]] = {}
    for item in suggestions(live, run["id"], headers):
        by_demand.setdefault(item["demand_id"], []).append(item)

    def rules(item: dict[str, Any]) -> dict[str, Any]:
        skip = ("best_phrases", "assignment", "nominated")
        return {k: v for k, v in item["explanation"].items() if k not in skip}

    assert len(by_demand) == 3
    for ranked in by_demand.values():
        assert [i["rank"] for i in ranked] == list(range(1, 9))
        assert len({i["score"] for i in ranked}) == 1
        assert all(rules(i) == rules(ranked[0]) for i in ranked[1:]), [
            [c["contribution"] for c in i["explanation"]["components"]] for i in ranked
        ]
        assert all(i["explanation"]["best_phrases"] for i in ranked[:3])


def test_a_second_run_while_one_is_active_conflicts_and_a_queued_run_cancels(live: Any) -> None:
    w = seed(live)
    headers = token_headers(live.client, w.users["admin"])
    with live.session() as s:
        s.add(MatchRun(status="queued"))
        s.commit()
        queued_id = s.scalar(select(MatchRun.id).order_by(MatchRun.id.desc()))
    response = live.client.post("/api/v1/match-runs", headers=headers, json={})
    assert response.status_code == 409
    assert response.json()["code"] == "match_run_in_progress"
    response = live.client.post(f"/api/v1/match-runs/{queued_id}/cancel", headers=headers)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert (
        live.client.post(f"/api/v1/match-runs/{queued_id}/cancel", headers=headers).status_code
        == 409
    )


def test_bad_run_parameters_get_field_errors(live: Any) -> None:
    w = seed(live)
    headers = token_headers(live.client, w.users["admin"])
    response = live.client.post("/api/v1/match-runs", headers=headers, json={"k": 0, "x": 1})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"k", "x"} <= fields


def test_a_restarted_process_resumes_an_unfinished_run(live_factory: Any) -> None:
    first = live_factory()
    w = seed(first)
    with first.session() as s:
        run = MatchRun(status="running", progress=40, stage="candidates", params={})
        s.add(run)
        s.commit()
        run_id = run.id
    # the process that was running it is gone; a new one starts on the same database
    second = live_factory().start()
    headers = token_headers(second.client, w.users["reviewer"])
    done = wait_run(second, run_id, headers)
    assert done["status"] == "succeeded"
    assert suggestions(second, run_id, headers)


def test_cancel_requested_while_running_ends_cancelled_without_suggestions(live: Any) -> None:
    w = seed(live)
    with live.session() as s:
        run = MatchRun(status="queued", params={}, cancel_requested=True)
        s.add(run)
        s.commit()
        run_id = run.id
    context_of(live.app).jobs.submit(run_id)
    headers = token_headers(live.client, w.users["reviewer"])
    done = wait_run(live, run_id, headers)
    assert done["status"] == "cancelled"
    assert suggestions(live, run_id, headers) == []


def test_pages_show_progress_history_ranked_lists_and_weights(live: Any) -> None:
    w = seed(live)
    page_login(live.client, w.users["admin"])
    page = live.client.get("/match-runs")
    assert page.status_code == 200
    assert "开始匹配" in page.text
    response = live.client.post(
        "/match-runs", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    run_url = response.headers["location"]
    run_id = int(run_url.rsplit("/", 1)[1])
    headers = token_headers(live.client, w.users["admin"])
    wait_run(live, run_id, headers)
    run_page = live.client.get(run_url)
    assert run_page.status_code == 200
    assert "数据分析师" in run_page.text
    # totals are rounded for people, never shown to four decimals
    shown = BeautifulSoup(run_page.text, "html.parser").select(".cards .stat")
    assert all(re.fullmatch(r"\d+(\.\d)?", s.get_text(strip=True)) for s in shown), shown
    with live.session() as s:
        first = s.scalar(
            select(Suggestion).where(Suggestion.match_run_id == run_id).order_by(Suggestion.id)
        )
        assert first is not None
    demand_page = live.client.get(f"/match-runs/{run_id}/demands/{first.demand_id}")
    assert demand_page.status_code == 200
    assert "为什么推荐" in demand_page.text
    talent_page = live.client.get(f"/match-runs/{run_id}/talents/{first.talent_id}?lang=en")
    assert talent_page.status_code == 200
    assert "Demands that fit" in talent_page.text
    weights = live.client.get("/matching/weights?lang=zh")
    assert weights.status_code == 200
    bad = live.client.post(
        "/matching/weights",
        data={"csrf_token": csrf_from(weights.text), "meaning": "-1", "salary": "abc"},
    )
    assert bad.status_code == 422
    assert "请输入 0 到 100 之间的数字" in bad.text
    names = ("meaning", "required_skills", "preferred_skills", "education", "major",
             "experience", "location", "salary", "languages", "overseas")  # fmt: skip
    form = dict.fromkeys(names, "1") | {"meaning": "5"}
    ok = live.client.post(
        "/matching/weights",
        data={"csrf_token": csrf_from(weights.text), **form},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert live.client.get("/api/v1/matching/weights", headers=headers).json()["meaning"] == 5.0


def test_occupation_suggestions_api(live: Any) -> None:
    w = seed(live)
    headers = token_headers(live.client, w.users["chamber"])
    response = live.client.get("/api/v1/occupations/suggest", params={"q": "护士"}, headers=headers)
    assert response.status_code == 200
    hits = response.json()
    assert 1 <= len(hits) <= 5
    assert "护" in hits[0]["name"]
    assert live.client.get("/api/v1/occupations/suggest", headers=headers).status_code == 422


def test_weights_api_rejects_unknown_components(live: Any) -> None:
    w = seed(live)
    headers = token_headers(live.client, w.users["admin"])
    response = live.client.put("/api/v1/matching/weights", headers=headers, json={"nope": 1})
    assert response.status_code == 422
    reviewer = token_headers(live.client, w.users["reviewer"])
    assert (
        live.client.put(
            "/api/v1/matching/weights", headers=reviewer, json={"meaning": 1}
        ).status_code
        == 403
    )
    with live.session() as s:
        s.execute(update(MatchRun).values(status="failed"))
        s.commit()


def test_procrastinate_queue_runs_jobs_in_a_worker_on_postgresql(
    live_factory: Any, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("the procrastinate job queue needs PostgreSQL")
    from app.matchruns.jobs import ProcrastinateRunner, apply_procrastinate_schema

    live = live_factory(job_queue="procrastinate").start()
    assert isinstance(context_of(live.app).jobs, ProcrastinateRunner)
    assert apply_procrastinate_schema(live.engine, live.settings, live.session_factory) is True
    assert apply_procrastinate_schema(live.engine, live.settings, live.session_factory) is False
    w = seed(live)
    headers = token_headers(live.client, w.users["reviewer"])
    run = start_run(live, headers)
    # nothing executes in the web process: the run waits for a worker
    time.sleep(0.5)
    assert (
        live.client.get(f"/api/v1/match-runs/{run['id']}", headers=headers).json()["status"]
        == "queued"
    )
    # a worker process (here: in this thread) takes the job from PostgreSQL and runs it
    ProcrastinateRunner(live.settings, live.session_factory).run_worker(wait=False)
    done = wait_run(live, run["id"], headers)
    assert done["status"] == "succeeded"
    assert suggestions(live, run["id"], headers)
