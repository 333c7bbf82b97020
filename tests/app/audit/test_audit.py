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


def test_audit_page_reads_in_words_and_filters_by_person_record_and_date(
    client: TestClient, db: Session
) -> None:
    import csv
    import io

    from tests.app.helpers import page_login

    w = make_world(db)
    admin = w.users["admin"]
    headers = token_headers(client, admin)
    demand = w.demands["general"]
    response = client.patch(
        f"/api/v1/demands/{demand.id}", headers=headers, json={"title": "=资深后端工程师"}
    )
    assert response.status_code == 200
    page_login(client, admin)
    html = client.get(f"/audit?entity=demands&entity_id={demand.id}").text
    # the record by the name of its kind, not by its table's name
    assert f"需求 #{demand.id}" in html
    assert "field.title" not in html
    assert "=资深后端工程师" in html
    # a talent created by the agency names its organisation, not "organization_id: 9"
    client.cookies.clear()
    kejiju = w.users["kejiju"]
    created = client.post(
        "/api/v1/talents",
        headers=token_headers(client, kejiju),
        json={"name": "周敏", "consent_date": "2026-02-01", "is_returnee": True},
    )
    assert created.status_code == 201, created.text
    page_login(client, admin)
    talent_html = client.get(f"/audit?entity=talents&entity_id={created.json()['id']}").text
    assert kejiju.organization.name_zh in talent_html
    assert "True" not in talent_html
    # filters: by person (nothing of the admin's under the agency's name) and by date
    by_agency = client.get(f"/audit?actor_id={kejiju.id}").text
    assert "=资深后端工程师" not in by_agency
    assert "周敏" in by_agency
    assert "没有符合条件的记录" in client.get("/audit?until=2000-01-01").text
    # the CSV carries the same words, and no cell of it is a formula
    download = client.get(f"/audit?entity=demands&entity_id={demand.id}&format=csv")
    assert download.status_code == 200
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["时间", "操作人"]
    assert any("→ =资深后端工程师" in cell for row in rows[1:] for cell in row)
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
