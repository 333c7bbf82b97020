"""Test helpers for talking to the service as a given user."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import object_session

from app.models import User
from tests.factories import PASSWORD


def token_headers(client: TestClient, user: User) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token", data={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def bearer(app: Any, user: User) -> dict[str, str]:
    """Headers with a recorded, signed API token of `user`, without the (slow on purpose)
    password check; the token's row goes into the user's own (test) session."""
    from app.accounts.service import issue_token
    from app.context import context_of

    session = object_session(user)
    assert session is not None, "the user must belong to the test's session"
    context = context_of(app)
    claims = issue_token(
        session, user, user_agent="tests", max_age_s=context.settings.token_max_age_s
    )
    return {"Authorization": f"Bearer {context.tokens.issue(claims)}"}


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_login(client: TestClient, user: User) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": user.username,
            "password": PASSWORD,
            "csrf_token": csrf_from(page.text),
            "next": "/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def run_import_jobs(client: TestClient, db: Any) -> list[int]:
    """Run the commit jobs of every `committing` import now, as the job runner would (the
    `client` fixture starts none), on sessions of the test's own connection."""
    from sqlalchemy import select

    from app.context import context_of
    from app.imports.service import run_commit
    from app.models import ImportBatch

    key = context_of(client.app).settings.id_hash_key.get_secret_value()  # type: ignore[arg-type]
    ids = list(db.scalars(select(ImportBatch.id).where(ImportBatch.status == "committing")))
    for import_id in ids:
        run_commit(sessions_in(db), import_id, str(key))
    db.expire_all()
    return ids


def sessions_in(db: Any) -> Any:
    """A session factory on the test's connection: a job's commits stay inside the test's
    rolled-back transaction."""
    from sqlalchemy.orm import Session

    return lambda: Session(
        bind=db.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )


def commit_import(client: TestClient, db: Any, import_id: int, headers: dict[str, str]) -> Any:
    """Commit an import through the API (202), run its job, and answer with the import's
    final state: {"id", "status", **counts}."""
    response = client.post(f"/api/v1/imports/{import_id}/commit", headers=headers)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "committing"
    run_import_jobs(client, db)
    body = client.get(f"/api/v1/imports/{import_id}", headers=headers).json()
    return {"id": body["id"], "status": body["status"], **(body["result"] or {})}
