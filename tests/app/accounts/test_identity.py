"""Identity: ids are never reused, tokens and sessions die with their account's secret, API
tokens are listed and revocable, keys are generated on the first run, and the service's files
are readable by its own user only."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from app.backup import backup
from app.config import DEV_SECRET, PUBLIC_KEYS, load_settings
from app.db import make_engine, set_actor
from app.models import ApiToken, Talent, User
from app.models.enums import OrgKind, Role
from tests.app.helpers import page_login, token_headers
from tests.factories import PASSWORD, World, make_talent, make_user, make_world

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def world(db: Session) -> World:
    world = make_world(db)
    db.commit()
    return world


# --- ids ----------------------------------------------------------------------------------------


def test_a_deleted_rows_id_is_never_given_to_the_next_row(db: Session, world: World) -> None:
    office = world.orgs[OrgKind.talent_office]
    gone_user = make_user(db, office, Role.office_reviewer, username="will-leave")
    gone_talent = make_talent(db, world.orgs[OrgKind.science_bureau], name="离开的人")
    old_ids = (gone_user.id, gone_talent.id)
    db.delete(gone_user)
    db.delete(gone_talent)
    db.flush()
    user = make_user(db, office, Role.office_admin, username="newcomer")
    talent = make_talent(db, world.orgs[OrgKind.science_bureau], name="新来的人")
    assert user.id > old_ids[0]
    assert talent.id > old_ids[1]


def test_every_integer_id_on_sqlite_is_autoincrement(engine: Engine, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL sequences never hand an id out twice")
    with engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ).all()
        missing = []
        for name, sql in tables:
            pk = [r for r in conn.exec_driver_sql(f'PRAGMA table_info("{name}")') if r[5]]
            if len(pk) == 1 and pk[0][2].upper() == "INTEGER" and "AUTOINCREMENT" not in sql:
                missing.append(name)
    assert len(tables) > 20
    assert missing == []


def test_a_deleted_users_token_and_cookie_do_not_sign_in_the_next_user(
    client: TestClient, db: Session, world: World
) -> None:
    office = world.orgs[OrgKind.talent_office]
    leaver = make_user(db, world.orgs[OrgKind.general_chamber], Role.chamber_staff,
                       username="leaver")  # fmt: skip
    db.commit()
    headers = token_headers(client, leaver)
    page_login(client, leaver)
    assert client.get("/api/v1/me", headers=headers).json()["username"] == "leaver"
    set_actor(db, None, "tests")
    db.delete(leaver)
    db.commit()
    newcomer = make_user(db, office, Role.office_admin, username="new-admin")
    db.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me").status_code == 401  # the page cookie
    assert client.get("/", follow_redirects=False).status_code == 303
    assert newcomer.id is not None


# --- tokens and sessions bound to the account's secret -------------------------------------------


def test_a_new_password_ends_every_token_and_session_of_the_user(
    client: TestClient, db: Session, world: World
) -> None:
    user = world.users["kejiju"]
    headers = token_headers(client, user)
    page_login(client, user)
    assert client.get("/", follow_redirects=False).status_code == 200
    admin = TestClient(client.app, raise_server_exceptions=False)
    r = admin.patch(
        f"/api/v1/users/{user.id}",
        json={"password": "a-brand-new-password"},
        headers=token_headers(admin, world.users["admin"]),
    )
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303
    assert db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all() == []


def test_tokens_are_listed_without_secrets_and_revocable(client: TestClient, world: World) -> None:
    user = world.users["renshe"]
    login = {"username": user.username, "password": PASSWORD}
    first = client.post("/api/v1/auth/token", data=login, headers={"User-Agent": "curl/8.5"})
    second = client.post("/api/v1/auth/token", data=login, headers={"User-Agent": "Excel\x7f"})
    h1 = {"Authorization": f"Bearer {first.json()['access_token']}"}
    h2 = {"Authorization": f"Bearer {second.json()['access_token']}"}
    listed = client.get("/api/v1/auth/tokens", headers=h2)
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert [(t["user_agent"], t["is_current"]) for t in items] == [("Excel", True),
                                                                   ("curl/8.5", False)]  # fmt: skip
    assert all(t["created_at"] < t["expires_at"] for t in items)
    assert first.json()["access_token"] not in listed.text
    assert set(items[0]) == {"id", "created_at", "expires_at", "last_used_at", "user_agent",
                             "is_current"}  # fmt: skip
    # someone else's token is not found; one's own is revoked
    other = token_headers(client, world.users["kejiju"])
    assert client.delete(f"/api/v1/auth/tokens/{items[1]['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/me", headers=h1).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{items[1]['id']}", headers=h2).status_code == 204
    assert client.get("/api/v1/me", headers=h1).status_code == 401
    # logging out a token ends that token only
    assert client.post("/api/v1/auth/logout", headers=h2).status_code == 204
    assert client.get("/api/v1/me", headers=h2).status_code == 401
    assert client.get("/api/v1/me", headers=other).status_code == 200


def test_a_tokens_last_use_is_noted(live: Any) -> None:
    with live.session() as s:
        world = make_world(s)
        s.commit()
    headers = token_headers(live.client, world.users["kejiju"])
    before = live.client.get("/api/v1/auth/tokens", headers=headers).json()["items"][0]
    assert live.client.get("/api/v1/me", headers=headers).status_code == 200
    after = live.client.get("/api/v1/auth/tokens", headers=headers).json()["items"][0]
    assert after["id"] == before["id"]
    assert after["last_used_at"] is not None
    assert after["last_used_at"] >= after["created_at"]


# --- keys ---------------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fresh_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No keys in the environment; DATA_DIR a new folder (no .env either)."""
    monkeypatch.chdir(tmp_path)
    for name in ("SECRET_KEY", "ID_HASH_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{data / 'talent.db'}")
    return data


