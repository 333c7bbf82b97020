"""The embedded default when its disk fills up or its database turns read-only, and backup and
restore on both databases: a clear error, nothing half-written, counts identical after."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from app.backup import backup, restore
from app.models import Demand, Enterprise, Talent
from tests.app.helpers import token_headers
from tests.factories import make_talent, make_world

TALENT = {
    "name": "存储测试",
    "position": "工程师",
    "summary": "x" * 4000,
    "consent_date": "2026-11-01",
    "consent_scope": "同意用于岗位匹配",
}


def _counts(engine: Any) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (Talent, Demand, Enterprise)
        }


def _limit(engine: Any, pragma: str) -> Any:
    """Apply `pragma` on every new connection of the engine (its pool emptied first)."""

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute(pragma)
        cursor.close()

    engine.dispose()
    event.listen(engine, "connect", on_connect)
    return on_connect


def _unlimit(engine: Any, hook: Any) -> None:
    event.remove(engine, "connect", hook)
    engine.dispose()


@pytest.mark.parametrize(
    ("pragma", "status", "code"),
    [
        # SQLite's own "disk is full": the database may not grow by a single page
        ("PRAGMA max_page_count = {pages}", 507, "storage_full"),
        # what a read-only file or directory gives: every write refused
        ("PRAGMA query_only = ON", 503, "database_read_only"),
    ],
)
def test_full_disk_or_read_only_database_is_a_clear_error_without_corruption(
    live: Any, backend: str, pragma: str, status: int, code: str
) -> None:
    if backend != "sqlite":
        pytest.skip("the embedded default (SQLite) only")
    with live.session() as s:
        w = make_world(s)
        s.commit()
    headers = token_headers(live.client, w.users["kejiju"])
    before = _counts(live.engine)
    with live.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
    hook = _limit(live.engine, pragma.format(pages=pages))
    try:
        response = live.client.post("/api/v1/talents", headers=headers, json=TALENT)
        assert response.status_code == status, response.text
        body = response.json()
        assert body["code"] == code
        assert body["ok"] is False
        assert "Traceback" not in response.text
        assert live.client.get("/api/v1/talents", headers=headers).status_code == 200  # reads work
        page = live.client.get("/healthz")
        assert page.status_code in (200, 503)
    finally:
        _unlimit(live.engine, hook)
    assert _counts(live.engine) == before  # nothing half-written
    with live.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    # once space (or permission) is back, the same request succeeds
    response = live.client.post("/api/v1/talents", headers=headers, json=TALENT)
    assert response.status_code == 201, response.text
    assert _counts(live.engine)["talents"] == before["talents"] + 1


def test_backup_and_restore_give_identical_counts(
    live_factory: Any, backend: str, tmp_path: Path
) -> None:
    live = live_factory()
    with live.session() as s:
        w = make_world(s)
        org = w.talents["kejiju"].organization
        for i in range(20):
            make_talent(s, org, name=f"备份{i:02d}")
        s.commit()
    before = _counts(live.engine)
    archive = backup(live.settings.database_url, tmp_path / "backup.bin")
    assert archive.stat().st_size > 0
    # damage: delete the talents, then restore
    with live.engine.begin() as conn:
        conn.execute(text("DELETE FROM talents"))
    assert _counts(live.engine)["talents"] == 0
    live.engine.dispose()
    restore(live.settings.database_url, archive)
    assert _counts(live.engine) == before
    with live.session() as s:
        names = set(s.scalars(select(Talent.name)))
    assert {f"备份{i:02d}" for i in range(20)} <= names


def test_backup_and_restore_commands(live_factory: Any, tmp_path: Path) -> None:
    live = live_factory()
    with live.session() as s:
        make_world(s)
        s.commit()
    before = _counts(live.engine)
    env = {
        **os.environ,
        "DATABASE_URL": live.settings.database_url,
        "DATA_DIR": str(tmp_path),
    }
    cli = [sys.executable, "-m", "app.cli"]
    out = subprocess.run(
        [*cli, "backup", str(tmp_path / "b.bin")], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "backup written" in out.stdout
    with live.engine.begin() as conn:
        conn.execute(text("DELETE FROM talents"))
    live.engine.dispose()
    out = subprocess.run(
        [*cli, "restore", "--yes", str(tmp_path / "b.bin")], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert _counts(live.engine) == before
    missing = subprocess.run(
        [*cli, "restore", "--yes", str(tmp_path / "nope.bin")], env=env, capture_output=True,
        text=True,
    )  # fmt: skip
    assert missing.returncode == 1
    assert "no backup file" in missing.stderr
