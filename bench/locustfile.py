"""Locust users for `bench/bench_load.py`: demo accounts browsing, searching and writing.

Every simulated user logs in as one of the demo accounts (password ``talent-demo``) twice, on
the login page (session cookie, for the HTML list pages) and on the token endpoint (bearer
token, for the API), then loops over weighted tasks with a short think time:

- ``browse``: list pages (``/talents``, ``/demands``, ``/enterprises``) and API lists with
  filters;
- ``search``: ``/api/v1/search/talents`` and ``/demands`` with Chinese (and a few English)
  queries, filters and the default hybrid ranking;
- ``write``: ``PATCH`` one of the account's own talents or demands, ``POST`` a new talent.

Request names start with their group (``browse:``, ``search:``, ``write:``; ``setup:`` for the
logins, which are not reported). Each request's latency is also kept per group, and when the
run stops the per-group figures are written as JSON to ``LOAD_STATS_OUT``.

Environment: ``LOAD_WAIT_MIN``/``LOAD_WAIT_MAX`` (think time in seconds, default 0.05-0.25),
``LOAD_STATS_OUT`` (path of the JSON summary).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from typing import Any

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = "talent-demo"
OFFICE = ("office", "reviewer")
CHAMBER = ("chamber", "youth", "enterprise")
AGENCY = ("kejiju", "renshe", "qiaolian", "kexie", "qiaoban", "waiban")
USERNAMES = ("office", "reviewer", "chamber", "youth", "enterprise", *AGENCY)
_next_user = itertools.cycle(USERNAMES)
_lock = threading.Lock()

QUERIES = (
    "数据",
    "软件工程师",
    "人工智能",
    "机械设计",
    "会计",
    "销售经理",
    "新能源",
    "研发",
    "生物医药",
    "教师",
    "外贸",
    "电子商务",
    "嵌入式",
    "项目合作",
    "python",
    "java 工程师",
    "材料",
    "化工",
)
EDUCATIONS = ("bachelor", "master", "doctor")
CITIES = ("临江", "上海", "杭州", "北京", "深圳")
DEMAND_KINDS = ("job", "project", "leading_talent")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

# group -> list of (start time, latency ms, ok)
SAMPLES: dict[str, list[tuple[float, float, bool]]] = {}
ERRORS: dict[str, int] = {}
MEASURE_FROM: list[float] = []  # set when every user has been started


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_: Any) -> None:
    MEASURE_FROM.append(time.time())


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    exception: BaseException | None,
    start_time: float | None = None,
    **_: Any,
) -> None:
    group = name.split(":", 1)[0]
    start = start_time or time.time()
    if group == "setup" or not MEASURE_FROM or start < MEASURE_FROM[0] + 2.0:
        return  # logins, and the first seconds while the 50 users log in, are not measured
    SAMPLES.setdefault(group, []).append((start, response_time, exception is None))
    if exception is not None:
        key = f"{name}: {str(exception)[:120]}"
        ERRORS[key] = ERRORS.get(key, 0) + 1


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def summarize(samples: dict[str, list[tuple[float, float, bool]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    groups = dict(samples)
    groups["search+browse"] = samples.get("search", []) + samples.get("browse", [])
    for group, rows in groups.items():
        if not rows:
            continue
        starts = [r[0] for r in rows]
        span = max(starts) - min(starts) or 1.0
        lat = sorted(r[1] for r in rows)
        out[group] = {
            "requests": len(rows),
            "errors": sum(1 for r in rows if not r[2]),
            "rps": round(len(rows) / span, 1),
            "p50_ms": round(_percentile(lat, 50), 1),
            "p95_ms": round(_percentile(lat, 95), 1),
            "p99_ms": round(_percentile(lat, 99), 1),
            "max_ms": round(lat[-1], 1),
            "mean_ms": round(sum(lat) / len(lat), 1),
        }
    return out


@events.quitting.add_listener
def _write_summary(environment: Any, **_: Any) -> None:
    path = os.environ.get("LOAD_STATS_OUT")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({"groups": summarize(SAMPLES), "errors": ERRORS}, fh, ensure_ascii=False)


_CREDENTIALS: dict[str, dict[str, str]] | None = None


def _credentials() -> dict[str, dict[str, str]]:
    """``LOAD_CREDENTIALS``: a JSON file {username: {"token", "cookie"}} (optional)."""
    global _CREDENTIALS
    if _CREDENTIALS is None:
        path = os.environ.get("LOAD_CREDENTIALS")
        _CREDENTIALS = {}
        if path:
            with open(path, encoding="utf-8") as fh:
                _CREDENTIALS = json.load(fh)
    return _CREDENTIALS


class DemoUser(FastHttpUser):
    wait_time = between(
        float(os.environ.get("LOAD_WAIT_MIN", "0.05")),
        float(os.environ.get("LOAD_WAIT_MAX", "0.25")),
    )
    network_timeout = 30.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        with _lock:
            self.username = next(_next_user)
        self.rng = random.Random()
        creds = _credentials().get(self.username)
        if creds is not None:  # logged in once per account by bench_load.py
            self.auth = {"Authorization": f"Bearer {creds['token']}"}
            self.page_headers: dict[str, str] | None = {"Cookie": creds["cookie"]}
        else:
            self._log_in()
        self.talent_ids: list[int] = []
        self.demand_ids: list[int] = []
        if self.username in AGENCY or self.username == "office":
            r = self.client.get(
                "/api/v1/talents?limit=100", headers=self.auth, name="setup: own talents"
            )
            self.talent_ids = [t["id"] for t in r.json()["items"]]
        if self.username in CHAMBER or self.username == "office":
            r = self.client.get(
                "/api/v1/demands?limit=100", headers=self.auth, name="setup: own demands"
            )
            self.demand_ids = [d["id"] for d in r.json()["items"]]

    def _log_in(self) -> None:
        """Log in on the page (session cookie) and on the token endpoint (bearer token)."""
        page = self.client.get("/login", name="setup: login page")
        match = CSRF_RE.search(page.text or "")
        self.client.post(
            "/login",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrf_token": match.group(1) if match else "",
                "next": "/",
            },
            name="setup: login",
        )
        self.page_headers = None  # the client's cookie jar keeps the session
        resp = self.client.post(
            "/api/v1/auth/token",
            data={"username": self.username, "password": PASSWORD},
            name="setup: token",
        )
        self.auth = {"Authorization": f"Bearer {resp.json()['access_token']}"}

    # -- browse
    @task(5)
    def browse(self) -> None:
        u, r = self.username, self.rng
        if u in AGENCY:
            choices = [
                ("/talents", "browse: page /talents"),
                (f"/talents?education={r.choice(EDUCATIONS)}", "browse: page /talents?filter"),
                ("/demands", "browse: page /demands"),
                (
                    f"/api/v1/talents?limit=20&offset={r.randrange(0, 60, 20)}",
                    "browse: api talents",
                ),
                (f"/api/v1/demands?limit=20&kind={r.choice(DEMAND_KINDS)}", "browse: api demands"),
            ]
        elif u in CHAMBER:
            choices = [
                ("/demands", "browse: page /demands"),
                ("/enterprises", "browse: page /enterprises"),
                ("/api/v1/demands?limit=20&status=open", "browse: api demands"),
                ("/api/v1/enterprises?limit=20", "browse: api enterprises"),
            ]
        else:
            choices = [
                ("/talents", "browse: page /talents"),
                (f"/demands?kind={r.choice(DEMAND_KINDS)}", "browse: page /demands"),
                ("/enterprises", "browse: page /enterprises"),
                (
                    f"/api/v1/talents?limit=20&offset={r.randrange(0, 700, 20)}",
                    "browse: api talents",
                ),
                (
                    f"/api/v1/demands?limit=20&min_education={r.choice(EDUCATIONS)}",
                    "browse: api demands",
                ),
            ]
        path, name = r.choice(choices)
        headers = self.auth if "/api/" in path else self.page_headers
        self.client.get(path, headers=headers, name=name)

    # -- search
    @task(4)
    def search(self) -> None:
        r = self.rng
        q = r.choice(QUERIES)
        can_talents = self.username not in CHAMBER
        if can_talents and r.random() < 0.6:
            params: dict[str, Any] = {"q": q, "limit": 20}
            pick = r.randrange(4)
            if pick == 0:
                params["education"] = r.choice(EDUCATIONS)
            elif pick == 1:
                params["min_years"] = r.choice((2, 3, 5))
            elif pick == 2:
                params["location"] = r.choice(CITIES)
            self.client.get(
                "/api/v1/search/talents", params=params, headers=self.auth, name="search: talents"
            )
        else:
            params = {"q": q, "limit": 20}
            pick = r.randrange(3)
            if pick == 0:
                params["kind"] = r.choice(DEMAND_KINDS)
            elif pick == 1:
                params["min_education"] = r.choice(EDUCATIONS)
            self.client.get(
                "/api/v1/search/demands", params=params, headers=self.auth, name="search: demands"
            )

    # -- write
    @task(1)
    def write(self) -> None:
        r = self.rng
        if self.talent_ids and (not self.demand_ids or r.random() < 0.5):
            if self.username in AGENCY and r.random() < 0.3:
                n = r.randrange(10**6)
                with self.client.post(
                    "/api/v1/talents",
                    json={
                        "name": f"压测{n:06d}",
                        "education": r.choice(EDUCATIONS),
                        "major": "计算机科学与技术",
                        "position": "软件工程师",
                        "years_experience": r.randrange(0, 20),
                        "skills": ["Python", "数据分析"],
                        "summary": "负载测试写入的人才档案",
                        "consent_date": "2026-01-01",
                    },
                    headers=self.auth,
                    name="write: POST talent",
                    catch_response=True,
                ) as resp:
                    if resp.status_code == 201:
                        self.talent_ids.append(resp.json()["id"])
                        resp.success()
                    else:
                        resp.failure(f"status {resp.status_code}: {resp.text[:200]}")
                return
            tid = r.choice(self.talent_ids)
            self.client.patch(
                f"/api/v1/talents/{tid}",
                json={
                    "years_experience": r.randrange(0, 30),
                    "summary": f"更新于负载测试 {r.randrange(10**6)}",
                },
                headers=self.auth,
                name="write: PATCH talent",
            )
        elif self.demand_ids:
            did = r.choice(self.demand_ids)
            self.client.patch(
                f"/api/v1/demands/{did}",
                json={
                    "headcount": r.randrange(1, 6),
                    "description": f"负载测试 {r.randrange(10**6)}",
                },
                headers=self.auth,
                name="write: PATCH demand",
            )
        else:  # the reviewer is read-only: it searches instead
            self.search()
