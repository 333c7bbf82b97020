"""E-mail copies of notifications, against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header
from typing import Any

from tests.app.helpers import token_headers
from tests.factories import make_world


def test_a_dispatch_notifies_the_agency_by_email(live_factory: Any, smtp: Any) -> None:
    controller, inbox = smtp
    live = live_factory(smtp_host="127.0.0.1", smtp_port=controller.port).start()
    with live.session() as s:
        w = make_world(s)
        w.users["kejiju"].email = "kejiju@example.org"
        s.commit()
    headers = token_headers(live.client, w.users["admin"])
    due = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    response = live.client.post(
        f"/api/v1/demands/{w.demands['general'].id}/dispatches",
        headers=headers,
        json={"organization_id": w.users["kejiju"].organization_id, "due_date": due},
    )
    assert response.status_code in (200, 201), response.text
    inbox.wait()
    message = inbox.messages[0]
    assert message["To"] == "kejiju@example.org"
    subject = str(make_header(decode_header(message["Subject"])))
    assert "人才超市" in subject
    body = message.get_payload(decode=True).decode()
    assert w.demands["general"].title in body
    assert "/dispatches" in body or "http://" in body
    # users without an address get the in-app notification only
    assert len(inbox.messages) == 1


def test_without_smtp_nothing_is_sent_and_the_user_email_is_validated(live: Any) -> None:
    with live.session() as s:
        w = make_world(s)
        s.commit()
    headers = token_headers(live.client, w.users["admin"])
    response = live.client.patch(
        f"/api/v1/users/{w.users['kejiju'].id}", headers=headers, json={"email": "not-an-email"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"
    response = live.client.patch(
        f"/api/v1/users/{w.users['kejiju'].id}", headers=headers, json={"email": "a@example.org"}
    )
    assert response.status_code == 200
    assert response.json()["email"] == "a@example.org"
