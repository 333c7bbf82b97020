"""The scoping matrix: every role × resource × action, checked by status and by the data.

An object outside the caller's scope answers 404 (its existence is not revealed); an action the
role may never take answers 403; lists and totals hold only what the caller may see.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models.enums import OrgKind
from tests.app.helpers import token_headers
from tests.factories import World, credit_code, make_enterprise, make_world

ROLES = ["admin", "reviewer", "chamber", "youth", "enterprise", "kejiju", "renshe"]


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def call(client: TestClient, w: World, role: str, method: str, url: str, json: Any = None) -> Any:
    if role not in w.headers:
        w.headers[role] = token_headers(client, w.users[role])
    return client.request(method, url, headers=w.headers[role], json=json)


# --- lists: exactly the visible objects, and totals that agree ---------------------------------

VISIBLE_ENTERPRISES = {
    "admin": {"general", "general2", "youth"},
    "reviewer": {"general", "general2", "youth"},
    "chamber": {"general", "general2"},
    "youth": {"youth"},
    "enterprise": {"general"},
    "kejiju": {"general", "general2", "youth"},
    "renshe": {"general", "general2", "youth"},
}
VISIBLE_DEMANDS = {
    "admin": {"general", "general2", "youth", "youth_draft"},
    "reviewer": {"general", "general2", "youth", "youth_draft"},
    "chamber": {"general", "general2"},
    "youth": {"youth", "youth_draft"},
    "enterprise": {"general"},
    "kejiju": {"general", "general2", "youth"},
    "renshe": {"general", "general2", "youth"},
}
VISIBLE_TALENTS: dict[str, set[str] | None] = {
    "admin": {"kejiju", "renshe"},
    "reviewer": {"kejiju", "renshe"},
    "kejiju": {"kejiju"},
    "renshe": {"renshe"},
    "chamber": None,
    "youth": None,
    "enterprise": None,
}


@pytest.mark.parametrize("role", ROLES)
def test_enterprise_list_is_scoped(client: TestClient, world: World, role: str) -> None:
    body = call(client, world, role, "GET", "/api/v1/enterprises?limit=200").json()
    expected = {world.enterprises[k].id for k in VISIBLE_ENTERPRISES[role]}
    assert {e["id"] for e in body["items"]} == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize("role", ROLES)
def test_demand_list_is_scoped(client: TestClient, world: World, role: str) -> None:
    body = call(client, world, role, "GET", "/api/v1/demands?limit=200").json()
    expected = {world.demands[k].id for k in VISIBLE_DEMANDS[role]}
    assert {d["id"] for d in body["items"]} == expected
    assert body["total"] == len(expected)


@pytest.mark.parametrize("role", ROLES)
def test_talent_list_is_scoped(client: TestClient, world: World, role: str) -> None:
    response = call(client, world, role, "GET", "/api/v1/talents?limit=200")
    visible = VISIBLE_TALENTS[role]
    if visible is None:
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        return
    body = response.json()
    assert {t["id"] for t in body["items"]} == {world.talents[k].id for k in visible}
    assert body["total"] == len(visible)


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_organizations_only_admin_changes_them(
    client: TestClient, world: World, role: str
) -> None:
    org = world.orgs[OrgKind.science_bureau]
    listing = call(client, world, role, "GET", "/api/v1/organizations")
    assert listing.status_code == 200
    assert listing.json()["total"] == 9
    assert call(client, world, role, "GET", f"/api/v1/organizations/{org.id}").status_code == 200
    patch = call(
        client, world, role, "PATCH", f"/api/v1/organizations/{org.id}", {"name_en": "S&T Bureau"}
    )
    create = call(
        client,
        world,
        role,
        "POST",
        "/api/v1/organizations",
        {"name_zh": "人才办", "name_en": "x", "kind": "talent_office"},
    )
    delete = call(client, world, role, "DELETE", f"/api/v1/organizations/{org.id}")
    if role == "admin":
        assert patch.status_code == 200
        assert patch.json()["name_en"] == "S&T Bureau"
        assert create.status_code == 422  # permitted, but the kind exists already
        assert create.json()["errors"][0]["code"] == "org_kind_taken"
        assert delete.status_code == 409  # permitted, but users and talents belong to it
    else:
        assert (patch.status_code, create.status_code, delete.status_code) == (403, 403, 403)


# --- single objects: read, update, delete on own and other objects ------------------------------

# (role, enterprise key) -> expected status of GET / PATCH
ENTERPRISE_ACCESS = {
    ("admin", "youth"): (200, 200),
    ("reviewer", "youth"): (200, 403),
    ("chamber", "general"): (200, 200),
    ("chamber", "youth"): (404, 404),
    ("youth", "youth"): (200, 200),
    ("youth", "general"): (404, 404),
    ("enterprise", "general"): (200, 200),
    ("enterprise", "general2"): (404, 404),
    ("kejiju", "general"): (200, 403),
    ("renshe", "youth"): (200, 403),
}


@pytest.mark.parametrize(("role", "target"), list(ENTERPRISE_ACCESS))
def test_enterprise_read_and_update(
    client: TestClient, world: World, role: str, target: str
) -> None:
    e = world.enterprises[target]
    get = call(client, world, role, "GET", f"/api/v1/enterprises/{e.id}")
    patch = call(
        client, world, role, "PATCH", f"/api/v1/enterprises/{e.id}", {"district": "新城区"}
    )
    assert (get.status_code, patch.status_code) == ENTERPRISE_ACCESS[(role, target)]
    if get.status_code == 404:
        assert get.json()["code"] == "not_found"
    if patch.status_code == 200:
        assert patch.json()["district"] == "新城区"


def test_enterprise_contact_is_masked_for_agencies(client: TestClient, world: World) -> None:
    e = world.enterprises["general"]
    seen_by_agency = call(client, world, "kejiju", "GET", f"/api/v1/enterprises/{e.id}").json()
    seen_by_chamber = call(client, world, "chamber", "GET", f"/api/v1/enterprises/{e.id}").json()
    assert seen_by_agency["contact_phone"] == "138****5678"
    assert seen_by_agency["contact_masked"] is True
    assert seen_by_chamber["contact_phone"] == "13812345678"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", 201),
        ("reviewer", 403),
        ("chamber", 201),
        ("youth", 201),
        ("enterprise", 403),
        ("kejiju", 403),
    ],
)
def test_enterprise_create(client: TestClient, world: World, role: str, expected: int) -> None:
    payload = {
        "name": "临江新创企业",
        "credit_code": credit_code(900_000 + len(role)),
        "industry": "C",
        "district": "滨江区",
        "size": "micro",
        "contact_name": "赵敏",
        "contact_phone": "13900001111",
        "chamber_id": world.orgs[OrgKind.youth_chamber].id,
    }
    if role in ("chamber", "youth"):
        payload.pop("chamber_id")  # chamber staff register members of their own chamber
    response = call(client, world, role, "POST", "/api/v1/enterprises", payload)
    assert response.status_code == expected, response.text
    if expected == 201 and role in ("chamber", "youth"):
        assert response.json()["chamber_id"] == world.users[role].organization_id


def test_chamber_cannot_register_for_the_other_chamber(client: TestClient, world: World) -> None:
    payload = {
        "name": "临江新创企业",
        "credit_code": credit_code(900_100),
        "industry": "C",
        "district": "滨江区",
        "size": "micro",
        "contact_name": "赵敏",
        "contact_phone": "13900001111",
        "chamber_id": world.orgs[OrgKind.general_chamber].id,
    }
    response = call(client, world, "youth", "POST", "/api/v1/enterprises", payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "chamber_id"


@pytest.mark.parametrize(
    ("role", "target", "expected"),
    [
        ("admin", "youth", 204),
        ("chamber", "general", 204),
        ("chamber", "youth", 404),
        ("reviewer", "youth", 403),
        ("enterprise", "general", 403),
        ("kejiju", "general", 403),
    ],
)
def test_enterprise_delete(
    client: TestClient, db: Session, world: World, role: str, target: str, expected: int
) -> None:
    chamber = world.enterprises[target].chamber
    empty = make_enterprise(db, chamber, name="没有需求的企业")
    if role == "enterprise":
        empty = world.enterprises["general"]
    response = call(client, world, role, "DELETE", f"/api/v1/enterprises/{empty.id}")
    assert response.status_code == expected
    after = call(client, world, "admin", "GET", f"/api/v1/enterprises/{empty.id}")
    assert after.status_code == (404 if expected == 204 else 200)


def test_enterprise_with_demands_cannot_be_deleted(client: TestClient, world: World) -> None:
    e = world.enterprises["general"]
    response = call(client, world, "admin", "DELETE", f"/api/v1/enterprises/{e.id}")
    assert response.status_code == 409
    assert response.json()["code"] == "enterprise_in_use"


DEMAND_ACCESS = {  # (role, demand) -> GET, PATCH, DELETE
    ("admin", "youth"): (200, 200, 204),
    ("reviewer", "youth"): (200, 403, 403),
    ("chamber", "general2"): (200, 200, 204),
    ("chamber", "youth"): (404, 404, 404),
    ("youth", "youth_draft"): (200, 200, 204),
    ("enterprise", "general"): (200, 200, 204),
    ("enterprise", "general2"): (404, 404, 404),
    ("kejiju", "youth"): (200, 403, 403),
    ("kejiju", "youth_draft"): (404, 404, 404),
    ("renshe", "general"): (200, 403, 403),
}


@pytest.mark.parametrize(("role", "target"), list(DEMAND_ACCESS))
def test_demand_read_update_delete(
    client: TestClient, world: World, role: str, target: str
) -> None:
    d = world.demands[target]
    get = call(client, world, role, "GET", f"/api/v1/demands/{d.id}")
    patch = call(client, world, role, "PATCH", f"/api/v1/demands/{d.id}", {"headcount": 3})
    delete = call(client, world, role, "DELETE", f"/api/v1/demands/{d.id}")
    assert (get.status_code, patch.status_code, delete.status_code) == DEMAND_ACCESS[(role, target)]
    if patch.status_code == 200:
        assert patch.json()["headcount"] == 3
    still_there = call(client, world, "admin", "GET", f"/api/v1/demands/{d.id}").status_code
    assert still_there == (404 if delete.status_code == 204 else 200)


@pytest.mark.parametrize(
    ("role", "enterprise", "expected"),
    [
        ("admin", "youth", 201),
        ("chamber", "general2", 201),
        ("chamber", "youth", 422),
        ("enterprise", "general", 201),
        ("enterprise", "general2", 422),
        ("reviewer", "general", 403),
        ("kejiju", "general", 403),
    ],
)
def test_demand_create(
    client: TestClient, world: World, role: str, enterprise: str, expected: int
) -> None:
    payload = {
        "enterprise_id": world.enterprises[enterprise].id,
        "kind": "job",
        "title": "电气工程师",
        "headcount": 1,
    }
    response = call(client, world, role, "POST", "/api/v1/demands", payload)
    assert response.status_code == expected, response.text
    if expected == 201:
        assert response.json()["enterprise_id"] == world.enterprises[enterprise].id
    if expected == 422:
        assert response.json()["errors"][0]["field"] == "enterprise_id"


TALENT_ACCESS = {  # (role, talent) -> GET, PATCH, DELETE
    ("admin", "kejiju"): (200, 200, 204),
    ("reviewer", "renshe"): (200, 403, 403),
    ("kejiju", "kejiju"): (200, 200, 204),
    ("kejiju", "renshe"): (404, 404, 404),
    ("renshe", "kejiju"): (404, 404, 404),
    ("chamber", "kejiju"): (404, 404, 404),
    ("enterprise", "renshe"): (404, 404, 404),
    ("youth", "kejiju"): (404, 404, 404),
}


@pytest.mark.parametrize(("role", "target"), list(TALENT_ACCESS))
def test_talent_read_update_delete(
    client: TestClient, world: World, role: str, target: str
) -> None:
    t = world.talents[target]
    get = call(client, world, role, "GET", f"/api/v1/talents/{t.id}")
    patch = call(client, world, role, "PATCH", f"/api/v1/talents/{t.id}", {"major": "软件工程"})
    delete = call(client, world, role, "DELETE", f"/api/v1/talents/{t.id}")
    assert (get.status_code, patch.status_code, delete.status_code) == TALENT_ACCESS[(role, target)]
    if get.status_code == 200:
        assert get.json()["phone"] == t.phone  # the submitting agency and the office see it
    if patch.status_code == 200:
        assert patch.json()["major"] == "软件工程"


@pytest.mark.parametrize(
    ("role", "expected"),
    [("admin", 201), ("kejiju", 201), ("reviewer", 403), ("chamber", 403), ("enterprise", 403)],
)
def test_talent_create(client: TestClient, world: World, role: str, expected: int) -> None:
    payload = {
        "name": "陈静",
        "consent_date": "2026-03-01",
        "phone": "+86 138 0013 8000",
        "organization_id": world.orgs[OrgKind.overseas_federation].id,
    }
    if role == "kejiju":
        payload.pop("organization_id")
    response = call(client, world, role, "POST", "/api/v1/talents", payload)
    assert response.status_code == expected, response.text
    if expected == 201:
        body = response.json()
        assert body["phone"] == "13800138000"  # normalised
        expected_org = (
            world.orgs[OrgKind.overseas_federation].id
            if role == "admin"
            else world.users["kejiju"].organization_id
        )
        assert body["organization_id"] == expected_org


def test_agency_cannot_submit_for_another_agency(client: TestClient, world: World) -> None:
    payload = {
        "name": "陈静",
        "consent_date": "2026-03-01",
        "organization_id": world.orgs[OrgKind.hrss_bureau].id,
    }
    response = call(client, world, "kejiju", "POST", "/api/v1/talents", payload)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organization_id"


@pytest.mark.parametrize("role", ROLES)
def test_only_admin_manages_users(client: TestClient, world: World, role: str) -> None:
    listing = call(client, world, role, "GET", "/api/v1/users")
    assert listing.status_code == (200 if role == "admin" else 403)
    if role == "admin":
        assert listing.json()["total"] == len(world.users)


def test_unauthenticated_api_is_401(client: TestClient, world: World) -> None:
    for url in (
        "/api/v1/talents",
        "/api/v1/demands",
        "/api/v1/enterprises",
        "/api/v1/organizations",
    ):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
