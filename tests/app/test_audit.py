"""Every create, update and delete leaves who, when, what and the fields before and after."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditLog
from tests.app.helpers import token_headers
from tests.factories import make_world


def _entries(db: Session, entity: str, entity_id: int) -> list[AuditLog]:
    return list(
        db.scalars(
            select(AuditLog)
            .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
            .order_by(AuditLog.id)
        )
    )


def test_create_update_delete_are_audited(client: TestClient, db: Session) -> None:
    w = make_world(db)
    agent = w.users["kejiju"]
    headers = token_headers(client, agent)
    created = client.post(
        "/api/v1/talents",
        headers=headers,
        json={
            "name": "周敏",
            "consent_date": "2026-02-01",
            "phone": "13700001234",
            "id_number": "11010519491231002X",
            "skills": ["CAD"],
        },
    ).json()
    client.patch(
        f"/api/v1/talents/{created['id']}",
        headers=headers,
        json={"major": "机械工程", "phone": "13700009999"},
    )
    client.delete(f"/api/v1/talents/{created['id']}", headers=headers)

    create, update, delete = _entries(db, "talents", created["id"])
    assert [e.action for e in (create, update, delete)] == ["create", "update", "delete"]
    assert {e.actor_id for e in (create, update, delete)} == {agent.id}
    assert create.actor_name == agent.username
    assert create.changes["name"] == [None, "周敏"]
    assert create.changes["skills"] == [None, ["CAD"]]
    # Contact data and the ID hash are recorded as changed, never copied into the log.
    assert create.changes["phone"] == [None, "***"]
    assert create.changes["id_number_hash"] == [None, "***"]
    assert update.changes == {"major": [None, "机械工程"], "phone": ["***", "***"]}
    assert delete.changes["name"] == ["周敏", None]
    assert create.at <= update.at <= delete.at


def test_failed_change_leaves_no_audit_row(client: TestClient, db: Session) -> None:
    w = make_world(db)
    headers = token_headers(client, w.users["kejiju"])
    before = db.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1))
    response = client.post(
        "/api/v1/talents",
        headers=headers,
        json={"name": "周敏", "consent_date": "2026-02-01", "phone": "1"},
    )
    assert response.status_code == 422
    assert db.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)) == before


def test_audit_page_is_for_the_admin(client: TestClient, db: Session) -> None:
    from tests.app.helpers import page_login

    w = make_world(db)
    page_login(client, w.users["kejiju"])
    assert client.get("/audit").status_code == 403
    client.cookies.clear()
    page_login(client, w.users["admin"])
    headers = token_headers(client, w.users["admin"])
    client.patch(
        f"/api/v1/demands/{w.demands['general'].id}",
        headers=headers,
        json={"title": "资深后端工程师"},
    )
    page = client.get("/audit?entity=demands")
    assert page.status_code == 200
    assert "资深后端工程师" in page.text
