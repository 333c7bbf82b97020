"""SQLite request sessions: reads are deferred (no write lock), and GET routes that write take
the write lock up front, because a deferred read-then-write fails if another write committed
in between."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from starlette.requests import Request

from app.config import Settings
from app.db import get_session, make_engine, migrate
from app.introductions.api import reveal_contact
from app.main import create_app
from app.talents.api import list_talents

INSERT = "INSERT INTO app_settings (key, value, updated_at) VALUES ('{key}', '1', '2026-01-01')"


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Any:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        data_dir=tmp_path,
        secret_key="test-secret",
        embedding_model="hashing",
        id_hash_key="test-id-key",
        _env_file=None,  # type: ignore[call-arg]
    )
    engine = make_engine(settings.database_url)
    migrate(engine)
    yield create_app(settings, engine=engine, background=False), engine
    engine.dispose()


def _deferred(app: Any, method: str, endpoint: Any) -> bool:
    scope = {"type": "http", "method": method, "app": app, "endpoint": endpoint,
             "path": "/", "query_string": b"", "headers": []}  # fmt: skip
    sessions = get_session(Request(scope))
    session = next(sessions)
    try:
        return bool(session.connection().get_execution_options().get("sqlite_deferred"))
    finally:
        sessions.close()


def test_reads_are_deferred_and_writing_gets_lock_up_front(sqlite_app: Any) -> None:
    app, _ = sqlite_app
    assert _deferred(app, "GET", list_talents)
    assert not _deferred(app, "GET", reveal_contact)  # logs each reveal: a write
    assert not _deferred(app, "POST", list_talents)


def test_a_deferred_read_then_write_fails_when_another_write_came_between(
    sqlite_app: Any,
) -> None:
    """Why `writes_on_get` exists: SQLite (WAL) refuses to upgrade a stale read snapshot."""
    _, engine = sqlite_app
    reader = Session(engine)
    reader.connection(execution_options={"sqlite_deferred": True})
    reader.execute(text("SELECT count(*) FROM users"))  # the snapshot is taken here
    with Session(engine) as writer:
        writer.execute(text(INSERT.format(key="x")))
        writer.commit()
    with pytest.raises(OperationalError, match="locked"):
        reader.execute(text(INSERT.format(key="y")))
    reader.close()
    immediate = Session(engine)  # what a writing GET now gets
    immediate.execute(text("SELECT count(*) FROM users"))
    with Session(engine) as writer:
        writer.connection(execution_options={"sqlite_deferred": True})
        assert writer.execute(text("SELECT count(*) FROM app_settings")).scalar() == 1
    immediate.execute(text(INSERT.format(key="y")))
    immediate.commit()
