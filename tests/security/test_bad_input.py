"""Bad input answers 422 (413 for an oversized body) with field-level messages, stores nothing,
and never answers 500 — on the API and on the forms, in Chinese and in English."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Demand, Enterprise, Talent
from tests.app.helpers import csrf_from, page_login, token_headers
from tests.factories import World, credit_code, make_world

GOOD_ENTERPRISE = {
    "name": "临江新创企业",
    "credit_code": credit_code(777_001),
    "industry": "C",
    "district": "滨江区",
    "size": "micro",
    "contact_name": "赵敏",
    "contact_phone": "13900001111",
}
GOOD_DEMAND = {"kind": "job", "title": "电气工程师", "headcount": 1}
GOOD_TALENT = {"name": "陈静", "consent_date": "2026-03-01"}
NEXT_YEAR = dt.date.today().year + 1
WRONG_CHECK = credit_code(777_002)[:-1] + ("0" if credit_code(777_002)[-1] != "0" else "1")

# (resource, field, bad value, expected error code)
CASES: list[tuple[str, str, Any, str]] = [
    ("enterprises", "credit_code", WRONG_CHECK, "credit_code_invalid"),
    ("demands", "headcount", 0, "greater_than_equal"),
    ("demands", "headcount", -3, "greater_than_equal"),
    ("demands", "salary_max", 5000, "salary_range"),  # with salary_min 8000
    ("talents", "birth_year", NEXT_YEAR, "birth_year_future"),
    ("talents", "education", "小学", "enum"),
    ("demands", "min_education", "phd", "enum"),
    ("demands", "occupation_code", "9-99-99-99", "occupation_unknown"),
    ("demands", "title", "长" * 201, "string_too_long"),
    ("talents", "summary", "x" * 5001, "string_too_long"),
    ("talents", "phone", "12345", "phone_invalid"),
    ("enterprises", "contact_phone", "call me", "phone_invalid"),
    ("talents", "email", "not-an-email", "email_invalid"),
    ("talents", "id_number", "110101199003070000", "id_number_invalid"),
    ("talents", "skills", ["x" * 51], "item_too_long"),
]


@pytest.fixture
def world(db: Session) -> World:
    return make_world(db)


def _payload(resource: str, world: World, field: str, value: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "enterprises": dict(GOOD_ENTERPRISE),
        "demands": dict(GOOD_DEMAND),
        "talents": dict(GOOD_TALENT),
    }[resource]
    if resource == "demands":
        base["enterprise_id"] = world.enterprises["general"].id
        if field == "salary_max":
            base["salary_min"] = 8000
    base[field] = value
    return base


def _count(db: Session) -> tuple[int, int, int]:
    return (
        db.scalar(select(func.count(Enterprise.id))) or 0,
        db.scalar(select(func.count(Demand.id))) or 0,
        db.scalar(select(func.count(Talent.id))) or 0,
    )


@pytest.mark.parametrize(("resource", "field", "value", "code"), CASES)
def test_api_rejects_with_field_error(
    client: TestClient, db: Session, world: World, resource: str, field: str, value: Any, code: str
) -> None:
    user = world.users["chamber" if resource != "talents" else "kejiju"]
    headers = token_headers(client, user)
    before = _count(db)
    response = client.post(
        f"/api/v1/{resource}", json=_payload(resource, world, field, value), headers=headers
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["ok"] is False
    assert body["code"] == "validation_error"
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in body["errors"]
    ]
    assert all(e["message"] for e in body["errors"])
    assert _count(db) == before


def test_messages_are_chinese_by_default_and_english_on_request(
    client: TestClient, world: World
) -> None:
    headers = token_headers(client, world.users["kejiju"])
    payload = _payload("talents", world, "phone", "12345")
    zh = client.post("/api/v1/talents", json=payload, headers=headers).json()
    en = client.post("/api/v1/talents?lang=en", json=payload, headers=headers).json()
    en_header = client.post(
        "/api/v1/talents", json=payload, headers={**headers, "Accept-Language": "en-US,en;q=0.9"}
    ).json()
    assert zh["message"] == "提交的内容有误，请按提示修改"
    assert "电话号码格式不正确" in zh["errors"][0]["message"]
    assert en["message"] == "Some fields need fixing"
    assert en["errors"][0]["message"].startswith("Invalid phone number")
    assert en_header["errors"][0]["message"] == en["errors"][0]["message"]


def test_update_that_breaks_salary_range_is_refused(client: TestClient, world: World) -> None:
    demand = world.demands["general"]  # salary 12000-20000
    headers = token_headers(client, world.users["chamber"])
    response = client.patch(
        f"/api/v1/demands/{demand.id}", json={"salary_min": 30000}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "salary_max",
        "code": "salary_range",
        "message": "最低月薪不能高于最高月薪",
    }
    again = client.get(f"/api/v1/demands/{demand.id}", headers=headers).json()
    assert again["salary_min"] == 12000


@pytest.mark.parametrize("body", ["[1, 2, 3]", '"just a string"', "42", "null"])
def test_json_body_that_is_not_an_object(client: TestClient, world: World, body: str) -> None:
    headers = {**token_headers(client, world.users["kejiju"]), "Content-Type": "application/json"}
    response = client.post("/api/v1/talents", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert response.json()["errors"][0]["message"]


def test_malformed_json_is_422(client: TestClient, world: World) -> None:
    headers = {**token_headers(client, world.users["kejiju"]), "Content-Type": "application/json"}
    response = client.post("/api/v1/talents", content='{"name": ', headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "json_invalid"


def test_ten_megabyte_body_is_413(client: TestClient, db: Session, world: World) -> None:
    headers = {**token_headers(client, world.users["kejiju"]), "Content-Type": "application/json"}
    before = _count(db)
    huge = '{"name": "' + "x" * (10 * 1024 * 1024) + '"}'
    response = client.post("/api/v1/talents", content=huge, headers=headers)
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert _count(db) == before


def test_streamed_body_without_length_is_limited_too(client: TestClient, world: World) -> None:
    headers = {**token_headers(client, world.users["kejiju"]), "Content-Type": "application/json"}

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(11):
            yield b"x" * (1024 * 1024)

    response = client.post("/api/v1/talents", content=chunks(), headers=headers)
    assert response.status_code == 413


def test_unknown_field_is_rejected(client: TestClient, world: World) -> None:
    headers = token_headers(client, world.users["kejiju"])
    response = client.post(
        "/api/v1/talents", json={**GOOD_TALENT, "id_number_hash": "x"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "id_number_hash",
        "code": "extra_forbidden",
        "message": "不认识的字段",
    }


def test_bad_query_parameters_are_422(client: TestClient, world: World) -> None:
    headers = token_headers(client, world.users["admin"])
    for url in (
        "/api/v1/demands?limit=0",
        "/api/v1/demands?limit=abc",
        "/api/v1/demands?status=bogus",
        "/api/v1/talents?offset=-1",
        "/api/v1/enterprises?industry=Z",
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 422, url
        assert response.json()["errors"], url


# --- the same rules on the forms: errors beside each field, typed values kept ---------------------

FORM_CASES = [
    ("enterprises", "chamber", {**GOOD_ENTERPRISE, "credit_code": WRONG_CHECK}, "credit_code"),
    ("demands", "enterprise", {**GOOD_DEMAND, "headcount": "0", "status": "open"}, "headcount"),
    (
        "demands",
        "enterprise",
        {**GOOD_DEMAND, "status": "open", "salary_min": "9000", "salary_max": "3000"},
        "salary_max",
    ),
    (
        "demands",
        "enterprise",
        {**GOOD_DEMAND, "status": "open", "occupation_code": "9-99-99-99"},
        "occupation_code",
    ),
    (
        "talents",
        "kejiju",
        {**GOOD_TALENT, "birth_year": str(NEXT_YEAR), "status": "active"},
        "birth_year",
    ),
    ("talents", "kejiju", {**GOOD_TALENT, "email": "nope@", "status": "active"}, "email"),
    ("talents", "kejiju", {**GOOD_TALENT, "phone": "555", "status": "active"}, "phone"),
    ("talents", "kejiju", {**GOOD_TALENT, "name": "", "status": "active"}, "name"),
    ("demands", "enterprise", {**GOOD_DEMAND, "status": "open", "title": "长" * 201}, "title"),
]


@pytest.mark.parametrize(("resource", "role", "form", "bad_field"), FORM_CASES)
def test_form_shows_error_beside_field_and_keeps_values(
    client: TestClient,
    db: Session,
    world: World,
    resource: str,
    role: str,
    form: dict[str, Any],
    bad_field: str,
) -> None:
    page_login(client, world.users[role])
    new = client.get(f"/{resource}/new")
    assert new.status_code == 200
    before = _count(db)
    response = client.post(f"/{resource}/new", data={**form, "csrf_token": csrf_from(new.text)})
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    error = soup.select_one(f"#f-{bad_field}-err")
    assert error is not None
    assert error.get_text(strip=True)
    field = soup.select_one(f"#f-{bad_field}")
    assert field is not None
    assert field.get("aria-invalid") == "true"
    kept = soup.select_one("#f-kind, #f-name")
    assert kept is not None
    for name, value in form.items():
        element = soup.select_one(f"#f-{name}")
        if element is None or element.name == "select":
            continue
        shown = element.get_text() if element.name == "textarea" else element.get("value")
        assert shown == str(value), name
    assert soup.select_one("#error-summary") is not None
    assert _count(db) == before


def test_form_errors_in_english(client: TestClient, world: World) -> None:
    page_login(client, world.users["kejiju"])
    new = client.get("/talents/new?lang=en")
    response = client.post(
        "/talents/new",
        data={**GOOD_TALENT, "phone": "555", "status": "active", "csrf_token": csrf_from(new.text)},
    )
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("#f-phone-err").get_text(strip=True).startswith("Invalid phone")
    assert soup.html["lang"] == "en"


def test_form_without_csrf_token_is_refused(client: TestClient, db: Session, world: World) -> None:
    page_login(client, world.users["kejiju"])
    before = _count(db)
    response = client.post("/talents/new", data={**GOOD_TALENT, "status": "active"})
    assert response.status_code == 403
    assert "页面已过期" in response.text
    assert _count(db) == before


def test_valid_form_creates_and_redirects(client: TestClient, db: Session, world: World) -> None:
    page_login(client, world.users["kejiju"])
    new = client.get("/talents/new")
    response = client.post(
        "/talents/new",
        data={
            **GOOD_TALENT,
            "skills": "Python，Java、SQL",
            "status": "active",
            "is_returnee": "on",
            "csrf_token": csrf_from(new.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    talent = db.get(Talent, int(response.headers["location"].rsplit("/", 1)[1]))
    assert talent is not None
    assert talent.skills == ["Python", "Java", "SQL"]
    assert talent.is_returnee is True
    assert talent.organization_id == world.users["kejiju"].organization_id
