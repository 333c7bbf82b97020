"""First contact: the service starts, answers health, logs in and lists."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.app.helpers import token_headers
from tests.factories import make_world


def test_healthz_reports_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_agency_lists_only_its_talents(client: TestClient, db: Session) -> None:
    w = make_world(db)
    headers = token_headers(client, w.users["kejiju"])
    body = client.get("/api/v1/talents", headers=headers).json()
    assert body["total"] == 1
    assert [t["id"] for t in body["items"]] == [w.talents["kejiju"].id]
