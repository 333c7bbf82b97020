"""Migrations: they match the models, and an empty SQLite and an empty PostgreSQL database
migrate to the same schema."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from app.db import Base, make_engine, migrate

PG_URL = os.environ.get("TEST_DATABASE_URL")


def _schema(engine: Engine) -> dict[str, Any]:
    insp = inspect(engine)
    out: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        out[table] = {
            "columns": {
                c["name"]: (
                    type(c["type"])
                    .__name__.lower()
                    .replace("varchar", "string")
                    .replace("character", "string"),
                    c["nullable"],
                )
                for c in insp.get_columns(table)
            },
            "pk": sorted(insp.get_pk_constraint(table)["constrained_columns"]),
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in insp.get_foreign_keys(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in insp.get_indexes(table)
                if not i.get("duplicates_constraint")
            ),
            "uniques": sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
        }
    return out


def _normalise_types(schema: dict[str, Any]) -> dict[str, Any]:
    # Dialects spell types differently (DATETIME vs TIMESTAMP, TEXT vs JSON); compare nullability
    # and names exactly, types by family.
    families = {
        "datetime": "time",
        "timestamp": "time",
        "date": "date",
        "integer": "int",
        "biginteger": "int",
        "string": "text",
        "text": "text",
        "json": "json",
        "boolean": "bool",
        "float": "float",
        "double_precision": "float",
        "largebinary": "bytes",
        "bytea": "bytes",
        "blob": "bytes",
        "real": "float",
    }
    for table in schema.values():
        table["columns"] = {
            name: (families.get(t, t), nullable) for name, (t, nullable) in table["columns"].items()
        }
    return schema


@pytest.fixture(scope="module")
def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    path = Path(tmp_path_factory.mktemp("mig")) / "fresh.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    return engine


def test_migrations_match_the_models_on_sqlite(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


@pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL not set: PostgreSQL comparison off")
def test_sqlite_and_postgresql_migrate_to_the_same_schema(sqlite_engine: Engine) -> None:
    assert PG_URL is not None
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS migcheck CASCADE"))
        conn.execute(text("CREATE SCHEMA migcheck"))
    admin.dispose()
    pg = create_engine(url, connect_args={"options": "-csearch_path=migcheck"})
    try:
        migrate(pg)
        with pg.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        assert _normalise_types(_schema(pg)) == _normalise_types(_schema(sqlite_engine))
    finally:
        pg.dispose()
        cleanup = create_engine(url)
        with cleanup.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS migcheck CASCADE"))
        cleanup.dispose()
