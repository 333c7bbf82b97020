"""Database plumbing: declarative base, engine and session factories, migrations."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Connection, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.context import app_context
from app.private_files import private_file
from app.text import scrub_json

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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        table = cls.__dict__.get("__table__")
        if table is not None:
            # Ids are never reused: without AUTOINCREMENT SQLite hands a deleted row's id to
            # the next insert, and a deleted user's token or an erased talent's export then
            # points at someone new (PostgreSQL sequences never go back anyway). SQLite adds
            # it to single-column INTEGER primary keys only.
            table.dialect_options["sqlite"]["autoincrement"] = True


def _json_dumps(value: Any) -> str:
    return json.dumps(scrub_json(value))


def _json_loads(text: str | bytes) -> Any:
    # JSON escapes let a lone surrogate ("\udfff") into a JSON column, where no UTF-8 writer
    # (responses, pages, the index) could ever encode it: such values are dropped both ways.
    return scrub_json(json.loads(text))


JSON_OPTIONS: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": _json_loads}


def make_engine(database_url: str) -> Engine:
    """Build the engine; SQLite gets foreign keys on, WAL, and a directory to live in."""
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            private_file(Path(path))  # 0600; SQLite gives its -wal and -shm files that mode too
        engine = create_engine(
            database_url,
            connect_args={"check_same_thread": False, "timeout": 30},
            **JSON_OPTIONS,
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
    return create_engine(
        database_url, pool_pre_ping=True, pool_size=10, max_overflow=10, **JSON_OPTIONS
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for requests and jobs (`AppContext.install` gives them the app's context)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Apply Alembic migrations up to `revision` on this engine."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with migration_connection(engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def migration_connection(engine: Engine) -> Iterator[Connection]:
    """A connection inside one transaction for migrations. On SQLite foreign keys are off
    meanwhile (they cannot change inside a transaction): a migration that rebuilds a table
    drops it, and with them on, that DROP would delete every row referring to it (ON DELETE
    CASCADE). They are checked before the commit instead."""
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection if _is_sqlite(engine) else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                if raw is not None:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


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

    session = app_context(request).session_factory()
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


_Row = TypeVar("_Row", bound=Base)


def lock_row(session: Session, entity: type[_Row], row_id: int) -> _Row | None:
    """Load one row under SELECT ... FOR UPDATE, refreshed with what the previous holder of
    the lock committed; None when it is gone. Parallel writers of the row take turns (on
    SQLite, whose one writer serialises them already, FOR UPDATE is not rendered)."""
    from sqlalchemy import select

    stmt = (
        select(entity)
        .where(entity.id == row_id)  # type: ignore[attr-defined]
        .with_for_update(of=entity)  # not the tables of joined eager loads
        .execution_options(populate_existing=True)
    )
    return session.scalars(stmt).unique().one_or_none()


def count_rows(session: Session, stmt: Any) -> int:
    """How many rows `stmt` selects (its ordering dropped)."""
    from sqlalchemy import func, select

    return int(
        session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    )


def paginate(session: Session, stmt: Any, *, limit: int, offset: int) -> tuple[list[Any], int]:
    """One page of `stmt`'s rows and the total count of the unpaged statement."""
    total = count_rows(session, stmt)
    items = list(session.scalars(stmt.limit(limit).offset(offset)).unique())
    return items, total


def set_actor(session: Session, actor_id: int | None, actor_name: str) -> None:
    """Name who makes this session's changes: the audit trail stamps its rows with it."""
    session.info["actor_id"] = actor_id
    session.info["actor_name"] = actor_name
