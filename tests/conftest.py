"""Shared fixtures: a migrated database per backend, a rolled-back session per test, a client.

Every database test runs on a real SQLite file and, when TEST_DATABASE_URL is set, again on that
PostgreSQL server (an unreachable server fails the run instead of skipping it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session

from app.config import Settings
from app.context import context_of
from app.db import get_session, make_engine, migrate
from app.main import create_app

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _on_server(url: str, *statements: str) -> None:
    """Run statements such as CREATE/DROP DATABASE on the server of ``url`` (outside any
    transaction, as PostgreSQL requires)."""
    base = make_engine(Settings(database_url=url, _env_file=None).database_url)  # type: ignore[call-arg]
    with base.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for statement in statements:
            conn.execute(text(statement))
    base.dispose()


def _drop(name: str) -> str:
    return f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker gets its own PostgreSQL database beside
    TEST_DATABASE_URL's (``<name>_gw0``...), recreated empty, and TEST_DATABASE_URL points to
    it: the tests drop schemas, stop workers and create databases, so workers must not share."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("TEST_DATABASE_URL")
    if not worker or not url:
        return
    name = f"{make_url(url).database}_{worker}"
    _on_server(url, _drop(name), f'CREATE DATABASE "{name}"')
    os.environ["TEST_DATABASE_URL"] = (
        make_url(url).set(database=name).render_as_string(hide_password=False)
    )
    config.stash[_WORKER_DB] = (url, name)


_WORKER_DB = pytest.StashKey[tuple[str, str]]()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Drop the worker's database again (see `pytest_configure`)."""
    made = config.stash.get(_WORKER_DB, None)
    if made is not None:
        url, name = made
        _on_server(url, _drop(name))


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
        embedding_model="hashing",
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
    application = create_app(settings, engine=engine, background=False)
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


class Live:
    """A running service on its own committed database: jobs and the search worker are real."""

    def __init__(self, settings: Settings, engine: Engine, *, background: bool = True) -> None:
        from app.db import make_session_factory

        self.settings = settings
        self.engine = engine
        self.session_factory = make_session_factory(engine)
        # background=False: no job runner threads, so a started match run stays queued
        self.app = create_app(settings, engine=engine, background=background)
        self.client = TestClient(self.app, raise_server_exceptions=False)
        self.started = False

    def start(self) -> Live:
        """Start the process (lifespan: search worker, job runner resumes unfinished runs)."""
        self.client.__enter__()
        self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            self.started = False
            self.client.__exit__(None, None, None)

    def session(self) -> Session:
        return context_of(self.app).session_factory()

    def settle(self, timeout: float = 60) -> None:
        """Wait until queued jobs ran and the search outbox is empty."""
        import time

        jobs = context_of(self.app).jobs
        if hasattr(jobs, "wait_idle"):
            jobs.wait_idle(timeout)
        deadline = time.monotonic() + timeout
        indexer = context_of(self.app).indexer
        while time.monotonic() < deadline:
            # drain() takes the indexer's lock before the database's, like its worker does
            with self.session() as s:
                try:
                    indexer.drain(s)
                    s.commit()
                except Exception:
                    s.rollback()
                else:
                    if indexer.pending(s) == 0:
                        return
            time.sleep(0.2)
        raise AssertionError("search outbox did not drain")


def _live_database(backend: str, data_dir: Path) -> tuple[str, Any]:
    """A fresh database URL and a cleanup function."""
    import uuid

    if backend == "sqlite":
        return f"sqlite:///{data_dir / 'live.db'}", lambda: None
    server = os.environ["TEST_DATABASE_URL"]
    name = f"ts_live_{uuid.uuid4().hex[:12]}"
    _on_server(server, f'CREATE DATABASE "{name}"')
    driver_url = make_url(Settings(database_url=server, _env_file=None).database_url)  # type: ignore[call-arg]
    url = driver_url.set(database=name).render_as_string(hide_password=False)
    return url, lambda: _on_server(server, _drop(name))


@pytest.fixture
def live_factory(backend: str, tmp_path: Path) -> Iterator[Any]:
    """Builds `Live` services (call it again for a restarted process on the same data)."""
    url, drop = _live_database(backend, tmp_path)
    engines: list[Engine] = []
    lives: list[Live] = []

    def make(*, background: bool = True, **overrides: Any) -> Live:
        settings = Settings(
            database_url=url,
            data_dir=tmp_path,
            secret_key="test-secret",
            id_hash_key="test-id-key",
            embedding_model="hashing",
            _env_file=None,  # type: ignore[call-arg]
            **overrides,
        )
        engine = make_engine(settings.database_url)
        if not engines:
            migrate(engine)
        engines.append(engine)
        live = Live(settings, engine, background=background)
        lives.append(live)
        return live

    yield make
    for live in lives:
        live.stop()
    for engine in engines:
        engine.dispose()
    drop()


@pytest.fixture
def live(live_factory: Any) -> Live:
    return live_factory().start()  # type: ignore[no-any-return]


class Inbox:
    """A real SMTP server's mailbox (aiosmtpd): what the service sent, parsed."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes

        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def wait(self, timeout_s: float = 10) -> None:
        """Wait until a message arrived (mail goes out from a thread after the commit)."""
        import time

        deadline = time.monotonic() + timeout_s
        while not self.messages:
            assert time.monotonic() < deadline, "no e-mail arrived"
            time.sleep(0.1)


@pytest.fixture
def smtp() -> Iterator[tuple[Any, Inbox]]:
    """A local SMTP server on a free loopback port, and its inbox."""
    from aiosmtpd.controller import Controller

    from tests.search.meili_server import free_port

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()
