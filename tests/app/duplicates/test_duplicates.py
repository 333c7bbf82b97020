"""Cross-agency duplicates: keys, candidates on create / import / batch, merge and undo."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.duplicates.detect import find_candidates, group_pairs
from app.duplicates.keys import Profile, name_key, phone_key, pinyin_key
from app.models.enums import OrgKind
from tests.app.helpers import page_login, token_headers
from tests.factories import World, make_talent, make_world


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def h(client: TestClient, w: World, role: str) -> dict[str, str]:
    if role not in w.headers:
        w.headers[role] = token_headers(client, w.users[role])
    return w.headers[role]


def test_name_keys_meet_across_scripts_and_orders() -> None:
    assert name_key("張偉") == name_key("张伟") == name_key(" 张 伟")
    assert pinyin_key("张伟") == pinyin_key("Zhang Wei") == pinyin_key("WEI zhang") == "wei zhang"
    assert phone_key("+86 138 0013 8000") == phone_key("138-0013-8000") == "13800138000"


def test_candidates_have_confidence_and_reasons() -> None:
    profiles = [
        Profile(1, 10, "张伟", 1990, "浙江大学", None, "13800138000", None, "h1"),
        Profile(2, 20, "張偉", 1990, "浙江大学", None, "+86 13800138000", None, "h1"),
        Profile(3, 20, "Zhang Wei", 1990, "浙江大学", None, None, None, None),
        Profile(4, 10, "张伟", 1991, "浙江大学", None, None, None, None),  # other birth year
        Profile(5, 10, "李娜", 1990, "浙江大学", None, None, None, None),
    ]
    found = {(c.a, c.b): c for c in find_candidates(profiles)}
    assert set(found) == {(1, 2), (1, 3)}
    assert set(found[(1, 2)].reasons) == {"id_number", "phone", "name_birth_year_school"}
    assert found[(1, 2)].confidence > 0.99
    assert found[(1, 3)].reasons == ("pinyin_birth_year_school",)
    assert 0.5 < found[(1, 3)].confidence < found[(1, 2)].confidence
    assert group_pairs([(1, 2), (1, 3), (7, 8)]) == [[1, 2, 3], [7, 8]]


def test_create_checks_for_duplicates_and_office_merges_and_undoes(
    client: TestClient, world: World, db: Session
) -> None:
    kejiju_talent = world.talents["kejiju"]
    payload = {
        "name": "李明", "birth_year": kejiju_talent.birth_year, "school": kejiju_talent.school,
        "phone": kejiju_talent.phone, "email": "other@example.com", "consent_date": "2026-01-01",
        "summary": "人社局版本的简介",
    }  # fmt: skip
    renshe_h = h(client, world, "renshe")
    created = client.post("/api/v1/talents", headers=renshe_h, json=payload)
    assert created.status_code == 201, created.text
    new_id = created.json()["id"]

    admin = h(client, world, "admin")
    groups = client.get("/api/v1/duplicates/groups", headers=admin).json()
    group = next(g for g in groups if {m["id"] for m in g["members"]} == {kejiju_talent.id, new_id})
    assert "phone" in group["pairs"][0]["reasons"]
    assert client.get("/api/v1/duplicates/groups", headers=renshe_h).status_code == 403

    merged = client.post(
        "/api/v1/duplicates/merges",
        headers=admin,
        json={"talent_ids": [kejiju_talent.id, new_id], "primary_talent_id": kejiju_talent.id},
    )
    assert merged.status_code == 201, merged.text
    body = merged.json()
    assert body["is_active"]
    assert body["talent_ids"] == sorted([kejiju_talent.id, new_id])
    profile = {f["field"]: f for f in body["profile"]}
    assert profile["summary"]["source_talent_id"] == kejiju_talent.id
    assert profile["email"]["source_organization"] == "科技局"
    assert len(body["organization_ids"]) == 2  # both agencies keep the credit
    assert client.get("/api/v1/duplicates/groups", headers=admin).json() == [
        g for g in groups if {m["id"] for m in g["members"]} != {kejiju_talent.id, new_id}
    ]

    # The agency learns of the merge and who shares the credit, nothing of the other version.
    status = client.get(f"/api/v1/duplicates/talents/{new_id}", headers=renshe_h).json()
    assert status["is_merged"]
    assert set(status["credited_organizations"]) == {"科技局", "人社局"}
    assert "other@example.com" not in str(status)
    assert kejiju_talent.phone not in str(status)
    assert (
        client.get(f"/api/v1/duplicates/merges/{body['id']}", headers=renshe_h).status_code == 403
    )
    assert (
        client.get(f"/api/v1/duplicates/talents/{kejiju_talent.id}", headers=renshe_h).status_code
        == 404
    )
    again = client.post(
        "/api/v1/duplicates/merges",
        headers=admin,
        json={"talent_ids": [kejiju_talent.id, new_id], "primary_talent_id": new_id},
    )
    assert again.status_code == 409

    undone = client.post(f"/api/v1/duplicates/merges/{body['id']}/undo", headers=admin).json()
    assert undone["is_active"] is False
    assert undone["undone_at"]
    assert not client.get(f"/api/v1/duplicates/talents/{new_id}", headers=renshe_h).json()[
        "is_merged"
    ]
    assert (
        client.post(f"/api/v1/duplicates/merges/{body['id']}/undo", headers=admin).status_code
        == 409
    )


def test_batch_scan_finds_fuzzy_names_across_agencies(
    client: TestClient, world: World, db: Session
) -> None:
    make_talent(db, world.orgs[OrgKind.overseas_federation], name="張偉", birth_year=1980,
                employer="临江大学", school=None, phone=None, email=None)  # fmt: skip
    make_talent(db, world.orgs[OrgKind.science_bureau], name="Zhang Wei", birth_year=1980,
                employer="临江大学", school=None, phone=None, email=None)  # fmt: skip
    admin = h(client, world, "admin")
    assert (
        client.post("/api/v1/duplicates/scan", headers=h(client, world, "kejiju")).status_code
        == 403
    )
    assert client.post("/api/v1/duplicates/scan", headers=admin).json()["new_pairs"] >= 1
    groups = client.get("/api/v1/duplicates/groups?lang=en", headers=admin).json()
    names = [{m["name"] for m in g["members"]} for g in groups]
    assert {"張偉", "Zhang Wei"} in names
    pair = next(g for g in groups if {m["name"] for m in g["members"]} == {"張偉", "Zhang Wei"})
    assert pair["pairs"][0]["reason_text"] == ["same name in pinyin, birth year and employer"]


def test_import_preview_reports_other_agencies_duplicates_by_agency_only(
    client: TestClient, world: World
) -> None:
    from tests.app.imports.test_imports import TALENT_HEADER, talent_rows, upload, xlsx

    rows = talent_rows(2)
    rows[0][7] = world.talents["renshe"].phone
    rows[1][7] = rows[0][7]
    body = upload(
        client, h(client, world, "kejiju"), "talents", xlsx([TALENT_HEADER, *rows])
    ).json()
    scopes = {(d["row"], d["scope"]) for d in body["duplicates"]}
    assert scopes == {(2, "other_agency"), (3, "other_agency"), (3, "file")}
    other = next(d for d in body["duplicates"] if d["scope"] == "other_agency")
    assert other["organization"] == "人社局"
    assert "人社局" in other["message"]
    assert other["talent_id"] is None


def test_office_pages_show_groups_merge_and_undo(
    client: TestClient, world: World, db: Session
) -> None:
    from bs4 import BeautifulSoup

    from tests.app.helpers import csrf_from

    make_talent(
        db, world.orgs[OrgKind.hrss_bureau], name="李明", phone=world.talents["kejiju"].phone
    )
    client.post("/api/v1/duplicates/scan", headers=h(client, world, "admin"))
    page_login(client, world.users["admin"])
    page = client.get("/duplicates")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert "手机号相同" in soup.get_text()
    ids = [i["value"] for i in soup.select("section.dup-group")[0].select("input[name=talent_ids]")]
    r = client.post(
        "/duplicates/merge",
        data={"csrf_token": csrf_from(page.text), "talent_ids": ids, "primary_talent_id": ids[0]},
        follow_redirects=False,
    )
    assert r.status_code == 303
    merge_page = client.get(r.headers["location"])
    text = BeautifulSoup(merge_page.text, "html.parser").get_text()
    assert "科技局" in text
    assert "人社局" in text
    assert "撤销合并" in text
    r = client.post(
        r.headers["location"] + "/undo", data={"csrf_token": csrf_from(merge_page.text)},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    assert "已撤销" in client.get(r.headers["location"]).text