def test_the_first_run_generates_private_keys_and_later_runs_keep_them(
    fresh_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)
    try:
        first = load_settings()
    finally:
        os.umask(old)
    keys = (first.secret_key.get_secret_value(), first.id_hash_key.get_secret_value())
    assert not set(keys) & PUBLIC_KEYS
    assert len(set(keys)) == 2
    assert min(len(k) for k in keys) >= 40
    assert _mode(fresh_env) == 0o700
    assert _mode(fresh_env / "secret_key") == 0o600
    assert _mode(fresh_env / "id_hash_key") == 0o600
    again = load_settings()
    assert (again.secret_key.get_secret_value(), again.id_hash_key.get_secret_value()) == keys
    monkeypatch.setenv("SECRET_KEY", "from-the-environment-" + "x" * 20)
    assert load_settings().secret_key.get_secret_value().startswith("from-the-environment-")
    assert load_settings().id_hash_key.get_secret_value() == keys[1]


def test_parallel_first_runs_agree_on_one_key(fresh_env: Path) -> None:
    barrier = threading.Barrier(10)

    def run(_: int) -> str:
        barrier.wait()
        return load_settings().secret_key.get_secret_value()

    with ThreadPoolExecutor(10) as pool:
        keys = set(pool.map(run, range(10)))
    assert len(keys) == 1
    assert (fresh_env / "secret_key").read_text().strip() in keys


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_refuses_a_public_key_on_a_non_loopback_address(fresh_env: Path) -> None:
    env = {**os.environ, "SECRET_KEY": DEV_SECRET}
    cli = [sys.executable, "-m", "app.cli", "serve", "--host", "0.0.0.0",
           "--port", str(_free_port())]  # fmt: skip
    try:
        done = subprocess.run(cli, env=env, cwd=ROOT, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        pytest.fail("serve started with the public SECRET_KEY on 0.0.0.0")
    assert done.returncode == 2
    assert "refusing to serve on 0.0.0.0" in done.stderr
    assert "SECRET_KEY" in done.stderr


# --- file permissions ---------------------------------------------------------------------------


def test_the_sqlite_database_and_its_backups_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask: files would be world-readable
    try:
        path = tmp_path / "var" / "talent.db"
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, secret TEXT)"))
            conn.execute(text("INSERT INTO t (secret) VALUES ('13900001111')"))
        written = backup(f"sqlite:///{path}", tmp_path / "backups" / "talent-1.db")
        (tmp_path / "old.db").write_bytes(b"")
        os.chmod(tmp_path / "old.db", 0o644)
        overwritten = backup(f"sqlite:///{path}", tmp_path / "old.db")
        engine.dispose()
    finally:
        os.umask(old)
    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    wal = Path(f"{path}-wal")
    assert not wal.exists() or _mode(wal) == 0o600
    assert _mode(written) == 0o600
    assert _mode(written.parent) == 0o700
    assert _mode(overwritten) == 0o600


def test_a_user_and_talent_survive_the_migration_that_rebuilds_tables(tmp_path: Path) -> None:
    from app.db import migrate

    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    migrate(engine, "0009")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO organizations (id, kind, name_zh, name_en, side, created_at, updated_at) "
            "VALUES (7, 'talent_office', '人才办', 'Office', 'office', '2026-01-01 00:00:00', "
            "'2026-01-01 00:00:00')"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO users (id, username, password_hash, display_name, role, "
            "organization_id, is_active, auth_version, created_at) VALUES (3, 'old', 'x', '老', "
            "'office_admin', 7, 1, 1, '2026-01-01 00:00:00')"
        ))  # fmt: skip
    migrate(engine)
    with Session(engine) as s:
        user = s.get_one(User, 3)
        assert (user.username, user.organization.name_zh) == ("old", "人才办")
        assert len(user.auth_secret) >= 40
        s.delete(user)
        s.commit()
        again = User(username="again", password_hash="x", display_name="新", role="office_admin",
                     organization_id=7)  # fmt: skip
        s.add(again)
        s.commit()
        assert again.id == 4
        assert s.scalar(select(Talent.id)) is None
    engine.dispose()
