"""Shared fixtures: a migrated database per backend, a rolled-back session per test, a client.

Every database test runs on a real SQLite file and, when TEST_DATABASE_URL is set, again on that
PostgreSQL server (an unreachable server fails the run instead of skipping it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import get_session, make_engine, migrate
from app.main import create_app

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _fresh_postgres(url: str) -> Engine:
    engine = make_engine(Settings(database_url=url).database_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp(f"var-{backend}")
    url = (
        os.environ["TEST_DATABASE_URL"]
        if backend == "postgresql"
        else f"sqlite:///{data_dir / 'test.db'}"
    )
    return Settings(
        database_url=url,
        data_dir=data_dir,
        secret_key="test-secret",
        id_hash_key="test-id-key",
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture(scope="session")
def engine(settings: Settings, backend: str) -> Iterator[Engine]:
    engine = (
        _fresh_postgres(settings.database_url)
        if backend == "postgresql"
        else make_engine(settings.database_url)
    )
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        session = Session(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        yield session
        session.close()
        outer.rollback()


@pytest.fixture
def app(settings: Settings, engine: Engine, db: Session):  # type: ignore[no-untyped-def]
    application = create_app(settings, engine=engine)
    application.dependency_overrides[get_session] = lambda: db
    return application


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def artifacts_dir() -> Path:
    path = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path
