"""writes that happen once: one queued or running match run, one running duplicate scan

Both are partial unique indexes, so the database, not a check in Python, refuses the second
one under parallel requests. Match runs get a constant `queue` column to build theirs on
(queued and running differ in `status`); runs that were already active in parallel (before
this migration) are cancelled except the oldest. Duplicate scans get their own table.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


ACTIVE = "status IN ('queued', 'running')"


def upgrade() -> None:
    op.execute(
        "UPDATE match_runs SET status = 'cancelled', stage = 'cancelled' "
        f"WHERE {ACTIVE} AND id > (SELECT min(id) FROM match_runs WHERE {ACTIVE})"
    )
    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('queue', sa.String(length=20), server_default='matching', nullable=False)
        )
        batch_op.create_index(
            'uq_match_runs_active',
            ['queue'],
            unique=True,
            sqlite_where=sa.text(ACTIVE),
            postgresql_where=sa.text(ACTIVE),
        )
    op.create_table(
        'duplicate_scans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('started_at', app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', app.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('new_pairs', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['started_by_id'],
            ['users.id'],
            name=op.f('fk_duplicate_scans_started_by_id_users'),
            ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_scans')),
    )
    with op.batch_alter_table('duplicate_scans', schema=None) as batch_op:
        batch_op.create_index(
            'uq_duplicate_scans_running',
            ['status'],
            unique=True,
            sqlite_where=sa.text("status = 'running'"),
            postgresql_where=sa.text("status = 'running'"),
        )


def downgrade() -> None:
    with op.batch_alter_table('duplicate_scans', schema=None) as batch_op:
        batch_op.drop_index('uq_duplicate_scans_running')
    op.drop_table('duplicate_scans')
    with op.batch_alter_table('match_runs', schema=None) as batch_op:
        batch_op.drop_index('uq_match_runs_active')
        batch_op.drop_column('queue')
