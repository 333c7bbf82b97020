"""Search through the service: scoping in hits, totals and facets; the outbox keeps the index
equal to the database, also across a Meilisearch outage."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from sqlalchemy import select

from app.context import context_of
from app.models import Demand, Talent
from app.models.enums import OrgKind
from tests.app.helpers import page_login, token_headers
from tests.factories import make_talent, make_world
from tests.search.meili_server import BINARY, MeiliServer

PROFILES = [
    ("kejiju", "王数据", "大数据工程师", ["Python", "Spark"], "负责数据平台和数据仓库"),
    ("kejiju", "赵前端", "JavaScript前端开发", ["JavaScript", "React"], "Web 前端开发"),
    ("renshe", "钱后端", "Java后端开发", ["Java", "Spring"], "微服务后端开发"),
    ("renshe", "孙算法", "机器学习工程师", ["PyTorch", "NLP"], "人工智能算法研究"),
    (
        "qiaolian",
        "Anna Schmidt",
        "Battery researcher",
        ["lithium", "materials"],
        "Returned from Germany",
    ),
]


def seed(live: Any) -> Any:
    with live.session() as s:
        w = make_world(s)
        orgs = {
            "kejiju": w.orgs[OrgKind.science_bureau],
            "renshe": w.orgs[OrgKind.hrss_bureau],
            "qiaolian": w.orgs[OrgKind.overseas_federation],
        }
        for org, name, position, skills, summary in PROFILES:
            make_talent(s, orgs[org], name=name, position=position, skills=skills, summary=summary)
        s.commit()
    live.settle()
    return w


_HEADERS: dict[tuple[str, str], dict[str, str]] = {}


def search(live: Any, user: Any, index: str, **params: Any) -> Any:
    key = (live.settings.database_url, user.username)
    if key not in _HEADERS:  # one login per user and service: argon2 is slow on purpose
        _HEADERS[key] = token_headers(live.client, user)
    return live.client.get(f"/api/v1/search/{index}", params=params, headers=_HEADERS[key])


def names(response: Any) -> set[str]:
    assert response.status_code == 200, response.text
    return {h["fields"].get("name") or h["fields"].get("title") for h in response.json()["items"]}


def test_agency_finds_its_own_talents_by_chinese_fragments_and_english_words(live: Any) -> None:
    w = seed(live)
    kejiju, renshe, admin = w.users["kejiju"], w.users["renshe"], w.users["admin"]
    assert "王数据" in names(search(live, kejiju, "talents", q="数据", semantic_ratio=0))
    # `java` is a word: it does not match JavaScript, and renshe's Java talent is not kejiju's
    assert names(search(live, kejiju, "talents", q="java", semantic_ratio=0)) == set()
    assert names(search(live, renshe, "talents", q="java", semantic_ratio=0)) == {"钱后端"}
    assert "钱后端" in names(search(live, admin, "talents", q="后端", semantic_ratio=0))
    assert "孙算法" in names(search(live, admin, "talents", q="人工智能", semantic_ratio=0))


def test_scope_holds_in_hits_totals_and_facets(live: Any) -> None:
    w = seed(live)
    kejiju = w.users["kejiju"]
    body = search(live, kejiju, "talents", q="", semantic_ratio=0).json()
    own = {str(w.users["kejiju"].organization_id)}
    with live.session() as s:
        expected = s.scalar(
            select(Talent.id).where(Talent.organization_id != kejiju.organization_id).limit(1)
        )
        n_own = len(
            s.scalars(
                select(Talent.id).where(Talent.organization_id == kejiju.organization_id)
            ).all()
        )
    assert expected is not None
    assert body["total"] == n_own
    assert set(body["facets"]["organization_id"]) == own
    assert sum(body["facets"]["organization_id"].values()) == n_own
    # asking for another agency's talents gives nothing, not their data
    other = search(
        live, kejiju, "talents", organization_id=w.users["renshe"].organization_id
    ).json()
    assert other["total"] == n_own
    assert all(h["fields"]["organization_id"] == kejiju.organization_id for h in other["items"])
    # contact fields are never in the index
    admin_body = search(live, w.users["admin"], "talents", q="").json()
    assert admin_body["total"] >= len(PROFILES)
    assert all(
        "phone" not in h["fields"] and "email" not in h["fields"] for h in admin_body["items"]
    )
    # the demand side may not search talents
    for user in ("chamber", "enterprise"):
        assert search(live, w.users[user], "talents", q="数据").status_code == 403


def test_demand_search_scope(live: Any) -> None:
    w = seed(live)
    with live.session() as s:
        all_demands = s.scalars(select(Demand)).all()
        drafts = {d.title for d in all_demands if d.status == "draft"}
    agency = names(search(live, w.users["kejiju"], "demands", q=""))
    assert agency
    assert not (agency & drafts)
    youth = names(search(live, w.users["youth"], "demands", q=""))
    assert youth == {w.demands["youth"].title, w.demands["youth_draft"].title}
    enterprise = names(search(live, w.users["enterprise"], "demands", q=""))
    assert enterprise == {w.demands["general"].title}


def test_writes_reach_the_index_and_deletes_leave_it(live: Any) -> None:
    w = seed(live)
    headers = token_headers(live.client, w.users["kejiju"])
    talent_id = w.talents["kejiju"].id
    response = live.client.patch(
        f"/api/v1/talents/{talent_id}", headers=headers, json={"position": "集成电路设计工程师"}
    )
    assert response.status_code == 200, response.text
    live.settle()
    hits = search(live, w.users["kejiju"], "talents", q="集成电路", semantic_ratio=0).json()[
        "items"
    ]
    assert [h["id"] for h in hits] == [talent_id]
    assert "<mark>" in hits[0]["snippet"] or hits[0]["fields"]["position"] == "集成电路设计工程师"
    assert live.client.delete(f"/api/v1/talents/{talent_id}", headers=headers).status_code == 204
    live.settle()
    assert (
        search(live, w.users["kejiju"], "talents", q="集成电路", semantic_ratio=0).json()["total"]
        == 0
    )


def test_bad_search_input_is_a_field_error_not_a_crash(live: Any) -> None:
    w = seed(live)
    for params in (
        {"semantic_ratio": 2},
        {"limit": 0},
        {"sort": "name:asc"},
        {"education": "phd"},
        {"q": "x" * 1001},
    ):
        response = search(live, w.users["admin"], "talents", **params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["ok"] is False
    for q in ['"', "*", "AND", "NEAR(", "'", "a OR", "---", "后端 AND (java"]:
        assert search(live, w.users["admin"], "talents", q=q).status_code == 200, q


def test_search_pages_render_facets_highlights_and_keep_filters(live: Any) -> None:
    w = seed(live)
    page_login(live.client, w.users["admin"])
    page = live.client.get("/search/talents", params={"q": "数据", "semantic_ratio": "0"})
    assert page.status_code == 200
    assert "<mark>" in page.text
    assert "王数据" in page.text
    assert "提交机构" in page.text  # the organisation facet, for the office
    assert 'name="semantic_ratio"' in page.text
    en = live.client.get("/search/demands", params={"q": "", "lang": "en"})
    assert en.status_code == 200
    assert "Search demands" in en.text
    # html in the query is shown inert
    evil = live.client.get(
        "/search/talents", params={"q": "<script>alert(1)</script>", "lang": "zh"}
    )
    assert evil.status_code == 200
    assert "<script>alert(1)</script>" not in evil.text
    page_login(live.client, w.users["chamber"])
    assert live.client.get("/search/talents").status_code == 403


@pytest.fixture
def meili(tmp_path: Any) -> Any:
    if not os.access(BINARY, os.X_OK):
        if os.environ.get("REQUIRE_MEILI") == "1":
            pytest.fail("REQUIRE_MEILI=1 but no Meilisearch binary")
        pytest.skip("no Meilisearch binary: run scripts/meili_install.sh")
    server = MeiliServer(BINARY, tmp_path / "meili")
    server.start()
    yield server
    server.stop()


def test_meilisearch_outage_writes_succeed_search_degrades_and_index_catches_up(
    live_factory: Any, meili: Any
) -> None:
    live = live_factory(meili_url=meili.url, meili_api_key=meili.api_key).start()
    w = seed(live)
    headers = token_headers(live.client, w.users["kejiju"])
    assert live.client.get("/healthz").json()["search"] == "ok"
    assert "王数据" in names(search(live, w.users["kejiju"], "talents", q="数据", semantic_ratio=0))
    meili.kill()
    created = []
    for i in range(5):
        response = live.client.post(
            "/api/v1/talents",
            headers=headers,
            json={
                "name": f"断线{i}",
                "position": "新能源工程师",
                "skills": ["光伏"],
                "consent_date": "2026-11-01",
                "consent_scope": "同意用于岗位匹配",
            },
        )
        assert response.status_code == 201, response.text
        created.append(response.json()["id"])
    deadline = time.monotonic() + 20
    while live.client.get("/healthz").json()["search"] != "degraded":
        assert time.monotonic() < deadline, "health never reported degraded"
        time.sleep(0.2)
    down = search(live, w.users["kejiju"], "talents", q="新能源")
    assert down.status_code == 503
    assert down.json()["code"] == "search_unavailable"
    meili.start()
    context_of(live.app).indexer.wake()
    live.settle(timeout=60)
    with live.session() as s:
        db_ids = set(s.scalars(select(Talent.id)))
    admin = search(live, w.users["admin"], "talents", q="", limit=100).json()
    assert {h["id"] for h in admin["items"]} == db_ids
    assert admin["total"] == len(db_ids)
    found = search(live, w.users["kejiju"], "talents", q="新能源", semantic_ratio=0).json()
    assert {h["id"] for h in found["items"]} >= set(created)
    deadline = time.monotonic() + 20
    while live.client.get("/healthz").json()["search"] != "ok":
        assert time.monotonic() < deadline, "health never recovered"
        time.sleep(0.2)


def test_search_results_export_to_xlsx_and_csv_in_scope(live: Any) -> None:
    import io

    from openpyxl import load_workbook

    w = seed(live)
    headers = token_headers(live.client, w.users["renshe"])
    response = live.client.get(
        "/api/v1/search/talents/export",
        params={"q": "开发", "semantic_ratio": 0, "format": "csv", "lang": "en"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    text = response.content.decode("utf-8-sig")
    assert "钱后端" in text
    assert "赵前端" not in text  # kejiju's talent: outside renshe's scope
    response = live.client.get("/api/v1/search/demands/export", params={"q": ""}, headers=headers)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    titles = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert w.demands["general"].title in titles
    assert w.demands["youth_draft"].title not in titles  # agencies never see drafts
    chamber = token_headers(live.client, w.users["chamber"])
    assert live.client.get("/api/v1/search/talents/export", headers=chamber).status_code == 403
