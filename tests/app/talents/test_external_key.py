"""A talent's 本单位编号 (external_key) is unique in its agency: every way in answers a field
error on `external_key` when it is taken (API create and PATCH, the page form, an import's
preview and commit), never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Talent
from tests.app.helpers import csrf_from, page_login, run_import_jobs, token_headers
from tests.app.imports.test_imports import TALENT_HEADER, upload, xlsx
from tests.factories import World, make_talent, make_world


@pytest.fixture
def world(db: Session) -> World:
    w = make_world(db)
    w.talents["kejiju"].external_key = "KJ-001"
    w.talents["kejiju2"] = make_talent(db, w.talents["kejiju"].organization, name="赵磊")
    w.talents["kejiju2"].external_key = "KJ-002"
    db.flush()
    return w


def field_errors(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in body["errors"]}


def test_create_with_a_key_taken_in_the_agency_is_a_field_error(
    client: TestClient, world: World
) -> None:
    h = token_headers(client, world.users["kejiju"])
    talent = {"name": "王芳", "consent_date": "2026-03-01", "external_key": "KJ-001"}
    r = client.post("/api/v1/talents?lang=en", headers=h, json=talent)
    assert r.status_code == 422, r.text
    assert field_errors(r.json()) == {("external_key", "external_key_taken")}
    assert "already has this ID" in r.json()["errors"][0]["message"]
    # another agency's numbering is its own
    other = token_headers(client, world.users["renshe"])
    assert client.post("/api/v1/talents", headers=other, json=talent).status_code == 201


def test_patch_to_a_key_taken_in_the_agency_is_a_field_error(
    client: TestClient, world: World, db: Session
) -> None:
    h = token_headers(client, world.users["kejiju"])
    url = f"/api/v1/talents/{world.talents['kejiju2'].id}"
    r = client.patch(url, headers=h, json={"external_key": "KJ-001"})
    assert r.status_code == 422, r.text
    assert field_errors(r.json()) == {("external_key", "external_key_taken")}
    assert client.patch(url, headers=h, json={"external_key": "KJ-002"}).status_code == 200
    assert client.patch(url, headers=h, json={"external_key": "KJ-003"}).status_code == 200
    db.expire_all()
    assert db.get_one(Talent, world.talents["kejiju2"].id).external_key == "KJ-003"


def test_the_page_form_shows_the_taken_key_beside_its_field(
    client: TestClient, world: World
) -> None:
    page_login(client, world.users["kejiju"])
    form = client.get("/talents/new")
    r = client.post(
        "/talents/new",
        data={
            "csrf_token": csrf_from(form.text),
            "name": "王芳",
            "consent_date": "2026-03-01",
            "status": "active",
            "external_key": "KJ-001",
        },
        follow_redirects=False,
    )
    assert r.status_code == 422, r.text
    soup = BeautifulSoup(r.text, "html.parser")
    key = soup.find("input", attrs={"name": "external_key"})
    assert key is not None
    assert key.get("value") == "KJ-001"
    error = soup.find(id=f"{key.get('id')}-err")
    assert error is not None
    assert error.get_text() == "本单位编号已被本机构的另一位人才使用"


def test_the_import_preview_refuses_a_taken_key_and_the_commit_writes_no_such_row(
    client: TestClient, world: World, db: Session
) -> None:
    h = token_headers(client, world.users["kejiju"])
    own = world.talents["kejiju2"].id
    header = ["系统编号", *TALENT_HEADER]

    def row(system_id: int | str, key: str, name: str) -> list[Any]:
        return [system_id, key, name, "男", 1990, "硕士", "浙江大学", "临江数智", "", "",
                "2026-03-01", "Python"]  # fmt: skip

    rows = [
        row(own, "KJ-001", "赵磊"),  # 2: another talent of the agency has KJ-001
        row("", "KJ-100", "孙悦"),  # 3: a new talent
        row(world.talents["kejiju"].id, "KJ-100", "李明"),  # 4: row 3 takes KJ-100
        row("", "KJ-002", "赵磊"),  # 5: an update of its owner: fine
    ]
    body = upload(client, h, "talents", xlsx([header, *rows])).json()
    errors = {(e["row"], e["code"]) for e in body["errors"]}
    assert errors == {(2, "external_key_taken"), (4, "external_key_taken")}, body["errors"]
    assert body["rows_valid"] == 2
    r = client.post(f"/api/v1/imports/{body['id']}/commit", headers=h)
    assert r.status_code == 202, r.text
    assert run_import_jobs(client, db) == [body["id"]]
    keys = select(Talent.external_key, func.count()).group_by(Talent.external_key)
    assert dict(list(db.execute(keys.where(Talent.external_key.is_not(None))))) == {
        "KJ-001": 1,
        "KJ-002": 1,
        "KJ-100": 1,
    }
