"""identity: ids never reused, account secrets, API tokens, throttle counters

- SQLite: every table with an INTEGER primary key is rebuilt with AUTOINCREMENT, so a deleted
  row's id is never handed out again (PostgreSQL sequences never go back). The rebuild follows
  SQLite's own procedure (new table from the stored CREATE statement, copy, drop, rename, the
  stored indexes again), which keeps CHECK constraints and partial indexes exactly; it needs
  foreign keys off, as `app.db.migrate` does (`talent-supermarket migrate`).
- users: `auth_secret`, a random secret per account that tokens and page sessions are bound
  to, replaces the `auth_version` counter.
- api_tokens: one row per issued API token (listed to its owner, revocable).
- throttle_counters: login and sign-up attempts per key, counted atomically.

The downgrade drops the new tables and columns; the AUTOINCREMENT tables stay (harmless).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 09:00:00
"""

import re
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('jti', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('user_agent', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('jti', name=op.f('uq_api_tokens_jti')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table(
        'throttle_counters',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('window_start', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle_counters')),
    )
    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_throttle_counters_window_start'), ['window_start'], unique=False
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auth_secret', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('auth_secret', sa.String))
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(auth_secret=secrets.token_urlsafe(32))
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('auth_secret', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('auth_version')

    if conn.dialect.name == 'sqlite':
        _sqlite_autoincrement_everywhere(conn)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('auth_version', sa.Integer(), server_default='1', nullable=False)
        )
        batch_op.drop_column('auth_secret')
    with op.batch_alter_table('throttle_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_counters_window_start'))
    op.drop_table('throttle_counters')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')


def _sqlite_autoincrement_everywhere(conn: sa.Connection) -> None:
    if conn.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError(
            'this migration rebuilds tables and needs foreign keys off: '
            'run it with `talent-supermarket migrate`'
        )
    tables = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name"
    ).all()
    for name, sql in tables:
        pk = [row for row in conn.exec_driver_sql(f'PRAGMA table_info("{name}")') if row[5]]
        if len(pk) != 1 or pk[0][2].upper() != 'INTEGER' or 'AUTOINCREMENT' in sql.upper():
            continue
        _rebuild(conn, name, sql, pk[0][1])


def _rebuild(conn: sa.Connection, name: str, sql: str, pk: str) -> None:
    """SQLite's documented table rebuild ("Making Other Kinds Of Table Schema Changes")."""
    col = re.escape(pk)
    new_sql, defs = re.subn(
        rf'^(\s*"?{col}"?\s+INTEGER\s+NOT\s+NULL)(\s*,)', r'\1 PRIMARY KEY AUTOINCREMENT\2',
        sql, count=1, flags=re.MULTILINE | re.IGNORECASE,
    )  # fmt: skip
    new_sql, constraints = re.subn(
        rf',\s*(CONSTRAINT\s+"?\w+"?\s+)?PRIMARY\s+KEY\s*\(\s*"?{col}"?\s*\)', '', new_sql,
        count=1, flags=re.IGNORECASE,
    )  # fmt: skip
    new_sql, named = re.subn(
        rf'^CREATE\s+TABLE\s+"?{re.escape(name)}"?', f'CREATE TABLE "_new_{name}"', new_sql,
        count=1, flags=re.IGNORECASE,
    )  # fmt: skip
    if (defs, constraints, named) != (1, 1, 1):
        raise RuntimeError(f'cannot add AUTOINCREMENT to {name}: unexpected schema {sql!r}')
    extras = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') "
            'AND sql IS NOT NULL',
            (name,),
        )
    ]
    columns = ', '.join(
        f'"{row[1]}"' for row in conn.exec_driver_sql(f'PRAGMA table_info("{name}")')
    )
    conn.exec_driver_sql(new_sql)
    conn.exec_driver_sql(
        f'INSERT INTO "_new_{name}" ({columns}) SELECT {columns} FROM "{name}"'
    )
    conn.exec_driver_sql(f'DROP TABLE "{name}"')
    conn.exec_driver_sql(f'ALTER TABLE "_new_{name}" RENAME TO "{name}"')
    for extra in extras:
        conn.exec_driver_sql(extra)
