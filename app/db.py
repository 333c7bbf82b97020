"""Database plumbing: declarative base, engine and session factories, migrations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; use timezone-aware UTC values")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(database_url: str) -> Engine:
    """Build the engine; SQLite gets foreign keys on, WAL, and a directory to live in."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            database_url, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy emit BEGIN
            # (SQLAlchemy's SQLite dialect notes, "Serializable isolation / Savepoints").
            dbapi_conn.isolation_level = None
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # IMMEDIATE: take the write lock up front. A deferred transaction that reads and
            # then writes fails at once (SQLITE_BUSY_SNAPSHOT, "database is locked") when
            # another connection (a job, the search worker) committed in between; an
            # immediate one waits for the lock instead (busy timeout 30 s).
            # Read-only probes (`/healthz`) opt out with execution option sqlite_deferred.
            deferred = conn.get_execution_options().get("sqlite_deferred")
            conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

        return engine
    return create_engine(database_url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def make_session_factory(
    engine: Engine, *, info: dict[str, Any] | None = None
) -> sessionmaker[Session]:
    """Sessions for requests and jobs; `info` reaches every session (the search indexer)."""
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Apply Alembic migrations up to `revision` on this engine."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


_F = TypeVar("_F", bound=Callable[..., Any])


def writes_on_get(endpoint: _F) -> _F:
    """Mark a GET route that writes (it logs who read what): under SQLite it takes the write
    lock up front like any write, instead of reading first in a deferred transaction that
    fails with "database is locked" if another write committed in between."""
    endpoint.writes_on_get = True  # type: ignore[attr-defined]
    return endpoint


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; the route commits once, before the response exists."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    session = request.app.state.session_factory()
    reads_only = request.method in ("GET", "HEAD") and not getattr(
        request.scope.get("endpoint"), "writes_on_get", False
    )
    if reads_only and session.get_bind().dialect.name == "sqlite":
        # Reads take no write lock (see make_engine): with IMMEDIATE everywhere, every page
        # and search held SQLite's one write lock for its whole request, and under 50 users
        # the waiters starved past the busy timeout ("database is locked").
        session.connection(execution_options={"sqlite_deferred": True})
    try:
        yield session
    finally:
        try:
            session.close()
        except DBAPIError as exc:
            # The database went away after the route finished (a restart): the closing
            # ROLLBACK fails, the pool drops that connection; the response is already decided.
            if not (exc.connection_invalidated or isinstance(exc, OperationalError)):
                raise


SessionDep = Annotated[Session, Depends(get_session)]


def paginate(session: Session, stmt: Any, *, limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of `stmt`'s rows and the total count of the unpaged statement."""
    from sqlalchemy import func, select

    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    items = list(session.scalars(stmt.limit(limit).offset(offset)).unique())
    return items, total
