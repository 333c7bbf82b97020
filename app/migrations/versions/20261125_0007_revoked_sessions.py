"""revoked sessions: logging out ends the page session server-side

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'revoked_sessions',
        sa.Column('sid', sa.String(length=64), nullable=False),
        sa.Column('revoked_at', app.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('sid', name=op.f('pk_revoked_sessions')),
    )
    with op.batch_alter_table('revoked_sessions', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_revoked_sessions_revoked_at'), ['revoked_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('revoked_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_sessions_revoked_at'))
    op.drop_table('revoked_sessions')
